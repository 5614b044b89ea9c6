"""YAML read as YAML 1.2 reads it: `NO` is Norway, `012` is the text 012 where text is meant, and `on`, `yes`,
`0x1F`, `1_000`, `1e3` or `1:20` never change meaning behind the researcher's back."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import GOOD_PAGE, MINIMAL_SITE_YAML

from microsite.errors import BuildFailed
from microsite.model.loader import load_site
from microsite.source.yamlfile import load

# What YAML 1.1 (PyYAML as it comes) makes of each, and what it was written as.
SURPRISES = ["NO", "no", "Yes", "yes", "y", "n", "on", "off", "ON", "1_000", "0x1F", "0o17", "1:20", "012", "1e3"]
SURPRISES += ["1.50", "True", "FALSE", "+12", ".inf", "2017-12-08"]


def _value(text: str):
    data, problems = load(f"key: {text}\n", Path("x.yaml"))
    assert not problems, problems
    return data["key"]


@pytest.mark.parametrize(
    "written,value",
    [
        ("NO", "NO"),
        ("yes", "yes"),
        ("y", "y"),
        ("on", "on"),
        ("off", "off"),
        ("1_000", "1_000"),
        ("0x1F", "0x1F"),
        ("0o17", "0o17"),
        ("1:20", "1:20"),
        ("190:20:30", "190:20:30"),
        (".inf", ".inf"),
        (".NaN", ".NaN"),
        ("2017-12-08", "2017-12-08"),
        ("012", 12),
        ("-3", -3),
        ("1e3", 1000.0),
        ("1.50", 1.5),
        (".5", 0.5),
        ("true", True),
        ("False", False),
        ("TRUE", True),
        ("null", None),
        ("~", None),
        ("", None),
    ],
)
def test_scalars_resolve_as_yaml_1_2_core(written, value):
    got = _value(written)
    if isinstance(value, str):
        assert got == value and type(got) is str
    elif isinstance(value, bool):
        assert got.value is value and got.text == written  # true/false keep how they were written
    elif value is None:
        assert got is None
    else:
        assert got == value and type(got) is not bool and got.text == written


def test_an_explicit_tag_that_yaml_1_2_cannot_read_is_a_clear_problem():
    data, problems = load("votes: !!int 0x1F\n", Path("x.yaml"))
    assert data is None and len(problems) == 1
    assert "`0x1F` is not a whole number" in problems[0].message and problems[0].line == 1


def test_true_written_twice_as_a_key_is_a_duplicate():
    _data, problems = load("true: 1\nTrue: 2\n", Path("x.yaml"))
    assert problems and "appears twice" in problems[0].message


def _site_with(site, *, site_yaml: str = MINIMAL_SITE_YAML, page: str = GOOD_PAGE):
    site.write("site.yaml", site_yaml)
    site.page(page)
    return load_site(site.root)


@pytest.mark.parametrize("written", SURPRISES)
def test_text_fields_of_site_yaml_keep_the_text_written(site, written):
    site_yaml = MINIMAL_SITE_YAML.replace(
        "{name: Xiaomi, kind: maker, country: China}", f"{{name: Xiaomi, kind: maker, country: {written}}}"
    ).replace("title: Test Site", f"title: {written}")
    loaded = _site_with(site, site_yaml=site_yaml)
    assert loaded.settings.title == written
    assert next(c for c in loaded.companies if c.name == "Xiaomi").country == written


def test_norway_is_a_country_not_false(site):
    at_t = "  - {name: AT&T, kind: carrier, country: United States}\n"
    site_yaml = MINIMAL_SITE_YAML.replace(at_t, at_t + "  - {name: Telenor, kind: carrier, country: NO}\n")
    loaded = _site_with(site, site_yaml=site_yaml)
    assert next(c for c in loaded.companies if c.name == "Telenor").country == "NO"


@pytest.mark.parametrize("written", SURPRISES)
def test_text_fields_of_front_matter_keep_the_text_written(site, written):
    page = (
        GOOD_PAGE.replace("title: Huawei talks to AT&T", f"title: {written}")
        .replace("      author: reader1", f"      author: {written}")
        .replace("      member_since: May 04, 2015", f"      member_since: {written}")
        .replace('    - id: "1"', f"    - id: {written}", 1)
        .replace('reply_to: "1"', f"reply_to: {written}")
        .replace("  digest: Readers were split.", f"  digest: {written}")
    )
    loaded = _site_with(site, page=page)
    (article,) = loaded.articles
    first, second = article.comments.items
    assert article.title == written
    assert (first.id, first.author, first.member_since) == (written, written, written)
    assert second.reply_to is first and article.comments.digest == written


def test_an_identifier_with_a_leading_zero_stays_as_written(site):
    page = GOOD_PAGE.replace("  - id: talks", "  - id: 012").replace('    - id: "1"', "    - id: 007", 1)
    page = page.replace('reply_to: "1"', "reply_to: 007")
    (article,) = _site_with(site, page=page).articles
    assert article.claims[0].id == "012"
    assert article.comments.items[0].id == "007" and article.comments.items[1].reply_to.id == "007"


def _problems(site, **changes) -> list:
    with pytest.raises(BuildFailed) as failed:
        _site_with(site, **changes)
    return failed.value.problems


@pytest.mark.parametrize("written", ["yes", "no", "on", "off", "y", "1", "0", "Yes"])
def test_a_flag_takes_only_true_or_false(site, written):
    page = GOOD_PAGE.replace("seed: capture.txt", f"seed: capture.txt\ndraft: {written}")
    (problem,) = _problems(site, page=page)
    assert problem.field == "draft" and problem.line == 7
    assert problem.message == f"expected true or false, found `{written}`" and "`true` or `false`" in problem.hint


@pytest.mark.parametrize("written", ["yes", "off", "1"])
def test_a_flag_of_site_yaml_takes_only_true_or_false(site, written):
    (problem,) = _problems(site, site_yaml=MINIMAL_SITE_YAML + f"raw_html: {written}\n")
    assert problem.field == "raw_html" and problem.message == f"expected true or false, found `{written}`"


@pytest.mark.parametrize("written", ["True", "FALSE", "false"])
def test_flags_written_in_any_case_yaml_1_2_allows(site, written):
    loaded = _site_with(site, site_yaml=MINIMAL_SITE_YAML + f"search: {written}\n")
    assert loaded.settings.search is (written.lower() == "true")


@pytest.mark.parametrize("written", ["1_000", "0x1F", "1e3", "1:20", "012.0", "true", "12abc"])
def test_a_count_takes_only_digits(site, written):
    page = GOOD_PAGE.replace("      posts: 12", f"      posts: {written}")
    (problem,) = _problems(site, page=page)
    assert problem.field == "comments.items[0].posts" and problem.line == 23
    assert problem.message == f"expected a whole number, found `{written}`"


def test_a_count_with_a_leading_zero_is_the_decimal_number(site):
    page = GOOD_PAGE.replace("      posts: 12", "      posts: 012")
    (article,) = _site_with(site, page=page).articles
    assert article.comments.items[0].posts == 12  # YAML 1.1 made it the octal 10


def test_a_wrong_value_is_named_as_written(site):
    page = GOOD_PAGE.replace("    status: reported", "    status: TRUE")
    (problem,) = _problems(site, page=page)
    assert problem.field == "claims[0].status" and problem.message.startswith("`TRUE` is not allowed")


def test_a_year_with_a_leading_zero_is_not_a_date(site):
    page = GOOD_PAGE.replace("published: 2017-12", "published: 02017")
    (problem,) = _problems(site, page=page)
    assert problem.field == "published" and "02017" in problem.message
