"""Data files for researchers: the articles, the claims and the timeline as JSON and CSV.

Each writer is a pure function of the Site (pages.py lists them as Pages made in Python).
The fields of every file are declared once, below, with their documentation: the CSV's
header and the "About the data" page both come from these lists, so they cannot drift.
"""

from __future__ import annotations

import csv
import html
import io
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..dates import PartialDate
from ..model import Article, Claim, Site
from . import urls

if TYPE_CHECKING:
    from ..build.cache import Shares


@dataclass(frozen=True)
class Field:
    """One field of a data file, as the About page documents it."""

    name: str
    type: str
    meaning: str
    example: str


ARTICLE_FIELDS = (
    Field(
        "slug",
        "text",
        "The article's short name, unique in the site; its page is articles/<slug>.html.",
        "huawei-xiaomi-verizon-att-androidheadlines",
    ),
    Field(
        "title", "text", "The headline, as published.", "Huawei & Xiaomi Talking Phone Partnerships With Verizon, AT&T"
    ),
    Field(
        "page",
        "text",
        "The article's page in this site, relative to the site's root.",
        "articles/huawei-xiaomi-verizon-att-androidheadlines.html",
    ),
    Field(
        "page_url",
        "text or null",
        "The page's full address; null when the site has no base_url set.",
        "https://example.github.io/repo/articles/huawei-xiaomi-verizon-att-androidheadlines.html",
    ),
    Field(
        "original_url",
        "text or null",
        "Where the article was published, when known.",
        "https://www.androidheadlines.com/2017/12/huawei-xiaomi-verizon-att.html",
    ),
    Field(
        "publisher",
        "text or null",
        "The outlet that published it; null when the capture does not show it.",
        "Android Headlines",
    ),
    Field("publisher_kind", "text or null", "The publisher's kind in the source registry: outlet, wire, ...", "outlet"),
    Field(
        "published",
        "text or null",
        "The publication date at the precision known: YYYY, YYYY-MM or YYYY-MM-DD; "
        "null when nothing dates the capture.",
        "2017-12",
    ),
    Field("precision", "text or null", "The precision of published: year, month or day (null when undated).", "month"),
    Field(
        "date_note",
        "text",
        "How the date was established, or why there is none.",
        "The capture states no publication date. It says “Bloomberg reported on Friday” …",
    ),
    Field("draft", "true/false", "Whether the page is still a draft.", "false"),
    Field(
        "story", "text or null", "A short name shared by articles reporting the same story.", "us-carrier-talks-2017"
    ),
    Field(
        "companies",
        "list of text",
        "The companies the article concerns, as named in the registry.",
        '["Huawei", "Xiaomi", "AT&T"]',
    ),
    Field(
        "sources",
        "list of {name, kind, note}",
        "Whom the article attributes information to: the name, its kind "
        "(outlet, wire, analyst, ..., anonymous, or own-voice for the article itself when its publisher is not "
        "known) and how the article uses it (note, or null).",
        '[{"name": "Bloomberg", "kind": "outlet", "note": "original report"}]',
    ),
    Field(
        "claims",
        "list of text",
        "The ids of the article's claims, in order (see claims.json).",
        '["talks-underway", "flagships-next-year"]',
    ),
    Field("comment_count", "whole number", "How many reader comments the capture holds.", "6"),
    Field(
        "capture",
        "text",
        "The raw capture, byte for byte, relative to the site's root.",
        "captures/huawei-xiaomi-verizon-att-androidheadlines.txt",
    ),
    Field(
        "capture_url",
        "text or null",
        "The raw capture's full address; null without a base_url.",
        "https://example.github.io/repo/captures/huawei-xiaomi-verizon-att-androidheadlines.txt",
    ),
)

