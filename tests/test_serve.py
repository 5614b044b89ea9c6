"""`build.py serve`, run as a user runs it: a subprocess on a free port, edited under its feet."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from conftest import PROJECT, SCREENSHOTS, copy_of_the_site

ARTICLE = "articles/xiaomi-us-flagships-phonearena.html"
PAGE = "content/xiaomi-us-flagships-phonearena.md"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as err:
        return err.code, err.read().decode("utf-8", "replace")


def wait_for(predicate, seconds: float = 15.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            value = predicate()
        except (OSError, urllib.error.URLError):
            value = None
        if value:
            return value
        time.sleep(0.05)
    return None


class Served:
    """A running `serve` on a copy of the project's site, with what it printed so far."""

    def __init__(self, root: Path, *extra: str, python: tuple[str, ...] = ()):
        self.root = root
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}/"
        self.out: list[str] = []
        self.err: list[str] = []
        command = [str(PROJECT / "build.py"), "--site", str(root), "serve", "--port", str(self.port), *extra]
        self.process = subprocess.Popen(
            [sys.executable, *python, *command],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for stream, lines in ((self.process.stdout, self.out), (self.process.stderr, self.err)):
            threading.Thread(target=lambda s=stream, into=lines: into.extend(iter(s.readline, "")), daemon=True).start()

    def get(self, path: str = "") -> tuple[int, str]:
        return fetch(self.base + path)

    def rebuilds(self) -> int:
        return sum(1 for line in self.out if line.startswith("Rebuilt"))

    def edit(self, relative: str, old: str, new: str) -> str:
        path = self.root / relative
        text = path.read_text(encoding="utf-8")
        assert old in text, f"test setup: {old!r} not in {relative}"
        path.write_text(text.replace(old, new, 1), encoding="utf-8")
        return text

    def stop(self) -> tuple[int, str]:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)
        time.sleep(0.1)  # let the reader threads take the last lines
        return self.process.returncode, "".join(self.err)


@pytest.fixture
def served(tmp_path):
    server = Served(copy_of_the_site(tmp_path / "site"))
    try:
        assert wait_for(lambda: server.get("index.html")[0] == 200), "the server did not start: " + "".join(server.err)
        yield server
    finally:
        server.stop()


def test_an_edit_shows_and_a_broken_save_shows_its_problem_in_place_of_the_page(served):
    status, html = served.get(ARTICLE)
    assert status == 200 and "livereload.js" in html  # the browser is told to reload
    served.edit(PAGE, "\ntitle: ", "\ntitle: Edited while serving, ")
    assert wait_for(lambda: "Edited while serving" in served.get(ARTICLE)[1], 10), "the edit did not show"
    on_disk = (served.root / "_site" / ARTICLE).read_bytes()

    # A broken save: every page shows the problem, with its file, line and fix hint ...
    good = served.edit(PAGE, "\ntitle: ", "\ntitle: [broken\n")
    assert wait_for(lambda: served.get(ARTICLE)[0] == 500, 10), "the error page did not appear"
    status, html = served.get(ARTICLE)
    assert "The site could not be rebuilt" in html
    assert f"{PAGE}:2" in html and "closing ] or }" in html and "How to fix" in html
    assert "livereload.js" in html  # ... and reloads by itself when the file is fixed
    assert served.get("index.html")[0] == 500
    assert served.get("static/style.css")[0] == 200  # files that are not pages still come from the last good site
    assert (served.root / "_site" / ARTICLE).read_bytes() == on_disk  # the last good site is kept

    # Fixed: the page comes back, with the new text.
    (served.root / PAGE).write_text(good.replace("\ntitle: ", "\ntitle: Fixed after a break, ", 1), encoding="utf-8")
    assert wait_for(lambda: served.get(ARTICLE)[0] == 200, 10), "the page did not come back"
    assert "Fixed after a break" in served.get(ARTICLE)[1]

    code, err = served.stop()
    assert code == 0, err
    assert "Traceback" not in err
    assert f"{PAGE}:2" in err  # the terminal says the same as the browser
    assert "Stopped." in "".join(served.out)


