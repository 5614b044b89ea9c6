"""Publishing to GitHub Pages: `build.py deploy` into a local bare repository, and the Actions workflow.

Every deploy here pushes to a bare repository in a temporary folder standing in for GitHub;
what lands on its gh-pages branch is read back with git and compared with a separate build.
"""

from __future__ import annotations

import shlex
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import PROJECT, require, run_cli

from microsite import cli
from microsite.build.writer import MARKER
from microsite.commands import deploy as deploy_module
from microsite.commands.deploy import github_pages_address

URL = "https://example.github.io/repo/"


pytestmark = pytest.mark.usefixtures("isolated_git")  # conftest.py


def require_git() -> None:
    require(shutil.which("git") is not None, "git", "install git (apt-get install git)")


def git(where: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=where, capture_output=True, text=True, check=True).stdout.strip()


def site_copy(root: Path) -> Path:
    site = root / "site"
    site.mkdir(parents=True)
    shutil.copy(PROJECT / "site.yaml", site / "site.yaml")
    for name in ("content", "seeds"):
        shutil.copytree(PROJECT / name, site / name)
    return site


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """The project's site in its own git repository (branch main, one commit), with a bare `origin`."""
    require_git()
    site = site_copy(tmp_path)
    git(site, "init", "-q", "-b", "main")
    git(site, "add", "-A")
    git(site, "commit", "-q", "-m", "The research site")
    git(tmp_path, "init", "-q", "--bare", "origin.git")
    git(site, "remote", "add", "origin", str(tmp_path / "origin.git"))
    return site


def deploy(site: Path, *args: str) -> subprocess.CompletedProcess:
    return run_cli("--site", str(site), "deploy", *args, cwd=site)


def published_files(bare: Path, branch: str = "gh-pages") -> dict[str, bytes]:
    paths = git(bare, "ls-tree", "-r", "-z", "--name-only", branch).strip("\0").split("\0")
    return {
        path: subprocess.run(["git", "show", f"{branch}:{path}"], cwd=bare, capture_output=True, check=True).stdout
        for path in paths
    }


def folder_files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def user_state(site: Path) -> tuple[str, str, str]:
    return (
        git(site, "rev-parse", "HEAD"),
        git(site, "symbolic-ref", "HEAD"),
        git(site, "status", "--porcelain", "--untracked-files=all", "--ignored"),
    )


def assert_refused(done: subprocess.CompletedProcess, *expected: str) -> None:
    assert done.returncode == 1, done.stdout + done.stderr
    assert "Traceback" not in done.stderr, done.stderr
    for text in expected:
        assert text in done.stderr, f"{text!r} not in:\n{done.stderr}"


# ---- publishing -------------------------------------------------------------------------------


def test_deploy_publishes_exactly_the_built_site_and_leaves_the_user_alone(repo: Path, tmp_path: Path):
    before = user_state(repo)
    assert before[2] == "", "test setup: the working tree starts clean"
    done = deploy(repo, "--base-url", URL)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    assert user_state(repo) == before, "deploy changed the user's branch or working tree"

    bare = tmp_path / "origin.git"
    published = published_files(bare)
    expected_build = run_cli("--site", str(repo), "build", "--out", str(tmp_path / "expected"), "--base-url", URL)
    assert expected_build.returncode == 0, expected_build.stderr
    expected = folder_files(tmp_path / "expected")
    del expected[MARKER]  # the build's own bookkeeping, not part of the site
    assert set(published) == {*expected, ".nojekyll"}
    for path, data in expected.items():
        assert published[path] == data, f"{path} differs from a build with the same base_url"
    assert published[".nojekyll"] == b""
    assert URL.removeprefix("https://example.github.io") in published["404.html"].decode()  # built for /repo/

    tip = git(bare, "rev-parse", "gh-pages")
    for shown in (tip[:12], "gh-pages", "origin", URL):
        assert shown in done.stdout, f"{shown!r} not in the report:\n{done.stdout}"
    assert git(repo, "rev-parse", "refs/remotes/origin/gh-pages") == tip


