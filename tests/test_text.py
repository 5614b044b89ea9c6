"""NormalisedText against a plain character-by-character reference: the same text, the same offsets."""

from __future__ import annotations

import random

import pytest

from microsite.text import NormalisedText, normalise

FOLD = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "„": '"', "–": "-", "—": "-"})


def reference(original: str) -> tuple[str, list[int]]:
    """The normalised text and, for each of its characters, its offset in `original`: one step per character."""
    chars: list[str] = []
    offsets: list[int] = []
    in_space = False
    for index, char in enumerate(original.translate(FOLD)):
        if char.isspace():
            if not in_space and chars:
                chars.append(" ")
                offsets.append(index)
            in_space = True
            continue
        in_space = False
        chars.append(char)
        offsets.append(index)
    return "".join(chars), offsets


def reference_find(original: str, passage: str) -> tuple[int, int] | None:
    text, offsets = reference(original)
    needle = normalise(passage)
    at = text.find(needle) if needle else -1
    return None if at < 0 else (offsets[at], offsets[at + len(needle) - 1] + 1)


def assert_same_as_reference(original: str) -> None:
    text, offsets = reference(original)
    normalised = NormalisedText(original)
    assert normalised.text == text
    assert [normalised.offset(i) for i in range(len(text))] == offsets


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