def test_several_files_saved_at_once_make_one_rebuild(served):
    pages = sorted((served.root / "content").glob("*.md"))
    assert len(pages) == 5
    for page in pages:  # as an editor's "save all" does
        page.write_text(page.read_text(encoding="utf-8") + "\nSaved with the others.\n", encoding="utf-8")
    assert wait_for(lambda: served.rebuilds() >= 1, 10), "no rebuild after the saves"
    time.sleep(1.5)  # any second rebuild would come within this
    assert served.rebuilds() == 1, "".join(served.out)
    status, html = served.get(ARTICLE)
    assert status == 200 and "Saved with the others." in html


def test_a_rebuild_renders_only_what_the_edit_touches(served):
    served.edit("content/huawei-third-party-phones-monica.md", "\ntitle: ", "\ntitle: Retitled, ")
    assert wait_for(lambda: served.rebuilds() >= 1, 10)
    line = next(line for line in served.out if line.startswith("Rebuilt"))
    rendered, total = (int(n) for n in line.split(": ", 1)[1].split(" pages")[0].split(" of "))
    assert 0 < rendered < total, line  # not every page
    before = served.rebuilds()
    css = PROJECT / "static/style.css"
    (served.root / "static").mkdir()
    shutil.copy(css, served.root / "static/style.css")
    with (served.root / "static/style.css").open("a", encoding="utf-8") as f:
        f.write("\n/* edited */\n")
    assert wait_for(lambda: served.rebuilds() > before, 10)
    assert served.out[-1].startswith("Rebuilt") and " 0 of " in served.out[-1], served.out[-1]  # a stylesheet: no page
    assert "/* edited */" in served.get("static/style.css")[1]


def test_broken_templates_and_config_show_in_the_browser_and_heal(served):
    templates = served.root / "templates"
    templates.mkdir()
    broken = '{% extends "base.html" %}\n{% block main %}{{ no_such_name.title }}{% endblock %}\n'
    (templates / "article.html").write_text(broken, encoding="utf-8")
    assert wait_for(lambda: served.get(ARTICLE)[0] == 500, 10), "a broken template did not show"
    html = served.get(ARTICLE)[1]
    assert "templates/article.html:2" in html and "no_such_name" in html
    shutil.rmtree(templates)
    assert wait_for(lambda: served.get(ARTICLE)[0] == 200, 10), "the site did not heal after the template went"

    good = served.edit("site.yaml", "\ncompanies:", "\ncompanies: [\n")
    assert wait_for(lambda: served.get("index.html")[0] == 500, 10), "a broken site.yaml did not show"
    assert "site.yaml" in served.get("index.html")[1]
    (served.root / "site.yaml").write_text(good, encoding="utf-8")
    assert wait_for(lambda: served.get("index.html")[0] == 200, 10), "the site did not heal after site.yaml"
    assert served.process.poll() is None, "the server died"


def test_the_server_starts_on_a_broken_site_and_shows_why(tmp_path):
    root = copy_of_the_site(tmp_path / "site")
    page = root / PAGE
    good = page.read_text(encoding="utf-8")
    page.write_text(good.replace("\nseed: ", "\nseed: missing-", 1), encoding="utf-8")
    server = Served(root)
    try:
        assert wait_for(lambda: server.get(ARTICLE)[0] == 500, 15), "no error page: " + "".join(server.err)
        assert "missing-" in server.get(ARTICLE)[1]
        page.write_text(good, encoding="utf-8")
        assert wait_for(lambda: server.get(ARTICLE)[0] == 200, 10), "the site did not appear once fixed"
    finally:
        _code, err = server.stop()
    assert "Traceback" not in err


