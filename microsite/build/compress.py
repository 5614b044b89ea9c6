"""Compressed copies of the output's text files, for hosts that serve them as they are (`compress: true`).

Some hosts compress each response as it goes out (GitHub Pages, Netlify, Cloudflare Pages): they need no
copies. Others send `NAME.br` or `NAME.gz` in place of NAME when it sits beside it and the browser takes
that encoding (nginx's `gzip_static` and `brotli_static`, Caddy's `file_server { precompressed }`): for
them a build with `compress: true` writes both copies of every file of a text type (COMPRESSIBLE), at a
better ratio than a server compressing on the fly can afford:

- gzip at level 9, with mtime 0 and no file name in its header, so that equal files give equal copies;
- Brotli at quality 8 (BROTLI_QUALITY), with a window fitted to the file. Measured on the 3,158 text
  files of 1 KiB or more of a 1,000-article site (71 MB), on one core: quality 8 compresses them at about
  40 MB/s, as fast as gzip -9 does, to 20.1% of their bytes (gzip -9: 22.3%); quality 9 gains 0.1 point
  at 24 MB/s; 10 and 11, the usual choice for copies made once, reach 18.9% and 18.0% at 2.6 and
  0.9 MB/s: 27 s and 83 s for what quality 8 does in under 2 s.

A copy is written only when it is smaller than its file, never for a file under SMALLEST bytes (a
response that small fits in one packet either way), and never where the site has a file of its own by
that name (a static file `app.js.gz` the user wrote is copied as it is, and `app.js` gets no .gz).

The copies of the planned files (pages, data files, static files, captures) are outputs of the build as
much as the files are: each is in the state's plan, with a digest made from its file's, so that a
rebuild makes them again exactly when their file is written again, keeps them while it is not, and
removes them (as any output that is gone) when their file goes or `compress` is turned off. They are
made from the files once these are in the output, and written the way the files are: into the fresh
folder of a full build, or into a staging folder and moved over inside a rebuild's transaction, so a
failed build leaves the previous site as it was. Pagefind's folder is no part of a plan: it is replaced
whole, and its copies are made inside the new folder before it is swapped in.
"""

from __future__ import annotations

import functools
import gzip
import hashlib
import os
import time
import zlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from .. import progress
from ..text import megabytes
from .plan import COPY_AGAIN
from .workers import Workers

GZIP_LEVEL = 9
BROTLI_QUALITY = 8
# But for SQLite's pages, on which level 9 and quality 8 take 3.5 and 4 times as long as 6 and 6, for copies
# 2% and 3.5% smaller: a 10,000-article site's 69 MB corpus.sqlite took 14.5 s against 4.1 s, at every edit
# that changes the database (any edit the lists show).
SETTINGS = {".sqlite": (6, 6)}  # suffix -> (gzip level, Brotli quality)
SMALLEST = 1024  # bytes: a smaller file gets no copies
SUFFIXES = (".gz", ".br")
# Text, and SQLite's pages, which compress as well. Not what is compressed already: images, fonts, WebAssembly,
# Pagefind's index files (.pf_*, gzip inside), archives.
COMPRESSIBLE = frozenset(
    {
        ".html",
        ".css",
        ".js",
        ".mjs",
        ".json",
        ".jsonld",
        ".xml",
        ".txt",
        ".csv",
        ".svg",
        ".bib",
        ".ris",
        ".webmanifest",
        ".map",
        ".sqlite",
    }
)
_AT_ONCE = 8 * 1024 * 1024  # bytes of files a job compresses, when the work is shared out to worker processes

Made = dict[str, tuple[bytes, tuple[str, ...]]]  # file -> (what its copies were made from, the suffixes made)


def compressible(path: str) -> bool:
    return os.path.splitext(path)[1].lower() in COMPRESSIBLE


def gzipped(data: bytes, level: int = GZIP_LEVEL) -> bytes:
    return gzip.compress(data, compresslevel=level, mtime=0)  # no file name: gzip.compress writes none


def brotli_compressed(data: bytes, quality: int = BROTLI_QUALITY) -> bytes:
    import brotli  # imported by a build that compresses, only

    return brotli.compress(data, quality=quality, lgwin=_window(len(data)))


def _window(size: int) -> int:
    # Brotli's default window (4 MB) costs a quality-8 call on a small file more than the compressing does
    # (quality 9 went from 4 to 24 MB/s): one no bigger than the file loses nothing. Nor is a bigger one
    # worth it: 16 MB made a 68 MB SQLite file 60% slower to compress, and no smaller.
    return max(10, min(22, (size - 1).bit_length()))


