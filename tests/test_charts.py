"""Charts drawn at build time (microsite/site/charts.py): SVG from the site's own data, the same on every build."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path

import pytest
from conftest import PROJECT

from microsite.commands.build import build
from microsite.dates import PartialDate
from microsite.model.loader import load_site
from microsite.site import charts

SVG = "{http://www.w3.org/2000/svg}"
FIGURE = re.compile(r'<figure class="chart" id="(?P<id>[^"]+)">.*?</figure>', re.S)


@pytest.fixture(scope="module")
def site():
    return load_site(PROJECT)


def figure(page: Path, chart_id: str) -> ET.Element:
    """The page's chart figure, parsed as XML (the site writes it well-formed)."""
    found = [m.group(0) for m in FIGURE.finditer(page.read_text(encoding="utf-8")) if m.group("id") == chart_id]
    assert len(found) == 1, f"{page.name} has no single chart {chart_id}"
    return ET.fromstring(found[0])


def svg_of(fig: ET.Element) -> ET.Element:
    svg = fig.find(f"{SVG}svg")
    assert svg is not None and svg.get("role") == "img"
    title, desc = svg.find(f"{SVG}title"), svg.find(f"{SVG}desc")
    assert title is not None and title.text and desc is not None and desc.text
    assert svg.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"
    assert svg.get("viewBox") and svg.get("width") == "100%"
    assert fig.find("ul[@class='chart-legend']") is not None
    assert fig.find("details/summary").text == "Data"
    return svg


def bars(svg: ET.Element) -> dict[tuple[str, str], int]:
    """(period, status or "articles") -> the count the bar says it draws."""
    found = {}
    for group in svg.iter(f"{SVG}g"):
        for rect in group.iter(f"{SVG}rect"):
            found[(group.get("data-period"), rect.get("data-status", "articles"))] = int(rect.get("data-count"))
    return found


def table(fig: ET.Element) -> dict[str, list[str]]:
    rows = fig.findall("details/div/table/tbody/tr")
    return {row.find("th").text: [td.text for td in row.findall("td")] for row in rows}


def expected(articles, claims_of) -> tuple[dict, int]:
    """Counts worked out here from the model: (period, status or "articles") -> count, and the undated."""
    dated = [a for a in articles if a.published]
    unit = charts.unit_for(a.published for a in dated)
    counts, undated = Counter(), len(articles) - len(dated)
    for article in dated:
        label = label_of(article.published, unit)
        counts[(label, "articles")] += 1
        for claim in claims_of(article):
            counts[(label, claim.status)] += 1
    return dict(counts), undated


def label_of(date: PartialDate, unit: str) -> str:
    month = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
    if unit == "year":
        return str(date.year)
    if unit == "quarter":
        return f"Q{(date.month - 1) // 3 + 1} {date.year}"
    return f"{month[date.month - 1]} {date.year}"


@pytest.mark.parametrize("page", ["index.html", "timeline.html"])
def test_the_site_chart_counts_every_dated_article_and_its_claims(built_site, site, page):
    fig = figure(built_site / page, "chart-site")
    svg = svg_of(fig)
    want, undated = expected(site.articles, lambda article: article.claims)
    assert bars(svg) == want
    rows = table(fig)
    for (period, status), count in want.items():
        column = 0 if status == "articles" else 2 + charts.STATUSES.index(status)
        assert rows[period][column] == str(count)
    assert undated  # the project has an undated article: the description says it is left out
    assert f"{undated} article without a publication date" in svg.find(f"{SVG}desc").text


def test_a_company_chart_counts_the_articles_naming_it(built_site, site):
    huawei = next(c for c in site.companies if c.slug == "huawei")
    fig = figure(built_site / "companies/huawei.html", "chart-company")
    about = {id(claim) for claim in huawei.claims}
    want, _ = expected(huawei.articles, lambda article: [c for c in article.claims if id(c) in about])
    assert bars(svg_of(fig)) == want


def test_every_mentioned_company_has_its_chart_made_in_one_go(site):
    made = charts.company_series(site)
    assert set(made) == {c.slug for c in site.mentioned_companies}
    assert charts.company_series(site) is made  # once per Site, not per page
    for company in site.mentioned_companies:
        assert made[company.slug].articles + made[company.slug].undated == len(company.articles)


def test_a_source_chart_counts_its_claims_by_status(built_site, site):
    bloomberg = next(s for s in site.sources if s.slug == "bloomberg")
    fig = figure(built_site / "sources/bloomberg.html", "chart-source")
    svg = svg_of(fig)
    drawn = {rect.get("data-status"): int(rect.get("data-count")) for rect in svg.iter(f"{SVG}rect")}
    assert drawn == Counter(claim.status for claim in bloomberg.claims)
    assert {status.lower(): int(row[0]) for status, row in table(fig).items() if int(row[0])} == drawn


def test_the_charts_are_the_same_bytes_on_two_builds(built_site, tmp_path):
    again = tmp_path / "_site"
    build(PROJECT, again)
    for page in ("index.html", "timeline.html", "companies/huawei.html", "sources/bloomberg.html"):
        first = FIGURE.search((built_site / page).read_text(encoding="utf-8")).group(0)
        assert first == FIGURE.search((again / page).read_text(encoding="utf-8")).group(0), page


def test_the_period_is_a_month_a_quarter_or_a_year_by_the_span():
    assert charts.unit_for([PartialDate(2020, 1), PartialDate(2021, 12)]) == "month"
    assert charts.unit_for([PartialDate(2020, 1), PartialDate(2022, 1)]) == "quarter"
    assert charts.unit_for([PartialDate(2010, 1), PartialDate(2017, 12)]) == "quarter"
    assert charts.unit_for([PartialDate(2010, 1), PartialDate(2018, 1)]) == "year"
    assert charts.unit_for([]) == "year"


def test_names_are_escaped_in_the_svg(site):
    bloomberg = next(s for s in site.sources if s.slug == "bloomberg")

    class Named:
        name, claims = '<script>alert("x")</script> & Co', bloomberg.claims

    markup = str(charts.source_chart(Named()))
    assert "<script>" not in markup
    ET.fromstring(markup)  # still well-formed
