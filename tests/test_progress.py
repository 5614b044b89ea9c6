"""Progress on a terminal for the long jobs (microsite/progress.py): drawn on standard error when it is a
terminal outside CI, never into a pipe; nothing at all, and tqdm not even imported, when it is off.

The command line switches progress on; here a small driver does what it does, so that a build is seen
through a real pseudo-terminal, through pipes, and under CI=1."""

from __future__ import annotations

import fcntl
import io
import os
import re
import select
import shutil
import struct
import subprocess
import sys
import termios
import threading
import time
from pathlib import Path

import pytest
from conftest import CAPTURE, PROJECT, copy_of_the_site

from microsite import progress
from microsite.build import rendering
from microsite.build.builder import Builder
from microsite.model import loader
from microsite.source import files

# What the command line does: progress shown when standard error wants it, then the build.
DRIVER = """\
import sys
from pathlib import Path
from microsite import progress
from microsite.build.builder import Builder
with progress.shown(progress.wanted(sys.stderr)):
    result = Builder(Path(sys.argv[1]), Path(sys.argv[2]), cache=False).build()
    print(f"Built {result.pages} pages", flush=True)
"""


def in_pipes(script: str, *args: Path) -> subprocess.CompletedProcess:
    """A Python script run with its output into pipes, as in a CI log."""
    return subprocess.run(
        [sys.executable, "-c", script, *map(str, args)],
        cwd=PROJECT,
        capture_output=True,
        text=True,
        env=environment(),
        timeout=120,
    )


def environment(**changes: str) -> dict[str, str]:
    """This environment outside CI, on a terminal that can redraw, with `changes`."""
    env = {k: v for k, v in os.environ.items() if k != "CI" and not k.startswith("TQDM_")}
    env["TERM"] = "xterm"
    env.update(changes)
    return env


def in_a_terminal(args: list[str], env: dict[str, str]) -> tuple[int, str]:
    """Run `args` with a pseudo-terminal of 100 columns as standard input, output and error: its exit
    status and everything the terminal received."""
    main, sub = os.openpty()
    fcntl.ioctl(sub, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))  # a new one has no size
    received = []
    try:
        with subprocess.Popen(args, stdin=sub, stdout=sub, stderr=sub, env=env, cwd=PROJECT) as process:
            os.close(sub)
            sub = None
            deadline = time.monotonic() + 60
            while True:
                ready, _, _ = select.select([main], [], [], max(0.0, deadline - time.monotonic()))
                if not ready:
                    process.kill()
                    pytest.fail(f"{args} did not finish in a minute; it wrote: {b''.join(received)!r}")
                try:
                    data = os.read(main, 65536)
                except OSError:  # EIO: every process holding the terminal has closed it
                    break
                if not data:
                    break
                received.append(data)
    finally:
        os.close(main)
        if sub is not None:
            os.close(sub)
    return process.returncode, b"".join(received).decode("utf-8", "replace")


@pytest.fixture
def project(tmp_path, monkeypatch) -> Path:
    """A copy of the project's site, its files settled (a build trusts their stats at once)."""
    monkeypatch.setattr(files, "_SETTLE_NS", -(10**12))
    return copy_of_the_site(tmp_path / "site", settled=True)


# ---- the module: off by default, and then nothing at all ------------------------------------------------


def test_off_every_call_does_nothing_and_tqdm_is_never_imported(tmp_path):
    # In a fresh process: this one may have imported tqdm already. On, but with nothing to do, a build
    # does not import it either.
    root = copy_of_the_site(tmp_path / "site")
    script = """\
import sys
from pathlib import Path
from microsite import progress
from microsite.build.builder import Builder
from microsite.source import files
files._SETTLE_NS = -(10**12)  # every file's stat trusted at once: the second build finds nothing changed
progress.phase("Reading pages", total=3)
progress.advance()
with progress.phase("Publishing"):
    progress.advance(2)
progress.done()
with progress.shown(False):
    Builder(Path(sys.argv[1]), Path(sys.argv[2])).build()
assert progress._bar is None
with progress.shown(True):
    assert Builder(Path(sys.argv[1]), Path(sys.argv[2])).build().up_to_date
print("tqdm imported" if "tqdm" in sys.modules else "tqdm not imported")
"""
    done = in_pipes(script, root, tmp_path / "out")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "tqdm not imported"
    assert done.stderr == ""


