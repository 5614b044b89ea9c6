"""Big loads and renders are shared out to worker processes from the standard library's pool, sized to
the cores this process may use or to --jobs, and the output is byte for byte the one-process build's.

The five-article site is small: these tests lower the thresholds below which a build works alone, so
that it shares out its pages as a big site does. Workers are other processes (started from a fork
server), which see none of this process's patches: what they did is read from the output and from
what this process did not do."""

from __future__ import annotations

import os
import shutil
import threading
import time
from pathlib import Path

import pytest
from conftest import PROJECT, assert_same_as_clean_build, copy_of_the_site, run_cli, snapshot

from microsite.build import cache, rendering, workers
from microsite.build.builder import Builder
from microsite.errors import BuildFailed
from microsite.model import loader
from microsite.source import files


@pytest.fixture
def project(tmp_path, monkeypatch) -> Path:
    monkeypatch.setattr(files, "_SETTLE_NS", -(10**12))
    return copy_of_the_site(tmp_path / "site", settled=True)


@pytest.fixture
def shared_out(monkeypatch):
    """Pages read two at a time and own pages rendered two articles a part, even for five articles."""
    monkeypatch.setattr(loader, "SHARE_PAGES", 2)
    monkeypatch.setattr(rendering, "MIN_ARTICLES", 1)
    monkeypatch.setattr(rendering, "PART_SIZE", 2)


@pytest.fixture
def rendered_here(monkeypatch) -> list[str]:
    """The output paths this process rendered or copied itself."""
    done: list[str] = []
    real = rendering._render

    def noting(env, out, site, shares, some):
        found = real(env, out, site, shares, some)
        done.extend(found[0])
        done.extend(item[0] for item in some if isinstance(item, tuple))
        return found

    monkeypatch.setattr(rendering, "_render", noting)
    return done


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"test setup: {old!r} not in {path.name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_a_build_with_workers_equals_a_build_in_one_process(project, tmp_path, shared_out):
    shared = Builder(project, tmp_path / "four", cache=False, jobs=4).build()
    alone = Builder(project, tmp_path / "one", cache=False, jobs=1).build()
    assert shared.workers == 3 and alone.workers == 0
    assert shared.rendered == alone.rendered
    assert snapshot(tmp_path / "four") == snapshot(tmp_path / "one")


def test_workers_render_articles_own_pages_from_the_page_store(project, tmp_path, shared_out, rendered_here):
    # Cold, then after a template edit that re-renders every article's page: both equal clean one-process builds.
    first = Builder(project, project / "_site", jobs=2).build()
    articles = {path.stem for path in (project / "content").glob("*.md")}
    own = {f"articles/{slug}.html" for slug in articles} | {f"captures/{slug}.html" for slug in articles}
    assert first.workers == 1 and own <= set(first.rendered)
    assert own - set(rendered_here), "this process rendered every article's own pages: no worker did"
    assert "timeline.html" in rendered_here and "data/claims.json" in rendered_here  # lists and data: here
    assert_same_as_clean_build(project, project / "_site", tmp_path)

    (project / "templates").mkdir()
    shutil.copy(PROJECT / "templates/article.html", project / "templates")
    edit(project / "templates/article.html", "{% block main %}", "{% block main %}<!-- mine -->")
    rendered_here.clear()
    again = Builder(project, project / "_site", jobs=2).build()
    assert not again.full and len([p for p in again.rendered if p.startswith("articles/")]) == len(articles)
    assert {p for p in again.rendered if p.startswith("articles/")} - set(rendered_here), "no worker rendered"
    assert_same_as_clean_build(project, project / "_site", tmp_path)


def test_parts_the_page_store_lacks_are_rendered_here(project, tmp_path, shared_out, rendered_here, monkeypatch):
    # A page store that could not be written (a full disk): the workers hand their parts back, nothing is missing.
    monkeypatch.setattr(cache.PageStore, "write", lambda self, *args, **kwargs: None)
    result = Builder(project, project / "_site", jobs=2).build()
    captures = {f"captures/{path.stem}.html" for path in (project / "content").glob("*.md")}
    assert result.workers == 1 and captures <= set(rendered_here)
    assert_same_as_clean_build(project, project / "_site", tmp_path)


