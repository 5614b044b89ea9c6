"""Has a file changed since it was read? Cheap answers from its stat, for rebuilds."""

from __future__ import annotations

import os
import time
from pathlib import Path
from stat import S_ISREG

# A file written within this much of the last look may change again without its
# signature changing (file systems keep coarse times): such a file is read again.
_SETTLE_NS = 1_000_000_000


def unchanged(before: tuple | None, now: tuple | None) -> bool:
    """Whether a file with signature `now` is surely the one read with signature `before`."""
    return before is not None and before == now and time.time_ns() - now[0] > _SETTLE_NS


def settled(now: tuple | None) -> tuple | None:
    """A signature to compare later: None for a file written too recently to trust its stat, which then
    never matches, so the file is read again next time (a second write within the file system's time
    granularity would leave the same signature)."""
    return now if unchanged(now, now) else None


def signature(path: Path | str) -> tuple | None:
    """Changes whenever the file is written or replaced; None when it is missing or not a file."""
    try:
        stat = os.stat(path)  # not Path.stat(): a rebuild asks this of every file, and os.stat is quicker
    except OSError:
        return None
    if not S_ISREG(stat.st_mode):
        return None
    return (stat.st_mtime_ns, stat.st_size, stat.st_ino)
