"""Quotes and comments that differ from their capture only in characters nobody sees (issue 18).

A copy from a browser often carries soft hyphens, zero-width characters, no-break spaces or
decomposed accents ("e" + U+0301, as macOS copies) that the capture does not have, or the other
way round. Such a passage is found all the same, and its highlight covers exactly the capture's
own characters: every one the match is made of, none of the invisible ones next to it.
(No-break spaces were white space to the matching before: their tests keep them so.)
"""

from __future__ import annotations

import json
import re
import unicodedata

import pytest
from conftest import MINIMAL_SITE_YAML
from html_tools import parse_file

from microsite.commands.build import build
from microsite.errors import BuildFailed
from microsite.model.loader import load_site

INVISIBLE = "\u00ad\u200b\u200c\u200d\u2060\ufeff"

QUOTE = "Huawei is reportedly opening a café with AT&T in Zürich"
TEXT = "Nice café, très élégant."
QUOTING = "opening a café with AT&T"
CAPTURE = f"""\
Huawei to open a café

{QUOTE}, according to Bloomberg News.

1. reader1
{TEXT}
2. reader2
> {QUOTING}
Not in Zürich.
"""


def page(quote: str, text: str, quoting: str) -> str:
    # JSON strings are YAML double-quoted scalars; the characters are written as they are, not escaped.
    def scalar(value: str) -> str:
        return json.dumps(value, ensure_ascii=False)

    return f"""\
---
title: Huawei to open a café
publisher: PhoneArena
published: 2017-12
date_note: Dated by the test.
seed: capture.txt
companies: [Huawei, AT&T]
sources:
  - name: Bloomberg
claims:
  - id: cafe
    statement: Huawei opens a café.
    quote: {scalar(quote)}
    source: Bloomberg News
    companies: [Huawei]
    status: reported
comments:
  digest: One reader liked it.
  items:
    - id: "1"
      author: reader1
      text: {scalar(text)}
      stance: agrees
    - id: "2"
      author: reader2
      reply_to: "1"
      text: Not in Zürich.
      quoting: {scalar(quoting)}
      stance: sceptical
---
A short summary.
"""


