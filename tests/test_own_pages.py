"""An article's own pages (its page and its capture's) read of the site only what the build gives them when it
renders them from a part of the model: site.yaml's settings, the article's story and the articles the page
declares. Their templates see the Site through render.OwnPageSite, and reading more fails the build at the
template's line; list pages still read the whole site."""

from __future__ import annotations

import html
import re
import shutil
from pathlib import Path

import pytest
from conftest import PROJECT, copy_of_the_site

from microsite.build import rendering
from microsite.build.builder import Builder
from microsite.errors import BuildFailed
from microsite.model.loader import load_site
from microsite.site import render, urls
from microsite.site.pages import site_pages
from microsite.source import files

PROBE = re.compile(r'<p id="probe">(.*?)</p>', re.DOTALL)


@pytest.fixture
def project(tmp_path, monkeypatch) -> Path:
    """The project's own site, copied; every file's stat trusted at once, as the build cache's tests do."""
    monkeypatch.setattr(files, "_SETTLE_NS", -(10**12))
    return copy_of_the_site(tmp_path / "site", settled=True)


def with_probe(root: Path, template: str, probe: str) -> int:
    """The project's template copied into the site's templates/, with `probe` on a line of its own at the start
    of the page's main block; the number of that line."""
    (root / "templates").mkdir(exist_ok=True)
    shutil.copy(PROJECT / "templates" / template, root / "templates")
    file = root / "templates" / template
    text = file.read_text(encoding="utf-8")
    assert "{% block main %}\n" in text, f"test setup: {template} has no main block on a line of its own"
    text = text.replace("{% block main %}\n", "{% block main %}\n" + probe + "\n", 1)
    file.write_text(text, encoding="utf-8")
    return text.splitlines().index(probe) + 1


def probed(out: Path, path: str) -> str:
    found = PROBE.findall((out / path).read_text(encoding="utf-8"))
    assert len(found) == 1, f"no probe, or more than one, in {path}"
    return html.unescape(found[0])


@pytest.mark.parametrize(
    ("template", "read", "asked"),
    [
        pytest.param("article.html", "{{ site.articles | length }}", "`site.articles`", id="article-site.articles"),
        pytest.param("article.html", "{{ site.comment_count }}", "`site.comment_count`", id="article-comment_count"),
        pytest.param("capture.html", "{{ site.claims | length }}", "`site.claims`", id="capture-site.claims"),
        pytest.param(
            "capture.html",
            "{% for c in site.mentioned_companies %}{{ c.name }}{% endfor %}",
            "`site.mentioned_companies`",
            id="capture-mentioned_companies",
        ),
        pytest.param("article.html", "{{ site.story('not-its-story') }}", "`site.story(...)`", id="another-story"),
    ],
)
def test_an_own_page_reading_more_of_the_site_fails_the_build_at_the_template_line(project, template, read, asked):
    line = with_probe(project, template, f'<p id="probe">{read}</p>')
    with pytest.raises(BuildFailed) as failed:
        Builder(project, project / "_site", cache=False).build()
    [problem] = failed.value.problems  # the same for every article's page: reported once
    assert problem.file == project / "templates" / template and problem.line == line
    assert problem.message.startswith("OwnPageReadError: ") and asked in problem.message
    assert "an article's own page reads only the article, its related articles and its story" in problem.message
    assert "declared_articles" in problem.message  # what it may read instead
    assert problem.hint and ("list page" in problem.hint or "story's page" in problem.hint)
    assert not (project / "_site").exists()


@pytest.fixture(params=["one process", "own pages in a worker"])
def jobs(request, monkeypatch) -> int:
    """One process, or a worker rendering the own pages from parts of the model, two articles a part."""
    if request.param == "one process":
        return 1
    monkeypatch.setattr(rendering, "MIN_ARTICLES", 1)
    monkeypatch.setattr(rendering, "PART_SIZE", 2)
    return 2


def test_an_own_page_reads_the_settings_its_story_and_the_articles_it_declares(project, jobs):
    probe = (
        '<p id="probe">{{ site.settings.title }}|{% set own = site.story(article.story) %}'
        '{{ own.title if own else "none" }}|{{ site.declared_articles | map(attribute="slug") | join(" ") }}</p>'
    )
    with_probe(project, "article.html", probe)
    with_probe(project, "capture.html", '<p id="probe">{{ site.settings.title }}|{{ site.digest | length }}</p>')
    out = project / "_site"
    assert Builder(project, out, jobs=jobs).build().workers == jobs - 1

    site = load_site(project)
    position = {article.slug: index for index, article in enumerate(site.articles)}
    in_stories = 0
    for article in site.articles:
        declared = {article.slug, *(r.article.slug for r in article.related)}
        declared.update(peer.article.slug for peer in article.story_peers)
        story = site.story(article.story)
        in_stories += story is not None
        expected = [site.settings.title, story.title if story else "none", " ".join(sorted(declared, key=position.get))]
        assert probed(out, urls.article(article.slug)).split("|") == expected
        assert probed(out, urls.capture(article.slug)) == f"{site.settings.title}|{len(site.digest)}"
    assert in_stories and in_stories < len(site.articles), "test setup: articles in a story and not"
    assert any(len(article.related) > 1 for article in site.articles), "test setup: no article with related ones"


@pytest.mark.parametrize("template", ["timeline.html", "company.html", "story.html"])
def test_a_list_page_still_reads_the_whole_site(project, template):
    probe = '<p id="probe">{{ site.articles | length }} {{ site.claims | length }} {{ site.comment_count }}</p>'
    with_probe(project, template, probe)
    out = project / "_site"
    Builder(project, out, cache=False).build()

    site = load_site(project)
    paths = {
        "timeline.html": [urls.TIMELINE],
        "company.html": [urls.company(company.slug) for company in site.mentioned_companies],
        "story.html": [urls.story(story.id) for story in site.stories],
    }[template]
    assert paths, "test setup: no such page"
    for path in paths:
        assert probed(out, path) == f"{len(site.articles)} {len(site.claims)} {site.comment_count}"


def test_list_pages_share_one_build_s_fragments_folder_by_folder(project):
    # An article's line is made once per folder: every company page of a build reuses it, and a page in another
    # folder makes its own (links are relative to the folder). Only the current folder's are kept.
    site = load_site(project)
    env = render.environment(project, keep_compiled=False)
    pages = site_pages(site)
    companies = [page for page in pages if page.template == "company.html"]
    assert len(companies) > 1, "test setup"
    render.render(env, site, companies[0])
    fragments = env.globals["cached"].__self__
    assert isinstance(fragments, render.Fragments) and fragments.site is site and fragments.folder == "companies"
    lines = {("line", article.slug) for article in companies[0].context["company"].articles}
    made = fragments.made
    assert lines and lines <= made.keys()
    render.render(env, site, companies[1])
    assert fragments.made is made  # the same folder: the same fragments
    source = next(page for page in pages if page.template == "source.html")
    render.render(env, site, source)
    assert fragments.folder == "sources" and fragments.made is not made
    assert any(key[0] == "line" for key in fragments.made)
