"""Big index pages come in parts: the timeline, a company's and a source's page, split by year (and a busy
year by runs of months), each part linked to every other, every item on exactly one part, no page huge."""

from __future__ import annotations

import functools
import http.server
import posixpath
import random
import sys
import threading
from pathlib import Path

import pytest
from conftest import PROJECT
from html_tools import parse_file

from microsite.build.builder import Builder
from microsite.dates import PartialDate
from microsite.model import timeline
from microsite.model.loader import load_site
from microsite.site import paging, render, urls
from microsite.site.pages import HOME_LATEST, site_pages
from microsite.site.urls import _relpath
from microsite.source import files

sys.path.insert(0, str(PROJECT / "bench"))
import itertools

import corpus

ARTICLES = 240


def crowded_corpus(n: int = ARTICLES) -> list:
    """The synthetic corpus with one company in every article and claim and one outlet behind every claim, so
    that its page and the outlet's are big enough to split, as the timeline is."""
    articles = corpus.generate(n)
    for article in articles:
        if corpus.COMPANIES[0] not in article.companies:
            article.companies = [corpus.COMPANIES[0], *article.companies[:2]]
        for claim in article.claims:
            claim.source = corpus.OUTLETS[0]
            claim.companies = [corpus.COMPANIES[0], *(c for c in claim.companies[:1] if c != corpus.COMPANIES[0])]
        if corpus.OUTLETS[0] not in article.sources:
            article.sources = [corpus.OUTLETS[0], *article.sources]
    return articles


@pytest.fixture(scope="module")
def big(tmp_path_factory):
    root = corpus.write_microsite(tmp_path_factory.mktemp("big") / "site", crowded_corpus())
    Builder(root, root / "_site", cache=False).build()
    return root, root / "_site", load_site(root)


def links(page: Path, out: Path) -> list[str]:
    """Every link of a page's main content, as site-root-relative paths (fragment kept)."""
    main = parse_file(page).find_all("main")[0]
    found = []
    for a in main.find_all("a"):
        href = a.attrs.get("href", "")
        if href.startswith(("http:", "https:", "#")) or not href:
            continue
        path, _, fragment = href.partition("#")
        resolved = posixpath.normpath(posixpath.join(posixpath.dirname(page.relative_to(out).as_posix()), path))
        found.append(resolved + (f"#{fragment}" if fragment else ""))
    return found


def part_paths(landing: Path, out: Path) -> list[str]:
    table = parse_file(landing).by_class("parts-table")
    assert table, f"{landing.name} is not a landing with a table of parts"
    return [
        posixpath.normpath(posixpath.join(posixpath.dirname(landing.relative_to(out).as_posix()), a.attrs["href"]))
        for a in table[0].find_all("a")
    ]


def test_the_big_timeline_is_a_landing_and_a_page_per_year(big):
    _root, out, site = big
    whole = timeline.build(site.articles)
    parts = part_paths(out / urls.TIMELINE, out)
    years = sorted({e.date.year for e in whole.entries() if e.date})
    expected = [urls.timeline_part(str(y)) for y in years] + (["timeline/undated.html"] if whole.undated else [])
    assert parts == expected
    seen: dict[str, int] = {}
    for path in parts:
        for entry in parse_file(out / path).by_class("tl-entry"):
            a = entry.find_all("a")[0]
            seen[a.attrs["href"]] = seen.get(a.attrs["href"], 0) + 1
    # Every publication and every event of the whole timeline is on exactly one part.
    wanted = {}
    for e in whole.entries():
        target = urls.relative(urls.path_for(e.claim or e.article), "timeline/x.html")
        wanted[target] = wanted.get(target, 0) + 1
    assert seen == wanted


