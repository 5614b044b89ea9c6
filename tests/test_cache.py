"""`build` in a fresh process reads back what the last build left in .cache/: with nothing
changed it does nothing, after an edit it renders only what the edit touches, and either
way the output is byte for byte a clean build's. The cache is never required: deleted,
damaged or written by other code, it is discarded and the build starts afresh."""

from __future__ import annotations

import gc
import os
import pickle
import shutil
import sqlite3
import time
import weakref
from pathlib import Path

import pytest
from conftest import OTHER_CAPTURE, OTHER_PAGE, PROJECT, assert_same_as_clean_build, copy_of_the_site, run_cli, snapshot

from microsite.build import cache, parallel
from microsite.build.builder import Builder
from microsite.errors import BuildFailed
from microsite.source import files


@pytest.fixture
def project(tmp_path, monkeypatch) -> Path:
    """The project's own site, copied; every file's stat trusted at once (the tests edit and build at once)."""
    monkeypatch.setattr(files, "_SETTLE_NS", -(10**12))
    return copy_of_the_site(tmp_path / "site", settled=True)  # settled too for `build` in its own process


def fresh_build(root: Path):
    """What `build.py build` does: a new Builder, as in a new process."""
    return Builder(root, root / "_site").build()


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"test setup: {old!r} not in {path.name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_a_build_with_nothing_changed_does_nothing_and_says_so(project):
    first = fresh_build(project)
    assert first.full and (project / cache.FOLDER / "state.pickle").is_file()
    before = {p: p.stat().st_mtime_ns for p in (project / "_site").rglob("*") if p.is_file()}

    again = fresh_build(project)
    assert again.up_to_date and not again.rendered and not again.written
    assert (again.pages, again.articles) == (first.pages, first.articles)
    assert {p: p.stat().st_mtime_ns for p in (project / "_site").rglob("*") if p.is_file()} == before

    shown = run_cli("--site", str(project), "build")
    assert shown.returncode == 0 and "Nothing changed since the last build" in shown.stdout


def test_fresh_builds_after_each_kind_of_edit_equal_clean_builds(project, tmp_path):
    content, seeds = project / "content", project / "seeds"
    article = content / "huawei-third-party-phones-monica.md"
    fresh_build(project)

    edit(article, "\nclaims:", "\nurl: https://example.com/monica\nclaims:")
    result = fresh_build(project)
    assert not result.full and "articles/huawei-third-party-phones-monica.html" in result.rendered
    assert len(result.rendered) < result.pages / 2, "an edit of one page re-rendered most of the site"
    assert_same_as_clean_build(project, project / "_site", tmp_path)

    steps = [
        lambda: edit(seeds / "001_ec377d852a875d58.txt", "Huawei", "Huawei "),  # a capture
        lambda: edit(project / "site.yaml", "title: Phone Makers Abroad", "title: Phone Makers, Abroad"),
        lambda: (
            (project / "templates").mkdir() or shutil.copy(PROJECT / "templates/capture.html", project / "templates")
        ),
        lambda: edit(project / "templates/capture.html", "{% block main %}", "{% block main %}<!-- mine -->"),
        lambda: (project / "static").mkdir() or (project / "static/extra.css").write_text("p{}", encoding="utf-8"),
        lambda: [
            (seeds / "other.txt").write_text(OTHER_CAPTURE, encoding="utf-8"),
            (content / "other.md").write_text(OTHER_PAGE, encoding="utf-8"),
        ],
        lambda: (content / "other.md").unlink(),
        lambda: article.rename(content / "renamed-monica.md"),
    ]
    for number, step in enumerate(steps):
        step()
        assert not fresh_build(project).up_to_date, f"step {number}: the change was not seen"
        assert_same_as_clean_build(project, project / "_site", tmp_path)
        assert fresh_build(project).up_to_date, "a second build found a change the first one did not record"


