"""Bad input in, precise problems out: every kind of mistake a researcher can make in a
content page or in site.yaml is reported with its file, line, field, a message and a hint.

Line numbers are counted from the page text the test writes. Most tests edit the
conftest's GOOD_PAGE, whose lines are listed in LINE below (line 1 is the opening `---`,
the front matter starts on line 2); `test_line_map_matches_good_page` keeps the map honest.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import CAPTURE, GOOD_PAGE, MINIMAL_SITE_YAML

from microsite.dates import PartialDate
from microsite.errors import BuildFailed, Problem
from microsite.model.loader import load_site

# The line of each key in GOOD_PAGE.
LINE = {
    "title": 2,
    "publisher": 3,
    "published": 4,
    "date_note": 5,
    "seed": 6,
    "companies": 7,
    "sources": 8,
    "sources[0]": 9,
    "claims": 10,
    "claims[0]": 11,
    "claims[0].statement": 12,
    "claims[0].quote": 13,
    "claims[0].source": 14,
    "claims[0].companies": 15,
    "claims[0].status": 16,
    "claims[0].event_date": 17,
    "comments": 18,
    "comments.digest": 19,
    "comments.items": 20,
    "comments.items[0]": 21,
    "comments.items[0].posts": 23,
    "comments.items[0].text": 25,
    "comments.items[1]": 27,
    "comments.items[1].reply_to": 29,
    "comments.items[1].text": 30,
    "closing": 32,
}

# The line of each entry in MINIMAL_SITE_YAML.
SITE_LINE = {"title": 1, "description": 2, "companies": 3, "companies[0]": 4, "companies[1]": 5}

TALKS = "content/talks.md"


# ---- helpers -------------------------------------------------------------------------


def problems_of(site) -> list[Problem]:
    """Load the site, which must fail, and return every problem it reported."""
    with pytest.raises(BuildFailed) as info:
        load_site(site.root)
    assert info.value.problems, "BuildFailed carried no problems"
    return info.value.problems


def find(problems: list[Problem], field: str | None) -> Problem:
    """The one problem reported for `field`."""
    matching = [p for p in problems if p.field == field]
    assert len(matching) == 1, f"expected one problem for field {field!r}, got:\n" + "\n".join(
        p.format() for p in problems
    )
    return matching[0]


def check(
    problem: Problem,
    site,
    *,
    file: str = TALKS,
    line: int | None,
    field: str | None,
    message: tuple[str, ...] = (),
    hint: tuple[str, ...] = (),
) -> None:
    """Assert every part of a problem: file, line, field, words in the message and in the hint."""
    shown = problem.format()
    assert problem.file == site.root / file, shown
    assert problem.line == line, shown
    assert problem.field == field, shown
    for words in message:
        assert words in problem.message, shown
    assert problem.hint and problem.hint.strip(), f"no hint: {shown}"
    for words in hint:
        assert words in problem.hint, shown


def only_problem(site) -> Problem:
    problems = problems_of(site)
    assert len(problems) == 1, "\n".join(p.format() for p in problems)
    return problems[0]


def insert_after(site, old: str, new_lines: str, name: str = "talks.md") -> None:
    """Insert `new_lines` right after the line `old` of a page."""
    site.edit_page(old, old + new_lines, name=name)


def second_page(site, name: str, seed: str, text: str = GOOD_PAGE) -> None:
    """Another page with its own capture (a copy of the test capture)."""
    site.write(f"seeds/{seed}", CAPTURE)
    site.page(text.replace("seed: capture.txt", f"seed: {seed}"), name)


def test_line_map_matches_good_page():
    lines = GOOD_PAGE.splitlines()
    assert lines[0] == "---"
    for key, number in LINE.items():
        text = lines[number - 1]
        if key == "closing":
            assert text == "---"
            continue
        last = key.rsplit(".", 1)[-1]
        if last.endswith("]"):  # a list entry: its line starts with "- "
            assert text.lstrip().startswith("- "), (key, text)
        else:
            assert text.lstrip().startswith(f"{last}:"), (key, text)
    site_lines = MINIMAL_SITE_YAML.splitlines()
    assert site_lines[SITE_LINE["description"] - 1].startswith("description:")
    assert "Huawei" in site_lines[SITE_LINE["companies[0]"] - 1]
    assert "Xiaomi" in site_lines[SITE_LINE["companies[1]"] - 1]


def test_good_page_loads(site):
    loaded = load_site(site.root)
    assert [a.slug for a in loaded.articles] == ["talks"]


# ---- the page is not readable YAML ---------------------------------------------------


@pytest.mark.parametrize(
    ("old", "new", "line"),
    [
        pytest.param("companies: [Huawei, AT&T]", "companies: [Huawei, AT&T", LINE["companies"], id="unclosed-bracket"),
        pytest.param(
            "companies: [Huawei, AT&T]\n",
            "companies: [Huawei, AT&T\n\n# the registry names\n\n",
            LINE["companies"],
            id="unclosed-bracket-before-blank-lines",
        ),
        pytest.param(
            "  - name: Bloomberg\n",
            "  - name: Bloomberg\n   note: original report\n",
            LINE["sources[0]"] + 1,
            id="bad-indentation-in-list",
        ),
        pytest.param(
            "    statement: Huawei",
            "      statement: Huawei",
            LINE["claims[0].statement"],
            id="over-indented-key",
        ),
    ],
)
def test_broken_yaml_reports_its_line(site, old, new, line):
    site.edit_page(old, new)
    problem = only_problem(site)
    check(problem, site, line=line, field=None, message=("YAML",))


@pytest.mark.parametrize(
    ("old", "new", "line"),
    [
        pytest.param("publisher: PhoneArena", "\tpublisher: PhoneArena", LINE["publisher"], id="top-level"),
        pytest.param(
            "  - name: Bloomberg\n", "  - name: Bloomberg\n\tnote: x\n", LINE["sources[0]"] + 1, id="in-a-source"
        ),
        pytest.param("    quote: Huawei", "\t  quote: Huawei", LINE["claims[0].quote"], id="in-a-claim"),
    ],
)
def test_tab_indentation_hint_mentions_tabs(site, old, new, line):
    site.edit_page(old, new)
    problem = only_problem(site)
    check(problem, site, line=line, field=None, message=("YAML",), hint=("tab",))


def test_site_yaml_tab_indentation_hint_mentions_tabs(site):
    site.write("site.yaml", MINIMAL_SITE_YAML.replace("  - {name: Xiaomi", "\t- {name: Xiaomi"))
    problem = only_problem(site)
    check(problem, site, file="site.yaml", line=SITE_LINE["companies[1]"], field=None, hint=("tab",))


def test_missing_closing_fence(site):
    head, _closing, body = GOOD_PAGE.rpartition("---\n")
    site.page(head + body)
    problem = only_problem(site)
    check(problem, site, line=1, field=None, message=("closing `---`",), hint=("---",))


def test_page_not_starting_with_fence(site):
    assert GOOD_PAGE.startswith("---\n")
    site.page(GOOD_PAGE[len("---\n") :])
    problem = only_problem(site)
    check(problem, site, line=1, field=None, message=("front matter",), hint=("`---`",))


def test_page_not_utf8(site):
    path = site.root / "content" / "talks.md"
    data = GOOD_PAGE.encode("utf-8").replace(b"date_note: Test", b"date_note: T\xff\xfeest")
    path.write_bytes(data)
    problem = only_problem(site)
    check(problem, site, line=LINE["date_note"], field=None, message=("UTF-8",), hint=("UTF-8",))


def test_capture_not_utf8(site):
    (site.root / "seeds" / "capture.txt").write_bytes(CAPTURE.encode("utf-8") + b"Caf\xe9 talk\n")
    problem = only_problem(site)
    line = CAPTURE.count("\n") + 1
    check(problem, site, file="seeds/capture.txt", line=line, field=None, message=("UTF-8",), hint=("UTF-8",))


def test_duplicate_key_reports_second_occurrence(site):
    insert_after(site, "seed: capture.txt\n", "title: The same title again\n")
    problem = only_problem(site)
    check(
        problem,
        site,
        line=LINE["seed"] + 1,
        field="title",
        message=("`title`", "twice", f"line {LINE['title']}"),
    )


def test_duplicate_key_inside_a_claim(site):
    insert_after(site, "    status: reported\n", "    status: rumour\n")
    problem = only_problem(site)
    check(problem, site, line=LINE["claims[0].status"] + 1, field="claims[0].status", message=("`status`", "twice"))


# ---- keys: unknown, missing, wrong type, not allowed ---------------------------------


def test_unknown_key_suggests_the_right_one(site):
    site.edit_page("title:", "titel:")
    problem = find(problems_of(site), "titel")
    check(problem, site, line=LINE["title"], field="titel", message=("unknown key", "`titel`"), hint=("`title`",))


def test_unknown_key_inside_a_claim(site):
    insert_after(site, "    source: Bloomberg News\n", "    sauce: Bloomberg\n")
    problem = only_problem(site)
    check(
        problem,
        site,
        line=LINE["claims[0].source"] + 1,
        field="claims[0].sauce",
        message=("unknown key", "`sauce`"),
        hint=("`source`",),
    )


def test_unknown_key_inside_a_comment(site):
    insert_after(site, "      posts: 12\n", "      vote: 3\n")
    problem = only_problem(site)
    check(
        problem,
        site,
        line=LINE["comments.items[0].posts"] + 1,
        field="comments.items[0].vote",
        message=("`vote`",),
        hint=("`votes`",),
    )


def test_missing_date_note(site):
    site.edit_page("date_note: Test capture dated by its test.\n", "")
    problem = only_problem(site)
    # A missing key has no line of its own: the mapping that lacks it is reported.
    check(problem, site, line=2, field="date_note", message=("`date_note`", "missing"), hint=("date_note:",))


def test_missing_claim_quote(site):
    site.edit_page("    quote: Huawei is reportedly negotiating with US carriers\n", "")
    problem = only_problem(site)
    check(
        problem, site, line=LINE["claims[0]"], field="claims[0].quote", message=("`quote`", "missing"), hint=("quote",)
    )


def test_companies_as_a_string_instead_of_a_list(site):
    site.edit_page("companies: [Huawei, AT&T]", "companies: Huawei")
    problem = only_problem(site)
    check(problem, site, line=LINE["companies"], field="companies", message=("list", "`Huawei`"), hint=("list",))


def test_votes_not_a_number(site):
    insert_after(site, "      posts: 12\n", "      votes: many\n")
    problem = only_problem(site)
    check(
        problem,
        site,
        line=LINE["comments.items[0].posts"] + 1,
        field="comments.items[0].votes",
        message=("whole number", "`many`"),
        hint=("digits",),
    )


def test_draft_not_a_boolean(site):
    insert_after(site, "seed: capture.txt\n", "draft: maybe\n")
    problem = only_problem(site)
    check(problem, site, line=LINE["seed"] + 1, field="draft", message=("`maybe`",), hint=("true",))


def test_status_not_in_the_list(site):
    site.edit_page("status: reported", "status: rumor")
    problem = only_problem(site)
    check(
        problem,
        site,
        line=LINE["claims[0].status"],
        field="claims[0].status",
        message=("`rumor`",),
        hint=("rumour", "reported", "opinion"),
    )


def test_stance_not_in_the_list(site):
    site.edit_page("stance: agrees", "stance: agree")
    problem = only_problem(site)
    check(
        problem,
        site,
        line=LINE["comments.items[0].text"] + 1,
        field="comments.items[0].stance",
        message=("`agree`",),
        hint=("agrees", "sceptical"),
    )


def test_empty_required_text(site):
    site.edit_page("title: Huawei talks to AT&T", 'title: ""')
    problem = only_problem(site)
    # "is empty" is the loader's own wording for an empty text (validation.py); the raw
    # pydantic message ("Value should have at least 1 item after validation") is not for users.
    check(problem, site, line=LINE["title"], field="title", message=("empty",), hint=("value",))
    assert "pydantic" not in problem.message and "item" not in problem.message


def test_url_without_scheme(site):
    insert_after(site, "seed: capture.txt\n", "url: www.phonearena.com/news\n")
    problem = only_problem(site)
    check(problem, site, line=LINE["seed"] + 1, field="url", message=("www.phonearena.com/news", "https://"))


# ---- dates ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "words"),
    [
        pytest.param("2017-13-45", ("`2017-13-45`", "month 13"), id="month-13"),
        pytest.param("2017-02-30", ("`2017-02-30`", "February 2017 has 28 days"), id="february-30"),
        pytest.param("Dec 2017", ("`Dec 2017`", "YYYY-MM"), id="month-name"),
        pytest.param("2017-1-5", ("`2017-1-5`", "YYYY-MM-DD"), id="single-digits"),
    ],
)
@pytest.mark.parametrize(
    ("old", "key", "field"),
    [
        pytest.param("published: 2017-12", "published", "published", id="published"),
        pytest.param("event_date: 2017-12-08", "event_date", "claims[0].event_date", id="event_date"),
    ],
)
def test_bad_dates(site, value, words, old, key, field):
    site.edit_page(old, f"{key}: {value}")
    problem = only_problem(site)
    check(problem, site, line=LINE[field], field=field, message=words)


# ---- names: the registries -----------------------------------------------------------


def test_unknown_company_suggests_the_registered_one(site):
    site.edit_page("companies: [Huawei, AT&T]", "companies: [Hauwei, AT&T]")
    problem = only_problem(site)
    check(
        problem,
        site,
        line=LINE["companies"],
        field="companies[0]",
        message=("`Hauwei`", "company registry"),
        hint=("`Huawei`",),
    )


def test_unknown_company_in_a_claim(site):
    site.edit_page("    companies: [Huawei]", "    companies: [Huawei, Xiaome]")
    problem = only_problem(site)
    check(
        problem,
        site,
        line=LINE["claims[0].companies"],
        field="claims[0].companies[1]",
        message=("`Xiaome`",),
        hint=("`Xiaomi`",),
    )


def test_unknown_source_suggests_the_registered_one(site):
    insert_after(site, "  - name: Bloomberg\n", "  - name: Bloomburg\n")
    problem = only_problem(site)
    check(
        problem,
        site,
        line=LINE["sources[0]"] + 1,
        field="sources[1].name",
        message=("`Bloomburg`", "source registry"),
        hint=("`Bloomberg`",),
    )


def test_unknown_source_without_a_close_name(site):
    insert_after(site, "  - name: Bloomberg\n", "  - name: Reuters\n")
    problem = only_problem(site)
    check(
        problem,
        site,
        line=LINE["sources[0]"] + 1,
        field="sources[1].name",
        message=("`Reuters`",),
        hint=("site.yaml", "kind: anonymous"),
    )


def test_unknown_publisher(site):
    site.edit_page("publisher: PhoneArena", "publisher: PhoneArina")
    problem = only_problem(site)
    check(
        problem,
        site,
        line=LINE["publisher"],
        field="publisher",
        message=("`PhoneArina`", "source registry"),
        hint=("`PhoneArena`",),
    )


def test_anonymous_kind_on_a_registered_source(site):
    insert_after(site, "  - name: Bloomberg\n", "    kind: anonymous\n")
    problem = find(problems_of(site), "sources[0].kind")
    check(problem, site, line=LINE["sources[0]"] + 1, field="sources[0].kind", message=("`Bloomberg`", "anonymous"))


def test_anonymous_kind_on_a_registered_source_reports_nothing_else(site):
    # The page does list Bloomberg; the claim that cites it by alias is not a second mistake.
    insert_after(site, "  - name: Bloomberg\n", "    kind: anonymous\n")
    problems = problems_of(site)
    assert [p.field for p in problems] == ["sources[0].kind"], "\n".join(p.format() for p in problems)


def test_registered_source_with_another_kind(site):
    insert_after(site, "  - name: Bloomberg\n", "    kind: wire\n")
    problem = only_problem(site)
    check(
        problem,
        site,
        line=LINE["sources[0]"] + 1,
        field="sources[0].kind",
        message=("`Bloomberg`", "`outlet`", "`wire`"),
    )


def test_unnamed_source_must_be_anonymous(site):
    insert_after(site, "  - name: Bloomberg\n", "  - name: People familiar with the talks\n")
    problem = only_problem(site)
    check(problem, site, line=LINE["sources[0]"] + 1, field="sources[1].name", hint=("kind: anonymous",))


# ---- a claim's source ----------------------------------------------------------------


def test_claim_source_not_among_the_page_sources(site):
    site.edit_page("source: Bloomberg News", "source: Reuters")
    problem = only_problem(site)
    check(
        problem,
        site,
        line=LINE["claims[0].source"],
        field="claims[0].source",
        message=("`Reuters`", "sources"),
        hint=("`Bloomberg`", "`PhoneArena`"),
    )


def test_claim_source_registered_but_not_listed_on_the_page(site):
    # PhoneArena is in the registry, but this page neither lists it nor has it as publisher.
    site.edit_page("publisher: PhoneArena\n", "")
    site.edit_page("source: Bloomberg News", "source: PhoneArena")
    problem = only_problem(site)
    check(
        problem,
        site,
        line=LINE["claims[0].source"] - 1,
        field="claims[0].source",
        message=("`PhoneArena`",),
        hint=("`Bloomberg`",),
    )


@pytest.mark.parametrize(
    ("source", "name"),
    [
        pytest.param("Bloomberg News", "Bloomberg", id="alias-of-a-listed-source"),
        pytest.param("bloomberg", "Bloomberg", id="name-in-another-case"),
        pytest.param("Bloomberg", "Bloomberg", id="listed-name"),
        pytest.param("PhoneArena", "PhoneArena", id="publisher"),
    ],
)
def test_claim_source_accepted(site, source, name):
    site.edit_page("source: Bloomberg News", f"source: {source}")
    loaded = load_site(site.root)
    assert loaded.articles[0].claims[0].source.name == name


def test_claim_source_alias_of_the_publisher_accepted(site):
    site.write("site.yaml", MINIMAL_SITE_YAML.replace("{name: PhoneArena,", "{name: PhoneArena, aliases: [PA],"))
    site.edit_page("source: Bloomberg News", "source: PA")
    loaded = load_site(site.root)
    assert loaded.articles[0].claims[0].source.name == "PhoneArena"


# ---- quotes and comments in the capture ----------------------------------------------


def test_quote_not_in_the_capture(site):
    site.edit_page(
        "quote: Huawei is reportedly negotiating with US carriers",
        "quote: Huawei is reportedly negotiating with European carriers",
    )
    problem = only_problem(site)
    # "Huawei is reportedly negotiating with " is in the capture: 38 characters.
    check(
        problem,
        site,
        line=LINE["claims[0].quote"],
        field="claims[0].quote",
        message=("not in the capture", "capture.txt"),
        hint=("38 characters match", "European carriers"),
    )


@pytest.mark.parametrize(
    "quote",
    [
        pytest.param('The company\'s "flagship" could arrive next year - if talks succeed.', id="straight-quotes"),
        pytest.param("The company’s “flagship” could arrive next year – if talks succeed.", id="en-dash"),
        pytest.param("The company‘s “flagship” could arrive next year — if talks succeed.", id="left-single-quote"),
        pytest.param("according to Bloomberg News. The company’s", id="line-break-as-space"),
        pytest.param("Huawei  is   reportedly\tnegotiating  with US carriers", id="runs-of-white-space"),
    ],
)
def test_quote_compared_loosely_is_accepted(site, quote):
    escaped = quote.replace("\\", "\\\\").replace('"', '\\"').replace("\t", "\\t")
    site.edit_page("quote: Huawei is reportedly negotiating with US carriers", f'quote: "{escaped}"')
    loaded = load_site(site.root)
    assert loaded.articles[0].claims[0].quote == quote
    passages = loaded.articles[0].capture.passages
    assert [p.anchor for p in passages if p.kind == "claim"] == ["q-talks"]


def test_quote_across_a_line_break_of_the_yaml(site):
    site.edit_page(
        "quote: Huawei is reportedly negotiating with US carriers",
        "quote: >-\n      The company’s “flagship” could arrive\n      next year — if talks succeed.",
    )
    loaded = load_site(site.root)
    assert loaded.articles[0].claims[0].quote == "The company’s “flagship” could arrive next year — if talks succeed."


@pytest.mark.parametrize(
    "quote",
    [
        pytest.param("huawei is reportedly negotiating with US carriers", id="case"),
        pytest.param("Huawei is reportedly negotiating with US carriers!", id="punctuation"),
        pytest.param("The company's flagship could arrive", id="dropped-quotes"),
    ],
)
def test_quote_differing_in_anything_else_is_rejected(site, quote):
    site.edit_page("quote: Huawei is reportedly negotiating with US carriers", f"quote: {quote}")
    problem = only_problem(site)
    check(problem, site, line=LINE["claims[0].quote"], field="claims[0].quote", message=("not in the capture",))


def test_duplicate_claim_ids(site):
    insert_after(
        site,
        "    event_date: 2017-12-08\n",
        "  - id: talks\n"
        "    statement: The flagship may come next year.\n"
        "    quote: could arrive next year\n"
        "    source: Bloomberg\n"
        "    status: forecast\n",
    )
    problem = only_problem(site)
    check(
        problem,
        site,
        line=LINE["claims[0].event_date"] + 1,
        field="claims[1].id",
        message=("`talks`", "twice"),
    )


def test_claim_id_not_a_slug(site):
    site.edit_page("  - id: talks", "  - id: Talks Underway")
    problem = only_problem(site)
    check(problem, site, line=LINE["claims[0]"], field="claims[0].id", message=("`Talks Underway`",))


def test_reply_to_names_no_earlier_comment(site):
    site.edit_page('reply_to: "1"', 'reply_to: "7"')
    problem = only_problem(site)
    check(
        problem,
        site,
        line=LINE["comments.items[1].reply_to"],
        field="comments.items[1].reply_to",
        message=("`7`",),
        hint=("id",),
    )


def test_reply_to_a_later_comment(site):
    # Comment 1 answers comment 2, which comes after it: not an *earlier* comment.
    insert_after(site, "      member_since: May 04, 2015\n", '      reply_to: "2"\n')
    problem = only_problem(site)
    check(
        problem,
        site,
        line=LINE["comments.items[0].posts"] + 2,
        field="comments.items[0].reply_to",
        message=("`2`",),
    )


def test_duplicate_comment_ids(site):
    site.edit_page('    - id: "2"', '    - id: "1"')
    site.edit_page('      reply_to: "1"\n', "")
    problem = only_problem(site)
    check(
        problem,
        site,
        line=LINE["comments.items[1]"],
        field="comments.items[1].id",
        message=("`1`", "twice"),
    )


def test_comment_text_not_in_the_capture(site):
    site.edit_page("text: Not for me.", "text: Not for you.")
    problem = only_problem(site)
    check(
        problem,
        site,
        line=LINE["comments.items[1].text"],
        field="comments.items[1].text",
        message=("not in the capture",),
    )


# ---- files: names, slugs, seeds ------------------------------------------------------


@pytest.mark.parametrize("name", ["Bad Name.md", "under_score.md", "Capital.md"])
def test_file_name_not_a_slug(site, name):
    second_page(site, name, "other.txt")
    problem = only_problem(site)
    check(problem, site, file=f"content/{name}", line=None, field=None, message=(f"`{name}`",), hint=("hyphens",))


def test_same_slug_in_two_sub_folders(site):
    second_page(site, "a/x.md", "a.txt")
    second_page(site, "b/x.md", "b.txt")
    problem = only_problem(site)
    check(problem, site, file="content/b/x.md", line=None, field=None, message=("`x`", "a/x.md"))


def test_two_pages_with_the_same_seed(site):
    site.page(GOOD_PAGE, "other.md")  # also summarises capture.txt
    problem = only_problem(site)
    # content/talks.md comes second, so it is the one reported, at its `seed:` key.
    check(problem, site, line=LINE["seed"], field="seed", message=("`capture.txt`", "other.md"))


@pytest.mark.parametrize(
    "seed",
    [
        pytest.param("nothere.txt", id="missing"),
        pytest.param("../site.yaml", id="path-out-of-seeds"),
        pytest.param("sub/capture.txt", id="path-in-seeds"),
        pytest.param("sub", id="a-folder"),
        pytest.param(".hidden.txt", id="hidden-file"),
    ],
)
def test_seed_that_is_not_a_capture_file(site, seed):
    site.write("seeds/sub/capture.txt", CAPTURE)
    site.write("seeds/.hidden.txt", CAPTURE)
    site.edit_page("seed: capture.txt", f"seed: {seed}")
    problem = only_problem(site)
    check(problem, site, line=LINE["seed"], field="seed", message=(f"`{seed}`",), hint=("seeds/",))


# ---- site.yaml -----------------------------------------------------------------------


def test_site_yaml_missing(site):
    (site.root / "site.yaml").unlink()
    problem = only_problem(site)
    check(problem, site, file="site.yaml", line=None, field=None, message=("missing",), hint=("site.yaml",))


@pytest.mark.parametrize(
    ("old", "new", "line"),
    [
        pytest.param("description:", " description:", SITE_LINE["description"], id="bad-indentation"),
        pytest.param(
            "kind: maker, country: China}",
            "kind: maker, country: China",
            SITE_LINE["companies[0]"],
            id="unclosed-brace",
        ),
    ],
)
def test_site_yaml_broken(site, old, new, line):
    assert old in MINIMAL_SITE_YAML
    site.write("site.yaml", MINIMAL_SITE_YAML.replace(old, new, 1))
    problem = only_problem(site)
    check(problem, site, file="site.yaml", line=line, field=None, message=("YAML",))
    assert "must be quoted" not in problem.hint, "no value on the line has an unquoted ': '"


def test_site_yaml_unknown_key(site):
    site.write("site.yaml", MINIMAL_SITE_YAML.replace("description:", "descripton:"))
    problem = find(problems_of(site), "descripton")
    check(
        problem,
        site,
        file="site.yaml",
        line=SITE_LINE["description"],
        field="descripton",
        message=("`descripton`",),
        hint=("`description`",),
    )


def test_site_yaml_unknown_key_in_a_company(site):
    site.write("site.yaml", MINIMAL_SITE_YAML.replace("{name: Xiaomi, kind", "{name: Xiaomi, contry: China, kind"))
    problem = only_problem(site)
    check(
        problem,
        site,
        file="site.yaml",
        line=SITE_LINE["companies[1]"],
        field="companies[1].contry",
        message=("`contry`",),
        hint=("`country`",),
    )


def test_site_yaml_company_kind_not_in_the_list(site):
    site.write("site.yaml", MINIMAL_SITE_YAML.replace("{name: Xiaomi, kind: maker", "{name: Xiaomi, kind: phones"))
    problem = only_problem(site)
    check(
        problem,
        site,
        file="site.yaml",
        line=SITE_LINE["companies[1]"],
        field="companies[1].kind",
        message=("`phones`",),
        hint=("maker", "carrier"),
    )


def test_site_yaml_alias_claimed_by_two_companies(site):
    site.write(
        "site.yaml",
        MINIMAL_SITE_YAML.replace("{name: Xiaomi, kind", "{name: Xiaomi, aliases: [huawei technologies], kind"),
    )
    problem = only_problem(site)
    check(
        problem,
        site,
        file="site.yaml",
        line=SITE_LINE["companies[1]"],
        field="companies[1]",
        message=("`huawei technologies`", "`Huawei`"),
        hint=("one entry",),
    )


# ---- every problem at once -----------------------------------------------------------


def test_all_problems_in_all_files_reported_at_once(site):
    # talks.md: two schema problems.
    site.edit_page("status: reported", "status: rumor")
    insert_after(site, "      posts: 12\n", "      votes: many\n")
    # other.md: three problems found across files (registry, capture, comment thread).
    other = (
        GOOD_PAGE.replace("companies: [Huawei, AT&T]", "companies: [Hauwei, AT&T]")
        .replace("quote: Huawei is reportedly negotiating with US carriers", "quote: Xiaomi makes phones")
        .replace('reply_to: "1"', 'reply_to: "9"')
    )
    second_page(site, "other.md", "other.txt", other)
    # broken.md: unreadable YAML.
    second_page(site, "broken.md", "broken.txt", GOOD_PAGE.replace("companies: [Huawei, AT&T]", "companies: : :"))
    # nofence.md: no front matter at all.
    site.page("Just some notes.\n", "nofence.md")

    problems = problems_of(site)
    found = sorted((str(p.file.relative_to(site.root)), p.line, p.field) for p in problems)
    assert found == sorted(
        [
            ("content/talks.md", LINE["claims[0].status"], "claims[0].status"),
            ("content/talks.md", LINE["comments.items[0].posts"] + 1, "comments.items[0].votes"),
            ("content/other.md", LINE["companies"], "companies[0]"),
            ("content/other.md", LINE["claims[0].quote"], "claims[0].quote"),
            ("content/other.md", LINE["comments.items[1].reply_to"], "comments.items[1].reply_to"),
            ("content/broken.md", LINE["companies"], None),
            ("content/nofence.md", 1, None),
        ]
    )
    assert all(p.hint for p in problems)


def test_site_yaml_registry_problem_and_page_problems_reported_together(site):
    # The duplicate alias leaves site.yaml usable, so the pages are checked in the same run.
    site.write(
        "site.yaml",
        MINIMAL_SITE_YAML.replace("{name: Xiaomi, kind", "{name: Xiaomi, aliases: [huawei technologies], kind"),
    )
    site.edit_page("status: reported", "status: rumor")
    problems = problems_of(site)
    found = sorted((str(p.file.relative_to(site.root)), p.line, p.field) for p in problems)
    assert found == [
        ("content/talks.md", LINE["claims[0].status"], "claims[0].status"),
        ("site.yaml", SITE_LINE["companies[1]"], "companies[1]"),
    ]


def test_report_counts_every_problem(site):
    site.edit_page("status: reported", "status: rumor")
    site.edit_page("stance: agrees", "stance: agree")
    with pytest.raises(BuildFailed) as info:
        load_site(site.root)
    report = info.value.report()
    assert "2 problems found" in report
    assert report.count("hint:") == 2


# ---- things that must work -----------------------------------------------------------


def write_bytes(site, data: bytes) -> None:
    (site.root / "content" / "talks.md").write_bytes(data)


def test_byte_order_mark_accepted(site):
    write_bytes(site, b"\xef\xbb\xbf" + GOOD_PAGE.encode("utf-8"))
    loaded = load_site(site.root)
    assert loaded.articles[0].title == "Huawei talks to AT&T"


def test_crlf_line_ends_accepted(site):
    write_bytes(site, GOOD_PAGE.replace("\n", "\r\n").encode("utf-8"))
    loaded = load_site(site.root)
    article = loaded.articles[0]
    assert article.title == "Huawei talks to AT&T"
    assert [c.id for c in article.comments.items] == ["1", "2"]
    assert "\r" not in article.body_html


@pytest.mark.parametrize(
    "encode",
    [
        pytest.param(lambda text: b"\xef\xbb\xbf" + text.encode("utf-8"), id="bom"),
        pytest.param(lambda text: text.replace("\n", "\r\n").encode("utf-8"), id="crlf"),
        pytest.param(lambda text: text.replace("\n", "\r").encode("utf-8"), id="cr"),
    ],
)
def test_bom_and_line_ends_keep_line_numbers_right(site, encode):
    write_bytes(site, encode(GOOD_PAGE.replace("status: reported", "status: rumor")))
    problem = only_problem(site)
    check(problem, site, line=LINE["claims[0].status"], field="claims[0].status", message=("`rumor`",))


def test_published_year_only_unquoted(site):
    site.edit_page("published: 2017-12", "published: 2017")
    article = load_site(site.root).articles[0]
    assert article.published == PartialDate(2017)
    assert article.published.precision == "year"
    assert article.published.human() == "2017"


def test_published_empty_is_undated(site):
    site.edit_page("published: 2017-12", "published:")
    assert load_site(site.root).articles[0].published is None


def test_published_left_out_is_undated(site):
    site.edit_page("published: 2017-12\n", "")
    assert load_site(site.root).articles[0].published is None


def test_numbers_as_comment_ids(site):
    site.edit_page('    - id: "1"', "    - id: 1")
    site.edit_page('    - id: "2"', "    - id: 9")
    site.edit_page('reply_to: "1"', "reply_to: 1")
    comments = load_site(site.root).articles[0].comments.items
    assert [c.id for c in comments] == ["1", "9"]
    assert comments[1].reply_to is comments[0]


@pytest.mark.parametrize(
    ("old", "new", "attribute", "expected"),
    [
        pytest.param("title: Huawei talks to AT&T", "title: 1984", "title", "1984", id="title"),
        pytest.param("date_note: Test capture dated by its test.", "date_note: 2017", "date_note", "2017", id="note"),
        pytest.param(
            "statement: Huawei reportedly negotiates with US carriers.",
            "statement: 5",
            "claim.statement",
            "5",
            id="statement",
        ),
        pytest.param("member_since: May 04, 2015", "member_since: 2015", "comment.member_since", "2015", id="since"),
        pytest.param("  digest: Readers were split.", "  digest: 42", "digest", "42", id="digest"),
    ],
)
def test_text_fields_given_as_numbers(site, old, new, attribute, expected):
    site.edit_page(old, new)
    article = load_site(site.root).articles[0]
    value = {
        "title": article.title,
        "date_note": article.date_note,
        "claim.statement": article.claims[0].statement,
        "comment.member_since": article.comments.items[0].member_since,
        "digest": article.comments.digest,
    }[attribute]
    assert value == expected


def test_pages_in_sub_folders_with_different_names(site):
    second_page(site, "a/x.md", "a.txt")
    second_page(site, "b/y.md", "b.txt")
    slugs = sorted(a.slug for a in load_site(site.root).articles)
    assert slugs == ["talks", "x", "y"]


def test_problem_paths_are_site_paths(site):
    site.edit_page("status: reported", "status: rumor")
    problem = only_problem(site)
    assert isinstance(problem.file, Path)
    assert problem.file.is_file()