def with_invisible(char: str):
    """Each word with the character before it, in its middle and after it: "café" -> "|ca|fé|"."""

    def mark(text: str) -> str:
        return re.sub(r"\w+", lambda m: char + m[0][: len(m[0]) // 2] + char + m[0][len(m[0]) // 2 :] + char, text)

    return mark


def with_space(char: str):
    return lambda text: text.replace(" ", char)


def decomposed(text: str) -> str:
    return unicodedata.normalize("NFD", text)


KINDS = [
    pytest.param(with_invisible("\u00ad"), id="soft-hyphen"),
    pytest.param(with_invisible("\u200b"), id="zero-width-space"),
    pytest.param(with_invisible("\u200c"), id="zero-width-non-joiner"),
    pytest.param(with_invisible("\u200d"), id="zero-width-joiner"),
    pytest.param(with_invisible("\u2060"), id="word-joiner"),
    pytest.param(with_invisible("\ufeff"), id="zero-width-no-break-space"),
    pytest.param(with_space("\u00a0"), id="no-break-space"),
    pytest.param(with_space("\u202f"), id="narrow-no-break-space"),
    pytest.param(with_space("\u2007"), id="figure-space"),
    pytest.param(decomposed, id="decomposed-accents"),
]


def expected_span(capture: str, written: str) -> tuple[int, int]:
    """Where `written` is in the capture, without the invisible characters at its ends."""
    start = capture.index(written)
    end = start + len(written)
    while capture[start] in INVISIBLE:
        start += 1
    while capture[end - 1] in INVISIBLE:
        end -= 1
    return start, end


def load(site, capture: str, quote: str, text: str, quoting: str) -> tuple[dict, str]:
    """The spans of the passages by their anchors, and the capture's text as the site reads it
    (without a byte-order mark at its start: the zero-width no-break space there is one)."""
    site.write("site.yaml", MINIMAL_SITE_YAML)
    site.write("seeds/capture.txt", capture)
    site.page(page(quote, text, quoting))
    article = load_site(site.root).articles[0]  # raises BuildFailed, listing them, on any problem
    assert [claim.quote for claim in article.claims] == [quote.strip()]  # kept as written
    return {p.anchor: (p.start, p.end) for p in article.capture.passages}, article.capture.text


@pytest.mark.parametrize("mark", KINDS)
def test_the_quote_has_them_and_the_capture_not(site, mark):
    spans, read = load(site, CAPTURE, mark(QUOTE), mark(TEXT), mark(QUOTING))
    assert spans["q-cafe"] == expected_span(read, QUOTE)
    assert spans["comment-1"] == expected_span(read, TEXT)


@pytest.mark.parametrize("mark", KINDS)
def test_the_capture_has_them_and_the_quote_not(site, mark):
    spans, read = load(site, mark(CAPTURE), QUOTE, TEXT, QUOTING)
    assert spans["q-cafe"] == expected_span(read, mark(QUOTE))
    assert spans["comment-1"] == expected_span(read, mark(TEXT))


@pytest.mark.parametrize("mark", KINDS)
def test_both_have_them(site, mark):
    # (The second comment's text, "Not in Zürich.", is written plainly in every test.)
    spans, read = load(site, mark(CAPTURE), mark(QUOTE), mark(TEXT), mark(QUOTING))
    assert spans["q-cafe"] == expected_span(read, mark(QUOTE))
    assert spans["comment-1"] == expected_span(read, mark(TEXT))


def test_a_decomposed_accent_at_the_end_of_the_quote_is_all_in_the_span(site):
    # The capture writes "é" as "e" + U+0301: the quote ending in "café" covers both characters.
    capture = CAPTURE.replace("café with", "cafe\u0301\u00ad with")
    spans, read = load(site, capture, "Huawei is reportedly opening a café", TEXT, QUOTING)
    start, end = spans["q-cafe"]
    assert read[start:end] == "Huawei is reportedly opening a cafe\u0301"  # not the soft hyphen after it


def soft_hyphenated_and_decomposed(text: str) -> str:
    return decomposed(with_invisible("\u00ad")(text))


def test_what_still_differs_is_reported_with_the_hint(site):
    capture = soft_hyphenated_and_decomposed(CAPTURE)
    site.write("seeds/capture.txt", capture)
    site.page(page("Huawei is reportedly opening a café with AT&T in Berlin", TEXT, QUOTING))
    with pytest.raises(BuildFailed) as info:
        load_site(site.root)
    [problem] = info.value.problems
    assert "this text is not in the capture" in problem.message
    # "Huawei is reportedly opening a café with AT&T in " is found: 49 characters, counted composed.
    assert "the first 49 characters match" in problem.hint
    assert "Berlin" in problem.hint


def test_the_capture_page_marks_exactly_the_captured_characters(site, tmp_path):
    capture = soft_hyphenated_and_decomposed(CAPTURE)
    site.write("seeds/capture.txt", capture)
    site.page(page(QUOTE, TEXT, QUOTING))
    out = tmp_path / "_site"
    build(site.root, out)
    marks = {m.attrs.get("id"): m.text() for m in parse_file(out / "captures/talks.html").find_all("mark")}
    start, end = expected_span(capture, soft_hyphenated_and_decomposed(QUOTE))
    assert marks["q-cafe"] == capture[start:end]
    start, end = expected_span(capture, soft_hyphenated_and_decomposed(TEXT))
    assert marks["comment-1"] == capture[start:end]


def test_a_passage_not_in_the_capture_at_all_gets_the_short_hint(site):
    site.write("seeds/capture.txt", soft_hyphenated_and_decomposed(CAPTURE))
    site.page(page("Xiaomi opens a store in Paris", TEXT, QUOTING))
    with pytest.raises(BuildFailed) as info:
        load_site(site.root)
    [problem] = info.value.problems
    assert "this text is not in the capture" in problem.message
    assert problem.hint.startswith("copy the passage from the capture exactly")
    assert "invisible characters" in problem.hint
