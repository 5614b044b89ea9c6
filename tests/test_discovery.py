"""Ways in from outside: the Atom feed, the sitemap, robots.txt, canonical and social meta, JSON-LD.

Each output is read with a parser (feedparser, ElementTree, urllib.robotparser, json),
and checked against the loaded model rather than against numbers written here.
"""

from __future__ import annotations

import json
import urllib.robotparser
import xml.etree.ElementTree as ET
from pathlib import Path

import feedparser
import pytest
from conftest import PREFIX, PROJECT
from html_tools import parse_file

from microsite.commands.build import build
from microsite.model.loader import load_site
from microsite.site import urls

BASE = f"https://example.github.io{PREFIX}"
SITEMAP_NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


@pytest.fixture(scope="module")
def model():
    return load_site(PROJECT)


def _file_for(address: str, out: Path) -> Path:
    """The output file an absolute address of the site is served from."""
    assert address.startswith(BASE), address
    path = address[len(BASE) :].split("#")[0]
    return out / (path + "index.html" if path == "" or path.endswith("/") else path)


def _meta(doc, key: str) -> str | None:
    for element in doc.find_all("meta"):
        if key in (element.attrs.get("property"), element.attrs.get("name")):
            return element.attrs.get("content")
    return None


def _canonical(doc) -> str | None:
    links = [e for e in doc.find_all("link") if e.attrs.get("rel") == "canonical"]
    assert len(links) <= 1
    return links[0].attrs["href"] if links else None


# ---- the feed ------------------------------------------------------------------------


def test_the_feed_parses_cleanly_and_lists_the_dated_articles_newest_first(prefixed_site, model):
    feed = feedparser.parse((prefixed_site / urls.FEED).read_bytes())
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.version == "atom10"
    assert feed.feed.title == model.settings.title
    assert feed.feed.id == BASE
    assert {link.rel: link.href for link in feed.feed.links}["self"] == BASE + urls.FEED

    expected = [a for a in model.articles if a.published and not a.draft]
    assert expected, "the shipped site has dated articles"
    assert [entry.title for entry in feed.entries] == [a.title for a in expected]
    for entry, article in zip(feed.entries, expected, strict=True):
        assert entry.link == BASE + urls.article(article.slug) == entry.id
        assert _file_for(entry.link, prefixed_site).is_file()
        assert entry.published.startswith(article.published.iso())
        assert sorted(tag.label for tag in entry.tags) == sorted(c.name for c in article.companies)
        content = entry.content[0].value
        for claim in article.claims:  # the claims, each linked at its absolute address
            assert f'href="{BASE}{urls.path_for(claim)}"' in content
    dates = [entry.published_parsed for entry in feed.entries]
    assert dates == sorted(dates, reverse=True)


def test_the_feed_keeps_hostile_titles_as_text_and_leaves_drafts_out(site, tmp_path):
    hostile = 'Talks ]]></title><script>alert(1)</script> & "AT&T"'
    site.edit_page("title: Huawei talks to AT&T", f"title: '{hostile}'")
    draft = (site.root / "content/talks.md").read_text().replace(f"title: '{hostile}'", "title: A draft\ndraft: true")
    site.write("seeds/other.txt", (site.root / "seeds/capture.txt").read_text())
    site.page(draft.replace("seed: capture.txt", "seed: other.txt"), name="draft.md")
    out = tmp_path / "out"
    build(site.root, out, BASE)
    feed = feedparser.parse((out / urls.FEED).read_bytes())
    assert not feed.bozo, feed.get("bozo_exception")
    assert [entry.title for entry in feed.entries] == [hostile]
    assert "<script>" not in feed.entries[0].content[0].value

    locations = [loc.text for loc in ET.parse(out / urls.SITEMAP).getroot().iter(f"{SITEMAP_NS}loc")]
    assert BASE + urls.article("talks") in locations
    assert BASE + urls.article("draft") not in locations
    assert _meta(parse_file(out / urls.article("draft")), "robots") == "noindex"
    assert _meta(parse_file(out / urls.article("talks")), "robots") is None


