"""The GitHub Pages workflows: this repository's own, and the one `microsite new` gives a new site.

They are read as data, not run: each must install the runtime only, build with the `microsite` command for
the address configure-pages gives, keep the build cache under a key that cannot bring back a wrong one,
hold no right a job does not need, and pass zizmor's audits (run here offline on every workflow we ship).
"""

from __future__ import annotations

import json
import re
import shlex
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml
from conftest import PROJECT, require

SHA = "${{ github.sha }}"


@dataclass(frozen=True)
class Workflow:
    path: Path
    dependencies: str  # the file pinning what is installed, and keying both caches
    install: list[str]  # the one pip command, as the shell splits it


WORKFLOWS = {
    "repository": Workflow(
        PROJECT / ".github/workflows/pages.yml", "pyproject.toml", ["python", "-m", "pip", "install", "."]
    ),
    "starter": Workflow(
        PROJECT / "microsite/starter/pages.yml",
        "requirements.txt",
        ["python", "-m", "pip", "install", "-r", "requirements.txt"],
    ),
}


@pytest.fixture(params=list(WORKFLOWS))
def workflow(request) -> Workflow:
    return WORKFLOWS[request.param]


def load(workflow: Workflow) -> dict:
    return yaml.safe_load(workflow.path.read_text(encoding="utf-8"))


def all_steps(data: dict) -> list[dict]:
    return [step for job in data["jobs"].values() for step in job.get("steps", [])]


def using(steps: list[dict], action: str) -> list[int]:
    """The indices of the steps that use the action (any version)."""
    return [i for i, step in enumerate(steps) if step.get("uses", "").split("@")[0] == action]


def only(indices: list[int], what: str) -> int:
    assert len(indices) == 1, f"expected one {what}, found {len(indices)}"
    return indices[0]


def output(step: dict, name: str) -> str:
    return f"${{{{ steps.{step['id']}.outputs.{name} }}}}"


# ---- triggers and rights ----------------------------------------------------------------------


def test_runs_on_pushes_to_main_and_by_hand_one_at_a_time(workflow: Workflow):
    data = load(workflow)
    triggers = data.get("on", data.get(True))  # YAML 1.1 reads a bare `on` key as true
    assert triggers["push"]["branches"] == ["main"]
    assert "workflow_dispatch" in triggers
    assert set(triggers) == {"push", "workflow_dispatch"}, "no trigger that runs code from a fork"
    assert data["concurrency"] == {"group": "pages", "cancel-in-progress": False}


def test_each_job_holds_only_the_rights_it_needs(workflow: Workflow):
    """No right at the workflow level, so a job added later starts with none; only deploy may write."""
    data = load(workflow)
    assert data["permissions"] == {}
    jobs = data["jobs"]
    assert set(jobs) == {"build", "deploy"}
    build = jobs["build"]["permissions"]
    assert build.get("contents") == "read"
    assert set(build.values()) == {"read"}, f"the build job may write: {build}"
    assert jobs["deploy"]["permissions"] == {"pages": "write", "id-token": "write"}


def test_checkout_leaves_no_token_behind(workflow: Workflow):
    """persist-credentials: false keeps the token out of .git/config, where the build (and the cache) could read it."""
    steps = all_steps(load(workflow))
    checkouts = using(steps, "actions/checkout")
    assert checkouts
    for i in checkouts:
        assert steps[i].get("with", {}).get("persist-credentials") is False


def test_every_action_is_pinned_to_a_commit_with_its_version_named(workflow: Workflow):
    """A tag can be moved to other code; a commit cannot. The comment says which release the commit is."""
    steps = all_steps(load(workflow))
    used = [step["uses"] for step in steps if "uses" in step]
    assert used
    loose = [uses for uses in used if not re.fullmatch(r"[\w.-]+/[\w./-]+@[0-9a-f]{40}", uses)]
    assert loose == [], f"not pinned to a full commit SHA: {loose}"
    text = workflow.path.read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if re.match(r"\s*(- )?uses:", line)]
    assert len(lines) == len(used)
    unnamed = [line.strip() for line in lines if not re.search(r"@[0-9a-f]{40} # v\d+(\.\d+){0,2}$", line)]
    assert unnamed == [], f"no `# vX.Y.Z` after the SHA: {unnamed}"


def test_no_expression_is_spliced_into_a_shell(workflow: Workflow):
    """`${{ }}` in `run:` is pasted into the script before the shell reads it; values go through env instead."""
    runs = [step["run"] for step in all_steps(load(workflow)) if "run" in step]
    assert runs
    spliced = [run for run in runs if "${{" in run]
    assert spliced == []


# ---- the build job ----------------------------------------------------------------------------


def test_installs_the_runtime_only(workflow: Workflow):
    """Deploys need no test or bench tools: pip installs the site's pinned runtime, no extras, and no make."""
    steps = load(workflow)["jobs"]["build"]["steps"]
    runs = [shlex.split(step["run"]) for step in steps if "run" in step]
    installs = [words for words in runs if words[:4] == ["python", "-m", "pip", "install"]]
    assert installs == [workflow.install]
    targets = [word for word in installs[0][4:] if not word.startswith("-")]
    assert all("[" not in target for target in targets), f"extras installed: {targets}"
    assert all("make" not in words for words in runs)
    assert all("pip" not in words for words in runs if words not in installs), "a second pip command"

    setup = steps[only(using(steps, "actions/setup-python"), "setup-python step")]
    assert str(setup["with"]["python-version"]) == "3.11"
    assert setup["with"].get("cache") == "pip"
    assert setup["with"].get("cache-dependency-path") == workflow.dependencies


