"""A claim's `due`: when a forecast or a promise says something will happen. A deadline is not an event:
the timeline shows it as its own kind of entry, "Due", the claim's row in a Due column, and the data
files carry it beside the event fields (but TimelineJS's file, whose entries are events, leaves it out)."""

from __future__ import annotations

import csv
import io
import json

import pytest
from conftest import GOOD_PAGE
from html_tools import parse_file

from microsite.commands.build import build
from microsite.dates import PartialDate
from microsite.errors import BuildFailed
from microsite.model import timeline
from microsite.model.loader import load_site
from microsite.site import urls

EVENT_LINE = "    event_date: 2017-12-08\n"
FORECAST = """\
  - id: flagship-next-year
    statement: Huawei's flagship may reach the US next year.
    quote: could arrive next year
    source: Bloomberg
    companies: [Huawei]
    status: forecast
    due: 2018
    due_note: '"Next year" of an article of December 2017.'
"""
DUE_LINE = GOOD_PAGE.splitlines().index(EVENT_LINE.rstrip("\n")) + 1 + 7  # the inserted claim's `due:`


def with_forecast(site, forecast: str = FORECAST) -> None:
    site.edit_page(EVENT_LINE, EVENT_LINE + forecast)


@pytest.fixture
def built(site, tmp_path):
    with_forecast(site)
    out = tmp_path / "out"
    build(site.root, out)
    return load_site(site.root), out


def test_the_line_of_due_is_counted_right(site):
    with_forecast(site)
    lines = (site.root / "content/talks.md").read_text(encoding="utf-8").splitlines()
    assert lines[DUE_LINE - 1] == "    due: 2018"


def test_the_model_keeps_due_and_its_note(built):
    model, _ = built
    claim = model.articles[0].claims[1]
    assert claim.due == PartialDate(2018) and claim.due.precision == "year"
    assert claim.due_note == '"Next year" of an article of December 2017.'
    assert claim.event_date is None
    assert model.articles[0].claims[0].due is None  # optional


def test_a_due_date_is_a_due_entry_on_the_timeline_never_an_event(built):
    model, _ = built
    forecast = model.articles[0].claims[1]
    entries = list(timeline.build(model.articles).entries())
    mine = [e for e in entries if e.claim is forecast]
    assert [(e.kind, e.date) for e in mine] == [("due", PartialDate(2018))]
    assert [e.claim.id for e in entries if e.kind == "event"] == ["talks"]
    huawei = next(c for c in model.companies if c.name == "Huawei")
    assert [e.kind for e in timeline.build(huawei.articles, huawei).entries() if e.claim is forecast] == ["due"]


def test_a_claim_with_an_event_and_a_due_date_has_one_entry_of_each(site):
    with_forecast(site, FORECAST.replace("    due: 2018\n", "    event_date: 2017-12\n    due: 2018-06\n"))
    model = load_site(site.root)
    forecast = model.articles[0].claims[1]
    kinds = [(e.kind, e.date.iso()) for e in timeline.build(model.articles).entries() if e.claim is forecast]
    assert kinds == [("event", "2017-12"), ("due", "2018-06")]


def test_the_timeline_page_shows_the_due_date_as_such(built):
    _, out = built
    doc = parse_file(out / urls.TIMELINE)
    entries = doc.by_class("tl-entry")
    due = [e for e in entries if e.attrs["data-kind"] == "due"]
    assert len(due) == 1
    (entry,) = due
    assert entry.has_class("tl-due") and not entry.has_class("tl-event")
    assert entry.by_class("tl-kind")[0].text() == "Due"  # shown upper-case by the style sheet, as EVENT is
    assert "Huawei's flagship may reach the US next year." in [a.text() for a in entry.find_all("a")]
    assert entry.find_all("time")[0].attrs["datetime"] == "2018"
    period = next(a for a in entry.ancestors() if a.has_class("tl-period"))
    assert period.find_all("h3")[0].text() == "2018, month not known"
    events = [e for e in entries if e.attrs["data-kind"] == "event"]
    assert all("flagship" not in e.text() for e in events)
    assert "Due" in doc.by_class("lede")[0].text() and "not an event" in doc.by_class("lede")[0].text()
    filters = {i.attrs["value"] for i in doc.by_class("timeline-filter")[0].find_all("input")}
    assert filters == {"published", "event", "due"}


