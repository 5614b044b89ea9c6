"""Use the second core: run half of a big job in a forked child while this process does the other half.

split(): a child forked now starts with this process's memory (the loaded pages, the
templates), so nothing has to be sent to it; only its result comes back, pickled through
a pipe. Helper: a child forked early, while this process is small, and given its job later
as bytes, so that it shares none of what this process loads meanwhile. Where fork is
missing (Windows) or the job is small, everything runs here, one after the other.
"""

from __future__ import annotations

import contextlib
import ctypes
import multiprocessing
import os
import pickle
import queue
import sys
import threading
import traceback
from collections.abc import Callable

# Below this many items a fork costs more than it saves.
MIN_ITEMS = 64
_in_child = False


def in_child() -> bool:
    """Whether this is the forked child: its results must be sent back as bytes."""
    return _in_child


def workers() -> int:
    """How many processes share a big job: at most two, one per core; one while other threads run.

    A child forked beside running threads (the preview's web server and file watcher) inherits every lock
    as it was at that instant, and one that another thread held then stays held in the child for ever
    (Python 3.12 warns of it). So a build forks only from a process with no other thread: `build`, and
    the preview's first build, made before its threads start; the preview's rebuilds run in one process."""
    if not hasattr(os, "fork") or os.environ.get("MICROSITE_NO_FORK") or other_threads_run():
        return 1
    return min(2, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1)


def other_threads_run() -> bool:
    return threading.active_count() > 1


def split(items: list, function: Callable[[list], object], here: Callable[[object], bool] | None = None) -> list:
    """[function(share) for each share of items], the shares run side by side when it pays.

    Items for which `here` is true are done in this process: what they leave in memory is kept."""
    if workers() < 2 or len(items) < MIN_ITEMS:
        return [function(items)]
    give_back_free_memory()
    kept = [item for item in items if here(item)] if here else []
    rest = [item for item in items if not here(item)] if here else items
    mine, theirs = kept + rest[0::2], rest[1::2]  # interleaved, so costly neighbours are shared out
    child = _fork(function, theirs)
    try:
        result = function(mine)
    except BaseException:
        child.abandon()
        raise
    return [result, child.result()]


def give_back_free_memory() -> None:
    """Hand the C heap's free pages back to the system before forking, where the C library allows it.

    glibc keeps what is freed for later use; after loading, the pickled pages sent by the first child
    leave tens of megabytes free but held, which the system counts for this process and its child."""
    with contextlib.suppress(AttributeError, OSError):  # not glibc: nothing to do
        ctypes.CDLL(None).malloc_trim(0)


class Helper:
    """A second process forked now, while this one is small, to run one job later: job(payload).

    A child forked once the site is loaded shares the model, and copies most of it as it works: reading
    an object writes its reference count, and its new objects fill the free slots of the model's memory
    pages, each written page held twice from then on. Forked before loading, the helper shares nothing of
    the model; it is given its work as bytes and reads what it needs from the build cache.

    start(payload) may give it a first piece of work, first(payload), ahead of the job: it does it while
    this process gets the job ready, on a core that would otherwise wait."""

    def __init__(self, job: Callable[[bytes, Claims], object], first: Callable[[bytes], None] | None = None):
        self.job, self.first, self.child = job, first, None
        self.started = False  # given its first piece of work
        self.claims = Claims()  # made before the fork: both processes share it
        if workers() < 2 or not self.claims.shared:
            return
        jobs_read, jobs_write = os.pipe()
        self.child = _fork(self._serve, jobs_read, close=jobs_write)
        os.close(jobs_read)
        self.jobs = os.fdopen(jobs_write, "wb")

    @property
    def pid(self) -> int | None:
        """The helper's process; None when the work is done here."""
        return self.child.pid if self.child else None

    def _serve(self, jobs_read: int):
        """In the helper: the first piece of work if sent, then the job, whose result it gives; nothing to do
        when dismissed."""
        pipe = os.fdopen(jobs_read, "rb")  # left open: the reader below may still be in it when this returns
        # The frames are read as they come, also during the first piece of work: the job is sent meanwhile, and
        # this process would otherwise wait with it in a full pipe.
        frames: queue.SimpleQueue[bytes | None] = queue.SimpleQueue()

        def read() -> None:
            while (frame := _read_frame(pipe)) is not None:
                frames.put(frame)
            frames.put(None)

        threading.Thread(target=read, daemon=True).start()
        failed, frame = None, frames.get()
        while frame is not None and frame[:1] == _FIRST:
            try:
                self.first(frame[1:])
            except BaseException as err:  # reported as the job's outcome
                failed = err
            frame = frames.get()
        if frame is None:
            return None  # dismissed: nobody reads the result
        if failed is not None:
            raise failed
        return self.job(frame[1:], self.claims)

    def start(self, payload: bytes) -> None:
        """first(payload), in the helper from now on (or here, at once, without one)."""
        self.started = True
        if self.child is None:
            self.first(payload)
            return
        _write_frame(self.jobs, _FIRST + payload)

    def run(self, payload: bytes, here: Callable[[], object]) -> list:
        """[here(), job(payload)], the job run by the helper (or here, after, without one) meanwhile."""
        if self.child is None:
            return [here(), self.job(payload, self.claims)]
        child, self.child = self.child, None
        try:
            with self.jobs:
                _write_frame(self.jobs, _JOB + payload)
            result = here()
        except BaseException:
            child.abandon()
            raise
        return [result, child.result()]

    def dismiss(self) -> None:
        """Let the helper go without a job (a build that failed or had little to share), once it has done
        what it was started on."""
        if self.child is None:
            return
        child, self.child = self.child, None
        self.jobs.close()
        child.pipe.close()
        os.waitpid(child.pid, 0)

    def abandon(self) -> None:
        """Stop the helper now, whatever it is doing (a build that failed while it works in its output)."""
        if self.child is None:
            return
        child, self.child = self.child, None
        child.abandon()
        with contextlib.suppress(OSError):
            self.jobs.close()


