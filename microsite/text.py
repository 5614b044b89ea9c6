"""Small text helpers shared by the loader, the renderer and the commands' reports."""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right

from slugify import slugify as _slugify

_TYPOGRAPHIC = "’‘“”„–—"
_TYPOGRAPHY = str.maketrans(_TYPOGRAPHIC, '\'\'"""--')
SLUG_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_LONG_SPACE_RUN = re.compile(r"\s\s+")  # the same as \s{2,}, which re scans for more slowly

# Characters that show nothing, which a copy from a browser carries or leaves out: soft hyphen,
# zero-width space, zero-width non-joiner and joiner, word joiner, zero-width no-break space (BOM).
# Quotes are matched without them. (No-break spaces need nothing: str.isspace() counts them.)
_INVISIBLE = "\u00ad\u200b\u200c\u200d\u2060\ufeff"
_INVISIBLE_RUN = re.compile(f"[{_INVISIBLE}]+")
# NFC never joins a character to, nor reorders it with, what precedes an ASCII or white space
# character: the text may be cut before one and each side normalised apart.
_NFC_BOUNDARY = re.compile(r"[\x00-\x7f\s]")
_BLOCK = 4096  # the text is checked for what NFC changes in blocks of about this size,
_SMALL_PIECE = 64  # and the blocks NFC changes are cut down to pieces of about this size, where boundaries allow


def slugify(name: str) -> str:
    """'AT&T' -> 'at-t', 'Telefónica' -> 'telefonica', 'Straße' -> 'strasse', '华为' -> 'hua-wei'.

    Every script is transliterated (text-unidecode: Chinese as pinyin, one word per character), so
    names in other scripts give readable, distinct page names, not "item". The backend is named, not
    "auto", so that installing Unidecode (another package may bring it) never changes a URL."""
    return _slugify(name, backend="text-unidecode") or "item"


def fold(name: str) -> str:
    """The key under which names and aliases are matched: case and spacing do not count."""
    return " ".join(name.casefold().split())


def _visible(text: str) -> str:
    """The text without invisible characters, composed (NFC): what a reader sees, as one spelling."""
    if any(char in text for char in _INVISIBLE):
        text = _INVISIBLE_RUN.sub("", text)
    return unicodedata.normalize("NFC", text)  # returns `text` itself, quickly, when it is NFC already


def normalise(text: str) -> str:
    """A passage as it is looked for: `_visible`, typographic quotes and dashes made plain, white space folded."""
    return " ".join(_visible(text).translate(_TYPOGRAPHY).split())


class _Shift:
    """A map i -> i + shift where the shift changes at a few points, kept as (start, shift) pieces."""

    __slots__ = ("shifts", "starts")

    def __init__(self) -> None:
        self.starts, self.shifts = [0], [0]

    def set(self, index: int, shift: int) -> None:
        """From `index` on (no lower than any index set before) i maps to i + shift."""
        if shift == self.shifts[-1]:
            return
        if index == self.starts[-1]:
            self.shifts[-1] = shift
        else:
            self.starts.append(index)
            self.shifts.append(shift)

    def __call__(self, index: int) -> int:
        return index + self.shifts[bisect_right(self.starts, index) - 1]


