"""Full-text search: Pagefind's index of the marked pages, its UI served at a root and under /some-repo/,
from disk, turned off, failing, and kept up to date by the preview's incremental rebuilds."""

from __future__ import annotations

import functools
import http.server
import json
import os
import subprocess
import sys
import threading
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from conftest import PROJECT, SiteFolder
from html_tools import parse_file

from microsite.build.builder import Builder
from microsite.errors import BuildFailed
from microsite.model.loader import SiteLoader
from microsite.site import search

WORD = "Verizon"  # in every capture about the US carrier talks, and in several claims


# ---- the index ---------------------------------------------------------------------------


def marked_pages(out: Path) -> set[str]:
    """The pages that carry data-pagefind-body, read with an HTML parser."""
    return {
        page.relative_to(out).as_posix()
        for page in out.rglob("*.html")
        if any("data-pagefind-body" in element.attrs for element in parse_file(page).iter())
    }


def page_count(out: Path) -> int:
    entry = json.loads((out / "pagefind/pagefind-entry.json").read_text(encoding="utf-8"))
    return sum(language["page_count"] for language in entry["languages"].values())


def test_the_index_holds_exactly_the_article_capture_company_and_source_pages(built_site):
    site = SiteLoader(PROJECT).load()
    expected = {
        *(f"articles/{a.slug}.html" for a in site.articles),
        *(f"captures/{a.slug}.html" for a in site.articles),
        *(f"companies/{c.slug}.html" for c in site.mentioned_companies),
        *(f"sources/{s.slug}.html" for s in site.cited_sources),
    }
    marked = marked_pages(built_site)
    assert marked == expected
    assert page_count(built_site) == len(marked)
    for listing in ("index.html", "timeline.html", "companies/index.html", "sources/index.html", "search.html"):
        assert listing not in marked


def test_equal_sites_give_equal_indexes(site: SiteFolder, tmp_path):
    # Pagefind itself writes its filter indexes in a random order; search.make_stable sorts them.
    first, second = tmp_path / "first", tmp_path / "second"
    Builder(site.root, first).build()
    Builder(site.root, second).build()
    assert list((first / "pagefind/filter").iterdir()), "the test site should have search filters"
    assert snapshot(first / "pagefind") == snapshot(second / "pagefind")


def test_an_index_in_a_format_not_known_is_left_as_it_is(tmp_path):
    bundle = tmp_path / "pagefind"
    bundle.mkdir()
    (bundle / "pagefind-entry.json").write_text('{"languages":{"en":{"hash":"en_1"}}}', encoding="utf-8")
    (bundle / "pagefind.en_1.pf_meta").write_bytes(b"not gzip")
    before = snapshot(bundle)
    search.make_stable(bundle)
    assert snapshot(bundle) == before


def test_every_page_has_the_search_box_and_the_search_page_starts_pagefind_without_inline_script(built_site):
    pages = sorted(built_site.rglob("*.html"))
    assert len(pages) > 30
    for page in pages:
        if page.parent.name == "pagefind":
            continue
        forms = [f for f in parse_file(page).find_all("form") if f.has_class("site-search")]
        assert len(forms) == 1, page
        form = forms[0]
        assert form.attrs["method"] == "get"
        target = Path(page.parent, form.attrs["action"]).resolve() if page.name != "404.html" else None
        if target is not None:
            assert target == (built_site / "search.html").resolve(), page
        (field,) = form.find_all("input", name="q")
        labels = [label for label in form.find_all("label") if label.attrs.get("for") == field.attrs["id"]]
        assert labels and labels[0].text().strip(), f"the search box of {page} has no label"
    doc = parse_file(built_site / "search.html")
    scripts = doc.find_all("script")
    assert all(s.attrs.get("src") for s in scripts), "an inline script would break under a Content-Security-Policy"
    assert "static/search.js" in [s.attrs["src"] for s in scripts]


# ---- in Chromium: served at a domain root and under a project path --------------------------


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    disable_nagle_algorithm = True

    def log_message(self, *args):
        pass


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        pass  # a browser that navigates on drops its pending requests: no traceback for that


@pytest.fixture
def serve_folder():
    """Serves folders at the root of loopback ports; yields a function folder -> base URL."""
    servers = []

    def start(folder: Path) -> str:
        handler = functools.partial(_QuietHandler, directory=str(folder))
        server = _Server(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}/"

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