def test_each_part_links_every_year_and_its_neighbours(big):
    _root, out, _site = big
    parts = part_paths(out / urls.TIMELINE, out)
    for index, path in enumerate(parts):
        nav = parse_file(out / path).by_class("parts-nav")[0]
        hrefs = [posixpath.normpath(posixpath.join("timeline", a.attrs["href"])) for a in nav.find_all("a")]
        assert urls.TIMELINE in hrefs
        assert set(parts) <= set(hrefs), f"{path} does not link every year"
        current = [a for a in nav.find_all("a") if a.attrs.get("aria-current") == "page"]
        assert [posixpath.join("timeline", a.attrs["href"]) for a in current] == [path]
        prev = [a for a in nav.find_all("a") if a.attrs.get("rel") == "prev"]
        nxt = [a for a in nav.find_all("a") if a.attrs.get("rel") == "next"]
        assert (
            [posixpath.join("timeline", a.attrs["href"]) for a in prev] == parts[index - 1 : index]
            if index
            else not prev
        )
        assert [posixpath.join("timeline", a.attrs["href"]) for a in nxt] == parts[index + 1 : index + 2]


def article_lines(doc) -> list:
    """The articles a company or source page lists, one line each."""
    return [item for listing in doc.by_class("article-list") for item in listing.find_all("li")]


def claim_rows(doc) -> list:
    """The claims a company or source page lists: rows of its claim index, each linking to the claim."""
    return [row for table in doc.by_class("claim-index") for row in table.find_all("tbody")[0].find_all("tr")]


def test_a_big_company_page_is_a_landing_and_parts_that_hold_all_its_articles_and_claims(big):
    _root, out, site = big
    company = next(c for c in site.mentioned_companies if c.name == corpus.COMPANIES[0])
    landing = out / urls.company(company.slug)
    parts = part_paths(landing, out)
    assert len(parts) > 1 and all(p.startswith(f"companies/{company.slug}.") for p in parts)
    listed, claims = [], []
    for path in parts:
        doc = parse_file(out / path)
        listed += [item.find_all("a")[0].attrs["href"] for item in article_lines(doc)]
        claims += [row.find_all("a")[0].attrs["href"] for row in claim_rows(doc)]
    assert sorted(listed) == sorted(posixpath.relpath(urls.article(a.slug), "companies") for a in company.articles)
    assert sorted(claims) == sorted(posixpath.relpath(urls.path_for(c), "companies") for c in company.claims)
    # Small companies keep one page, as before.
    small = site.mentioned_companies[-1]
    assert not parse_file(out / urls.company(small.slug)).by_class("parts-table")
    assert parse_file(out / urls.company(small.slug)).find_all("h2", id="claims") or not small.claims


def test_a_big_source_page_is_split_too(big):
    _root, out, site = big
    source = next(s for s in site.cited_sources if s.name == corpus.OUTLETS[0])
    parts = part_paths(out / urls.source(source.slug), out)
    claims = [row for path in parts for row in claim_rows(parse_file(out / path))]
    assert len(parts) > 1 and len(claims) == len(source.claims)


def test_no_page_is_huge_and_the_home_page_lists_only_the_latest(big):
    _root, out, site = big
    sizes = {p.relative_to(out).as_posix(): p.stat().st_size for p in out.rglob("*.html")}
    assert max(sizes.values()) < 1_000_000, max(sizes, key=sizes.get)
    cards = parse_file(out / urls.HOME).by_class("latest")[0].by_class("card-title")
    expected = [urls.article(a.slug) for a in site.articles[:HOME_LATEST]]
    assert [c.find_all("a")[0].attrs["href"] for c in cards] == expected
    assert urls.TIMELINE in links(out / urls.HOME, out)


