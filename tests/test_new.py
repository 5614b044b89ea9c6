"""`new` and the command line's manners: a new site checks and builds at once, a folder that holds
anything is refused and left as it was, and the options work where users put them."""

from __future__ import annotations

import io
import json
import subprocess
import sys

import pytest
import yaml
from conftest import PROJECT, run_cli, snapshot

from microsite import __version__
from microsite.commands import new as new_command
from microsite.commands import schema


def test_new_site_checks_and_builds(tmp_path):
    made = run_cli("new", str(tmp_path / "chip-exports"), cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    root = tmp_path / "chip-exports"
    assert "cd chip-exports && build.py serve" in made.stdout
    files = {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()}
    assert {
        "site.yaml",
        ".gitignore",
        "README.md",
        "requirements.txt",
        ".github/workflows/pages.yml",
        "schemas/site.schema.json",
        "schemas/front-matter.schema.json",
    } <= files
    pages = list((root / "content").glob("*.md"))
    assert len(pages) == 1
    assert (root / "seeds" / yaml.safe_load(pages[0].read_text().split("---")[1])["seed"]).is_file()
    assert yaml.safe_load((root / "site.yaml").read_text())["title"] == "Chip exports"
    assert "# Chip exports" in (root / "README.md").read_text()

    checked = run_cli("--site", str(root), "check")
    assert checked.returncode == 0, checked.stderr
    assert "1 article, 2 claims, 2 comments, 2 companies and 2 sources: all checks passed." in checked.stdout
    built = run_cli("build", "--site", str(root))  # --site after the command
    assert built.returncode == 0, built.stderr
    slug = pages[0].stem
    home = (root / "_site" / "index.html").read_text(encoding="utf-8")
    assert "<strong>1</strong> article</a>" in home  # one of each, said in the singular
    assert (root / "_site" / "articles" / f"{slug}.html").is_file()
    # The new site's .gitignore keeps what a build writes out of the repository.
    ignored = (root / ".gitignore").read_text().split()
    assert "_site/" in ignored and ".cache/" in ignored


def test_new_site_schemas_are_the_generated_ones(tmp_path):
    root = tmp_path / "s"
    new_command.new(root)
    for name, text in schema.generate().items():
        assert (root / "schemas" / name).read_text(encoding="utf-8") == text
    first = (root / "site.yaml").read_text().splitlines()[0]
    assert first == "# yaml-language-server: $schema=schemas/site.schema.json"


def test_a_title_is_written_as_yaml_text_whatever_it_holds(tmp_path):
    title = 'Export controls: "entity list" #1 & more'
    root = tmp_path / "s"
    new_command.new(root, title)
    assert yaml.safe_load((root / "site.yaml").read_text())["title"] == title


@pytest.mark.parametrize("kind", ["file-inside", "hidden-file", "a-file"])
def test_new_refuses_anything_not_empty_and_leaves_it(tmp_path, kind):
    target = tmp_path / "taken"
    if kind == "a-file":
        target.write_text("my notes\n")
    else:
        target.mkdir()
        (target / ("notes.txt" if kind == "file-inside" else ".git")).write_text("mine\n")
    before = target.read_bytes() if target.is_file() else snapshot(target)
    result = run_cli("new", str(target), cwd=tmp_path)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "taken" in result.stderr and "never writes over anything" in result.stderr
    assert "hint: name a folder that does not exist yet, or an empty one" in result.stderr
    after = target.read_bytes() if target.is_file() else snapshot(target)
    assert after == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["taken"]  # no temporary folder left beside it


def test_new_fills_an_empty_folder(tmp_path):
    target = tmp_path / "empty"
    target.mkdir()
    new_command.new(target)
    assert (target / "site.yaml").is_file()


def test_requirement_pins_the_commit_a_git_install_came_from(monkeypatch):
    record = {"url": "https://github.com/someone/microsite", "vcs_info": {"vcs": "git", "commit_id": "ab" * 20}}
    monkeypatch.setattr(new_command.metadata, "distribution", lambda name: _Dist(json.dumps(record)))
    assert new_command._requirement() == (f"microsite @ git+https://github.com/someone/microsite@{'ab' * 20}", [])


def test_requirement_from_a_local_install_asks_for_the_index_and_says_so(monkeypatch):
    monkeypatch.setattr(new_command.metadata, "distribution", lambda name: _Dist('{"url": "file:///x/m.whl"}'))
    requirement, notes = new_command._requirement()
    assert requirement == f"microsite=={__version__}"
    assert notes and "cannot reach" in notes[0]


class _Dist:
    def __init__(self, text):
        self.text = text

    def read_text(self, name):
        return self.text if name == "direct_url.json" else None


# ---- the command line's manners ---------------------------------------------------------------------------


def test_version():
    result = run_cli("--version")
    assert result.returncode == 0
    assert result.stdout.startswith(f"build.py {__version__} ")


def test_module_entry_is_the_microsite_command(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "microsite", "--help"], cwd=PROJECT, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0
    assert result.stdout.startswith("usage: microsite ")
    assert "examples:" in result.stdout and "microsite new my-research" in result.stdout


@pytest.mark.parametrize("command", ["build", "check", "ingest", "serve", "deploy", "new", "schema"])
def test_every_command_has_examples_in_its_help(command):
    result = run_cli(command, "--help")
    assert result.returncode == 0
    examples = result.stdout.split("examples:", 1)[1]
    assert f"build.py {command}" in examples


def test_notes_go_to_standard_error_and_quiet_leaves_them_out(project_copy, tmp_path):
    out = tmp_path / "out"
    loud = run_cli("--site", str(project_copy), "build", "--out", str(out))
    assert loud.returncode == 0, loud.stderr
    assert loud.stdout.startswith("Built ")
    assert "no base_url" not in loud.stdout
    assert "note: no base_url" in loud.stderr
    quiet = run_cli("build", "--out", str(out), "-q", "--site", str(project_copy))
    assert quiet.returncode == 0, quiet.stderr
    assert (quiet.stdout, quiet.stderr) == ("", "")


def test_verbose_says_how_the_build_went(project_copy, tmp_path):
    result = run_cli("-v", "--site", str(project_copy), "build", "--out", str(tmp_path / "out"), "--jobs", "1")
    assert result.returncode == 0, result.stderr
    assert "pages rendered" in result.stderr and "rendered in this process" in result.stderr


def test_quiet_still_reports_problems(site):
    site.edit_page("status: reported", "status: rumor")
    result = site.run("check", "-q")
    assert result.returncode == 1
    assert result.stdout == ""
    assert "claims[0].status: `rumor` is not allowed here" in result.stderr


@pytest.mark.parametrize(
    ("tty", "no_color", "coloured"), [(True, None, True), (True, "1", False), (False, None, False)]
)
def test_labels_are_coloured_on_a_terminal_only_and_never_with_no_color(monkeypatch, tty, no_color, coloured):
    from microsite.console import Console

    class Stream(io.StringIO):
        def isatty(self):
            return tty

    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("TERM", "xterm-256color")
    if no_color is not None:
        monkeypatch.setenv("NO_COLOR", no_color)
    err = Stream()
    Console(err=err).warning("hello")
    assert ("\033[" in err.getvalue()) is coloured
    assert "warning:" in err.getvalue() and "hello" in err.getvalue()
