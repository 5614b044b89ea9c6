"""Files -> text: a content page's front matter and Markdown body, and a capture's text.

Nothing here knows what the keys mean; that is the loader's job.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import markdown
from markdown.extensions import smarty
from markdown.treeprocessors import InlineProcessor, Treeprocessor
from markdown.util import Registry

from .errors import Problem

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


def markdown_renderer(allow_html: bool = False) -> markdown.Markdown:
    """Python-Markdown, with raw HTML escaped (shown as text) unless the site opts in."""
    md = markdown.Markdown(extensions=["tables", "fenced_code", "sane_lists", "smarty"], output_format="html")
    if not allow_html:
        md.preprocessors.deregister("html_block")
        md.inlinePatterns.deregister("html")
    md.treeprocessors.register(_DropUnsafeLinks(md), "drop_unsafe_links", 0)
    every = md.treeprocessors["smarty"]  # replaced, at the same place in the order
    md.treeprocessors.register(_SmartyWhereNeeded(md, every.inlinePatterns), "smarty", 6)
    return md


def render_markdown(md: markdown.Markdown, text: str) -> str:
    return md.reset().convert(text)


# What each of smarty's substitutions needs in the text to match at all: its regex has these characters
# side by side. A pattern not listed (a newer Python-Markdown's) is always run.
_SMARTY_NEEDS = {
    smarty.singleQuoteStartRe: "'",
    smarty.doubleQuoteStartRe: '"',
    smarty.doubleQuoteSetsRe: "\"'",
    smarty.singleQuoteSetsRe: "'\"",
    smarty.doubleQuoteSetsRe2: "'\"",
    smarty.singleQuoteSetsRe2: "\"'",
    smarty.decadeAbbrRe: "'",
    smarty.openingSingleQuotesRegex: "'",
    smarty.closingSingleQuotesRegex: "'",
    smarty.closingSingleQuotesRegex2: "'",
    smarty.remainingSingleQuotesRegex: "'",
    smarty.openingDoubleQuotesRegex: '"',
    smarty.closingDoubleQuotesRegex: '"',
    smarty.closingDoubleQuotesRegex2: '"',
    smarty.remainingDoubleQuotesRegex: '"',
    r"(?<!-)---(?!-)": "---",
    r"(?<!-)--(?!-)": "--",
    r"(?<!\.)\.{3}(?!\.)": "...",
}


class _SmartyWhereNeeded(Treeprocessor):
    """smarty's pass over the finished tree, running only the substitutions that can match.

    The pass tries each of its 18 patterns on every text of the page, which doubled the cost of a page.
    Its substitutions only ever replace the matched characters by a placeholder (keeping a matched space
    or dash), so a pattern whose characters are nowhere in the page's text finds nothing, before or after
    the others ran: leaving it out changes nothing. The patterns that are run keep their order."""

    def __init__(self, md: markdown.Markdown, patterns: Registry):
        super().__init__(md)
        self.patterns = list(patterns)  # in the order smarty runs them
        self.processors: dict[tuple, InlineProcessor] = {}

    def run(self, root):
        text = "".join(root.itertext())
        # "" (a pattern this table does not know) is in every text.
        chosen = tuple(pattern for pattern in self.patterns if _SMARTY_NEEDS.get(pattern.pattern, "") in text)
        if not chosen:
            return None
        processor = self.processors.get(chosen)
        if processor is None:
            processor = self.processors[chosen] = InlineProcessor(self.md)
            processor.inlinePatterns = chosen  # it only indexes them in order, as it does its registry
        return processor.run(root)