RESULT_LINKS = ".pagefind-ui__result-inner > .pagefind-ui__result-title .pagefind-ui__result-link"
SECTION_LINKS = ".pagefind-ui__result-nested .pagefind-ui__result-link"  # a heading inside a found page


def search_results(page, links: str = RESULT_LINKS, timeout: float = 10_000) -> list[dict]:
    """Wait for Pagefind's results (or its "no results" message), load them all, return title and link of each."""
    page.wait_for_selector(f"{RESULT_LINKS}, .pagefind-ui__message:has-text('No results')", timeout=timeout)
    page.wait_for_function("() => !document.querySelector('.pagefind-ui__result-title.pagefind-ui__loading')")
    more = page.locator(".pagefind-ui__button", has_text="Load more")
    while more.count():
        more.first.click()
        page.wait_for_function("() => !document.querySelector('.pagefind-ui__result-title.pagefind-ui__loading')")
    return page.evaluate(
        f"""() => [...document.querySelectorAll('{links}')]
              .map(a => ({{title: a.textContent.trim(), href: a.href}}))"""
    )


def http_status(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as err:
        return err.code


def expected_heading(result_title: str) -> str:
    """The h1 a result should land on: a capture's result title says it is the raw capture."""
    return result_title.removeprefix("Raw capture: ")


@pytest.mark.parametrize("where", ["domain root", "project path"])
def test_the_header_form_finds_a_word_and_every_result_leads_to_its_page(
    request, desktop, where, built_site, serve_folder
):
    base = serve_folder(built_site) if where == "domain root" else request.getfixturevalue("prefixed_server")
    root_path = urlsplit(base).path
    page = desktop.page
    page.goto(base + "articles/huawei-xiaomi-att-verizon-macrumors.html")
    page.fill("#site-search-q", WORD)
    page.locator(".site-search button").click()
    page.wait_for_url("**/search.html?q=" + WORD)
    results = search_results(page)
    sections = search_results(page, SECTION_LINKS)
    assert len(results) >= 5 and sections, results
    kinds = {urlsplit(r["href"]).path.removeprefix(root_path).split("/")[0] for r in results}
    # A company or source page is indexed by its heading only: the claims it lists are its articles' (found
    # there), so only the company named Verizon is found among them.
    assert kinds == {"articles", "captures", "companies"}, kinds

    for result in results + sections:
        assert urlsplit(result["href"]).path.startswith(root_path), result
        assert http_status(result["href"]) == 200, result
    # Land on each: the right page, the word on it, and a section link's heading there.
    for result in results:
        page.goto(result["href"])
        assert page.locator("h1").first.inner_text().strip() == expected_heading(result["title"]), result
        assert WORD.casefold() in page.locator("main").inner_text().casefold(), result
    for section in sections:
        page.goto(section["href"])
        fragment = urlsplit(section["href"]).fragment
        assert page.locator(f"[id='{fragment}']").inner_text().strip() == section["title"], section
    # Going from page to page at once drops the favicon requests still under way: that is no failure.
    assert [e for e in desktop.take_errors() if not e.endswith("net::ERR_ABORTED")] == []


def test_filters_carry_every_company_and_kind_of_page(desktop, built_site, serve_folder):
    base = serve_folder(built_site)
    page = desktop.page
    page.goto(base + "search.html")
    filters = page.evaluate("async () => (await import('./pagefind/pagefind.js')).filters()")
    site = SiteLoader(PROJECT).load()
    companies = {c.name for c in site.mentioned_companies}
    assert set(filters["company"]) == companies  # AT&T arrives whole: the attribute was escaped, then read back
    assert filters["kind"] == {
        "Article": len(site.articles),
        "Capture": len(site.articles),
        "Company": len(site.mentioned_companies),
        "Source": len(site.cited_sources),
    }
    # A filtered search finds only pages of that kind.
    captures = page.evaluate(
        """async word => { const pagefind = await import('./pagefind/pagefind.js');
             const found = await pagefind.search(word, {filters: {kind: 'Capture'}});
             return Promise.all(found.results.map(async r => (await r.data()).url)); }""",
        WORD,
    )
    assert captures and all(url.startswith("/captures/") for url in captures), captures
    assert desktop.take_errors() == []


def test_from_disk_the_search_page_says_why_and_loads_nothing(desktop, built_site):
    page = desktop.page
    requests: list[str] = []

    def record(request):
        requests.append(request.url)

    page.on("request", record)
    try:
        page.goto((built_site / "search.html").as_uri() + "?q=" + WORD, wait_until="load")
        page.wait_for_timeout(300)  # time for anything search.js might start
        message = page.locator("#search-offline")
        assert message.is_visible()
        assert "Search needs the site to be served: run make serve, or open the published site" in message.inner_text()
        # Only the UI's stylesheet, which loads from disk like any other; no script, no index.
        assert [url for url in requests if "pagefind" in url and not url.endswith("/pagefind-ui.css")] == []
        assert page.locator(".pagefind-ui").count() == 0
    finally:
        page.remove_listener("request", record)
    assert desktop.take_errors() == []


# ---- settings and failures ----------------------------------------------------------------


def test_search_false_builds_no_index_no_search_page_and_no_search_box(site: SiteFolder, tmp_path):
    with_search, without = tmp_path / "with", tmp_path / "without"
    Builder(site.root, with_search).build()
    site.write("site.yaml", (site.root / "site.yaml").read_text(encoding="utf-8") + "search: false\n")
    result = Builder(site.root, without).build()
    assert result.search_seconds is None
    assert (with_search / "pagefind/pagefind-entry.json").is_file() and (with_search / "search.html").is_file()
    assert not (without / "pagefind").exists() and not (without / "search.html").exists()
    for folder, boxes in ((with_search, 1), (without, 0)):
        for page in folder.rglob("*.html"):
            assert len([f for f in parse_file(page).find_all("form") if f.has_class("site-search")]) == boxes, page


def test_search_must_be_true_or_false(site: SiteFolder):
    site.write("site.yaml", (site.root / "site.yaml").read_text(encoding="utf-8") + "search: sometimes\n")
    result = site.run("check")
    assert result.returncode == 1
    assert "site.yaml" in result.stderr and "search" in result.stderr and "Traceback" not in result.stderr


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def run_build(site: SiteFolder, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(PROJECT / "build.py"), "--site", str(site.root), "build"],
        cwd=site.root,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, **env},
    )


