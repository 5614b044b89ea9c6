"""Ingest reads the top of a page as pages lay it out: site name, menu, headline, standfirst, dateline.

The captures here are made up, in shapes many sites share; no site's own wording is matched.
Every expected value was written from reading the capture.
"""

from __future__ import annotations

import shutil

import pytest
from conftest import PROJECT, run_cli

from microsite.ingest.datetext import dateline_date
from microsite.ingest.masthead import find_publisher
from microsite.ingest.structure import split
from microsite.source.config import load_config

ARTICLE = (
    "Operators in the region shipped 12 million phones last quarter, up 9% on the year, "
    "according to figures the company published on Monday."
)

MAGAZINE = f"""Skip to main content
Daily Handset homepage
Daily Handset logo.
News
Reviews
Deals
Trending

Mobile

Phone makers race to build cheaper foldables

Phone makers race to build cheaper foldables

Prices could halve within two years, suppliers say

Mar 3, 2021

Share this story

Photo by A. Photographer / Daily Handset

{ARTICLE}

Shipments of foldables are expected to double again in 2022.

5 Comments
"""


def test_the_headline_is_found_below_the_menu_and_above_the_dateline():
    parts = split(MAGAZINE)
    assert parts.title == "Phone makers race to build cheaper foldables"
    assert parts.published == "2021-03-03"


def test_the_body_starts_after_the_standfirst_dateline_and_credit_and_a_menu_label_does_not_end_it():
    parts = split(MAGAZINE)
    assert parts.body[0] == ARTICLE  # "Trending" above the headline did not end the article before it began
    assert parts.body[1].startswith("Shipments of foldables")


def test_a_kicker_or_a_breadcrumb_is_not_the_headline():
    text = (
        "Gadget Weekly\nPhones\nLaptops\n\nHome » Phones » Market share\n\nFolding the money —\n\n"
        f"Budget brand overtakes rivals in its home market\n\nA quarter of firsts\n\n{ARTICLE}\n"
    )
    parts = split(text)
    assert parts.title == "Budget brand overtakes rivals in its home market"
    assert parts.published is None  # the page states no date: none is made up
    assert parts.body == [ARTICLE]


def test_a_comment_count_under_the_headline_does_not_end_the_article():
    head = "Tech Bits\nNews\nReviews\n\nCarrier signs exclusive phone deal\n\n"
    text = f"{head}Avatar for A. Writer | Sep 28 2023\n3 Comments\n\n{ARTICLE}\n"
    parts = split(text)
    assert parts.body == [ARTICLE]
    assert parts.published == "2023-09-28"


def test_a_dateline_above_the_headline_of_a_link_post():
    text = (
        "portal\nPopular\nAll\n\nr/phones\nOct 18 '22\n\nPosted by u/someone\n\nNews\n"
        "Maker doubles down on its own phones as rival bleeds\n\nhttps://example.org/2022/10/18/story/\n"
        "2.0k Upvotes\n"
    )
    parts = split(text)
    assert parts.title == "Maker doubles down on its own phones as rival bleeds"
    assert parts.published == "2022-10-18"
    # A link post has no text of its own: its headline is the text, then its link.
    assert parts.body[:2] == [
        "Maker doubles down on its own phones as rival bleeds",
        "https://example.org/2022/10/18/story/",
    ]


@pytest.mark.parametrize(
    "line, iso",
    [
        ("2019/05/14", "2019-05-14"),
        ("Oct 18 '22", "2022-10-18"),
        ("Thu 19 Sep 2019", "2019-09-19"),
        ("Published Fri, Jul 16 2021", "2021-07-16"),
        ("Jan. 29, 2014 10:02 am ET", "2014-01-29"),
        ("Staff Writer ·20 Mar 2018", "2018-03-20"),
        ("2 hours ago", None),  # an age, never a date
        ("Oct 18", None),  # no year: not completed with a guessed one
        ("Feb 30, 2020", None),  # not a day of the calendar
    ],
)
def test_dateline_formats(line, iso):
    assert dateline_date(line) == iso