CLAIM_FIELDS = (
    Field(
        "article_slug",
        "text",
        "The article the claim comes from (see articles.json).",
        "huawei-xiaomi-verizon-att-androidheadlines",
    ),
    Field(
        "article_title",
        "text",
        "That article's headline.",
        "Huawei & Xiaomi Talking Phone Partnerships With Verizon, AT&T",
    ),
    Field(
        "article_published",
        "text",
        "That article's publication date at its precision (YYYY, YYYY-MM or "
        "YYYY-MM-DD); empty (null in JSON) when undated.",
        "2017-12",
    ),
    Field("claim_id", "text", "The claim's id, unique within its article.", "talks-underway"),
    Field("source", "text", "Whom the article attributes the claim to.", "Bloomberg"),
    Field(
        "source_kind",
        "text",
        "That source's kind: outlet, wire, research-firm, analyst, executive, company, "
        "social, government, anonymous, or own-voice: the article's own statement, its publisher not known.",
        "outlet",
    ),
    Field(
        "companies",
        "list of text",
        "The companies the claim concerns; in the CSV joined with “; ”.",
        "Huawei; Xiaomi; AT&T",
    ),
    Field(
        "status",
        "text",
        "How firm the claim is as the article presents it: reported, rumour, forecast, confirmed, denied or opinion.",
        "reported",
    ),
    Field(
        "statement",
        "text",
        "The claim in the researcher's words.",
        "Huawei and Xiaomi are negotiating with several US carriers, …",
    ),
    Field(
        "quote",
        "text",
        "The verbatim passage of the capture that supports it.",
        "Huawei and Xiaomi are presently negotiating smartphone retail partnerships",
    ),
    Field(
        "event_date",
        "text",
        "When the reported thing happens or happened, at its precision; empty (null in JSON) when not known.",
        "2017-12",
    ),
    Field(
        "event_precision", "text", "The precision of event_date: year, month or day; empty (null) without one.", "month"
    ),
    Field(
        "event_note",
        "text",
        "How the event date was established; empty (null) when not given.",
        "The talks are described as under way when Bloomberg reported them, …",
    ),
    Field(
        "due",
        "text",
        "When a forecast or promise says the thing will happen, at its precision: a deadline, not an event; "
        "empty (null in JSON) when the claim gives none.",
        "2019",
    ),
    Field("due_precision", "text", "The precision of due: year, month or day; empty (null) without one.", "year"),
    Field(
        "due_note",
        "text",
        "How the due date was worked out; empty (null) when not given.",
        "“Within two years” of the article of December 2017.",
    ),
    Field(
        "outcome",
        "text",
        "What became of a forecast: came-true, partly, did-not, open (not yet due) or unclear; "
        "empty (null) when not given.",
        "unclear",
    ),
    Field(
        "outcome_note",
        "text",
        "Why that outcome; empty (null) when not given.",
        "No capture on this site reports what happened.",
    ),
    Field(
        "resolved_by",
        "text",
        "The evidence for the outcome: a claim of this site as article-slug#claim-id, or a web address; "
        "empty (null) when not given.",
        "huawei-global-smartphone-comeback#shipment-target-raised",
    ),
    Field(
        "claim_path",
        "text",
        "The claim on its article's page, relative to the site's root.",
        "articles/huawei-xiaomi-verizon-att-androidheadlines.html#claim-talks-underway",
    ),
    Field(
        "claim_url",
        "text",
        "The same as a full address; empty (null) when the site has no base_url.",
        "https://example.github.io/repo/articles/huawei-xiaomi-verizon-att-androidheadlines.html#claim-talks-underway",
    ),
    Field(
        "quote_path",
        "text",
        "The quote, highlighted in the capture's page, relative to the site's root.",
        "captures/huawei-xiaomi-verizon-att-androidheadlines.html#q-talks-underway",
    ),
    Field(
        "quote_url",
        "text",
        "The same as a full address; empty (null) when the site has no base_url.",
        "https://example.github.io/repo/captures/huawei-xiaomi-verizon-att-androidheadlines.html#q-talks-underway",
    ),
)

CLAIM_COLUMNS = tuple(field.name for field in CLAIM_FIELDS)

