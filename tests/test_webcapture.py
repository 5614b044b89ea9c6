"""Saved pages, MHTML, WARC and WACZ captures and fetched URLs, read as the pages they hold.

Every capture here is a real file written by the test with the tools that make them in the
field (warcio for WARC, the email package for MHTML, zipfile for WACZ), and URLs are
fetched from a loopback server.
"""

from __future__ import annotations

import base64
import email.charset
import gzip
import http.server
import io
import json
import re
import socket
import threading
import zipfile
from datetime import UTC, datetime
from email.mime.image import MIMEImage
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from microsite.ingest.decode import Refused
from microsite.ingest.webcapture import fetch, unpack

ARTICLE = """<!DOCTYPE html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<title>Huawei launches Mate 30 without Google apps | Tech Daily</title>
<link rel="canonical" href="https://techdaily.example/2019/09/huawei-mate-30">
<meta property="og:title" content="Huawei forced to launch Mate 30 without Google apps">
<meta property="og:site_name" content="Tech Daily">
<meta property="og:url" content="https://techdaily.example/huawei-mate-30?utm=og">
<meta property="article:published_time" content="2019-09-18T09:00:00Z">
<meta name="author" content="Someone Else">
<style>body { font-family: serif } .ad { color: red }</style>
<script>window.tracker = "TRACKER-SECRET";</script>
<script type="application/ld+json">
{"@context": "https://schema.org", "@graph": [
  {"@type": "WebSite", "name": "Tech Daily site", "url": "https://techdaily.example/"},
  {"@type": "NewsArticle", "headline": "Huawei forced to launch its Mate 30 phone without Google apps",
   "datePublished": "2019-09-19T10:30:00+01:00", "dateModified": "2019-09-20T08:00:00+01:00",
   "publisher": {"@type": "Organization", "name": "Tech Daily Ltd"},
   "author": [{"@type": "Person", "name": "Jane Doe"}, {"@type": "Person", "name": "Li Wei"}]}
]}
</script>
</head>
<body>
<nav><ul><li><a href="/">Home</a></li><li><a href="/phones">Phones</a></li></ul></nav>
<article>
<h1>Huawei forced to launch its <em>Mate 30</em> phone without Google apps</h1>
<p class="byline">By <a href="/jane">Jane Doe</a> and Li Wei, Thu 19 Sep 2019</p>
<p>Huawei has unveiled its latest flagship smartphone, the Mate 30, at an event in Munich,
but the device will ship without Google's apps because of the US trade ban.</p>
<p>Richard Yu, the head of Huawei's consumer business, said the company had <strong>no choice</strong>
but to offer its own services, and that it would spend $1bn to attract developers.</p>
<p>Analysts at Canalys said the missing apps would hurt sales in Europe, where Huawei sold
more than 20 million phones last year, even if demand in China stays strong.</p>
<table><tr><th>Model</th><th>Price</th></tr><tr><td>Mate 30</td><td>€799</td></tr></table>
</article>
<noscript>Please enable JavaScript NOSCRIPT-TEXT</noscript>
<template><p>TEMPLATE-TEXT</p></template>
<div hidden>HIDDEN-TEXT</div><div style="display: none">DISPLAY-NONE-TEXT</div>
<footer><p>© 2019 Tech Daily</p></footer>
</body>
</html>
"""

PARAGRAPHS = [
    "Huawei has unveiled its latest flagship smartphone",
    "Richard Yu, the head of Huawei's consumer business, said the company had no choice",
    "Analysts at Canalys said the missing apps would hurt sales in Europe",
]


