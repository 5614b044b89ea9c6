"""A sitemap past the protocol's 50,000 addresses: sitemap.xml becomes an index of numbered sitemaps.

The limit is lowered with monkeypatch rather than 50,000 pages built. Each output is read with ElementTree
and urllib.robotparser, and checked against the HTML files the build wrote rather than against the code
that chose the pages.
"""

from __future__ import annotations

import math
import re
import urllib.robotparser
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from conftest import MINIMAL_SITE_YAML, OTHER_CAPTURE, OTHER_PAGE, SiteFolder, assert_same_as_clean_build
from html_tools import parse_file

from microsite.build.builder import Builder
from microsite.site import pages, urls

BASE = "https://example.github.io/some-repo/"
NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
NUMBERED = re.compile(r"sitemap-([0-9]+)\.xml")


def _file_for(address: str, out: Path) -> Path:
    """The output file an absolute address of the site is served from."""
    assert address.startswith(BASE), address
    path = address[len(BASE) :]
    return out / (path + "index.html" if path == "" or path.endswith("/") else path)


def _landing_pages(out: Path) -> set[Path]:
    """The HTML pages a reader may land on: all but the 404 page, the search page, noindex pages and Pagefind's."""
    found = set()
    for page in out.rglob("*.html"):
        if page.name in ("404.html", "search.html") or urls.SEARCH_BUNDLE in page.relative_to(out).parts:
            continue
        robots = [m.attrs.get("content") for m in parse_file(page).find_all("meta") if m.attrs.get("name") == "robots"]
        if "noindex" not in robots:
            found.add(page)
    return found


def _numbered_files(out: Path) -> list[str]:
    """The numbered sitemaps in the output folder, in their numbers' order."""
    found = {int(match[1]): match[0] for p in out.iterdir() if (match := NUMBERED.fullmatch(p.name))}
    return [found[number] for number in sorted(found)]


def _sitemaps(out: Path, limit: int) -> tuple[str, list[list[str]]]:
    """The kind of sitemap.xml ('urlset' or 'sitemapindex') and the addresses of each sitemap file, after
    checking that each file keeps to the protocol's shape and the limit."""
    root = ET.parse(out / urls.SITEMAP).getroot()
    if root.tag == f"{NS}urlset":
        runs = [_urlset(root)]
    else:
        assert root.tag == f"{NS}sitemapindex", root.tag
        assert all(child.tag == f"{NS}sitemap" for child in root), "an index holds <sitemap> elements only"
        listed = [child.findtext(f"{NS}loc") for child in root]
        # Absolute addresses of the numbered files, at the site's root, numbered from 1 in order.
        assert listed == [BASE + urls.sitemap_part(number) for number in range(1, len(listed) + 1)]
        assert len(listed) >= 2  # an index of one sitemap would be the single sitemap with a detour
        runs = []
        for address in listed:
            part = ET.parse(_file_for(address, out)).getroot()
            assert part.tag == f"{NS}urlset", address
            runs.append(_urlset(part))
        assert _numbered_files(out) == [address[len(BASE) :] for address in listed], "a numbered file not indexed"
    for run in runs:
        assert 1 <= len(run) <= limit
    # Filled in order: every file but the last holds the limit, so no more files than needed.
    assert all(len(run) == limit for run in runs[:-1])
    return root.tag[len(NS) :], runs


def _urlset(root: ET.Element) -> list[str]:
    assert all(child.tag == f"{NS}url" for child in root), "a sitemap holds <url> elements only"
    return [child.findtext(f"{NS}loc") for child in root]


def _check_every_page_once(out: Path, runs: list[list[str]]) -> None:
    addresses = [address for run in runs for address in run]
    assert len(addresses) == len(set(addresses)), "a page listed twice"
    assert {_file_for(address, out) for address in addresses} == _landing_pages(out)


def _robots_sitemaps(out: Path) -> list[str] | None:
    robots = urllib.robotparser.RobotFileParser()
    robots.parse((out / urls.ROBOTS).read_text(encoding="utf-8").splitlines())
    return robots.site_maps()


def _build(root: Path, out: Path) -> None:
    Builder(root, out, BASE, cache=False).build()


def test_the_limit_is_the_protocols():
    assert pages.SITEMAP_URLS == 50_000


def test_past_the_limit_sitemap_xml_indexes_numbered_sitemaps_that_list_every_page_once(
    project_copy, tmp_path, monkeypatch
):
    limit = 7
    monkeypatch.setattr(pages, "SITEMAP_URLS", limit)
    out = tmp_path / "out"
    _build(project_copy, out)
    kind, runs = _sitemaps(out, limit)
    assert kind == "sitemapindex"
    assert len(runs) == math.ceil(len(_landing_pages(out)) / limit) >= 3
    _check_every_page_once(out, runs)
    assert _robots_sitemaps(out) == [BASE + urls.SITEMAP]  # the index, which names the rest
    index = (out / urls.SITEMAP).read_text(encoding="utf-8")
    assert index.startswith('<?xml version="1.0" encoding="utf-8"?>\n<sitemapindex ')
    assert "lastmod" not in index  # as in the sitemaps: the build knows no honest date of change


