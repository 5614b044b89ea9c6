"""A saved web page's HTML -> the text it shows, its main text, and what it declares about itself.

The text is rendered as a browser's innerText renders it (blocks on their own lines,
inline elements inline, scripts, styles and hidden elements dropped), so that ingest
reads it as it reads a page copied from the browser. Everything in it is plain text:
no markup, no script, no address of a link survives.

Metadata the page declares (JSON-LD, OpenGraph, <meta>, <title>) is read first, each
value with where it came from; trafilatura's and htmldate's guesses only fill gaps.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

import htmldate
import lxml.etree
import lxml.html
import trafilatura
from inscriptis import Inscriptis
from inscriptis.css_profiles import CSS_PROFILES
from inscriptis.html_properties import Display
from inscriptis.model.config import ParserConfig
from inscriptis.model.html_element import HtmlElement
from inscriptis.model.tag import CustomHtmlTagHandlerMapping


@dataclass(frozen=True)
class Sourced:
    value: str
    source: str  # where the page declares it, e.g. "OpenGraph og:site_name"


@dataclass
class Meta:
    title: Sourced | None = None
    authors: list[Sourced] = field(default_factory=list)
    published: Sourced | None = None  # as declared: "2019-09-19T08:00:00+00:00", "2019-09-19", ...
    modified: Sourced | None = None
    publisher: Sourced | None = None  # the publisher's or site's name
    url: Sourced | None = None  # canonical address
    language: Sourced | None = None
    description: Sourced | None = None

    def items(self) -> list[tuple[str, Sourced]]:
        """(key, value) for every value found, authors one by one, for reports."""
        found = [(key, getattr(self, key)) for key in ("title", "published", "modified", "publisher", "url")]
        found += [("author", author) for author in self.authors]
        found += [(key, getattr(self, key)) for key in ("language", "description")]
        return [(key, value) for key, value in found if value is not None]


# --- parsing --------------------------------------------------------------------------------

_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*>")


def parse(html: str) -> lxml.html.HtmlElement | None:
    """The page's tree, or None when there is nothing to parse."""
    html = _XML_DECLARATION.sub("", html, count=1)  # lxml refuses a str that names its encoding
    if not html.strip():
        return None
    try:
        return lxml.html.document_fromstring(html)
    except (lxml.etree.ParserError, ValueError):
        return None


# --- the text the page shows ------------------------------------------------------------------

# Elements a browser does not show, beyond the <head>, <script> and <style> inscriptis drops.
_NOT_SHOWN = ("noscript", "template", "iframe", "object", "embed", "svg", "canvas", "dialog", "select")
_BLOCKS = (
    "section", "dl", "dt", "dd", "details", "summary", "form", "fieldset", "legend",
    "caption", "center", "menu", "hr", "tr", "address", "figcaption", "picture", "video", "audio",
)  # fmt: skip
_HIDDEN_STYLE = re.compile(r"(display\s*:\s*none|visibility\s*:\s*hidden)", re.IGNORECASE)


def _css_profile() -> dict[str, HtmlElement]:
    css = dict(CSS_PROFILES["strict"])  # browsers' defaults; "relaxed" pads spans with spaces
    for tag in _NOT_SHOWN:
        css[tag] = HtmlElement(display=Display.none)
    for tag in _BLOCKS:
        css.setdefault(tag, HtmlElement(display=Display.block))
    for tag in ("ul", "ol"):  # innerText neither indents lists nor draws bullets
        css[tag] = HtmlElement(display=Display.block)
    return css


def _li_without_bullet(state, _attributes) -> None:
    state.tags[-1].list_bullet = ""
    state.tags[-1].write("")


_CONFIG = ParserConfig(
    css=_css_profile(),
    display_images=False,
    display_links=False,
    custom_html_tag_handler_mapping=CustomHtmlTagHandlerMapping({"li": _li_without_bullet}, {}),
)


