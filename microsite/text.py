"""Small text helpers shared by the loader and the renderer."""

from __future__ import annotations

import re
import unicodedata

_TYPOGRAPHY = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "„": '"', "–": "-", "—": "-"})
_NOT_SLUG = re.compile(r"[^a-z0-9]+")
SLUG_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def slugify(name: str) -> str:
    """'AT&T' -> 'at-t', 'Telefónica' -> 'telefonica'."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return _NOT_SLUG.sub("-", ascii_name.lower()).strip("-") or "item"


def fold(name: str) -> str:
    """The key under which names and aliases are matched: case and spacing do not count."""
    return " ".join(name.casefold().split())


class NormalisedText:
    """A capture's text with white space, typographic quotes and dashes folded,
    keeping the map back to the original offsets so a found quote can be highlighted."""

    def __init__(self, original: str):
        self.original = original
        chars: list[str] = []
        offsets: list[int] = []
        in_space = False
        for index, char in enumerate(original.translate(_TYPOGRAPHY)):
            if char.isspace():
                if not in_space and chars:
                    chars.append(" ")
                    offsets.append(index)
                in_space = True
                continue
            in_space = False
            chars.append(char)
            offsets.append(index)
        self.text = "".join(chars)
        self._offsets = offsets

    def find(self, passage: str) -> tuple[int, int] | None:
        """The (start, end) offsets of `passage` in the original text, or None."""
        needle = normalise(passage)
        if not needle:
            return None
        at = self.text.find(needle)
        if at < 0:
            return None
        return self._offsets[at], self._offsets[at + len(needle) - 1] + 1


def normalise(text: str) -> str:
    return " ".join(text.translate(_TYPOGRAPHY).split())
