"""`compress: true`: a gzip and a Brotli copy beside each text file of the output, for hosts that serve
them as they are. Each copy holds its file's bytes exactly, is made again when its file is and only then,
goes when its file goes or compress is turned off, never replaces a file of the user's own, and a rebuild
gives byte for byte what a clean build gives."""

from __future__ import annotations

import gzip
import os
import shutil
import time
from pathlib import Path

import brotli
import pytest
from conftest import (
    MINIMAL_SITE_YAML,
    OTHER_CAPTURE,
    OTHER_PAGE,
    SiteFolder,
    assert_same_as_clean_build,
    snapshot,
)

from microsite.build import compress
from microsite.build.builder import Builder
from microsite.source import files

COMPRESS_ON = MINIMAL_SITE_YAML + "compress: true\n"
COMPRESS_OFF = MINIMAL_SITE_YAML + "compress: false\n"
# What the issue names, written out here rather than read from the code under test.
TEXT = (".html", ".css", ".js", ".mjs", ".json", ".jsonld", ".xml", ".txt", ".csv", ".svg", ".bib", ".ris")
TEXT += (".webmanifest", ".map", ".sqlite")
SMALL = 1024

# Files of the user's own: text types big enough to compress, types never to compress, a small one, and a
# gzip file of their own (and one named as the copy of another of their files would be).
LINE = "Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt.\n"
OWN_GZ = gzip.compress(b"the user's own archive\n" * 20, mtime=12345)
USER_FILES = {
    "static/data.json": ('{"rows": [' + ",".join(f'"{LINE.strip()} {n}"' for n in range(40)) + "]}\n").encode(),
    "static/notes.txt": (LINE * 40).encode(),
    "static/app.js": ("// the app\n" + ("console.log('" + LINE.strip() + "');\n") * 40).encode(),
    "static/app.mjs": (("export const x = '" + LINE.strip() + "';\n") * 40).encode(),
    "static/module.wasm": b"\0asm\1\0\0\0" + (LINE * 40).encode(),  # compressible bytes, but WebAssembly
    "static/picture.png": b"\x89PNG\r\n\x1a\n" + (LINE * 40).encode(),
    "static/small.css": b"body { margin: 0; }\n",
    "static/foo.gz": OWN_GZ,
}


@pytest.fixture(autouse=True)
def trusted_stats(monkeypatch):
    # Files the test writes are trusted at once (as test_incremental does): else a file written within the
    # second is read and copied again by every build, and "untouched" could not be told from "made again".
    monkeypatch.setattr(files, "_SETTLE_NS", -(10**12))


@pytest.fixture
def site_on(site: SiteFolder) -> SiteFolder:
    """The minimal site with compress on, a second article, and the user's own static files."""
    site.write("site.yaml", COMPRESS_ON)
    site.write("seeds/other.txt", OTHER_CAPTURE)
    site.page(OTHER_PAGE, "other.md")
    for path, data in USER_FILES.items():
        (site.root / path).parent.mkdir(parents=True, exist_ok=True)
        (site.root / path).write_bytes(data)
    return site


def copies_in(out: Path) -> dict[str, bytes]:
    return {path: data for path, data in snapshot(out).items() if path.endswith((".gz", ".br"))}


def stamps(out: Path, paths) -> dict[str, tuple[int, int]]:
    return {path: ((out / path).stat().st_ino, (out / path).stat().st_mtime_ns) for path in paths}


def assert_copies_hold_their_files(out: Path) -> None:
    root = out.parent  # the site folder: its static/ holds the user's own files
    for path, data in copies_in(out).items():
        if (root / path).is_file():
            continue  # the user's own, copied as it is
        original = (out / path[:-3]).read_bytes()
        unpacked = gzip.decompress(data) if path.endswith(".gz") else brotli.decompress(data)
        assert unpacked == original, f"{path} does not hold {path[:-3]}"


def test_off_by_default_no_copies_are_written(site: SiteFolder):
    out = site.root / "_site"
    result = Builder(site.root, out).build()
    assert (out / "index.html").stat().st_size > SMALL  # a file that would have copies
    assert copies_in(out) == {}
    assert result.compressed is None


