"""Shared fixtures: the project's real site, built once, and small throw-away sites."""

from __future__ import annotations

import functools
import http.server
import os
import re
import shutil
import signal
import subprocess
import sys
import textwrap
import threading
import time
import urllib.parse
from pathlib import Path

import pytest

from microsite.commands.build import build

PROJECT = Path(__file__).resolve().parent.parent

# A shell starts a command run in the background (`make test &`, nohup) with Ctrl-C ignored, and the commands
# these tests start would inherit that: the tests of what Ctrl-C does would then fail for a reason of the shell's.
# A handler, unlike an ignored signal, is reset to the default in every program the tests start.
if signal.getsignal(signal.SIGINT) == signal.SIG_IGN:
    signal.signal(signal.SIGINT, signal.default_int_handler)

MINIMAL_SITE_YAML = """\
title: Test Site
description: A site made by a test.
companies:
  - {name: Huawei, aliases: [Huawei Technologies], kind: maker, country: China}
  - {name: Xiaomi, kind: maker, country: China}
  - {name: AT&T, kind: carrier, country: United States}
sources:
  - {name: Bloomberg, aliases: [Bloomberg News], kind: outlet, homepage: "https://www.bloomberg.com/"}
  - {name: PhoneArena, kind: outlet}
"""

CAPTURE = """\
Huawei talks to AT&T

Huawei is reportedly negotiating with US carriers, according to Bloomberg News.
The company’s “flagship” could arrive next year — if talks succeed.

1. reader1
Posts: 12; Member since: May 04, 2015
Nice phone.
2. reader2
Posts: 3; Member since: May 05, 2015
Not for me.
"""

GOOD_PAGE = """\
---
title: Huawei talks to AT&T
publisher: PhoneArena
published: 2017-12
date_note: Test capture dated by its test.
seed: capture.txt
companies: [Huawei, AT&T]
sources:
  - name: Bloomberg
claims:
  - id: talks
    statement: Huawei reportedly negotiates with US carriers.
    quote: Huawei is reportedly negotiating with US carriers
    source: Bloomberg News
    companies: [Huawei]
    status: reported
    event_date: 2017-12-08
comments:
  digest: Readers were split.
  items:
    - id: "1"
      author: reader1
      posts: 12
      member_since: May 04, 2015
      text: Nice phone.
      stance: agrees
    - id: "2"
      author: reader2
      reply_to: "1"
      text: Not for me.
      stance: sceptical
---
A short summary.
"""


# A second article with nothing in common with GOOD_PAGE but Xiaomi's registry entry.
OTHER_CAPTURE = "Xiaomi opens a store in Paris\n\nThe store opens on Friday.\n"
OTHER_PAGE = """\
---
title: Xiaomi opens a store in Paris
published: 2018-05-20
date_note: Dated by the test.
seed: other.txt
companies: [Xiaomi]
---
A store.
"""


def copy_of_the_site(root: Path, settled: bool = False) -> Path:
    """The project's own site (site.yaml, content/, seeds/) copied to `root`; with `settled`, every file
    dated ten seconds back, as if written a while ago, so that a build trusts their stats at once."""
    root.mkdir()
    shutil.copy(PROJECT / "site.yaml", root)
    shutil.copytree(PROJECT / "content", root / "content")
    shutil.copytree(PROJECT / "seeds", root / "seeds")
    if settled:
        then = time.time() - 10
        for file in root.rglob("*"):
            os.utime(file, (then, then))
    return root


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file below the folder: its path and bytes."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def assert_same_as_clean_build(root: Path, out: Path, scratch: Path) -> None:
    """The output folder holds byte for byte what a clean build (no .cache/ read or written) of the site gives."""
    from microsite.build.builder import Builder

    clean = scratch / f"clean-{len(list(scratch.glob('clean-*')))}"
    Builder(root, clean, cache=False).build()
    built, expected = snapshot(out), snapshot(clean)
    assert sorted(built) == sorted(expected), "the build has other files than a clean build"
    differ = [path for path in expected if built[path] != expected[path]]
    assert not differ, f"these files differ from a clean build: {differ}"