@pytest.mark.parametrize("binary", ["fails", "missing"])
def test_a_failing_pagefind_fails_the_build_clearly_and_keeps_the_previous_site(site: SiteFolder, tmp_path, binary):
    assert run_build(site).returncode == 0
    before = snapshot(site.root / "_site")
    assert "pagefind/pagefind-entry.json" in before
    site.edit_page("A short summary.", "A summary that never reaches the site.")

    # PAGEFIND_BINARY_PATH is the pagefind package's own override, honoured by search.executable().
    fake = tmp_path / "pagefind-that-fails"
    fake.write_text("#!/bin/sh\necho 'Error: the disk is on fire' >&2\nexit 1\n", encoding="utf-8")
    fake.chmod(0o755)
    result = run_build(site, PAGEFIND_BINARY_PATH=str(fake if binary == "fails" else tmp_path / "nowhere"))

    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    if binary == "fails":
        assert "Pagefind" in result.stderr and "Error: the disk is on fire" in result.stderr
        assert "exit status 1" in result.stderr
    else:
        assert "Pagefind is not installed" in result.stderr and "pip install" in result.stderr
    assert "hint:" in result.stderr
    assert snapshot(site.root / "_site") == before, "the previous site must stay byte for byte"
    assert not [p.name for p in site.root.iterdir() if p.name.startswith("._site")], "temporary folders were left"


def interrupted_pagefind(folder: Path) -> Path:
    """A Pagefind that is stopped by SIGINT, as Ctrl-C in the terminal stops every process of the build."""
    fake = folder / "pagefind-interrupted"
    fake.write_text("#!/bin/sh\nkill -INT $$\nsleep 5\n", encoding="utf-8")
    fake.chmod(0o755)
    return fake


def test_ctrl_c_during_indexing_stops_the_build_without_blaming_pagefind(site: SiteFolder, tmp_path):
    assert run_build(site).returncode == 0
    before = snapshot(site.root / "_site")
    site.edit_page("A short summary.", "A summary the interrupted build never publishes.")

    result = run_build(site, PAGEFIND_BINARY_PATH=str(interrupted_pagefind(tmp_path)))

    assert result.returncode == 130, result.stderr
    assert "Stopped." in result.stderr
    assert "failed" not in result.stderr and "Traceback" not in result.stderr
    assert snapshot(site.root / "_site") == before, "the previous site must stay byte for byte"