@pytest.mark.parametrize(
    "path",
    [
        "../site.yaml",
        "%2e%2e/site.yaml",
        "..%2fsite.yaml",
        "%2e%2e%2fsite.yaml",
        "%252e%252e/site.yaml",
        "articles/../../site.yaml",
        "static/..%5c..%5csite.yaml",
        "%00",
        "/etc/passwd",
        "content/",
        "link-out/site.yaml",
        "linked-file.yaml",
    ],
)
def test_only_the_output_folder_is_served(served, path):
    out = served.root / "_site"
    for link, target in (("link-out", served.root), ("linked-file.yaml", served.root / "site.yaml")):
        if not (out / link).is_symlink():
            os.symlink(target, out / link)
    request = f"GET /{path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".encode()
    with socket.create_connection(("127.0.0.1", served.port), timeout=5) as raw:  # no client tidies the path
        raw.sendall(request)
        answer = b""
        while chunk := raw.recv(65536):
            answer += chunk
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.split(b" ")[1] == b"404", head
    assert b"companies:" not in body and b"root:" not in body


def test_a_port_in_use_gets_a_clear_message(tmp_path):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        command = [sys.executable, str(PROJECT / "build.py"), "--site", str(PROJECT), "serve", "--port", str(port)]
        result = subprocess.run(
            [*command, "--out", str(tmp_path / "out")],
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert result.returncode == 1
    assert f"port {port}" in result.stderr and "--port" in result.stderr and "Traceback" not in result.stderr


def test_an_open_page_reloads_by_itself(tmp_path, browser):
    server = Served(copy_of_the_site(tmp_path / "site"))
    try:
        assert wait_for(lambda: server.get("index.html")[0] == 200)
        page = browser.new_page()
        page.goto(server.base + ARTICLE)
        page.wait_for_function("() => window.LiveReload !== undefined")  # livereload.js connected
        page.evaluate("window.stillTheSameDocument = true")

        server.edit(PAGE, "\ntitle: ", "\ntitle: Seen without a reload click, ")
        page.wait_for_function("() => document.querySelector('h1').textContent.includes('without a reload click')")
        assert page.evaluate("window.stillTheSameDocument === undefined")  # the document was reloaded

        good = server.edit(PAGE, "\ntitle: ", "\ntitle: [broken\n")
        page.wait_for_function("() => document.title.startsWith('Build failed')")
        assert "closing ] or }" in page.inner_text("main")
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / "preview-error.png"))
        (server.root / PAGE).write_text(good, encoding="utf-8")
        page.wait_for_function("() => !document.title.startsWith('Build failed')")
        assert page.locator("h1").first.is_visible()
        page.close()
    finally:
        server.stop()