TIMELINE_FIELDS = (
    Field("title.text.headline", "HTML text", "The site's title.", "Phone Makers Abroad"),
    Field("title.text.text", "HTML text", "The site's description.", "A research file on Chinese phone makers …"),
    Field(
        "events[].start_date",
        "{year, month?, day?}",
        "The date at its precision: month and day appear only when known.",
        '{"year": 2017, "month": 12}',
    ),
    Field("events[].display_date", "text", "The date as the site shows it.", "Dec 2017"),
    Field(
        "events[].text.headline",
        "HTML text",
        "An article's title, or a claim's statement.",
        "Huawei &amp; Xiaomi Talking Phone Partnerships With Verizon, AT&amp;T",
    ),
    Field(
        "events[].text.text",
        "HTML text",
        "Who published it, or the claim's status, source and quote, with a link to the page.",
        "Published by Android Headlines. &lt;a href=…&gt;Read the summary&lt;/a&gt;",
    ),
    Field(
        "events[].group", "text", "“Publications” for an article's publication, “Events” for a claim's event.", "Events"
    ),
    Field(
        "events[].unique_id",
        "text",
        "published-<slug> or event-<slug>-<claim id>: stable between builds.",
        "event-huawei-xiaomi-verizon-att-androidheadlines-talks-underway",
    ),
)

# Spreadsheets run a cell starting with one of these as a formula (CSV injection):
# such a cell gets a leading apostrophe in the CSV; the JSON keeps the exact text.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CSV_LIST_SEPARATOR = "; "


def joined_records(shares: Iterable[str], end: str = "\n") -> Iterator[str]:
    """A JSON array of one record a line, in pieces to write one after the other: joined, the biggest file
    would be held whole, twice."""
    first = True
    for share in shares:
        yield "[\n" if first else ",\n"
        yield share
        first = False
    yield ("[]" if first else "\n]") + end


def articles_json(site: Site, shares: Shares) -> Iterator[str]:
    return joined_records(shares.stream("articles.json", site, _article_line))


def _article_line(site: Site, article: Article) -> str:
    return record_json(article_record(site, article))


def claims_json(site: Site, shares: Shares) -> Iterator[str]:
    return joined_records(shares.stream("claims.json", site, _claim_lines))


def _claim_lines(site: Site, article: Article) -> str:
    return ",\n".join(record_json(claim_record(site, claim)) for claim in article.claims)


def claims_csv(site: Site, shares: Shares) -> Iterator[str]:
    """RFC 4180 (CRLF, quoted where needed) in UTF-8 with a byte order mark, which Excel needs to read UTF-8."""
    out = io.StringIO()
    csv.DictWriter(out, fieldnames=CLAIM_COLUMNS, lineterminator="\r\n").writeheader()
    yield "\ufeff" + out.getvalue()
    yield from shares.stream("claims.csv", site, _claim_rows)


def _claim_rows(site: Site, article: Article) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CLAIM_COLUMNS, extrasaction="raise", lineterminator="\r\n")
    for claim in article.claims:
        writer.writerow({name: csv_cell(value) for name, value in claim_record(site, claim).items()})
    return out.getvalue()


def timeline_json(site: Site, shares: Shares) -> Iterator[str]:
    """TimelineJS3's JSON format: one event per dated publication and one per dated claim event.

    A claim's due date is no event (a deadline said in advance, not a thing that happened), so it is left out.

    TimelineJS renders headlines and texts as HTML, so every text from the content is escaped."""
    title = {"text": {"headline": html.escape(site.settings.title), "text": html.escape(site.settings.description)}}
    head = record_json({"title": title})[:-1]  # the object, left open for its events
    yield f'{head},"events":'
    yield from joined_records(shares.stream("timeline.json", site, _timeline_lines), end="")
    yield "}\n"


