"""The weight of an output folder: its bytes and files by top-level folder, its largest pages, and what it costs
to send compressed.

    weight.measure(folder)   -> Weight          (every file, st_size bytes; gzip and brotli sizes of each)
    weight.budget(weight, n) -> list[Share]     (ours' kinds of file, bytes per article of an N-article site)

Sizes are bytes as `stat` gives them (st_size, not the blocks a file takes on disk). A page is a `.html` file;
PAGE_LIMIT, the most one page may weigh, is 1 MB, and MB is 10^6 bytes throughout, as in the rest of the report.
The transfer size is the sum over files of each one's gzip and brotli sizes, as a server that compresses every
response would send it; a file that is compressed already (Pagefind's index, images, .gz) counts at its own size.
A `.gz` or `.br` beside the file it compresses (`page.html.gz` beside `page.html`) is a compressed copy the
site ships for the server to pick: it is counted apart and in no other figure.
"""

from __future__ import annotations

import os
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from microsite.build import compress

try:
    import brotli
except ImportError:  # the report then gives gzip alone and says why
    brotli = None

PAGE_LIMIT = 1_000_000  # bytes: no page over 1 MB
ROOT_FILES = "(root files)"  # the files at the top of the folder, in the tables beside its folders
LARGEST = 10  # how many of the largest pages, and of the largest files, are kept

# gzip at its highest level, as a precompressing server would; brotli at 9, not 11: quality 11 compresses our
# pages some 50 times slower for about 10% less, and the 10,000-article site must weigh in well under a minute
# (bench/README.md). Weighing runs after the timed builds, never during one, so it takes every core.
GZIP_LEVEL = 9
BROTLI_QUALITY = 9
# Already compressed: sent as they are. Pagefind gzips its index files (.pf_*) and its WebAssembly (.pagefind).
PRECOMPRESSED = {
    ".pf_fragment", ".pf_index", ".pf_filter", ".pf_meta", ".pagefind", ".wasm",
    ".png", ".jpg", ".jpeg", ".gif", ".webp", ".avif", ".woff", ".woff2",
    ".gz", ".br", ".zst", ".zip",
}  # fmt: skip
COPY_SUFFIXES = (".gz", ".br")  # a compressed copy when the file without the suffix sits beside it


@dataclass
class Tally:
    bytes: int = 0
    files: int = 0

    def add(self, size: int) -> None:
        self.bytes += size
        self.files += 1


@dataclass
class Weight:
    """What one output folder weighs. Paths are relative to it, with `/`."""

    folders: dict[str, Tally] = field(default_factory=dict)  # top-level folder (or ROOT_FILES) -> its files
    kinds: dict[tuple[str, str], Tally] = field(default_factory=dict)  # (top-level folder, suffix) -> its files
    total: Tally = field(default_factory=Tally)
    largest_pages: list[tuple[str, int]] = field(default_factory=list)  # the LARGEST largest .html files
    largest_files: list[tuple[str, int]] = field(default_factory=list)  # the LARGEST largest files of any kind
    pages: int = 0
    pages_over_limit: int = 0  # .html files over PAGE_LIMIT
    gzip_bytes: int = 0  # every file gzipped (a precompressed one at its own size)
    brotli_bytes: int | None = None  # the same with brotli; None when the `brotli` package is missing
    precompressed: Tally = field(default_factory=Tally)  # counted at their own size in the two above
    copies: Tally = field(default_factory=Tally)  # compressed copies beside their originals: in no other figure
    gzip_level: int = GZIP_LEVEL
    brotli_quality: int | None = None
    seconds: float = 0.0  # how long measuring took

    def per_article(self, n: int) -> float:
        return self.total.bytes / n


