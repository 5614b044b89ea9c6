"""Shared fixtures: the project's real site, built once, and small throw-away sites."""

from __future__ import annotations

import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from microsite.commands.build import build

PROJECT = Path(__file__).resolve().parent.parent

MINIMAL_SITE_YAML = """\
title: Test Site
description: A site made by a test.
companies:
  - {name: Huawei, aliases: [Huawei Technologies], kind: maker, country: China}
  - {name: Xiaomi, kind: maker, country: China}
  - {name: AT&T, kind: carrier, country: United States}
sources:
  - {name: Bloomberg, aliases: [Bloomberg News], kind: outlet, homepage: "https://www.bloomberg.com/"}
  - {name: PhoneArena, kind: outlet}
"""

CAPTURE = """\
Huawei talks to AT&T

Huawei is reportedly negotiating with US carriers, according to Bloomberg News.
The company’s “flagship” could arrive next year — if talks succeed.

1. reader1
Posts: 12; Member since: May 04, 2015
Nice phone.
2. reader2
Posts: 3; Member since: May 05, 2015
Not for me.
"""

GOOD_PAGE = """\
---
title: Huawei talks to AT&T
publisher: PhoneArena
published: 2017-12
date_note: Test capture dated by its test.
seed: capture.txt
companies: [Huawei, AT&T]
sources:
  - name: Bloomberg
claims:
  - id: talks
    statement: Huawei negotiates with US carriers.
    quote: Huawei is reportedly negotiating with US carriers
    source: Bloomberg News
    companies: [Huawei]
    status: reported
    event_date: 2017-12-08
comments:
  digest: Readers were split.
  items:
    - id: "1"
      author: reader1
      posts: 12
      member_since: May 04, 2015
      text: Nice phone.
      stance: agrees
    - id: "2"
      author: reader2
      reply_to: "1"
      text: Not for me.
      stance: sceptical
---
A short summary.
"""


class SiteFolder:
    """A throw-away site: site.yaml, content/ and seeds/ in a temporary folder."""

    def __init__(self, root: Path):
        self.root = root
        (root / "content").mkdir(parents=True)
        (root / "seeds").mkdir()
        self.write("site.yaml", MINIMAL_SITE_YAML)
        self.write("seeds/capture.txt", CAPTURE)
        self.write("content/talks.md", GOOD_PAGE)

    def write(self, relative: str, text: str) -> Path:
        path = self.root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text) if text.startswith("\n") else text, encoding="utf-8")
        return path

    def page(self, text: str, name: str = "talks.md") -> Path:
        return self.write(f"content/{name}", text)

    def edit_page(self, old: str, new: str, name: str = "talks.md") -> Path:
        path = self.root / "content" / name
        text = path.read_text(encoding="utf-8")
        assert old in text, f"test setup: {old!r} not in the page"
        path.write_text(text.replace(old, new, 1), encoding="utf-8")
        return path

    def run(self, *args: str) -> subprocess.CompletedProcess:
        return run_cli("--site", str(self.root), *args, cwd=self.root)


def run_cli(*args: str, cwd: Path = PROJECT) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(PROJECT / "build.py"), *args], cwd=cwd, capture_output=True, text=True, timeout=120
    )


@pytest.fixture
def site(tmp_path: Path) -> SiteFolder:
    return SiteFolder(tmp_path / "site")


@pytest.fixture(scope="session")
def built_site(tmp_path_factory) -> Path:
    """The project's own site, built once for the whole run."""
    out = tmp_path_factory.mktemp("built") / "_site"
    build(PROJECT, out)
    return out


@pytest.fixture(scope="session")
def project_copy(tmp_path_factory) -> Path:
    """A copy of the project's site folder, for tests that must not touch the real one."""
    root = tmp_path_factory.mktemp("copy") / "site"
    root.mkdir()
    for name in ("site.yaml",):
        shutil.copy(PROJECT / name, root / name)
    for name in ("content", "seeds"):
        shutil.copytree(PROJECT / name, root / name)
    return root
