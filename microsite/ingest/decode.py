"""A capture's bytes -> text, or a clear refusal: empty, binary, too large.

Captures come from browsers and editors on every system, and pages in any script: text that
is not UTF-8 is read in the encoding the page declares when its bytes fit it, else in the one
charset-normalizer finds among those news pages use, else as Windows-1252; the report says which.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field

import webencodings
from charset_normalizer import from_bytes

MAX_BYTES = 5 * 1024 * 1024  # a news page's text is tens of kilobytes; 5 MB is something else

# Byte-order marks, longest first: UTF-32's LE mark begins with UTF-16's.
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# The encodings news pages are written in besides UTF-8, which detection chooses among (a short list:
# each one more is one more way to misread a short text). As browsers do (the WHATWG Encoding standard),
# ISO-8859-1 and -9 are read as their Windows supersets, GB2312 and GBK as GB18030, Shift_JIS as
# cp932 and EUC-KR as cp949: the same text for every page the smaller encoding can write.
DETECTED = (
    "cp1252", "iso8859_2", "iso8859_5", "iso8859_7", "cp1254", "iso8859_15",
    "gb18030", "big5", "cp932", "euc_jp", "cp949", "cp1251", "koi8_r",
)  # fmt: skip
# A declared charset is read by the WHATWG Encoding standard's labels, as browsers read it (webencodings:
# "iso-8859-1" and "ascii" are Windows-1252, "shift_jis" cp932, "euc-kr" cp949, ...). Where Python's codec
# for an encoding's name is not the one browsers decode it with, or there is none, this says which:
_AS_BROWSERS_READ = {
    "gbk": "gb18030",  # browsers' GBK decoder is GB18030's
    "big5": "big5",  # not HKSCS: its wider table reads other scripts' bytes as Big5 without a fault
    "utf-16le": "utf-8",  # a page that says UTF-16 in a <meta> tag cannot be UTF-16: browsers read UTF-8
    "utf-16be": "utf-8",
    "replacement": None,  # ISO-2022-KR, HZ...: browsers show nothing but a replacement character
    "x-user-defined": None,
}
_LABELS = {
    "x-gbk": "gb18030",
    "csgb2312": "gb18030",
    "gb_2312-80": "gb18030",
    "x-sjis": "cp932",
    "windows-31j": "cp932",
    "csshiftjis": "cp932",
    "x-euc-jp": "euc_jp",
    "cseucpkdfmtjapanese": "euc_jp",
    "cn-big5": "big5",
    "x-x-big5": "big5",
    "windows-874": "cp874",
    "x-cp1251": "cp1251",
    "x-cp1252": "cp1252",
}
_LABELS = {
    "utf-8": "UTF-8",
    "utf-8-sig": "UTF-8",
    "utf-16": "UTF-16",
    "utf-32": "UTF-32",
    "cp1252": "Windows-1252",
    "cp1250": "Windows-1250",
    "cp1251": "Windows-1251",
    "cp1253": "Windows-1253",
    "cp1254": "Windows-1254",
    "cp874": "Windows-874",
    "gb18030": "GB18030",
    "big5": "Big5",
    "big5hkscs": "Big5-HKSCS",
    "cp950": "Big5 (cp950)",
    "cp932": "Shift_JIS",
    "euc_jp": "EUC-JP",
    "cp949": "EUC-KR",
    "koi8-r": "KOI8-R",
    "koi8-u": "KOI8-U",
}
# Detection needs some non-ASCII bytes to go on: with fewer than this (three Chinese characters, or an
# English text's few curly quotes, which Shift_JIS and Windows-1251 also read) it guesses, and Windows-1252
# is the likelier reading. See tests/test_encodings.py for the lengths where detection is reliable.
_DETECTABLE = 8
_NON_ASCII_BYTES = bytes(range(128, 256))
_C1_CONTROLS = re.compile("[\x80-\x9f]")  # no text has them: a sign of the wrong single-byte code page


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


def decode(data: bytes, declared: str | None = None) -> Decoded:
    """`declared`: the charset an HTML page or an archive's header declares, read when the bytes fit it."""
    if len(data) >= MAX_BYTES:
        raise Refused(
            f"is {len(data) / 1024 / 1024:.1f} MB; captures of 5 MB and more are refused",
            "copy only the article's own text and comments from the page, not a whole site or a file",
        )
    if not data:
        raise Refused("is empty", "copy the article's text from the browser into the file")
    text, encoding, how = _text(data, declared)
    if not text.strip():
        raise Refused("holds only white space", "copy the article's text from the browser into the file")
    if _looks_binary(text):
        raise _not_text()
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    utf8 = encoding == "UTF-8"
    notes = [] if utf8 else [f"not UTF-8: read as {encoding} ({how}) and saved to seeds/ as UTF-8"]
    return Decoded(text, encoding, utf8, notes)


