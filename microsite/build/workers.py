"""Worker processes for the big parts of a build: reading content pages and rendering articles' own pages.

A pool of the standard library's (concurrent.futures.ProcessPoolExecutor), made only when a build has
many jobs to share out, with as many processes as this one may use cores (its affinity mask) or as
`--jobs` says, this process included. Workers start from a fork server (spawned where there is none),
never by forking this process: a fork beside the preview's threads could inherit a lock another thread
held at that instant, and a forked copy of a loaded model is copied again page by page as it is read.
So a worker is given its work by reference (file paths, keys of the page store), reads what it needs
itself, and hands back paths, problems or records (bytes).

This process works too: workers take the jobs from the front, and this process, once its own work is
done, takes back from the end those no worker has started, running them its own way (from the model it
holds). However the work falls out, no process waits while another has jobs left to start.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool

from ..errors import BuildFailed, Problem

# Modules a worker needs, imported once by the fork server rather than by every worker it starts.
_PRELOAD = ["microsite.build.rendering", "microsite.model.loader"]


def usable_cores() -> int:
    """The cores this process may run on: its affinity mask where the system has one."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0)) or 1
    return os.cpu_count() or 1


class Workers:
    """Up to `jobs - 1` worker processes beside this one, started on first need and stopped with the build."""

    def __init__(self, jobs: int | None = None):
        self.jobs = max(1, jobs if jobs else usable_cores())
        self._pool: ProcessPoolExecutor | None = None
        self.processes = 0  # how many worker processes this build started (0: it ran here alone)

    def share(self, items: list[tuple[Callable, object]], here: Callable[[int], object]) -> Batch:
        """A batch of jobs (task, argument): task(argument) in a worker, or here(index) in this process, for
        each; results in their order from Batch.results(). Run here alone when one process is all there is
        or there is a single job."""
        if self.jobs < 2 or len(items) < 2:
            return Batch([None] * len(items), here)
        pool = self._start()
        return Batch([pool.submit(task, argument) for task, argument in items], here)

    def run(self, task: Callable, arguments: list, here: Callable[[object], object]) -> Iterator:
        """task(argument) for each argument, shared out (here(argument) for those run in this process), given
        in their order as they come: a result is held no longer than its caller holds it."""
        with self.share([(task, argument) for argument in arguments], lambda index: here(arguments[index])) as batch:
            yield from batch.each()

    def _start(self) -> ProcessPoolExecutor:
        if self._pool is None:
            self._pool = ProcessPoolExecutor(self.jobs - 1, mp_context=_context(), initializer=_worker_started)
            self.processes = self.jobs - 1
        return self._pool

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def __enter__(self) -> Workers:
        return self

    def __exit__(self, *_exc) -> None:
        self.close()


class Batch:
    """Jobs given to the workers; should this process fail meanwhile, the jobs not started are dropped and
    those running are waited for, so that none writes into an output folder the failed build removes."""

    def __init__(self, futures: list[Future | None], here: Callable[[int], object]):
        self.futures, self.here = futures, here

    def results(self) -> list:
        return list(self.each())

    def each(self) -> Iterator:
        """The jobs' results in their order: first those this process takes back (from the end: the workers
        take from the front) and runs itself, then each worker's, let go once given."""
        mine = {}
        for index in reversed(range(len(self.futures))):
            future = self.futures[index]
            if future is None or future.cancel():
                mine[index] = self.here(index)
        for index in range(len(self.futures)):
            if index in mine:
                yield mine.pop(index)
                continue
            future, self.futures[index] = self.futures[index], None
            try:
                yield future.result()
            except BrokenProcessPool:  # killed from outside: most often by the system, short of memory
                raise BuildFailed([_WORKER_LOST]) from None

    def __enter__(self) -> Batch:
        return self

    def __exit__(self, exc_type, _exc, _tb) -> None:
        if exc_type is not None:
            running = [future for future in self.futures if future is not None and not future.cancel()]
            self.futures = []
            wait(running)


_WORKER_LOST = Problem(
    None,
    "a worker process of the build stopped before its job was done (the system may have run out of memory)",
    hint="build again; if it stops again, use fewer processes: `--jobs 1` keeps the whole build in one",
)


def _context():
    methods = multiprocessing.get_all_start_methods()
    if "forkserver" not in methods:
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(_PRELOAD)
    return context


def _worker_started() -> None:
    # Ctrl-C stops the build in the main process, which waits for the workers' jobs: a worker stopped by it
    # too would print its own traceback in the middle of the build's last words.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