class SiteFolder:
    """A throw-away site: site.yaml, content/ and seeds/ in a temporary folder."""

    def __init__(self, root: Path):
        self.root = root
        (root / "content").mkdir(parents=True)
        (root / "seeds").mkdir()
        self.write("site.yaml", MINIMAL_SITE_YAML)
        self.write("seeds/capture.txt", CAPTURE)
        self.write("content/talks.md", GOOD_PAGE)

    def write(self, relative: str, text: str) -> Path:
        path = self.root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text) if text.startswith("\n") else text, encoding="utf-8")
        return path

    def page(self, text: str, name: str = "talks.md") -> Path:
        return self.write(f"content/{name}", text)

    def edit_page(self, old: str, new: str, name: str = "talks.md") -> Path:
        path = self.root / "content" / name
        text = path.read_text(encoding="utf-8")
        assert old in text, f"test setup: {old!r} not in the page"
        path.write_text(text.replace(old, new, 1), encoding="utf-8")
        return path

    def run(self, *args: str) -> subprocess.CompletedProcess:
        return run_cli("--site", str(self.root), *args, cwd=self.root)


def run_cli(*args: str, cwd: Path = PROJECT) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(PROJECT / "build.py"), *args], cwd=cwd, capture_output=True, text=True, timeout=120
    )


@pytest.fixture
def isolated_git(tmp_path: Path, monkeypatch) -> None:
    """Who commits, and no user or system git configuration, so the tests run alike on a bare CI machine."""
    empty = tmp_path / "empty.gitconfig"
    empty.write_text("")
    for role in ("AUTHOR", "COMMITTER"):
        monkeypatch.setenv(f"GIT_{role}_NAME", "Test Publisher")
        monkeypatch.setenv(f"GIT_{role}_EMAIL", "publisher@example.com")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(empty))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))  # "not a repository" must not find one above


@pytest.fixture
def site(tmp_path: Path) -> SiteFolder:
    return SiteFolder(tmp_path / "site")


@pytest.fixture
def empty_site(tmp_path) -> Path:
    """A site folder with the project's registries and nothing else: no page, no capture."""
    root = tmp_path / "site"
    (root / "content").mkdir(parents=True)
    (root / "seeds").mkdir()
    shutil.copy(PROJECT / "site.yaml", root)
    return root


@pytest.fixture(scope="session")
def built_site(tmp_path_factory) -> Path:
    """The project's own site, built once for the whole run."""
    out = tmp_path_factory.mktemp("built") / "_site"
    build(PROJECT, out)
    return out


@pytest.fixture(scope="session")
def project_copy(tmp_path_factory) -> Path:
    """A copy of the project's site folder, for tests that must not touch the real one."""
    root = tmp_path_factory.mktemp("copy") / "site"
    root.mkdir()
    for name in ("site.yaml",):
        shutil.copy(PROJECT / name, root / name)
    for name in ("content", "seeds"):
        shutil.copytree(PROJECT / name, root / name)
    return root


# ---- real clients: Chromium, the Nu Html Checker, axe-core ----------------------------