def test_a_company_page_shows_the_due_date_too(built):
    _, out = built
    doc = parse_file(out / urls.company("huawei"))
    (table,) = doc.by_class("claim-index")
    assert [th.text() for th in table.find_all("th")] == ["Statement", "Status", "Source", "Event", "Due"]
    due = [td for td in table.find_all("td") if td.attrs.get("data-label") == "Due" and td.find_all("time")]
    assert [td.find_all("time")[0].attrs["datetime"] for td in due] == ["2018"]


def test_the_claims_table_has_a_due_column_when_a_claim_has_a_due_date(built, site, tmp_path):
    _, out = built
    doc = parse_file(out / urls.article("talks"))
    table = doc.find_all("table")[0]
    assert [th.text() for th in table.find_all("th")] == ["Statement", "Status", "Source", "Quote", "Event", "Due"]
    rows = table.by_class("claim")
    cells = [[td for td in row.find_all("td") if td.attrs.get("data-label") == "Due"] for row in rows]
    assert [len(c) for c in cells] == [1, 1]
    assert cells[0][0].text() == "—"
    assert cells[1][0].find_all("time")[0].attrs["datetime"] == "2018"
    assert "Next year" in cells[1][0].text()
    # Without a due date anywhere, the table is as it was: no Due column.
    site.page(GOOD_PAGE)
    plain = tmp_path / "plain"
    build(site.root, plain)
    headers = [th.text() for th in parse_file(plain / urls.article("talks")).find_all("th")]
    assert "Due" not in headers and "Event" in headers


def test_the_exports_carry_due_next_to_the_event_fields(built):
    _, out = built
    records = json.loads((out / urls.DATA_CLAIMS_JSON).read_text(encoding="utf-8"))
    keys = list(records[0])
    assert keys[keys.index("event_note") + 1 : keys.index("event_note") + 4] == ["due", "due_precision", "due_note"]
    talks, forecast = records
    assert (talks["due"], talks["due_precision"], talks["due_note"]) == (None, None, None)
    assert (forecast["due"], forecast["due_precision"]) == ("2018", "year")
    assert forecast["due_note"] == '"Next year" of an article of December 2017.'
    assert forecast["event_date"] is None
    raw = (out / urls.DATA_CLAIMS_CSV).read_bytes().decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(raw, newline="")))
    assert (rows[1]["due"], rows[1]["due_precision"]) == ("2018", "year") and rows[0]["due"] == ""
    about = parse_file(out / urls.DATA).text()
    assert "due_precision" in about and "due_note" in about


def test_the_timelinejs_file_has_no_due_dates(built):
    _, out = built
    events = json.loads((out / urls.DATA_TIMELINE).read_text(encoding="utf-8"))["events"]
    assert sorted(e["unique_id"] for e in events) == ["event-talks-talks", "published-talks"]


@pytest.mark.parametrize(
    ("value", "words"),
    [
        pytest.param("2018-13", ("`2018-13`", "month 13"), id="month-13"),
        pytest.param("2019-02-30", ("`2019-02-30`", "February 2019 has 28 days"), id="february-30"),
        pytest.param("next year", ("`next year`", "YYYY-MM"), id="words"),
        pytest.param("[2018]", ("YYYY-MM-DD",), id="a-list"),
    ],
)
def test_a_bad_due_date_is_reported_at_its_line(site, value, words):
    with_forecast(site, FORECAST.replace("due: 2018", f"due: {value}"))
    with pytest.raises(BuildFailed) as info:
        load_site(site.root)
    (problem,) = info.value.problems
    assert problem.file == site.root / "content/talks.md"
    assert (problem.line, problem.field) == (DUE_LINE, "claims[1].due")
    for word in words:
        assert word in problem.message, problem.format()
    assert problem.hint
    result = site.run("check")
    assert result.returncode == 1
    assert f"content/talks.md:{DUE_LINE}: claims[1].due:" in result.stderr, result.stderr


def test_a_misspelt_due_key_is_named(site):
    with_forecast(site, FORECAST.replace("    due: 2018", "    dues: 2018"))
    with pytest.raises(BuildFailed) as info:
        load_site(site.root)
    (problem,) = info.value.problems
    assert (problem.line, problem.field) == (DUE_LINE, "claims[1].dues")
    assert "`due`" in problem.hint
