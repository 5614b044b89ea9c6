"""Forecasts and outcomes: a forecast (status forecast, or a `due`) may say what became of it (`outcome`,
`outcome_note`) and name its evidence (`resolved_by`: another article's claim or a URL). `check` notes a
forecast past its due date without one; the Forecasts page lists them all, a source's page its track record,
a company's page the forecasts about it."""

from __future__ import annotations

import datetime
import json

import pytest
from conftest import PROJECT, SiteFolder
from html_tools import parse_file

from microsite.commands.build import build
from microsite.commands.check import notes
from microsite.errors import BuildFailed
from microsite.model import care
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
    outcome: came-true
    outcome_note: The other article reports it.
    resolved_by: other#store-opens
"""
OTHER_PAGE = """\
---
title: Xiaomi opens a store in Paris
published: 2018-05-20
date_note: Dated by the test.
seed: other.txt
companies: [Xiaomi]
sources:
  - name: PhoneArena
claims:
  - id: store-opens
    statement: Xiaomi's Paris store opens on Friday.
    quote: The store opens on Friday.
    source: PhoneArena
    companies: [Xiaomi]
    status: reported
---
A store.
"""
RESOLVED_BY = "    resolved_by: other#store-opens"
OUTCOME = "    outcome: came-true"


@pytest.fixture
def forecasting(site: SiteFolder) -> SiteFolder:
    """The test site with a resolved forecast, and a second article holding the claim that resolves it."""
    site.edit_page(EVENT_LINE, EVENT_LINE + FORECAST)
    site.write("seeds/other.txt", "Xiaomi opens a store in Paris\n\nThe store opens on Friday.\n")
    site.page(OTHER_PAGE, "other.md")
    return site


def line(site: SiteFolder, text: str) -> int:
    return 1 + (site.root / "content/talks.md").read_text(encoding="utf-8").splitlines().index(text)


def only_problem(site: SiteFolder):
    with pytest.raises(BuildFailed) as info:
        load_site(site.root)
    (problem,) = info.value.problems
    assert problem.file == site.root / "content/talks.md"
    return problem


def test_a_resolved_forecast_loads_with_its_outcome(forecasting):
    claim = next(c for c in load_site(forecasting.root).claims if c.id == "flagship-next-year")
    assert (claim.outcome, claim.outcome_note, claim.resolved_by) == (
        "came-true",
        "The other article reports it.",
        "other#store-opens",
    )
    assert claim.forecast and claim.resolved


def test_resolved_by_naming_an_unknown_article_is_a_problem_with_a_suggestion(forecasting):
    forecasting.edit_page(RESOLVED_BY, "    resolved_by: othr#store-opens")
    problem = only_problem(forecasting)
    where = line(forecasting, "    resolved_by: othr#store-opens")
    assert (problem.line, problem.field) == (where, "claims[1].resolved_by")
    assert "`othr`" in problem.message
    assert "did you mean `other#store-opens`?" in problem.hint


def test_resolved_by_naming_an_unknown_claim_is_a_problem_with_a_suggestion(forecasting):
    forecasting.edit_page(RESOLVED_BY, "    resolved_by: other#store-open")
    problem = only_problem(forecasting)
    assert problem.field == "claims[1].resolved_by"
    assert "`store-open`" in problem.message and "`other`" in problem.message
    assert "did you mean `other#store-opens`?" in problem.hint


def test_resolved_by_naming_the_claim_itself_is_a_problem(forecasting):
    forecasting.edit_page(RESOLVED_BY, "    resolved_by: talks#flagship-next-year")
    problem = only_problem(forecasting)
    assert problem.field == "claims[1].resolved_by" and "itself" in problem.message


def test_resolved_by_neither_a_claim_nor_a_url_is_a_problem(forecasting):
    forecasting.edit_page(RESOLVED_BY, "    resolved_by: somewhere else")
    problem = only_problem(forecasting)
    assert problem.field == "claims[1].resolved_by" and "article-slug#claim-id" in problem.hint


def test_an_outcome_on_a_claim_that_is_no_forecast_is_a_problem(forecasting):
    forecasting.edit_page("    status: forecast\n    due: 2018\n", "    status: reported\n")
    problem = only_problem(forecasting)
    assert (problem.line, problem.field) == (line(forecasting, OUTCOME), "claims[1].outcome")
    assert "no forecast" in problem.message and "status: forecast" in problem.hint


def test_an_outcome_on_a_claim_with_a_due_date_but_another_status_is_fine(forecasting):
    forecasting.edit_page("    status: forecast\n", "    status: reported\n")
    load_site(forecasting.root)


def test_an_unknown_outcome_is_refused(forecasting):
    forecasting.edit_page(OUTCOME, "    outcome: true")
    with pytest.raises(BuildFailed) as info:
        load_site(forecasting.root)
    assert [p.field for p in info.value.problems] == ["claims[1].outcome"]


def outcome_notes(site: SiteFolder, monkeypatch, today: datetime.date) -> list[str]:
    monkeypatch.setattr(care, "today", lambda: today)
    monkeypatch.chdir(site.root)
    return [text for text in notes(load_site(site.root), site.root) if "outcome" in text]


def test_a_forecast_past_due_without_an_outcome_is_a_note(forecasting, monkeypatch):
    forecasting.edit_page(f"{OUTCOME}\n    outcome_note: The other article reports it.\n{RESOLVED_BY}\n", "")
    at = line(forecasting, "  - id: flagship-next-year")
    assert outcome_notes(forecasting, monkeypatch, datetime.date(2019, 1, 1)) == [
        f"note: content/talks.md:{at}: claims[1] (flagship-next-year): the forecast was due 2018 and has no outcome"
        "\n    hint: give it an outcome (came-true, partly, did-not, unclear), or answer the note: "
        'answered: {outcome: "<why>"}'
    ]
    # Due in 2018 is not past until 2018 is over.
    assert outcome_notes(forecasting, monkeypatch, datetime.date(2018, 12, 31)) == []


def test_a_forecast_with_an_outcome_or_an_answer_is_no_note(forecasting, monkeypatch):
    assert outcome_notes(forecasting, monkeypatch, datetime.date(2030, 1, 1)) == []
    forecasting.edit_page(
        f"{OUTCOME}\n    outcome_note: The other article reports it.\n{RESOLVED_BY}\n",
        "    answered:\n      outcome: Nothing says yet.\n",
    )
    assert outcome_notes(forecasting, monkeypatch, datetime.date(2030, 1, 1)) == []


def test_the_period_a_due_date_ends_is_its_precisions():
    from microsite.dates import PartialDate

    assert care.period_end(PartialDate(2018)) == datetime.date(2018, 12, 31)
    assert care.period_end(PartialDate(2020, 2)) == datetime.date(2020, 2, 29)
    assert care.period_end(PartialDate(2020, 2, 3)) == datetime.date(2020, 2, 3)


@pytest.fixture
def built(forecasting, tmp_path):
    out = tmp_path / "out"
    build(forecasting.root, out)
    return forecasting, out


def test_the_forecasts_page_shows_a_resolved_forecast_with_its_evidence(built):
    _, out = built
    doc = parse_file(out / urls.FORECASTS)
    (row,) = [r for r in doc.find_all("tr") if r.attrs.get("id") == "forecast-talks.flagship-next-year"]
    cells = {td.attrs["data-label"]: td for td in row.find_all("td")}
    assert cells["Statement"].find_all("a")[0].attrs["href"] == "articles/talks.html#claim-flagship-next-year"
    assert cells["Outcome"].by_class("outcome-came-true")[0].text() == "Outcome: Came true"
    assert "The other article reports it." in cells["Outcome"].text()
    (evidence,) = cells["Evidence"].find_all("a")
    assert evidence.attrs["href"] == "articles/other.html#claim-store-opens"
    assert evidence.text() == "Xiaomi's Paris store opens on Friday."
    assert cells["Due"].find_all("time")[0].attrs["datetime"] == "2018"
    # By company and by source: each a link to the forecasts on that company's or source's own page.
    links = {a.attrs["href"] for a in doc.by_class("forecast-filters")[0].find_all("a")}
    assert links == {"companies/huawei.html#forecasts", "sources/bloomberg.html#track-record"}
    for link in links:
        page, anchor = link.split("#")
        assert [e for e in parse_file(out / page).find_all("h2") if e.attrs.get("id") == anchor], link
    nav = [a.text() for a in doc.find_all("nav")[0].find_all("a")]
    assert nav.index("Forecasts") == nav.index("Timeline") + 1


def test_the_forecasts_page_links_a_url_given_as_evidence(forecasting, tmp_path):
    forecasting.edit_page(RESOLVED_BY, '    resolved_by: "https://example.com/report"')
    build(forecasting.root, tmp_path / "out")
    doc = parse_file(tmp_path / "out" / urls.FORECASTS)
    (row,) = [r for r in doc.find_all("tr") if r.attrs.get("id") == "forecast-talks.flagship-next-year"]
    (evidence,) = next(td for td in row.find_all("td") if td.attrs["data-label"] == "Evidence").find_all("a")
    assert evidence.attrs["href"] == "https://example.com/report"


def track_record_of(page) -> dict[str, int]:
    section = next(s for s in page.find_all("section") if s.attrs.get("aria-labelledby") == "track-record")
    return {dd.attrs["data-count"]: int(dd.text()) for dd in section.find_all("dd")}


def expected_record(claims) -> dict[str, int]:
    made = [c for c in claims if c.status == "forecast" or c.due is not None]
    outcomes = [c.outcome for c in made]
    return {
        "made": len(made),
        "resolved": sum(o in ("came-true", "partly", "did-not") for o in outcomes),
        "came-true": outcomes.count("came-true"),
        "partly": outcomes.count("partly"),
        "did-not": outcomes.count("did-not"),
    }


def test_a_source_page_shows_its_track_record(built):
    site, out = built
    bloomberg = next(s for s in load_site(site.root).sources if s.slug == "bloomberg")
    record = track_record_of(parse_file(out / urls.source("bloomberg")))
    assert record == expected_record(bloomberg.claims)
    assert record["came-true"] == 1  # the test's forecast, at least, is counted


def test_the_project_source_pages_track_records_match_the_content(built_site):
    model = load_site(PROJECT)
    for source in model.cited_sources:
        expected = expected_record(source.claims)
        page = parse_file(built_site / urls.source(source.slug))
        if expected["made"]:
            assert track_record_of(page) == expected, source.name
        else:
            assert all(s.attrs.get("aria-labelledby") != "track-record" for s in page.find_all("section"))


def test_a_company_page_lists_its_forecasts(built):
    _, out = built
    page = parse_file(out / urls.company("huawei"))
    section = next(s for s in page.find_all("section") if s.attrs.get("aria-labelledby") == "forecasts")
    links = [a.attrs["href"] for a in section.find_all("a")]
    assert "../articles/talks.html#claim-flagship-next-year" in links  # the claim, with its quote
    assert "../forecasts.html" in links
    xiaomi = parse_file(out / urls.company("xiaomi"))
    assert all(s.attrs.get("aria-labelledby") != "forecasts" for s in xiaomi.find_all("section"))


def test_the_exports_carry_the_outcome_after_the_due_fields(built):
    _, out = built
    records = json.loads((out / urls.DATA_CLAIMS_JSON).read_text(encoding="utf-8"))
    record = next(r for r in records if r["claim_id"] == "flagship-next-year")
    keys = list(record)
    assert keys[keys.index("due_note") + 1 : keys.index("due_note") + 4] == ["outcome", "outcome_note", "resolved_by"]
    assert (record["outcome"], record["resolved_by"]) == ("came-true", "other#store-opens")
    header = (out / urls.DATA_CLAIMS_CSV).read_text(encoding="utf-8").splitlines()[0]
    assert "due_note,outcome,outcome_note,resolved_by" in header


def test_the_seed_pages_forecasts_all_have_outcomes():
    forecasts = [c for c in load_site(PROJECT).claims if c.forecast]
    assert forecasts and all(c.outcome for c in forecasts)
