"""Stories: articles sharing a `story` key grouped, their claims compared, and likely stories suggested."""

from __future__ import annotations

import posixpath
import shutil
from pathlib import Path

import pytest
import yaml
from conftest import MINIMAL_SITE_YAML, OTHER_CAPTURE, OTHER_PAGE, PROJECT, SiteFolder, run_cli
from html_tools import Element, parse_file

from microsite.build.builder import Builder
from microsite.commands.build import build
from microsite.model import stories
from microsite.model.loader import load_site
from microsite.site import urls

# ---- the shipped content ----------------------------------------------------------------


@pytest.fixture(scope="module")
def project_site():
    return load_site(PROJECT)


def test_the_shipped_story_groups_every_article_with_its_key(project_site):
    keys = {a.story for a in project_site.articles if a.story}
    assert keys and {s.id for s in project_site.stories} == keys
    for story in project_site.stories:
        assert {id(a) for a in story.articles} == {id(a) for a in project_site.articles if a.story == story.id}
        orders = [stories.report_order(a) for a in story.articles]
        assert orders == sorted(orders), "reports are not first published first"


def test_the_shipped_story_takes_its_title_and_summary_from_the_registry(project_site):
    registry = {e["id"]: e for e in yaml.safe_load((PROJECT / "site.yaml").read_text(encoding="utf-8"))["stories"]}
    for story in project_site.stories:
        assert story.registered
        assert story.title == registry[story.id]["title"]
        assert story.summary == registry[story.id]["summary"]


def test_every_claim_of_a_story_is_either_added_or_shared(project_site):
    for story in project_site.stories:
        shared = {id(c) for group in story.groups for c in group.claims}
        for report in story.reports:
            adds = {id(c) for c in report.adds}
            for claim in report.article.claims:
                assert (id(claim) in adds) != (id(claim) in shared), claim.id
        for group in story.groups:
            assert len(group.claims) >= 2
            assert len({id(c.article) for c in group.claims}) == len(group.claims), "two claims of one report"
            assert [c for c in group.cells if c] == group.claims
            assert len(group.cells) == len(story.reports)


def test_the_shipped_matches_are_the_sensible_ones(project_site):
    """The same report said in other words is matched; claims that merely share names are not."""
    story = project_site.story("us-carrier-talks-2017")
    claims = {(c.article.publisher.name, c.id): c for a in story.articles for c in a.claims}
    groups = [{(c.article.publisher.name, c.id) for c in g.claims} for g in story.groups]

    talks = {("MacRumors", "carrier-talks"), ("Android Headlines", "talks-underway")}
    stores = {("MacRumors", "xiaomi-retail-stores"), ("PhoneArena", "xiaomi-us-retail-stores")}
    assert talks in groups and stores in groups
    # MacRumors has Xiaomi "considering" stores (reported); PhoneArena says Xiaomi "plans" them (forecast).
    macrumors, phonearena = (claims[key] for key in sorted(stores))
    assert macrumors.status != phonearena.status
    assert "status" in next(g.aspects for g in story.groups if {c.id for c in g.claims} >= {macrumors.id})
    # Both name a Mate 10 launch, but one is through Amazon and the other through carriers.
    assert not any(("Android Headlines", "mate-10-via-amazon") in g for g in groups)
    # The Mate 9 sold through Amazon is in no other report: the page says so (unique_to_report), so the
    # claim is never compared with PhoneArena's Mate 10 Pro talks, whose words it shares.
    assert claims[("Android Headlines", "mate-9-via-amazon")].unique_to_report
    assert not any(("Android Headlines", "mate-9-via-amazon") in g for g in groups)


def test_the_shipped_content_needs_no_suggestion(project_site):
    assert stories.suggestions(project_site) == []


