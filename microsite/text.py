"""Small text helpers shared by the loader and the renderer."""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right

_TYPOGRAPHIC = "’‘“”„–—"
_TYPOGRAPHY = str.maketrans(_TYPOGRAPHIC, '\'\'"""--')
_NOT_SLUG = re.compile(r"[^a-z0-9]+")
SLUG_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_LONG_SPACE_RUN = re.compile(r"\s\s+")  # the same as \s{2,}, which re scans for 3x slower


def slugify(name: str) -> str:
    """'AT&T' -> 'at-t', 'Telefónica' -> 'telefonica'."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return _NOT_SLUG.sub("-", ascii_name.lower()).strip("-") or "item"


def fold(name: str) -> str:
    """The key under which names and aliases are matched: case and spacing do not count."""
    return " ".join(name.casefold().split())


class NormalisedText:
    """A capture's text with white space, typographic quotes and dashes folded,
    keeping the map back to the original offsets so a found quote can be highlighted.

    White space is what str.isspace() says, as for str.split() in `normalise` (re's \\s is the same set).
    A run of it becomes one space (leading white space goes, trailing becomes one space), mapped to
    the run's first character. Between runs of two or more characters the map is a plain shift, so it
    is kept as a list of (start, shift) pieces, not one offset per character."""

    def __init__(self, original: str):
        self.original = original
        # One character for one: offsets are unchanged. (translate looks up every character: skip it if it can.)
        typographic = any(char in original for char in _TYPOGRAPHIC)
        folded = original.translate(_TYPOGRAPHY) if typographic else original
        lead = len(folded) - len(folded.lstrip())
        trailing = " " if lead < len(folded) and folded[-1].isspace() else ""
        self.text = " ".join(folded.split()) + trailing
        # Normalised offset i, in the piece that starts at self._starts[k] <= i, is original i + self._shifts[k].
        self._starts, self._shifts = [0], [lead]
        removed = lead
        for run in _LONG_SPACE_RUN.finditer(folded, lead):
            start, end = run.span()
            self._starts.append(start - removed + 1)  # the character after the run's single space
            removed += end - start - 1
            self._shifts.append(removed)

    def offset(self, index: int) -> int:
        """The original offset of the normalised text's character at `index`."""
        return index + self._shifts[bisect_right(self._starts, index) - 1]

    def find(self, passage: str) -> tuple[int, int] | None:
        """The (start, end) offsets of `passage` in the original text, or None."""
        needle = normalise(passage)
        if not needle:
            return None
        at = self.text.find(needle)
        if at < 0:
            return None
        return self.offset(at), self.offset(at + len(needle) - 1) + 1


def normalise(text: str) -> str:
    return " ".join(text.translate(_TYPOGRAPHY).split())