def test_an_updated_date_is_kept_apart_and_said_to_be_one():
    head = "Wire Desk\nWorld\nTech\n\nCourt pauses asset seizure\n\n"
    text = f"{head}By A Wire | Updated: 6 May 2022 13:31 IST\n\n{ARTICLE}\n"
    parts = split(text)
    assert parts.updated == "2022-05-06"
    assert any("updated" in note for note in parts.notes)  # drafted as published, and the report says so
    assert "update" in (parts.date_how or "")


@pytest.mark.parametrize(
    "top, name",
    [
        ("Pocket Review homepage\nNews\nReviews", "Pocket Review"),
        ("Skip to navigation\nSign in\nPocket Review - Back to home\nNews", "Pocket Review"),
        ("Pocket Review® — Phones for the rest of us\n\nNews", "Pocket Review"),
        ("Forum Talk new | past | comments | ask | submit\tlogin", "Forum Talk"),
        ("Pocketreview.net\nTop stories | Pocket Review\n", "Pocket Review"),
    ],
)
def test_the_site_names_itself_above_the_headline(top, name):
    parts = split(f"{top}\n\nCarrier signs exclusive phone deal\n\n{ARTICLE}\n")
    assert parts.site is not None and parts.site.name == name


@pytest.fixture
def registry(tmp_path):
    site = tmp_path / "site"
    site.mkdir()
    text = (PROJECT / "site.yaml").read_text(encoding="utf-8")
    text = text.replace(
        "sources:\n",
        'sources:\n  - {name: Pocket Review, kind: outlet, homepage: "https://pocket.example/", '
        "domains: [pocketreview.net]}\n",
        1,
    )
    (site / "site.yaml").write_text(text, encoding="utf-8")
    config, problems = load_config(site)
    assert config is not None and not problems, problems
    return config.sources


def test_a_registry_entry_is_found_by_one_of_its_domains(registry):
    text = f"Carrier signs exclusive phone deal\n\n{ARTICLE}\n\nCopyright © Pocketreview.net. All rights reserved.\n"
    parts = split(text)
    found = find_publisher(parts.self_named, parts.site, text, registry)
    assert found is not None and (found.name, found.registered) == ("Pocket Review", True)


def test_a_linked_source_is_not_the_publisher(registry):
    text = f"Carrier signs exclusive phone deal (pocketreview.net)\n\n{ARTICLE}\n"
    parts = split(text)
    assert find_publisher(parts.self_named, parts.site, text, registry) is None


def test_a_domain_must_be_a_host_name(tmp_path):
    site = tmp_path / "site"
    site.mkdir()
    text = (PROJECT / "site.yaml").read_text(encoding="utf-8")
    text = text.replace(
        "sources:\n", "sources:\n  - {name: Pocket Review, kind: outlet, domains: [https://x.example/a]}\n", 1
    )
    (site / "site.yaml").write_text(text, encoding="utf-8")
    config, problems = load_config(site)
    assert config is None and any("is not a domain" in p.message for p in problems)


def test_an_unregistered_publisher_is_offered_for_registering_and_the_draft_passes_check(tmp_path):
    site = tmp_path / "site"
    (site / "content").mkdir(parents=True)
    (site / "seeds").mkdir()
    shutil.copy(PROJECT / "site.yaml", site)
    capture = tmp_path / "foldables.txt"
    capture.write_text(MAGAZINE, encoding="utf-8")
    result = run_cli("--site", str(site), "ingest", str(capture), cwd=site)
    assert result.returncode == 0, result.stderr
    line = next(line for line in result.stdout.splitlines() if line.strip().startswith("publisher"))
    assert "not in the source registry" in line and line.endswith(": Daily Handset")
    page = next((site / "content").glob("*.md")).read_text(encoding="utf-8")
    assert "published: '2021-03-03'" in page or "published: 2021-03-03" in page
    assert "publisher:" not in page.split("date_note")[0]  # not drafted: check would refuse it
    assert "“Daily Handset”" in page  # the date_note names it
    check = run_cli("--site", str(site), "check")
    assert check.returncode == 0, check.stderr


def test_a_date_below_the_articles_first_paragraph_is_not_its_dateline():
    text = f"Carrier signs exclusive phone deal\n\n{ARTICLE}\n\nMarch 3, 2020\n\nThe deal runs for two years.\n"
    parts = split(text)
    assert parts.published is None  # a date in the text is not the page's date
    assert parts.body[0] == ARTICLE
