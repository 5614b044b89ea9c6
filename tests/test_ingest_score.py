"""bench/ingest_score.py: its matching rules, and a smoke run on two captures.

The score itself is not a test (bench/README.md, "Scoring ingest"): the smoke run only checks that
the scorer runs ingest and writes its report. The dev set lives outside the repository
(../shared/ingest-dev); without it the run uses two small captures written here.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from conftest import PROJECT

DEV_SET = PROJECT.parent / "shared" / "ingest-dev"


def _load_scorer():
    spec = importlib.util.spec_from_file_location("ingest_score", PROJECT / "bench" / "ingest_score.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["ingest_score"] = module
    spec.loader.exec_module(module)
    return module


scorer = _load_scorer()


@pytest.fixture(scope="module")
def names():
    return scorer.Names(scorer.load_yaml((PROJECT / "site.yaml").read_text(encoding="utf-8")))


# --- Names ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("The Verge", "the verge"),
        ("The Guardian", "Guardian"),
        ("Huawei (company statement)", "Huawei"),
        ("OnePlus 7 Pro [Update]", "OnePlus 7 Pro"),
        ("Wang  Xiang", "wang xiang"),
        ("“Project X”", '"Project X"'),
    ],
)
def test_names_are_compared_without_case_a_leading_the_or_brackets(a, b):
    assert scorer.name_key(a) == scorer.name_key(b)


@pytest.mark.parametrize(
    ("a", "b"),
    [("Canalys.", "Canalys"), ("Wang", "Wang Xiang"), ("Theresa", "Resa"), ("Mo Jia,", "Mo Jia")],
)
def test_trailing_punctuation_and_pieces_do_not_match(a, b, names):
    assert not names.same(a, b)


@pytest.mark.parametrize(
    ("drafted", "gold"),
    [
        ("Nikkei", "Nikkei Asia"),  # an alias in site.yaml
        ("Counterpoint", "Counterpoint Research"),
        ("Huawei (company statement)", "Huawei"),
        ("Motorola", "Motorola Mobility"),
        ("Transsion", "TECNO Mobile"),  # Tecno is Transsion's alias; "Mobile" is the company form
        ("MediaTek", "Mediatek"),
    ],
)
def test_registry_names_and_aliases_match(drafted, gold, names):
    assert names.same(drafted, gold)


def test_matching_is_one_to_one(names):
    found, missed, spurious = names.match(
        ["Counterpoint", "Counterpoint Research", "Canalys.", "Reuters"], ["Counterpoint Research", "Canalys", "IDC"]
    )
    assert found == ["Counterpoint Research"]
    assert missed == ["Canalys", "IDC"]
    assert spurious == ["Counterpoint Research", "Canalys.", "Reuters"]  # a repeat counts against precision


# --- What makes a drafted source no clean name -------------------------------------------------------------------


@pytest.mark.parametrize("name", ["Canaccord Genuity.", "Wang,", "Jia.", "Reuters:", "Apple’", "Counterpoint)"])
def test_trailing_punctuation_is_found(name):
    assert scorer.has_trailing_punctuation(name)


@pytest.mark.parametrize("name", ["Apple Inc.", "U.S.", "Canalys", "Huawei (company statement)", "“Project X”"])
def test_abbreviations_and_brackets_are_not_trailing_punctuation(name):
    assert not scorer.has_trailing_punctuation(name)


@pytest.mark.parametrize("name", ["On Tuesday Apple", "Earlier", "However Canalys", "Meanwhile, Xiaomi", "Friday"])
def test_sentence_starts_are_found(name):
    assert scorer.is_sentence_start(name)


@pytest.mark.parametrize("name", ["The Verge", "Reuters", "Ben Stanton", "Counterpoint Research", "Samsung"])
def test_names_are_not_sentence_starts(name):
    assert not scorer.is_sentence_start(name)
    assert not scorer.is_date(name)
    assert scorer.flaws(name, ["Reuters", "Ben Stanton"]) == []


@pytest.mark.parametrize(
    "name", ["January 29, 2014", "29 Jan 2014", "2014-01-29", "Tuesday", "last week", "Jan. 29", "Q2 2020"]
)
def test_dates_are_found(name):
    assert scorer.is_date(name)


def test_fragments_are_named_with_the_whole():
    assert scorer.fragment_of("Wang", ["Ben Stanton", "Wang Xiang"]) == "Wang Xiang"
    assert scorer.fragment_of("Singh", ["Prachir Singh"]) == "Prachir Singh"
    assert scorer.fragment_of("Reuters", ["Reuters", "Ben Stanton"]) is None
    assert scorer.fragment_of("Mo Jia", ["Mo Jia"]) is None
    assert "a fragment of Mo Jia." in scorer.flaws("Jia.", ["Mo Jia.", "Jia."])
    assert "a fragment" in scorer.flaws("Huawei and", [])


# --- Quotes ---------------------------------------------------------------------------------------------------------


def test_a_drafted_quote_that_contains_the_gold_quote_recalls_it():
    gold = "Xiaomi’s shipments in Europe jumped 73% in Q3"
    assert scorer.quote_recalled(gold, ["Canalys said Xiaomi's shipments in  Europe jumped 73% in Q3, a record."])


def test_a_drafted_quote_inside_the_gold_quote_recalls_it():
    gold = "Huawei said on Sept. 15 it was cut off from suppliers. It did not comment further."
    assert scorer.quote_recalled(gold, ["Huawei said on Sept."])  # a sentence split at an abbreviation


def test_other_quotes_recall_nothing():
    gold = "Samsung shipped 18.7 million units in Q3"
    assert not scorer.quote_recalled(gold, ["Samsung shipped 18.6 million units in Q3", "Samsung"])
    assert not scorer.quote_recalled(gold, [])
    assert not scorer.quote_recalled("", ["anything at all"])


# --- One draft against its gold, without running ingest ---------------------------------------------------------

ENTRY = {
    "file": "captures/x.txt",
    "title": "Acme to sell phones in Kenya",
    "publisher": "Peace FM Online",
    "date": {"value": "2016", "how": "inferred"},
    "companies": ["Xiaomi"],
    "sources_cited": ["Canalys", "Peace FM Online"],
    "comments": {"count": 2, "authors": ["ann", "bo"], "replies": 1},
    "key_claims": [{"quote": "Acme will sell phones"}],
}
REPORT = """\
captures/x.txt -> content/acme.md (draft); the capture is in seeds/x.txt
    title: Acme to sell phones in Kenya
    publisher: not found: set `publisher` by hand
    organisations the registries lack (add them to site.yaml if they matter): Peace FM Online, Acme Ltd
