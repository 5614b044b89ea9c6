"""The project's real site, built: what a reader sees on each kind of page."""

from __future__ import annotations

import hashlib
import posixpath
import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
import yaml
from conftest import MINIMAL_SITE_YAML, PROJECT
from html_tools import parse_file

from microsite.text import fold


def front_matters() -> dict[str, dict]:
    pages = {}
    for file in sorted((PROJECT / "content").rglob("*.md")):
        text = file.read_text(encoding="utf-8")
        pages[file.stem] = yaml.safe_load(text.split("\n---", 1)[0].removeprefix("---\n"))
    return pages


def registry_names(kind: str) -> dict[str, str]:
    """Every name and alias -> canonical name, read straight from site.yaml."""
    data = yaml.safe_load((PROJECT / "site.yaml").read_text(encoding="utf-8"))
    names = {}
    for entry in data[kind]:
        for name in [entry["name"], *entry.get("aliases", [])]:
            names[fold(name)] = entry["name"]
    return names


PAGES = front_matters()


def test_the_seeds_are_the_captures_byte_for_byte():
    expected = dict(
        reversed(line.split()) for line in (PROJECT / "tests/data/seeds.sha256").read_text().splitlines() if line
    )
    actual = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in (PROJECT / "seeds").iterdir()}
    assert actual == expected


def test_every_capture_has_a_page_and_every_page_has_real_content():
    seeds = {p.name for p in (PROJECT / "seeds").iterdir()}
    assert {fm["seed"] for fm in PAGES.values()} == seeds
    for slug, fm in PAGES.items():
        # Every claim the article makes, split where a fact and an inference share a sentence: more than a
        # headline's worth, fewer than a sentence-by-sentence copy of a news article this long.
        assert 4 <= len(fm["claims"]) <= 20, slug
        assert fm["date_note"].strip(), slug


@pytest.mark.parametrize("slug", sorted(PAGES))
def test_each_article_page_shows_its_claims(built_site, slug):
    doc = parse_file(built_site / f"articles/{slug}.html")
    assert doc.find_all("h1")[0].text().strip() == PAGES[slug]["title"]
    rows = {row.attrs["id"]: row for row in doc.find_all("tr") if row.attrs.get("id", "").startswith("claim-")}
    assert list(rows) == [f"claim-{c['id']}" for c in PAGES[slug]["claims"]]
    for claim in PAGES[slug]["claims"]:
        row_text = " ".join(rows[f"claim-{claim['id']}"].text().split())
        assert " ".join(claim["statement"].split()) in row_text
        assert claim["status"] in row_text.lower()
        quote_link = [a for a in rows[f"claim-{claim['id']}"].find_all("a") if "#q-" in a.attrs["href"]]
        assert quote_link and quote_link[0].attrs["href"] == f"../captures/{slug}.html#q-{claim['id']}"


@pytest.mark.parametrize("slug", sorted(PAGES))
def test_each_quote_is_highlighted_and_anchored_in_its_capture(built_site, slug):
    doc = parse_file(built_site / f"captures/{slug}.html")
    marks = {m.attrs.get("id"): m for m in doc.find_all("mark")}
    for claim in PAGES[slug]["claims"]:
        mark = marks[f"q-{claim['id']}"]
        assert mark.has_class("hl-claim")
        norm = lambda s: " ".join(s.replace("’", "'").replace("“", '"').replace("”", '"').split())  # noqa: E731
        assert norm(claim["quote"]).startswith(norm(mark.text())[:20])
    comments = (PAGES[slug].get("comments") or {}).get("items", [])
    for comment in comments:
        assert f"comment-{comment['id']}" in marks


def test_the_raw_capture_is_served_as_it_was_captured(built_site):
    for slug, fm in PAGES.items():
        assert (built_site / f"captures/{slug}.txt").read_bytes() == (PROJECT / "seeds" / fm["seed"]).read_bytes()