_MAKERS = {".gz": gzipped, ".br": brotli_compressed}


def copies_of(data: bytes, suffixes: Iterable[str] = SUFFIXES, kind: str = "") -> dict[str, bytes]:
    """Suffix -> the copy of a file of this kind (its suffix, such as .html), for those worth writing: smaller
    than the file, and none for a small file."""
    if len(data) < SMALLEST:
        return {}
    settings = dict(zip(SUFFIXES, SETTINGS.get(kind.lower(), (GZIP_LEVEL, BROTLI_QUALITY)), strict=True))
    made = {}
    for suffix in suffixes:
        copy = _MAKERS[suffix](data, settings[suffix])
        if len(copy) < len(data):
            made[suffix] = copy
    return made


@functools.cache
def _version() -> bytes:
    """In every copy's digest: copies made with other settings, or by another zlib or Brotli, are made again."""
    import brotli

    made_by = f"zlib {zlib.ZLIB_RUNTIME_VERSION} {GZIP_LEVEL}, brotli {brotli.__version__} {BROTLI_QUALITY}"
    return f"{made_by}, {sorted(SETTINGS.items())}, from {SMALLEST} bytes\0".encode()


@dataclass
class Summary:
    """What a build did about compressed copies, for its report."""

    written: list[str] = field(default_factory=list)  # copies written (Pagefind's too), output paths
    removed: list[str] = field(default_factory=list)  # copies removed (not Pagefind's: they go with its folder)
    files: int = 0  # files compressed
    original_bytes: int = 0  # their size
    gzip_bytes: int = 0  # of the .gz copies written
    brotli_bytes: int = 0  # of the .br copies written
    seconds: float = 0.0

    def line(self) -> str:
        """`compressed copies: 4,212 written of 2,150 files (68.1 MB): 14.9 MB gzip, 13.7 MB brotli, in 2.31s`"""
        said = []
        if self.files:
            said.append(
                f"{len(self.written):,} written of {self.files:,} files ({megabytes(self.original_bytes)}): "
                f"{megabytes(self.gzip_bytes)} gzip, {megabytes(self.brotli_bytes)} brotli, in {self.seconds:.2f}s"
            )
        if self.removed:
            said.append(f"{len(self.removed):,} removed")
        return f"compressed copies: {'; '.join(said) or 'none changed'}"

    def _add(self, path: str, sizes: dict[str, int], size: int) -> None:
        self.files += 1
        self.original_bytes += size
        for suffix, copy_size in sizes.items():
            self.written.append(path + suffix)
            if suffix == ".gz":
                self.gzip_bytes += copy_size
            else:
                self.brotli_bytes += copy_size


def copies_in(made: Made) -> set[str]:
    """The output paths of the copies a record names."""
    return {path + suffix for path, (_key, suffixes) in made.items() for suffix in suffixes}