def test_a_template_error_in_a_worker_is_reported_like_any_other(project, shared_out):
    (project / "templates").mkdir()
    (project / "templates/capture.html").write_text(
        "{% extends 'base.html' %}{% block main %}\n{{ no_such_name.x }}{% endblock %}", encoding="utf-8"
    )
    with pytest.raises(BuildFailed) as failed:
        Builder(project, project / "_site", jobs=2).build()
    [problem] = failed.value.problems
    assert problem.file.name == "capture.html" and problem.line == 2 and "no_such_name" in problem.message
    assert not (project / "_site").exists(), "a failed build wrote an output folder"


def test_a_page_error_found_by_a_worker_names_file_line_and_field(project, shared_out):
    edit(project / "content/huawei-third-party-phones-monica.md", "status: confirmed", "status: certain")
    with pytest.raises(BuildFailed) as failed:
        Builder(project, project / "_site", cache=False, jobs=4).build()
    [problem] = failed.value.problems
    assert problem.file.name == "huawei-third-party-phones-monica.md" and problem.line and "status" in problem.field


def test_a_failed_build_waits_for_its_workers_before_the_folder_goes(project, shared_out, monkeypatch):
    # A worker still writing after the failed build removed its new output folder would make it again.
    Builder(project, project / "_site", jobs=1).build()
    before = snapshot(project / "_site")
    shutil.rmtree(project / cache.FOLDER)  # the whole path, into a new folder
    names = sorted(p.name for p in project.iterdir())
    real = rendering._render

    def failing(env, out, site, shares, some):
        if site is not None and any(getattr(page, "site_wide_data", False) for page in some):
            time.sleep(0.3)  # the workers are busy meanwhile
            raise RuntimeError("the disk is gone")
        return real(env, out, site, shares, some)

    monkeypatch.setattr(rendering, "_render", failing)
    with pytest.raises(RuntimeError, match="the disk is gone"):
        Builder(project, project / "_site", jobs=2).build()
    time.sleep(0.5)
    left = sorted(p.name for p in project.iterdir() if p.name != cache.FOLDER)
    assert left == names, "the failed build left a folder behind"
    assert snapshot(project / "_site") == before, "the failed build changed the site"


def test_small_builds_and_nothing_changed_start_no_worker(project):
    assert Builder(project, project / "_site", jobs=4).build().workers == 0  # five articles: alone
    again = Builder(project, project / "_site", jobs=4).build()
    assert again.up_to_date and again.workers == 0


def test_workers_never_fork_this_process_even_beside_other_threads(project, tmp_path, shared_out, monkeypatch):
    # As the preview's rebuilds run, beside its web server and watcher: a fork there could inherit a held lock.
    forks = []
    real_fork = os.fork
    monkeypatch.setattr(os, "fork", lambda: forks.append(1) or real_fork())
    stop = threading.Event()
    beside = threading.Thread(target=stop.wait, daemon=True)
    beside.start()
    try:
        result = Builder(project, tmp_path / "out", jobs=2).build()
    finally:
        stop.set()
        beside.join()
    assert result.workers == 1 and forks == []
    assert_same_as_clean_build(project, tmp_path / "out", tmp_path)


def test_the_pool_is_sized_to_the_cores_this_process_may_use(monkeypatch):
    if not hasattr(os, "sched_getaffinity"):
        pytest.skip("no affinity mask on this system: the pool is sized to os.cpu_count()")
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 2, 5})
    assert workers.Workers().jobs == 3
    assert workers.Workers(1).jobs == 1 and workers.Workers(8).jobs == 8


def test_jobs_on_the_command_line(project):
    done = run_cli("--site", str(project), "build", "--jobs", "2")
    assert done.returncode == 0 and (project / "_site/index.html").is_file()
    for wrong in ("0", "two"):
        refused = run_cli("--site", str(project), "build", "--jobs", wrong)
        assert refused.returncode == 2 and "is not a number of processes" in refused.stderr
        assert "Traceback" not in refused.stderr


def test_a_worker_killed_mid_build_is_a_clear_problem_and_the_site_is_kept(project, shared_out, monkeypatch):
    # The system may kill a worker (out of memory): the build says so, with what to do, and keeps the last site.
    Builder(project, project / "_site", jobs=1).build()
    before = snapshot(project / "_site")
    shutil.rmtree(project / cache.FOLDER)
    monkeypatch.setattr(rendering, "copy_files", _die)  # the first job a worker is given
    with pytest.raises(BuildFailed) as failed:
        Builder(project, project / "_site", jobs=2).build()
    [problem] = failed.value.problems
    assert "worker process of the build stopped" in problem.message and "--jobs 1" in problem.hint
    assert snapshot(project / "_site") == before


def _die(job):
    os._exit(9)
