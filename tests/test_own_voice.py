"""The article's own voice when its publisher is not known: a page source of `kind: own-voice`.

It is not looked up in the registry (as an anonymous source is not), a page has one at most and none when
it has a publisher (whose voice it then is), and the site shows it as the article itself: no source page,
no place among the sources."""

from __future__ import annotations

import json

import pytest
from conftest import CAPTURE, GOOD_PAGE
from html_tools import parse_file

from microsite.commands.build import build
from microsite.errors import BuildFailed, Problem
from microsite.model import stories
from microsite.model.loader import load_site
from microsite.site import urls

OWN_SOURCE = """\
  - name: The article
    kind: own-voice
    note: The capture does not show who published it.
"""
OWN_CLAIM = """\
  - id: could-arrive
    statement: The article says Huawei's flagship could come next year.
    quote: could arrive next year
    source: The article
    status: forecast
    due: 2018
"""
# GOOD_PAGE without a publisher, citing the article itself for a claim of its own.
OWN_PAGE = (
    GOOD_PAGE.replace("publisher: PhoneArena\n", "")
    .replace("  - name: Bloomberg\n", "  - name: Bloomberg\n" + OWN_SOURCE)
    .replace("    event_date: 2017-12-08\n", "    event_date: 2017-12-08\n" + OWN_CLAIM)
)


def line_of(text: str, line: str, after: int = 0) -> int:
    """The number of the first line equal to `line` (after line `after`)."""
    return text.splitlines().index(line.rstrip("\n"), after) + 1


def problems_of(site) -> list[Problem]:
    with pytest.raises(BuildFailed) as info:
        load_site(site.root)
    return info.value.problems


@pytest.fixture
def own(site):
    site.page(OWN_PAGE)
    return site


def test_a_page_without_a_publisher_cites_its_own_voice(own):
    model = load_site(own.root)
    (article,) = model.articles
    assert article.publisher is None
    claim = next(c for c in article.claims if c.id == "could-arrive")
    assert claim.source.own_voice and claim.source.kind == "own-voice" and not claim.source.registered
    use = next(u for u in article.sources if u.source is claim.source)
    assert use.note == "The capture does not show who published it."
    assert model.anonymous_sources == []  # the article itself is not an unnamed source
    assert all(not s.own_voice for s in model.cited_sources)
    assert claim.source not in stories.cited_sources(article)  # like the publisher, not a source it cites


def test_the_article_page_shows_the_article_itself(own, tmp_path):
    out = tmp_path / "out"
    build(own.root, out)
    doc = parse_file(out / urls.article("talks"))
    (item,) = doc.by_class("own-voice-source")
    (name,) = item.by_class("own-voice")
    assert name.tag == "span" and name.has_class("unnamed")  # styled as unnamed sources are, not a link
    assert name.text() == "The article itself"
    assert "own voice" in item.text() and "not known" in item.text()
    assert "The capture does not show who published it." in item.text()
    row = next(r for r in doc.by_class("claim") if r.attrs.get("id") == "claim-could-arrive")
    source_cell = next(td for td in row.find_all("td") if td.attrs.get("data-label") == "Source")
    assert source_cell.text() == "The article itself" and not source_cell.find_all("a")
    # No source page, no place in the source index, and the data files name it for what it is.
    assert not list((out / "sources").glob("*article*"))
    index = parse_file(out / urls.SOURCES).text()
    assert "The article" not in index
    (record,) = json.loads((out / urls.DATA_ARTICLES).read_text(encoding="utf-8"))
    assert {"name": "The article", "kind": "own-voice", "note": "The capture does not show who published it."} in (
        record["sources"]
    )
    claims = json.loads((out / urls.DATA_CLAIMS_JSON).read_text(encoding="utf-8"))
    mine = next(c for c in claims if c["claim_id"] == "could-arrive")
    assert (mine["source"], mine["source_kind"]) == ("The article", "own-voice")
    # JSON-LD: a claim in the article's own voice has no person or organisation for an author.
    text = (out / urls.article("talks")).read_text(encoding="utf-8")
    data = json.loads(text.split('<script type="application/ld+json">')[1].split("</script>")[0])
    graph = {item["@id"].rsplit("#", 1)[-1]: item for item in data["@graph"] if "#" in item["@id"]}
    assert "author" not in graph["claim-could-arrive"] and graph["claim-talks"]["author"]["name"] == "Bloomberg"
    # The timeline names no invented source for it either.
    (due,) = [e for e in parse_file(out / urls.TIMELINE).by_class("tl-entry") if e.attrs["data-kind"] == "due"]
    assert "in the article's own voice" in due.by_class("tl-by")[0].text()


def test_a_second_own_voice_source_is_a_problem(site):
    second = "  - name: The writer\n    kind: own-voice\n"
    page = OWN_PAGE.replace(OWN_SOURCE, OWN_SOURCE + second)
    site.page(page)
    (problem,) = problems_of(site)
    assert problem.file == site.root / "content/talks.md"
    kind_line = line_of(page, "    kind: own-voice", line_of(page, "  - name: The writer"))
    assert (problem.line, problem.field) == (kind_line, "sources[2].kind")
    assert "`The writer`" in problem.message and "second own-voice" in problem.message
    assert "`The article`" in problem.hint
    result = site.run("check")
    assert result.returncode == 1 and f"content/talks.md:{problem.line}: sources[2].kind:" in result.stderr


def test_own_voice_on_a_page_with_a_publisher_is_a_problem(site):
    page = OWN_PAGE.replace("title: Huawei talks to AT&T\n", "title: Huawei talks to AT&T\npublisher: PhoneArena\n")
    site.page(page)
    (problem,) = problems_of(site)  # the claims that cite it are not a second mistake
    assert (problem.line, problem.field) == (line_of(page, "    kind: own-voice"), "sources[1].kind")
    assert "`The article`" in problem.message and "publisher" in problem.message
    assert "attribute the article's own voice to its publisher, PhoneArena" in problem.hint
    result = site.run("check")
    assert result.returncode == 1
    assert f"content/talks.md:{problem.line}: sources[1].kind:" in result.stderr
    assert "attribute the article's own voice to its publisher, PhoneArena" in result.stderr


def test_a_registered_name_is_not_an_own_voice(site):
    page = OWN_PAGE.replace("  - name: The article\n", "  - name: PhoneArena\n").replace(
        "source: The article", "source: PhoneArena"
    )
    site.page(page)
    (problem,) = problems_of(site)
    assert (problem.line, problem.field) == (line_of(page, "    kind: own-voice"), "sources[1].kind")
    assert "`PhoneArena`" in problem.message and "registered" in problem.message


def test_two_reports_own_voices_are_not_one_source(site):
    # Two reports of a story, both of unknown publisher: neither "cites" the other's own voice, and a
    # claim each makes in its own voice is not the same source's.
    story = OWN_PAGE.replace("seed: capture.txt\n", "seed: capture.txt\nstory: huawei-talks\n")
    site.page(story)
    site.write("seeds/second.txt", CAPTURE)
    site.page(story.replace("seed: capture.txt", "seed: second.txt"), "second.md")
    model = load_site(site.root)
    first, second = model.articles
    for peer in first.story_peers:
        assert all(not source.own_voice for source in peer.sources_only)
    mine = next(c for c in first.claims if c.id == "could-arrive").source
    theirs = next(c for c in second.claims if c.id == "could-arrive").source
    assert stories.source_key(mine) != stories.source_key(theirs)