def _text(data: bytes, declared: str | None) -> tuple[str, str, str]:
    """The text, its encoding's label and how that encoding was found."""
    marked = _with_bom(data)
    if marked:
        return marked
    if b"\x00" in data:  # no text encoding used on the web writes NUL bytes
        raise _not_text()
    try:
        return data.decode("utf-8"), "UTF-8", ""
    except UnicodeDecodeError:
        pass
    declared_codec = _declared_codec(declared)
    if declared_codec and (text := _clean(data, declared_codec)) is not None:
        return text, _label(declared_codec), "declared by the page"
    text, codec, how = _guess(data)
    if declared and declared.strip():
        unfit = "which its bytes are not" if declared_codec else "which is not an encoding known here"
        how += f"; the page declares `{declared.strip()}`, {unfit}"
    return text, _label(codec), how


def _with_bom(data: bytes) -> tuple[str, str, str] | None:
    for bom, codec in _BOMS:
        # UTF-16 and -32 write a NUL byte for a space, a line end or a digit; without one, an "яю" or
        # "ÿþ" that begins a Windows-1251 or -1252 text is not a byte-order mark.
        if data.startswith(bom) and (codec == "utf-8-sig" or b"\x00" in data[len(bom) :]):
            try:
                return data.decode(codec).lstrip("\ufeff"), _label(codec), "byte-order mark"
            except UnicodeDecodeError:
                return None
    return None


def _guess(data: bytes) -> tuple[str, str, str]:
    """Detection's reading, else Windows-1252's (ISO-8859-1's, which reads any byte, when even that fails)."""
    enough = _non_ascii(data) >= _DETECTABLE
    found = _detect(data) if enough else None
    if found:
        return found[0], found[1], "detected"
    how = "no other encoding fits" if enough else "too few non-ASCII bytes to detect another"
    text = _clean(data, "cp1252")
    return (text, "cp1252", how) if text is not None else (data.decode("latin-1"), "latin-1", how)


def _non_ascii(data: bytes) -> int:
    return len(data) - len(data.translate(None, _NON_ASCII_BYTES))


def _declared_codec(declared: str | None) -> str | None:
    """The codec browsers read a declared charset with, or None for a missing or unknown one."""
    encoding = webencodings.lookup((declared or "").strip().strip("\"'"))
    if encoding is None:  # not a label of the web's: an EBCDIC code page, a typo
        return None
    return _AS_BROWSERS_READ.get(encoding.name, encoding.codec_info.name)


def _clean(data: bytes, codec: str) -> str | None:
    """The text if every byte decodes with `codec` and gives no C1 control character, else None."""
    try:
        text = data.decode(codec)
    except (UnicodeDecodeError, LookupError):
        return None
    return None if _C1_CONTROLS.search(text) else text


def _detect(data: bytes) -> tuple[str, str] | None:
    """charset-normalizer's best reading among the encodings news pages use, as (text, codec)."""
    matches = from_bytes(data, cp_isolation=list(DETECTED), preemptive_behaviour=False)
    for match in matches:  # best first
        text = str(match)
        if _C1_CONTROLS.search(text):
            continue
        # Where Windows-1252 reads the same text (curly quotes are the same bytes in Windows-1251), say so:
        # it is the encoding the page was most likely written in, and the name a reader knows.
        if _clean(data, "cp1252") == text:
            return text, "cp1252"
        return text, match.encoding
    return None


def _label(codec: str) -> str:
    """The name readers know an encoding by: "Windows-1252", "GB18030", "Shift_JIS"."""
    name = codecs.lookup(codec).name
    return _LABELS.get(name) or name.upper().replace("ISO8859", "ISO-8859")


def _looks_binary(text: str) -> bool:
    controls = sum(1 for char in text if ord(char) < 32 and char not in "\t\n\r\f\v")
    return controls > max(2, len(text) // 100)