def test_builds_with_the_microsite_command_for_the_pages_address(workflow: Workflow):
    steps = load(workflow)["jobs"]["build"]["steps"]
    configure = only(using(steps, "actions/configure-pages"), "configure-pages step")
    upload = only(using(steps, "actions/upload-pages-artifact"), "upload-pages-artifact step")
    install = only([i for i, s in enumerate(steps) if "pip install" in s.get("run", "")], "install step")
    build = only([i for i, s in enumerate(steps) if "microsite build" in s.get("run", "")], "build step")
    assert install < build and configure < build < upload

    step = steps[build]
    assert shlex.split(step["run"]) == ["microsite", "build", "--base-url", "$BASE_URL"]
    assert '"$BASE_URL"' in step["run"], "the address must reach the command as one word"
    assert step["env"] == {"BASE_URL": output(steps[configure], "base_url")}
    assert steps[upload]["with"]["path"] == "_site"


def test_the_build_cache_comes_back_only_for_the_same_python_and_dependencies(workflow: Workflow):
    """The key ends in the commit, so every run saves its own cache; restore-keys, the same key without the
    commit, bring back the newest one made with this OS, this exact Python and this dependency file, and
    `build` checks its code version and every input's digest before reusing anything."""
    data = load(workflow)
    steps = data["jobs"]["build"]["steps"]
    cache = steps[only(using(steps, "actions/cache"), "actions/cache step")]
    python = only(using(steps, "actions/setup-python"), "setup-python step")
    assert python < steps.index(cache), "the key needs setup-python's output"

    assert ".cache" in cache["with"]["path"].split()
    key = cache["with"]["key"]
    for part in (
        "${{ runner.os }}",
        output(steps[python], "python-version"),
        f"${{{{ hashFiles('{workflow.dependencies}') }}}}",
    ):
        assert part in key
    assert key.endswith(SHA) and key.count(SHA) == 1
    restore = [line.strip() for line in cache["with"]["restore-keys"].splitlines() if line.strip()]
    assert restore == [key.removesuffix(SHA)]


def test_the_deploy_job_only_deploys(workflow: Workflow):
    """The job that may write to Pages restores no cache and runs no command from the repository."""
    job = load(workflow)["jobs"]["deploy"]
    assert job["needs"] == "build"
    [step] = job["steps"]
    assert step["uses"].split("@")[0] == "actions/deploy-pages"
    assert job["environment"] == {"name": "github-pages", "url": output(step, "page_url")}


# ---- zizmor -----------------------------------------------------------------------------------

SERIOUS = {"Medium", "High"}


def zizmor() -> str:
    beside = Path(sys.executable).parent / "zizmor"
    found = str(beside) if beside.is_file() else shutil.which("zizmor")
    require(found is not None, "zizmor", "install the test extra (make test, or pip install -e '.[test]')")
    return found


def serious_findings(paths: list[Path]) -> list[str]:
    """zizmor's findings at medium severity or above, one line each. --strict-collection makes a file zizmor
    cannot read an error (it would otherwise be skipped with a warning), --no-exit-codes keeps findings
    from looking like a failure of the tool itself."""
    command = [zizmor(), "--offline", "--strict-collection", "--no-exit-codes", "--format", "json"]
    done = subprocess.run([*command, *map(str, paths)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, f"zizmor failed:\n{done.stderr}"
    lines = []
    for finding in json.loads(done.stdout):
        severity = finding["determinations"]["severity"]
        if severity not in SERIOUS:
            continue
        where = next(
            (place for place in finding["locations"] if place["symbolic"]["kind"] == "Primary"),
            finding["locations"][0],
        )
        path = where["symbolic"]["key"]["Local"]["verbatim_path"]
        row = where["concrete"]["location"]["start_point"]["row"] + 1
        lines.append(f"{path}:{row}: {finding['ident']} ({severity}): {finding['desc']}")
    return lines


def test_zizmor_finds_nothing_serious_in_any_workflow_we_ship():
    paths = sorted([*PROJECT.glob(".github/workflows/*.yml"), *PROJECT.glob("microsite/starter/*.yml")])
    assert {workflow.path for workflow in WORKFLOWS.values()} <= set(paths)
    findings = serious_findings(paths)
    assert findings == [], "zizmor --offline:\n" + "\n".join(findings)


def test_zizmor_check_catches_what_the_workflows_avoid(tmp_path: Path):
    """The check above can fail: an unpinned checkout that keeps its token and splices an expression into a shell."""
    bad = tmp_path / "bad.yml"
    bad.write_text(
        "on: push\n"
        "permissions: {}\n"
        "jobs:\n"
        "  build:\n"
        "    runs-on: ubuntu-latest\n"
        "    permissions: {contents: read}\n"
        "    steps:\n"
        "      - uses: actions/checkout@v4\n"
        '      - run: echo "${{ github.event.head_commit.message }}"\n',
        encoding="utf-8",
    )
    found = {line.split(": ")[1].split(" ")[0] for line in serious_findings([bad])}
    assert {"artipacked", "template-injection"} <= found