def test_deploying_again_adds_a_commit_and_out_keeps_the_build(repo: Path, tmp_path: Path):
    bare = tmp_path / "origin.git"
    assert deploy(repo, "--base-url", URL).returncode == 0
    first = git(bare, "rev-parse", "gh-pages")

    kept = tmp_path / "kept"
    done = deploy(repo, "--base-url", URL, "--out", str(kept), "--message", "Second <publication> & more")
    assert done.returncode == 0, done.stderr
    assert git(bare, "rev-list", "--count", "gh-pages") == "2"
    assert git(bare, "rev-parse", "gh-pages^") == first
    assert git(bare, "log", "-1", "--format=%s", "gh-pages") == "Second <publication> & more"
    assert "Site built from " + git(repo, "rev-parse", "--short", "HEAD") in git(bare, "log", "--format=%s", first)

    built = folder_files(kept)
    assert MARKER in built, "--out keeps an output folder the next build may replace"
    del built[MARKER]
    assert published_files(bare) == {**built, ".nojekyll": b""}


def test_a_clone_that_never_saw_gh_pages_publishes_on_top_of_it(repo: Path, tmp_path: Path):
    """Another clone deployed meanwhile: deploy fetches the published branch, so its push fast-forwards."""
    bare = tmp_path / "origin.git"
    git(repo, "push", "-q", "origin", "main")
    git(tmp_path, "clone", "-q", "-b", "main", str(bare), "other")
    assert deploy(repo, "--base-url", URL).returncode == 0
    first = git(bare, "rev-parse", "gh-pages")

    done = deploy(tmp_path / "other", "--base-url", URL)
    assert done.returncode == 0, done.stderr
    assert git(bare, "rev-parse", "gh-pages^") == first


def test_the_custom_domain_set_in_settings_survives_a_deploy(repo: Path, tmp_path: Path):
    """Settings → Pages records a custom domain as a CNAME commit on gh-pages; a deploy must not drop it."""
    bare = tmp_path / "origin.git"
    assert deploy(repo, "--base-url", URL).returncode == 0
    settings = tmp_path / "settings"
    git(tmp_path, "clone", "-q", "-b", "gh-pages", str(bare), "settings")
    (settings / "CNAME").write_text("research.example.org")
    git(settings, "add", "CNAME")
    git(settings, "commit", "-q", "-m", "Create CNAME")
    git(settings, "push", "-q", "origin", "gh-pages")

    done = deploy(repo, "--base-url", "https://research.example.org/")
    assert done.returncode == 0, done.stderr
    published = published_files(bare)
    assert published["CNAME"].decode().strip() == "research.example.org"
    assert git(bare, "rev-list", "--count", "gh-pages") == "3"


def test_no_push_commits_locally_only(repo: Path, tmp_path: Path):
    before = user_state(repo)
    done = deploy(repo, "--base-url", URL, "--no-push", "--branch", "pages-preview")
    assert done.returncode == 0, done.stderr
    assert git(tmp_path / "origin.git", "for-each-ref") == "", "--no-push pushed something"
    local = published_files(repo, "pages-preview")
    assert "index.html" in local and ".nojekyll" in local
    assert git(repo, "rev-parse", "pages-preview")[:12] in done.stdout
    assert "git push origin pages-preview" in done.stdout
    assert user_state(repo) == before


# ---- refusals: exit 1, a clear message, no traceback, nothing published -------------------------