def test_an_output_folder_it_may_not_write_stops_the_server_at_once(tmp_path):
    root = copy_of_the_site(tmp_path / "site")
    (root / "mine").mkdir()
    (root / "mine/notes.txt").write_text("the user's own file\n", encoding="utf-8")
    port = str(free_port())
    command = [sys.executable, str(PROJECT / "build.py"), "--site", str(root), "serve", "--port", port]
    result = subprocess.run([*command, "--out", str(root / "mine")], capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    assert "was not made by this tool" in result.stderr and "Traceback" not in result.stderr
    assert [p.name for p in (root / "mine").iterdir()] == ["notes.txt"]


def test_a_hundred_rapid_saves_alternating_good_and_broken_end_in_the_last_state(served):
    # An editor saving as fast as it can: every other save breaks the front matter. The server keeps
    # going and, once the saves stop, serves what the last save says.
    path = served.root / PAGE
    good = path.read_text(encoding="utf-8")
    for number in range(100):
        if number % 2:
            path.write_text(good.replace("\ntitle: ", "\ntitle: [broken\n", 1), encoding="utf-8")
        else:
            path.write_text(good.replace("\ntitle: ", f"\ntitle: Save {number}, ", 1), encoding="utf-8")
        time.sleep(0.005)
    path.write_text(good.replace("\ntitle: ", "\ntitle: The last save, ", 1), encoding="utf-8")
    assert wait_for(lambda: "The last save, " in served.get(ARTICLE)[1], 60), "".join(served.out[-5:] + served.err[-5:])
    status, html = served.get(ARTICLE)
    assert status == 200 and "Save 98, " not in html
    assert served.process.poll() is None, "the server stopped"
    code, err = served.stop()
    assert code == 0 and "Traceback" not in err


def test_a_burst_of_concurrent_requests_is_answered_without_error(served):
    # 2,000 requests from 50 clients at once, on loopback: pages, a missing page, a stylesheet, the data.
    from concurrent.futures import ThreadPoolExecutor

    paths = ["index.html", ARTICLE, "timeline.html", "static/style.css", "data/claims.json", "no-such-page.html"]
    expected = {path: 404 if path.startswith("no-such") else 200 for path in paths}

    def ask(number: int) -> tuple[str, int]:
        path = paths[number % len(paths)]
        return path, served.get(path)[0]

    with ThreadPoolExecutor(max_workers=50) as clients:
        answers = list(clients.map(ask, range(2000)))
    wrong = [(path, status) for path, status in answers if status != expected[path]]
    assert wrong == [], f"{len(wrong)} of 2000 requests answered wrongly, such as {wrong[:5]}"
    assert served.process.poll() is None


# Python 3.12 and later warn when a process forks while other threads run: the child gets a copy of every
# lock as it was, and one held by another thread then stays held for ever. This makes 3.11 warn the same.
FORK_WARNS_WITH_THREADS = """
import os, runpy, sys, threading, warnings
real_fork = os.fork
def fork():
    if threading.active_count() > 1:
        warnings.warn(
            "This process is multi-threaded, use of fork() may lead to deadlocks in the child.",
            DeprecationWarning,
            stacklevel=2,
        )
    return real_fork()
os.fork = fork
sys.argv = sys.argv[1:]
runpy.run_path(sys.argv[0], run_name="__main__")
"""


def test_the_preview_never_forks_while_its_threads_run(tmp_path):
    # The preview's web server and watcher run in threads; its rebuilds must not fork beside them, under
    # -W error::DeprecationWarning, through a hundred saves as fast as an editor makes them.
    root = copy_of_the_site(tmp_path / "site")
    (root / "templates").mkdir()
    template = shutil.copy(PROJECT / "templates/base.html", root / "templates/base.html")  # the site's own
    served = Served(root, python=("-W", "error::DeprecationWarning", "-c", FORK_WARNS_WITH_THREADS))
    try:
        assert wait_for(lambda: served.get("index.html")[0] == 200), "the server did not start: " + "".join(served.err)
        path = served.root / PAGE
        good = path.read_text(encoding="utf-8")
        for number in range(100):
            path.write_text(good.replace("\ntitle: ", f"\ntitle: Save {number}, ", 1), encoding="utf-8")
            time.sleep(0.005)
        assert wait_for(lambda: "Save 99, " in served.get(ARTICLE)[1], 60), "".join(served.out[-5:] + served.err[-5:])
        # Every page uses it: the largest rebuild a save can ask for.
        template.write_text(template.read_text(encoding="utf-8") + "<!-- edited -->\n", encoding="utf-8")
        path.write_text(good.replace("\ntitle: ", "\ntitle: The last save, ", 1), encoding="utf-8")

        def last_state_served() -> bool:
            return "The last save, " in served.get(ARTICLE)[1] and "<!-- edited -->" in served.get("index.html")[1]

        assert wait_for(last_state_served, 60), "".join(served.out[-5:] + served.err[-5:])
        assert served.rebuilds() >= 2
    finally:
        code, err = served.stop()
    assert code == 0, err
    assert "multi-threaded" not in err and "DeprecationWarning" not in err and "Traceback" not in err, err
    assert "unexpected error" not in err, err