# ---- sitemap and robots.txt ------------------------------------------------------------


def test_the_sitemap_lists_every_page_a_reader_may_land_on(prefixed_site):
    root = ET.parse(prefixed_site / urls.SITEMAP).getroot()
    assert root.tag == f"{SITEMAP_NS}urlset"
    locations = [loc.text for loc in root.iter(f"{SITEMAP_NS}loc")]
    assert len(locations) == len(set(locations))
    files = {_file_for(address, prefixed_site) for address in locations}
    assert all(file.is_file() for file in files)
    pages = {p for p in prefixed_site.rglob("*.html") if p.name != "404.html" and p.parent.name != "pagefind"}
    unlisted = {p for p in pages if _meta(parse_file(p), "robots") == "noindex" or p.name == "search.html"}
    assert files == pages - unlisted


def test_robots_txt_points_at_the_sitemap_and_allows_everything(prefixed_site):
    robots = urllib.robotparser.RobotFileParser()
    robots.parse((prefixed_site / urls.ROBOTS).read_text(encoding="utf-8").splitlines())
    assert robots.site_maps() == [BASE + urls.SITEMAP]
    assert robots.can_fetch("AnyBot", BASE + urls.article("huawei-xiaomi-att-verizon-macrumors"))


def test_without_a_base_url_there_is_no_feed_sitemap_or_canonical_link(built_site):
    assert not (built_site / urls.FEED).exists()
    assert not (built_site / urls.SITEMAP).exists()
    robots = urllib.robotparser.RobotFileParser()
    robots.parse((built_site / urls.ROBOTS).read_text(encoding="utf-8").splitlines())
    assert robots.site_maps() is None
    for page in built_site.rglob("*.html"):
        doc = parse_file(page)
        assert _canonical(doc) is None, page
        assert _meta(doc, "og:url") is None, page
        assert _meta(doc, "og:title"), page  # the rest of the social meta needs no address


# ---- canonical links and social meta ------------------------------------------------------


def test_every_page_names_its_canonical_address_and_social_card(prefixed_site, model):
    checked = 0
    for page in sorted(prefixed_site.rglob("*.html")):
        path = page.relative_to(prefixed_site).as_posix()
        if path == urls.NOT_FOUND or path.startswith("pagefind/"):
            continue
        doc = parse_file(page)
        canonical = _canonical(doc)
        assert canonical == urls.absolute(path, BASE), path
        assert _file_for(canonical, prefixed_site) == page
        assert _meta(doc, "og:url") == canonical
        title = doc.find_all("title")[0].text()
        assert title.startswith(_meta(doc, "og:title")), path
        assert _meta(doc, "og:description") == _meta(doc, "description")
        assert _meta(doc, "twitter:card") == "summary"
        feeds = [e for e in doc.find_all("link") if e.attrs.get("type") == "application/atom+xml"]
        assert [(page.parent / e.attrs["href"]).resolve() for e in feeds] == [prefixed_site / urls.FEED]
        checked += 1
    assert checked >= len(model.articles) * 2
    for article in model.articles:
        doc = parse_file(prefixed_site / urls.article(article.slug))
        assert _meta(doc, "og:type") == "article"
        assert _meta(doc, "og:title") == article.title
    assert _meta(parse_file(prefixed_site / urls.HOME), "og:type") == "website"


def test_the_404_page_has_no_canonical_address_and_is_not_indexed(prefixed_site):
    doc = parse_file(prefixed_site / urls.NOT_FOUND)  # it answers at every missing address
    assert _canonical(doc) is None
    assert _meta(doc, "og:url") is None
    assert _meta(doc, "robots") == "noindex"


# ---- JSON-LD --------------------------------------------------------------------------------