# CI sets this so that a missing browser or checker fails the run instead of skipping.
REQUIRE_CLIENTS = os.environ.get("MICROSITE_REQUIRE_CLIENTS") == "1"
CHROMIUM = os.environ.get("MICROSITE_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
NODE_MODULES = PROJECT / "node_modules"
VNU_JAR = NODE_MODULES / "vnu-jar/build/dist/vnu.jar"
AXE_JS = NODE_MODULES / "axe-core/axe.min.js"
SCREENSHOTS = PROJECT / "test-output/screenshots"
PREFIX = "/some-repo/"
_missing: list[str] = []


def require(condition: bool, what: str, fix: str) -> None:
    """Skip loudly where a real client is missing; fail instead under MICROSITE_REQUIRE_CLIENTS=1."""
    if condition:
        return
    message = f"{what} is missing: {fix}"
    if REQUIRE_CLIENTS:
        pytest.fail(message + " (MICROSITE_REQUIRE_CLIENTS=1 makes this a failure)", pytrace=False)
    if message not in _missing:
        _missing.append(message)
    pytest.skip(message)


def pytest_terminal_summary(terminalreporter):
    if _missing:
        terminalreporter.section("REAL-CLIENT TESTS WERE SKIPPED", sep="!", red=True, bold=True)
        for message in _missing:
            terminalreporter.line(message, red=True)


@pytest.fixture(scope="session")
def prefixed_site(tmp_path_factory) -> Path:
    """The real site built for a GitHub Pages project path (base_url ending in /some-repo/)."""
    root = tmp_path_factory.mktemp("prefixed") / "site"
    root.mkdir()
    config = (PROJECT / "site.yaml").read_text(encoding="utf-8")
    config = re.sub(r"(?m)^base_url:.*$", f'base_url: "https://example.github.io{PREFIX}"', config)
    (root / "site.yaml").write_text(config, encoding="utf-8")
    for name in ("content", "seeds"):
        shutil.copytree(PROJECT / name, root / name)
    out = root / "_site"
    build(root, out)
    return out


class _PrefixHandler(http.server.SimpleHTTPRequestHandler):
    """Serves the site only under PREFIX, with 404.html for anything missing, as GitHub Pages does."""

    disable_nagle_algorithm = True

    def log_message(self, *args):
        pass

    def translate_path(self, path):
        clean = urllib.parse.urlsplit(path).path
        if not clean.startswith(PREFIX):
            return str(Path(self.directory) / "__outside_the_prefix__")
        return super().translate_path("/" + clean[len(PREFIX) :])

    def send_error(self, code, message=None, explain=None):
        page = Path(self.directory) / "404.html"
        if code == 404 and page.is_file():
            body = page.read_bytes()
            self.send_response(404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        super().send_error(code, message, explain)


@pytest.fixture(scope="session")
def prefixed_server(prefixed_site):
    """The prefixed site on a loopback port: yields its base URL, ending in /some-repo/."""
    handler = functools.partial(_PrefixHandler, directory=str(prefixed_site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}{PREFIX}"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="session")
def browser():
    require(Path(CHROMIUM).is_file(), f"Chromium ({CHROMIUM})", "apt-get install chromium")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        require(False, "Playwright", "pip install playwright (make test installs it)")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


class PageWatch:
    """A browser tab that records console errors and failed requests."""

    def __init__(self, page):
        self.page = page
        self.errors: list[str] = []
        page.on("console", lambda m: self.errors.append(f"console: {m.text}") if m.type == "error" else None)
        page.on("pageerror", lambda e: self.errors.append(f"page error: {e}"))
        page.on("requestfailed", self._failed)
        page.on("response", lambda r: self.errors.append(f"HTTP {r.status}: {r.url}") if r.status >= 400 else None)

    def _failed(self, request) -> None:
        # A request cut short by the next navigation (a favicon still loading when a test moves on) is no fault
        # of the page; a missing file answers 404, which `response` records.
        if "ERR_ABORTED" not in (request.failure or ""):
            self.errors.append(f"failed: {request.url} {request.failure}")

    def take_errors(self) -> list[str]:
        errors, self.errors = self.errors, []
        return errors


@pytest.fixture(scope="session")
def desktop(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    yield PageWatch(context.new_page())
    context.close()


@pytest.fixture(scope="session")
def phone(browser):
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    yield PageWatch(context.new_page())
    context.close()


# One page of each kind; the 404 is asked for at a depth, as a mistyped link would be.
PAGE_KINDS = {
    "home": "index.html",
    "article": "articles/huawei-xiaomi-att-verizon-macrumors.html",
    "capture": "captures/huawei-xiaomi-att-verizon-macrumors.html",
    "timeline": "timeline.html",
    "forecasts": "forecasts.html",
    "company-index": "companies/index.html",
    "company": "companies/huawei.html",
    "source-index": "sources/index.html",
    "source": "sources/bloomberg.html",
    "data": "data/index.html",
    "search": "search.html?q=Verizon",
    "story": "stories/us-carrier-talks-2017.html",
    "404": "no/such/page.html",
}