@pytest.mark.parametrize(
    ("remote", "address"),
    [
        ("git@github.com:Example-User/some-repo.git", "https://example-user.github.io/some-repo/"),
        ("https://github.com/example-user/some-repo", "https://example-user.github.io/some-repo/"),
        ("https://github.com/example-user/some-repo.git/", "https://example-user.github.io/some-repo/"),
        ("ssh://git@github.com/example-user/Some.Repo.git", "https://example-user.github.io/Some.Repo/"),
        ("git@github.com:Example-User/example-user.github.io.git", "https://example-user.github.io/"),
        ("https://gitlab.com/example-user/some-repo.git", None),
        ("https://notgithub.com/example-user/some-repo.git", None),
    ],
)
def test_github_pages_address_from_the_remote(remote: str, address: str | None):
    assert github_pages_address(remote) == address


def test_no_base_url_is_refused_with_the_address_derived_from_the_github_remote(repo: Path):
    git(repo, "remote", "set-url", "origin", "git@github.com:Example-User/some-repo.git")
    done = deploy(repo)
    assert_refused(done, "site.yaml", "base_url", "https://example-user.github.io/some-repo/", "--base-url")
    assert subprocess.run(["git", "rev-parse", "--verify", "-q", "gh-pages"], cwd=repo).returncode != 0


def test_a_site_outside_a_git_repository_is_refused(tmp_path: Path):
    require_git()
    site = site_copy(tmp_path)
    assert_refused(deploy(site, "--base-url", URL), "is not in a git repository")


def test_a_missing_remote_is_refused(repo: Path):
    assert_refused(deploy(repo, "--base-url", URL, "--remote", "upstream"), "no remote named `upstream`", "origin")
    git(repo, "remote", "remove", "origin")
    assert_refused(deploy(repo, "--base-url", URL), "no remote named `origin`", "git remote add origin")


def test_deploying_to_the_checked_out_branch_is_refused(repo: Path, tmp_path: Path):
    git(repo, "switch", "-q", "-c", "gh-pages")
    before = user_state(repo)
    assert_refused(deploy(repo, "--base-url", URL), "`gh-pages` is checked out here")
    assert user_state(repo) == before
    assert git(tmp_path / "origin.git", "for-each-ref") == ""


def test_missing_git_is_refused(repo: Path, tmp_path: Path, monkeypatch):
    no_tools = tmp_path / "no-tools"
    no_tools.mkdir()
    monkeypatch.setenv("PATH", str(no_tools))
    assert_refused(deploy(repo, "--base-url", URL), "git is not installed")


def test_a_failed_push_shows_gits_message(repo: Path, tmp_path: Path):
    hook = tmp_path / "origin.git" / "hooks" / "pre-receive"
    hook.write_text("#!/bin/sh\necho 'the test hook refuses every push' >&2\nexit 1\n")
    hook.chmod(0o755)
    done = deploy(repo, "--base-url", URL)
    assert_refused(done, "the test hook refuses every push", "pushing branch gh-pages to origin", "failed")
    assert git(tmp_path / "origin.git", "for-each-ref") == ""
    assert git(repo, "rev-parse", "gh-pages")[:12] in done.stderr, "the hint names the commit left on the branch"


# ---- GitHub's limits: a file over 100 MiB, a site over 1 GB ------------------------------------
# The five-article site is far under both, so these tests lower the limits in the deploy module and run the
# command in this process. The bare `origin` stands in for GitHub: it is given a github.com address.


def deploy_here(site: Path, capsys, *args: str) -> tuple[int, str, str]:
    code = cli.main(["--site", str(site), "deploy", "--base-url", URL, *args])
    out, err = capsys.readouterr()
    return code, out, err


def on_github(monkeypatch) -> None:
    monkeypatch.setattr(deploy_module._Git, "remote_url", lambda self, remote: "https://github.com/example/repo.git")


def largest_file(folder: Path) -> tuple[str, int]:
    size, path = max((p.stat().st_size, p) for p in folder.rglob("*") if p.is_file() and p.name != MARKER)
    return path.relative_to(folder).as_posix(), size