def test_dates_keep_their_precision(built_site):
    for slug, fm in PAGES.items():
        doc = parse_file(built_site / f"articles/{slug}.html")
        meta = doc.by_class("article-meta")[0]
        times = meta.find_all("time")
        if fm.get("published"):
            assert [t.attrs["datetime"] for t in times] == [str(fm["published"])]
            written = str(fm["published"])
            if len(written) == 7:  # month precision: a month and a year, never a day
                assert re.fullmatch(r"[A-Z][a-z]{2} \d{4}", times[0].text())
        else:
            assert times == [] and "Undated" in meta.text()


@pytest.mark.parametrize("company", ["Huawei", "Xiaomi"])
def test_company_pages_list_the_right_articles(built_site, company):
    names = registry_names("companies")
    expected = set()
    for slug, fm in PAGES.items():
        mentioned = {names[fold(n)] for n in fm.get("companies", [])}
        mentioned |= {names[fold(n)] for c in fm["claims"] for n in c.get("companies", [])}
        if company in mentioned:
            expected.add(slug)
    assert expected, "the real content mentions both companies"
    doc = parse_file(built_site / f"companies/{company.lower()}.html")
    section = next(s for s in doc.find_all("section") if s.attrs.get("aria-labelledby") == "articles")
    listed = {Path(a.attrs["href"]).stem for a in section.find_all("a") if a.attrs["href"].startswith("../articles/")}
    assert listed == expected
    index = parse_file(built_site / "companies/index.html")
    row = next(tr for tr in index.find_all("tr") if company in tr.text() and tr.find_all("th", scope="row"))
    assert row.find_all("td")[2].text().strip() == str(len(expected))


def _entry_key(entry) -> tuple:
    times = entry.find_all("time")
    if not times:
        return (9999, 99, 99)
    parts = [int(p) for p in times[0].attrs["datetime"].split("-")]
    return tuple(parts + [0] * (3 - len(parts)))


def test_the_timeline_is_in_order_and_honest_about_precision(built_site):
    doc = parse_file(built_site / "timeline.html")
    entries = doc.by_class("tl-entry")
    published = [e for e in entries if e.attrs["data-kind"] == "published"]
    events = [e for e in entries if e.attrs["data-kind"] == "event"]
    assert len(published) == len(PAGES)
    assert len(events) == sum(1 for fm in PAGES.values() for c in fm["claims"] if c.get("event_date"))
    keys = [_entry_key(e) for e in entries]
    assert keys == sorted(keys)
    years = [int(h.text()) for h in doc.by_class("tl-year-heading") if h.text().isdigit()]
    assert years == sorted(years) and len(years) == len(set(years))
    # A month-precise item sits in its month's group and shows no day.
    for entry in entries:
        for time in entry.find_all("time"):
            period = next(a for a in entry.ancestors() if a.has_class("tl-period") or a.has_class("tl-undated"))
            heading = period.find_all("h3")[0].text()
            value = time.attrs["datetime"]
            if len(value) == 4:
                assert heading == f"{value}, month not known"
            else:
                assert heading.endswith(value[:4])
    undated = doc.by_class("tl-undated")
    expected_undated = {slug for slug, fm in PAGES.items() if not fm.get("published")}
    assert {Path(a.attrs["href"]).stem for u in undated for a in u.find_all("a")} == expected_undated


def test_the_timeline_filter_has_every_company_and_works_without_script(built_site):
    doc = parse_file(built_site / "timeline.html")
    form = doc.by_class("timeline-filter")[0]
    assert "hidden" in form.attrs  # shown by the script; without it nothing is hidden
    options = {o.attrs["value"] for o in form.find_all("option") if o.attrs["value"]}
    tagged = {slug for e in doc.by_class("tl-entry") for slug in e.attrs["data-companies"].split()}
    assert options == tagged
    fallback = doc.by_class("company-timelines")[0]
    assert {Path(a.attrs["href"]).stem for a in fallback.find_all("a")} == options


def test_same_story_articles_link_to_each_other_and_not_again_as_related(built_site):
    story = {slug for slug, fm in PAGES.items() if fm.get("story")}
    assert len(story) >= 2
    for slug in story:
        doc = parse_file(built_site / f"articles/{slug}.html")
        sections = {s.attrs.get("aria-labelledby"): s for s in doc.find_all("section")}
        same = {Path(a.attrs["href"]).stem for a in sections["same-story"].find_all("a") if "/" not in a.attrs["href"]}
        assert story - {slug} <= same
        related = sections.get("related")
        shown = {Path(a.attrs["href"]).stem for a in related.find_all("a")} if related else set()
        assert not (story & shown)