class Copies:
    """The compressed copies of one build's planned files: those kept from the last build, those to make,
    those that go; and the record (`made`) the next build takes up."""

    def __init__(self, enabled: bool, files: dict[str, bytes], taken: set[str], before: Made | None):
        """`files`: output path -> digest, the files this build plans (build/plan.py Plan.digests); `taken`:
        every output path of the site that is not a copy (a copy never replaces one); `before`: the last
        build's record of the same folder (BuildState.compressed), None when there is none."""
        self.enabled = enabled
        self.before = before or {}
        self.made: Made = {}  # file -> (key, suffixes made), for each of `files` this build compressed or kept
        self.digests: dict[str, bytes] = {}  # copy -> its digest, for the plan
        self.to_make: list[tuple[str, tuple[str, ...]]] = []  # (file, the suffixes free for its copies)
        self.summary = Summary()
        self._files, self._taken = files, taken
        self._keys: dict[str, bytes] = {}

    def sort(self, written: set[str]) -> None:
        """Which files to compress: those `written` by this build, and those whose copies the last build did
        not make as this one would (compress was off, a name was taken or freed); the others' copies are kept."""
        if not self.enabled:
            return
        for path, digest in self._files.items():
            if not compressible(path):
                continue
            free = tuple(suffix for suffix in SUFFIXES if path + suffix not in self._taken)
            key = b"" if digest == COPY_AGAIN else self._key(digest, free)
            kept = self.before.get(path)
            if key and path not in written and kept is not None and kept[0] == key:
                self._record(path, key, kept[1])
            elif free:
                self._keys[path] = key
                self.to_make.append((path, free))

    def make(self, workers: Workers, source: Path, target: Path) -> list[str]:
        """Compress the files to make from the output folder `source` into `target` (the same folder when
        it is a fresh one); the copies written, as output paths."""
        started = time.perf_counter()
        if not self.to_make:
            return []
        progress.phase("Compressing", total=len(self.to_make), unit="files")
        written = []
        for path, sizes, size in _run(workers, str(source), str(target), self.to_make):
            self._record(path, self._keys[path], tuple(sizes))
            self.summary._add(path, sizes, size)
            written += [path + suffix for suffix in sizes]
        self.summary.seconds += time.perf_counter() - started
        return written

    def dropped(self) -> list[str]:
        """The copies the last build made of files compressed again that this build did not make again."""
        gone = []
        for path, _free in self.to_make:
            _key, before = self.before.get(path, (b"", ()))
            made = self.made.get(path, (b"", ()))[1]
            gone += [path + suffix for suffix in before if suffix not in made and path + suffix not in self._taken]
        return gone

    def folder(self, folder: Path, name: str) -> None:
        """Compressed copies of the files of a folder replaced whole (Pagefind's, `name` in the output),
        written into it before it is swapped in."""
        started = time.perf_counter()
        files = []
        for parent, _folders, names in os.walk(folder):
            for file in sorted(names):
                path = os.path.relpath(os.path.join(parent, file), folder)
                if compressible(path):
                    free = tuple(s for s in SUFFIXES if not os.path.exists(os.path.join(parent, file + s)))
                    files.append((path, free))
        for path, sizes, size in _compress(str(folder), str(folder), files, lambda: None):
            self.summary._add(f"{name}/{path}", sizes, size)
        self.summary.seconds += time.perf_counter() - started

    def _record(self, path: str, key: bytes, suffixes: tuple[str, ...]) -> None:
        self.made[path] = (key, suffixes)
        for suffix in suffixes:
            self.digests[path + suffix] = key + suffix.encode()

    def _key(self, digest: bytes, free: tuple[str, ...]) -> bytes:
        made_from = _version() + "".join(free).encode() + b"\0" + digest
        return hashlib.blake2b(made_from, digest_size=16).digest()


def _run(workers: Workers, source: str, target: str, files: list[tuple[str, tuple[str, ...]]]) -> list[tuple]:
    """compress_files over the files, in jobs of about _AT_ONCE bytes shared out to the workers, the biggest
    files first: a big database (14 s of work in a 10,000-article site) is never the last job left."""
    sizes = {path: os.stat(os.path.join(source, path)).st_size for path, _suffixes in files}
    jobs, job, size = [], [], 0
    for item in sorted(files, key=lambda item: -sizes[item[0]]):
        job.append(item)
        size += sizes[item[0]]
        if size >= _AT_ONCE:
            jobs.append((source, target, job))
            job, size = [], 0
    if job:
        jobs.append((source, target, job))
    items = [(compress_files, one) for one in jobs]
    with workers.share(items, lambda index: compress_files(jobs[index])) as batch:
        count = progress.counter()  # a worker's job counted as it comes back
        for future, one in zip(batch.futures, jobs, strict=True):
            if future is not None:
                future.add_done_callback(functools.partial(_counted, count, len(one[2])))
        return [done for result in batch.results() for done in result]


def _counted(count, size: int, future) -> None:
    if not future.cancelled() and future.exception() is None:
        count(size)


def compress_files(job: tuple[str, str, list[tuple[str, tuple[str, ...]]]]) -> list[tuple[str, dict[str, int], int]]:
    """In a worker process, or in this one: each file (path, the suffixes it may have) read below `source`,
    its copies worth writing written below `target`; (path, {suffix: size of the copy}, size of the file)."""
    return _compress(*job, progress.advance)  # in a worker process, advance does nothing: a job is counted whole


def _compress(source: str, target: str, files: list[tuple[str, tuple[str, ...]]], advance) -> list[tuple]:
    done, folders = [], set()
    for path, suffixes in files:
        with open(os.path.join(source, path), "rb") as file:
            data, stat = file.read(), os.fstat(file.fileno())
        sizes = {}
        for suffix, copy in copies_of(data, suffixes, os.path.splitext(path)[1]).items():
            where = os.path.join(target, path + suffix)
            folder = os.path.dirname(where)
            if folder not in folders:
                os.makedirs(folder, exist_ok=True)
                folders.add(folder)
            with open(where, "wb") as out:
                out.write(copy)
            # Dated as the file is, as nginx asks: its Last-Modified and ETag come from the copy it sends.
            os.utime(where, ns=(stat.st_atime_ns, stat.st_mtime_ns))
            sizes[suffix] = len(copy)
        done.append((path, sizes, len(data)))
        advance()
    return done
