"""`deploy`: build the site afresh and publish it to a gh-pages branch, for GitHub Pages.

As MkDocs' gh-deploy does, ghp-import writes the built folder as one new commit on the
branch with `git fast-import`: the working tree, the index and the current branch are
never touched. Then the branch is pushed. Every check that can refuse (git, the
repository, the branch, the remote, base_url) runs before anything is built.
"""

from __future__ import annotations

import contextlib
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import ghp_import

from .. import progress
from ..build.builder import Builder
from ..build.writer import MARKER
from ..errors import BuildFailed, Problem
from ..source.config import load_config
from ..source.yamlfile import line_of
from ..text import megabytes

# git@github.com:USER/REPO.git, https://github.com/USER/REPO, ssh://git@github.com/USER/REPO.git, ...
_GITHUB_REMOTE = re.compile(r"(?:^|[@/.])github\.com[:/]+(?P<owner>[\w.-]+)/(?P<repo>[\w.-]+?)(?:\.git)?/*$", re.I)
_PAGES_SETTINGS = 'Settings → Pages: "Deploy from a branch", branch {branch}, folder / (root)'

# GitHub refuses a push that holds a file over 100 MiB ("About large files on GitHub"), and Pages publishes
# sites of at most 1 GB ("GitHub Pages limits"). Both are checked on the built folder, before any commit.
GITHUB_FILE_LIMIT = 100 * 2**20
PAGES_SITE_LIMIT = 10**9


# Writing the commit fails on the repository's side: a lock left by another git command, a full disk, a
# damaged object store. Nothing was pushed, and the working tree and branches are as they were.
_COMMIT_HINT = (
    "nothing was pushed; check that git can write to this repository (`git status`, `git fsck`, free disk "
    "space, no `.git/*.lock` left by a stopped git command), then deploy again"
)


class DeployFailed(BuildFailed):
    """A refusal or a git failure, reported like any problem: exit 1, no traceback."""

    def __init__(self, problem: Problem, outcome: str = "nothing was published."):
        self.outcome = outcome  # set first: BuildFailed's constructor calls report()
        super().__init__([problem])

    def report(self, outcome: str | None = None) -> str:
        return super().report(outcome or self.outcome)


@dataclass
class Deployed:
    commit: str
    branch: str
    remote: str
    remote_url: str | None
    pushed: bool
    address: str
    pages: int
    articles: int
    warnings: list[str] = field(default_factory=list)

    def report(self) -> str:
        built = f"Built {self.pages} pages ({self.articles} articles) for {self.address}"
        settings = _PAGES_SETTINGS.format(branch=self.branch)
        if not self.pushed:
            return (
                f"{built}\nCommitted {self.commit[:12]} to the local branch {self.branch} (--no-push: not pushed).\n"
                f"Publish it with: git push {self.remote} {self.branch}; the site will then be at {self.address} "
                f"({settings})."
            )
        return (
            f"{built}\nPublished commit {self.commit[:12]} to branch {self.branch} of {self.remote} "
            f"({self.remote_url}).\nThe site will be at {self.address} once GitHub Pages has deployed it "
            f"({settings})."
        )


def deploy(
    site_dir: Path,
    out_dir: Path | None = None,
    base_url: str | None = None,
    remote: str = "origin",
    branch: str = "gh-pages",
    message: str | None = None,
    push: bool = True,
    jobs: int | None = None,
) -> Deployed:
    config, problems = load_config(site_dir)
    if config is None:
        raise BuildFailed(problems)
    git = _Git(site_dir)
    git.check_branch(branch)
    remote_url = git.remote_url(remote)
    if push and remote_url is None:
        raise DeployFailed(git.missing_remote(remote))
    base_url = base_url or config.settings.base_url
    if not base_url:
        raise DeployFailed(_no_base_url(config.file, remote, remote_url))
    if push:
        git.fetch_published(remote, branch)  # commit on top of what is published, so the push fast-forwards
    git.check_identity()

    with tempfile.TemporaryDirectory(prefix="microsite-deploy-") as temp:
        # A fresh Builder makes a full build, so a stale output folder is never published.
        # Afresh: what is published never depends on what an earlier build left in .cache/.
        result = Builder(site_dir, out_dir or Path(temp) / "site", base_url, cache=False, jobs=jobs).build()
        warnings = _github_limits(result.out_dir, push and github_pages_address(remote_url) is not None)
        with progress.phase("Publishing"):  # the build showed its own phases
            published = Path(temp) / "publish"
            # The marker is how the build recognises its own output folder; it is not part of the site.
            shutil.copytree(result.out_dir, published, ignore=lambda folder, names: _marker_in(result.out_dir, folder))
            cname = git.published_cname(remote, branch)
            commit = git.commit_folder(published, remote, branch, message or _default_message(git), cname)
            if push:
                git.push(remote, branch, commit)
    return Deployed(commit, branch, remote, remote_url, push, base_url, result.pages, result.articles, warnings)


