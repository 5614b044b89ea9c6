"""How to cite an article: a CSL-JSON item and a BibTeX entry for each, and for the whole site.

CSL-JSON is what Zotero, Pandoc (citeproc) and Mendeley read; BibTeX is what LaTeX reads.
Both keep the publication date at its honest precision and point to the archived capture.
Keys come from the slug, so they are unique in the site and stable between builds.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

import bibtexparser
from bibtexparser import model as bib
from bibtexparser.middlewares import MonthAbbreviationMiddleware
from bibtexparser.middlewares.parsestack import default_unparse_stack
from pylatexenc.latexencode import RULE_DICT, UnicodeToLatexConversionRule, UnicodeToLatexEncoder

from ..model import Article, Site
from . import exports, urls
from .exports import Field

if TYPE_CHECKING:
    from ..build.cache import Shares

# Sources of these kinds publish news: their articles are newspaper articles, the rest web pages.
NEWS_KINDS = ("outlet", "wire")

# & % $ # _ { } ~ ^ \ become LaTeX commands, and so does every character LaTeX has one for
# (é becomes {\'e}); each replacement is braced so that BibTeX treats it as one letter.
# Characters LaTeX has no command for (华为) are kept, for biber and UTF-8 LaTeX.
_LATEX = UnicodeToLatexEncoder(
    # A straight quotation mark stays one ({"}), not the closing quote ('') that LaTeX would print for it.
    conversion_rules=[UnicodeToLatexConversionRule(RULE_DICT, {ord('"'): '"'}), "defaults"],
    non_ascii_only=False,
    replacement_latex_protection="braces-all",
    unknown_char_policy="keep",
    unknown_char_warning=False,
)
# Characters that would end a BibTeX field or start a command; a URL never needs them raw.
_URL_UNSAFE = {ord(c): f"%{ord(c):02X}" for c in '{}\\" \t\r\n'}
# Two spaces, not a tab, so that the entry fits a phone's width on the article page.
_FORMAT = bibtexparser.BibtexFormat()
_FORMAT.indent = "  "
_FORMAT.block_separator = "\n"

CSL_FIELDS = (
    Field("id", "text", "The citation key: the article's slug.", "huawei-xiaomi-verizon-att-androidheadlines"),
    Field(
        "type",
        "text",
        "article-newspaper when the publisher is an outlet or a wire service in the source registry, else webpage.",
        "article-newspaper",
    ),
    Field("title", "text", "The headline.", "Huawei & Xiaomi Talking Phone Partnerships With Verizon, AT&T"),
    Field(
        "author",
        "[{literal}]",
        "The byline's names as the page's `authors` gives them, each kept whole; left out when unknown.",
        '[{"literal": "Chris Smith"}]',
    ),
    Field("container-title", "text", "The publisher's name; left out when unknown.", "Android Headlines"),
    Field(
        "issued",
        "{date-parts}",
        "The publication date at its precision: [[2017]], [[2017, 12]] or [[2017, 12, 8]]; left out when undated.",
        '{"date-parts": [[2017, 12]]}',
    ),
    Field(
        "URL",
        "text",
        "Where the article was published; left out when unknown.",
        "https://www.androidheadlines.com/2017/12/huawei-xiaomi-verizon-att.html",
    ),
    Field(
        "accessed",
        "{date-parts}",
        "The day the capture was made (`accessed`); left out when unknown.",
        '{"date-parts": [[2017, 12, 9]]}',
    ),
    Field(
        "note",
        "text",
        "Where the archived capture is: its full address when the site has a base_url.",
        "Archived capture: https://example.github.io/repo/captures/huawei-xiaomi-verizon-att-androidheadlines.html",
    ),
)

BIBTEX_FIELDS = (
    Field(
        "@article / @misc",
        "entry type",
        "@article for a newspaper article (publisher an outlet or a wire), "
        "@misc for anything else. The key is the article's slug.",
        "@article{huawei-xiaomi-verizon-att-androidheadlines,",
    ),
    Field(
        "title",
        "LaTeX text",
        "The headline, LaTeX-escaped, in double braces so that styles keep its capitals.",
        "{Huawei {\\&} Xiaomi Talking Phone Partnerships With Verizon, AT{\\&}T}",
    ),
    Field(
        "author",
        "LaTeX text",
        "The byline's names joined by `and`; a name holding a comma or an `and` is braced, so it stays whole.",
        "Chris Smith and {Staff, Reuters}",
    ),
    Field("journal", "LaTeX text", "In @article: the publisher.", "Android Headlines"),
    Field("howpublished", "LaTeX text", "In @misc: the publisher, when known.", "Huawei newsroom"),
    Field(
        "year, month",
        "number, macro",
        "The publication date at its precision: the month (jan … dec) only when known; both left out when undated.",
        "year = {2017}, month = dec",
    ),
    Field("date", "ISO 8601", "The same date for biblatex, with the day when known.", "2017-12"),
    Field(
        "url",
        "URL",
        "Where the article was published; left out when unknown.",
        "https://www.androidheadlines.com/2017/12/huawei-xiaomi-verizon-att.html",
    ),
    Field("urldate", "ISO 8601", "The day the capture was made (`accessed`), for biblatex.", "2017-12-09"),
    Field(
        "note",
        "LaTeX text",
        "Where the archived capture is, as in CSL-JSON.",
        "Archived capture: https://example.github.io/repo/captures/…",
    ),
)


@dataclass(frozen=True)
class Citation:
    """What the article page's "Cite this" block shows."""

    key: str
    bibtex: str
    bibtex_path: str
    csl_path: str
    capture_path: str
    capture_url: str | None
    highwire: list[tuple[str, str]]  # the page's citation_* meta tags, for Zotero's Connector and Google Scholar


