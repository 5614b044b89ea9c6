"""data/corpus.sqlite (the site as SQLite tables, with a full-text index) and data/annotations.jsonld (every
claim's quote as a W3C Web Annotation on its capture's text)."""

from __future__ import annotations

import json
import re
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest
from conftest import PROJECT

from microsite.build.builder import Builder
from microsite.model.loader import load_site
from microsite.site import corpus, urls


@pytest.fixture(scope="module")
def model():
    return load_site(PROJECT)


def open_corpus(out: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"file:{out / urls.DATA_CORPUS}?mode=ro", uri=True)


def test_the_database_holds_every_article_claim_and_comment_of_the_model(built_site, model):
    with closing(open_corpus(built_site)) as db:
        count = {t: db.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in ("articles", "claims", "comments")}
        assert count == {
            "articles": len(model.articles),
            "claims": len(model.claims),
            "comments": sum(len(a.comments.items) if a.comments else 0 for a in model.articles),
        }
        assert count["comments"] == model.comment_count
        for table, columns in corpus.table_columns().items():
            assert tuple(row[1] for row in db.execute(f"PRAGMA table_info({table})")) == columns, table
        # The same fields, with the same names and values, as the JSON exports.
        claims = json.loads((built_site / urls.DATA_CLAIMS_JSON).read_text(encoding="utf-8"))
        db.row_factory = sqlite3.Row
        first = dict(
            db.execute(
                "SELECT * FROM claims WHERE article_slug = ? AND claim_id = ?",
                (claims[0]["article_slug"], claims[0]["claim_id"]),
            ).fetchone()
        )
        assert {**first, "companies": json.loads(first["companies"])} == claims[0]
        linked = db.execute("SELECT count(*) FROM claim_companies").fetchone()[0]
        assert linked == sum(len(claim.companies) for claim in model.claims)


def test_the_full_text_index_finds_a_word_of_a_capture(built_site, model):
    article = model.articles[0]
    words = re.findall(r"[A-Za-z]{7,}", article.capture.text)
    assert words
    with closing(open_corpus(built_site)) as db:
        found = db.execute(
            "SELECT article FROM search WHERE search MATCH ? AND kind = 'capture'", (f'"{words[-1]}"',)
        ).fetchall()
        assert (article.slug,) in found
        claim = model.claims[0]
        word = re.findall(r"[A-Za-z]{5,}", claim.statement)[0]
        hits = db.execute("SELECT article, claim FROM search WHERE search MATCH ?", (f'"{word}"',)).fetchall()
        assert (claim.article.slug, claim.id) in hits


def test_two_builds_write_the_same_bytes(built_site, tmp_path):
    first = (built_site / urls.DATA_CORPUS).read_bytes()
    assert first.startswith(b"SQLite format 3\0")
    Builder(PROJECT, tmp_path / "again", cache=False).build()  # every share made afresh
    assert (tmp_path / "again" / urls.DATA_CORPUS).read_bytes() == first
    again = (tmp_path / "again" / urls.DATA_ANNOTATIONS).read_bytes()
    assert again == (built_site / urls.DATA_ANNOTATIONS).read_bytes()


def test_every_claim_is_an_annotation_whose_selectors_find_its_quote(built_site, model):
    annotations = json.loads((built_site / urls.DATA_ANNOTATIONS).read_text(encoding="utf-8"))
    assert len(annotations) == len(model.claims)
    for note, claim in zip(annotations, model.claims, strict=True):
        assert note["@context"] == "http://www.w3.org/ns/anno.jsonld" and note["type"] == "Annotation"
        assert note["id"] == urls.relative(urls.path_for(claim), urls.DATA_ANNOTATIONS)
        assert note["body"][0] == {
            "type": "TextualBody",
            "purpose": "describing",
            "format": "text/plain",
            "value": claim.statement,
        }
        assert note["body"][1]["value"] == claim.status
        source = note["target"]["source"]
        assert source == "../" + urls.capture_text(claim.article.slug)
        served = (built_site / "data" / source).read_bytes().decode("utf-8-sig")
        quote, position = note["target"]["selector"]
        assert quote["type"] == "TextQuoteSelector" and position["type"] == "TextPositionSelector"
        start, end = position["start"], position["end"]
        assert served[start:end] == quote["exact"]
        assert quote["prefix"] == served[max(0, start - 32) : start]
        assert quote["suffix"] == served[end : end + 32]


def test_positions_count_in_the_served_text_where_lines_end_in_crlf(tmp_path):
    served = "one\r\ntwo\r\nthree"
    as_read = served.replace("\r\n", "\n")
    to_served = corpus._offset_map(served)
    start = as_read.index("three")
    assert served[to_served(start) : to_served(start + 5)] == "three"
    assert to_served(len(as_read)) == len(served)
    file = tmp_path / "capture.txt"
    file.write_bytes(b"\xef\xbb\xbf" + served.encode())
    assert corpus.served_text(file) == served  # the byte order mark is no character of the text


def test_the_about_page_documents_the_database_and_the_annotations(built_site):
    page = (built_site / urls.DATA).read_text(encoding="utf-8")
    for text in ("corpus.sqlite", "annotations.jsonld", "datasette", "ATTACH", "MATCH", "TextPositionSelector"):
        assert text in page
    for table in corpus.table_columns():
        assert f"<code>{table}</code>" in page
