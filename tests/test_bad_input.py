"""The catalogue of bad input, through the command line as a user meets it: each problem is named
(file, line where there is one, field, hint), `build` exits with 1 and no traceback, and the
output folder of the last good build is left byte for byte as it was. docs/errors.md lists the
messages."""

from __future__ import annotations

import pytest
from conftest import GOOD_PAGE, MINIMAL_SITE_YAML, PROJECT, SiteFolder, snapshot

PAGE = "content/talks.md"


def replace_page(site: SiteFolder, old: str, new: str) -> None:
    site.edit_page(old, new)


def write_bytes(site: SiteFolder, data: bytes) -> None:
    (site.root / PAGE).write_bytes(data)


def override_template(site: SiteFolder, name: str, old: str, new: str) -> None:
    text = (PROJECT / "templates" / name).read_text(encoding="utf-8")
    assert old in text, f"test setup: {old!r} not in {name}"
    site.write(f"templates/{name}", text.replace(old, new, 1))


# (how the site is broken, what the report must say: the location first, then words of the message)
CATALOGUE = {
    # front matter
    "broken YAML": (lambda s: replace_page(s, "companies: [Huawei, AT&T]", "companies: [Huawei, AT&T"), f"{PAGE}:7:"),
    "a tab": (lambda s: replace_page(s, "    statement: Huawei", "\tstatement: Huawei"), f"{PAGE}:12:", "tab"),
    "no closing ---": (lambda s: replace_page(s, "---\nA short summary.", "A short summary."), f"{PAGE}:1:", "closing"),
    "a wrong type": (lambda s: replace_page(s, "companies: [Huawei, AT&T]", "companies: 7"), f"{PAGE}:7: companies:"),
    "a missing required key": (
        lambda s: replace_page(s, "date_note: Test capture dated by its test.\n", ""),
        f"{PAGE}:2: date_note:",
        "missing",
    ),
    "an unknown key": (lambda s: replace_page(s, "seed: capture.txt", "seed: capture.txt\nsed: x"), f"{PAGE}:7: sed:"),
    "a list entry written as plain text": (
        lambda s: replace_page(s, "  - name: Bloomberg\n", "  - Bloomberg\n"),
        f"{PAGE}:9: sources[0]: each entry of `sources` must be a set of `key: value` lines",
        "write it as `- name: Bloomberg`",
    ),
    "an impossible date": (
        lambda s: replace_page(s, "published: 2017-12", "published: 2017-13-45"),
        f"{PAGE}:4: published:",
    ),
    "a duplicate key": (
        lambda s: replace_page(s, "seed: capture.txt", "seed: capture.txt\ntitle: Again"),
        f"{PAGE}:7: title:",
        "twice",
    ),
    "a 10 MB page": (
        lambda s: replace_page(s, "A short summary.", "A short summary. " + "x" * 10_000_000),
        f"{PAGE}:",
        "MB",
    ),
    "text that is not UTF-8": (
        lambda s: write_bytes(s, GOOD_PAGE.encode().replace(b"PhoneArena", b"Phone\xffArena")),
        f"{PAGE}:3:",
        "UTF-8",
    ),
    # site.yaml
    "site.yaml missing": (lambda s: (s.root / "site.yaml").unlink(), "site.yaml: is missing"),
    "site.yaml broken": (
        lambda s: s.write("site.yaml", MINIMAL_SITE_YAML.replace("description:", " description:")),
        "site.yaml:2:",
    ),
    "site.yaml with an unknown key": (
        lambda s: s.write("site.yaml", MINIMAL_SITE_YAML + "serach: true\n"),
        "site.yaml:10: serach:",
    ),
    "an alias claimed by two companies": (
        lambda s: s.write(
            "site.yaml",
            MINIMAL_SITE_YAML.replace("{name: Xiaomi, kind", "{name: Xiaomi, aliases: [huawei technologies], kind"),
        ),
        "site.yaml:5: companies[1]:",
        "huawei technologies",
    ),
    # templates
    "a template syntax error": (
        lambda s: override_template(s, "article.html", "{% block main %}", "{% block main %}{% if article %}"),
        "templates/article.html:",
        "syntax",
    ),
    "an undefined variable in a template": (
        lambda s: override_template(
            s, "capture.html", "{% block main %}", "{% block main %}{{ no_such_thing.at_all }}"
        ),
        "templates/capture.html:",
        "no_such_thing",
    ),
    # links
    "a claim naming a source that does not exist": (
        lambda s: replace_page(s, "source: Bloomberg News", "source: Blomberg"),
        f"{PAGE}:14: claims[0].source:",
    ),
    "a claim naming a company that does not exist": (
        lambda s: replace_page(s, "    companies: [Huawei]", "    companies: [Huawai]"),
        f"{PAGE}:15: claims[0].companies[0]:",
        "did you mean",
    ),
    "a javascript: url": (
        lambda s: replace_page(s, "seed: capture.txt", "seed: capture.txt\nurl: javascript:alert(1)"),
        f"{PAGE}:7: url:",
        "https://",
    ),
    "a data: url": (
        lambda s: replace_page(
            s, "seed: capture.txt", "seed: capture.txt\nurl: 'data:text/html,<script>alert(1)</script>'"
        ),
        f"{PAGE}:7: url:",
        "https://",
    ),
    "a javascript: homepage in site.yaml": (
        lambda s: s.write(
            "site.yaml",
            MINIMAL_SITE_YAML.replace(
                "{name: PhoneArena, kind: outlet}", "{name: PhoneArena, kind: outlet, homepage: 'javascript:alert(1)'}"
            ),
        ),
        "site.yaml:9: sources[1].homepage:",
        "https://",
    ),
    "a seed that is missing": (lambda s: (s.root / "seeds/capture.txt").unlink(), f"{PAGE}:6: seed:"),
    "a quote not in its capture": (
        lambda s: replace_page(s, "quote: Huawei is reportedly", "quote: Xiaomi is reportedly"),
        f"{PAGE}:13: claims[0].quote:",
    ),
}


@pytest.mark.parametrize("case", list(CATALOGUE))
def test_bad_input_is_reported_and_the_last_good_site_is_kept(site, case):
    assert site.run("build").returncode == 0
    out = site.root / "_site"
    before = snapshot(out)
    breaks, location, *words = CATALOGUE[case]
    breaks(site)
    result = site.run("build")
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert location in result.stderr, result.stderr
    assert "\n    hint: " in result.stderr, result.stderr
    for word in words:
        assert word.lower() in result.stderr.lower(), result.stderr
    assert snapshot(out) == before, "a failed build changed the output folder"


@pytest.mark.parametrize(
    "encode",
    [
        pytest.param(lambda text: b"\xef\xbb\xbf" + text.encode(), id="a byte-order mark"),
        pytest.param(lambda text: text.replace("\n", "\r\n").encode(), id="CRLF line ends"),
    ],
)
def test_a_byte_order_mark_and_crlf_line_ends_simply_work(site, encode):
    write_bytes(site, encode(GOOD_PAGE))
    result = site.run("build")
    assert result.returncode == 0, result.stderr
    assert "Huawei talks to AT&amp;T" in (site.root / "_site/articles/talks.html").read_text(encoding="utf-8")
