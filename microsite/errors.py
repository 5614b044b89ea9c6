"""Problems are values: a file, a line, a field, a message and a fix hint.

Every step collects them instead of raising at the first one, so a user can fix
all of them in one pass. `BuildFailed` carries the whole list to the command line.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Problem:
    file: Path | None
    message: str
    line: int | None = None
    field: str | None = None
    hint: str | None = None

    def location(self) -> str:
        where = display_path(self.file) if self.file else "<site>"
        if self.line:
            where += f":{self.line}"
        return where

    def format(self) -> str:
        head = self.location()
        if self.field:
            head += f": {self.field}"
        text = f"{head}: {self.message}"
        if self.hint:
            text += f"\n    hint: {self.hint}"
        return text

    def sort_key(self) -> tuple:
        return (str(self.file or ""), self.line or 0, self.field or "")


class BuildFailed(Exception):
    """Raised with every problem found; the CLI prints them and exits 1."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(problems, key=Problem.sort_key)
        super().__init__(self.report())

    def report(self, outcome: str = "nothing was written.") -> str:
        count = len(self.problems)
        lines = [p.format() for p in self.problems]
        lines.append(f"{count} problem{'s' if count != 1 else ''} found; {outcome}")
        return "\n".join(lines)


class OutputRefused(BuildFailed):
    """The output folder may not be written: no rebuild can fix that, so the preview stops."""


def display_path(path: Path | str) -> str:
    """A path as the user would type it: relative to the working folder when inside it."""
    path = Path(path)
    try:
        return os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return str(path)


def field_path(loc: tuple) -> str:
    """('claims', 2, 'status') -> 'claims[2].status'."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out