def test_on_every_text_file_gets_both_copies_holding_its_bytes(site_on: SiteFolder):
    out = site_on.root / "_site"
    Builder(site_on.root, out).build()
    built = snapshot(out)
    expected = {path for path, data in built.items() if path.endswith(TEXT) and len(data) >= SMALL}
    assert {"articles/talks.html", "index.html", "static/style.css", "static/data.json", "static/notes.txt"} <= expected
    assert {"static/app.mjs", "pagefind/pagefind.js", "pagefind/pagefind-ui.css"} <= expected
    for path in expected:
        assert f"{path}.gz" in built and f"{path}.br" in built, f"{path} has no copies"
    assert_copies_hold_their_files(out)
    # The same bytes from the same page: gzip's header carries no time and no file name.
    for path in [p for p in built if p.endswith(".gz") and not (site_on.root / p).exists()]:
        header = built[path][:10]
        assert header[:3] == b"\x1f\x8b\x08" and header[3] == 0 and header[4:8] == b"\0\0\0\0", path


def test_no_copies_of_compressed_binary_or_small_files(site_on: SiteFolder):
    out = site_on.root / "_site"
    Builder(site_on.root, out).build()
    built = snapshot(out)
    pagefind_own = [p for p in built if (p.startswith("pagefind/") and ".pf_" in p) or p.endswith(".pagefind")]
    assert any(".pf_fragment" in p for p in pagefind_own) and any(p.endswith(".pagefind") for p in pagefind_own)
    for path in [*pagefind_own, "static/module.wasm", "static/picture.png", "static/small.css", "static/foo.gz"]:
        assert path in built
        assert f"{path}.gz" not in built and f"{path}.br" not in built, f"{path} should have no copies"
    small = [p for p, data in built.items() if p.endswith(TEXT) and len(data) < SMALL]
    assert small and not [p for p in small if f"{p}.gz" in built or f"{p}.br" in built]


def test_a_users_own_files_are_never_written_over_or_removed(site_on: SiteFolder):
    root, out = site_on.root, site_on.root / "_site"
    mine = gzip.compress(b"my own compressed app\n", mtime=1)
    (root / "static/app.js.gz").write_bytes(mine)
    Builder(root, out).build()
    assert (out / "static/foo.gz").read_bytes() == OWN_GZ
    assert "static/foo.gz.gz" not in snapshot(out)
    assert (out / "static/app.js.gz").read_bytes() == mine  # theirs, not a copy of app.js
    assert brotli.decompress((out / "static/app.js.br").read_bytes()) == USER_FILES["static/app.js"]

    site_on.write("site.yaml", COMPRESS_OFF)
    result = Builder(root, out).build()
    assert set(copies_in(out)) == {"static/foo.gz", "static/app.js.gz"}
    assert (out / "static/foo.gz").read_bytes() == OWN_GZ and (out / "static/app.js.gz").read_bytes() == mine
    assert "static/app.js.br" in result.compressed.removed and "static/foo.gz" not in result.compressed.removed

    # Their file gone, with compress on again: app.js gets its own gzip copy.
    site_on.write("site.yaml", COMPRESS_ON)
    Builder(root, out).build()
    (root / "static/app.js.gz").unlink()
    Builder(root, out).build()
    assert gzip.decompress((out / "static/app.js.gz").read_bytes()) == USER_FILES["static/app.js"]
    assert (out / "static/foo.gz").read_bytes() == OWN_GZ


