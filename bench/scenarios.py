"""The scenarios: each a plain function of a tool and the Bench that returns the Row it measured.

SCENARIO_FUNCTIONS maps the names `--scenarios` takes to those functions. Bench runs them for one corpus
size, in the order of SCENARIOS, and keeps their rows, ours' byte-for-byte checks, the floors and what each
tool's output weighs (bench/weight.py).
"""

from __future__ import annotations

import argparse
import functools
import json
import shutil
import statistics
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import corpus
from measure import (
    CHILD_ENV,
    MB,
    Measured,
    PreviewSession,
    ToolFailed,
    count_pages,
    free_port,
    run_measured,
    run_profiled,
    say,
    settle,
    tail,
    tree_verdict,
)
from tools import BUILD_PY, HERE, Ours, Tool
from weight import Weight
from weight import measure as weigh

SCENARIOS = ["cold", "cold-jobs1", "cold-jobs4", "nochange", "article", "template", "preview", "weight"]
JOBS = {"cold-jobs1": 1, "cold-jobs4": 4}  # ours only: a cold build with `--jobs N`, into a folder of its own
OURS_ONLY = {*JOBS, "weight"}
SEARCH = "ours-search"  # Bench.weights' key for ours built with site search on (the weight scenario)
INCREMENTAL = ["nochange", "article", "template", "preview"]  # ours must match a clean full build after each

# An edit that never shows up is a failure, not a hang: after 120 s, or 3 times the tool's cold build if longer
# (a tool that rebuilds everything on a save cannot show it sooner than a build).
PREVIEW_TIMEOUT = 120.0


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
    identical: str | None = None  # ours' output against a clean build: "identical (...)" or what differs

    @property
    def median(self) -> float | None:
        return statistics.median(self.seconds) if self.seconds and not self.failure else None

    @property
    def pages_per_second(self) -> float | None:
        if self.scenario == "preview" or not self.median:
            return None  # the preview's time is one page's latency, not a build's
        return self.pages / self.median


def check_label(scenario: str) -> str:
    """How the report names the byte-for-byte check of ours' output made in or after `scenario`."""
    return f"cold --jobs {JOBS[scenario]}" if scenario in JOBS else f"after {scenario}"


# --- The scenarios, each run the same way: `runs` timed runs, then one that samples the memory ----------------


def cold(tool: Tool, bench: Bench) -> Row:
    """Output and caches deleted, then a build."""
    row = Row("cold", tool.name)
    settle(tool)
    for run in bench.runs():
        tool.clean()
        bench.build(tool, row, "cold", run)
    row.pages = count_pages(tool.output)
    return row


def cold_jobs(tool: Ours, bench: Bench, jobs: int) -> Row:
    """Ours' cold build with `--jobs N` into `_site-jobsN/` (that folder and `.cache/` deleted before every run),
    then its output against the default cold build's in `_site/`, byte for byte. The tree is deleted when it
    is identical and kept to look into when it differs."""
    scenario = f"cold-jobs{jobs}"
    row = Row(scenario, tool.name)
    out = tool.jobs_output(jobs)
    bench.ensure_built(tool)  # the default build to compare with, when `cold` did not run
    settle(tool)
    for run in bench.runs():
        for path in [out, *tool.caches]:
            shutil.rmtree(path, ignore_errors=True)
        bench.build(tool, row, scenario, run, tool.build_command(jobs))
    row.pages = count_pages(out)
    row.identical = tree_verdict(out, tool.output)
    if row.identical.startswith("identical"):
        shutil.rmtree(out)
    return row


def nochange(tool: Tool, bench: Bench) -> Row:
    """The same build again, right after a build."""
    row = Row("nochange", tool.name)
    bench.ensure_built(tool)
    settle(tool)
    for run in bench.runs():
        bench.build(tool, row, "nochange", run)
    row.pages = count_pages(tool.output)
    return row


