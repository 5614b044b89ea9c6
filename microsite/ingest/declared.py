"""What a saved page declares about itself -> the draft's title, date, publisher and provenance.

A page's own metadata (JSON-LD, OpenGraph, <meta>) is what its publisher wrote down, so it beats
what the text readers guess from the lines a page shows; every value keeps where it came from,
and the draft says so. A plain-text capture declares nothing: its draft is as before.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from ..dates import PartialDate
from ..source.config import Config
from .masthead import PublisherFound, serves
from .structure import Parts
from .webcapture import Unpacked
from .webpage import Sourced

_DAY = re.compile(r"^(\d{4})-(\d{2})-(\d{2})")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_YEAR = re.compile(r"^(\d{4})$")


@dataclass
class Provenance:
    """Where a capture came from, for the draft's provenance keys."""

    sha256: str  # of the original, or of the text when the capture is the text
    original: str | None = None  # its file name in seeds/, when the text was extracted from it
    url: str | None = None
    accessed: str | None = None  # ISO 8601, from the archive or the MIME headers
    authors: list[str] = field(default_factory=list)
    language: str | None = None
    declared: list[str] = field(default_factory=list)  # "title: JSON-LD NewsArticle headline", for the draft
    publisher_declared: bool = False  # the publisher is the one the page names or was saved from
    modified: str | None = None  # the file's own date: a hint for `accessed`, never written as one


def provenance(unpacked: Unpacked, data: bytes, original: str | None) -> Provenance:
    meta = unpacked.meta
    found = Provenance(hashlib.sha256(data).hexdigest(), original)
    address = unpacked.url or (meta.url.value if meta.url else None)
    parts = urlsplit(address) if address else None  # a page may declare its canonical address relative
    found.url = address if parts and parts.scheme in ("http", "https") and parts.netloc else None
    found.accessed = unpacked.accessed
    found.authors = list(dict.fromkeys(author.value for author in meta.authors))
    found.language = meta.language.value if meta.language else None
    if meta.authors:
        found.declared.append(f"authors: {meta.authors[0].source}")
    return found


def overrule(parts: Parts, unpacked: Unpacked, found: Provenance) -> None:
    """The page's declared headline, date and main text in place of the text readers' guesses."""
    meta = unpacked.meta
    title = _headline(meta.title, unpacked.text) if meta.title else None
    if title:
        parts.title = title
        found.declared.append(f"title: {meta.title.source}")
    date = _content_date(meta.published.value) if meta.published else None
    if date:
        parts.published, parts.date_how = date, f"the date the page declares ({meta.published.source})"
        found.declared.append(f"published: {meta.published.source}")
    if unpacked.body:
        parts.body = unpacked.body  # the article's own paragraphs, without the page's furniture


def declared_publisher(unpacked: Unpacked, config: Config) -> PublisherFound | None:
    """The publisher the page names, or whose address it was saved from, looked up in the registry."""
    meta, sources = unpacked.meta, config.sources
    if meta.publisher:
        name, how = meta.publisher.value.strip(), f"the name the page declares ({meta.publisher.source})"
        entry = sources.get(name)
        return PublisherFound(entry.name if entry else name, entry is not None, how, False)
    address = unpacked.url or (meta.url.value if meta.url else None)
    host = (urlsplit(address).hostname or "").removeprefix("www.") if address else ""
    for entry in sources.entries if host else []:
        if serves(entry, host):
            return PublisherFound(entry.name, True, f"the address it was saved from ({host})", False)
    return None


_SITE_SUFFIX = re.compile(r"\s+[|–—·-]\s+|\s*_\s*")  # "Headline | Site", "Headline - Site", "标题_网站"


def _headline(title: Sourced, text: str) -> str | None:
    """The declared headline; a <title>, which carries the site's name too, only where the page shows it
    (or its first part, before a separator) as a line of its own."""
    if not title.source.startswith("<title>"):
        return title.value.strip()
    lines = {line.strip() for line in text.split("\n")}
    whole = title.value.strip()
    first = _SITE_SUFFIX.split(whole, maxsplit=1)[0].strip()
    return next((candidate for candidate in (whole, first) if candidate and candidate in lines), None)


def _content_date(declared: str) -> str | None:
    """A declared date as the content format writes it: `2019-09-19T08:00:00+01:00` -> `2019-09-19`; None for
    one that is no date (a page may declare 2019-02-30), which check would refuse."""
    text = declared.strip()
    for pattern in (_DAY, _MONTH, _YEAR):
        match = pattern.match(text)
        if match:
            try:
                return str(PartialDate.parse("-".join(match.groups())))
            except ValueError:
                return None
    return None
