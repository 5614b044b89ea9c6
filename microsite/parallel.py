"""Use the second core: run half of a big job in a forked child while this process does the other half.

A forked child starts with this process's memory (the loaded site, the templates), so
nothing has to be sent to it; only its result comes back, pickled through a pipe. Where
fork is missing (Windows) or the job is small, everything runs here, one after the other.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import pickle
import sys
import traceback
from collections.abc import Callable

# Below this many items a fork costs more than it saves.
MIN_ITEMS = 64
_in_child = False


def in_child() -> bool:
    """Whether this is the forked child: its results must be sent back as bytes."""
    return _in_child


def workers() -> int:
    """How many processes share a big job: at most two, one per core."""
    if not hasattr(os, "fork") or os.environ.get("MICROSITE_NO_FORK"):
        return 1
    return min(2, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1)


def split(items: list, function: Callable[[list], object], here: Callable[[object], bool] | None = None) -> list:
    """[function(share) for each share of items], the shares run side by side when it pays.

    Items for which `here` is true are done in this process: what they leave in memory is kept."""
    if workers() < 2 or len(items) < MIN_ITEMS:
        return [function(items)]
    _give_back_free_memory()
    kept = [item for item in items if here(item)] if here else []
    rest = [item for item in items if not here(item)] if here else items
    mine, theirs = kept + rest[0::2], rest[1::2]  # interleaved, so costly neighbours are shared out
    child = _Child(function, theirs)
    try:
        result = function(mine)
    except BaseException:
        child.abandon()
        raise
    return [result, child.result()]


def _give_back_free_memory() -> None:
    """Hand the C heap's free pages back to the system before forking, where the C library allows it.

    glibc keeps what is freed for later use; after loading, the pickled pages sent by the first child
    leave tens of megabytes free but held, which the system counts for this process and its child."""
    with contextlib.suppress(AttributeError, OSError):  # not glibc: nothing to do
        ctypes.CDLL(None).malloc_trim(0)


class ChildFailed(Exception):
    """The child's share raised: its traceback, as text."""


class _Child:
    def __init__(self, function: Callable[[list], object], items: list):
        sys.stdout.flush()
        sys.stderr.flush()
        read, write = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: do the share, send the result, leave without running the parent's exit code
            global _in_child
            _in_child = True
            os.close(read)
            code = 0
            try:
                try:
                    payload = pickle.dumps(("ok", function(items)), protocol=pickle.HIGHEST_PROTOCOL)
                except BaseException as err:  # sent back and raised in the parent, which reports it
                    payload = pickle.dumps(("error", err, traceback.format_exc()), protocol=pickle.HIGHEST_PROTOCOL)
                with os.fdopen(write, "wb") as pipe:
                    pipe.write(payload)
            except BaseException:
                code = 1
            finally:
                os._exit(code)
        os.close(write)
        self.pid, self.pipe = pid, os.fdopen(read, "rb")

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