def test_an_edited_page_has_its_copies_made_again_and_the_others_are_untouched(site_on: SiteFolder, tmp_path):
    root, out = site_on.root, site_on.root / "_site"
    builder = Builder(root, out)
    builder.build()
    before = stamps(out, copies_in(out))
    edited = ["articles/talks.html", "captures/talks.html"]
    site_on.edit_page("A short summary.", "A short summary, edited. " + LINE)
    result = builder.build()
    assert sorted(result.rendered) == edited
    ours = sorted(path for path in result.compressed.written if not path.startswith("pagefind/"))
    assert ours == sorted(f"{path}{suffix}" for path in edited for suffix in (".br", ".gz"))
    page = (out / "articles/talks.html").read_bytes()
    assert b"A short summary, edited." in page
    assert gzip.decompress((out / "articles/talks.html.gz").read_bytes()) == page
    assert brotli.decompress((out / "articles/talks.html.br").read_bytes()) == page
    after = stamps(out, copies_in(out))
    changed = sorted(path for path in before if after.get(path) != before[path] and not path.startswith("pagefind/"))
    assert changed == ours
    assert_copies_hold_their_files(out)
    assert_same_as_clean_build(root, out, tmp_path)

    # An edit the lists show: the whole site is planned again, and only the rendered pages' copies are made.
    before = stamps(out, copies_in(out))
    site_on.edit_page("title: Huawei talks to AT&T", "title: Huawei talks to AT&T, retitled")
    result = builder.build()
    assert not result.full and "index.html" in result.rendered and "articles/other.html" not in result.rendered
    after = stamps(out, copies_in(out))
    changed = {path[:-3] for path in before if after.get(path) != before[path] and not path.startswith("pagefind/")}
    assert changed and changed <= set(result.rendered)
    assert {"static/style.css.gz", "articles/other.html.br"} <= {p for p in before if after.get(p) == before[p]}
    assert_same_as_clean_build(root, out, tmp_path)


def test_a_removed_page_takes_its_copies_with_it(site_on: SiteFolder, tmp_path):
    root, out = site_on.root, site_on.root / "_site"
    Builder(root, out).build()
    gone = ["articles/other.html", "captures/other.html", "companies/xiaomi.html"]
    assert all(f"{path}{suffix}" in copies_in(out) for path in gone for suffix in (".gz", ".br"))
    (root / "content/other.md").unlink()
    result = Builder(root, out).build()  # a fresh Builder: the state comes from the cache
    assert not result.full
    left = copies_in(out)
    assert not [path for path in left if path.startswith(tuple(gone))]
    removed = result.compressed.removed
    assert {f"{path}{suffix}" for path in gone for suffix in (".br", ".gz")} <= set(removed)
    for path in removed:  # the others: of files now too small for copies (the data files list one article less)
        assert not (out / path[:-3]).exists() or (out / path[:-3]).stat().st_size < SMALL, path
    assert_same_as_clean_build(root, out, tmp_path)


def test_turning_compress_off_removes_every_copy_and_on_makes_them_again(site_on: SiteFolder, tmp_path):
    root, out = site_on.root, site_on.root / "_site"
    builder = Builder(root, out)
    builder.build()
    made = copies_in(out)
    assert len(made) > 20
    site_on.write("site.yaml", COMPRESS_OFF)
    result = builder.build()
    assert not result.full
    assert set(copies_in(out)) == {"static/foo.gz"}
    assert_same_as_clean_build(root, out, tmp_path)
    site_on.write("site.yaml", COMPRESS_ON)
    result = builder.build()
    assert not result.full
    assert copies_in(out) == made  # static files not copied again get their copies too
    assert_same_as_clean_build(root, out, tmp_path)


def test_two_builds_of_the_same_site_are_byte_identical(site_on: SiteFolder, tmp_path, monkeypatch):
    first, second = tmp_path / "first", tmp_path / "second"
    Builder(site_on.root, first, cache=False).build()
    now = time.time
    monkeypatch.setattr(time, "time", lambda: now() + 86400)  # a day later: nothing may depend on the clock
    Builder(site_on.root, second, cache=False).build()
    assert len(copies_in(first)) > 20
    assert snapshot(first) == snapshot(second)


