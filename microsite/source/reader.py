"""Files -> text: a content page's front matter and Markdown body, and a capture's text.

Nothing here knows what the keys mean; that is the loader's job.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import markdown
import nh3
from markdown import inlinepatterns
from markdown.extensions import smarty
from markdown.postprocessors import Postprocessor
from markdown.treeprocessors import InlineProcessor, Treeprocessor
from markdown.util import Registry

from ..errors import Problem

_FENCE = re.compile(r"^---[ \t]*$", re.MULTILINE)
_SAFE_URL = re.compile(r"^(?:https?:|mailto:|#|/|\.|[^:/?#]+(?:[/?#]|$))", re.IGNORECASE)


@dataclass
class RawPage:
    file: Path
    front_matter: str
    front_matter_line: int  # the file line on which the front matter text starts
    body: str


def read_text(file: Path) -> tuple[str | None, Problem | None]:
    """UTF-8 text with a byte-order mark dropped and line ends made \\n."""
    try:
        data = file.read_bytes()
    except OSError as err:
        return None, Problem(file, f"cannot be read: {err.strerror}")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        return None, Problem(
            file,
            f"is not UTF-8 text (byte 0x{data[err.start]:02x} at offset {err.start})",
            line=line,
            hint="save the file as UTF-8 in your editor",
        )
    return text.replace("\r\n", "\n").replace("\r", "\n"), None


# A content page is a researcher's summary of one capture: a few kilobytes, rarely a hundred. One of
# megabytes is a mistake (a capture pasted in, a file in the wrong folder), and YAML that big is slow to read.
PAGE_LIMIT_BYTES = 1_000_000


def read_page(file: Path) -> tuple[RawPage | None, Problem | None]:
    try:
        size = file.stat().st_size
    except OSError:
        size = 0  # read_text reports it
    if size > PAGE_LIMIT_BYTES:
        return None, Problem(
            file,
            f"is {size / 1e6:.1f} MB, more than a content page may be ({PAGE_LIMIT_BYTES / 1e6:.0f} MB)",
            hint="a page summarises its capture: put the captured text in seeds/ and keep the page to its summary",
        )
    text, problem = read_text(file)
    if problem:
        return None, problem
    first = text.split("\n", 1)[0]
    if first.rstrip() != "---":
        return None, Problem(
            file,
            "does not start with front matter",
            line=1,
            hint="the first line must be `---`, followed by the YAML keys and a closing `---`",
        )
    rest = text[len(first) + 1 :]
    closing = _FENCE.search(rest)
    if closing is None:
        return None, Problem(
            file,
            "the front matter has no closing `---`",
            line=1,
            hint="add a line `---` after the last YAML key, before the Markdown body",
        )
    body = rest[closing.end() :].lstrip("\n")
    return RawPage(file, rest[: closing.start()], 2, body), None


class _DropUnsafeLinks(Treeprocessor):
    """Links and images keep only web, mail and relative addresses: no javascript: or data:."""

    def run(self, root):
        for element in root.iter():
            for attribute in ("href", "src"):
                value = element.get(attribute)
                if value is not None and not _SAFE_URL.match(value.strip()):
                    element.set(attribute, "#unsafe-link-removed")


# Raw HTML a site lets through (`raw_html: true`) keeps the formatting a researcher writes and nothing
# active. Ammonia (through nh3) parses the page's HTML as a browser would, so no spelling of a tag, an
# attribute or an address slips past it, as it would past a filter of our own.
_HTML_TAGS = {
    *("p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "code", "kbd", "samp", "var"),
    *("ul", "ol", "li", "dl", "dt", "dd", "div", "span", "a", "img", "figure", "figcaption", "details", "summary"),
    *("em", "strong", "b", "i", "u", "s", "del", "ins", "mark", "small", "sub", "sup", "abbr", "dfn", "cite", "q"),
    *("time", "data", "bdi", "bdo", "wbr", "ruby", "rt", "rp"),
    *("table", "caption", "colgroup", "col", "thead", "tbody", "tfoot", "tr", "th", "td"),
}
# Dropped with everything inside them: what they hold is code, styles or another document, never prose.
_HTML_DROPPED_WITH_CONTENT = {
    *("script", "style", "template", "iframe", "frame", "frameset", "object", "embed", "applet", "noscript"),
    *("noembed", "noframes", "xmp", "plaintext", "title", "textarea", "select", "svg", "math"),
}
_HTML_ATTRIBUTES = {
    "*": {"title", "lang", "dir"},
    "a": {"href", "hreflang"},
    "img": {"src", "alt", "width", "height"},
    "code": {"class"},  # fenced code's language-x, checked in _html_attribute
    "ol": {"start", "reversed", "type"},
    "li": {"value"},
    "blockquote": {"cite"},
    "q": {"cite"},
    "del": {"cite", "datetime"},
    "ins": {"cite", "datetime"},
    "time": {"datetime"},
    "data": {"value"},
    "details": {"open"},
    "col": {"span"},
    "colgroup": {"span"},
    "th": {"colspan", "rowspan", "scope", "headers", "abbr"},
    "td": {"colspan", "rowspan", "headers"},
}
# The one style Python-Markdown writes itself, on aligned table columns. No other style attribute is kept.
_TABLE_ALIGN = {f"text-align: {side};" for side in ("left", "right", "center")}
_LANGUAGE_CLASS = re.compile(r"^language-[A-Za-z0-9_+#.-]+$")


def _html_attribute(element: str, attribute: str, value: str) -> str | None:
    if attribute == "class":
        return value if _LANGUAGE_CLASS.match(value) else None
    return value


def html_sanitiser() -> nh3.Cleaner:
    return nh3.Cleaner(
        tags=_HTML_TAGS,
        clean_content_tags=_HTML_DROPPED_WITH_CONTENT,
        attributes=_HTML_ATTRIBUTES,
        attribute_filter=_html_attribute,
        tag_attribute_values={"th": {"style": _TABLE_ALIGN}, "td": {"style": _TABLE_ALIGN}},
        url_schemes={"http", "https", "mailto"},  # relative addresses and #anchors are kept too
        link_rel=None,  # links keep the attributes written; rel is not one of them
        strip_comments=True,
    )


class _SanitiseHtml(Postprocessor):
    """The whole page body, raw HTML put back, through the sanitiser: a tag's two halves may come from
    different places in the Markdown, so only the joined HTML can be judged."""

    def __init__(self, md: markdown.Markdown):
        super().__init__(md)
        self.cleaner = html_sanitiser()

    def run(self, text: str) -> str:
        return self.cleaner.clean(text)


def markdown_renderer(allow_html: bool = False) -> markdown.Markdown:
    """Python-Markdown, with raw HTML escaped (shown as text) unless the site opts in; then sanitised."""
    md = markdown.Markdown(extensions=["tables", "fenced_code", "sane_lists", "smarty"], output_format="html")
    if not allow_html:
        md.preprocessors.deregister("html_block")
        md.inlinePatterns.deregister("html")
    else:
        md.postprocessors.register(_SanitiseHtml(md), "sanitise_html", 0)  # after raw HTML is put back
    md.treeprocessors.register(_DropUnsafeLinks(md), "drop_unsafe_links", 0)
    # Both inline passes are replaced at the same place in the order.
    md.treeprocessors.register(_PatternsWhereNeeded(md, md.inlinePatterns, _INLINE_NEEDS), "inline", 20)
    every = md.treeprocessors["smarty"]
    md.treeprocessors.register(_PatternsWhereNeeded(md, every.inlinePatterns, _SMARTY_NEEDS), "smarty", 6)
    return md


def render_markdown(md: markdown.Markdown, text: str) -> str:
    return md.reset().convert(text)


# What each inline pattern needs in the text to match at all: one of these strings, which its regex
# spells out character for character. A pattern not listed (a newer Python-Markdown's) is always run.
_INLINE_NEEDS = {
    inlinepatterns.BACKTICK_RE: ("`",),
    inlinepatterns.ESCAPE_RE: ("\\",),
    inlinepatterns.LINK_RE: ("[",),  # and references: the same pattern
    inlinepatterns.IMAGE_LINK_RE: ("![",),
    inlinepatterns.AUTOLINK_RE: ("<",),
    inlinepatterns.AUTOMAIL_RE: ("<",),
    inlinepatterns.HTML_RE: ("<",),  # raw HTML, where the site allows it
    inlinepatterns.ENTITY_RE: ("&",),
    inlinepatterns.LINE_BREAK_RE: ("  \n",),  # tabs are spaces by then
    r"\*|_": ("*", "_"),  # emphasis, both kinds
}

# The same for smarty's substitutions.
_SMARTY_NEEDS = {
    smarty.singleQuoteStartRe: ("'",),
    smarty.doubleQuoteStartRe: ('"',),
    smarty.doubleQuoteSetsRe: ("\"'",),
    smarty.singleQuoteSetsRe: ("'\"",),
    smarty.doubleQuoteSetsRe2: ("'\"",),
    smarty.singleQuoteSetsRe2: ("\"'",),
    smarty.decadeAbbrRe: ("'",),
    smarty.openingSingleQuotesRegex: ("'",),
    smarty.closingSingleQuotesRegex: ("'",),
    smarty.closingSingleQuotesRegex2: ("'",),
    smarty.remainingSingleQuotesRegex: ("'",),
    smarty.openingDoubleQuotesRegex: ('"',),
    smarty.closingDoubleQuotesRegex: ('"',),
    smarty.closingDoubleQuotesRegex2: ('"',),
    smarty.remainingDoubleQuotesRegex: ('"',),
    r"(?<!-)---(?!-)": ("---",),
    r"(?<!-)--(?!-)": ("--",),
    r"(?<!\.)\.{3}(?!\.)": ("...",),
}


class _PatternsWhereNeeded(Treeprocessor):
    """An inline pass over the tree (Python-Markdown's own, or smarty's), running only the patterns that
    can match.

    Each pass tries every one of its patterns on every text of the page: for a page of plain prose that
    is most of the cost of its Markdown. A pattern only ever replaces the characters it matched, by
    placeholders or elements made of them, so a pattern whose characters are nowhere in the page's text
    finds nothing, before or after the others ran: leaving it out changes nothing. The patterns that are
    run keep their order. (tests/test_markdown.py compares with the passes as Python-Markdown ships them.)"""

    def __init__(self, md: markdown.Markdown, patterns: Registry, needs: dict[str, tuple[str, ...]]):
        super().__init__(md)
        self.patterns = list(patterns)  # in the order the pass runs them
        self.needs = [needs.get(pattern.pattern, ("",)) for pattern in self.patterns]  # "" is in every text
        self.processors: dict[tuple, InlineProcessor] = {}
        self.running: InlineProcessor | None = None

    @property
    def stashed_nodes(self) -> dict:
        # Patterns read the pass's placeholders as md.treeprocessors["inline"].stashed_nodes.
        return self.running.stashed_nodes if self.running is not None else {}

    def run(self, root):
        text = "".join(root.itertext())
        chosen = tuple(
            pattern
            for pattern, needs in zip(self.patterns, self.needs, strict=True)
            if any(need in text for need in needs)
        )
        if not chosen:
            self.running = None
            return None
        processor = self.processors.get(chosen)
        if processor is None:
            processor = self.processors[chosen] = InlineProcessor(self.md)
            processor.inlinePatterns = chosen  # it only indexes them in order, as it does its registry
        self.running = processor
        return processor.run(root)
