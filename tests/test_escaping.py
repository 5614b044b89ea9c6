"""Captured text and comments come from the open web: they reach the page only as text."""

from __future__ import annotations

import json

from html_tools import parse_file

from microsite.commands.build import build

HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)>'

CAPTURE = f"""Headline {HOSTILE}

Huawei is reportedly negotiating {HOSTILE} with US carriers.
A reader wrote: </textarea><svg onload=alert(2)> and "quotes" & ampersands.
"""

PAGE = f"""---
title: 'Headline {HOSTILE}'
publisher: PhoneArena
published: 2017-12
date_note: '{HOSTILE}'
url: https://example.com/?q=<b>
seed: capture.txt
companies: [Huawei]
sources:
  - name: 'A person {HOSTILE}'
    kind: anonymous
    note: '{HOSTILE}'
claims:
  - id: talks
    statement: 'Statement {HOSTILE}'
    quote: 'Huawei is reportedly negotiating {HOSTILE} with US carriers.'
    source: 'A person {HOSTILE}'
    status: reported
comments:
  digest: '{HOSTILE}'
  items:
    - id: "1"
      author: '{HOSTILE}'
      text: '</textarea><svg onload=alert(2)> and "quotes" & ampersands.'
      stance: neutral
---
Body with raw HTML {HOSTILE} and [a link](javascript:alert(3)).

<div onclick="alert(4)">block</div>
"""


def test_hostile_text_is_inert_on_every_page(site, tmp_path):
    site.write("seeds/capture.txt", CAPTURE)
    site.page(PAGE)
    out = tmp_path / "out"
    build(site.root, out)
    pages = sorted(out.rglob("*.html"))
    assert len(pages) > 5
    for page in pages:
        doc = parse_file(page)
        for script in doc.find_all("script"):
            if script.attrs.get("type") == "application/ld+json":  # data, never run: it must parse whole
                assert any(HOSTILE in text for text in _strings(json.loads(script.text()))), page
            else:
                assert script.attrs.get("src", "").startswith(("static/", "../static/")), (page, script.attrs)
                assert not script.text().strip(), page
        for element in doc.iter():
            assert element.tag not in ("img", "svg", "textarea"), (page, element.tag)
            assert not any(name.startswith("on") for name in element.attrs), (page, element.attrs)
            for name in ("href", "src"):
                assert not element.attrs.get(name, "").lower().startswith(("javascript:", "data:")), page
    article = parse_file(out / "articles/talks.html")
    assert HOSTILE in article.find_all("h1")[0].text()  # shown, as text
    assert "alert(3)" not in (out / "articles/talks.html").read_text()


def _strings(value) -> list[str]:
    if isinstance(value, str):
        return [value]
    items = value.values() if isinstance(value, dict) else value if isinstance(value, list) else []
    return [text for item in items for text in _strings(item)]


def test_the_capture_page_shows_hostile_text_as_text(site, tmp_path):
    site.write("seeds/capture.txt", CAPTURE)
    site.page(PAGE)
    out = tmp_path / "out"
    build(site.root, out)
    capture = parse_file(out / "captures/talks.html")
    text = capture.by_class("capture-text")[0].text()
    assert text == CAPTURE.replace("\r\n", "\n")