def test_ctrl_c_during_a_preview_rebuild_is_not_reported_as_a_problem(site: SiteFolder, tmp_path, monkeypatch, capsys):
    from microsite.commands.serve import Preview
    from microsite.preview.server import PreviewState

    out = site.root / "_site"
    preview = Preview(Builder(site.root, out), PreviewState(out))
    preview.rebuild(set(), first=True)
    before = snapshot(out)
    capsys.readouterr()
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(interrupted_pagefind(tmp_path)))
    edited = site.edit_page("A short summary.", "A summary the interrupted rebuild never publishes.")

    preview.rebuild({edited})  # on the watcher's thread, which must live on: no exception escapes

    said = capsys.readouterr()
    assert "Rebuild interrupted; the last good site is kept." in said.err
    assert "failed" not in said.err and "problem" not in said.err
    assert preview.state.problems is None, "the browser must not show a problem"
    assert snapshot(out) == before
    monkeypatch.delenv("PAGEFIND_BINARY_PATH")
    preview.rebuild({edited})  # the next save builds as usual
    assert "interrupted rebuild never publishes" in (out / "articles" / "talks.html").read_text(encoding="utf-8")


def test_pagefind_is_run_by_path_from_its_wheel():
    binary = search.executable()
    assert binary is not None and binary.is_file() and os.access(binary, os.X_OK)
    version = subprocess.run([str(binary), "--version"], capture_output=True, text=True, timeout=30)
    assert version.returncode == 0 and version.stdout.startswith("pagefind 1.5.")


# ---- the preview's incremental rebuilds ---------------------------------------------------


def hits(desktop, base: str, word: str) -> list[str]:
    desktop.page.goto(f"{base}search.html?q={word}")
    return [urlsplit(r["href"]).path for r in search_results(desktop.page)]


def test_an_incremental_rebuild_updates_the_index_in_one_swap(desktop, site: SiteFolder, serve_folder):
    out = site.root / "_site"
    builder = Builder(site.root, out)  # kept alive, as the preview server keeps it
    assert builder.build().full
    base = serve_folder(out)
    assert hits(desktop, base, "Zanzibarite") == []

    site.edit_page("A short summary.", "A short summary that mentions Zanzibarite.")
    result = builder.build()
    assert not result.full and result.search_seconds is not None
    assert hits(desktop, base, "Zanzibarite") == ["/articles/talks.html"]
    assert [p.name for p in out.iterdir() if p.name.startswith(".pagefind")] == [], "the temporary index was left"

    # A stylesheet alone changes no page: the index is not rebuilt, and it is still there.
    site.write("static/style.css", "body { color: black; }\n")
    result = builder.build()
    assert not result.full and result.search_seconds is None
    assert page_count(out) == len(marked_pages(out))

    # An article removed: the builder removes its pages, and never Pagefind's files, which it indexes again.
    site.write("seeds/second.txt", "Second capture.\n")
    site.page(
        "---\ntitle: Second\ndate_note: Undated test page.\nseed: second.txt\n---\nAbout Zanzibarite too.\n",
        name="second.md",
    )
    builder.build()
    assert sorted(hits(desktop, base, "Zanzibarite")) == ["/articles/second.html", "/articles/talks.html"]
    (site.root / "content/second.md").unlink()
    result = builder.build()
    assert "articles/second.html" in result.removed
    assert not any(path.startswith("pagefind/") for path in result.removed)
    assert hits(desktop, base, "Zanzibarite") == ["/articles/talks.html"]
    assert page_count(out) == len(marked_pages(out))
    assert desktop.take_errors() == []

    # Search turned off: the next rebuild removes the index with the search page.
    site.write("site.yaml", (site.root / "site.yaml").read_text(encoding="utf-8") + "search: false\n")
    builder.build()
    assert not (out / "pagefind").exists() and not (out / "search.html").exists()


def test_an_index_that_fails_in_a_rebuild_is_reported_and_the_next_build_is_whole(site: SiteFolder, monkeypatch):
    out = site.root / "_site"
    builder = Builder(site.root, out)
    builder.build()
    index_before = snapshot(out / "pagefind")
    site.edit_page("A short summary.", "A short summary, edited.")
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(site.root / "no-such-pagefind"))
    with pytest.raises(BuildFailed) as failed:
        builder.build()
    assert "Pagefind is not installed" in failed.value.report()
    assert snapshot(out / "pagefind") == index_before, "a failed index leaves the last one in place"
    monkeypatch.delenv("PAGEFIND_BINARY_PATH")
    assert builder.build().full  # the failed rebuild left pages newer than the index: start again whole
