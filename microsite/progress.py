"""Progress on a terminal for the long jobs: a full build, an ingest, a deploy.

A full build of 10,000 articles runs for tens of seconds, and without a sign of life a working build
looks like a stuck one. So the code that does the work names its phases and moves them on, and a
person at a terminal sees one bar at a time on standard error:

    Reading pages:  45%|████▌     | 4500/10000 pages [00:05<00:06]

As with `logging`, the reporter is the process's, and the command line decides whether anything is
drawn: it wraps a command in `shown(not quiet and wanted(sys.stderr))`. The work only calls `phase()`,
`advance()` and `done()` (and `counter()` where another thread reports); by default, and so always in
worker processes (which import this module fresh and are never given a bar), every call is a test
and a return. tqdm, which draws the bars, is imported at the first bar drawn (it takes ~45 ms): a
build with nothing to do stays as fast as it was, even at a terminal.

What is drawn, and where:

- only on a terminal (`wanted`): never into a pipe or a file, never in a CI log (the `CI` variable
  set and not empty), never on a dumb terminal (`TERM=dumb`), which cannot redraw a line;
- a finished phase's bar is removed (`leave=False`), so what is left on the screen is the command's
  own summary line, printed after the work ended its last phase (`done()`);
- no colour, ever: tqdm draws none unless asked and is never asked here, so NO_COLOR is respected
  by construction;
- a phase without a total (Pagefind indexing, a git push) shows its name and the time it has taken,
  redrawn twice a second, since nothing advances it.

The preview server rebuilds in a thread, and a worker's job is reported by the process pool's thread:
every bar is touched under one lock. Two builds at once would share the one bar (the later phase
wins), which is harmless.
"""

from __future__ import annotations

import contextlib
import os
import sys
import threading
from collections.abc import Callable, Iterator

MININTERVAL = 0.1  # seconds between redraws, at most
_TICK = 0.5  # seconds between redraws of a bar that nothing advances
_WITH_TOTAL = "{desc}: {percentage:3.0f}%|{bar}| {n_fmt}/{total_fmt} {unit} [{elapsed}<{remaining}]"
_COUNTING = "{desc}: {n_fmt} {unit} [{elapsed}]"
_WAITING = "{desc} [{elapsed}]"

_lock = threading.RLock()
_on = False  # whether progress is shown; False: every call below does nothing
_bar = None  # the current phase's bar
_tqdm = None  # the tqdm class, once a bar was drawn


def wanted(stream) -> bool:
    """Whether progress belongs on `stream`: a terminal, outside CI, that can redraw a line."""
    try:
        terminal = stream.isatty()
    except (AttributeError, ValueError):  # no isatty, or closed
        return False
    return bool(terminal) and not os.environ.get("CI") and os.environ.get("TERM") != "dumb"


@contextlib.contextmanager
def shown(enabled: bool) -> Iterator[None]:
    """Progress drawn on standard error inside the block when `enabled`; else none at all."""
    global _on
    with _lock:
        before = _on
        _close()
        _on = enabled
    ticker = _Ticker() if enabled else None
    try:
        yield
    finally:
        if ticker is not None:
            ticker.stop()
        with _lock:
            _close()
            _on = before


def phase(name: str, total: int | None = None, unit: str = "pages") -> _Ending:
    """Start a phase of the work, the previous one's bar removed. With a total, a bar that advance() fills;
    without, the name and the time taken (and a count, once advanced). Usable as a context manager that
    ends the phase on leaving it."""
    if not _on:
        return _ENDING
    with _lock:
        global _bar
        _close()
        if _on:
            _bar = _load_tqdm()(
                desc=name,
                total=total,
                unit=unit,
                file=sys.stderr,
                leave=False,
                dynamic_ncols=True,
                mininterval=MININTERVAL,
                miniters=1,  # the time checked at every step: a step may take a while
                bar_format=_WAITING if total is None else _WITH_TOTAL,
            )
    return _ENDING


def advance(n: int = 1) -> None:
    """Move the current phase on by `n` (pages, captures...)."""
    if _bar is None:
        return
    with _lock:
        if _bar is not None:
            _update(_bar, n)


def counter() -> Callable[[int], None]:
    """advance(), for the current phase only: once another phase began it does nothing. For another thread
    that reports work done (a worker's job come back) and may do so a moment after its phase ended."""
    bar = _bar
    if bar is None:
        return _nothing

    def count(n: int = 1) -> None:
        with _lock:
            if _bar is bar:
                _update(bar, n)

    return count


def _nothing(n: int = 1) -> None:
    pass


def done() -> None:
    """End the current phase: its bar is removed, so that what is printed next starts a clean line."""
    if _bar is None:
        return
    with _lock:
        _close()


class _Ending:
    """What phase() returns: `with progress.phase(...):` ends the phase with the block."""

    def __enter__(self) -> None:
        return None

    def __exit__(self, *_exc) -> None:
        done()


_ENDING = _Ending()


def _update(bar, n: int) -> None:
    """Move a bar on (the lock held)."""
    if bar.total is None and bar.n == 0:
        bar.bar_format = _COUNTING  # something to count after all
    bar.update(n)
    if bar.n == bar.total:
        bar.refresh()  # the last step shown, however soon after the one before: the next phase may be a while


def _close() -> None:
    """Remove the current bar (the lock held)."""
    global _bar
    bar, _bar = _bar, None
    if bar is not None:
        bar.close()


def _load_tqdm():
    """tqdm, imported at the first bar (~45 ms): a build with nothing to do draws none, so never imports it."""
    global _tqdm
    if _tqdm is None:
        from tqdm import tqdm

        # One process draws: a thread lock will do, where tqdm's own would make a multiprocessing one too.
        tqdm.set_lock(_lock)
        _tqdm = tqdm
    return _tqdm


class _Ticker:
    """Redraws a bar without a total now and then, so that its time runs while nothing advances it."""

    def __init__(self):
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._run, name="progress", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stopped.wait(_TICK):
            with _lock:
                if _bar is not None and _bar.total is None:
                    _bar.refresh()

    def stop(self) -> None:
        self._stopped.set()
        self._thread.join()