def _squeezed(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def _page(title: str, paragraphs: list[str], head: str = "") -> str:
    body = "".join(f"<p>{p}</p>\n" for p in paragraphs)
    return f"<!DOCTYPE html><html><head>{head}<title>{title}</title></head><body><h1>{title}</h1>{body}</body></html>"


LONG = [
    f"Paragraph {n}: Xiaomi's executive said the company would enter the US market with its flagship phones "
    f"once carriers agreed to sell them, and that talks had been under way for months."
    for n in range(1, 6)
]


def _warc(*records: tuple[str, str, bytes, list[tuple[str, str]]], gz: bool = True, when: str | None = None) -> bytes:
    """A WARC of (url, status line, body, headers) responses, each after its request record."""
    out = io.BytesIO()
    writer = WARCWriter(out, gzip=gz)
    writer.write_record(writer.create_warcinfo_record("test.warc.gz", {"software": "the test"}))
    dates = {"WARC-Date": when} if when else None
    for url, status, body, headers in records:
        request = StatusAndHeaders("GET / HTTP/1.1", [("Host", "example.com")], is_http_request=True)
        writer.write_record(writer.create_warc_record(url, "request", http_headers=request, warc_headers_dict=dates))
        response = StatusAndHeaders(status, headers, protocol="HTTP/1.1")
        payload = io.BytesIO(body)
        record = writer.create_warc_record(
            url, "response", payload=payload, http_headers=response, warc_headers_dict=dates
        )
        writer.write_record(record)
    return out.getvalue()


HTML_UTF8 = [("Content-Type", "text/html; charset=utf-8")]


# --- HTML ---------------------------------------------------------------------------------------


def test_html_page_text_is_what_it_shows(tmp_path):
    path = tmp_path / "saved.html"
    path.write_text(ARTICLE, encoding="utf-8")
    page = unpack(path.read_bytes(), path.name)
    assert page.kind == "html" and page.encoding == "UTF-8"
    lines = page.text.splitlines()
    assert "Huawei forced to launch its Mate 30 phone without Google apps" in lines  # inline <em> stays inline
    assert "By Jane Doe and Li Wei, Thu 19 Sep 2019" in lines
    assert "Home" in lines and "Phones" in lines  # list items on their own lines, no bullets
    assert "© 2019 Tech Daily" in lines
    assert any(line.split() == ["Mate", "30", "€799"] for line in lines)  # a table row reads as a row
    for gone in ("TRACKER-SECRET", "NOSCRIPT-TEXT", "TEMPLATE-TEXT", "HIDDEN-TEXT", "DISPLAY-NONE-TEXT", "font-family"):
        assert gone not in page.text
    assert "<" not in page.text and "Tech Daily |" not in page.text  # no markup, no <title>


def test_html_page_main_text_is_in_its_text(tmp_path):
    page = unpack(ARTICLE.encode(), "saved.html")
    for start in PARAGRAPHS:
        assert any(paragraph.startswith(start) for paragraph in page.body), start
    assert not any(p == "Home" or "© 2019" in p for p in page.body)  # the page's furniture is not the article
    for paragraph in page.body:
        assert _squeezed(paragraph) in _squeezed(page.text)


def test_declared_metadata_each_with_its_source():
    meta = unpack(ARTICLE.encode(), "saved.html").meta
    found = {key: (value.value, value.source) for key, value in meta.items() if key != "author"}
    assert found["title"] == (
        "Huawei forced to launch its Mate 30 phone without Google apps",
        "JSON-LD NewsArticle headline",
    )
    assert found["published"] == ("2019-09-19T10:30:00+01:00", "JSON-LD NewsArticle datePublished")
    assert found["modified"] == ("2019-09-20T08:00:00+01:00", "JSON-LD NewsArticle dateModified")
    assert found["publisher"] == ("Tech Daily Ltd", "JSON-LD NewsArticle publisher.name")
    assert found["url"] == ("https://techdaily.example/2019/09/huawei-mate-30", "<link rel=canonical>")
    assert found["language"] == ("en-GB", "<html lang>")
    assert [(a.value, a.source) for a in meta.authors] == [
        ("Jane Doe", "JSON-LD NewsArticle author.name"),
        ("Li Wei", "JSON-LD NewsArticle author.name"),
    ]


def test_opengraph_and_meta_tags_when_there_is_no_json_ld():
    html = re.sub(r'<script type="application/ld\+json">.*?</script>', "", ARTICLE, flags=re.S)
    html = html.replace('<link rel="canonical" href="https://techdaily.example/2019/09/huawei-mate-30">', "")
    meta = unpack(html.encode(), "saved.html").meta
    assert (meta.title.value, meta.title.source) == (
        "Huawei forced to launch Mate 30 without Google apps",
        "OpenGraph og:title",
    )
    assert (meta.publisher.value, meta.publisher.source) == ("Tech Daily", "OpenGraph og:site_name")
    assert (meta.published.value, meta.published.source) == (
        "2019-09-18T09:00:00Z",
        "OpenGraph article:published_time",
    )
    assert (meta.url.value, meta.url.source) == ("https://techdaily.example/huawei-mate-30?utm=og", "OpenGraph og:url")
    assert [(a.value, a.source) for a in meta.authors] == [("Someone Else", "<meta name=author>")]


def test_title_and_date_guessed_when_nothing_is_declared():
    html = _page("Xiaomi enters the US", LONG).replace("<h1>", '<p class="date">Published 2018-04-16</p><h1>')
    meta = unpack(html.encode(), "page.html").meta
    assert (meta.title.value, meta.title.source) == ("Xiaomi enters the US", "<title>")
    assert (meta.published.value, meta.published.source) == ("2018-04-16", "htmldate (page markup)")


def test_singlefile_page_gives_clean_text():
    image = base64.b64encode(bytes(range(256)) * 24_000).decode()  # 6 MB of inline image: past decode's limit
    html = f"""<!DOCTYPE html> <html lang="en"><!--
 Page saved with SingleFile
 url: https://news.example/xiaomi
 saved date: Mon Apr 16 2018 10:00:00 GMT+0000 -->
<head><meta charset="utf-8"><style>{"." + "x" * 5000} {{ color: red }}
@font-face {{ src: url(data:font/woff2;base64,{image[:4000]}) }}</style>
<title>Xiaomi comes to America</title></head>
<body style="margin: 0; background: url(data:image/png;base64,{image[:2000]})">
<h1 style="font-size: 2em; color: #333">Xiaomi comes to America</h1>
<img src="data:image/png;base64,{image}" alt="ALT-TEXT" data-huge="{"y" * 20000}">
<p style="line-height: 1.5">{LONG[0]}</p><p>{LONG[1]}</p>
</body></html>"""
    page = unpack(html.encode(), "xiaomi.html")
    assert page.text.splitlines()[0] == "Xiaomi comes to America"
    assert LONG[0] in page.text and LONG[1] in page.text
    for junk in ("base64", "data:", "color", "{", "yyyy", "ALT-TEXT", "SingleFile"):
        assert junk not in page.text
    assert LONG[0] in page.body


def test_hostile_markup_never_reaches_the_text():
    html = """<html><head><script>alert("HEAD-SCRIPT")</script></head><body>
<p>Plain words <img src=x onerror="alert('ONERROR')"> and <a href="javascript:alert('JSLINK')">a link</a>.</p>
<script>document.write("BODY-SCRIPT")</script><SCRIPT type="text/javascript">fetch("//evil")</SCRIPT>
<p onclick="alert('CLICK')">More words</p><iframe src="javascript:alert(1)">IFRAME-TEXT</iframe>
<svg><script>alert("SVG-SCRIPT")</script><text>SVG</text></svg><style>p{}</style>
</body></html>"""
    page = unpack(html.encode(), "hostile.html")
    assert page.text == "Plain words and a link.\n\nMore words"
    lowered = page.text.lower()
    assert "<script" not in lowered and "javascript:" not in lowered and "alert" not in lowered
    for paragraph in page.body:
        assert "alert" not in paragraph


def test_html_told_by_content_not_name():
    assert unpack(ARTICLE.encode(), "copied.txt").kind == "html"
    text = "Huawei launches a phone\n\nHuawei has unveiled its latest flagship smartphone.\n"
    plain = unpack(text.encode(), "page.html")  # an .html name with no markup is text
    assert (plain.kind, plain.text, plain.body, plain.url) == ("text", text, [], None)


def test_html_with_no_body_text_is_refused():
    html = (
        "<!DOCTYPE html><html><head><title>Only a title</title><script>var a = 1;</script></head><body>\n</body></html>"
    )
    with pytest.raises(Refused, match="shows no text") as refused:
        unpack(html.encode(), "empty.html")
    assert refused.value.hint


# --- encodings ----------------------------------------------------------------------------------

CHINESE = [
    "华为周四在北京发布了新款旗舰手机，小米也将于下月推出竞争机型。",
    "分析人士认为，两家公司都在争夺高端市场的份额，而苹果的销量正在下降。",
]
JAPANESE = [
    "ファーウェイは木曜日、北京で新しいスマートフォンを発表した。",
    "シャオミも来月、競合する機種を発売する予定だと関係者は述べた。",
]


@pytest.mark.parametrize(
    ("paragraphs", "codec", "label"),
    [(CHINESE, "gbk", "gbk"), (JAPANESE, "shift_jis", "Shift_JIS")],
)
@pytest.mark.parametrize("how", ["meta charset", "http-equiv", "undeclared"])
def test_east_asian_pages_with_and_without_declared_charset(paragraphs, codec, label, how):
    head = {
        "meta charset": f'<meta charset="{label}">',
        "http-equiv": f'<meta http-equiv="Content-Type" content="text/html; charset={label}">',
        "undeclared": "",
    }[how]
    html = _page(paragraphs[0][:8], paragraphs, head)
    page = unpack(html.encode(codec), "page.html")
    assert page.text.splitlines() == [paragraphs[0][:8], "", paragraphs[0], "", paragraphs[1]]
    assert page.encoding != "UTF-8" and page.notes


@pytest.mark.parametrize(("words", "codec"), [("华为与小米", "gbk"), ("ファーウェイ", "shift_jis")])
def test_a_short_page_is_read_in_its_declared_charset(words, codec):
    """Too few bytes to detect an encoding by: the declaration decides."""
    html = f'<html><head><meta charset="{codec}"></head><body><p>{words}</p></body></html>'
    assert unpack(html.encode(codec), "short.html").text == words


def test_archive_header_charset_is_used():
    html = "<html><body><p>华为与小米</p></body></html>"  # no <meta charset>: the HTTP header declares it
    warc = _warc(
        ("https://news.example/cn", "200 OK", html.encode("gbk"), [("Content-Type", "text/html; charset=GBK")])
    )
    assert unpack(warc, "cn.warc.gz").text == "华为与小米"


# --- MHTML --------------------------------------------------------------------------------------


def _mhtml(html_part: MIMEText | None, url: str = "https://news.example/huawei") -> bytes:
    message = MIMEMultipart("related", type="text/html")
    message["From"] = "<Saved by Blink>"
    message["Snapshot-Content-Location"] = url
    message["Subject"] = "Huawei"
    message["Date"] = "Thu, 19 Sep 2019 11:52:30 -0000"
    if html_part is not None:
        html_part["Content-Location"] = url
        message.attach(html_part)
    image = MIMEImage(b"\x89PNG\r\n\x1a\n" + bytes(200), "png")
    image["Content-Location"] = "https://news.example/logo.png"
    message.attach(image)
    return message.as_bytes()


def test_mhtml_page(tmp_path):
    html = ARTICLE.replace('<meta charset="utf-8">', "")
    part = MIMEText(html, "html", "utf-8")  # written base64 with its charset, as Chrome may
    path = tmp_path / "page.mhtml"
    path.write_bytes(_mhtml(part))
    page = unpack(path.read_bytes(), path.name)
    assert page.kind == "mhtml"
    assert page.url == "https://news.example/huawei"
    assert page.accessed == "2019-09-19T11:52:30+00:00"
    assert "By Jane Doe and Li Wei, Thu 19 Sep 2019" in page.text.splitlines()
    assert page.meta.publisher.value == "Tech Daily Ltd"
    assert any(paragraph.startswith(PARAGRAPHS[0]) for paragraph in page.body)


def test_mhtml_quoted_printable_in_its_declared_charset():
    html = "<html><body><p>华为与小米</p></body></html>"  # too short to detect: the part's charset decides
    charset = email.charset.Charset("gbk")
    charset.body_encoding = email.charset.QP  # as Chrome writes MHTML: quoted-printable
    part = MIMEText(html, "html", charset)
    assert b"quoted-printable" in part.as_bytes() and "=BB=AA" in part.get_payload()
    page = unpack(_mhtml(part), "cn.mht")
    assert page.text == "华为与小米"


def test_mhtml_without_html_part_is_refused():
    with pytest.raises(Refused, match="MHTML file with no HTML part"):
        unpack(_mhtml(None), "page.mhtml")


# --- WARC and WACZ ------------------------------------------------------------------------------


def test_warc_page_is_its_html_response(tmp_path):
    warc = _warc(
        ("https://news.example/old", "301 Moved Permanently", b"", [("Location", "https://news.example/xiaomi")]),
        ("https://news.example/style.css", "200 OK", b"p { color: red }", [("Content-Type", "text/css")]),
        ("https://news.example/xiaomi", "200 OK", _page("Xiaomi in the US", LONG).encode(), HTML_UTF8),
        ("https://news.example/other", "200 OK", _page("Another page", LONG[:1]).encode(), HTML_UTF8),
        when="2024-05-01T12:30:00Z",
    )
    path = tmp_path / "capture.warc.gz"
    path.write_bytes(warc)
    page = unpack(path.read_bytes(), path.name)
    assert (page.kind, page.url, page.accessed) == ("warc", "https://news.example/xiaomi", "2024-05-01T12:30:00+00:00")
    assert page.text.splitlines()[0] == "Xiaomi in the US"
    assert page.body == LONG


def test_uncompressed_warc_named_anything():
    warc = _warc(("https://news.example/a", "200 OK", _page("A page", LONG).encode(), HTML_UTF8), gz=False)
    assert unpack(warc, "capture.bin").kind == "warc"


@pytest.mark.parametrize("gz", [True, False])
@pytest.mark.parametrize("keep", [0.3, 0.7, 0.95])
def test_cut_short_warc_is_refused(gz, keep):
    warc = _warc(("https://news.example/a", "200 OK", _page("A page", LONG * 20).encode(), HTML_UTF8), gz=gz)
    with pytest.raises(Refused, match="damaged or cut-short WARC") as refused:
        unpack(warc[: int(len(warc) * keep)], "cut.warc.gz")
    assert "again" in refused.value.hint


def test_warc_without_html_response_is_refused():
    warc = _warc(("https://news.example/data.json", "200 OK", b'{"a": 1}', [("Content-Type", "application/json")]))
    with pytest.raises(Refused, match="no HTML page"):
        unpack(warc, "data.warc.gz")


def test_gzip_that_is_not_a_warc_is_refused():
    with pytest.raises(Refused, match="gzip-compressed but holds no WARC"):
        unpack(gzip.compress(ARTICLE.encode()), "page.html.gz")


def _wacz(warc: bytes, main_url: str | None = None, pages: list[str] = ()) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as wacz:
        wacz.writestr("archive/data.warc.gz", warc, compress_type=zipfile.ZIP_STORED)
        package = {"profile": "data-package", "wacz_version": "1.1.1", "resources": []}
        if main_url:
            package["mainPageURL"] = main_url
        wacz.writestr("datapackage.json", json.dumps(package))
        if pages:
            lines = [{"format": "json-pages-1.0", "id": "pages"}] + [{"url": url, "ts": "2024-05-01"} for url in pages]
            wacz.writestr("pages/pages.jsonl", "\n".join(json.dumps(line) for line in lines))
    return out.getvalue()


TWO_PAGES = (
    ("https://news.example/first", "200 OK", _page("First page", LONG[:2]).encode(), HTML_UTF8),
    ("https://news.example/main", "200 OK", _page("Main page", LONG).encode(), HTML_UTF8),
)


@pytest.mark.parametrize("declared", ["datapackage", "pages.jsonl", "none"])
def test_wacz_page_is_its_main_page(tmp_path, declared):
    main = "https://news.example/main"
    wacz = _wacz(
        _warc(*TWO_PAGES, when="2024-05-01T08:00:00Z"),
        main if declared == "datapackage" else None,
        [main] if declared == "pages.jsonl" else [],
    )
    path = tmp_path / "capture.wacz"
    path.write_bytes(wacz)
    page = unpack(path.read_bytes(), "capture.zip")
    assert page.kind == "wacz" and page.accessed == "2024-05-01T08:00:00+00:00"
    expected = "First page" if declared == "none" else "Main page"
    assert page.text.splitlines()[0] == expected
    assert page.url == ("https://news.example/first" if declared == "none" else main)


def test_zip_that_is_not_a_wacz_is_refused():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("page.html", ARTICLE)
    with pytest.raises(Refused, match="zip file but not a WACZ") as refused:
        unpack(out.getvalue(), "page.zip")
    assert refused.value.hint


def test_wacz_with_a_cut_short_warc_is_refused():
    warc = _warc(("https://news.example/a", "200 OK", _page("A page", LONG * 20).encode(), HTML_UTF8))
    with pytest.raises(Refused, match="damaged or cut-short WACZ"):
        unpack(_wacz(warc[: len(warc) // 2]), "capture.wacz")


def test_damaged_zip_is_refused():
    wacz = _wacz(_warc(*TWO_PAGES))
    with pytest.raises(Refused, match="damaged"):
        unpack(wacz[: len(wacz) - 40], "capture.wacz")


# --- fetching a URL -----------------------------------------------------------------------------


class _Pages(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        if self.path == "/article":
            body = ARTICLE.encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("X-Served-By", "the test")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        else:
            self.send_error(404, "Not Found")

    def log_message(self, *args):
        pass


@pytest.fixture
def server():
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Pages)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def test_fetch_saves_a_warc_that_unpack_reads(server):
    before = datetime.now(UTC).replace(microsecond=0)
    warc = fetch(f"{server}/article")
    page = unpack(warc, "fetched.warc.gz")
    assert page.kind == "warc" and page.url == f"{server}/article"
    accessed = datetime.fromisoformat(page.accessed)
    assert before <= accessed <= datetime.now(UTC)
    assert page.meta.title.value == "Huawei forced to launch its Mate 30 phone without Google apps"
    assert b"X-Served-By: the test" in gzip.decompress(warc)  # the response's headers are kept
    assert b"WARC-Type: request" in gzip.decompress(warc)


def test_fetch_refuses_an_http_error(server):
    with pytest.raises(Refused, match="404") as refused:
        fetch(f"{server}/missing")
    assert f"{server}/missing" in refused.value.message


def test_fetch_refuses_when_nothing_listens():
    with socket.socket() as probe:  # a port that was free a moment ago, now closed
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(Refused, match="could not be fetched") as refused:
        fetch(f"http://127.0.0.1:{port}/article")
    assert f"127.0.0.1:{port}" in refused.value.message and refused.value.hint


def test_fetch_refuses_what_is_not_a_web_address():
    with pytest.raises(Refused, match="not a web address"):
        fetch("file:///etc/passwd")


# --- size ---------------------------------------------------------------------------------------


def test_page_html_past_the_limit_is_refused_with_a_clear_reason():
    html = _page("Big", [("Words of text. " * 70_000)] * 6)  # 6 MB of real text, not inline images
    warc = _warc(("https://news.example/big", "200 OK", html.encode(), HTML_UTF8))
    with pytest.raises(Refused, match="MB of HTML"):
        unpack(warc, "big.warc.gz")