class Written:
    """What was written to standard error, where the bars are drawn, so far."""

    def __init__(self, capsys):
        self.capsys, self.so_far = capsys, ""

    def getvalue(self) -> str:
        self.so_far += self.capsys.readouterr().err
        return self.so_far


@pytest.fixture
def stderr(capsys) -> Written:
    return Written(capsys)


def test_a_phase_draws_its_name_and_count_then_disappears(stderr, monkeypatch):
    monkeypatch.setattr(progress, "MININTERVAL", 0)  # every step drawn
    with progress.shown(True):
        progress.phase("Reading pages", total=4)
        progress.advance(4)
        assert "Reading pages: 100%" in stderr.getvalue() and "4/4 pages" in stderr.getvalue()
        progress.phase("Indexing for search")  # no total: its name and the time taken
        assert "Indexing for search [00:00]" in stderr.getvalue()
        with progress.phase("Ingesting", unit="captures"):
            progress.advance(2)  # counted after all
            assert "Ingesting: 2 captures [" in stderr.getvalue()
        assert progress._bar is None  # the block ended the phase
        progress.phase("Rendering", total=10)
    assert progress._bar is None and not progress._on  # ended with the block; off again
    assert stderr.getvalue().endswith("\r")  # the last bar wiped: left=False
    assert "\x1b[" not in stderr.getvalue()  # no colour, no cursor movement: one line redrawn


def test_shown_false_inside_shown_true_switches_it_off_for_its_block(stderr):
    with progress.shown(True):
        with progress.shown(False):
            progress.phase("Hidden", total=1)
            progress.advance()
        progress.phase("Seen", total=1)
    assert "Hidden" not in stderr.getvalue() and "Seen" in stderr.getvalue()


def test_two_threads_may_report_at_once(stderr):
    # The preview server rebuilds in a thread: bars are touched under one lock.
    failures = []

    def work(name: str) -> None:
        try:
            for _ in range(50):
                progress.phase(name, total=100)
                for _ in range(100):
                    progress.advance()
                progress.done()
        except Exception as err:  # pragma: no cover - what the test is there to catch
            failures.append(err)

    with progress.shown(True):
        threads = [threading.Thread(target=work, args=(name,)) for name in ("One", "Two")]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert failures == []
    assert progress._bar is None


@pytest.mark.parametrize(
    ("env", "terminal", "expected"),
    [
        ({"TERM": "xterm"}, True, True),
        ({"TERM": "xterm"}, False, False),
        ({"TERM": "xterm", "CI": "true"}, True, False),
        ({"TERM": "dumb"}, True, False),
        ({"TERM": "xterm", "CI": ""}, True, True),  # set but empty: not CI
    ],
)
def test_progress_is_wanted_on_a_terminal_outside_ci_that_can_redraw(monkeypatch, env, terminal, expected):
    monkeypatch.delenv("CI", raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)

    class Stream(io.StringIO):
        def isatty(self) -> bool:
            return terminal

    assert progress.wanted(Stream()) is expected
    closed = io.StringIO()
    closed.close()
    assert progress.wanted(closed) is False  # isatty() on a closed stream raises
    assert progress.wanted(None) is False  # no standard error at all (pythonw)


# ---- the hooks: each phase counted to its total, wherever its pages were done -----------------------------


real_load_tqdm = progress._load_tqdm


class Recorded:
    """The bars a build made, kept to be looked at once closed."""

    def __init__(self, monkeypatch):
        self.bars = []
        bars = self.bars

        class Kept(real_load_tqdm()):
            def __init__(self, *args, **kwargs):
                super().__init__(*args, **kwargs)
                bars.append(self)

        monkeypatch.setattr(progress, "_load_tqdm", lambda: Kept)

    def phases(self) -> list[tuple[str, int, int | None]]:
        return [(bar.desc, bar.n, bar.total) for bar in self.bars]


@pytest.fixture
def recorded(monkeypatch, stderr) -> Recorded:
    return Recorded(monkeypatch)


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_full_build_counts_every_page_read_and_rendered(project, tmp_path, recorded, monkeypatch, jobs):
    # Pages read two at a time and own pages rendered two articles a part: with two processes, shares and
    # parts come back from the worker as well as being done here.
    monkeypatch.setattr(loader, "SHARE_PAGES", 2)
    monkeypatch.setattr(rendering, "MIN_ARTICLES", 1)
    monkeypatch.setattr(rendering, "PART_SIZE", 2)
    with progress.shown(True):
        result = Builder(project, tmp_path / "out", cache=False, jobs=jobs).build()
        assert progress._bar is None  # the build ended its last phase: the summary starts a clean line
    assert result.workers == jobs - 1
    articles = len(list((project / "content").glob("*.md")))
    copies = len(list((tmp_path / "out" / "captures").glob("*.txt")))
    assert [name for name, _n, _total in recorded.phases()] == ["Reading pages", "Writing", "Indexing for search"]
    (_, read, pages), (_, rendered, to_render), (_, indexed, unknown) = recorded.phases()
    assert read == pages == articles
    assert rendered == to_render >= result.pages + copies
    assert indexed == 0 and unknown is None