def test_threaded_comments_nest_replies(built_site):
    for slug, fm in PAGES.items():
        items = (fm.get("comments") or {}).get("items", [])
        if not items:
            continue
        doc = parse_file(built_site / f"articles/{slug}.html")
        li = {e.attrs["id"]: e for e in doc.find_all("li") if e.attrs.get("id", "").startswith("comment-")}
        assert set(li) == {f"comment-{c['id']}" for c in items}
        for comment in items:
            parent = next((a for a in li[f"comment-{comment['id']}"].ancestors() if a.tag == "li"), None)
            if comment.get("reply_to"):
                assert parent is not None and parent.attrs["id"] == f"comment-{comment['reply_to']}"
            else:
                assert parent is None


def _links(doc):
    for element in doc.iter():
        for attribute in ("href", "src"):
            if attribute in element.attrs and element.tag != "base":
                yield element.attrs[attribute]


def test_every_internal_link_resolves_to_a_file_and_anchor(built_site):
    files = sorted(p for p in built_site.rglob("*.html"))
    ids: dict[Path, set] = {}
    checked = 0
    for file in files:
        doc = parse_file(file)
        base = doc.find_all("base")
        here = built_site if base else file.parent  # the 404 page resolves from the site root
        for link in _links(doc):
            parts = urlsplit(link)
            if parts.scheme or link.startswith("//"):
                assert parts.scheme in ("http", "https", "mailto"), (file, link)
                continue
            assert not link.startswith("/"), f"{file}: root-relative link {link} breaks under /repo/"
            target = file if not parts.path else (here / unquote(parts.path)).resolve()
            assert target.is_file(), f"{file.relative_to(built_site)} links to missing {link}"
            assert built_site.resolve() in target.parents or target == built_site.resolve()
            if parts.fragment and target.suffix == ".html":
                if target not in ids:
                    ids[target] = {e.attrs["id"] for e in parse_file(target).iter() if "id" in e.attrs}
                assert parts.fragment in ids[target], f"{file.relative_to(built_site)}: no #{parts.fragment}"
            checked += 1
    assert checked > 500


def test_links_name_files_so_the_site_opens_from_disk(built_site):
    for file in built_site.rglob("*.html"):
        for link in _links(parse_file(file)):
            path = urlsplit(link).path
            if not urlsplit(link).scheme and path:
                assert posixpath.splitext(path)[1], f"{file.name}: {link} names a folder, which file:// cannot open"


def test_every_kind_of_page_exists(built_site):
    for path in ("index.html", "timeline.html", "companies/index.html", "sources/index.html", "404.html"):
        assert (built_site / path).is_file()
    assert (built_site / "sources/bloomberg.html").is_file()
    assert (built_site / "static/style.css").is_file()


@pytest.mark.parametrize("build_drafts", [None, "true", "false"])
def test_drafts_are_built_and_marked_unless_site_yaml_says_otherwise(site, build_drafts):
    if build_drafts:
        site.write(
            "site.yaml",
            MINIMAL_SITE_YAML.replace("title: Test Site", f"title: Test Site\nbuild_drafts: {build_drafts}"),
        )
    site.edit_page("title: Huawei talks to AT&T", "title: Huawei talks to AT&T\ndraft: true")
    result = site.run("build")
    assert result.returncode == 0, result.stderr
    page = site.root / "_site/articles/talks.html"
    if build_drafts == "false":
        assert not page.exists()
        assert "talks.html" not in (site.root / "_site/index.html").read_text(encoding="utf-8")
    else:
        assert "badge-draft" in page.read_text(encoding="utf-8")


def test_related_articles_say_why_with_names_as_written(built_site):
    html = (built_site / "articles/xiaomi-us-flagships-phonearena.html").read_text(encoding="utf-8")
    reasons = re.findall(r'<span class="related-reasons">(.*?)</span>', html)
    assert reasons and all(r[0].isupper() for r in reasons)
    assert any("Huawei" in r for r in reasons), reasons  # not "huawei"
