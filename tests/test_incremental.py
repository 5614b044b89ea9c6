"""Rebuilds keep what they know: only what an edit touches is rendered, and the result
is byte for byte what a clean full build of the same sources gives."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from conftest import (
    OTHER_CAPTURE,
    OTHER_PAGE,
    PROJECT,
    SiteFolder,
    assert_same_as_clean_build,
    copy_of_the_site,
    snapshot,
)

from microsite.build.builder import Builder
from microsite.errors import BuildFailed
from microsite.model.loader import load_site
from microsite.site.pages import site_pages
from microsite.source import files


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"test setup: {old!r} not in {path.name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.fixture(params=["stat trusted at once", "recent files read again"])
def settle(request, monkeypatch):
    # The loader trusts a file's stat only once it is a second old. Trusting it at once
    # exercises the cached path; each edit below changes the file's size, so it is seen.
    if request.param == "stat trusted at once":
        monkeypatch.setattr(files, "_SETTLE_NS", -(10**12))


def test_incremental_rebuilds_equal_full_builds_after_a_series_of_edits(tmp_path, settle):
    root, scratch = copy_of_the_site(tmp_path / "site"), tmp_path / "full"
    scratch.mkdir()
    content, seeds, out = root / "content", root / "seeds", root / "_site"
    builder = Builder(root, out)
    assert builder.build().full

    monica, phonearena = content / "huawei-third-party-phones-monica.md", content / "xiaomi-us-flagships-phonearena.md"
    steps = {
        "an article's title": lambda: edit(phonearena, "\ntitle: ", "\ntitle: Edited, "),
        "a claim's status": lambda: edit(
            content / "huawei-xiaomi-att-verizon-macrumors.md", "status: reported", "status: confirmed"
        ),
        "an article's body": lambda: edit(monica, "Other outlets,", "Other outlets, since edited,"),
        "a comment's stance": lambda: edit(
            content / "huawei-xiaomi-att-verizon-macrumors.md",
            "votes: 10\n      stance: sceptical",
            "votes: 10\n      stance: neutral",
        ),
        "a capture's text": lambda: (seeds / "000_08207aa6a6b33e95.txt").write_bytes(
            (seeds / "000_08207aa6a6b33e95.txt").read_bytes() + b"\nA line added later.\n"
        ),
        "a new article": lambda: (
            shutil.copy(seeds / "002_b7cb3e0795de1fdb.txt", seeds / "005_copy.txt"),
            (content / "monica-copy.md").write_text(
                monica.read_text(encoding="utf-8")
                .replace("002_b7cb3e0795de1fdb.txt", "005_copy.txt")
                .replace("\ntitle: ", "\ntitle: A copy of ", 1),
                encoding="utf-8",
            ),
        ),
        "an article removed": lambda: ((content / "monica-copy.md").unlink(), (seeds / "005_copy.txt").unlink()),
        "the site title": lambda: edit(root / "site.yaml", "\ntitle: ", "\ntitle: Renamed, "),
        "a template override": lambda: (
            (root / "templates").mkdir(),
            (root / "templates/capture.html").write_text(
                (PROJECT / "templates/capture.html").read_text(encoding="utf-8") + "{# overridden #}\n<!-- own -->\n",
                encoding="utf-8",
            ),
        ),
        "the override edited": lambda: edit(root / "templates/capture.html", "<!-- own -->", "<!-- own, edited -->"),
        "the override removed": lambda: shutil.rmtree(root / "templates"),
        "a static file added": lambda: (
            (root / "static").mkdir(),
            (root / "static/style.css").write_text("body { color: red; }\n", encoding="utf-8"),
        ),
        "the static file removed": lambda: shutil.rmtree(root / "static"),
        "a company no longer mentioned": lambda: [
            edit(content / "huawei-global-smartphone-comeback.md", "[Huawei, HiSilicon]", "[Huawei]") for _ in "12"
        ],
    }
    for name, step in steps.items():
        step()
        try:
            result = builder.build()
        except BuildFailed as failed:
            pytest.fail(f"after {name}: {failed.report()}")
        assert not result.full, f"after {name}: the rebuild was not incremental"
        assert result.rendered or result.written, f"after {name}: nothing was rebuilt"
        try:
            assert_same_as_clean_build(root, out, scratch)
        except AssertionError as differs:
            pytest.fail(f"after {name}: {differs}")

    # A broken save leaves the output as it was, and the next good build catches up.
    before = snapshot(out)
    text = phonearena.read_text(encoding="utf-8")
    phonearena.write_text(text.replace("\ntitle: ", "\ntitle: [broken\n", 1), encoding="utf-8")
    with pytest.raises(BuildFailed):
        builder.build()
    assert snapshot(out) == before
    phonearena.write_text(text.replace("\ntitle: ", "\ntitle: Fixed, ", 1), encoding="utf-8")
    assert not builder.build().full
    assert_same_as_clean_build(root, out, scratch)

    # Writing a file again with the same bytes renders nothing.
    os.utime(phonearena)
    result = builder.build()
    assert (result.rendered, result.written, result.removed) == ([], [], [])


@pytest.fixture
def two_stories(site: SiteFolder) -> SiteFolder:
    """talks.md (Huawei, AT&T, Bloomberg, published by PhoneArena) and other.md (Xiaomi alone)."""
    site.write("seeds/other.txt", OTHER_CAPTURE)
    site.page(OTHER_PAGE, "other.md")
    return site


def test_an_edited_article_renders_its_pages_and_the_pages_that_list_it(two_stories):
    builder = Builder(two_stories.root, two_stories.root / "_site")
    builder.build()
    two_stories.edit_page("title: Huawei talks to AT&T", "title: Huawei still talks to AT&T")
    result = builder.build()
    assert sorted(result.rendered) == sorted(
        [
            "articles/talks.html",
            "captures/talks.html",
            "index.html",
            "timeline.html",
            "forecasts.html",  # lists every article's forecasts
            "companies/index.html",
            "companies/huawei.html",
            "companies/at-t.html",
            "sources/index.html",
            "sources/bloomberg.html",
            "sources/phonearena.html",
            "cite/talks.bib",
            "cite/talks.json",
            # the site-wide exports list every article
            "data/articles.json",
            "data/claims.json",
            "data/claims.csv",
            "data/timeline.json",
            "data/citations.json",
            "data/citations.bib",
            "data/corpus.sqlite",
            "data/annotations.jsonld",
        ]
    )
    assert "articles/other.html" not in result.written and "companies/xiaomi.html" not in result.written
    assert "Huawei still talks" in (two_stories.root / "_site/articles/talks.html").read_text(encoding="utf-8")


def test_an_edit_of_a_body_alone_renders_that_articles_own_pages(two_stories):
    # The lists, indexes, data files and other articles' pages show only its outline (Article.outline).
    builder = Builder(two_stories.root, two_stories.root / "_site")
    builder.build()
    two_stories.edit_page("A short summary.", "A short summary, edited.")
    result = builder.build()
    assert sorted(result.rendered) == ["articles/talks.html", "captures/talks.html"]
    assert "A short summary, edited." in (two_stories.root / "_site/articles/talks.html").read_text(encoding="utf-8")


def test_a_kept_builder_renders_such_an_edit_from_the_cache_without_loading_the_site(two_stories, monkeypatch):
    # The preview's path, and a fresh `build`'s: a front-matter edit still loads the site and lists its pages.
    from microsite.model.loader import SiteLoader

    builder = Builder(two_stories.root, two_stories.root / "_site")
    builder.build()
    loads = []
    whole_load = SiteLoader.load
    monkeypatch.setattr(
        SiteLoader, "load", lambda self, *args, **kw: loads.append(self) or whole_load(self, *args, **kw)
    )
    two_stories.edit_page("A short summary.", "A short summary, edited again.")
    assert sorted(builder.build().rendered) == ["articles/talks.html", "captures/talks.html"]
    assert loads == []
    two_stories.edit_page("title: Huawei talks to AT&T", "title: Huawei talks to AT&T again")
    assert "timeline.html" in builder.build().rendered
    assert len(loads) == 1


def test_a_kept_builder_told_what_changed_looks_at_that_alone_and_still_equals_a_clean_build(two_stories, tmp_path):
    # The preview passes the watcher's paths, absolute or not; what they cannot tell takes the whole path.
    root, out, scratch = two_stories.root, two_stories.root / "_site", tmp_path / "clean"
    scratch.mkdir()
    builder = Builder(root, out)
    builder.build()
    talks = two_stories.edit_page("A short summary.", "A short summary, told.")
    assert sorted(builder.build({talks}).rendered) == ["articles/talks.html", "captures/talks.html"]
    assert_same_as_clean_build(root, out, scratch)

    capture = root / "seeds/capture.txt"
    capture.write_text(capture.read_text(encoding="utf-8") + "A line added.\n", encoding="utf-8")
    relative = Path(os.path.relpath(capture))
    assert "captures/talks.txt" in builder.build({relative}).written
    assert_same_as_clean_build(root, out, scratch)

    (root / "content/notes.txt").write_text("not a page\n", encoding="utf-8")
    assert builder.build({root / "content/notes.txt"}).rendered == []

    two_stories.write("seeds/third.txt", OTHER_CAPTURE)
    two_stories.page(OTHER_PAGE.replace("seed: other.txt", "seed: third.txt\nstory: paris"), "third.md")
    result = builder.build({root / "content/third.md"})
    assert "articles/third.html" in result.rendered and "timeline.html" in result.rendered
    assert_same_as_clean_build(root, out, scratch)

    (root / "content/third.md").unlink()
    assert "articles/third.html" in builder.build({root / "content/third.md"}).removed
    assert_same_as_clean_build(root, out, scratch)


def test_a_changed_template_renders_the_pages_that_use_it(two_stories):
    builder = Builder(two_stories.root, two_stories.root / "_site")
    builder.build()
    two_stories.write("templates/capture.html", (PROJECT / "templates/capture.html").read_text(encoding="utf-8"))
    assert builder.build().rendered == []  # the same template source: nothing to do
    edit(two_stories.root / "templates/capture.html", "</h1>", "</h1><p>Overridden</p>")
    assert sorted(builder.build().rendered) == ["captures/other.html", "captures/talks.html"]
    # base.html is used by every page, through {% extends %}.
    two_stories.write("templates/base.html", (PROJECT / "templates/base.html").read_text(encoding="utf-8") + "\n")
    result = builder.build()
    templated = [page.path for page in site_pages(load_site(two_stories.root)) if page.template]
    assert sorted(result.rendered) == sorted(path for path in templated if not path.endswith(".txt"))  # not robots.txt


def test_a_changed_stylesheet_renders_nothing_and_is_copied(two_stories, monkeypatch):
    monkeypatch.setattr(files, "_SETTLE_NS", -(10**12))  # else files written by the test are copied again
    builder = Builder(two_stories.root, two_stories.root / "_site")
    builder.build()
    two_stories.write("static/style.css", "body { color: #123; }\n")
    result = builder.build()
    assert (result.rendered, result.written) == ([], ["static/style.css"])
    assert (two_stories.root / "_site/static/style.css").read_text(encoding="utf-8") == "body { color: #123; }\n"


def test_a_removed_article_takes_its_pages_with_it(two_stories):
    builder = Builder(two_stories.root, two_stories.root / "_site")
    builder.build()
    (two_stories.root / "content/other.md").unlink()
    result = builder.build()
    assert sorted(result.removed) == [
        "articles/other.html",
        "captures/other.html",
        "captures/other.txt",
        "cite/other.bib",
        "cite/other.json",
        "companies/xiaomi.html",
    ]
    assert not (two_stories.root / "_site/articles/other.html").exists()


def test_a_deleted_output_folder_gets_a_full_build(two_stories):
    out = two_stories.root / "_site"
    builder = Builder(two_stories.root, out)
    builder.build()
    shutil.rmtree(out)
    result = builder.build()
    assert result.full and (out / "articles/talks.html").is_file()


def test_an_article_saved_within_the_second_is_never_listed_stale_from_the_cache(tmp_path):
    # Files written just now have no trusted stat. A related article retitled within the second before a
    # build, then a body edit of the article that lists it: its card must show the new title.
    root, scratch = copy_of_the_site(tmp_path / "site"), tmp_path / "clean"
    scratch.mkdir()
    out = root / "_site"
    builder = Builder(root, out)
    builder.build()
    related = root / "content/huawei-xiaomi-verizon-att-androidheadlines.md"
    edit(related, "\ntitle: ", "\ntitle: Retitled, ")
    builder.build({related})
    listing = root / "content/huawei-xiaomi-att-verizon-macrumors.md"
    edit(listing, "which is why that claim", "which is why this claim")
    assert "articles/huawei-xiaomi-att-verizon-macrumors.html" in builder.build({listing}).rendered
    assert "Retitled, " in (out / "articles/huawei-xiaomi-att-verizon-macrumors.html").read_text(encoding="utf-8")
    assert_same_as_clean_build(root, out, scratch)