def test_related_articles_leave_the_story_to_its_own_section(built_site, project_site):
    for story in project_site.stories:
        for article in story.articles:
            doc = parse_file(built_site / urls.article(article.slug))
            peers = {urls.article(a.slug) for a in story.articles if a is not article}
            same_story = section(doc, "same-story")
            assert peers <= linked_paths(same_story, urls.article(article.slug))
            related = [s for s in doc.find_all("section") if s.attrs.get("aria-labelledby") == "related"]
            for other in related:
                assert not peers & linked_paths(other, urls.article(article.slug))


def test_the_story_page_compares_the_reports_in_a_table(built_site, project_site):
    story = project_site.stories[0]
    path = urls.story(story.id)
    doc = parse_file(built_site / path)
    assert doc.find_all("h1")[0].text().strip() == story.title
    table = doc.find_all("table")[0]
    head = table.find_all("thead")[0].find_all("th")
    assert len(head) == len(story.reports) + 1
    for report, th in zip(story.reports, head[1:], strict=True):
        assert report.article.publisher.name in th.text()
    rows = table.find_all("tbody")[0].find_all("tr")
    assert len(rows) == len(story.groups)
    for group, row in zip(story.groups, rows, strict=True):
        cells = row.find_all("td")
        assert len(cells) == len(story.reports)
        for claim, cell in zip(group.cells, cells, strict=True):
            if claim is None:
                assert "not reported" in cell.text()
            else:
                assert claim.status in cell.text()
                links = linked(cell, path)
                assert urls.path_for(claim) in links
    reports = section(doc, "reports")
    assert [urls.article(a.slug) for a in story.articles] == [
        p for p in linked(reports, path) if p.startswith("articles/")
    ]
    assert_links_resolve(built_site, path, doc)


def test_the_home_page_lists_the_stories(built_site, project_site):
    doc = parse_file(built_site / urls.HOME)
    listed = section(doc, "stories")
    for story in project_site.stories:
        links = linked_paths(listed, urls.HOME)
        assert urls.story(story.id) in links
        assert {urls.article(a.slug) for a in story.articles} <= links
        assert f"{len(story.reports)} reports" in listed.text()
        assert story.summary in " ".join(listed.text().split())
    assert_links_resolve(built_site, urls.HOME, doc)


def test_the_article_page_links_resolve(built_site, project_site):
    for article in project_site.story("us-carrier-talks-2017").articles:
        path = urls.article(article.slug)
        assert_links_resolve(built_site, path, parse_file(built_site / path))


# ---- small hand-made sites ----------------------------------------------------------------

ECHO_CAPTURE = """\
Huawei talks, again

Huawei is reportedly negotiating with US carriers, Bloomberg News said on Friday.
People familiar with the talks say Huawei will open its own stores in New York.
"""

ECHO_PAGE = """\
---
title: Huawei talks, again
published: 2017-12-20
date_note: Dated by the test.
seed: echo.txt
story: carrier-talks
companies: [Huawei]
sources:
  - name: Bloomberg
  - name: People familiar with the talks
    kind: anonymous
claims:
  - id: talks-rumour
    statement: Huawei negotiates with US carriers.
    quote: Huawei is reportedly negotiating with US carriers
    source: Bloomberg
    companies: [Huawei]
    status: rumour
  - id: stores
    statement: Huawei will open its own stores in New York.
    quote: Huawei will open its own stores in New York
    source: People familiar with the talks
    companies: [Huawei]
    status: forecast
---
An echo.
"""


def two_reports(site: SiteFolder, story_in_talks: bool = True) -> SiteFolder:
    """talks.md (reported, Huawei and AT&T, Dec 2017) and echo.md (the same claim as a rumour, plus one)."""
    if story_in_talks:
        site.edit_page("seed: capture.txt", "seed: capture.txt\nstory: carrier-talks")
    site.write("seeds/echo.txt", ECHO_CAPTURE)
    site.page(ECHO_PAGE, "echo.md")
    return site


