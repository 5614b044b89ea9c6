"""`build.py ingest`: raw captures become draft pages that pass `check` as written.

Every expected value below was written from reading the capture, as a careful reader
would, never from the tool's output.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import PROJECT, run_cli
from html_tools import parse

from microsite.ingest.comments import find_comments
from microsite.ingest.decode import decode
from microsite.ingest.draft import UNATTRIBUTED
from microsite.ingest.facts import find_facts
from microsite.ingest.structure import split
from microsite.source.config import load_config

SEEDS = PROJECT / "seeds"

# seed -> title, registered sources, unnamed sources (words each contains), body companies,
# companies named only in the comments, comment authors (None: the site shows no names).
READ = {
    "000_08207aa6a6b33e95.txt": dict(
        title="Huawei is reportedly planning to re-enter the global smartphone market, "
        "starting with domestic sales and expanding overseas later",
        publisher="Phoneauto",
        sources={"Caijing", "Ming-Chi Kuo", "Huawei (company statement)"},
        unnamed=["people close to Huawei", "executive from Huawei"],
        companies={"Huawei", "HiSilicon"},
        comment_companies=set(),
        authors=[],
    ),
    "001_ec377d852a875d58.txt": dict(
        title="Xiaomi in talks with carriers to launch flagship smartphones in the US",
        publisher="PhoneArena",
        sources={"Bloomberg", "Wang Xiang"},
        unnamed=[],
        companies={"Apple", "Huawei", "AT&T", "Verizon", "Samsung", "Xiaomi"},
        comment_companies={"T-Mobile", "Nokia", "Motorola", "Sony"},
        authors=["TheOracle1", "worldpeace", "GreenMan", "kiko007", "makatijules", "midan"],
    ),
    "002_b7cb3e0795de1fdb.txt": dict(
        title="Huawei May Start Selling 3rd Party Phones",
        publisher=None,
        sources={"Weibo", "Huawei (company statement)"},
        unnamed=["Industry experts"],
        companies={"Huawei"},
        comment_companies=set(),
        authors=[],
    ),
    "003_49a03b69f8bbca24.txt": dict(
        title="Huawei and Xiaomi Could Get Major Boost in United States With AT&T and Verizon Sales Partnerships",
        publisher=None,  # the capture never names MacRumors
        sources={
            "Bloomberg",
            "The Information",
            "Strategy Analytics",
            "Counterpoint Research",
            "Xiaomi (company statement)",
            "Apple (company statement)",  # "Apple reported sales of 46.7 million iPhones"
        },
        unnamed=[],
        companies={"Huawei", "Xiaomi", "AT&T", "Verizon", "Samsung", "Apple", "Best Buy", "Walmart", "Amazon"},
        comment_companies={"LG", "Monoprice", "Meta", "Google", "Essential", "OnePlus"},
        authors=[None] * 10,
    ),
    "004_79834f2343ce6362.txt": dict(
        title="Huawei & Xiaomi Talking Phone Partnerships With Verizon, AT&T",
        publisher=None,
        sources={"Bloomberg"},
        unnamed=["people familiar with the discussions", "previous reports"],
        companies={"Huawei", "Xiaomi", "Verizon", "AT&T", "Amazon", "Apple", "Samsung"},
        comment_companies=set(),
        authors=[],
    ),
}


@pytest.fixture(scope="module")
def config():
    loaded, problems = load_config(PROJECT)
    assert loaded is not None and not problems
    return loaded


@pytest.mark.parametrize("seed", sorted(READ))
def test_each_seed_is_read_as_a_careful_reader_reads_it(seed, config):
    from microsite.commands.ingest import _publisher

    expected = READ[seed]
    text = decode((SEEDS / seed).read_bytes()).text
    parts = split(text)
    assert parts.title == expected["title"]
    assert [c.author for c in parts.comments.comments] == expected["authors"]
    publisher = _publisher(parts, text, config)
    assert publisher == expected["publisher"]
    facts = find_facts(parts.body, [c.text for c in parts.comments.comments], config, publisher)
    registered = {s.name for s in facts.sources if s.registered}
    assert registered == expected["sources"]
    unnamed = [s.name.casefold() for s in facts.sources if s.unnamed]
    for words in expected["unnamed"]:
        assert any(words.casefold() in name for name in unnamed), (words, unnamed)
    assert set(facts.companies) == expected["companies"]
    assert set(facts.comment_companies) == expected["comment_companies"]
    assert facts.claims, "no claims"
    for claim in facts.claims:  # every claim is a sentence of the body
        assert any(claim.quote in paragraph for paragraph in parts.body)


def test_furniture_is_not_body(config):
    parts = split(decode((SEEDS / "000_08207aa6a6b33e95.txt").read_bytes()).text)
    body = "\n".join(parts.body)
    for furniture in ("Was this article helpful?", "found this helpful", "Discover more", "Mobile China News"):
        assert furniture not in body
    assert parts.body[-1].startswith("In terms of the overseas market")  # the article's last paragraph
    parts = split(decode((SEEDS / "001_ec377d852a875d58.txt").read_bytes()).text)
    assert "Latest Stories" not in "\n".join(parts.body) and "parsintl" not in "\n".join(parts.body)
    assert parts.body[0].startswith("Apparently, Apple lost")


def ingest(root: Path, *args: str):
    return run_cli("--site", str(root), "ingest", *args, cwd=root)


def test_the_five_seeds_become_drafts_that_pass_check_and_build(empty_site, tmp_path):
    captures = tmp_path / "captures"
    shutil.copytree(SEEDS, captures)
    result = ingest(empty_site, str(captures))
    assert result.returncode == 0, result.stderr
    assert "5 of 5 captures drafted" in result.stdout
    for seed in READ:  # copied byte for byte
        assert (empty_site / "seeds" / seed).read_bytes() == (SEEDS / seed).read_bytes()
    pages = sorted((empty_site / "content").glob("*.md"))
    assert len(pages) == 5
    assert all("\ndraft: true\n" in page.read_text(encoding="utf-8") for page in pages)
    check = run_cli("--site", str(empty_site), "check")
    assert check.returncode == 0, check.stderr
    assert "16 comments" in check.stdout  # 6 + 10, each verbatim in its capture
    build = run_cli("--site", str(empty_site), "build")
    assert build.returncode == 0, build.stderr
    html = (empty_site / "_site/index.html").read_text(encoding="utf-8")
    assert html.count("badge-draft") == 5


def test_a_second_ingest_writes_nothing_and_says_why(empty_site):
    first = ingest(empty_site, str(SEEDS / "001_ec377d852a875d58.txt"))
    assert first.returncode == 0, first.stderr
    before = {p: p.read_bytes() for p in empty_site.rglob("*") if p.is_file()}
    again = ingest(empty_site, str(SEEDS / "001_ec377d852a875d58.txt"))
    assert again.returncode == 1
    assert "already in seeds/" in again.stderr and "Traceback" not in again.stderr
    assert {p: p.read_bytes() for p in empty_site.rglob("*") if p.is_file()} == before


def test_an_existing_page_or_a_different_seed_of_the_same_name_is_never_overwritten(empty_site, tmp_path):
    capture = tmp_path / "talks.txt"
    capture.write_text("Huawei talks to AT&T\n\nHuawei is negotiating with AT&T, Bloomberg reported.\n", "utf-8")
    page = empty_site / "content/huawei-talks-to-at-t.md"
    page.write_text("my own page\n", encoding="utf-8")
    result = ingest(empty_site, str(capture))
    # A page of that name: the capture is taken for another capture of it, drafted beside it.
    assert result.returncode == 0 and "huawei-talks-to-at-t-2.md" in result.stdout, result.stderr
    assert page.read_text(encoding="utf-8") == "my own page\n"
    (empty_site / "content/huawei-talks-to-at-t-2.md").unlink()
    (empty_site / "seeds/talks.txt").unlink()
    page.unlink()
    (empty_site / "seeds/talks.txt").write_text("another capture\n", encoding="utf-8")
    result = ingest(empty_site, str(capture))
    assert result.returncode == 1 and "exists with other content" in result.stderr
    assert (empty_site / "seeds/talks.txt").read_text(encoding="utf-8") == "another capture\n"
    assert not page.exists()


def test_out_and_dry_run_leave_the_site_alone(empty_site, tmp_path):
    out = tmp_path / "drafts"
    result = ingest(empty_site, "--out", str(out), str(SEEDS / "002_b7cb3e0795de1fdb.txt"))
    assert result.returncode == 0, result.stderr
    assert [p.name for p in (out / "content").iterdir()] == ["huawei-may-start-selling-3rd-party-phones.md"]
    assert (out / "seeds/002_b7cb3e0795de1fdb.txt").is_file()
    assert not any((empty_site / "content").iterdir()) and not any((empty_site / "seeds").iterdir())
    dry = ingest(empty_site, "--dry-run", str(SEEDS / "002_b7cb3e0795de1fdb.txt"))
    assert dry.returncode == 0 and "title: Huawei May Start Selling 3rd Party Phones" in dry.stdout
    assert "nothing written" in dry.stdout
    assert not any((empty_site / "content").iterdir()) and not any((empty_site / "seeds").iterdir())


BAD = {
    "empty.txt": (b"", "is empty"),
    "blank.txt": (b"  \n\t\n \n", "only white space"),
    "image.txt": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00" * 50, "is not text"),
    "huge.txt": (b"Huawei news. " * (6 * 1024 * 1024 // 13), "5 MB"),
}


def test_bad_captures_are_refused_one_by_one_and_the_others_ingested(empty_site, tmp_path):
    folder = tmp_path / "captures"
    folder.mkdir()
    for name, (data, _message) in BAD.items():
        (folder / name).write_bytes(data)
    shutil.copy(SEEDS / "004_79834f2343ce6362.txt", folder)
    result = ingest(empty_site, str(folder))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    for name, (_data, message) in BAD.items():
        line = next(line for line in result.stderr.splitlines() if name in line)
        assert message in line, (name, line)
    assert "1 of 5 captures drafted; 4 could not be" in result.stdout
    assert len(list((empty_site / "content").glob("*.md"))) == 1
    assert sorted(p.name for p in (empty_site / "seeds").iterdir()) == ["004_79834f2343ce6362.txt"]


def test_odd_but_readable_captures_become_drafts_that_pass_check(empty_site, tmp_path):
    folder = tmp_path / "captures"
    folder.mkdir()
    # Windows-1252: typographic quotes as single bytes.
    text = "Xiaomi opens stores in Europe\n\nXiaomi said it will open 20 stores, “a first step”, Reuters reported.\n"
    (folder / "cp1252.txt").write_bytes(text.encode("cp1252"))
    # One line of thousands of characters: headline and article glued together.
    long_line = "Huawei ships more phones. " + "Huawei shipped 10 million phones in 2023, according to IDC. " * 80
    (folder / "one-line.txt").write_text(long_line + "\n", encoding="utf-8")
    # Hostile text: it must end up as inert text in the site.
    (folder / "hostile.txt").write_text(
        "Huawei <script>alert(1)</script> plans\n\n"
        'Huawei will sell 5 million phones <img src=x onerror="alert(2)">, Bloomberg reported.\n',
        encoding="utf-8",
    )
    result = ingest(empty_site, str(folder))
    assert result.returncode == 0, result.stderr
    assert "Windows-1252" in result.stdout
    assert (empty_site / "seeds/cp1252.txt").read_text(encoding="utf-8").count("“a first step”") == 1
    assert "title: Huawei ships more phones." in result.stdout
    check = run_cli("--site", str(empty_site), "check")
    assert check.returncode == 0, check.stderr
    build = run_cli("--site", str(empty_site), "build")
    assert build.returncode == 0, build.stderr
    for page in (empty_site / "_site").rglob("*.html"):
        tree = parse(page.read_text(encoding="utf-8"))
        scripts = [s for s in tree.find_all("script") if s.attrs.get("type") != "application/ld+json"]
        assert not [s for s in scripts if "alert" in s.text()], page  # JSON-LD is data, held as JSON
        assert not [e for e in tree.iter() if any(a.startswith("on") for a in e.attrs)], page


def test_comments_are_found_in_place_and_in_order():
    lines = (SEEDS / "003_49a03b69f8bbca24.txt").read_text(encoding="utf-8").split("\n")
    found = find_comments(lines)
    assert lines[found.start].strip() == "Top Rated Comments"
    assert [c.votes for c in found.comments] == [12, 10, 10, 8, 7, 4, 4, 3, 3, 3]
    assert all(c.age == "26 months ago" for c in found.comments)


def test_unattributed_claims_get_a_visible_placeholder_source(empty_site, tmp_path):
    capture = tmp_path / "figures.txt"
    capture.write_text("Phone sales\n\nPhone sales rose 12% to 300 million units last quarter.\n", "utf-8")
    assert ingest(empty_site, str(capture)).returncode == 0
    page = next((empty_site / "content").glob("*.md")).read_text(encoding="utf-8")
    assert f"source: {UNATTRIBUTED}" in page and "kind: own-voice" in page  # no publisher: the article itself


# Captures in the shapes of other sites (tests/captures/), read by hand: headline and dateline.
OWN = {
    "wordpress_blog.txt": ("Will AT&T and Verizon finally sell Huawei and Xiaomi phones?", "2017-12-11"),
    "generic_blocks.txt": ("Carrier deals could finally bring Huawei and Xiaomi to America", "2017-12-11"),
    "gsmarena_like.txt": ("Huawei and Xiaomi reportedly in talks with AT&T and Verizon", "2017-12-11"),
    "slashdot_forum.txt": (
        "Huawei and Xiaomi in Talks To Sell Phones Through AT&T and Verizon (bloomberg.com)",
        "2017-12-11",
    ),
    "avatar_named.txt": ("Apple Watch Series 3 LTE Now Sold by Verizon Alongside AT&T", None),
}


@pytest.mark.parametrize("name", sorted(OWN))
def test_captures_of_other_sites_get_their_headline_and_dateline(name):
    title, published = OWN[name]
    parts = split(decode((PROJECT / "tests/captures" / name).read_bytes()).text)
    assert (parts.title, parts.published) == (title, published)
    assert not any(line.startswith(("Posted", "By ", "Home ")) for line in parts.body)


def test_captures_of_other_sites_become_drafts_that_pass_check(empty_site):
    result = ingest(empty_site, str(PROJECT / "tests/captures"))
    assert result.returncode == 0, result.stderr
    assert "only comments" in result.stdout  # only_comments_numbered.txt is said to be odd
    check = run_cli("--site", str(empty_site), "check")
    assert check.returncode == 0, check.stderr