def test_the_data_files_shares_live_in_the_cache_and_are_read_only_to_make_a_data_file(project, tmp_path, monkeypatch):
    # At ten thousand articles the shares are over 100 MB: a build must not hold them, nor read them for nothing.
    from microsite.model.loader import SiteLoader

    builder = Builder(project, project / "_site")
    builder.build()
    assert not builder.pieces.made, "the shares were held after the data files were made"
    with sqlite3.connect(project / cache.FOLDER / "pages.sqlite") as db:
        stored = set(db.execute("SELECT name, slug FROM pieces"))
    slugs = {path.stem for path in (project / "content").glob("*.md")}
    assert {slug for _name, slug in stored} == slugs
    assert {"articles.json", "claims.json", "citations.bib"} <= {name for name, _slug in stored}

    def no_shares(self, name, slugs):
        raise AssertionError(f"the shares of {name} were read")

    (project / "templates").mkdir()
    shutil.copy(PROJECT / "templates/article.html", project / "templates")
    edit(project / "templates/article.html", "{% block main %}", "{% block main %}<!-- mine -->")
    with monkeypatch.context() as patch:  # a template makes no data file
        patch.setattr(SiteLoader, "read_pieces", no_shares)
        assert "data/articles.json" not in fresh_build(project).rendered
    assert_same_as_clean_build(project, project / "_site", tmp_path)
    edit(project / "content/huawei-third-party-phones-monica.md", "\nclaims:", "\nurl: https://example.com/m\nclaims:")
    assert "data/articles.json" in fresh_build(project).rendered  # from the stored shares and one new one
    assert_same_as_clean_build(project, project / "_site", tmp_path)


def test_the_model_holds_an_articles_body_comments_and_passages_packed(project):
    # Only the article's own two pages show them: both build processes would otherwise hold them unpacked.
    from microsite.model.loader import SiteLoader

    site = SiteLoader(project).load()
    article = next(a for a in site.articles if a.comment_count)
    assert {"body_html", "comments"}.isdisjoint(vars(article)) and "passages" not in vars(article.capture)
    unpacked = pickle.dumps((article.body_html, article.comments, article.capture.passages))
    assert isinstance(article.whole.packed, bytes) and len(article.whole.packed) < len(unpacked) / 2
    assert article.comment_count == len(article.comments.items) and "<p>" in article.body_html
    passages = article.capture.passages
    assert passages and passages == sorted(passages, key=lambda p: (p.start, -p.end))
    assert site.comment_count == sum(len(a.comments.items) for a in site.articles if a.comments)


@pytest.mark.skipif(not hasattr(os, "pwrite"), reason="without os.pwrite the packed parts stay in memory")
def test_the_packed_parts_live_in_a_spool_file_that_goes_with_its_model(project):
    from microsite.model.loader import SiteLoader

    site = SiteLoader(project).load()
    whole = site.articles[0].whole
    assert whole._packed is None and whole._spool is not None, "the packed parts are held in memory"
    spool = weakref.ref(whole._spool)
    assert len(whole.packed) == whole._size and "<p>" in site.articles[0].body_html
    again = SiteLoader(project).load()
    assert again.articles[0].whole._spool is not spool() and "<p>" in again.articles[0].body_html
    del site, whole
    gc.collect()
    assert spool() is None, "a spool outlived the model that used it"


def test_a_deleted_cache_gives_a_cold_build_with_the_same_output(project, tmp_path):
    fresh_build(project)
    shutil.rmtree(project / cache.FOLDER)
    result = fresh_build(project)
    assert result.full and not result.up_to_date
    assert_same_as_clean_build(project, project / "_site", tmp_path)