def article(tool: Tool, bench: Bench) -> Row:
    """One article's last paragraph edited (a different article each run), then a build at once; its page must
    show the edit."""
    row = Row("article", tool.name)
    bench.ensure_built(tool)
    settle(tool)
    for run in bench.runs():
        slug = bench.pick(run, bench.n // 3)
        word = f"benchedit{uuid.uuid4().hex[:10]}"
        edit_article(tool.article_source(slug), word)  # and build straight away, as a user does
        bench.build(tool, row, "article", run)
        expect(tool.article_output(slug), word, "the edited article's page")
    row.pages = count_pages(tool.output)
    return row


def template(tool: Tool, bench: Bench) -> Row:
    """The article template edited so that every article page changes, then a build."""
    row = Row("template", tool.name)
    bench.ensure_built(tool)
    settle(tool)
    for run in bench.runs():
        stamp = tool.edit_template()
        bench.build(tool, row, "template", run)
        expect(tool.article_output(bench.articles[-1].slug), stamp, "an article page after the template edit")
    row.pages = count_pages(tool.output)
    return row


def preview(tool: Tool, bench: Bench) -> Row:
    """The time from saving an article to its page on disk showing the edit, with the tool's preview server
    running: the timed edits in one server session; then, as in the build scenarios, one more edit in a
    session of its own whose memory is sampled throughout (its first build included)."""
    row = Row("preview", tool.name)
    cold_row = bench.rows.get(("cold", tool.name))
    timeout = max(PREVIEW_TIMEOUT, 3 * cold_row.median) if cold_row and cold_row.median else PREVIEW_TIMEOUT
    runs = bench.args.runs
    for edits, memory in [(range(runs), False), (range(runs, runs + 1), True)]:
        settle(tool)
        log = bench.logs / f"{tool.name}-preview{'-memory' if memory else ''}.log"
        command = tool.serve_command(free_port())
        session = PreviewSession(command, tool.root, log, tool.ready_text, tool.failure_text, sample=memory)
        try:
            session.wait_ready(bench.args.timeout)
            for run in edits:
                slug = bench.pick(run, 2 * bench.n // 3)
                token = f"benchpreview{uuid.uuid4().hex[:10]}"
                edit_article(tool.article_source(slug), token)
                seconds = session.time_until_shown(tool.article_output(slug), token, time.perf_counter(), timeout)
                if not memory:
                    row.seconds.append(seconds)
                say(f"  {tool.name} preview-{'memory' if memory else run + 1}: {seconds:.3f}s")
                session.wait_idle(timeout)  # the rest of the rebuild (lists, indexes) ends before the next edit
        finally:
            row.peak_mb = max(row.peak_mb, session.stop())
    row.pages = count_pages(tool.output)
    return row


def weight(tool: Ours, bench: Bench) -> Row:
    """Ours built cold once with site search on (`search: true`: Pagefind's index in `pagefind/`), in a site folder
    of its own written from the same corpus, and its output weighed; the folder is deleted afterwards. Its one
    build's time is kept (the weight section gives it) but it is no timed scenario: one run, memory not sampled."""
    row = Row("weight", tool.name)
    site = Ours(bench.folder / "ours-search", bench.folder, search=True)
    shutil.rmtree(site.root, ignore_errors=True)
    try:
        site.write(bench.articles)
        settle(site)
        measured = run_measured(site.build_command(), site.root, bench.logs / "ours-weight.log", bench.args.timeout)
        row.seconds.append(measured.seconds)
        row.peak_mb = measured.peak_mb
        row.pages = count_pages(site.output)
        say(f"  ours weight (cold build with search): {measured.seconds:.3f}s")
        bench.weigh(SEARCH, site.output)
    finally:
        shutil.rmtree(site.root, ignore_errors=True)
    return row


SCENARIO_FUNCTIONS: dict[str, Callable[[Tool, Bench], Row]] = {
    "cold": cold,
    "cold-jobs1": functools.partial(cold_jobs, jobs=1),
    "cold-jobs4": functools.partial(cold_jobs, jobs=4),
    "nochange": nochange,
    "article": article,
    "template": template,
    "preview": preview,
    "weight": weight,
}
assert list(SCENARIO_FUNCTIONS) == SCENARIOS and set(SCENARIOS) >= OURS_ONLY


def edit_article(path: Path, word: str) -> None:
    """Replace the first word of the body's last paragraph (the last line in every tool's input) with `word`."""
    lines = path.read_text(encoding="utf-8").split("\n")
    last = max(index for index, line in enumerate(lines) if line.strip())
    lines[last] = f"{word} {lines[last].split(' ', 1)[1]}"
    path.write_text("\n".join(lines), encoding="utf-8")


def expect(page: Path, text: str, what: str) -> None:
    try:
        found = text.encode() in page.read_bytes()
    except OSError:
        found = False
    if not found:
        raise ToolFailed(f"{what} ({page}) does not show the change `{text}`")


# --- Running them ---------------------------------------------------------------------------------------------


class Bench:
    """Runs the scenarios for one corpus size; keeps the rows, ours' byte-identical checks and the floors."""

    def __init__(self, n: int, folder: Path, articles: list[corpus.Article], args: argparse.Namespace):
        self.n, self.folder, self.articles, self.args = n, folder, articles, args
        self.logs = folder / "logs"
        self.logs.mkdir(parents=True, exist_ok=True)
        self.rows: dict[tuple[str, str], Row] = {}
        self.identical: dict[str, str] = {}  # scenario -> "identical (...)" or what differs
        self.floors: dict[str, Row] = {}  # "engines", "writing" -> their runs (bench/floor.py)
        self.weights: dict[str, Weight] = {}  # tool name (or SEARCH) -> what its cold build's output weighs

    def run_tool(self, tool: Tool) -> None:
        """Every chosen scenario with one tool, in the order of SCENARIOS. The `--jobs` builds leave `.cache/`
        describing their own output folder: before the next scenario, ours is built cold into `_site/` again
        (untimed), so that nochange and the rest start from what a default cold build leaves. The output of the
        last cold run is weighed (bench/weight.py) once the cold scenario is over, so no timed run waits for it."""
        chosen = [s for s in SCENARIOS if s in self.args.scenarios and (s not in OURS_ONLY or tool.name == "ours")]
        after_jobs = False
        for scenario in chosen:
            row = self.run_scenario(tool, scenario, rebuild_first=after_jobs and scenario not in JOBS)
            self.rows[scenario, tool.name] = row
            after_jobs = scenario in JOBS
            if scenario == "cold" and not row.failure:
                self.weigh(tool.name, tool.output)
            if tool.name == "ours" and scenario in INCREMENTAL and not row.failure:
                row.identical = compare_with_clean_build(tool, self, scenario)
            if row.identical:
                self.identical[scenario] = row.identical
                say(f"  ours {check_label(scenario)}: {row.identical}")

    def run_scenario(self, tool: Tool, scenario: str, rebuild_first: bool) -> Row:
        try:
            if rebuild_first:
                settle(tool)
                tool.clean()
                log = self.logs / f"{tool.name}-default-after-jobs.log"
                run_measured(tool.build_command(), tool.root, log, self.args.timeout)
            return SCENARIO_FUNCTIONS[scenario](tool, self)
        except ToolFailed as failed:
            say(f"  FAILED: {failed}")
            return Row(scenario, tool.name, failure=str(failed))

    def weigh(self, key: str, output: Path) -> None:
        found = self.weights[key] = weigh(output)
        brotli = "brotli not installed" if found.brotli_bytes is None else f"brotli {found.brotli_bytes / MB:.1f} MB"
        say(
            f"  {key} weighs {found.total.bytes / MB:.1f} MB in {found.total.files} files, gzip "
            f"{found.gzip_bytes / MB:.1f} MB, {brotli} (weighed in {found.seconds:.1f}s)"
        )

    def runs(self) -> range:
        """The timed runs, then the one that samples the memory."""
        return range(self.args.runs + 1)

    def build(self, tool: Tool, row: Row, label: str, run: int, command: list[str] | None = None) -> Measured:
        """One run of a scenario (the tool's build, or `command`): runs 0 to runs - 1 are timed; the last
        (run == runs) samples the memory, and its time is not counted (the sampler competes for the cores)."""
        memory = run == self.args.runs
        label = f"{label}-memory" if memory else f"{label}-{run + 1}"
        log = self.logs / f"{tool.name}-{label}.log"
        measured = run_measured(command or tool.build_command(), tool.root, log, self.args.timeout, sample=memory)
        if not memory:
            row.seconds.append(measured.seconds)
        row.peak_mb = max(row.peak_mb, measured.peak_mb)
        say(f"  {tool.name} {label}: {measured.seconds:.3f}s, {measured.peak_mb:.0f} MB")
        return measured

    def ensure_built(self, tool: Tool) -> None:
        """The rebuild scenarios start from a built output (and the tool's caches), as after `cold`."""
        if not tool.output.is_dir() or not count_pages(tool.output):
            settle(tool)
            run_measured(tool.build_command(), tool.root, self.logs / f"{tool.name}-warm-up.log", self.args.timeout)

    def pick(self, run: int, offset: int) -> str:
        """A different article for every run."""
        return self.articles[(offset + run) % self.n].slug

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
                    say(f"  FAILED: {failed}")
                    break
                done = json.loads(log.read_text(encoding="utf-8").strip().splitlines()[-1])
                row.seconds.append(done.get("seconds", measured.seconds))
                row.pages, row.written = done.get("pages", done.get("files", 0)), done.get("bytes", 0)
                say(f"  floor {name}-{run + 1}: {row.seconds[-1]:.3f}s")
            shutil.rmtree(out, ignore_errors=True)


def compare_with_clean_build(tool: Tool, bench: Bench, scenario: str) -> str:
    """Ours' output now against a cold build of a copy of the same inputs: identical, or what differs."""
    fresh = bench.folder / "ours-clean"
    shutil.rmtree(fresh, ignore_errors=True)
    top = str(tool.root)

    def outputs(folder: str, names: list[str]) -> list[str]:  # the outputs and the cache, in the site folder
        return [n for n in names if n in ("_site", ".cache") or n.startswith("_site-jobs")] if folder == top else []

    shutil.copytree(tool.root, fresh, ignore=outputs)
    log = bench.logs / f"ours-clean-after-{scenario}.log"
    with log.open("wb") as out:
        command = Ours(fresh, bench.folder).build_command()
        if subprocess.run(command, stdout=out, stderr=subprocess.STDOUT, env=CHILD_ENV).returncode:
            return f"the clean build failed\n{tail(log)}"
    verdict = tree_verdict(tool.output, fresh / "_site")
    shutil.rmtree(fresh, ignore_errors=True)
    return verdict


def profile_cold_build(site: Path, folder: Path) -> Path:
    """Our cold build once under pyinstrument, on a copy of the site, in one process (`--jobs 1`: pyinstrument
    sees only the process it runs): the file of its samples."""
    copy = folder / "ours-profile"
    shutil.rmtree(copy, ignore_errors=True)
    shutil.copytree(site, copy, ignore=shutil.ignore_patterns("_site", "_site-jobs*", ".cache"))
    session = folder / "profile.pyisession"
    run_profiled([str(BUILD_PY), "--site", str(copy), "build", "--out", str(copy / "_site"), "--jobs", "1"], session)
    shutil.rmtree(copy, ignore_errors=True)
    return session
