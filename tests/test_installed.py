"""The project as a user installs it: a wheel (not this checkout) in a fresh virtual environment, with the
dependencies pip resolves from what pyproject.toml declares, and nothing of the test extras. Its `microsite`
command starts a site, checks it, builds it and serves it, with the default theme from inside the wheel."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.request
import zipfile
from pathlib import Path

import pytest
from conftest import PROJECT
from test_serve import free_port

from microsite import __version__


def _run(*args, cwd: Path, timeout: int = 600) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    return subprocess.run(list(map(str, args)), cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    made = _run(sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", out, PROJECT, cwd=out)
    assert made.returncode == 0, made.stderr
    [found] = out.glob("microsite-*.whl")
    return found


@pytest.fixture(scope="module")
def installed(tmp_path_factory, wheel) -> Path:
    """A fresh environment's bin/ folder, with the wheel and its runtime dependencies installed."""
    venv = tmp_path_factory.mktemp("venv") / "env"
    made = _run(sys.executable, "-m", "venv", venv, cwd=venv.parent)
    assert made.returncode == 0, made.stderr
    pip = _run(venv / "bin/python", "-m", "pip", "install", "--quiet", "--disable-pip-version-check", wheel, cwd=venv)
    assert pip.returncode == 0, pip.stderr
    return venv / "bin"


def test_the_wheel_carries_the_default_theme_the_starter_and_the_schemas(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    for folder, inside in (("templates", "templates"), ("static", "static")):
        for path in (PROJECT / folder).iterdir():
            assert f"microsite/{inside}/{path.name}" in names, f"{folder}/{path.name} is not in the wheel"
    starter = PROJECT / "microsite/starter"
    for path in starter.rglob("*"):
        if path.is_file() and "__pycache__" not in path.parts:
            assert f"microsite/starter/{path.relative_to(starter).as_posix()}" in names
    assert {"microsite/schemas/site.schema.json", "microsite/schemas/front-matter.schema.json"} <= names
    # One copy of the theme in the repository: the package folder holds none of its own.
    assert not (PROJECT / "microsite/templates").exists() and not (PROJECT / "microsite/static").exists()


def test_the_installed_command_makes_checks_and_builds_a_site(installed, tmp_path):
    version = _run(installed / "microsite", "--version", cwd=tmp_path)
    assert version.returncode == 0, version.stderr
    assert version.stdout.startswith(f"microsite {__version__} ")

    # The command is the wheel's, not this checkout's: its package lives in the new environment.
    where = _run(installed / "python", "-c", "import microsite; print(microsite.__file__)", cwd=tmp_path)
    assert where.stdout.strip().startswith(str(installed.parent)), where.stdout
    for extra in ("pytest", "playwright", "pelican"):  # the test and bench extras stay out
        assert _run(installed / "python", "-c", f"import {extra}", cwd=tmp_path).returncode != 0, extra

    made = _run(installed / "microsite", "new", "research", cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    site = tmp_path / "research"
    checked = _run(installed / "microsite", "check", cwd=site)
    assert checked.returncode == 0, checked.stderr
    assert "all checks passed" in checked.stdout
    built = _run(installed / "microsite", "build", cwd=site)
    assert built.returncode == 0, built.stderr
    [page] = (site / "content").glob("*.md")
    assert (site / "_site/index.html").is_file()
    article = (site / "_site/articles" / f"{page.stem}.html").read_text(encoding="utf-8")
    assert "Acme Mobile in talks to sell phones through Globex Telecom" in article
    assert (site / "_site/static/style.css").read_bytes() == (PROJECT / "static/style.css").read_bytes()

    module = _run(installed / "python", "-m", "microsite", "--version", cwd=tmp_path)
    assert module.stdout == version.stdout


def test_the_installed_command_serves_the_new_site(installed, tmp_path):
    made = _run(installed / "microsite", "new", "served", cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    site = tmp_path / "served"
    port = free_port()
    server = subprocess.Popen(
        [installed / "microsite", "serve", "--port", str(port)],
        cwd=site,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        home = _fetch(f"http://127.0.0.1:{port}/", server)
        assert "Acme Mobile in talks" in home
        [page] = (site / "content").glob("*.md")
        assert "Globex" in _fetch(f"http://127.0.0.1:{port}/articles/{page.stem}.html", server)
    finally:
        os.killpg(server.pid, signal.SIGINT)
        out, err = server.communicate(timeout=30)
        print(out, err)
    assert "Traceback" not in err, err
    assert "Serving" in out


def _fetch(url: str, server: subprocess.Popen, wait: float = 60) -> str:
    deadline = time.monotonic() + wait
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                return response.read().decode("utf-8")
        except OSError:
            if server.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(f"{url} did not answer (the server's output follows the test)") from None
            time.sleep(0.2)
