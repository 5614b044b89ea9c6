"""A crawler follows every link, script, stylesheet and image of the site served under /some-repo/."""

from __future__ import annotations

import urllib.error
import urllib.request
from urllib.parse import urljoin, urlsplit

from conftest import PREFIX
from html_tools import parse


def fetch(url: str) -> tuple[int, str, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            body = response.read()
            kind = response.headers.get_content_type()
            return response.status, kind, body.decode("utf-8") if kind == "text/html" else ""
    except urllib.error.HTTPError as err:
        kind = err.headers.get_content_type()
        return err.code, kind, err.read().decode("utf-8") if kind == "text/html" else ""


def test_every_link_resolves_under_the_project_path(prefixed_server):
    start = prefixed_server + "index.html"
    origin = urlsplit(start)
    queue, seen, broken, escaped = [start], set(), [], []
    while queue:
        url = queue.pop()
        if url in seen:
            continue
        seen.add(url)
        status, kind, html = fetch(url)
        if status != 200:
            broken.append((url, status))
            continue
        if kind != "text/html":
            continue
        doc = parse(html)
        base = next((b.attrs["href"] for b in doc.find_all("base")), None)
        page_base = urljoin(url, base) if base else url
        for element in doc.iter():
            for attribute in ("href", "src"):
                link = element.attrs.get(attribute)
                if link is None or element.tag == "base":
                    continue
                target = urlsplit(urljoin(page_base, link))
                if target.scheme in ("http", "https") and target.netloc != origin.netloc:
                    continue  # an external link: not ours to check here
                assert target.scheme in ("http", "https"), (url, link)
                if not target.path.startswith(PREFIX):
                    escaped.append((url, link))
                    continue
                queue.append(target._replace(fragment="", query="").geturl())
    assert broken == []
    assert escaped == []
    assert len(seen) > 40


def test_a_missing_page_at_any_depth_gets_a_working_404(prefixed_server):
    status, _kind, html = fetch(prefixed_server + "deep/down/missing.html")
    assert status == 404
    doc = parse(html)
    base = doc.find_all("base")[0].attrs["href"]
    assert base == PREFIX
    for link in doc.find_all("link"):
        assert fetch(urljoin(prefixed_server + "deep/down/missing.html", urljoin(base, link.attrs["href"])))[0] == 200
