"""What the command line tells its user, and on which stream.

A command's result (what was built, checked, drafted) goes to standard output, so that it can be piped;
notes, warnings, details and problems go to standard error. `-q` leaves only problems and warnings;
`-v` adds details. A label is coloured only on a terminal, and never when NO_COLOR is set
(https://no-color.org) or TERM is "dumb".
"""

from __future__ import annotations

import os
import sys
from typing import TextIO

QUIET, NORMAL, VERBOSE = -1, 0, 1

_COLOURS = {"note": "36", "suggestion": "36", "warning": "33", "error": "1;31"}  # cyan, yellow, bold red


def coloured(stream: TextIO) -> bool:
    return stream.isatty() and "NO_COLOR" not in os.environ and os.environ.get("TERM") != "dumb"


class Console:
    def __init__(self, verbosity: int = NORMAL, out: TextIO | None = None, err: TextIO | None = None):
        self.verbosity = verbosity
        self.out = out or sys.stdout
        self.err = err or sys.stderr
        self._colour = coloured(self.err)

    @property
    def quiet(self) -> bool:
        return self.verbosity <= QUIET

    def result(self, text: str) -> None:
        """What the command did, on standard output: left out with -q."""
        if not self.quiet:
            print(text, file=self.out, flush=True)

    def note(self, text: str, label: str = "note") -> None:
        """Something worth knowing that is not a fault: left out with -q."""
        if not self.quiet:
            self._err(f"{self._label(label)} {text}" if label else text)

    def warning(self, text: str) -> None:
        self._err(f"{self._label('warning')} {text}")

    def detail(self, text: str) -> None:
        """How the work was done: shown with -v only."""
        if self.verbosity >= VERBOSE:
            self._err(f"  {text}")

    def error(self, text: str) -> None:
        self._err(f"{self._label('error')} {text}")

    def problems(self, report: str) -> None:
        """A report of problems (errors.BuildFailed.report), always shown."""
        self._err(report)

    def labelled(self, line: str) -> None:
        """A line that starts with its own label ("note: ...", "suggestion: ..."), such as check's notes."""
        label, sep, rest = line.partition(": ")
        if sep and label in _COLOURS:
            self.note(rest, label)
        else:
            self.note(line, "")

    def _label(self, label: str) -> str:
        text = f"{label}:"
        return f"\033[{_COLOURS[label]}m{text}\033[0m" if self._colour else text

    def _err(self, text: str) -> None:
        print(text, file=self.err, flush=True)
