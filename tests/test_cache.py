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
import weakref
from pathlib import Path

import pytest
from conftest import OTHER_CAPTURE, OTHER_PAGE, PROJECT, assert_same_as_clean_build, copy_of_the_site, run_cli

from microsite.build import cache
from microsite.build.builder import Builder
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
    builder = Builder(project, project / "_site")
    builder.build()
    assert not builder.shares.made, "the shares were held after the data files were made"
    with sqlite3.connect(project / cache.FOLDER / "pages.sqlite") as db:
        stored = set(db.execute("SELECT name, slug FROM shares"))
    slugs = {path.stem for path in (project / "content").glob("*.md")}
    assert {slug for _name, slug in stored} == slugs
    assert {"articles.json", "claims.json", "citations.bib"} <= {name for name, _slug in stored}

    def no_shares(self, config_digest, name, slugs):
        raise AssertionError(f"the shares of {name} were read")

    (project / "templates").mkdir()
    shutil.copy(PROJECT / "templates/article.html", project / "templates")
    edit(project / "templates/article.html", "{% block main %}", "{% block main %}<!-- mine -->")
    with monkeypatch.context() as patch:  # a template makes no data file
        patch.setattr(cache.PageStore, "read_shares", no_shares)
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
        name, slug, text = db.execute("SELECT name, slug, text FROM shares WHERE text != ''").fetchone()
        db.execute("UPDATE shares SET text = ? WHERE name = ? AND slug = ?", (text[:-1] + "!", name, slug))


DAMAGE = {
    "state truncated": lambda folder: (folder / "state.pickle").write_bytes(
        (folder / "state.pickle").read_bytes()[:100]
    ),
    "state with a flipped byte": lambda folder: _flip_a_byte(folder / "state.pickle"),
    "pages not a database": lambda folder: (folder / "pages.sqlite").write_bytes(b"not a database" * 100),
    "a page record altered": lambda folder: _damage_a_record(folder / "pages.sqlite"),
    "a share of a data file altered": lambda folder: _damage_a_share(folder / "pages.sqlite"),
    "a compiled template altered": lambda folder: [_flip_a_byte(f) for f in (folder / "templates").iterdir()],
    "site index with a flipped byte": lambda folder: _flip_a_byte(folder / "index.pickle"),
}
EDITS = {  # the second reads the cache's site index and only a part of its pages
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


def test_after_edits_only_their_own_pages_show_a_fresh_build_reads_those_articles_alone(project, tmp_path, monkeypatch):
    # Bodies, comments and captures: the build renders the edited articles' own pages (and the feed) from the
    # cache's copies of the articles those pages list, without loading the site; the output is a clean build's.
    from microsite.model.loader import SiteLoader

    edit(project / "site.yaml", 'base_url: ""', "base_url: https://example.org/research/")  # for the feed
    content, seeds = project / "content", project / "seeds"
    story = content / "huawei-xiaomi-att-verizon-macrumors.md"  # in a story, with related articles and comments
    fresh_build(project)

    def whole_load(self, *args, **kwargs):
        raise AssertionError("the whole site was loaded")

    steps = {
        "a body": (lambda: edit(story, "which is why that claim", "which is why this claim"), 3),
        # A comment's or a capture's edit changes data/corpus.sqlite and data/annotations.jsonld too.
        "a comment": (lambda: edit(story, "votes: 10\n      stance: sceptical", "votes: 10\n      stance: neutral"), 5),
        "a capture": (lambda: edit(seeds / "001_ec377d852a875d58.txt", "Xiaomi", "Xiaomi "), 6),
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
    monkeypatch.setattr(SiteLoader, "load", lambda self, *args, **kwargs: pytest.fail("the whole site was loaded"))
    page = project / "content/huawei-third-party-phones-monica.md"
    edit(page, "Other outlets,", "Other outlets, later,")
    assert sorted(builder.build({page}).rendered) == [
        "articles/huawei-third-party-phones-monica.html",
        "captures/huawei-third-party-phones-monica.html",
    ]


def test_a_link_to_a_folder_under_content_is_named_once_and_changes_nothing(project, tmp_path):
    # One walk of the site folder for the pages and for what changed: they agree about the link, so the
    # second build finds nothing changed (it used to rebuild every time), and the build says it skipped it.
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    shutil.copy(project / "content/huawei-third-party-phones-monica.md", elsewhere / "linked-copy.md")
    os.symlink(elsewhere, project / "content/linked")
    first = run_cli("--site", str(project), "build")
    assert first.returncode == 0 and "Built" in first.stdout
    assert "content/linked is a link to a folder, whose pages are not read" in first.stderr
    again = run_cli("--site", str(project), "build")
    assert again.returncode == 0 and "Nothing changed since the last build" in again.stdout, again.stdout