def _github_limits(site: Path, pushing_to_github: bool) -> list[str]:
    """Refuses a file GitHub would refuse when the push goes there; else warns of GitHub's limits."""
    sizes = {path: path.stat().st_size for path in site.rglob("*") if path.is_file() and path != site / MARKER}
    too_big = sorted((path for path, size in sizes.items() if size > GITHUB_FILE_LIMIT), key=sizes.get, reverse=True)
    named = ", ".join(f"{path.relative_to(site).as_posix()} ({megabytes(sizes[path])})" for path in too_big)
    if too_big and pushing_to_github:
        raise DeployFailed(
            Problem(
                None,
                f"GitHub refuses a push that holds a file over 100 MiB, and the built site has {len(too_big)}: {named}",
                hint="publish the built folder (keep it with --out DIR) to a host without this limit "
                '(README: "Other static hosts" and "How big a site gets")',
            )
        )
    warnings = []
    if too_big:
        warnings.append(f"GitHub refuses a push that holds a file over 100 MiB: {named}")
    total = sum(sizes.values())
    if total > PAGES_SITE_LIMIT:
        warnings.append(
            f"the built site is {megabytes(total)}, and GitHub Pages publishes sites of at most 1 GB: it may "
            'refuse this one (README: "How big a site gets")'
        )
    return warnings


def github_pages_address(remote_url: str | None) -> str | None:
    """The address GitHub Pages gives the repository at `remote_url`, or None for another host."""
    match = _GITHUB_REMOTE.search(remote_url or "")
    if not match:
        return None
    user_site = f"{match['owner'].lower()}.github.io"  # host names are case-insensitive; GitHub shows lower case
    if match["repo"].lower() == user_site:  # a user or organisation site is served at the root
        return f"https://{user_site}/"
    return f"https://{user_site}/{match['repo']}/"


def _no_base_url(site_yaml: Path, remote: str, remote_url: str | None) -> Problem:
    address = github_pages_address(remote_url)
    if address:
        hint = (
            f'set base_url: "{address}" in site.yaml, or pass --base-url {address} '
            f"(where GitHub Pages serves the repository of remote {remote}, {remote_url}; "
            "with a custom domain, give https://your.domain/)"
        )
    else:
        hint = (
            "set base_url in site.yaml to the address the site will be served at, such as "
            "https://USER.github.io/REPO/ for the GitHub repository USER/REPO, or pass --base-url URL"
        )
    text = site_yaml.read_text(encoding="utf-8", errors="replace")
    line = line_of(text, ("base_url",)) if re.search(r"(?m)^base_url\s*:", text) else None
    return Problem(
        site_yaml,
        "is not set: a published site needs its address for its feed, sitemap, canonical links "
        "and a 404 page that works under /REPO/",
        line=line,
        field="base_url",
        hint=hint,
    )


def _default_message(git: _Git) -> str:
    source = git.output("rev-parse", "--short", "HEAD")
    if source and git.output("status", "--porcelain", "--untracked-files=no"):
        source += " plus uncommitted changes"
    return f"Site built from {source} by build.py deploy" if source else "Site built by build.py deploy"


def _marker_in(out_dir: Path, folder: str) -> list[str]:
    return [MARKER] if Path(folder) == out_dir else []


