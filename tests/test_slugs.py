"""Page names for every script: transliterated, readable, distinct; the project's own URLs unchanged."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pytest
import yaml
from conftest import PROJECT

from microsite.source.config import load_config
from microsite.text import SLUG_PATTERN, slugify


def old_slugify(name: str) -> str:
    """The slug function before scripts were transliterated: the reference for ASCII and Latin names."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-") or "item"


def _registry_names() -> list[str]:
    data = yaml.safe_load((PROJECT / "site.yaml").read_text(encoding="utf-8"))
    return [entry["name"] for key in ("companies", "sources") for entry in data[key]]


def test_every_registry_name_keeps_its_page_name():
    names = _registry_names()
    assert len(names) > 100  # the whole registry, not an empty list
    changed = {name: (old_slugify(name), slugify(name)) for name in names if old_slugify(name) != "item"}
    assert {name: pair for name, pair in changed.items() if pair[0] != pair[1]} == {}


def test_the_project_s_pages_keep_their_urls():
    config, problems = load_config(PROJECT)
    assert problems == []
    slugs = {entry.name: entry.slug for entry in config.companies.entries}
    assert slugs["AT&T"] == "at-t" and slugs["Telefónica"] == "telefonica" and slugs["LG U+"] == "lg-u"
    # Article pages are named after their files, which slugify never renames.
    assert all(SLUG_PATTERN.match(page.stem) for page in (PROJECT / "content").glob("*.md"))


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("华为", "hua-wei"),
        ("小米", "xiao-mi"),
        ("華為", "hua-wei"),  # traditional and simplified read alike
        ("Straße", "strasse"),
        ("AT&T", "at-t"),
        ("Telefónica", "telefonica"),
        ("Москва", "moskva"),
        ("삼성전자", "samseongjeonja"),
        ("华为发布新款手机，小米紧随其后", "hua-wei-fa-bu-xin-kuan-shou-ji-xiao-mi-jin-sui-qi-hou"),
        ("!!!", "item"),
    ],
)
def test_names_in_every_script_give_readable_slugs(name, slug):
    assert slugify(name) == slug
    assert SLUG_PATTERN.match(slug)


def _site_with(tmp_path: Path, companies: str) -> Path:
    root = tmp_path / "site"
    root.mkdir()
    text = (PROJECT / "site.yaml").read_text(encoding="utf-8")
    text = text.replace("companies:\n", "companies:\n" + companies, 1)
    (root / "site.yaml").write_text(text, encoding="utf-8")
    return root


def test_two_chinese_companies_get_pages_of_their_own(tmp_path):
    root = _site_with(tmp_path, "  - {name: 华为终端, kind: maker}\n  - {name: 小米集团, kind: maker}\n")
    config, problems = load_config(root)
    assert problems == []
    assert config.companies.get("华为终端").slug == "hua-wei-zhong-duan"
    assert config.companies.get("小米集团").slug == "xiao-mi-ji-tuan"


def test_names_that_transliterate_alike_are_an_error_naming_both(tmp_path):
    root = _site_with(tmp_path, "  - {name: 华为, kind: maker}\n  - {name: 華為, kind: maker}\n")
    _config, problems = load_config(root)
    assert [problem.message for problem in problems] == [
        "`華為` gives the page name `hua-wei`, which the company `华为` has"
    ]
    assert "`slug:`" in problems[0].hint


def test_a_slug_key_parts_them_and_keeps_a_url(tmp_path):
    root = _site_with(tmp_path, "  - {name: 华为, kind: maker}\n  - {name: 華為, kind: maker, slug: hua-wei-tw}\n")
    config, problems = load_config(root)
    assert problems == []
    assert config.companies.get("華為").slug == "hua-wei-tw"
    assert config.companies.get("华为").slug == "hua-wei"


def test_a_slug_key_must_be_a_page_name(tmp_path):
    root = _site_with(tmp_path, "  - {name: 华为, kind: maker, slug: Hua Wei}\n")
    _config, problems = load_config(root)
    assert len(problems) == 1 and problems[0].field.endswith("slug")


def test_a_source_may_set_its_slug_too(tmp_path):
    root = _site_with(tmp_path, "")
    site_yaml = root / "site.yaml"
    text = site_yaml.read_text(encoding="utf-8")
    site_yaml.write_text(
        text.replace("sources:\n", "sources:\n  - {name: 新华社, kind: wire, slug: xinhua-cn}\n", 1), encoding="utf-8"
    )
    config, problems = load_config(root)
    assert problems == []
    assert config.sources.get("新华社").slug == "xinhua-cn"


def test_ingest_names_a_chinese_draft_in_pinyin(tmp_path):
    """The draft's file name comes from its title through the same slugify (see test_encodings for the run)."""
    from microsite.commands.ingest import _slug

    assert _slug("华为与小米加快进军海外市场") == "hua-wei-yu-xiao-mi-jia-kuai-jin-jun-hai-wai-shi-chang"
    assert len(_slug("华为" * 40)) <= 60
