"""NormalisedText against a plain character-by-character reference: the same text, the same offsets."""

from __future__ import annotations

import random
import unicodedata

import pytest

from microsite.text import NormalisedText, normalise

FOLD = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "„": '"', "–": "-", "—": "-"})
INVISIBLE = "\u00ad\u200b\u200c\u200d\u2060\ufeff"  # written out here, not taken from the code under test


def reference(original: str) -> tuple[str, list[int], list[int]]:
    """The normalised text and, for each of its characters, the offsets in `original` where the characters
    it comes from start and end: one step per character.

    Invisible characters are dropped; a character with the combining marks after it is a cluster, and
    when NFC changes a cluster each character NFC makes of it comes from the whole cluster. (Enough for
    texts without the rarer characters NFC joins, such as Hangul jamo.)"""
    clusters: list[list[tuple[str, int]]] = []  # the characters of each, with their offsets
    for index, char in enumerate(original):
        if char in INVISIBLE:
            continue
        if clusters and unicodedata.combining(char):
            clusters[-1].append((char, index))
        else:
            clusters.append([(char, index)])
    units: list[tuple[str, int, int]] = []  # one per character of the composed text
    for cluster in clusters:
        text = "".join(char for char, _ in cluster)
        composed = unicodedata.normalize("NFC", text)
        if composed == text:
            units += [(char, index, index + 1) for char, index in cluster]
        else:
            units += [(char, cluster[0][1], cluster[-1][1] + 1) for char in composed]
    chars: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    in_space = False
    for char, start, end in units:
        char = char.translate(FOLD)
        if char.isspace():
            if not in_space and chars:
                chars.append(" ")
                starts.append(start)
                ends.append(end)
            in_space = True
            continue
        in_space = False
        chars.append(char)
        starts.append(start)
        ends.append(end)
    return "".join(chars), starts, ends


def reference_find(original: str, passage: str) -> tuple[int, int] | None:
    text, starts, ends = reference(original)
    needle = normalise(passage)
    at = text.find(needle) if needle else -1
    return None if at < 0 else (starts[at], ends[at + len(needle) - 1])


def assert_same_as_reference(original: str) -> None:
    text, starts, ends = reference(original)
    normalised = NormalisedText(original)
    assert normalised.text == text
    assert [normalised.offset(i) for i in range(len(text))] == starts
    assert [normalised.end_offset(i) for i in range(len(text))] == ends


TRICKY = [
    "",
    " ",
    "\n\n\t ",
    "word",
    "  leading two",
    " leading one",
    "trailing one ",
    "trailing many \n\t ",
    "a  b   c \t\n d",
    "a\rb\r\n\r\nc",
    "“Quoted” and ‘single’ — with – dashes and „low” quotes",
    "non\u00a0breaking\u2003em\u3000ideographic\u2028line\x1cfile-sep",
    "Telefónica  华为   😀 end",
    "tab\tonly\tsingle\truns",
    "x" + " " * 50 + "y",
    "soft\u00adhy\u00adphen, zero\u200bwidth, non\u200cjoiner, joi\u200dner, word\u2060joiner, \ufeffBOM",
    "\u200b\u00ad leading and trailing invisibles \u2060\ufeff",
    "\u200b\u200b\u00ad",
    "a \u200b b\u00a0\u2060\u202f c\u2007\u200bd",  # invisibles inside white space runs
    "cafe\u0301 Telefo\u0301nica A\u030a \u212b",  # decomposed accents, the Angstrom sign
    "a\u0301\u0323 q\u0301 \u0301lone mark e\u200b\u0301 \u0344",  # reordered, unchanged, joined across
    "e\u0301" * 100 + " " + "x" * 200 + "o\u0308",  # longer than a piece, with no boundary for a while
]


@pytest.mark.parametrize("original", TRICKY)
def test_tricky_inputs_normalise_like_the_reference(original):
    assert_same_as_reference(original)


