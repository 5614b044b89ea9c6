"""`check`'s second reading (microsite/model/care.py): notes on claims and digests that may say more than
their capture does, each answered away by `answered`, none of them an error."""

from __future__ import annotations

import pytest
from conftest import SiteFolder

from microsite.commands.check import notes
from microsite.model import care
from microsite.model.loader import load_site

CAREFUL = "statement: Huawei reportedly negotiates with US carriers."  # the test page's, as the quote hedges
CARELESS = "statement: Huawei negotiates with US carriers."


@pytest.fixture
def careless(site: SiteFolder) -> SiteFolder:
    """The test site with its one claim's hedge dropped from the statement."""
    site.edit_page(CAREFUL, CARELESS)
    return site


def line(site: SiteFolder, text: str, name: str = "talks.md") -> int:
    """The line of the page on which `text` starts."""
    return 1 + (site.root / "content" / name).read_text(encoding="utf-8").splitlines().index(text)


def notes_of(site: SiteFolder, monkeypatch) -> list[str]:
    """check's notes on the site, each with its hint, paths as from the site folder."""
    monkeypatch.chdir(site.root)
    return [text for text in notes(load_site(site.root), site.root) if text.startswith("note:")]


def cli_notes(result) -> list[str]:
    """The notes `check` printed on standard error, each with its hint line."""
    found: list[str] = []
    for text in result.stderr.splitlines():
        if text.startswith("note: "):
            found.append(text)
        elif text.startswith("    hint: ") and found:
            found[-1] += "\n" + text
    return found


def test_the_careful_page_gets_no_note(site, monkeypatch):
    assert notes_of(site, monkeypatch) == []
    result = site.run("check")
    assert (result.returncode, result.stderr) == (0, "")


# ---- a lost hedge ---------------------------------------------------------------------------


def test_a_hedge_the_statement_drops_is_a_note_on_standard_error(careless):
    result = careless.run("check")
    assert result.returncode == 0, result.stderr
    assert "all checks passed" in result.stdout and "note:" not in result.stdout
    where = line(careless, "  - id: talks")
    assert cli_notes(result) == [
        f'note: content/talks.md:{where}: claims[0] (talks): the quote hedges ("reportedly") but the statement '
        "does not, and the status is reported\n"
        "    hint: carry the hedge into the statement or the status (rumour, forecast), or answer the note: "
        'answered: {hedge: "<why>"}'
    ]


@pytest.mark.parametrize(
    ("old", "new"),
    [
        pytest.param("    status: reported\n", "    status: rumour\n", id="a-hedging-status"),
        pytest.param(CARELESS, "statement: Huawei may be negotiating with US carriers.", id="may"),
        pytest.param(
            CARELESS,
            "statement: Huawei is said to negotiate with US carriers.",
            id="said-to",
        ),
        pytest.param(
            "    status: reported\n",
            "    status: reported\n    answered: {hedge: the status says that it is reported}\n",
            id="answered",
        ),
    ],
)
def test_a_hedge_carried_or_answered_is_no_note(careless, monkeypatch, old, new):
    careless.edit_page(old, new)
    assert notes_of(careless, monkeypatch) == []


def test_hedges_are_whole_words_and_may_the_month_is_none():
    assert care.hedges("Apparently, rumor  has it that it MAY come") == ["Apparently", "rumor has it", "MAY"]
    assert care.hedges("launched in May of this year, on 20 May and in mid-May") == []
    assert care.hedges("May be owned by a Chinese company") == ["May"]
    assert care.hedges("a mayor could not") == ["could"]
    assert care.hedges("unlikely, it says, and it is expected") == []
    assert care.hedges("it is expected", statement=True) == ["expected"]


# ---- a figure the quote does not give ---------------------------------------------------------

FIGURES_CAPTURE = """\
Huawei ships more phones

Huawei raised its shipment target from 30,000,000 units to 38 million units, of which 20 million have shipped.
"""

FIGURES_PAGE = """\
---
title: Huawei ships more phones
published: 2023-09
date_note: Dated by the test.
seed: figures.txt
companies: [Huawei]
sources:
  - name: People close to Huawei
    kind: anonymous
claims:
  - id: target-raised
    statement: Huawei raised its 2023 shipment target from 30 million to 38 million phones.
    quote: Huawei raised its shipment target from 30,000,000 units to 38 million units
    source: People close to Huawei
    companies: [Huawei]
    status: reported
    event_date: 2023
---
A target.
"""


@pytest.fixture
def figures(site: SiteFolder) -> SiteFolder:
    site.write("seeds/figures.txt", FIGURES_CAPTURE)
    site.page(FIGURES_PAGE, "figures.md")
    return site