def test_a_report_adds_its_own_claims_and_states_a_shared_one_differently(site):
    loaded = load_site(two_reports(site).root)
    talks, echo = (next(a for a in loaded.articles if a.slug == slug) for slug in ("talks", "echo"))
    (story,) = loaded.stories
    assert story.articles == [talks, echo]  # Dec 2017 before 20 Dec 2017
    assert not story.registered and story.title == talks.title  # no registry entry: the first report's title

    (peer,) = talks.story_peers  # echo, as talks' page shows it
    assert peer.article is echo
    assert [c.id for c in peer.adds] == ["stores"]
    (difference,) = peer.differs
    assert (difference.claim.id, difference.other.id, difference.aspects) == ("talks-rumour", "talks", ["status"])
    assert [s.name for s in peer.sources_only] == ["People familiar with the talks"]
    assert peer.companies_only == []

    (back,) = echo.story_peers
    assert back.article is talks and back.adds == []
    assert [c.name for c in back.companies_only] == ["AT&T"]
    assert back.sources_only == []  # talks cites Bloomberg, which echo cites too

    by_article = {id(r.article): r for r in story.reports}
    assert [c.id for c in by_article[id(echo)].adds] == ["stores"]
    assert by_article[id(talks)].adds == []
    (group,) = story.groups
    assert group.cells == [talks.claims[0], echo.claims[0]] and group.aspects == ["status"]


def test_a_claim_unique_to_its_report_is_never_paired(site):
    two_reports(site)
    site.edit_page("    status: rumour", "    status: rumour\n    unique_to_report: true", name="echo.md")
    loaded = load_site(site.root)
    (story,) = loaded.stories
    assert all(len(group.cells) == 1 or None in group.cells for group in story.groups)
    echo = next(a for a in loaded.articles if a.slug == "echo")
    (peer,) = next(a for a in loaded.articles if a.slug == "talks").story_peers
    assert peer.differs == [] and {c.id for c in peer.adds} == {c.id for c in echo.claims}


def test_the_article_page_shows_both_wordings_side_by_side(site):
    two_reports(site)
    out = site.root / "_site"
    build(site.root, out)
    page = urls.article("talks")
    doc = parse_file(out / page)
    same = section(doc, "same-story")
    pairs = same.by_class("side-by-side")
    assert len(pairs) == 1
    sides = [" ".join(dd.text().split()) for dd in pairs[0].find_all("dd")]
    assert "reported" in sides[0].casefold() and "rumour" in sides[1].casefold()
    links = linked(same, page)
    assert "articles/echo.html#claim-stores" in links  # the claim it adds
    assert "articles/echo.html#claim-talks-rumour" in links and "articles/talks.html#claim-talks" in links
    assert urls.story("carrier-talks") in links
    assert_links_resolve(out, page, doc)
    assert_links_resolve(out, urls.story("carrier-talks"), parse_file(out / urls.story("carrier-talks")))


def test_a_story_key_on_one_article_only_makes_no_section(site):
    two_reports(site, story_in_talks=False)
    out = site.root / "_site"
    build(site.root, out)
    for slug in ("talks", "echo"):
        doc = parse_file(out / urls.article(slug))
        assert not [s for s in doc.find_all("section") if s.attrs.get("aria-labelledby") == "same-story"]
    assert load_site(site.root).story("carrier-talks").articles[0].slug == "echo"


def test_the_story_title_falls_back_to_the_first_report(site):
    two_reports(site)
    out = site.root / "_site"
    build(site.root, out)
    doc = parse_file(out / urls.story("carrier-talks"))
    assert doc.find_all("h1")[0].text().strip() == "Huawei talks to AT&T"
    assert "Titled after its first report" in doc.text()


STORIES_YAML = """
stories:
  - id: carrier-talks
    title: {title}
    summary: {summary}
  - id: never-used
    title: A story no page tells
"""


def test_an_unused_registry_entry_is_a_note_and_check_passes(site):
    two_reports(site)
    site.write("site.yaml", MINIMAL_SITE_YAML + STORIES_YAML.format(title="Carrier talks", summary="Talks."))
    result = site.run("check")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert "all checks passed" in lines[0]
    line = 1 + (site.root / "site.yaml").read_text(encoding="utf-8").splitlines().index("  - id: never-used")
    assert not [text for text in lines if text.startswith("note:")]  # notes go to standard error
    notes = [text for text in result.stderr.splitlines() if text.startswith("note:")]
    assert notes == [f"note: site.yaml:{line}: stories[1]: no page has `story: never-used`"]
    assert not [text for text in result.stderr.splitlines() if "carrier-talks" in text]