def test_up_to_the_limit_the_sitemap_is_one_urlset_as_before_and_one_page_more_makes_an_index(
    project_copy, tmp_path, monkeypatch
):
    _build(project_copy, tmp_path / "real")
    kind, runs = _sitemaps(tmp_path / "real", pages.SITEMAP_URLS)
    assert kind == "urlset" and _numbered_files(tmp_path / "real") == []
    count = len(runs[0])
    # The file as the build has always written it, byte for byte.
    expected = (
        '<?xml version="1.0" encoding="utf-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
        + "".join(f"  <url><loc>{address}</loc></url>\n" for address in runs[0])
        + "</urlset>\n"
    )
    assert (tmp_path / "real" / urls.SITEMAP).read_text(encoding="utf-8") == expected

    monkeypatch.setattr(pages, "SITEMAP_URLS", count)  # exactly at the limit: still the one file
    _build(project_copy, tmp_path / "at")
    assert (tmp_path / "at" / urls.SITEMAP).read_text(encoding="utf-8") == expected
    assert _numbered_files(tmp_path / "at") == []

    monkeypatch.setattr(pages, "SITEMAP_URLS", count - 1)  # one page past it: an index of two
    _build(project_copy, tmp_path / "past")
    kind, runs = _sitemaps(tmp_path / "past", count - 1)
    assert kind == "sitemapindex" and [len(run) for run in runs] == [count - 1, 1]
    _check_every_page_once(tmp_path / "past", runs)


def _with_base_url(site: SiteFolder) -> SiteFolder:
    site.write("site.yaml", MINIMAL_SITE_YAML + f'base_url: "{BASE}"\n')
    return site


def _add_article(site: SiteFolder, name: str) -> None:
    site.write(f"seeds/{name}.txt", OTHER_CAPTURE)
    page = OTHER_PAGE.replace("seed: other.txt", f"seed: {name}.txt").replace("title: ", f"title: {name.title()}, ", 1)
    site.page(page, f"{name}.md")


def _remove_article(site: SiteFolder, name: str) -> None:
    (site.root / "content" / f"{name}.md").unlink()
    (site.root / "seeds" / f"{name}.txt").unlink()


@pytest.mark.parametrize("fits", ["one article's pages", "three pages"])
def test_rebuilds_add_and_remove_numbered_sitemaps_as_the_site_grows_and_shrinks(site, tmp_path, monkeypatch, fits):
    site, scratch, out = _with_base_url(site), tmp_path / "clean", site.root / "_site"
    scratch.mkdir()
    _build(site.root, tmp_path / "probe")  # how many pages the one-article site lists
    limit = len(_sitemaps(tmp_path / "probe", pages.SITEMAP_URLS)[1][0]) if fits == "one article's pages" else 3
    monkeypatch.setattr(pages, "SITEMAP_URLS", limit)

    builder = Builder(site.root, out)
    steps = [
        ("one article", builder, lambda: None),
        ("three", builder, lambda: (_add_article(site, "second"), _add_article(site, "third"))),
        ("two", builder, lambda: _remove_article(site, "third")),
        ("one again, in a fresh process's Builder", Builder(site.root, out), lambda: _remove_article(site, "second")),
    ]
    numbered = []
    for step, build_with, change in steps:
        before = set(_numbered_files(out)) if out.exists() else set()
        change()
        result = build_with.build()
        assert result.full == (step == "one article"), step  # the rebuilds are incremental
        kind, runs = _sitemaps(out, limit)
        _check_every_page_once(out, runs)
        expected = math.ceil(len(_landing_pages(out)) / limit)
        assert (kind, len(_numbered_files(out))) == (("urlset", 0) if expected == 1 else ("sitemapindex", expected))
        assert before - set(_numbered_files(out)) <= set(result.removed), step  # gone files reported as removed
        assert _robots_sitemaps(out) == [BASE + urls.SITEMAP]
        assert_same_as_clean_build(site.root, out, scratch)
        numbered.append(len(_numbered_files(out)))
    if fits == "one article's pages":  # over the limit and back under it: no numbered file left behind
        assert numbered[0] == 0 and numbered[1] >= 2 and numbered[-1] == 0, numbered
    else:  # fewer numbered files as the site shrinks, and the ones past the end removed
        assert numbered[0] >= 2 and numbered[-1] < max(numbered), numbered