def measure(folder: Path, workers: int | None = None) -> Weight:
    """Every file under `folder` weighed, and compressed both ways to find what sending it costs."""
    started = time.perf_counter()
    weight = Weight(brotli_quality=BROTLI_QUALITY if brotli else None)
    sizes: list[tuple[str, int]] = []
    for here, dirs, names in os.walk(folder):
        dirs.sort()
        present = set(names)
        relative = Path(here).relative_to(folder).as_posix()
        for name in sorted(names):
            path = f"{relative}/{name}" if relative != "." else name
            size = os.stat(os.path.join(here, name)).st_size
            if name.endswith(COPY_SUFFIXES) and name[:-3] in present:
                weight.copies.add(size)
                continue
            sizes.append((path, size))
            top = path.split("/", 1)[0] if "/" in path else ROOT_FILES
            suffix = os.path.splitext(name)[1].lower()
            weight.folders.setdefault(top, Tally()).add(size)
            weight.kinds.setdefault((top, suffix), Tally()).add(size)
            weight.total.add(size)
            if suffix == ".html":
                weight.pages += 1
                weight.pages_over_limit += size > PAGE_LIMIT
            if suffix in PRECOMPRESSED:
                weight.precompressed.add(size)
    by_size = sorted(sizes, key=lambda item: (-item[1], item[0]))
    weight.largest_files = by_size[:LARGEST]
    weight.largest_pages = [item for item in by_size if item[0].endswith(".html")][:LARGEST]
    weight.gzip_bytes, brotli_bytes = _transfer(folder, by_size, workers)
    weight.brotli_bytes = brotli_bytes if brotli else None
    weight.seconds = time.perf_counter() - started
    return weight


def _transfer(folder: Path, by_size: list[tuple[str, int]], workers: int | None) -> tuple[int, int]:
    """The gzip and brotli sizes of every file, summed; the largest files first, so that no long one is left
    to run alone at the end. zlib and brotli let go of the GIL while they compress: threads use every core."""
    workers = workers or len(os.sched_getaffinity(0))
    with ThreadPoolExecutor(workers) as pool:
        sizes = list(pool.map(lambda item: _compressed(folder / item[0], item[1]), by_size))
    return sum(g for g, _ in sizes), sum(b for _, b in sizes)


def _compressed(path: Path, size: int) -> tuple[int, int]:
    if path.suffix.lower() in PRECOMPRESSED or size == 0:
        return size, size
    data = path.read_bytes()
    # As `compress: true` makes its copies (the window fitted to the file), at this report's settings.
    gzip_size = len(compress.gzipped(data, GZIP_LEVEL))
    return gzip_size, len(compress.brotli_compressed(data, BROTLI_QUALITY)) if brotli else 0


# --- Our kinds of file, per article ---------------------------------------------------------------------------


@dataclass
class Share:
    """One kind of file in our output: its files, bytes and bytes per article."""

    kind: str
    files: int
    bytes: int
    per_article: float


# (label, top-level folder, suffix or None for the whole folder). What none of them takes is "everything else".
OUR_KINDS = [
    ("article pages (`articles/*.html`)", "articles", ".html"),
    ("capture pages (`captures/*.html`)", "captures", ".html"),
    ("capture texts (`captures/*.txt`)", "captures", ".txt"),
    ("company pages (`companies/`), per article listed", "companies", None),
    ("source pages (`sources/`), per article listed", "sources", None),
    ("data files (`data/`)", "data", None),
    ("search index (`pagefind/`)", "pagefind", None),
]


def budget(weight: Weight, n: int) -> list[Share]:
    """Our output by kind of file, each as bytes per article of an `n`-article site; then everything else and
    the total. A company or source page lists the articles that name it, so its folder's bytes over N stand for
    its bytes per article listed (an article listed on several pages counts on each)."""
    shares, taken = [], Tally()
    for label, top, suffix in OUR_KINDS:
        whole = suffix is None  # the whole folder, or its files with that suffix
        tally = weight.folders.get(top, Tally()) if whole else weight.kinds.get((top, suffix), Tally())
        shares.append(Share(label, tally.files, tally.bytes, tally.bytes / n))
        taken.bytes, taken.files = taken.bytes + tally.bytes, taken.files + tally.files
    rest = Tally(weight.total.bytes - taken.bytes, weight.total.files - taken.files)
    shares.append(Share("everything else", rest.files, rest.bytes, rest.bytes / n))
    shares.append(Share("total", weight.total.files, weight.total.bytes, weight.total.bytes / n))
    return shares
