"""A capture's bytes -> text, or a clear refusal: empty, binary, too large.

Captures come from browsers and editors on every system, so text that is not UTF-8
is read with the usual fallbacks, and the report says which one was used.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass, field

MAX_BYTES = 5 * 1024 * 1024  # a news page's text is tens of kilobytes; 5 MB is something else

# Byte-order marks, longest first: UTF-32's LE mark begins with UTF-16's.
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_FALLBACKS = ("cp1252", "latin-1")  # Windows' Western default, then the one that reads any byte
_LABELS = {"cp1252": "Windows-1252", "latin-1": "ISO-8859-1", "utf-16": "UTF-16", "utf-32": "UTF-32"}


@dataclass
class Decoded:
    text: str  # line ends made \n
    encoding: str  # "UTF-8", "Windows-1252", ...
    utf8: bool  # whether the bytes can be kept as they are (the site reads UTF-8 only)
    notes: list[str] = field(default_factory=list)


class Refused(Exception):
    def __init__(self, message: str, hint: str):
        super().__init__(message)
        self.message, self.hint = message, hint


def _not_text() -> Refused:
    return Refused(
        "is not text: it holds control characters, as images, PDFs and documents do",
        "copy the text from the browser (Select all, Copy) into a .txt file",
    )


def decode(data: bytes) -> Decoded:
    if len(data) >= MAX_BYTES:
        raise Refused(
            f"is {len(data) / 1024 / 1024:.1f} MB; captures of 5 MB and more are refused",
            "copy only the article's own text and comments from the page, not a whole site or a file",
        )
    if not data:
        raise Refused("is empty", "copy the article's text from the browser into the file")
    text, encoding = _text(data)
    if not text.strip():
        raise Refused("holds only white space", "copy the article's text from the browser into the file")
    if _looks_binary(text):
        raise _not_text()
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    notes = [] if encoding == "UTF-8" else [f"not UTF-8: read as {encoding} and saved to seeds/ as UTF-8"]
    return Decoded(text, encoding, encoding == "UTF-8", notes)


def _text(data: bytes) -> tuple[str, str]:
    for bom, codec in _BOMS:
        if data.startswith(bom):
            try:
                text = data.decode(codec)
            except UnicodeDecodeError:
                break
            label = "UTF-8" if codec == "utf-8-sig" else _LABELS[codec]
            return text.lstrip("\ufeff"), label
    if b"\x00" in data:  # no text encoding used on the web writes NUL bytes
        raise _not_text()
    try:
        return data.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        pass
    for codec in _FALLBACKS:
        try:
            return data.decode(codec), _LABELS[codec]
        except UnicodeDecodeError:
            continue
    raise AssertionError("latin-1 decodes any bytes")


def _looks_binary(text: str) -> bool:
    controls = sum(1 for char in text if ord(char) < 32 and char not in "\t\n\r\f\v")
    return controls > max(2, len(text) // 100)