"""


def _draft(**front):
    page = {"title": "Acme to sell phones in Kenya", "draft": True, **front}
    return scorer.Draft(page, "---\n" + yaml.safe_dump(page) + "---\n", REPORT)


def test_a_draft_is_scored_against_its_gold(names):
    draft = _draft(
        published="2016-03",
        companies=["Xiaomi", "Apple"],
        sources=[{"name": "Canalys."}, {"name": scorer.UNATTRIBUTED}, {"name": "On Tuesday Apple"}],
        comments={"items": [{"id": "c1", "author": "Ann"}, {"id": "c2", "author": "bo", "reply_to": "c1"}]},
        claims=[{"quote": "Acme will sell phones in Kenya from May."}, {"quote": "Apple said so."}],
    )
    result = scorer.score(ENTRY, draft, names)
    assert result.title_ok
    assert result.publisher_ok  # no publisher drafted, but the report suggests registering it
    assert result.date_ok is None and result.date_invented  # a date where the gold's is only inferred
    assert result.companies == (1, 2, 1)
    assert result.sources_precision == (0, 2)  # the article's own voice is not a source; the other two are wrong
    assert result.sources_recall == (0, 2)
    assert result.comments == (2, 2) and result.authors == (2, 2, 2) and result.replies == (1, 1)
    assert result.quotes == (1, 1) and result.claims == (2, 1)
    misses = "\n".join(result.misses)
    assert "Canalys. (trailing punctuation)" in misses
    assert "On Tuesday Apple (a sentence start)" in misses
    assert "invented" in misses


def test_an_outlet_citing_itself_is_found_through_its_publisher(names):
    entry = {**ENTRY, "publisher": "Canalys", "sources_cited": ["Canalys", "Mo Jia"]}
    result = scorer.score(entry, _draft(publisher="Canalys", sources=[{"name": "Mo Jia"}]), names)
    assert result.publisher_ok
    assert result.sources_recall == (2, 2) and result.sources_precision == (1, 1)


def test_a_capture_not_drafted_scores_nothing(names):
    result = scorer.score(ENTRY, scorer.Draft(None, "", "", failure="nothing drafted"), names)
    assert not result.drafted and not result.title_ok and result.publisher_ok is False
    assert result.sources_recall == (0, 2) and result.quotes == (0, 1)


# --- A smoke run on two captures ----------------------------------------------------------------------------------

GAZETTE = """\
The Gadget Gazette
Home | Phones | Reviews

