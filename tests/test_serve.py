"""`build.py serve`: it serves the built site, rebuilds on save, and stops cleanly."""

from __future__ import annotations

import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest
from conftest import PROJECT


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as err:
        return err.code, ""


def wait_for(predicate, seconds: float = 20.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            value = predicate()
        except (OSError, urllib.error.URLError):
            value = None
        if value:
            return value
        time.sleep(0.1)
    return None


@pytest.fixture
def server(tmp_path):
    root = tmp_path / "site"
    root.mkdir()
    shutil.copy(PROJECT / "site.yaml", root)
    shutil.copytree(PROJECT / "content", root / "content")
    shutil.copytree(PROJECT / "seeds", root / "seeds")
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, str(PROJECT / "build.py"), "--site", str(root), "serve", "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    base = f"http://127.0.0.1:{port}/"
    try:
        assert wait_for(lambda: fetch(base + "index.html")[0] == 200), "the server did not start"
        yield root, base, process
    finally:
        if process.poll() is None:
            process.kill()
        process.wait(timeout=10)


def test_serve_rebuilds_after_a_save_and_stops_cleanly(server):
    root, base, process = server
    page = root / "content/xiaomi-us-flagships-phonearena.md"
    status, html = fetch(base + "articles/xiaomi-us-flagships-phonearena.html")
    assert status == 200 and "livereload.js" in html  # the browser is told to reload
    text = page.read_text(encoding="utf-8")
    page.write_text(text.replace("\ntitle: ", "\ntitle: Edited while serving ", 1), encoding="utf-8")
    changed = wait_for(
        lambda: "Edited while serving" in fetch(base + "articles/xiaomi-us-flagships-phonearena.html")[1]
    )
    assert changed, "the page did not change after the edit"

    # A broken save keeps the last good site; fixing it brings the change back.
    page.write_text(text.replace("\ntitle: ", "\ntitle: [broken\n", 1), encoding="utf-8")
    time.sleep(1.5)
    assert "Edited while serving" in fetch(base + "articles/xiaomi-us-flagships-phonearena.html")[1]
    page.write_text(text.replace("\ntitle: ", "\ntitle: Fixed after a break ", 1), encoding="utf-8")
    assert wait_for(lambda: "Fixed after a break" in fetch(base + "articles/xiaomi-us-flagships-phonearena.html")[1])

    process.send_signal(signal.SIGINT)
    _out, err = process.communicate(timeout=15)
    assert "Traceback" not in err
    assert "content/xiaomi-us-flagships-phonearena.md" in err  # the broken save was reported


def test_serve_serves_only_the_output_folder(server):
    _root, base, _process = server
    for path in ("../site.yaml", "%2e%2e/site.yaml", "..%2fsite.yaml", "content/"):
        assert fetch(base + path)[0] in (403, 404), path


def test_a_port_in_use_gets_a_clear_message(tmp_path):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = subprocess.run(
            [
                sys.executable,
                str(PROJECT / "build.py"),
                "--site",
                str(PROJECT),
                "serve",
                "--port",
                str(port),
                "--out",
                str(tmp_path / "out"),
            ],
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert result.returncode == 1
    assert f"port {port}" in result.stderr and "Traceback" not in result.stderr