def test_a_file_github_would_refuse_stops_the_deploy_before_anything_is_committed(repo, tmp_path, capsys, monkeypatch):
    kept = tmp_path / "kept"
    assert deploy(repo, "--base-url", URL, "--no-push", "--out", str(kept)).returncode == 0
    git(repo, "branch", "-D", "gh-pages")
    name, size = largest_file(kept)
    monkeypatch.setattr(deploy_module, "GITHUB_FILE_LIMIT", size - 1)  # only the largest file is over
    on_github(monkeypatch)
    before = user_state(repo)

    code, out, err = deploy_here(repo, capsys)
    assert code == 1, out + err
    assert "GitHub refuses a push that holds a file over 100 MiB, and the built site has 1: " + name in err
    assert "hint: publish the built folder" in err and "nothing was published" in err and "Traceback" not in err
    assert git(tmp_path / "origin.git", "for-each-ref") == "", "nothing may be pushed"
    assert git(repo, "branch", "--list", "gh-pages") == "", "nothing may be committed"
    assert user_state(repo) == before


def test_without_a_push_to_github_a_file_over_the_limit_is_a_warning(repo, tmp_path, capsys, monkeypatch):
    kept = tmp_path / "kept"
    assert deploy(repo, "--base-url", URL, "--no-push", "--out", str(kept)).returncode == 0
    name, size = largest_file(kept)
    monkeypatch.setattr(deploy_module, "GITHUB_FILE_LIMIT", size - 1)
    on_github(monkeypatch)

    code, out, err = deploy_here(repo, capsys, "--no-push")  # the branch may be pushed to another host
    assert code == 0, err
    assert "Committed" in out
    assert f"warning: GitHub refuses a push that holds a file over 100 MiB: {name} ({size / 10**6:,.1f} MB)" in err


def test_a_site_over_a_gigabyte_is_published_with_a_warning(repo, tmp_path, capsys, monkeypatch):
    kept = tmp_path / "kept"
    code, out, err = deploy_here(repo, capsys, "--out", str(kept))
    assert code == 0 and "warning" not in err, err  # the real limits: the five-article site is far under them
    total = sum(p.stat().st_size for p in kept.rglob("*") if p.is_file() and p.name != MARKER)

    monkeypatch.setattr(deploy_module, "PAGES_SITE_LIMIT", total - 1)
    code, out, err = deploy_here(repo, capsys)
    assert code == 0 and "Published" in out, err
    assert git(tmp_path / "origin.git", "rev-list", "--count", "gh-pages") == "2", "it was published all the same"
    assert (
        f"warning: the built site is {total / 10**6:,.1f} MB, and GitHub Pages publishes sites of at most 1 GB" in err
    )


# ---- the GitHub Actions workflow and the Makefile --------------------------------------------


@pytest.mark.parametrize("target", ["build", "deploy"])
def test_makefile_passes_base_url_only_when_set(target: str):
    require(shutil.which("make") is not None, "make", "install make (apt-get install make)")

    def command(*variables: str) -> list[str]:
        dry = subprocess.run(["make", "-n", target, *variables], cwd=PROJECT, capture_output=True, text=True)
        assert dry.returncode == 0, dry.stderr
        [line] = [line for line in dry.stdout.splitlines() if "build.py" in line]
        words = shlex.split(line)
        return words[words.index("build.py") + 1 :]

    assert command(f"BASE_URL={URL}") == [target, "--base-url", URL]
    assert command() == [target]


def test_a_commit_git_cannot_write_is_reported_with_a_hint(repo: Path, tmp_path: Path):
    # A lock file left by a stopped git command: fast-import cannot update the branch.
    (repo / ".git" / "refs" / "heads" / "gh-pages.lock").write_text("", encoding="utf-8")
    before = user_state(repo)
    done = deploy(repo, "--base-url", URL)
    assert_refused(done, "could not", "hint: nothing was pushed", ".lock")
    assert git(tmp_path / "origin.git", "for-each-ref") == "", "nothing may be pushed"
    assert user_state(repo) == before