def test_a_passage_is_found_at_its_original_offsets():
    original = "  Home\n\nHuawei  said:\n“We’re  in\ttalks —\r\nwith AT&T.”  \n\n"
    span = NormalisedText(original).find('"We\'re in talks - with AT&T."')
    assert span is not None
    assert original[span[0] : span[1]] == "“We’re  in\ttalks —\r\nwith AT&T.”"
    assert span == reference_find(original, '"We\'re in talks - with AT&T."')


def test_a_passage_at_the_very_end_and_at_the_very_start():
    original = "\n first words  of the capture   and the  last words"
    normalised = NormalisedText(original)
    assert normalised.find("the last words") == reference_find(original, "the last words")
    assert original[slice(*normalised.find("last  words"))] == "last words"
    assert original[slice(*normalised.find("first words"))] == "first words"
    assert normalised.find("not there") is None
    assert normalised.find(" \t ") is None  # nothing left to look for


ALPHABET = [
    *"abcdeAB.,'\"-",
    *"’‘“”„–—",
    " ",
    " ",
    " ",
    "\t",
    "\n",
    "\r",
    "\u00a0",
    "\u2003",
    "\x0b",
    "é",
    "华",
    "😀",
]

# Invisible characters, no-break spaces and decomposed accents too.
ALPHABET_WITH_INVISIBLES = [
    *ALPHABET,
    *INVISIBLE,
    "\u202f",
    "\u2007",
    "\u0301",
    "\u0323",
    "\u0308",
    "e\u0301",
    "o\u0308",
    "\u212b",
]


@pytest.mark.parametrize("seed", range(40))
def test_random_texts_normalise_like_the_reference(seed):
    rng = random.Random(seed)
    original = "".join(rng.choice(ALPHABET) for _ in range(rng.randint(0, 400)))
    assert_same_as_reference(original)
    normalised = NormalisedText(original)
    for _ in range(30):  # passages cut from the original, and from its folded copy with spacing changed
        start = rng.randint(0, len(original))
        passage = original[start : start + rng.randint(1, 40)]
        if rng.random() < 0.5:
            passage = "  ".join(normalise(passage).split(" "))
        assert normalised.find(passage) == reference_find(original, passage)


@pytest.mark.parametrize("seed", range(40))
def test_random_texts_with_invisibles_and_accents_normalise_like_the_reference(seed):
    rng = random.Random(seed)
    original = "".join(rng.choice(ALPHABET_WITH_INVISIBLES) for _ in range(rng.randint(0, 400)))
    assert_same_as_reference(original)
    normalised = NormalisedText(original)
    assert normalised.text.strip() == normalise(original)  # a passage is folded as the capture is
    for _ in range(30):
        start = rng.randint(0, len(original))
        passage = original[start : start + rng.randint(1, 40)]
        if rng.random() < 0.5:  # written as the other side writes it
            passage = unicodedata.normalize(rng.choice(["NFC", "NFD"]), passage.replace("\u00ad", ""))
        assert normalised.find(passage) == reference_find(original, passage)


def test_a_long_text_with_a_few_decomposed_accents_normalises_like_the_reference():
    rng = random.Random(7)
    words = ["the", "capture", "cafe\u0301", "na\u0131\u0308ve", "capi\u00adtal", "华为", "x" * 300, "\n\n"]
    original = " ".join(rng.choice(words) if rng.random() < 0.05 else "plain" for _ in range(3000))
    assert_same_as_reference(original)