def _json_ld(page: Path) -> dict:
    scripts = [s for s in parse_file(page).find_all("script") if s.attrs.get("type") == "application/ld+json"]
    assert len(scripts) == 1, page
    return json.loads(scripts[0].text())


@pytest.mark.parametrize("base", [None, BASE], ids=["no-base-url", "base-url"])
def test_every_article_page_describes_the_article_and_its_claims_in_json_ld(base, built_site, prefixed_site, model):
    out = prefixed_site if base else built_site
    for article in model.articles:
        data = _json_ld(out / urls.article(article.slug))
        assert data["@context"] == "https://schema.org"
        by_type: dict[str, list[dict]] = {}
        for item in data["@graph"]:
            by_type.setdefault(item["@type"], []).append(item)
        (news,) = by_type["NewsArticle"]
        (webpage,) = by_type["WebPage"]
        assert webpage["about"] == {"@id": news["@id"]}
        assert news["headline"] == article.title
        page_address = urls.absolute(urls.article(article.slug), base) or ""
        assert news["@id"] == page_address + "#article"
        if article.published:
            assert news["datePublished"] == article.published.iso()  # "2017-12": no day is invented
            assert len(news["datePublished"]) == {"year": 4, "month": 7, "day": 10}[article.published.precision]
        else:
            assert "datePublished" not in news
        if article.publisher:
            assert news["publisher"]["name"] == article.publisher.name
            assert news["publisher"].get("url") == article.publisher.homepage
        assert [c["name"] for c in news["about"]] == [c.name for c in article.companies]
        assert news.get("url") == article.url

        claims = by_type.get("Claim", [])
        assert len(claims) == len(article.claims)
        for item, claim in zip(claims, article.claims, strict=True):
            assert item["@id"] == page_address + "#" + urls.claim_anchor(claim.id)
            assert item["text"] == claim.statement
            assert item["appearance"]["@id"] == news["@id"]
            if claim.source.own_voice:  # the article itself, its publisher unknown: nobody to name
                assert "author" not in item
            else:
                assert item["author"]["name"] == claim.source.name
                assert item["author"]["@type"] in ("Person", "Organization")
            # The quote and the companies are the page's table's (and claims.json's): not repeated here.
            assert "description" not in item and "about" not in item
            if claim.event_date:
                assert item["temporalCoverage"] == claim.event_date.iso()


def test_json_ld_cannot_be_closed_by_text_in_it(site, tmp_path):
    breakout = "</script><script>alert(1)</script><!--"
    site.edit_page("statement: Huawei reportedly negotiates with US carriers.", f"statement: '{breakout}'")
    out = tmp_path / "out"
    build(site.root, out)
    html = (out / urls.article("talks")).read_text(encoding="utf-8")
    assert breakout not in html
    data = _json_ld(out / urls.article("talks"))
    assert [item["text"] for item in data["@graph"] if item["@type"] == "Claim"] == [breakout]


# ---- --base-url ---------------------------------------------------------------------------------


def test_base_url_on_the_command_line_wins_over_site_yaml(site, tmp_path):
    site.write("site.yaml", (site.root / "site.yaml").read_text() + 'base_url: "https://wrong.example/"\n')
    out = tmp_path / "out"
    result = site.run("build", "--out", str(out), "--base-url", "https://right.example/sub")
    assert result.returncode == 0, result.stderr
    doc = parse_file(out / urls.article("talks"))
    assert _canonical(doc) == "https://right.example/sub/" + urls.article("talks")
    assert 'href="/sub/"' in (out / urls.NOT_FOUND).read_text(encoding="utf-8")


def test_a_base_url_that_is_no_web_address_is_refused_clearly(site, tmp_path):
    result = site.run("build", "--out", str(tmp_path / "out"), "--base-url", "example.github.io/repo")
    assert result.returncode == 2
    assert "--base-url" in result.stderr and "is not a web address" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "out").exists()