def for_article(site: Site, article: Article) -> Citation:
    capture = urls.capture(article.slug)
    return Citation(
        key=article.slug,
        bibtex=article_bibtex(site, article),
        bibtex_path=urls.citation_bibtex(article.slug),
        csl_path=urls.citation_csl(article.slug),
        capture_path=capture,
        capture_url=urls.absolute(capture, site.settings.base_url),
        highwire=highwire_tags(site, article),
    )


def highwire_tags(site: Site, article: Article) -> list[tuple[str, str]]:
    """The Highwire Press `citation_*` meta tags as Zotero's Embedded Metadata translator reads them: one
    `citation_author` per name (it splits a tag at semicolons), the date as 2017/12/08 at its precision, the
    page's own address, and the publisher: as citation_journal_title for news (Zotero's publicationTitle,
    the newspaper's field too), as citation_publisher otherwise."""
    tags = [("citation_title", article.title)]
    tags += [("citation_author", name) for name in article.authors]
    if article.published:
        date = article.published.iso().replace("-", "/")
        tags += [("citation_publication_date", date), ("citation_date", date)]
    if article.publisher:
        tags.append(("citation_journal_title" if is_news(article) else "citation_publisher", article.publisher.name))
    page_url = urls.absolute(urls.article(article.slug), site.settings.base_url)
    if page_url:
        tags += [("citation_public_url", page_url), ("citation_fulltext_html_url", page_url)]
    tags.append(("citation_language", article.language or site.settings.language))
    return tags


def is_news(article: Article) -> bool:
    return article.publisher is not None and article.publisher.kind in NEWS_KINDS


class DeferredCitation:
    """An article's Citation, made when its page is rendered: most rebuilds render few article pages, and
    listing the pages must not cost a BibTeX entry per article."""

    def __init__(self, site: Site, article: Article):
        self._of, self._made = (site, article), None

    def __getattr__(self, name: str):
        if self._made is None:
            self._made = for_article(*self._of)
        return getattr(self._made, name)


def csl_item(site: Site, article: Article) -> dict:
    item = {"id": article.slug, "type": "article-newspaper" if is_news(article) else "webpage", "title": article.title}
    if article.authors:  # as the byline gives them: a literal name is never split into the wrong parts
        item["author"] = [{"literal": name} for name in article.authors]
    if article.publisher:
        item["container-title"] = article.publisher.name
    if article.published:
        date = article.published
        item["issued"] = {"date-parts": [[part for part in (date.year, date.month, date.day) if part]]}
    if article.url:
        item["URL"] = article.url
    if article.accessed_day:
        item["accessed"] = {"date-parts": [[int(part) for part in article.accessed_day.split("-")]]}
    item["note"] = capture_note(site, article)
    return item


