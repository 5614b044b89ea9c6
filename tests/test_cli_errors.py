"""Problems through the command line: exit status 1, `file:line:` locations and hints on
stderr, never a traceback; a failed or refused build never touches what is already there."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import GOOD_PAGE, MINIMAL_SITE_YAML

from microsite.build.writer import MARKER


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under `folder`, by relative path, with its bytes."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def assert_failed_cleanly(result) -> None:
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert "Traceback" not in result.stdout


# ---- bad content: exit 1, a location, a hint, no traceback ---------------------------


@pytest.mark.parametrize("command", ["check", "build"])
def test_bad_page_reports_location_and_hint(site, command):
    site.edit_page("status: reported", "status: rumor")  # line 16 of GOOD_PAGE
    result = site.run(command)
    assert_failed_cleanly(result)
    assert "content/talks.md:16: claims[0].status: `rumor` is not allowed here" in result.stderr
    assert "hint: use one of: reported, rumour" in result.stderr
    assert "1 problem found; nothing was written." in result.stderr
    assert not (site.root / "_site").exists()


@pytest.mark.parametrize(
    ("break_site", "location"),
    [
        pytest.param(
            lambda s: s.edit_page("companies: [Huawei, AT&T]", "companies: Huawei"),
            "content/talks.md:7: companies:",
            id="wrong-type",
        ),
        pytest.param(
            lambda s: s.edit_page("    statement: Huawei", "      statement: Huawei"),
            "content/talks.md:12:",
            id="broken-yaml",
        ),
        pytest.param(
            lambda s: s.edit_page("    statement: Huawei", "\tstatement: Huawei"),
            "content/talks.md:12:",
            id="tab",
        ),
        pytest.param(lambda s: s.page(GOOD_PAGE[len("---\n") :]), "content/talks.md:1:", id="no-front-matter"),
        pytest.param(
            lambda s: (s.root / "content" / "talks.md").write_bytes(GOOD_PAGE.encode().replace(b"PhoneArena", b"\xff")),
            "content/talks.md:3:",
            id="not-utf8",
        ),
        pytest.param(
            lambda s: s.edit_page("seed: capture.txt", "seed: ../site.yaml"),
            "content/talks.md:6: seed:",
            id="seed-path",
        ),
        pytest.param(
            lambda s: s.edit_page("quote: Huawei is reportedly", "quote: Xiaomi is reportedly"),
            "content/talks.md:13: claims[0].quote:",
            id="quote-not-in-capture",
        ),
        pytest.param(
            lambda s: s.write("site.yaml", MINIMAL_SITE_YAML.replace("description:", " description:")),
            "site.yaml:2:",
            id="site-yaml-broken",
        ),
        pytest.param(lambda s: (s.root / "site.yaml").unlink(), "site.yaml: is missing", id="site-yaml-missing"),
    ],
)
@pytest.mark.parametrize("command", ["check", "build"])
def test_every_kind_of_problem_fails_cleanly(site, command, break_site, location):
    break_site(site)
    result = site.run(command)
    assert_failed_cleanly(result)
    assert location in result.stderr
    assert "\n    hint: " in result.stderr
    assert result.stdout == ""


def test_several_problems_all_printed(site):
    site.edit_page("status: reported", "status: rumor")
    site.page("no front matter\n", "second.md")
    result = site.run("check")
    assert_failed_cleanly(result)
    assert "content/second.md:1:" in result.stderr
    assert "content/talks.md:16:" in result.stderr
    assert result.stderr.count("hint:") == 2
    assert "2 problems found" in result.stderr


# ---- a good site ---------------------------------------------------------------------


def test_good_site_checks(site):
    result = site.run("check")
    assert result.returncode == 0, result.stderr
    assert "all checks passed" in result.stdout
    assert result.stderr == ""
    assert not (site.root / "_site").exists(), "check must write nothing"


def test_good_site_builds_and_rebuilds(site):
    first = site.run("build")
    assert first.returncode == 0, first.stderr
    out = site.root / "_site"
    assert (out / "index.html").is_file()
    assert (out / "articles" / "talks.html").is_file()
    assert (out / MARKER).is_file()
    second = site.run("build")  # replacing its own output is fine
    assert second.returncode == 0, second.stderr
    assert (out / "articles" / "talks.html").is_file()


def test_build_into_an_empty_existing_folder(site, tmp_path):
    out = tmp_path / "empty"
    out.mkdir()
    result = site.run("build", "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert (out / "index.html").is_file()


# ---- a failed build keeps the last good site -----------------------------------------


@pytest.mark.parametrize(
    "break_site",
    [
        pytest.param(lambda s: s.edit_page("status: reported", "status: rumor"), id="bad-value"),
        pytest.param(lambda s: s.edit_page("companies: [Huawei, AT&T]", "companies: [Huawei"), id="broken-yaml"),
        pytest.param(lambda s: (s.root / "seeds" / "capture.txt").unlink(), id="missing-capture"),
    ],
)
def test_failed_build_leaves_previous_output_byte_identical(site, break_site):
    assert site.run("build").returncode == 0
    out = site.root / "_site"
    before = snapshot(out)
    assert "index.html" in before and "articles/talks.html" in before

    break_site(site)
    result = site.run("build")
    assert_failed_cleanly(result)
    assert snapshot(out) == before
    leftovers = [p.name for p in site.root.iterdir() if p.name.startswith("._site")]
    assert leftovers == [], "temporary build folders were left behind"


# ---- the output folder is never someone else's ---------------------------------------


def test_build_refuses_a_folder_it_did_not_make(site, tmp_path):
    out = tmp_path / "my-files"
    out.mkdir()
    (out / "notes.txt").write_text("my own notes\n", encoding="utf-8")
    result = site.run("build", "--out", str(out))
    assert_failed_cleanly(result)
    assert "was not made by this tool" in result.stderr
    assert "hint:" in result.stderr
    assert snapshot(out) == {"notes.txt": b"my own notes\n"}


def test_build_refuses_the_default_output_folder_holding_user_files(site):
    out = site.root / "_site"
    out.mkdir()
    (out / "keep.html").write_text("<p>mine</p>\n", encoding="utf-8")
    result = site.run("build")
    assert_failed_cleanly(result)
    assert "was not made by this tool" in result.stderr
    assert snapshot(out) == {"keep.html": b"<p>mine</p>\n"}


def test_build_refuses_an_existing_file_as_output(site, tmp_path):
    out = tmp_path / "site.html"
    out.write_text("a file\n", encoding="utf-8")
    result = site.run("build", "--out", str(out))
    assert_failed_cleanly(result)
    assert out.read_text(encoding="utf-8") == "a file\n"


@pytest.mark.parametrize(
    ("out", "holds"),
    [
        pytest.param(".", "holds content/", id="site-folder"),
        pytest.param("content", "is content/", id="content"),
        pytest.param("seeds", "is seeds/", id="seeds"),
        pytest.param("..", "holds content/", id="parent-of-site"),
        # Inside a watched folder, the preview would rebuild on its own output for ever.
        pytest.param("content/_site", "is inside content/", id="inside-content"),
        pytest.param("seeds/out", "is inside seeds/", id="inside-seeds"),
        # Not there yet, but the next build would read an output folder there as its templates or static files.
        pytest.param("templates", "is templates/", id="templates"),
        pytest.param("static/site", "is inside static/", id="inside-static"),
    ],
)
def test_build_refuses_the_site_itself_as_output(site, out, holds):
    before = snapshot(site.root)
    result = site.run("build", "--out", out)
    assert_failed_cleanly(result)
    assert "cannot be the output folder" in result.stderr
    assert f"it {holds}" in result.stderr
    assert "hint:" in result.stderr
    assert snapshot(site.root) == before


def test_build_refuses_the_site_folder_given_as_absolute_path(site):
    before = snapshot(site.root)
    result = site.run("build", "--out", str(site.root))
    assert_failed_cleanly(result)
    assert "cannot be the output folder" in result.stderr
    assert snapshot(site.root) == before
    assert not (site.root / "index.html").exists()