@pytest.mark.parametrize(
    "original",
    [
        "\u1100\u1161\u11a8 \u1100\u1161 \u11a8",  # Hangul jamo compose into syllables
        "\u0b47\u0b3e \u0b47\u200b\u0b3e",  # an Oriya vowel sign joins the one before it
        "a\u0f74\u0f73 b\u0f73",  # decomposes into marks that reorder with the ones before
        "\ufb2a\u05bc x",  # a Hebrew presentation form decomposes
        "\u2000\u2001 spaces NFC replaces",
        ("A\u030a" * 40 + "\u1100\u1161" * 40) * 3,
    ],
)
def test_rarer_characters_nfc_changes_are_composed_as_normalise_does(original):
    normalised = NormalisedText(original)
    assert normalised.text.strip() == normalise(original)
    for index in range(len(normalised.text)):  # each character maps to original characters, in order
        assert 0 <= normalised.offset(index) < normalised.end_offset(index) <= len(original)
        if index:
            assert normalised.offset(index - 1) <= normalised.offset(index)
    for word in original.split():
        span = normalised.find(word)
        assert span is not None
        assert normalise(original[span[0] : span[1]]) == normalise(word)


# Each kind of character a copy from a browser carries or leaves out, in a word of a passage.
KINDS = [
    pytest.param("capi\u00adtal", "capital", id="soft-hyphen"),
    pytest.param("capi\u200btal", "capital", id="zero-width-space"),
    pytest.param("capi\u200ctal", "capital", id="zero-width-non-joiner"),
    pytest.param("capi\u200dtal", "capital", id="zero-width-joiner"),
    pytest.param("capi\u2060tal", "capital", id="word-joiner"),
    pytest.param("capi\ufefftal", "capital", id="zero-width-no-break-space"),
    pytest.param("the\u00a0capital", "the capital", id="no-break-space"),
    pytest.param("the\u202fcapital", "the capital", id="narrow-no-break-space"),
    pytest.param("the\u2007capital", "the capital", id="figure-space"),
    pytest.param("cafe\u0301", "caf\u00e9", id="decomposed-accent"),
]


@pytest.mark.parametrize(("marked", "plain"), KINDS)
def test_a_passage_is_found_whichever_side_has_the_invisible_or_decomposed_characters(marked, plain):
    for capture_word, quote_word in ((marked, plain), (plain, marked), (marked, marked)):
        original = f"Intro. In {capture_word} city, said one. Outro"
        span = NormalisedText(original).find(f"In {quote_word} city, said")
        assert span is not None, (capture_word, quote_word)
        assert original[span[0] : span[1]] == f"In {capture_word} city, said"


def test_the_span_covers_every_original_character_of_the_match_and_nothing_around_it():
    original = "x \u200b\u00adLe cafe\u0301\u00ad\u200b noir\u2060 est bon"
    normalised = NormalisedText(original)
    assert normalised.text == "x Le caf\u00e9 noir est bon"
    start, end = normalised.find("Le café")
    assert original[start:end] == "Le cafe\u0301"  # both characters of the "é", not the soft hyphen after it
    start, end = normalised.find("café noir")
    assert original[start:end] == "cafe\u0301\u00ad\u200b noir"  # the invisibles inside are in
    assert normalised.find("cafe") is None  # "e" + U+0301 is an "é", not an "e"
    assert normalised.find("caf") == (original.index("caf"), original.index("caf") + 3)
    end = original.index(" est")
    assert normalised.find("noir\u00ad") == (end - 5, end - 1)  # a needle's own invisibles count for nothing
    assert normalised.find("\u200b\u00ad") is None  # nothing left to look for


def test_text_without_invisibles_or_decomposed_accents_keeps_the_fast_path():
    original = "Telefónica’s “flagship” — could arrive  next year.\n" * 20_000
    normalised = NormalisedText(original)
    assert normalised._kept is None and normalised._first is None  # no maps made: offsets as before
    # One soft hyphen in a megabyte: one regex pass drops it, one piece of map; nothing is composed.
    marked = NormalisedText(original + "capi\u00adtal")
    assert marked._first is None and len(marked._kept.starts) == 2
    # One decomposed accent: only its run is mapped, the rest of the text is a plain shift.
    accented = NormalisedText(original + "cafe\u0301 " + original)
    assert marked._kept is not None and accented._kept is None
    assert len(accented._first.starts) <= 3 and len(accented._last.starts) <= 3
    at = accented.text.index("café")
    assert (accented.offset(at), accented.end_offset(at + 3)) == (len(original), len(original) + 5)
