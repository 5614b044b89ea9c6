"""The Markdown renderer runs only the inline and smart-punctuation patterns a page can need: the HTML must not
change."""

from __future__ import annotations

import random

import markdown
import pytest
from conftest import PROJECT

from microsite.source.reader import _DropUnsafeLinks, _SanitiseHtml, markdown_renderer, read_page, render_markdown


def plain_renderer(allow_html: bool = False) -> markdown.Markdown:
    """The renderer as configured before: Python-Markdown's and smarty's own passes, every pattern on every text
    (and raw HTML, where allowed, through the same sanitiser)."""
    md = markdown.Markdown(extensions=["tables", "fenced_code", "sane_lists", "smarty"], output_format="html")
    if not allow_html:
        md.preprocessors.deregister("html_block")
        md.inlinePatterns.deregister("html")
    else:
        md.postprocessors.register(_SanitiseHtml(md), "sanitise_html", 0)
    md.treeprocessors.register(_DropUnsafeLinks(md), "drop_unsafe_links", 0)
    return md


SAMPLES = [
    "",
    "No punctuation to educate here.",
    "Huawei's phones, the '80s, and \"quoted 'nested' words\" -- or --- dashes... and ....",
    "'Tis \"'quoted' words\" and '\"the other\" way' in 'single' quotes.",
    "\"... what?\" she said -- 'no'...",
    "A \\\"escaped\\\" quote and an \\'escaped\\' one, and \\-\\- escaped dashes.",
    "`code with 'quotes' -- and ...` beside 'prose'.",
    "```\nfenced 'code' -- ...\n```\n\nAfter the fence, it's prose.",
    "[a 'link'](https://example.com \"its 'title'\") and ![an \"image\"](x.png) -- done.",
    "| Head 'one' | Head \"two\" |\n| --- | --- |\n| cell -- a | cell ... b |",
    "- item 'one'\n- item \"two\" -- with a dash\n\n1. first...\n2. second",
    "*emphasis* -*-* and -\\-- and .*.*. and '*word*' \"**bold**\"",
    "Setext heading\n---\n\nText under it, it's here.",
    "<<angled>> quotes are not educated, <b>html</b> is escaped.",
    "Ends with a quote'\nand a line \"\n",
    "A hard  \nline break, a tab\t \nand none \n here.",
    '[ref] and [ref][] and ![img][ref] and [x]\n\n[ref]: https://example.com/r "T"',
    "<https://example.com/a> and <someone@example.com> and <not a link> and a < b > c.",
    "&amp; &#169; &#xA9; &copy and & alone; AT&T's",
    "_under_ __strong__ *star* **bold** ***both*** snake_case_name 2*3*4 * lone *",
    "\\\\`code` and \\`not code` and ``double `tick` code``",
    'A [link with *emphasis* and `code`](https://example.com) and ![alt *x*](i.png "t").',
    "<span>inline html</span> and <!-- a comment --> and <?php x ?>",
]


def bodies() -> list[str]:
    pages = [read_page(file)[0] for file in sorted((PROJECT / "content").rglob("*.md"))]
    return [page.body for page in pages if page] + SAMPLES


@pytest.mark.parametrize("body", bodies())
def test_the_same_html_as_smartys_own_pass(body):
    assert render_markdown(markdown_renderer(), body) == plain_renderer().reset().convert(body)


@pytest.mark.parametrize("body", SAMPLES)
def test_the_same_html_with_raw_html_allowed(body):
    assert render_markdown(markdown_renderer(allow_html=True), body) == plain_renderer(True).reset().convert(body)


@pytest.mark.parametrize("allow_html", [False, True])
def test_a_reused_renderer_gives_the_same_html_in_any_order(allow_html):
    fast, plain = markdown_renderer(allow_html), plain_renderer(allow_html)
    rng = random.Random(3)
    pieces = ["it's", '"', "'", "--", "---", "...", "-", ".", "`x'`", "*a*", "\\'", "word", " ", "\n", "\n\n", "- "]
    pieces += ["[a](b)", "[r]", "\n[r]: /x\n", "![i](j)", "<b>", "<http://x.y>", "&amp;", "&", "_", "*", "**", "  \n"]
    pieces += ["`", "\\", "\\*", "<", ">", "!", "[", "]", "(", ")", "\t"]
    for _ in range(600):
        body = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 40)))
        assert render_markdown(fast, body) == plain.reset().convert(body), body


def test_pages_without_quotes_or_dashes_still_get_them_right_after_pages_with():
    fast = markdown_renderer()
    assert "&rsquo;" in render_markdown(fast, "It's here.")
    assert render_markdown(fast, "Plain words.") == "<p>Plain words.</p>"
    assert "&ndash;" in render_markdown(fast, "a -- b")
    assert "&hellip;" in render_markdown(fast, "and...")
    assert render_markdown(fast, "*a* [b](c)") == '<p><em>a</em> <a href="c">b</a></p>'
    assert render_markdown(fast, "Plain again.") == "<p>Plain again.</p>"