def test_figures_the_quote_gives_in_other_forms_and_the_claims_own_date_are_no_note(figures, monkeypatch):
    assert notes_of(figures, monkeypatch) == []  # 30 million = 30,000,000; 2023 is the event date


def test_a_figure_the_quote_does_not_give_is_a_note(figures):
    figures.edit_page("to 38 million phones.", "to 40 million phones, 5.5% more in 2024.", "figures.md")
    result = figures.run("check")
    assert result.returncode == 0, result.stderr
    where = line(figures, "  - id: target-raised", "figures.md")
    assert cli_notes(result) == [
        f'note: content/figures.md:{where}: claims[0] (target-raised): the statement gives "40 million" and "5.5" '
        'and "2024", which the quote does not\n'
        '    hint: quote the passage that gives them, or answer the note: answered: {figure: "<why>"}'
    ]


def test_a_figure_answered_is_no_note(figures, monkeypatch):
    figures.edit_page("to 38 million phones.", "to 40 million phones.", "figures.md")
    figures.edit_page("    event_date: 2023\n", "    event_date: 2023\n    answered: {figure: a typo}\n", "figures.md")
    assert notes_of(figures, monkeypatch) == []


def test_figures_compare_by_value():
    (written, values), *_ = care.figures("30 million units")
    assert written == "30 million" and care.figures("30,000,000")[0][1] <= values
    assert [w for w, _ in care.figures("from 39.1 to 1,234 and $5bn")] == ["39.1", "1,234", "5bn"]


# ---- one quote, two credits, in one story ---------------------------------------------------------

SCOOP_CAPTURE = "{title}\n\nHuawei is reportedly negotiating with US carriers, {said}.\n"

SCOOP_PAGE = """\
---
title: {title}
published: {published}
date_note: Dated by the test.
seed: {slug}.txt
story: carrier-talks
companies: [Huawei]
sources:
  - name: {source}{kind}
claims:
  - id: {slug}-talks
    statement: Huawei reportedly negotiates with US carriers.
    quote: Huawei is reportedly negotiating with US carriers
    source: {source}
    companies: [Huawei]
    status: reported
---
A report.
"""

FAMILIAR = "People familiar with the discussions"


def scoop(site: SiteFolder, slug: str, published: str, source: str) -> None:
    """Another report of the talks, quoting the same sentence and crediting it to `source`."""
    kind = "\n    kind: anonymous" if source == FAMILIAR else ""
    title = f"Huawei talks ({slug})"
    site.write(f"seeds/{slug}.txt", SCOOP_CAPTURE.format(title=title, said=f"{source} said"))
    site.page(SCOOP_PAGE.format(title=title, published=published, slug=slug, source=source, kind=kind), f"{slug}.md")


@pytest.fixture
def story(site: SiteFolder) -> SiteFolder:
    """talks.md (Dec 2017, Bloomberg) and second.md (Dec 15, Bloomberg) in one story: the same credit."""
    site.edit_page("seed: capture.txt", "seed: capture.txt\nstory: carrier-talks")
    scoop(site, "second", "2017-12-15", "Bloomberg")
    return site


def test_one_quote_with_one_credit_is_no_note(story, monkeypatch):
    assert notes_of(story, monkeypatch) == []


def test_a_report_that_credits_the_quote_to_another_source_gets_the_note(story):
    scoop(story, "third", "2017-12-20", FAMILIAR)
    result = story.run("check")
    assert result.returncode == 0, result.stderr
    talks, second = line(story, "  - id: talks"), line(story, "  - id: second-talks", "second.md")
    assert cli_notes(result) == [
        f"note: content/third.md:{line(story, '  - id: third-talks', 'third.md')}: claims[0] (third-talks): "
        f"the same quote is credited to {FAMILIAR} here, but to Bloomberg in content/talks.md:{talks} (talks) "
        f"and content/second.md:{second} (second-talks)\n"
        "    hint: credit it alike, to the source the reports name for it (the original reporter), "
        'or answer the note on this claim: answered: {attribution: "<why>"}'
    ]


def test_the_odd_credit_out_gets_the_note_even_when_it_came_first(story, monkeypatch):
    scoop(story, "first", "2017-11-30", FAMILIAR)
    (found,) = notes_of(story, monkeypatch)
    assert found.startswith("note: content/first.md:") and "(first-talks)" in found