Acme Phones to sell handsets through Northwind Mobile

January 29, 2014

Acme Phones will sell its flagship through Northwind Mobile from March, according to Reuters.
The carrier expects 2 million units in the first year, analyst Jane Doe of Canalys said.

3 Comments

alice_k
2 hours ago
Finally, a carrier deal.
Reply

bob77
1 hour ago
Too late for me.
Reply
"""

FORUM = """\
Phone Talk Forums

Zeta launches budget phone in Kenya

Posted 12 May 2019

Zeta said on Monday that its $99 phone is on sale in Nairobi.
IDC estimated the market grew 15% last year.
"""


def _gold_with_two_captures(folder: Path) -> Path:
    """Two captures and a gold file listing them: from the dev set if this machine has it, else written here."""
    (folder / "captures").mkdir(parents=True)
    dev_gold = DEV_SET / "gold.yaml"
    if dev_gold.is_file():
        entries = yaml.safe_load(dev_gold.read_text(encoding="utf-8"))[:2]
        for entry in entries:
            shutil.copyfile(DEV_SET / entry["file"], folder / entry["file"])
    else:
        (folder / "captures" / "a_gazette.txt").write_text(GAZETTE, encoding="utf-8")
        (folder / "captures" / "b_forum.txt").write_text(FORUM, encoding="utf-8")
        entries = [
            {
                "file": "captures/a_gazette.txt",
                "title": "Acme Phones to sell handsets through Northwind Mobile",
                "publisher": "The Gadget Gazette",
                "date": {"value": "2014-01-29", "how": "stated"},
                "companies": [],
                "companies_in_comments_only": [],
                "sources_cited": ["Reuters", "Jane Doe"],
                "comments": {"count": 2, "authors": ["alice_k", "bob77"], "replies": 0},
                "key_claims": [{"claim": "Acme sells through Northwind.", "quote": "will sell its flagship"}],
            },
            {
                "file": "captures/b_forum.txt",
                "title": "Zeta launches budget phone in Kenya",
                "publisher": None,
                "date": {"value": "2019-05-12", "how": "stated"},
                "companies": [],
                "sources_cited": ["Zeta", "IDC"],
                "key_claims": [{"claim": "The market grew 15%.", "quote": "IDC estimated the market grew 15%"}],
            },
        ]
    gold = folder / "gold.yaml"
    gold.write_text(yaml.safe_dump(entries, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return gold


def test_the_scorer_runs_ingest_on_every_capture_and_writes_its_report(tmp_path):
    gold = _gold_with_two_captures(tmp_path / "set")
    out = tmp_path / "INGEST.md"
    command = [sys.executable, str(PROJECT / "bench" / "ingest_score.py"), str(gold), "--out", str(out)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=300, cwd=PROJECT)
    assert done.returncode == 0, f"the scorer failed:\n{done.stdout}\n{done.stderr}"

    report = out.read_text(encoding="utf-8")
    for entry in yaml.safe_load(gold.read_text(encoding="utf-8")):
        name = Path(entry["file"]).stem
        assert f"\n| {name} |" in report, f"no table row for {name}"
        assert f"- **{name}**" in report, f"no misses entry for {name}"
    assert "\n| **total** |" in report
    for text in ["# Ingest scores", "- Code: git ", "- Working tree: ", "## Totals", "| titles exact |"]:
        assert text in report
    assert "| **total** |" in done.stdout  # printed as well as written
    # No path of this machine but the test's (as a folder: build/workers.py is not a path under /work).
    assert f"{PROJECT.parent}{os.sep}" not in report.replace(str(tmp_path), "")