def _flip_a_byte(file: Path) -> None:
    data = bytearray(file.read_bytes())
    data[len(data) * 2 // 3] ^= 0xFF
    file.write_bytes(bytes(data))


def _damage_a_record(file: Path) -> None:
    with sqlite3.connect(file) as db:
        path, record = db.execute("SELECT path, record FROM pages").fetchone()
        damaged = bytearray(record)
        damaged[len(damaged) // 2] ^= 0xFF
        db.execute("UPDATE pages SET record = ? WHERE path = ?", (bytes(damaged), path))


def _damage_a_share(file: Path) -> None:
    with sqlite3.connect(file) as db:
        name, slug, text = db.execute("SELECT name, slug, text FROM pieces WHERE text != ''").fetchone()
        db.execute("UPDATE pieces SET text = ? WHERE name = ? AND slug = ?", (text[:-1] + "!", name, slug))


DAMAGE = {
    "state truncated": lambda folder: (folder / "state.pickle").write_bytes(
        (folder / "state.pickle").read_bytes()[:100]
    ),
    "state with a flipped byte": lambda folder: _flip_a_byte(folder / "state.pickle"),
    "pages not a database": lambda folder: (folder / "pages.sqlite").write_bytes(b"not a database" * 100),
    "a page record altered": lambda folder: _damage_a_record(folder / "pages.sqlite"),
    "a share of a data file altered": lambda folder: _damage_a_share(folder / "pages.sqlite"),
    "a compiled template altered": lambda folder: [_flip_a_byte(f) for f in (folder / "templates").iterdir()],
    "outlines with a flipped byte": lambda folder: _flip_a_byte(folder / "outlines.pickle"),
}
EDITS = {  # the second reads the cache's outlines and only a part of its pages
    "front matter": ("\nclaims:", "\nurl: https://example.com/m\nclaims:"),
    "body": ("Other outlets,", "Other outlets, since,"),
}


@pytest.mark.parametrize("kind", EDITS)
@pytest.mark.parametrize("damage", DAMAGE.values(), ids=DAMAGE.keys())
def test_a_damaged_cache_is_discarded_and_never_poisons_the_build(project, tmp_path, damage, kind):
    fresh_build(project)
    damage(project / cache.FOLDER)
    edit(project / "content/huawei-third-party-phones-monica.md", *EDITS[kind])
    fresh_build(project)
    assert_same_as_clean_build(project, project / "_site", tmp_path)
    assert fresh_build(project).up_to_date, "the cache was not written afresh after the damaged one was dropped"


def test_a_page_store_busy_with_a_write_is_not_taken_for_a_damaged_one(project, monkeypatch):
    # The render helper reads while the main process stores data files' shares: a lock is no damage.
    fresh_build(project)
    store = cache.PageStore(project)
    writer = sqlite3.connect(store.file, isolation_level=None)
    writer.execute("BEGIN EXCLUSIVE")
    connect = sqlite3.connect
    monkeypatch.setattr(cache.sqlite3, "connect", lambda file, **kw: connect(file, timeout=0.05))
    try:
        assert store.read(b"any digest") == {}
        assert store.file.is_file(), "a busy page store was discarded"
    finally:
        writer.execute("ROLLBACK")
        writer.close()


def test_a_cache_written_by_other_code_is_not_used(project, monkeypatch):
    fresh_build(project)
    monkeypatch.setattr(cache, "_code_key", lambda: b"another version!")
    result = fresh_build(project)
    assert result.full and not result.up_to_date


def test_an_output_folder_changed_by_hand_is_built_again(project, tmp_path):
    first = fresh_build(project)
    (project / "_site/articles/huawei-third-party-phones-monica.html").unlink()
    (project / "_site/index.html").write_text("edited by hand", encoding="utf-8")
    result = fresh_build(project)
    assert result.full and result.pages == first.pages
    assert_same_as_clean_build(project, project / "_site", tmp_path)


def test_the_cache_stays_out_of_the_users_commits(project):
    fresh_build(project)
    assert (project / cache.FOLDER / ".gitignore").read_text(encoding="utf-8").splitlines()[-1] == "*"


@pytest.fixture
def two_cores(monkeypatch):
    """Fork for the small test site too, as a big site does.

    A build forks only when no other thread runs. Once the browser tests have run, this process keeps
    Playwright's idle asyncio threads, which hold no lock a build takes: these tests fork beside them."""
    monkeypatch.setattr(parallel, "MIN_ITEMS", 1)
    monkeypatch.setattr(parallel, "other_threads_run", lambda: False)
    if parallel.workers() < 2:
        pytest.skip("this machine has one core or no fork: builds run in one process")


def test_builds_on_two_cores_equal_builds_on_one(project, tmp_path, two_cores, monkeypatch):
    on_two = Builder(project, tmp_path / "two", cache=False).build()
    monkeypatch.setenv("MICROSITE_NO_FORK", "1")
    on_one = Builder(project, tmp_path / "one", cache=False).build()
    assert on_two.rendered == on_one.rendered
    assert snapshot(tmp_path / "two") == snapshot(tmp_path / "one")


def test_a_template_error_in_the_second_process_is_reported_like_any_other(project, two_cores):
    (project / "templates").mkdir()
    (project / "templates/capture.html").write_text(
        "{% extends 'base.html' %}{% block main %}{{ no_such_name.x }}{% endblock %}", encoding="utf-8"
    )
    with pytest.raises(BuildFailed) as failed:
        Builder(project, project / "_site", cache=False).build()
    problems = failed.value.problems
    assert len(problems) == 1 and problems[0].file.name == "capture.html" and "no_such_name" in problems[0].message
    assert not (project / "_site").exists(), "a failed build wrote an output folder"


@pytest.fixture
def helper_reads(two_cores, monkeypatch, tmp_path):
    """The helper renders own pages one article a part, and notes each part it reads from the cache in a file:
    it is another process, whose calls the test cannot see."""
    from microsite.build import builder
    from microsite.model.loader import SiteLoader

    monkeypatch.setattr(builder, "_PART_SIZE", 1)
    noted, stored_part = tmp_path / "parts-read", SiteLoader.stored_part

    def noting(self, files):
        with noted.open("a", encoding="utf-8") as out:
            out.write(f"{os.getpid()} {files[0].name}\n")
        return stored_part(self, files)

    monkeypatch.setattr(SiteLoader, "stored_part", noting)
    return noted


def test_the_helper_renders_articles_own_pages_from_the_cache_as_one_process_would(project, tmp_path, helper_reads):
    # Cold, then after a template edit that re-renders every article's page: both equal clean one-core builds.
    first = fresh_build(project)
    read = helper_reads.read_text(encoding="utf-8").splitlines()
    assert read and all(int(line.split()[0]) != os.getpid() for line in read), "the helper read no part"
    articles = {path.name for path in (project / "content").glob("*.md")}
    assert {line.split()[1] for line in read} <= articles
    one = tmp_path / "one"
    os.environ["MICROSITE_NO_FORK"] = "1"
    try:
        on_one = Builder(project, one, cache=False).build()
    finally:
        del os.environ["MICROSITE_NO_FORK"]
    assert first.rendered == on_one.rendered and snapshot(project / "_site") == snapshot(one)

    (project / "templates").mkdir()
    shutil.copy(PROJECT / "templates/article.html", project / "templates")
    edit(project / "templates/article.html", "{% block main %}", "{% block main %}<!-- mine -->")
    helper_reads.unlink()
    again = fresh_build(project)
    assert not again.full and len([p for p in again.rendered if p.startswith("articles/")]) == len(articles)
    assert helper_reads.exists(), "the helper read no part after the template edit"
    assert_same_as_clean_build(project, project / "_site", tmp_path)


def test_without_fork_the_helpers_work_is_done_here_after_the_rest(project, tmp_path, monkeypatch):
    # As on Windows: no second process, the same pages.
    from microsite.build import builder

    monkeypatch.setattr(parallel, "MIN_ITEMS", 1)
    monkeypatch.setattr(builder, "_PART_SIZE", 2)
    monkeypatch.setenv("MICROSITE_NO_FORK", "1")
    assert parallel.Helper(lambda payload, claims: None).pid is None
    parts, apart = [], builder.Builder._apart
    monkeypatch.setattr(builder.Builder, "_apart", lambda self, *args: parts.append(apart(self, *args)) or parts[-1])
    result = fresh_build(project)
    assert parts and parts[0] is not None and len(parts[0][0]) == 3, "the pages were not shared out in parts"
    assert result.full and len([p for p in result.rendered if p.startswith("captures/")]) == 5
    assert_same_as_clean_build(project, project / "_site", tmp_path)


def test_parts_the_cache_lacks_are_rendered_by_the_main_process(project, tmp_path, helper_reads, monkeypatch):
    # A cache that could not be written (a full disk): the helper hands its parts back, nothing is missing.
    from microsite.model.loader import SiteLoader

    monkeypatch.setattr(SiteLoader, "stored_part", lambda self, files: None)
    result = fresh_build(project)
    assert len([p for p in result.rendered if p.startswith("captures/")]) == len(
        list((project / "content").glob("*.md"))
    )
    assert_same_as_clean_build(project, project / "_site", tmp_path)


def _claim_all(claims: parallel.Claims, take) -> list[int]:
    got = []
    while (index := take()) is not None:
        got.append(index)
        time.sleep(0.002)  # a part's work: the other process claims meanwhile
    return got


def test_the_helper_and_this_process_claim_every_part_once(two_cores):
    helper = parallel.Helper(lambda payload, claims: _claim_all(claims, claims.first))
    helper.claims.reset(60)
    mine, theirs = helper.run(b"go", lambda: (time.sleep(0.02), _claim_all(helper.claims, helper.claims.last))[1])
    assert sorted(mine + theirs) == list(range(60)) and mine and theirs
    assert theirs == sorted(theirs) and mine == sorted(mine, reverse=True)  # from either end


def test_the_helper_does_its_first_work_while_this_process_goes_on_and_sends_the_job(two_cores, tmp_path):
    # The job is sent while the helper is busy with its first work: bigger than a pipe holds, it must not
    # keep this process waiting until that work is done.
    done = tmp_path / "first-done"

    def first(payload: bytes) -> None:
        time.sleep(0.5)
        done.write_bytes(payload)

    helper = parallel.Helper(lambda payload, claims: (done.read_bytes(), len(payload)), first)
    helper.start(b"copied")
    assert helper.pid is not None and helper.started
    sent = time.monotonic()
    here, job = helper.run(b"x" * 4_000_000, lambda: (time.monotonic() - sent, done.exists()))
    waited, first_was_done = here
    assert not first_was_done and waited < 0.4, "this process waited for the helper's first work"
    assert job == (b"copied", 4_000_000), "the job ran before the first work was done"


def test_a_failure_in_the_helpers_first_work_is_raised_by_run(two_cores):
    def first(payload: bytes) -> None:
        raise OSError(28, "No space left on device")

    helper = parallel.Helper(lambda payload, claims: "ran", first)
    helper.start(b"")
    with pytest.raises(OSError, match="No space left"):
        helper.run(b"job", lambda: None)


def test_the_helper_copies_while_pages_are_listed_and_is_stopped_if_the_build_fails(project, two_cores, monkeypatch):
    # The helper copies the captures into the new output folder as soon as the site is loaded. A build that
    # fails meanwhile must stop it before that folder is removed: a copy made after would make it again.
    from microsite.build import builder, writer

    copied_by = project / "copied-by"
    copy = writer.Output.copy

    def slow_copy(self, source, path):
        if not copied_by.exists():
            time.sleep(0.3)  # the first copy: long after the main process has moved on
        with copied_by.open("a", encoding="utf-8") as out:
            out.write(f"{os.getpid()}\n")
        copy(self, source, path)

    monkeypatch.setattr(writer.Output, "copy", slow_copy)
    built = fresh_build(project)
    pids = {int(pid) for pid in copied_by.read_text(encoding="utf-8").split()}
    assert built.full and len(pids) == 1 and os.getpid() not in pids, "the helper did not make the copies"
    before = snapshot(project / "_site")

    def failing(site):
        raise BuildFailed([])

    copied_by.unlink()
    shutil.rmtree(project / ".cache")  # the whole path, as a cold build
    names = sorted(p.name for p in project.iterdir())
    monkeypatch.setattr(builder, "site_pages", failing)
    with pytest.raises(BuildFailed):
        fresh_build(project)
    time.sleep(0.5)  # a helper still running has made its first copy by now
    left = sorted(p.name for p in project.iterdir() if p.name != cache.FOLDER)  # the load wrote the cache again
    assert left == names, "the failed build left a folder behind"
    assert snapshot(project / "_site") == before, "the failed build changed the site"


def test_without_shared_memory_a_build_runs_in_one_process(project, tmp_path, two_cores, monkeypatch):
    def no_shared_memory(*args, **kwargs):
        raise OSError("no /dev/shm")

    monkeypatch.setattr(parallel.multiprocessing, "Lock", no_shared_memory)
    assert parallel.Helper(lambda payload, claims: None).pid is None
    assert fresh_build(project).full
    assert_same_as_clean_build(project, project / "_site", tmp_path)


def test_a_template_error_in_the_helper_is_reported_like_any_other(project, helper_reads):
    (project / "templates").mkdir()
    (project / "templates/article.html").write_text(
        "{% extends 'base.html' %}{% block main %}\n{{ no_such_name.x }}{% endblock %}", encoding="utf-8"
    )
    with pytest.raises(BuildFailed) as failed:
        fresh_build(project)
    [problem] = failed.value.problems
    assert problem.file.name == "article.html" and problem.line == 2 and "no_such_name" in problem.message
    assert helper_reads.exists() and not (project / "_site").exists()


def test_a_page_error_found_by_the_second_process_names_file_line_and_field(project, two_cores):
    edit(project / "content/huawei-third-party-phones-monica.md", "status: confirmed", "status: certain")
    with pytest.raises(BuildFailed) as failed:
        Builder(project, project / "_site", cache=False).build()
    [problem] = failed.value.problems
    assert problem.file.name == "huawei-third-party-phones-monica.md" and problem.line and "status" in problem.field


def test_after_edits_only_their_own_pages_show_a_fresh_build_reads_those_articles_alone(project, tmp_path, monkeypatch):
    # Bodies, comments and captures: the build renders the edited articles' own pages (and the feed) from the
    # cache's copies of the articles those pages list, without loading the site; the output is a clean build's.
    from microsite.model.loader import SiteLoader

    edit(project / "site.yaml", 'base_url: ""', "base_url: https://example.org/research/")  # for the feed
    content, seeds = project / "content", project / "seeds"
    story = content / "huawei-xiaomi-att-verizon-macrumors.md"  # in a story, with related articles and comments
    fresh_build(project)

    def whole_load(self):
        raise AssertionError("the whole site was loaded")

    steps = {
        "a body": (lambda: edit(story, "which is why that claim", "which is why this claim"), 3),
        "a comment": (lambda: edit(story, "votes: 10\n      stance: sceptical", "votes: 10\n      stance: neutral"), 3),
        "a capture": (lambda: edit(seeds / "001_ec377d852a875d58.txt", "Xiaomi", "Xiaomi "), 4),
        "two bodies": (
            lambda: [
                edit(story, "which is why this claim", "which is why that claim"),
                edit(content / "huawei-third-party-phones-monica.md", "Other outlets,", "Other outlets, too,"),
            ],
            5,
        ),
    }
    for name, (step, most) in steps.items():
        step()
        with monkeypatch.context() as patch:
            patch.setattr(SiteLoader, "load", whole_load)
            result = fresh_build(project)
        assert not result.full and 0 < len(result.rendered) <= most, f"after {name}: {result.rendered}"
        assert_same_as_clean_build(project, project / "_site", tmp_path)
        assert fresh_build(project).up_to_date, f"after {name}: the next build found a change"

    edit(story, "\ntitle: ", "\ntitle: Retitled, ")  # its title is in the lists: the whole path
    result = fresh_build(project)
    assert "timeline.html" in result.rendered
    assert_same_as_clean_build(project, project / "_site", tmp_path)


def test_a_builder_that_found_nothing_changed_renders_a_later_body_edit_from_the_cache(project, monkeypatch):
    # The preview started on an up-to-date site: its first save must not load the whole site.
    from microsite.model.loader import SiteLoader

    fresh_build(project)
    builder = Builder(project, project / "_site")
    assert builder.build().up_to_date
    monkeypatch.setattr(SiteLoader, "load", lambda self: pytest.fail("the whole site was loaded"))
    page = project / "content/huawei-third-party-phones-monica.md"
    edit(page, "Other outlets,", "Other outlets, later,")
    assert sorted(builder.build({page}).rendered) == [
        "articles/huawei-third-party-phones-monica.html",
        "captures/huawei-third-party-phones-monica.html",
    ]


def test_a_build_beside_running_threads_runs_in_one_process(project, tmp_path, monkeypatch):
    # As the preview's rebuilds do, beside its web server and watcher: a fork there could inherit a held lock.
    import os
    import threading

    monkeypatch.setattr(parallel, "MIN_ITEMS", 1)
    already = threading.active_count()  # pytest's own (the browser tests leave idle ones)
    forks = []
    real_fork = os.fork

    def fork():
        forks.append(threading.active_count())
        return real_fork()

    monkeypatch.setattr(os, "fork", fork)
    stop = threading.Event()
    beside = threading.Thread(target=stop.wait, daemon=True)
    beside.start()
    try:
        Builder(project, tmp_path / "out").build()
        Builder(project, tmp_path / "out").build()  # the cached path, which starts the helper
    finally:
        stop.set()
        beside.join()
    assert forks == []
    # With no thread but those pytest had, it forks (on a machine of two cores): the check above could fail.
    monkeypatch.setattr(parallel, "other_threads_run", lambda: threading.active_count() > already)
    if parallel.workers() > 1:
        Builder(project, tmp_path / "alone").build()
        Builder(project, tmp_path / "alone").build()
        assert forks and all(count == already for count in forks)