def test_a_busy_year_is_cut_into_runs_of_months_and_the_first_keeps_the_years_address(big, monkeypatch):
    root, _out, site = big
    monkeypatch.setattr(paging, "PART_LIMIT", 12_000)  # a few dozen entries
    pages = site_pages(site)
    runs = [p for p in pages if p.path.startswith("timeline/") and p.context["part"].year == 2015]
    assert len(runs) > 1 and runs[0].path == "timeline/2015.html"
    months = [(p.context["part"].first_month, p.context["part"].last_month) for p in runs]
    assert months[0][0] == 1 and months[-1][1] == 12
    assert all(a[1] + 1 == b[0] for a, b in itertools.pairwise(months))  # contiguous, none left out
    env = render.environment(root)
    html = render.render(env, site, runs[1])
    assert "timeline/2015.html" not in html and 'href="2015.html"' in html  # the year link leads to its first run
    count = sum(len(list(p.context["timeline"].entries())) for p in runs)
    assert count == sum(1 for e in timeline.build(site.articles).entries() if e.date and e.date.year == 2015)


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def test_a_company_chosen_for_the_timeline_follows_its_landing_and_parts(big, desktop):
    _root, out, site = big
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(out)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        base = f"http://127.0.0.1:{server.server_address[1]}/"
        company = min(site.mentioned_companies, key=lambda c: len(c.articles))
        page = desktop.page
        page.goto(base + urls.company(company.slug))
        page.locator(".on-timeline a").click()  # the landing: a table of parts, no entries to filter
        page.locator(".parts-table a").first.click()
        hidden_some = False
        for _ in range(len(part_paths(out / urls.TIMELINE, out))):  # part after part, by their links
            assert page.url.endswith(f"?company={company.slug}")
            shown, every = page.locator(".tl-entry:visible"), page.locator(".tl-entry")
            if page.locator("#timeline-company").input_value() == company.slug:
                assert all(
                    company.slug in shown.nth(i).get_attribute("data-companies").split() for i in range(shown.count())
                )
                hidden_some = hidden_some or shown.count() < every.count()
            following = page.locator(".parts-nav a[rel=next]")
            if not following.count():
                break
            following.click()
        assert hidden_some, "the company's entries were never shown apart from the others"
        assert desktop.take_errors() == []
    finally:
        server.shutdown()
        server.server_close()


def test_split_merges_empty_runs_and_keeps_small_pages_whole():
    assert paging.split([(PartialDate(2017, 3), 1000)]) is None
    many = [(PartialDate(2017, 2), 500_000), (PartialDate(2017, 11), 500_000), (None, 100)]
    parts = paging.split(many)
    assert [(p.slug, p.first_month, p.last_month) for p in parts] == [
        ("2017", 1, 6),
        ("2017-07", 7, 12),
        ("undated", 1, 12),
    ]
    assert parts[0].holds(PartialDate(2017)) and not parts[1].holds(PartialDate(2017))


def test_a_part_is_rebuilt_only_for_its_own_year_unless_the_years_change(big, tmp_path, monkeypatch):
    monkeypatch.setattr(files, "_SETTLE_NS", -(10**12))
    from conftest import assert_same_as_clean_build
    from test_incremental import edit

    root = corpus.write_microsite(tmp_path / "site", crowded_corpus())
    out, scratch = root / "_site", tmp_path / "full"
    scratch.mkdir()
    builder = Builder(root, out)
    builder.build()
    site = load_site(root)
    article = next(
        a
        for a in site.articles
        if a.published.year == 2012 and not any(c.event_date and c.event_date.year != 2012 for c in a.claims)
    )
    page = root / "content" / f"{article.slug}.md"
    moved = f"2012-{article.published.month:02d}-28"
    edit(page, article.published.iso(), moved)  # the first date of the page is its own
    rendered = builder.build().rendered
    assert "timeline/2012.html" in rendered and "timeline/2017.html" not in rendered
    assert_same_as_clean_build(root, out, scratch)
    # A year of its own: every part's year list changes.
    edit(page, moved, "1999-05-01")
    rendered = builder.build().rendered
    assert {"timeline/1999.html", "timeline/2017.html", "timeline/2012.html"} <= set(rendered)
    assert_same_as_clean_build(root, out, scratch)


def test_relative_links_are_what_posixpath_gives():
    """urls._relpath works links out without the OS: it must agree with posixpath.relpath."""
    rng = random.Random(5)
    names = ["articles", "companies", "2019", "x.html", "index.html", "a", "b.html"]
    for _ in range(20000):
        path = "/".join(rng.choice(names) for _ in range(rng.randint(1, 4)))
        folder = "/".join(rng.choice(names) for _ in range(rng.randint(0, 3))) or "."
        assert _relpath.__wrapped__(path, folder) == posixpath.relpath(path, folder), (path, folder)
    for path, folder in [("a/b", "a/b"), ("a", "a/b/c"), ("a/../b", "c"), ("./a", "."), ("a//b", "a")]:
        assert _relpath.__wrapped__(path, folder) == posixpath.relpath(path, folder), (path, folder)