_FIRST, _JOB = b"f", b"j"  # what a frame sent to the helper holds


def _write_frame(pipe, frame: bytes) -> None:
    pipe.write(len(frame).to_bytes(8, "little"))
    pipe.write(frame)
    pipe.flush()


def _read_frame(pipe) -> bytes | None:
    """The next frame; None at the end (the pipe closed)."""
    head = pipe.read(8)
    if len(head) < 8:
        return None
    return pipe.read(int.from_bytes(head, "little"))


class Claims:
    """The parts of a job, numbered, each claimed once by one of two processes: the helper takes them from
    the first, this process from the last once its own work is done, until they meet. Neither waits for
    the other however the work falls out (a template edit leaves this process little else to do)."""

    def __init__(self):
        try:  # a lock and two numbers in memory shared with a child forked later
            self._lock = multiprocessing.Lock()
            self._ends = multiprocessing.RawArray("q", 2)  # the next part from the front; the end of those left
            self.shared = True
        except (ImportError, OSError):  # no shared memory here (a system without /dev/shm): one process
            self._lock, self._ends, self.shared = contextlib.nullcontext(), [0, 0], False

    def reset(self, count: int) -> None:
        with self._lock:
            self._ends[0], self._ends[1] = 0, count

    def first(self) -> int | None:
        with self._lock:
            if self._ends[0] >= self._ends[1]:
                return None
            self._ends[0] += 1
            return self._ends[0] - 1

    def last(self) -> int | None:
        with self._lock:
            if self._ends[0] >= self._ends[1]:
                return None
            self._ends[1] -= 1
            return self._ends[1]


def _send(pipe_fd: int, function: Callable, argument) -> None:
    """In a child: function(argument), or what it raised, pickled into the pipe for the parent."""
    try:
        payload = pickle.dumps(("ok", function(argument)), protocol=pickle.HIGHEST_PROTOCOL)
    except BaseException as err:  # sent back and raised in the parent, which reports it
        payload = pickle.dumps(("error", err, traceback.format_exc()), protocol=pickle.HIGHEST_PROTOCOL)
    with os.fdopen(pipe_fd, "wb") as pipe:
        pipe.write(payload)


class ChildFailed(Exception):
    """The child's share raised: its traceback, as text."""


def _fork(function: Callable, argument, close: int | None = None) -> _Child:
    """A child forked now to do function(argument); `close`: a file descriptor of this process's the child must
    not hold (the writing end of a pipe it reads)."""
    sys.stdout.flush()
    sys.stderr.flush()
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: do the share, send the result, leave without running the parent's exit code
        global _in_child
        _in_child = True
        os.close(read)
        if close is not None:
            os.close(close)
        code = 0
        try:
            _send(write, function, argument)
        except BaseException:
            code = 1
        finally:
            os._exit(code)
    os.close(write)
    return _Child(pid, os.fdopen(read, "rb"))


class _Child:
    """A forked child, whose result comes back through a pipe."""

    def __init__(self, pid: int, pipe):
        self.pid, self.pipe = pid, pipe

    def result(self):
        try:
            payload = self.pipe.read()
        finally:
            self.pipe.close()
            _, status = os.waitpid(self.pid, 0)
        if not payload:
            raise ChildFailed(f"the second build process ended without a result (status {status})")
        outcome = pickle.loads(payload)
        if outcome[0] == "error":
            error = outcome[1]
            if isinstance(error, Exception) and not isinstance(error, ChildFailed):
                raise error
            raise ChildFailed(outcome[2])
        return outcome[1]

    def abandon(self) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.kill(self.pid, 9)
        self.pipe.close()
        os.waitpid(self.pid, 0)