def test_incremental_rebuilds_with_compress_on_equal_clean_builds(site_on: SiteFolder, tmp_path):
    root, out = site_on.root, site_on.root / "_site"
    builder = Builder(root, out)
    assert builder.build().full
    steps = {
        "a body edited": lambda: site_on.edit_page("A short summary.", "A short summary, changed. " + LINE),
        "a title edited": lambda: site_on.edit_page("title: Huawei talks to AT&T", "title: Huawei talks on"),
        "a static file edited": lambda: (root / "static/notes.txt").write_text(LINE * 60, encoding="utf-8"),
        "a static file shrunk below the least size": lambda: (root / "static/notes.txt").write_text("short\n"),
        "a static file added": lambda: (root / "static/more.css").write_text("a { color: red; }\n" * 80),
        "a capture grown": lambda: (root / "seeds/other.txt").write_text(OTHER_CAPTURE + LINE * 30),
        "a capture shrunk": lambda: (root / "seeds/other.txt").write_text(OTHER_CAPTURE + LINE),
        "a page added": lambda: (
            site_on.write("seeds/third.txt", OTHER_CAPTURE),
            site_on.page(OTHER_PAGE.replace("seed: other.txt", "seed: third.txt"), "third.md"),
        ),
        "a page removed": lambda: (root / "content/third.md").unlink(),
        "the user's own copy of a file added": lambda: (root / "static/more.css.gz").write_bytes(OWN_GZ),
        "compress turned off": lambda: site_on.write("site.yaml", COMPRESS_OFF),
        "compress turned on": lambda: site_on.write("site.yaml", COMPRESS_ON),
        "the user's own copy removed": lambda: (root / "static/more.css.gz").unlink(),
    }
    for name, step in steps.items():
        step()
        result = builder.build()
        assert not result.full, f"after {name}: the rebuild was not incremental"
        try:
            assert_same_as_clean_build(root, out, tmp_path)
            assert_copies_hold_their_files(out)
        except AssertionError as differs:
            pytest.fail(f"after {name}: {differs}")
    assert "static/notes.txt.gz" not in copies_in(out)  # too small since
    assert "captures/other.txt.gz" not in copies_in(out)
    assert gzip.decompress((out / "static/more.css.gz").read_bytes()) == (out / "static/more.css").read_bytes()
    # Nothing changed: nothing is compressed, and the copies all stay.
    before = stamps(out, copies_in(out))
    result = Builder(root, out).build()
    assert result.up_to_date and stamps(out, copies_in(out)) == before


@pytest.mark.parametrize("path", ["in place", "fresh"])
def test_a_build_failing_while_it_compresses_leaves_the_previous_site(site_on: SiteFolder, tmp_path, monkeypatch, path):
    root, out = site_on.root, site_on.root / "_site"
    Builder(root, out, jobs=1).build()
    site_on.edit_page("A short summary.", "A short summary, never published. " + LINE)
    if path == "fresh":
        site_on.write("site.yaml", COMPRESS_ON.replace("title: Test Site", "title: Test Site, renamed"))
        shutil.rmtree(root / ".cache")  # no state: a full build into a new folder
    before = snapshot(out)
    calls = []

    def full_disk(data: bytes, quality: int) -> bytes:
        # The disk fills up after the first page's copies: they are made, and must not reach the site.
        if data.startswith(b"<!doctype html>"):
            calls.append(len(data))
            if len(calls) > 1:
                raise OSError(28, "No space left on device")
        return real(data, quality)

    real = compress._MAKERS[".br"]

    monkeypatch.setitem(compress._MAKERS, ".br", full_disk)
    builder = Builder(root, out, jobs=1)
    with pytest.raises(OSError):
        builder.build()
    assert len(calls) == 2, "the build did not fail where the test meant it to"
    assert snapshot(out) == before
    assert not [p for p in root.iterdir() if p.name.startswith(("._site.", ".site."))], "a temporary folder is left"
    monkeypatch.undo()
    monkeypatch.setattr(files, "_SETTLE_NS", -(10**12))
    Builder(root, out).build()
    assert b"never published" in (out / "articles/talks.html").read_bytes()
    assert_same_as_clean_build(root, out, tmp_path)


def test_pagefinds_scripts_get_copies_made_with_its_folder(site_on: SiteFolder):
    root, out = site_on.root, site_on.root / "_site"
    builder = Builder(root, out)
    builder.build()
    first = (out / "pagefind/pagefind.js.br").read_bytes()
    assert brotli.decompress(first) == (out / "pagefind/pagefind.js").read_bytes()
    site_on.edit_page("title: Huawei talks to AT&T", "title: Huawei talks to AT&T again")
    result = builder.build()
    assert result.search_seconds is not None  # indexed again: a new folder
    assert "pagefind/pagefind.js.gz" in result.compressed.written
    assert_copies_hold_their_files(out)
    assert not [p for p in os.listdir(out / "pagefind") if p.startswith(".")]