class NormalisedText:
    """A capture's text folded as `normalise` folds a passage, keeping the map back to the original
    offsets so that a found passage can be highlighted: the span covers exactly its own characters.

    Two stages. First, only for a text that has invisible characters or is not NFC (the fast path, in
    C, skips it): invisible characters are dropped and the text is composed to NFC, looking only at the
    small pieces NFC changes and mapping each composed character to the original characters it comes
    from ("é" written "e" + U+0301: two).

    Then white space, typographic quotes and dashes: white space is what str.isspace() says, as for
    str.split() in `normalise` (re's \\s is the same set; it has the no-break spaces). A run of it becomes
    one space (leading white space goes, trailing becomes one space), mapped to the run's first character.
    Between runs of two or more characters the map is a plain shift, so it is kept as a list of
    (start, shift) pieces, not one offset per character."""

    def __init__(self, original: str):
        self.original = original
        # Stage one's maps, None where it changed nothing: composed offset -> offset in the text without
        # invisible characters of the first and of the last character it is made of; that -> original.
        self._first: _Shift | None = None
        self._last: _Shift | None = None
        self._kept: _Shift | None = None
        shown = original
        if any(char in original for char in _INVISIBLE):
            shown = self._drop_invisible(original)
            if not unicodedata.is_normalized("NFC", shown):  # dropping one may let NFC join the two around it
                shown = self._compose(shown)
        elif not unicodedata.is_normalized("NFC", original):
            shown = self._compose(original)
        # One character for one: offsets are unchanged. (translate looks up every character: skip it if it can.)
        typographic = any(char in shown for char in _TYPOGRAPHIC)
        folded = shown.translate(_TYPOGRAPHY) if typographic else shown
        lead = len(folded) - len(folded.lstrip())
        trailing = " " if lead < len(folded) and folded[-1].isspace() else ""
        self.text = " ".join(folded.split()) + trailing
        # Normalised offset i, in the piece that starts at self._starts[k] <= i, is shown i + self._shifts[k].
        self._starts, self._shifts = [0], [lead]
        removed = lead
        for run in _LONG_SPACE_RUN.finditer(folded, lead):
            start, end = run.span()
            self._starts.append(start - removed + 1)  # the character after the run's single space
            removed += end - start - 1
            self._shifts.append(removed)

    def _drop_invisible(self, original: str) -> str:
        self._kept = _Shift()
        pieces: list[str] = []
        removed = last = 0
        for run in _INVISIBLE_RUN.finditer(original):
            start, end = run.span()
            pieces.append(original[last:start])
            removed += end - start
            self._kept.set(end - removed, removed)  # from the character after the run
            last = end
        pieces.append(original[last:])
        return "".join(pieces)

    def _compose(self, text: str) -> str:
        self._first, self._last = first, last = _Shift(), _Shift()
        pieces: list[str] = []
        done = 0  # text[:done] is in pieces
        at = 0  # the composed offset of text[done]
        for start, end in _changed_by_nfc(text):
            for run_start, run_end, composed in _nfc_changes(text[start:end]):
                run_start, run_end = start + run_start, start + run_end
                pieces += [text[done:run_start], composed]
                at += run_start - done
                for index in range(at, at + len(composed)):  # each made of the whole run
                    first.set(index, run_start - index)
                    last.set(index, run_end - 1 - index)
                at += len(composed)
                first.set(at, run_end - at)
                last.set(at, run_end - at)
                done = run_end
        pieces.append(text[done:])
        return "".join(pieces)

    def _shown_offset(self, index: int) -> int:
        return index + self._shifts[bisect_right(self._starts, index) - 1]

    def _original(self, index: int) -> int:
        return self._kept(index) if self._kept else index

    def offset(self, index: int) -> int:
        """The original offset of (the first original character of) the normalised text's character at `index`."""
        at = self._shown_offset(index)
        return self._original(self._first(at) if self._first else at)

    def end_offset(self, index: int) -> int:
        """The original offset just after the last original character of the normalised character at `index`."""
        at = self._shown_offset(index)
        return self._original(self._last(at) if self._last else at) + 1

    def find(self, passage: str) -> tuple[int, int] | None:
        """The (start, end) offsets of `passage` in the original text, or None.

        The span holds every original character of the match (an "é" written "e" + U+0301 is two,
        a soft hyphen inside a word is in), and nothing around it (not an invisible character next to it)."""
        needle = normalise(passage)
        if not needle:
            return None
        at = self.text.find(needle)
        if at < 0:
            return None
        return self.offset(at), self.end_offset(at + len(needle) - 1)


def _changed_by_nfc(text: str) -> list[tuple[int, int]]:
    """The pieces of `text`, as (start, end) in order, that NFC changes: blocks cut at NFC boundaries, then
    the blocks NFC changes halved down to about _SMALL_PIECE characters. A long text with a few of them is
    checked in C, mostly by NFC's quick check: a block it cannot pass is normalised whole to be compared."""
    found: list[tuple[int, int]] = []
    todo: list[tuple[int, int]] = []
    start = 0
    while start < len(text):
        boundary = _NFC_BOUNDARY.search(text, start + _BLOCK)
        end = boundary.start() if boundary else len(text)
        todo.append((start, end))
        start = end
    todo.reverse()
    while todo:
        start, end = todo.pop()
        if unicodedata.is_normalized("NFC", text[start:end]):
            continue
        cut = None
        if end - start > _SMALL_PIECE:
            middle = (start + end) // 2
            boundary = _NFC_BOUNDARY.search(text, middle, end) or _NFC_BOUNDARY.search(text, start + 1, middle)
            cut = boundary.start() if boundary else None
        if cut is None:
            found.append((start, end))
        else:
            todo += [(cut, end), (start, cut)]  # the first half is taken next: `found` stays in order
    return found


def _nfc_changes(piece: str) -> list[tuple[int, int, str]]:
    """The runs of `piece` that NFC changes, in order, each as (start, end, its NFC). A run is a character
    with the combining marks (and any character NFC joins to it) after it: NFC composes each apart."""
    changes = []
    start = 0
    for index in range(1, len(piece) + 1):
        if index < len(piece):
            char = piece[index]
            # NFC joins nothing to what precedes an ASCII character; a combining mark goes with the run.
            if char >= "\x80" and (unicodedata.combining(char) or _joins(piece[start:index], char)):
                continue
        if index - start > 1 or piece[start] >= "\x80":
            run = piece[start:index]
            composed = _nfc(run)
            if composed != run:
                changes.append((start, index, composed))
        start = index
    rebuilt: list[str] = []
    done = 0
    for start, end, nfc in changes:
        rebuilt += [piece[done:start], nfc]
        done = end
    if "".join(rebuilt) + piece[done:] != _nfc(piece):
        return [(0, len(piece), _nfc(piece))]  # not known to happen: one run is safe
    return changes


def _joins(run: str, char: str) -> bool:
    """Whether NFC joins `char` to the run before it (Hangul jamo, some vowel signs) or reorders it into it."""
    return _nfc(run + char) != _nfc(run) + _nfc(char)


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def megabytes(size: int) -> str:
    """1234567 -> '1.2 MB': MB as 10^6 bytes, as the benchmark and the README count them."""
    return f"{size / 10**6:,.1f} MB"