def capture_note(site: Site, article: Article) -> str:
    capture = urls.capture(article.slug)
    address = urls.absolute(capture, site.settings.base_url)
    return f"Archived capture: {address}" if address else f"Archived capture in {site.settings.title}: {capture}"


def article_csl_json(site: Site, article: Article) -> str:
    return exports.json_records([csl_item(site, article)])


def site_csl_json(site: Site, shares: Shares) -> Iterator[str]:
    return exports.joined_records(shares.stream("citations.json", site, _csl_line))


def _csl_line(site: Site, article: Article) -> str:
    return exports.record_json(csl_item(site, article))


def article_bibtex(site: Site, article: Article) -> str:
    return _entry_text(_entry_key(bibtex_entry(site, article)))


def site_bibtex(site: Site, shares: Shares) -> Iterator[str]:
    # What writing all entries at once gives (each entry is written on its own, its values not aligned with
    # the others'; slugs are unique, so no entry is a duplicate): the entries with a blank line between.
    first = True
    for entry in shares.stream("citations.bib", site, article_bibtex):
        if not first:
            yield "\n"
        yield entry
        first = False
    if first:
        yield _bibtex([])


def bibtex_entry(site: Site, article: Article) -> bib.Entry:
    # Text is LaTeX-escaped here; the url is left as it is, since BibTeX styles and biblatex read it verbatim.
    fields = [bib.Field("title", "{" + latex(article.title) + "}")]  # inner braces keep the capitals
    if article.authors:
        fields.append(bib.Field("author", " and ".join(_bibtex_name(name) for name in article.authors)))
    if article.publisher:
        fields.append(bib.Field("journal" if is_news(article) else "howpublished", latex(article.publisher.name)))
    if article.published:
        fields.append(bib.Field("year", str(article.published.year)))
        if article.published.month:
            fields.append(bib.Field("month", article.published.month))  # written as the macro (dec) below
        fields.append(bib.Field("date", article.published.iso()))
    if article.url:
        fields.append(bib.Field("url", article.url.translate(_URL_UNSAFE)))
    if article.accessed_day:
        fields.append(bib.Field("urldate", article.accessed_day))
    fields.append(bib.Field("note", latex(capture_note(site, article))))
    return bib.Entry("article" if is_news(article) else "misc", article.slug, fields)


def _bibtex_name(name: str) -> str:
    # BibTeX reads a comma as "Last, First" and `and` as the next name: a byline name holding either is braced,
    # so that it stays one name, written as given.
    text = latex(name)
    return "{" + text + "}" if "," in name or re.search(r"\band\b", name, re.IGNORECASE) else text


def latex(text: str) -> str:
    # pylatexenc replaces one character at a time (its rules are per-character tables) after NFC, in a
    # Python loop per character; a table of the characters seen so far gives the same text at C speed.
    return unicodedata.normalize("NFC", text).translate(_LATEX_CHARS)


class _LatexChars(dict):
    """str.translate's table: each character as pylatexenc writes it, looked up on first sight."""

    def __missing__(self, code: int) -> str:
        # A character of an NFC text is its own NFC, so converting it alone gives what it gives in the text.
        self[code] = _LATEX.unicode_to_latex(chr(code))
        return self[code]


_LATEX_CHARS = _LatexChars()


def _entry_key(entry: bib.Entry) -> tuple:
    return (entry.entry_type, entry.key, tuple((f.key, f.value) for f in entry.fields))


@lru_cache(maxsize=50_000)
def _entry_text(key: tuple) -> str:
    """One entry as bibtexparser writes it, once: an article page, its .bib file and the site's .bib show it."""
    entry_type, citation_key, fields = key
    return _bibtex([bib.Entry(entry_type, citation_key, [bib.Field(name, value) for name, value in fields])])


def _bibtex(entries: list[bib.Entry]) -> str:
    # Entries are made afresh for each call, so the middlewares may change them in place: no deep copies.
    library = MonthAbbreviationMiddleware(allow_inplace_modification=True).transform(bibtexparser.Library(entries))
    stack = default_unparse_stack(allow_inplace_modification=True)
    return bibtexparser.write_string(library, unparse_stack=stack, bibtex_format=_FORMAT).strip("\n") + "\n"
