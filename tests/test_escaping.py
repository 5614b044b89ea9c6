"""Captured text and comments come from the open web: they reach the page only as text."""

from __future__ import annotations

import json

import pytest
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


# The elements of the site's own charts (microsite/site/charts.py): SVG shapes and text, nothing that runs.
CHART_TAGS = {"svg", "title", "desc", "g", "rect", "line", "text"}


def _chart(element) -> bool:
    """An <svg class="chart-svg"> the build drew, right inside its <figure class="chart">, holding only shapes."""
    parent = element.parent
    ours = element.tag == "svg" and element.attrs.get("class") == "chart-svg"
    ours = ours and parent is not None and parent.tag == "figure" and parent.attrs.get("class") == "chart"
    return ours and all(child.tag in CHART_TAGS for child in element.iter())


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
            assert element.tag not in ("img", "svg", "textarea") or _chart(element), (page, element.tag)
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


# Every trick at once, in every field, the capture, a comment and the Markdown body: tags, event handlers,
# attribute and comment breakouts, javascript: links, and requests to a planted address: a second server on
# loopback that counts what reaches it.
def evil(planted: str) -> str:
    return (
        f'"><script>alert(1)</script><img src="{planted}/img" onerror="alert(2)"><svg onload="alert(3)">'
        f'<a href="javascript:alert(4)">j</a><iframe src="{planted}/frame"></iframe>--><script>alert(5)</script>'
        f'<style>@import "{planted}/css";</style><link rel="stylesheet" href="{planted}/link">'
        f'<script src="{planted}/script.js"></script>'
    )


def quiet_server(handler_class, **options):
    import functools
    import http.server
    import threading

    class Quiet(handler_class):
        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, **options))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


@pytest.mark.parametrize("raw_html", [False, True], ids=["body escaped", "raw_html: true"])
def test_in_chromium_hostile_text_fires_no_dialog_and_sends_no_request(site, tmp_path, browser, raw_html):
    # With raw_html the body's tags reach the page: the Content-Security-Policy alone must hold them.
    import http.server

    from microsite.site.render import CONTENT_SECURITY_POLICY

    reached = []

    class Planted(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            reached.append(self.path)
            self.send_response(204)
            self.end_headers()

    planted_server = quiet_server(Planted)
    planted = f"http://127.0.0.1:{planted_server.server_address[1]}"
    hostile = evil(planted)
    if raw_html:
        site.write("site.yaml", (site.root / "site.yaml").read_text(encoding="utf-8") + "raw_html: true\n")
    site.write("seeds/capture.txt", CAPTURE.replace(HOSTILE, hostile))
    body = f"\n{hostile}\n\n[link](javascript:alert(6)) ![image]({planted}/markdown-image)\n"
    site.page(PAGE.replace(HOSTILE, hostile) + body)
    out = tmp_path / "out"
    build(site.root, out)
    server = quiet_server(http.server.SimpleHTTPRequestHandler, directory=str(out))
    context = browser.new_context()
    page = context.new_page()
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    try:
        pages = sorted(path.relative_to(out).as_posix() for path in out.rglob("*.html"))
        assert "articles/talks.html" in pages and "captures/talks.html" in pages
        for path in pages:
            page.goto(f"http://127.0.0.1:{server.server_address[1]}/{path}", wait_until="load")
            page.mouse.move(10, 10)
            page.mouse.move(400, 300)  # over whatever a breakout might have made hoverable
            page.wait_for_timeout(50)
            csp = page.locator('meta[http-equiv="Content-Security-Policy"]')
            assert csp.count() == 1 and csp.get_attribute("content") == CONTENT_SECURITY_POLICY, path
        assert dialogs == [], f"a planted script ran: {dialogs}"
        assert reached == [], f"requests reached the planted address: {reached}"
    finally:
        context.close()
        for each in (server, planted_server):
            each.shutdown()
            each.server_close()


def test_the_policy_forbids_inline_script():
    from microsite.site.render import CONTENT_SECURITY_POLICY

    directives = dict(part.strip().split(" ", 1) for part in CONTENT_SECURITY_POLICY.split(";"))
    assert "'unsafe-inline'" not in directives["script-src"] and "'unsafe-eval'" not in directives["script-src"]
    assert directives["object-src"] == "'none'" and directives["default-src"] == "'self'"


def test_every_trick_is_inert_text_in_the_built_html(site, tmp_path):
    # The planted tricks, parsed back: no element, attribute or address they carry reaches the HTML.
    hostile = evil("http://planted.example")
    site.write("seeds/capture.txt", CAPTURE.replace(HOSTILE, hostile))
    site.page(PAGE.replace(HOSTILE, hostile) + f"\n{hostile}\n")
    out = tmp_path / "out"
    build(site.root, out)
    for page in sorted(out.rglob("*.html")):
        doc = parse_file(page)
        for element in doc.iter():
            banned = element.tag in ("img", "svg", "iframe", "style", "textarea")
            assert not banned or _chart(element), (page, element.tag)
            assert not any(name.startswith("on") for name in element.attrs), (page, element.attrs)
            for name in ("href", "src"):
                value = element.attrs.get(name, "")
                assert "planted.example" not in value and not value.lower().startswith(("javascript:", "data:")), page
            if element.tag == "script" and element.attrs.get("type") != "application/ld+json":
                assert element.attrs.get("src", "").startswith(("static/", "../static/")), (page, element.attrs)
    article = parse_file(out / "articles/talks.html")
    assert hostile in article.find_all("h1")[0].text()  # shown, as text
