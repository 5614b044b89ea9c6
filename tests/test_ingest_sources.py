"""Sources as ingest finds them: clean names, a person's later mentions folded into the full
name, titles kept as the note, registry aliases first; companies matched whatever their case."""

from __future__ import annotations

import pytest
from conftest import PROJECT

from microsite.ingest.facts import find_facts
from microsite.source.config import load_config


@pytest.fixture(scope="module")
def config():
    loaded, problems = load_config(PROJECT)
    assert loaded is not None and not problems
    return loaded


def _sources(config, *paragraphs):
    return {s.name: s for s in find_facts(list(paragraphs), [], config, None).sources}


def test_a_title_before_a_name_is_kept_as_the_note(config):
    found = _sources(config, "“Demand is back,” Acme Research Manager Dana Whitfield said in a press release.")
    assert list(found) == ["Dana Whitfield"]
    assert found["Dana Whitfield"].note == "Acme Research Manager"
    found = _sources(config, "Secretary of Transport Paul Okafor said the rules would change.")
    assert list(found) == ["Paul Okafor"] and found["Paul Okafor"].note == "Secretary of Transport"


def test_an_appositive_is_the_note_and_the_outlet_told_is_a_source(config):
    found = _sources(config, "Prices will fall, Rina Osei, associate director at Canalys, told Reuters.")
    assert set(found) == {"Rina Osei", "Reuters", "Canalys"}  # the firm she speaks for is cited too
    assert found["Rina Osei"].note == "associate director at Canalys"
    found = _sources(config, "“It is a good year,” said Lio Brandt, Global Marketing lead, Acme Mobile.")
    assert list(found) == ["Lio Brandt"] and found["Lio Brandt"].note == "Global Marketing lead, Acme Mobile"


def test_names_carry_no_trailing_full_stop_and_later_mentions_fold_into_the_full_name(config):
    found = _sources(
        config,
        "Shipments rose 8%, according to Canalys.",
        "“Growth is back,” said Canalys analyst Mo Fenwick. Fenwick added that prices fell 3%.",
    )
    assert set(found) == {"Canalys", "Mo Fenwick"}


def test_a_surname_alone_folds_into_the_name_the_article_gives(config):
    found = _sources(config, "Acme CEO Larry Quill took to the blog to explain.", "Quill said sales would double.")
    assert list(found) == ["Larry Quill"]


def test_unnamed_officials_who_told_an_outlet_leave_the_outlet_as_the_source(config):
    found = _sources(config, "Instead, officials told Reuters, the company paid the bonuses in full.")
    assert list(found) == ["Reuters"]


def test_registry_aliases_come_first(config):
    found = _sources(
        config,
        "According to the Commerce Department, the firm broke the agreement.",
        "The International Data Corporation (IDC) also reported a fall of 4%.",
    )
    assert set(found) == {"US Department of Commerce", "IDC"}


def test_a_report_on_a_place_is_not_a_report_from_it(config):
    assert "Africa" not in _sources(config, "According to a 2015 IDC report on Africa, sales rose 12%.")


def test_a_company_speaking_for_itself_is_its_statement(config):
    # Sprint's statements have no registry entry: the source is drafted unregistered, named as a statement.
    found = _sources(config, "Sprint said the phone goes on sale on May 17.")
    assert list(found) == ["Sprint (company statement)"]
    assert not found["Sprint (company statement)"].registered
    found = _sources(config, "T-Mobile said the phone goes on sale on May 17.")
    assert list(found) == ["T-Mobile (company statement)"]
    assert found["T-Mobile (company statement)"].registered  # registered since: the entry is used


def test_companies_written_in_capitals_or_another_case_are_found(config):
    facts = find_facts(["TECNO ships phones with Mediatek chips, while HONOR grows 9%."], [], config, None)
    assert set(facts.companies) == {"Transsion", "MediaTek", "Honor"}
    facts = find_facts(["Sales rose as the arm of the firm grew; an orange case sold well."], [], config, None)
    assert facts.companies == []


def test_the_opening_sentence_of_each_of_the_first_paragraphs_is_a_claim(config):
    # News is written top down: the lede states the story even with no source, figure or forecast in it.
    paragraphs = [
        "The new handset arrived without the store its buyers expect in western markets. It looks fine.",
        "Unveiled in a German city on a weekday, the premium range carries the latest camera hardware. More.",
        "The reason is a trade dispute that bars firms from licensing the software to the maker. Still more.",
        "A fourth paragraph opens with a sentence of plenty of words that is not a claim at all.",
    ]
    quotes = [claim.quote for claim in find_facts(paragraphs, [], config, None).claims]
    assert quotes == [paragraph.split(". ")[0] + "." for paragraph in paragraphs[:3]]
    short = find_facts(["Photo credit: the agency.", paragraphs[3]], [], config, None).claims
    assert [claim.quote for claim in short] == [paragraphs[3]]  # a caption-length opening is not a claim


def test_an_unnamed_person_is_named_without_the_verb_that_follows(config):
    found = _sources(config, "Xiaomi is in talks with carriers, a person familiar with the matter said.")
    assert list(found) == ["A person familiar with the matter"] and found["A person familiar with the matter"].unnamed
    found = _sources(config, "People familiar with the discussions said the talks continue.")
    assert list(found) == ["People familiar with the discussions"]


def test_a_speakers_firm_is_cited_but_a_companys_executive_speaks_for_no_statement(config):
    found = _sources(config, "Rina Osei, associate director at Counterpoint Research, said demand was back.")
    assert set(found) == {"Rina Osei", "Counterpoint Research"}
    found = _sources(config, "Apparently, Xiaomi's executive Wang Xian said that his company plans to grow.")
    assert set(found) == {"Wang Xiang"}  # the registry spells him so, with "Wang Xian" as an alias


def test_a_link_post_cites_the_registered_outlet_it_links_to(config):
    from microsite.ingest.facts import linked_source

    found = linked_source("U.S. lawmakers want Google to reconsider links (reuters.com)", [], config)
    assert found is not None and found.name == "Reuters"
    found = linked_source("Google doubles down on Pixel", ["https://www.reuters.com/technology/pixel-1/", "2k"], config)
    assert found is not None and found.name == "Reuters"
    assert linked_source("A headline (example.org)", [], config) is None  # not in the registry: nothing guessed
    assert linked_source("Google doubles down on Pixel", ["Posted by someone", "https://reuters.com/x"], config) is None
