"""Full-text search: Pagefind indexes the built pages into `pagefind/` inside the output.

Pagefind reads only what the templates mark with data-pagefind-body (article, capture,
company and source pages); the home page, the timeline and the indexes only repeat them.
Its binary comes in the `pagefind[extended]` wheel and is run by path (see `executable`).
"""

from __future__ import annotations

import gzip
import hashlib
import json
import signal
import subprocess
import time
from pathlib import Path

import cbor2

from ..errors import BuildFailed, Problem
from . import urls

BUNDLE = urls.SEARCH_BUNDLE
TIMEOUT_SECONDS = 300
_HINT = "fix what Pagefind says, or set `search: false` in site.yaml to build without search"
_INSTALL = ".venv/bin/pip install 'pagefind[extended]>=1.5,<1.6' (make does this)"


def executable() -> Path | None:
    """Pagefind's binary, found as the pagefind package finds it for `python -m pagefind`:
    $PAGEFIND_BINARY_PATH, then the binary in the pagefind_bin_extended (or pagefind_bin) wheel,
    then `pagefind_extended` or `pagefind` on PATH."""
    try:
        from pagefind.service import get_executable
    except ImportError:
        return None
    return get_executable()


def index(out_dir: Path, bundle_dir: Path | None = None) -> float:
    """Index the HTML pages under `out_dir` into `bundle_dir` (default: `out_dir/pagefind`); return the seconds taken.

    Every failure is a BuildFailed with Pagefind's own words and a hint, never a traceback."""
    started = time.perf_counter()
    binary = executable()
    if binary is None or not binary.is_file():
        where = f" (looked for {binary})" if binary else ""
        problem = Problem(None, f"Pagefind is not installed{where}", field="search", hint=f"install it: {_INSTALL}")
        raise BuildFailed([problem])
    command = [
        str(binary),
        "--site",
        str(out_dir),
        "--output-path",
        str(bundle_dir or out_dir / BUNDLE),
        "--keep-index-url",  # result links name a file, as every link of the site does (works from any host)
        "--quiet",
    ]
    try:
        done = subprocess.run(
            command, capture_output=True, text=True, errors="replace", timeout=TIMEOUT_SECONDS, check=False
        )
    except OSError as err:  # not executable, wrong architecture, ...
        raise BuildFailed([_problem(f"could not run Pagefind ({binary}): {err.strerror or err}")]) from None
    except subprocess.TimeoutExpired:
        raise BuildFailed([_problem(f"Pagefind ({binary}) did not finish in {TIMEOUT_SECONDS} s")]) from None
    if done.returncode == -signal.SIGINT:
        # Ctrl-C in the terminal reaches Pagefind too: the user stopped the build, Pagefind did not fail.
        raise KeyboardInterrupt
    if done.returncode != 0:
        said = _own_words(done.stderr) or _own_words(done.stdout) or "(it printed nothing)"
        raise BuildFailed([_problem(f"Pagefind ({binary}) failed with exit status {done.returncode}: {said}")])
    make_stable(bundle_dir or out_dir / BUNDLE)
    return time.perf_counter() - started


def _problem(message: str) -> Problem:
    return Problem(None, message, field="search", hint=_HINT)


def _own_words(output: str, keep: int = 8) -> str:
    """The last lines Pagefind printed, on one line each; it repeats its error on stdout and stderr."""
    lines = [line.strip() for line in output.splitlines() if line.strip()]
    unique = list(dict.fromkeys(lines))
    return " / ".join(unique[-keep:])


# ---- the same site, the same index ------------------------------------------------------------
#
# Pagefind writes each filter's values in hash-map order, which changes from run to run (its source
# says so: "TODO: Change filter indexes to BTree to give them a stable hash"), and names the files by
# their content. Equal pages would give a different index at every build: deploys would upload it
# again, and a preview's rebuild could never equal a full build. So the filter files are written
# again with their values sorted, and named by what they hold. Each file is gzip of a signature and
# CBOR; where a file is not exactly what this code reads and writes back, the index is left as it is.

_SIGNATURE = b"pagefind_dcd"
_META_FILTERS = 3  # the meta index is [version, pages, word chunks, filters, sorts, meta keys]


class _UnknownFormat(Exception):
    pass


def make_stable(bundle: Path) -> None:
    try:
        entry_file = bundle / "pagefind-entry.json"
        entry_text = entry_file.read_text(encoding="utf-8")
        entry = json.loads(entry_text)
        if _json(entry) != entry_text:
            raise _UnknownFormat
        rewrites: dict[Path, tuple[Path, bytes]] = {}
        for language in entry["languages"].values():
            meta_file = bundle / f"pagefind.{language['hash']}.pf_meta"
            meta = _read(meta_file)
            for pair in meta[_META_FILTERS]:  # [filter name, file hash]
                old_hash = pair[1]
                filter_file = bundle / "filter" / f"{old_hash}.pf_filter"
                filter_name, values = _read(filter_file)
                values.sort(key=lambda value: (value[0].casefold(), value[0]))
                data = _pack([filter_name, values])
                pair[1] = _hashed_name(old_hash, data, 7)
                rewrites[filter_file] = (filter_file.with_name(f"{pair[1]}.pf_filter"), data)
            meta[_META_FILTERS].sort(key=lambda pair: pair[0])
            data = _pack(meta)
            language["hash"] = _hashed_name(language["hash"], data, 10)
            rewrites[meta_file] = (bundle / f"pagefind.{language['hash']}.pf_meta", data)
    except (_UnknownFormat, OSError, ValueError, KeyError, TypeError, IndexError, EOFError):
        return  # another Pagefind format: its index works as it is, only not the same from build to build
    for old, (new, data) in rewrites.items():
        old.unlink()
        new.write_bytes(data)
    entry_file.write_text(_json(entry), encoding="utf-8")


def _json(value) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _hashed_name(old: str, data: bytes, length: int) -> str:
    """`en_1a2b3c4` for data: the language prefix Pagefind gave, then a hash of the content."""
    language = old.split("_", 1)[0]
    return f"{language}_{hashlib.sha256(data).hexdigest()[:length]}"


def _read(file: Path) -> list:
    raw = gzip.decompress(file.read_bytes())
    if not raw.startswith(_SIGNATURE):
        raise _UnknownFormat
    body = raw[len(_SIGNATURE) :]
    try:
        value = cbor2.loads(body)
    except cbor2.CBORDecodeError:
        raise _UnknownFormat from None
    if not isinstance(value, list) or cbor2.dumps(value) != body:
        raise _UnknownFormat  # only what would be written back exactly is rewritten
    return value


def _pack(value: list) -> bytes:
    return gzip.compress(_SIGNATURE + cbor2.dumps(value), compresslevel=9, mtime=0)


def update_index(out, changed: list[str], enabled: bool) -> float | None:
    """After a rebuild in place (`out`, build/writer.py Output): index again when a page changed, into a new
    folder swapped in whole; the index removed when search is off. How long it took; None: it did not run."""
    if not enabled:
        out.remove_folder(BUNDLE)
        return None
    if (out.root / BUNDLE).is_dir() and not any(path.endswith(".html") for path in changed):
        return None  # Pagefind reads only the HTML pages
    with out.replacing_folder(BUNDLE) as fresh:
        return index(out.root, fresh)