def test_a_story_registered_twice_is_a_problem(site):
    twice = STORIES_YAML.format(title="One", summary="One.").replace("id: never-used", "id: carrier-talks")
    site.write("site.yaml", MINIMAL_SITE_YAML + twice)
    result = site.run("check")
    assert result.returncode == 1
    assert "stories[1].id: the story `carrier-talks` is registered twice" in result.stderr


def test_a_typo_in_a_story_entry_names_the_story_keys(site):
    site.write("site.yaml", MINIMAL_SITE_YAML + "stories:\n  - {id: x, titel: X}\n")
    result = site.run("check")
    assert result.returncode == 1
    assert "unknown key `titel`" in result.stderr and "did you mean `title`?" in result.stderr


HOSTILE = '"<script>alert(1)</script> & <b>bold</b>"'


def test_hostile_story_titles_and_summaries_are_escaped(site):
    two_reports(site)
    site.write("site.yaml", MINIMAL_SITE_YAML + STORIES_YAML.format(title=HOSTILE, summary=HOSTILE))
    out = site.root / "_site"
    build(site.root, out)
    expected = yaml.safe_load(HOSTILE)
    for path in (urls.HOME, urls.story("carrier-talks"), urls.article("talks"), urls.article("echo")):
        html = (out / path).read_text(encoding="utf-8")
        assert "<script>alert" not in html and "<b>bold" not in html, path
        doc = parse_file(out / path)
        assert not [s for s in doc.find_all("script") if "alert" in s.text()], path
        assert not doc.find_all("b"), path
        assert expected in doc.text(), path


# ---- suggestions ---------------------------------------------------------------------------


@pytest.fixture
def shipped_copy(tmp_path) -> Path:
    """The shipped site folder, copied afresh for a test that edits it."""
    root = tmp_path / "site"
    root.mkdir()
    shutil.copy(PROJECT / "site.yaml", root)
    for name in ("content", "seeds"):
        shutil.copytree(PROJECT / name, root / name)
    return root


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"test setup: {old!r} not in {path.name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def suggestion_lines(root: Path) -> list[str]:
    result = run_cli("--site", str(root), "check", cwd=root)
    assert result.returncode == 0, result.stderr
    assert "all checks passed" in result.stdout  # the result on standard output; suggestions on standard error
    assert "suggestion:" not in result.stdout
    return [line for line in result.stderr.splitlines() if line.startswith("suggestion:")]


def test_check_suggests_the_story_for_a_report_without_its_key(shipped_copy):
    page = shipped_copy / "content/xiaomi-us-flagships-phonearena.md"
    key = yaml.safe_load(page.read_text(encoding="utf-8").split("\n---", 1)[0].removeprefix("---\n"))["story"]
    edit(page, f"\nstory: {key}\n", "\n")
    peers = {p.name for p in (shipped_copy / "content").glob("*.md") if f"\nstory: {key}\n" in p.read_text("utf-8")}
    assert len(peers) >= 2

    lines = suggestion_lines(shipped_copy)
    assert lines
    suggested = set()
    for line in lines:
        assert f"content/{page.name}" in line
        assert line.endswith(f"give both `story: {key}`")
        assert "both cite Bloomberg" in line and "Huawei, Xiaomi" in line
        suggested |= {name for name in peers if f"content/{name}" in line}
    assert suggested == peers
    for unrelated in ("huawei-global-smartphone-comeback.md", "huawei-third-party-phones-monica.md"):
        assert not [line for line in lines if unrelated in line]