def shown_text(tree: lxml.html.HtmlElement) -> str:
    """The text the page shows, as innerText gives it; "" when it shows none."""
    tree = _without_hidden(lxml.html.fromstring(lxml.html.tostring(tree)))  # keep the caller's tree whole
    text = Inscriptis(tree, _CONFIG).get_text()
    lines = [line.rstrip() for line in text.replace("\xa0", " ").splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip("\n")


def _without_hidden(tree: lxml.html.HtmlElement) -> lxml.html.HtmlElement:
    doomed = [
        element
        for element in tree.iter()
        if not isinstance(element.tag, str)  # comments, processing instructions
        or element.get("hidden") is not None
        or _HIDDEN_STYLE.search(element.get("style") or "")
        or (element.tag == "input" and (element.get("type") or "").lower() == "hidden")
    ]
    for element in doomed:
        if element.getparent() is not None:
            element.drop_tree()  # keeps the tail: text after a hidden element is shown
    return tree


# --- the main text ----------------------------------------------------------------------------

_SPACES = re.compile(r"\s+")


def main_text(html: str, shown: str) -> list[str]:
    """trafilatura's paragraphs of the article, each one found in `shown` modulo white space."""
    extracted = trafilatura.extract(
        html, include_comments=False, include_tables=True, favor_precision=True, deduplicate=False
    )
    haystack = _SPACES.sub(" ", shown)
    paragraphs = []
    for line in (extracted or "").splitlines():
        paragraph = _SPACES.sub(" ", line).strip()
        if paragraph.startswith("- ") and paragraph[2:] in haystack:
            paragraph = paragraph[2:]  # trafilatura marks list items; the page does not show the dash
        if paragraph and paragraph in haystack:
            paragraphs.append(paragraph)
    return paragraphs


# --- what the page declares -------------------------------------------------------------------

_ARTICLE_TYPES = {"NewsArticle", "Article", "ReportageNewsArticle", "AnalysisNewsArticle", "BlogPosting", "Report"}


def declared_meta(tree: lxml.html.HtmlElement, html: str) -> Meta:
    """The page's own metadata, first declared, then guessed by trafilatura and htmldate."""
    meta = Meta()
    article = _json_ld_article(tree)
    if article is not None:
        _from_json_ld(meta, article)
    _from_head(meta, tree)
    _from_trafilatura(meta, tree, html)
    return meta


def _json_ld_article(tree: lxml.html.HtmlElement) -> tuple[dict, str] | None:
    for script in tree.xpath("//script[@type]"):
        if script.get("type", "").strip().lower() != "application/ld+json":
            continue
        try:
            data = json.loads(script.text or "")
        except ValueError:
            continue  # pages ship broken JSON-LD; the other sources remain
        for item in _json_ld_items(data):
            kinds = item.get("@type")
            kinds = [kinds] if isinstance(kinds, str) else kinds if isinstance(kinds, list) else []
            found = [kind for kind in kinds if kind in _ARTICLE_TYPES]
            if found:
                return item, found[0]
    return None


def _json_ld_items(data) -> list[dict]:
    items = data if isinstance(data, list) else [data]
    flat = []
    for item in items:
        if isinstance(item, dict):
            flat.append(item)
            flat += _json_ld_items(item.get("@graph", []))
    return flat


def _text_of(value) -> str:
    if isinstance(value, dict):
        value = value.get("name") or value.get("@value") or ""
    if isinstance(value, list):
        value = value[0] if value else ""
    return _SPACES.sub(" ", value).strip() if isinstance(value, str) else ""


def _from_json_ld(meta: Meta, found: tuple[dict, str]) -> None:
    item, kind = found
    source = f"JSON-LD {kind}"
    for key, prop in (("title", "headline"), ("published", "datePublished"), ("modified", "dateModified"),
                      ("description", "description"), ("language", "inLanguage")):  # fmt: skip
        value = _text_of(item.get(prop))
        if value:
            setattr(meta, key, Sourced(value, f"{source} {prop}"))
    publisher = _text_of(item.get("publisher"))
    if publisher:
        meta.publisher = Sourced(publisher, f"{source} publisher.name")
    authors = item.get("author")
    for author in authors if isinstance(authors, list) else [authors]:
        name = _text_of(author)
        if name and not name.startswith(("http://", "https://")):
            meta.authors.append(Sourced(name, f"{source} author.name"))


def _from_head(meta: Meta, tree: lxml.html.HtmlElement) -> None:
    """OpenGraph, <meta>, <title>, <link rel=canonical> and <html lang>, where JSON-LD said nothing."""

    def first(xpath: str) -> str:
        for value in tree.xpath(xpath):
            value = _SPACES.sub(" ", str(value)).strip()
            if value:
                return value
        return ""

    def fill(key: str, candidates: list[tuple[str, str]]) -> None:
        for xpath, source in candidates:
            if getattr(meta, key) is None and (value := first(xpath)):
                setattr(meta, key, Sourced(value, source))

    def prop(name: str) -> str:  # OpenGraph uses property=, some sites name=
        return f"//meta[@property='{name}' or @name='{name}']/@content"

    def name(value: str) -> str:
        lower = "translate(@name, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz')"
        return f"//meta[{lower}='{value}']/@content"

    fill("title", [(prop("og:title"), "OpenGraph og:title"), ("//head/title/text()", "<title>")])
    fill("published", [(prop("article:published_time"), "OpenGraph article:published_time"),
                       (name("date"), "<meta name=date>"), (name("pubdate"), "<meta name=pubdate>")])  # fmt: skip
    fill("modified", [(prop("article:modified_time"), "OpenGraph article:modified_time")])
    fill("publisher", [(prop("og:site_name"), "OpenGraph og:site_name")])
    fill("url", [("//link[contains(concat(' ', normalize-space(@rel), ' '), ' canonical ')]/@href",
                  "<link rel=canonical>"), (prop("og:url"), "OpenGraph og:url")])  # fmt: skip
    fill("language", [("/html/@lang", "<html lang>"), (prop("og:locale"), "OpenGraph og:locale")])
    fill("description", [(prop("og:description"), "OpenGraph og:description"),
                         (name("description"), "<meta name=description>")])  # fmt: skip
    if not meta.authors:
        for xpath, source in (
            (prop("article:author"), "OpenGraph article:author"),
            (name("author"), "<meta name=author>"),
        ):
            names = [a for a in tree.xpath(xpath) if a.strip() and not a.strip().startswith(("http://", "https://"))]
            meta.authors = [Sourced(_SPACES.sub(" ", a).strip(), source) for a in names]
            if meta.authors:
                break


def _from_trafilatura(meta: Meta, tree: lxml.html.HtmlElement, html: str) -> None:
    """Guesses from the page's markup and text, for what the page does not declare."""
    if meta.published is None:
        date = htmldate.find_date(tree, extensive_search=False, original_date=True)
        if date:
            meta.published = Sourced(date, "htmldate (page markup)")
    if all((meta.title, meta.authors, meta.publisher, meta.url, meta.language, meta.description)):
        return
    guessed = trafilatura.extract_metadata(html)
    if guessed is None:
        return
    for key, attribute in (("title", "title"), ("publisher", "sitename"), ("url", "url"),
                           ("language", "language"), ("description", "description")):  # fmt: skip
        value = getattr(guessed, attribute, None)
        if getattr(meta, key) is None and value:
            setattr(meta, key, Sourced(value, f"trafilatura {attribute}"))
    if not meta.authors and guessed.author:
        meta.authors = [Sourced(a.strip(), "trafilatura author") for a in guessed.author.split(";") if a.strip()]