def test_of_two_reports_the_later_credit_is_queried(site, monkeypatch):
    site.edit_page("seed: capture.txt", "seed: capture.txt\nstory: carrier-talks")
    scoop(site, "later", "2018-01-05", FAMILIAR)
    (found,) = notes_of(site, monkeypatch)
    assert found.startswith("note: content/later.md:") and "but to Bloomberg in content/talks.md:" in found


def test_a_credit_answered_or_outside_the_story_is_no_note(story, monkeypatch):
    scoop(story, "third", "2017-12-20", FAMILIAR)
    story.edit_page(
        "    status: reported\n",
        "    status: reported\n    answered: {attribution: the article names its own sources}\n",
        "third.md",
    )
    assert notes_of(story, monkeypatch) == []
    scoop(story, "third", "2017-12-20", FAMILIAR)
    story.edit_page("story: carrier-talks\n", "", "third.md")
    assert notes_of(story, monkeypatch) == []


def test_quotes_the_same_but_for_case_punctuation_or_a_few_letters_are_one_passage():
    key = care.quote_key
    quote = "Huawei is reportedly negotiating with US carriers"
    assert care.same_passage(key(quote), key("huawei is, reportedly, negotiating with US carriers!"))
    assert care.same_passage(key(quote), key("Huawei is reportedly negotiating with U.S carriers"))
    assert care.same_passage(key(quote), key(f"Sources say {quote} and Xiaomi too."))  # one inside the other
    assert not care.same_passage(key("Huawei is reportedly"), key(quote))  # too short to be the same passage
    assert not care.same_passage(key(quote), key("Xiaomi is reportedly negotiating with EU retailers"))


# ---- an overstated digest -------------------------------------------------------------------------


def test_a_digest_that_speaks_of_most_readers_is_a_note_that_counts_them(site):
    site.edit_page("  digest: Readers were split.", "  digest: Most readers liked it.")
    result = site.run("check")
    assert result.returncode == 0, result.stderr
    where = line(site, "  digest: Most readers liked it.")
    assert cli_notes(result) == [
        f'note: content/talks.md:{where}: comments.digest: says "Most" of the readers without counting them; '
        "2 comments are listed (by stance: agrees 1, sceptical 1)\n"
        '    hint: say how many, such as "1 of 2 comments agree", or answer the note (under `comments:`): '
        'answered: {digest: "<why>"}'
    ]


@pytest.mark.parametrize(
    "digest",
    [
        "  digest: One reader liked it; the other did not.",
        "  digest: Most readers (1 of 2) liked it.",
        "  digest: Nobody was convinced at all.",
        "  digest: The most upvoted comment liked it; two of the two readers did.",
        "  digest: Mostly praise, from both (two out of two) readers.",
        "  digest: All readers liked it.\n  answered: {digest: the capture shows only these two}",
    ],
)
def test_a_counted_or_answered_digest_is_no_note(site, monkeypatch, digest):
    site.edit_page("  digest: Readers were split.", digest)
    assert notes_of(site, monkeypatch) == []


# ---- `answered` is checked like any other key ----------------------------------------------------


def test_an_unknown_answer_is_a_problem_with_its_line_naming_the_notes(site):
    site.edit_page("    status: reported\n", "    status: reported\n    answered:\n      tone: it is fine\n")
    site.edit_page("  digest: Readers were split.\n", "  digest: Readers were split.\n  answered: {hedge: x}\n")
    result = site.run("check")
    assert result.returncode == 1
    assert f"content/talks.md:{line(site, '      tone: it is fine')}: claims[0].answered.tone: unknown key `tone`" in (
        result.stderr
    )
    assert "`answered` here takes hedge, figure, attribution" in result.stderr
    where = line(site, "  answered: {hedge: x}")
    assert f"content/talks.md:{where}: comments.answered.hedge: unknown key `hedge`" in result.stderr
    assert "`answered` here takes digest" in result.stderr


def test_an_answer_without_its_reason_is_a_problem(site):
    site.edit_page("    status: reported\n", "    status: reported\n    answered: {hedge: ''}\n")
    result = site.run("check")
    assert result.returncode == 1
    where = line(site, "    answered: {hedge: ''}")
    assert f"content/talks.md:{where}: claims[0].answered.hedge: is empty" in result.stderr


def test_answers_are_kept_in_the_model(site):
    site.edit_page("    status: reported\n", "    status: reported\n    answered: {hedge: as reported}\n")
    site.edit_page("  digest: Readers were split.\n", "  digest: Readers were split.\n  answered: {digest: split}\n")
    (article,) = load_site(site.root).articles
    assert article.claims[0].answered == {"hedge": "as reported"}
    assert article.comments.answered == {"digest": "split"}
    assert article.digest == "Readers were split."
