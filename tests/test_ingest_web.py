"""Every capture a researcher makes, from file (or URL) to built page: a saved HTML page, MHTML, a WARC, a
WACZ, a fetched URL and a page in a Chinese encoding are each ingested, checked and built; the original is
kept byte for byte beside the text it shows; a damaged capture is refused alone."""

from __future__ import annotations

import hashlib
import http.server
from email.mime.text import MIMEText

import pytest
import yaml
from html_tools import parse_file
from test_webcapture import HTML_UTF8, _mhtml, _wacz, _warc

URL = "https://www.phonearena.com/news/huawei-talks_id1"
PAGE = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>Huawei is in talks with AT&amp;T | PhoneArena</title>
<link rel="canonical" href="{URL}">
<meta property="og:site_name" content="PhoneArena">
<script>window.secret = "SCRIPT-TEXT"; alert(1)</script>
<script type="application/ld+json">
{{"@context": "https://schema.org", "@type": "NewsArticle", "headline": "Huawei is in talks with AT&T",
  "datePublished": "2017-12-08T10:00:00-05:00", "publisher": {{"@type": "Organization", "name": "PhoneArena"}},
  "author": [{{"@type": "Person", "name": "Dana Whitfield"}}]}}
</script></head>
<body><nav><a href="/">Home</a> <a href="/news">News</a></nav>
<article><h1>Huawei is in talks with AT&amp;T</h1>
<p>By Dana Whitfield, Dec 8, 2017</p>
<p>Huawei is reportedly negotiating with US carriers, according to Bloomberg News, and could sell its
Mate 10 Pro through AT&amp;T next year.</p>
<p>Xiaomi is also in talks with carriers, a person familiar with the matter said, but the company declined to
comment on its plans for the United States.</p>
<p><img src="x" onerror="alert(2)"><a href="javascript:alert(3)">a link</a> that goes nowhere.</p>
</article>
<section class="comments"><h2>2 Comments</h2>
<div><span>reader_one</span> · <time>2 hours ago</time><p>Nice phone, but the price matters more.</p><a>Reply</a></div>
<div><span>reader_two</span> · <time>1 hour ago</time><p>Not for me: I want a headphone jack.</p><a>Reply</a></div>
</section>
<footer>© 2017 PhoneArena</footer></body></html>
"""


def _front(path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8").split("\n---", 1)[0].removeprefix("---\n"))


def _captures(site, tmp_path) -> dict[str, bytes]:
    html = PAGE.encode()
    warc = _warc((URL, "200 OK", html, HTML_UTF8), when="2024-05-01T12:00:00Z")
    return {
        "saved.html": html,
        "saved.mhtml": _mhtml(MIMEText(PAGE, "html", "utf-8"), URL),
        "archive.warc.gz": warc,
        "archive.wacz": _wacz(warc, main_url=URL),
    }


@pytest.mark.parametrize("name", ["saved.html", "saved.mhtml", "archive.warc.gz", "archive.wacz"])
def test_each_format_goes_from_file_to_built_page(site, tmp_path, name):
    data = _captures(site, tmp_path)[name]
    capture = tmp_path / name
    capture.write_bytes(data)
    (site.root / "content/talks.md").unlink()  # the fixture's own page: this capture is the only article
    result = site.run("ingest", str(capture))
    assert result.returncode == 0, result.stderr
    assert "title: Huawei is in talks with AT&T" in result.stdout and "Traceback" not in result.stderr
    page = site.root / "content/huawei-is-in-talks-with-at-t.md"
    front = _front(page)
    # What the page declares beats what the text suggests, and the draft says where it came from.
    assert front["title"] == "Huawei is in talks with AT&T" and front["published"] == "2017-12-08"
    assert front["publisher"] == "PhoneArena" and front["authors"] == ["Dana Whitfield"]
    assert front["url"] == URL and front["language"] == "en" if name != "saved.mhtml" else True
    assert "JSON-LD" in front["date_note"]
    assert [item["author"] for item in front["comments"]["items"]] == ["reader_one", "reader_two"]
    # The original, byte for byte, is the evidence; the text it shows is the capture quotes are checked against.
    assert front["original"] == name and (site.root / "seeds" / name).read_bytes() == data
    assert front["seed"] == name + ".txt" and front["sha256"] == hashlib.sha256(data).hexdigest()
    text = (site.root / "seeds" / front["seed"]).read_text(encoding="utf-8")
    assert "Huawei is reportedly negotiating with US carriers" in text
    assert "SCRIPT-TEXT" not in text and "<" not in text
    if name.startswith("archive"):
        assert front["accessed"].startswith("2024-05-01")
    check = site.run("check")
    assert check.returncode == 0, check.stdout + check.stderr
    out = tmp_path / "out"
    built = site.run("build", "--out", str(out))
    assert built.returncode == 0, built.stderr
    capture_page = parse_file(out / "captures/huawei-is-in-talks-with-at-t.html")
    assert "Huawei is reportedly negotiating with US carriers" in capture_page.by_class("capture-text")[0].text()
    # The original, linked from its capture page, as a download under its own name.
    (link,) = [a for a in capture_page.find_all("a") if a.attrs.get("download") == name]
    assert (out / "captures" / link.attrs["href"]).resolve().read_bytes() == data
    for html_file in out.rglob("*.html"):  # the page's own markup never reaches the site as markup
        doc = parse_file(html_file)
        for element in doc.iter():
            assert not any(attr.startswith("on") for attr in element.attrs), (html_file, element.attrs)
            assert not (element.attrs.get("href") or "").startswith("javascript:"), html_file
    served = [p for p in (out / "captures").rglob("*") if p.is_file() and p.read_bytes() == data]
    assert served and all(p.suffix not in (".html", ".htm", ".mhtml", ".xhtml", ".svg") for p in served), served


def test_a_url_is_fetched_into_a_warc_and_ingested(site, tmp_path):
    class Page(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            body = PAGE.encode()
            self.send_response(200 if self.path == "/news/huawei" else 404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Page)
    import threading

    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        (site.root / "content/talks.md").unlink()
        result = site.run("ingest", f"{base}/news/huawei")
        assert result.returncode == 0, result.stderr
        front = _front(site.root / "content/huawei-is-in-talks-with-at-t.md")
        assert front["original"].endswith(".warc.gz") and front["accessed"]  # the time of capture, from the WARC
        assert front["url"] in (URL, f"{base}/news/huawei")
        missing = site.run("ingest", f"{base}/gone")
        assert missing.returncode == 1 and "404" in missing.stderr and "Traceback" not in missing.stderr
    finally:
        server.shutdown()
        server.server_close()
    assert sorted(p.name for p in (site.root / "content").iterdir()) == ["huawei-is-in-talks-with-at-t.md"]


def test_damaged_captures_are_refused_alone_and_nothing_of_them_is_written(site, tmp_path):
    warc = _warc((URL, "200 OK", PAGE.encode(), HTML_UTF8))
    bad = {
        "cut.warc.gz": warc[: len(warc) // 2],
        "empty.html": b"<!DOCTYPE html><html><head><title>x</title></head><body>  </body></html>",
        "notes.wacz": _zip_of({"readme.txt": b"not an archive"}),
    }
    folder = tmp_path / "captures"
    folder.mkdir()
    for name, data in bad.items():
        (folder / name).write_bytes(data)
    (folder / "good.html").write_bytes(PAGE.encode())
    seeds_before = sorted(p.name for p in (site.root / "seeds").iterdir())
    result = site.run("ingest", str(folder))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    for name in bad:
        assert name in result.stderr, (name, result.stderr)
    assert "1 of 4 captures drafted" in result.stdout
    seeds = sorted(p.name for p in (site.root / "seeds").iterdir())
    assert seeds == sorted([*seeds_before, "good.html", "good.html.txt"])


def _zip_of(files: dict[str, bytes]) -> bytes:
    import io
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return out.getvalue()


# (codec, charset label, headline, body, the start of the transliterated page name)
SCRIPTS = {
    "gbk": (
        "gbk",
        "华为与小米在美国市场寻求运营商合作",
        "据彭博社报道，华为正在与美国运营商谈判，希望明年通过运营商渠道销售其最新旗舰手机。"
        "小米也表示计划在两年内进入美国市场，但尚未公布具体时间表。业内人士认为，美国市场的运营商合作至关重要。",
        "hua-wei-yu-xiao-mi",
    ),
    "big5": (
        "big5",
        "華為與小米在美國市場尋求電信商合作",
        "據彭博社報導，華為正在與美國電信商談判，希望明年透過電信商通路銷售其最新旗艦手機。"
        "小米也表示計劃在兩年內進入美國市場，但尚未公布具體時間表。業內人士認為，美國市場的電信商合作至關重要。",
        "hua-wei-yu-xiao-mi",
    ),
    "cp932": (
        "shift_jis",
        "ファーウェイとシャオミが米国の通信事業者と協議",
        "ブルームバーグによると、ファーウェイは米国の通信事業者と交渉しており、来年には最新の旗艦スマートフォンを"
        "通信事業者経由で販売したい考えだ。シャオミも二年以内に米国市場に参入する計画だと述べたが、時期は明らかにしていない。",
        "huaueito",
    ),
}


@pytest.mark.parametrize("declared", [True, False], ids=["charset declared", "charset detected"])
@pytest.mark.parametrize("codec", list(SCRIPTS))
def test_a_page_in_a_chinese_or_japanese_encoding_is_read_named_checked_and_built(site, tmp_path, codec, declared):
    label, headline, body, slug = SCRIPTS[codec]
    head = f'<meta charset="{label}">' if declared else ""
    html = (
        f"<!DOCTYPE html><html><head>{head}<title>{headline}</title></head><body>"
        f"<h1>{headline}</h1><p>{body}</p><p>{body}</p></body></html>"
    )
    capture = tmp_path / f"page-{codec}.html"
    capture.write_bytes(html.encode(codec))
    (site.root / "content/talks.md").unlink()
    result = site.run("ingest", str(capture))
    assert result.returncode == 0, result.stderr
    (page,) = (site.root / "content").iterdir()
    assert page.stem.startswith(slug), page.name  # transliterated, not `item`
    front = _front(page)
    assert front["title"] == headline
    text = (site.root / "seeds" / front["seed"]).read_text(encoding="utf-8")
    assert body in text.replace("\n", "")
    assert (site.root / "seeds" / capture.name).read_bytes() == capture.read_bytes()
    assert site.run("check").returncode == 0
    out = tmp_path / "out"
    assert site.run("build", "--out", str(out)).returncode == 0
    shown = parse_file(out / "captures" / f"{page.stem}.html").by_class("capture-text")[0].text()
    assert body in shown.replace("\n", "")


def test_a_singlefile_page_with_inline_styles_and_images_reads_as_its_text(site, tmp_path):
    image = "data:image/png;base64," + "iVBORw0KGgo" * 20000  # SingleFile inlines every image
    page = PAGE.replace("<article>", f'<article style="font: 16px serif"><img src="{image}" alt="">')
    page = page.replace("</head>", "<style>article { color: #222 } .ad { display: none }</style></head>")
    capture = tmp_path / "singlefile.html"
    capture.write_text(page, encoding="utf-8")
    (site.root / "content/talks.md").unlink()
    result = site.run("ingest", str(capture))
    assert result.returncode == 0, result.stderr
    front = _front(site.root / "content/huawei-is-in-talks-with-at-t.md")
    text = (site.root / "seeds" / front["seed"]).read_text(encoding="utf-8")
    assert "Huawei is reportedly negotiating" in text and "base64" not in text and "color" not in text
    assert site.run("check").returncode == 0


def test_a_relative_canonical_address_is_left_out_and_the_draft_passes_check(site, tmp_path):
    capture = tmp_path / "relative.html"
    capture.write_text(PAGE.replace(f'href="{URL}"', 'href="/news/huawei-talks_id1"'), encoding="utf-8")
    (site.root / "content/talks.md").unlink()
    assert site.run("ingest", str(capture)).returncode == 0
    assert "url" not in _front(site.root / "content/huawei-is-in-talks-with-at-t.md")
    check = site.run("check")
    assert check.returncode == 0, check.stdout + check.stderr


def test_an_impossible_declared_date_is_not_drafted(site, tmp_path):
    capture = tmp_path / "impossible.html"
    capture.write_text(PAGE.replace("2017-12-08T10:00:00-05:00", "2017-02-30T10:00:00-05:00"), encoding="utf-8")
    (site.root / "content/talks.md").unlink()
    assert site.run("ingest", str(capture)).returncode == 0
    assert _front(site.root / "content/huawei-is-in-talks-with-at-t.md").get("published") != "2017-02-30"
    check = site.run("check")
    assert check.returncode == 0, check.stdout + check.stderr
