"""A build killed at any moment (SIGKILL: no cleanup runs) costs nothing: the output folder
still holds the previous site, or after the next build's first step (`writer.recover`) holds
it again, and the next build succeeds with a clean build's output."""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import PROJECT, assert_same_as_clean_build, copy_of_the_site, snapshot

from microsite.build import writer
from microsite.build.builder import Builder

KILLS = 6


@pytest.fixture
def project(tmp_path) -> Path:
    return copy_of_the_site(tmp_path / "site", settled=True)


def build_command(root: Path) -> list[str]:
    return [sys.executable, str(PROJECT / "build.py"), "--site", str(root), "build"]


def timed_build(root: Path) -> float:
    started = time.perf_counter()
    done = subprocess.run(build_command(root), capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return time.perf_counter() - started


def killed_build(root: Path, after: float) -> None:
    # Its whole process group, Pagefind included: an orphaned indexer would go on writing after the test looked.
    process = subprocess.Popen(
        build_command(root), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
    )
    time.sleep(after)
    os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=30)


def leftovers(root: Path) -> list[str]:
    return sorted(p.name for p in root.iterdir() if p.name.startswith("._site."))


def clean_build(root: Path, folder: Path) -> dict[str, bytes]:
    Builder(root, folder, cache=False).build()
    return snapshot(folder)


@pytest.mark.parametrize("mode", ["full build", "rebuild in place"])
def test_a_build_killed_at_random_moments_costs_nothing(project, tmp_path, mode):
    # A full build (no cache) swaps a new folder in at once: killed, it leaves the previous site as it was.
    # A rebuild in place replaces files one by one: killed while it does, the next build's first step puts
    # the previous site back. Either way the next build succeeds and equals a clean build.
    out, site_yaml = project / "_site", project / "site.yaml"
    text = site_yaml.read_text(encoding="utf-8")
    duration = timed_build(project)
    rng = random.Random(mode)
    for number in range(KILLS):
        before = snapshot(out)
        site_yaml.write_text(text.replace("title: ", f"title: Round {number}, ", 1), encoding="utf-8")
        settled = time.time() - 5
        os.utime(site_yaml, (settled, settled))
        if mode == "full build":
            shutil.rmtree(project / ".cache", ignore_errors=True)
        after_kill = rng.uniform(0.05, duration * 1.2)
        killed_build(project, after_kill)
        if mode == "full build":
            assert snapshot(out) in (before, clean_build(project, tmp_path / f"clean-{number}")), (
                f"killed after {after_kill:.2f}s: the output is neither the previous site nor the new one"
            )
        writer.recover(out)  # what the next build does first
        assert snapshot(out) in (before, clean_build(project, tmp_path / f"recovered-{number}")), (
            f"killed after {after_kill:.2f}s and recovered: the output is neither the previous site nor the new one"
        )
        assert leftovers(project) == [], "a killed build's temporary folders were not removed"
    timed_build(project)
    assert_same_as_clean_build(project, out, tmp_path)


def test_a_rebuild_that_dies_while_replacing_files_is_rolled_back_from_its_journal(project, tmp_path):
    # The worst moment, made certain: the process ends (as SIGKILL ends it: no cleanup) after it has
    # replaced two files of the site and before the third.
    out, scratch = project / "_site", tmp_path / "clean"
    scratch.mkdir()
    Builder(project, out).build()
    before = snapshot(out)
    site_yaml = project / "site.yaml"
    site_yaml.write_text(site_yaml.read_text(encoding="utf-8").replace("title: ", "title: Died, ", 1), encoding="utf-8")
    child = os.fork()
    if child == 0:  # pragma: no cover (the child never returns)
        taken = []
        original = writer.Transaction.take

        def take_then_die(self, staged, path):
            if len(taken) == 2:
                os._exit(9)
            taken.append(path)
            original(self, staged, path)

        writer.Transaction.take = take_then_die
        try:
            Builder(project, out).build()
        finally:
            os._exit(0)
    _, status = os.waitpid(child, 0)
    assert os.waitstatus_to_exitcode(status) == 9
    assert snapshot(out) != before, "test setup: the build died before it replaced anything"
    assert [name for name in leftovers(project) if ".backup-" in name], "no journal was left to roll back from"
    writer.recover(out)
    assert snapshot(out) == before
    assert leftovers(project) == []
    Builder(project, out).build()
    assert_same_as_clean_build(project, out, scratch)


def test_a_folder_made_by_a_build_killed_before_it_wrote_the_marker_is_removed(project):
    Builder(project, project / "_site").build()
    dead = subprocess.Popen([sys.executable, "-c", "pass"])  # a pid no process has any more
    dead.wait()
    left = project / f"._site.backup-{dead.pid}-k3x9q2ab"  # as mkdtemp names it, the marker not yet written
    left.mkdir()
    running = project / f"._site.staging-{os.getppid()}-a1b2c3d4"  # a running build's, its marker not yet written
    running.mkdir()
    writer.recover(project / "_site")
    assert not left.exists() and running.is_dir()


def test_recovery_leaves_alone_what_it_did_not_make(project):
    Builder(project, project / "_site").build()
    own = project / "._site.staging-mine"  # a folder that looks like ours, without the marker
    own.mkdir()
    (own / "notes.txt").write_text("mine\n", encoding="utf-8")
    running = project / "._site.staging-running"  # a folder of a build still running
    running.mkdir()
    (running / writer.TEMPORARY).write_text(f"{os.getppid()}\n", encoding="utf-8")
    writer.recover(project / "_site")
    assert (own / "notes.txt").is_file() and running.is_dir()