def test_a_rebuild_counts_what_it_does(project, recorded):
    with progress.shown(True):
        Builder(project, project / "_site", jobs=1).build()
        recorded.bars.clear()
        # A template changed: every page kept from the page store, counted as read; some rendered again.
        (project / "templates").mkdir()
        shutil.copy(PROJECT / "templates" / "article.html", project / "templates" / "article.html")
        with (project / "templates" / "article.html").open("a", encoding="utf-8") as template:
            template.write("<!-- edited -->\n")
        again = Builder(project, project / "_site", jobs=1).build()
        assert not again.full and again.rendered
        (_, read, pages), (_, rendered, to_render), *_ = recorded.phases()
        assert read == pages == len(list((project / "content").glob("*.md")))
        assert rendered == to_render == len(again.written)
        recorded.bars.clear()
        # Nothing changed: nothing to show.
        assert Builder(project, project / "_site", jobs=1).build().up_to_date
        assert recorded.phases() == []


def test_ingest_counts_its_captures(tmp_path, recorded):
    from microsite.commands.ingest import ingest

    site = tmp_path / "site"
    (site / "content").mkdir(parents=True)
    (site / "seeds").mkdir()
    shutil.copy(PROJECT / "site.yaml", site)
    captures = tmp_path / "captures"
    captures.mkdir()
    (captures / "one.txt").write_text(CAPTURE, encoding="utf-8")
    (captures / "two.txt").write_text(CAPTURE.replace("AT&T", "Verizon"), encoding="utf-8")
    with progress.shown(True):
        ingest(site, [captures], dry_run=True)
    assert recorded.phases() == [("Ingesting", 2, 2)]


def test_deploy_shows_the_build_then_publishing(project, recorded, monkeypatch, tmp_path, isolated_git):
    from microsite.commands.deploy import deploy

    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    for args in (["init", "-q", "-b", "main"], ["add", "-A"], ["commit", "-q", "-m", "The site"]):
        subprocess.run(["git", *args], cwd=project, check=True, capture_output=True)
    with progress.shown(True):
        deploy(project, base_url="https://example.github.io/repo/", push=False, jobs=1)
        assert progress._bar is None
    names = [name for name, _n, _total in recorded.phases()]
    assert names == ["Reading pages", "Writing", "Indexing for search", "Publishing"]


# ---- a real terminal, a pipe, a CI log ---------------------------------------------------------------------


def test_a_build_on_a_terminal_shows_its_phases_then_only_its_summary(project, tmp_path):
    status, screen = in_a_terminal([sys.executable, "-c", DRIVER, str(project), str(tmp_path / "out")], environment())
    assert status == 0, screen
    assert "Reading pages:" in screen and "Writing:" in screen and "files [" in screen
    before, summary = screen.rsplit("Built ", 1)
    assert re.fullmatch(r"\d+ pages\r\n", summary)
    # The last bar wiped before the summary: a carriage return, blanks, a carriage return.
    *_, wiped, rest = before.split("\r")
    assert wiped.strip() == "" and rest == ""
    assert "\x1b[3" not in screen and "\x1b[9" not in screen  # no colour


@pytest.mark.parametrize("env", [{"CI": "1"}, {"TERM": "dumb"}])
def test_a_build_on_a_terminal_in_ci_or_a_dumb_terminal_shows_no_progress(project, tmp_path, env):
    status, screen = in_a_terminal(
        [sys.executable, "-c", DRIVER, str(project), str(tmp_path / "out")], environment(**env)
    )
    assert status == 0, screen
    assert "Built " in screen
    assert "Reading pages" not in screen and "Writing" not in screen and "\r\r" not in screen


def test_a_build_into_pipes_shows_no_progress(project, tmp_path):
    done = in_pipes(DRIVER, project, tmp_path / "out")
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    assert done.stdout.startswith("Built ")