def test_check_suggests_nothing_for_articles_months_apart(shipped_copy):
    page = shipped_copy / "content/xiaomi-us-flagships-phonearena.md"
    edit(page, "\nstory: us-carrier-talks-2017\n", "\n")
    edit(page, '\npublished: "2017-12"\n', '\npublished: "2018-03"\n')
    assert suggestion_lines(shipped_copy) == []


def test_a_suggested_key_for_two_unkeyed_articles_is_made_from_their_companies(shipped_copy):
    for page in (shipped_copy / "content").glob("*.md"):
        text = page.read_text(encoding="utf-8")
        page.write_text(text.replace("\nstory: us-carrier-talks-2017\n", "\n"), encoding="utf-8")
    lines = suggestion_lines(shipped_copy)
    assert len(lines) == 3  # every pair of the three reports
    assert all(line.endswith("give both `story: huawei-xiaomi-2017`") for line in lines)


# ---- incremental rebuilds -------------------------------------------------------------------


def snapshot(folder: Path) -> dict[str, bytes]:
    # The search index is another feature's output, with its own tests.
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and "pagefind" not in p.relative_to(folder).parts
    }


def test_an_edited_report_re_renders_its_peers_and_equals_a_full_build(site, tmp_path):
    two_reports(site)
    site.write("seeds/other.txt", OTHER_CAPTURE)
    site.page(OTHER_PAGE, "other.md")
    out = site.root / "_site"
    builder = Builder(site.root, out)
    builder.build()

    steps = [
        ("a claim's status", "echo.md", "status: rumour", "status: reported"),
        ("the story key removed", "echo.md", "story: carrier-talks\n", ""),
        ("the story key back", "echo.md", "seed: echo.txt", "seed: echo.txt\nstory: carrier-talks"),
    ]
    for number, (name, page, old, new) in enumerate(steps):
        edit(site.root / "content" / page, old, new)
        result = builder.build()
        assert not result.full
        assert urls.article("talks") in result.rendered, f"after {name}: the peer's page was not re-rendered"
        assert urls.article("other") not in result.rendered, f"after {name}: an unrelated page was re-rendered"
        full = tmp_path / f"full-{number}"
        build(site.root, full)
        incremental, clean = snapshot(out), snapshot(full)
        assert sorted(incremental) == sorted(clean), f"after {name}: other files than a full build"
        assert [p for p in clean if incremental[p] != clean[p]] == [], f"after {name}: differs from a full build"
    assert urls.story("carrier-talks") in result.rendered


# ---- helpers -------------------------------------------------------------------------------


def section(doc: Element, heading_id: str) -> Element:
    found = [s for s in doc.find_all("section") if s.attrs.get("aria-labelledby") == heading_id]
    assert found, f"no section labelled by #{heading_id}"
    return found[0]


def linked(element: Element, page_path: str) -> list[str]:
    """Every relative link in `element`, as a site-root-relative path (with #fragment)."""
    found = []
    for a in element.find_all("a"):
        href = a.attrs.get("href") or ""
        if href.startswith(("http://", "https://")):
            continue
        path, hash_mark, fragment = href.partition("#")
        target = posixpath.normpath(posixpath.join(posixpath.dirname(page_path), path)) if path else page_path
        found.append(target + (f"#{fragment}" if hash_mark else ""))
    return found


def linked_paths(element: Element, page_path: str) -> set[str]:
    return {link.partition("#")[0] for link in linked(element, page_path)}


def assert_links_resolve(root: Path, page_path: str, doc: Element) -> None:
    """Every relative link names a file of the site, and every #fragment an id in it."""
    ids: dict[str, set[str]] = {}
    for link in linked(doc, page_path):
        path, _, fragment = link.partition("#")
        assert not path.startswith(".."), f"{page_path}: {link} leaves the site"
        target = root / path
        assert target.is_file(), f"{page_path}: {link} names no file"
        if fragment and target.suffix == ".html":
            if path not in ids:
                ids[path] = {e.attrs["id"] for e in parse_file(target).iter() if "id" in e.attrs}
            assert fragment in ids[path], f"{page_path}: {link} names no element"