def _timeline_lines(site: Site, article: Article) -> str:
    events = []
    if article.published:
        by = f"Published by {html.escape(article.publisher.name)}." if article.publisher else "Publisher unknown."
        events.append(
            _timeline_event(
                article.published,
                article.title,
                f"<p>{by} {_timeline_link(site, urls.article(article.slug), 'Read the summary')}</p>",
                "Publications",
                f"published-{article.slug}",
            )
        )
    for claim in article.claims:
        if claim.event_date:
            text = (
                f"<p>{html.escape(claim.status.capitalize())}, according to {html.escape(claim.source.name)}, "
                f"in “{html.escape(article.title)}”.</p>"
                f"<blockquote>“{html.escape(claim.quote)}”</blockquote>"
                f"<p>{_timeline_link(site, urls.path_for(claim), 'The claim and its quote')}</p>"
            )
            events.append(
                _timeline_event(claim.event_date, claim.statement, text, "Events", f"event-{article.slug}-{claim.id}")
            )
    return ",\n".join(record_json(event) for event in events)


def article_record(site: Site, article: Article) -> dict:
    base = site.settings.base_url
    page, capture = urls.article(article.slug), urls.capture_text(article.slug)
    publisher = article.publisher
    return {
        "slug": article.slug,
        "title": article.title,
        "page": page,
        "page_url": urls.absolute(page, base),
        "original_url": article.url,
        "publisher": publisher.name if publisher else None,
        "publisher_kind": publisher.kind if publisher else None,
        "published": _iso(article.published),
        "precision": article.published.precision if article.published else None,
        "date_note": article.date_note,
        "draft": article.draft,
        "story": article.story,
        "companies": [company.name for company in article.companies],
        "sources": [{"name": use.source.name, "kind": use.source.kind, "note": use.note} for use in article.sources],
        "claims": [claim.id for claim in article.claims],
        "comment_count": article.comment_count or 0,
        "capture": capture,
        "capture_url": urls.absolute(capture, base),
    }


def claim_record(site: Site, claim: Claim) -> dict:
    base, article = site.settings.base_url, claim.article
    claim_path, quote_path = urls.path_for(claim), urls.quote_in_capture(claim)
    return {
        "article_slug": article.slug,
        "article_title": article.title,
        "article_published": _iso(article.published),
        "claim_id": claim.id,
        "source": claim.source.name,
        "source_kind": claim.source.kind,
        "companies": [company.name for company in claim.companies],
        "status": claim.status,
        "statement": claim.statement,
        "quote": claim.quote,
        "event_date": _iso(claim.event_date),
        "event_precision": claim.event_date.precision if claim.event_date else None,
        "event_note": claim.event_note,
        "due": _iso(claim.due),
        "due_precision": claim.due.precision if claim.due else None,
        "due_note": claim.due_note,
        "outcome": claim.outcome,
        "outcome_note": claim.outcome_note,
        "resolved_by": claim.resolved_by,
        "claim_path": claim_path,
        "claim_url": urls.absolute(claim_path, base),
        "quote_path": quote_path,
        "quote_url": urls.absolute(quote_path, base),
    }


def csv_cell(value) -> str:
    """A JSON value as one CSV cell: lists joined, null empty, formulas defused."""
    if value is None:
        return ""
    if isinstance(value, list):
        value = CSV_LIST_SEPARATOR.join(value)
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _timeline_event(date: PartialDate, headline: str, text: str, group: str, unique_id: str) -> dict:
    start = {"year": date.year}
    if date.month:
        start["month"] = date.month
    if date.day:
        start["day"] = date.day
    return {
        "start_date": start,
        "display_date": date.human(),
        "text": {"headline": html.escape(headline), "text": text},
        "group": group,
        "unique_id": unique_id,
    }


def _timeline_link(site: Site, path: str, label: str) -> str:
    # The JSON is read by a page anywhere: a full address when there is one, else a path from the site's root.
    target = urls.absolute(path, site.settings.base_url) or path
    return f'<a href="{html.escape(target)}">{html.escape(label)}</a>'


def _iso(date: PartialDate | None) -> str | None:
    return date.iso() if date else None


def record_json(value) -> str:
    """One record as compact JSON: no spaces after separators, which would be a tenth of a data file."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def json_records(records) -> str:
    """A JSON array with one record a line: readable and diffable, and written by json's C encoder (an
    indented file goes through its pure-Python one, ten times slower on the site-wide files)."""
    return "".join(joined_records([record_json(record) for record in records]))
