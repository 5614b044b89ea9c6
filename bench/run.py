#!/usr/bin/env python3
"""The benchmark: this project, Pelican and Hugo timed on one synthetic corpus, in one run.

    python bench/run.py [--sizes 1000 10000] [--runs 3] [--tools ours pelican hugo]
                        [--scenarios cold cold-jobs1 cold-jobs4 nochange article template preview weight]
                        [--work DIR] [--results bench/RESULTS.md] [--profile]

For each size the corpus is generated once (bench/corpus.py) and written three ways: our site
folder, a Pelican project and a Hugo project, with the same titles, dates, bodies and companies
(bench/tools.py). Every tool then goes through every scenario (bench/scenarios.py, measured with
bench/measure.py), its cold build's output weighed (bench/weight.py); the runner prints a table per
size, the weights and the issue's targets, and writes them, with the machine, the versions and the
methods, to --results (bench/report.py). This file is the command line and nothing else. See
bench/README.md.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
from pathlib import Path

import corpus
from measure import count_pages, say
from report import (
    floor_lines,
    portable,
    profile_text,
    refresh_notes,
    results_markdown,
    table,
    target_lines,
    weight_lines,
)
from scenarios import SCENARIOS, Bench, profile_cold_build
from tools import HERE, TOOL_CLASSES, hugo_binary, package_dir

TOOLS = ["ours", "pelican", "hugo"]


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


def bench_size(n: int, work: Path, args: argparse.Namespace) -> Bench:
    """One corpus size: every tool's project written, every tool through its scenarios, then the floors."""
    folder = work / f"n{n}"
    shutil.rmtree(folder, ignore_errors=True)
    say(f"N = {n}: generating the corpus and writing each tool's inputs into {folder}")
    articles = corpus.generate(n)
    tools = [TOOL_CLASSES[name](folder / name, folder) for name in args.tools]
    for tool in tools:
        tool.write(articles)
    bench = Bench(n, folder, articles, args)
    for tool in tools:
        say(f"N = {n}: {tool.name}")
        bench.run_tool(tool)
    ours = next((tool for tool in tools if tool.name == "ours"), None)
    if ours and count_pages(ours.output):  # the writing floor writes ours' output again
        say(f"N = {n}: floors")
        bench.run_floors(ours)
    print(f"\n## N = {n}\n\n" + "\n".join(table(bench)) + "\n", flush=True)
    if bench.floors:
        print("\n".join(floor_lines(bench)) + "\n", flush=True)
    if bench.weights:
        print(f"## Weight at N = {n}\n\n" + "\n".join(weight_lines(bench)) + "\n", flush=True)
    return bench


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.notes_only:
        return refresh_notes(args.results)
    args.load_before = os.getloadavg()
    if "hugo" in args.tools:
        hugo_binary()  # missing tools stop the run before any work
    if "pelican" in args.tools:
        package_dir("pelican")
    work = args.work.resolve() if args.work else Path(tempfile.mkdtemp(prefix="microsite-bench-"))
    benches: list[Bench] = []
    profile = None
    try:
        for n in sorted(args.sizes):
            benches.append(bench_size(n, work, args))
        if args.profile and "ours" in args.tools:
            say(f"profiling our cold build at N = {benches[-1].n}")
            profile = profile_text(profile_cold_build(benches[-1].folder / "ours", benches[-1].folder))
        print(f"## Targets (N = {benches[-1].n})\n\n" + "\n".join(target_lines(benches[-1], benches)), flush=True)
        args.results.parent.mkdir(parents=True, exist_ok=True)
        args.results.write_text(portable(results_markdown(benches, args, profile), work), encoding="utf-8")
        say(f"wrote {args.results}")
    finally:
        if not args.work:
            shutil.rmtree(work, ignore_errors=True)
    failed = [row for bench in benches for row in bench.rows.values() if row.failure]
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