class _Git:
    """git, run in the site's repository; every failure becomes a DeployFailed with git's own words."""

    def __init__(self, site_dir: Path):
        self.site_dir = site_dir
        if shutil.which("git") is None:
            raise DeployFailed(
                Problem(None, "git is not installed (or not on PATH)", hint="install git from https://git-scm.com/")
            )
        top = self.output("rev-parse", "--show-toplevel")
        if top is None:
            raise DeployFailed(
                Problem(
                    site_dir,
                    "is not in a git repository, so there is no branch to publish to",
                    hint="run `git init` there and add your GitHub repository as a remote "
                    "(git remote add origin https://github.com/USER/REPO.git), or publish with the "
                    "GitHub Actions workflow (README: Publishing to GitHub Pages)",
                )
            )
        self.top = Path(top)

    def run(self, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run(["git", *args], cwd=self.site_dir, capture_output=True, text=True)

    def output(self, *args: str) -> str | None:
        done = self.run(*args)
        return done.stdout.strip() if done.returncode == 0 else None

    def check_branch(self, branch: str) -> None:
        if self.run("check-ref-format", f"refs/heads/{branch}").returncode != 0:
            raise DeployFailed(Problem(None, f"`{branch}` is not a valid branch name", hint="try --branch gh-pages"))
        # fast-import would move a checked-out branch under its checkout, which would then show every file changed.
        for worktree in (self.output("worktree", "list", "--porcelain") or "").split("\n\n"):
            lines = worktree.splitlines()
            if f"branch refs/heads/{branch}" in lines:
                where = lines[0].removeprefix("worktree ")
                here = "here" if Path(where).resolve() == self.top.resolve() else f"in the worktree {where}"
                raise DeployFailed(
                    Problem(
                        self.top,
                        f"branch `{branch}` is checked out {here}, and deploy replaces that branch's files "
                        "with the built site",
                        hint="switch to your working branch (git switch main) and deploy from there, "
                        "or publish to another branch with --branch",
                    )
                )

    def remote_url(self, remote: str) -> str | None:
        return self.output("remote", "get-url", remote)

    def missing_remote(self, remote: str) -> Problem:
        remotes = (self.output("remote") or "").split()
        known = f"this repository's remotes: {', '.join(remotes)}; " if remotes else "this repository has none; "
        return Problem(
            self.top,
            f"has no remote named `{remote}` to push to",
            hint=f"{known}add it with `git remote add {remote} https://github.com/USER/REPO.git`, name another "
            "with --remote, or commit locally only with --no-push",
        )

    def fetch_published(self, remote: str, branch: str) -> None:
        listed = self.run("ls-remote", "--exit-code", "--heads", remote, f"refs/heads/{branch}")
        if listed.returncode == 2:  # nothing published yet
            return
        fetched = (
            listed
            if listed.returncode != 0
            else self.run("fetch", "--quiet", "--no-tags", remote, _refspec(remote, branch))
        )
        if fetched.returncode != 0:
            raise DeployFailed(
                Problem(
                    self.top,
                    f"cannot read branch {branch} of {remote} ({self.remote_url(remote)}); git said:\n"
                    + _indent(fetched.stderr),
                    hint="check the remote's address and your access to it (git ls-remote "
                    f"{remote}), then deploy again",
                )
            )

    def check_identity(self) -> None:
        ident = self.run("var", "GIT_COMMITTER_IDENT")
        if ident.returncode != 0:
            raise DeployFailed(
                Problem(
                    self.top,
                    "git does not know who you are, and the published commit needs an author",
                    hint='run git config user.name "Your Name" and git config user.email you@example.com',
                )
            )

    def published_cname(self, remote: str, branch: str) -> str | None:
        """The custom domain that Settings → Pages recorded on the branch as a CNAME file.

        GitHub drops the custom domain when a push removes that file, so each deploy carries it
        over, reading it from the commit ghp-import builds on: the remote's branch, else the local one.
        """
        for ref in (f"refs/remotes/{remote}/{branch}", f"refs/heads/{branch}"):
            if self.output("rev-parse", "--verify", "-q", ref) is not None:
                return (self.output("show", f"{ref}:CNAME") or "").strip() or None
        return None

    def commit_folder(self, folder: Path, remote: str, branch: str, message: str, cname: str | None) -> str:
        """One commit on `branch`: exactly `folder`, .nojekyll (Jekyll would drop `_` files) and the CNAME if any."""
        try:
            with contextlib.chdir(self.site_dir):  # ghp-import runs git in the current folder
                ghp_import.ghp_import(
                    str(folder), mesg=message, remote=remote, branch=branch, nojekyll=True, cname=cname
                )
        except ghp_import.GhpError as err:
            message = f"ghp-import could not commit the site: {err.message}"
            raise DeployFailed(Problem(self.top, message, hint=_COMMIT_HINT)) from None
        except TypeError:  # ghp-import 2.1.0 reports a failed fast-import by writing bytes to sys.stdout
            message = f"git fast-import could not write the commit on branch {branch}"
            raise DeployFailed(Problem(self.top, message, hint=_COMMIT_HINT)) from None
        return self.output("rev-parse", "--verify", f"refs/heads/{branch}^{{commit}}") or ""

    def push(self, remote: str, branch: str, commit: str) -> None:
        pushed = self.run("push", remote, f"refs/heads/{branch}:refs/heads/{branch}")
        if pushed.returncode != 0:
            raise DeployFailed(
                Problem(
                    self.top,
                    f"pushing branch {branch} to {remote} ({self.remote_url(remote)}) failed; git said:\n"
                    + _indent(pushed.stderr),
                    hint=f"the site is committed as {commit[:12]} on your local branch {branch}: fix the cause, then "
                    f"deploy again or run git push {remote} {branch}",
                ),
                outcome="nothing was pushed.",
            )


def _refspec(remote: str, branch: str) -> str:
    # Updates the remote-tracking branch, which ghp-import builds the new commit on.
    return f"+refs/heads/{branch}:refs/remotes/{remote}/{branch}"


def _indent(text: str) -> str:
    return "\n".join("    " + line for line in text.strip().splitlines()) or "    (no message)"
