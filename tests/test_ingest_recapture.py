"""A recapture is not an error: a second capture of a story already drafted is drafted under a
free slug, and the report and its date_note name the page it seems to be another capture of."""

from __future__ import annotations

import shutil

from conftest import PROJECT, run_cli

STORY = "Huawei talks to AT&T about phones\n\nHuawei is negotiating with AT&T to sell its phones, Bloomberg reported.\n"


def test_second_and_third_captures_of_a_story_get_free_slugs_and_name_the_first(tmp_path):
    site = tmp_path / "site"
    (site / "content").mkdir(parents=True)
    (site / "seeds").mkdir()
    shutil.copy(PROJECT / "site.yaml", site)
    for n, extra in enumerate(["", "\n3 Comments\n", "\nUpdated later.\n"], 1):
        (tmp_path / f"capture{n}.txt").write_text(STORY + extra, encoding="utf-8")
    first = run_cli("--site", str(site), "ingest", str(tmp_path / "capture1.txt"))
    assert first.returncode == 0, first.stderr
    page = site / "content/huawei-talks-to-at-t-about-phones.md"
    written = page.read_bytes()
    second = run_cli("--site", str(site), "ingest", str(tmp_path / "capture2.txt"))
    assert second.returncode == 0, second.stderr
    again = site / "content/huawei-talks-to-at-t-about-phones-2.md"
    assert again.is_file() and page.read_bytes() == written
    assert "another capture of" in second.stdout and "huawei-talks-to-at-t-about-phones.md" in second.stdout
    assert "another capture of" in again.read_text(encoding="utf-8")
    third = run_cli("--site", str(site), "ingest", str(tmp_path / "capture3.txt"))
    assert third.returncode == 0, third.stderr
    assert (site / "content/huawei-talks-to-at-t-about-phones-3.md").is_file() and page.read_bytes() == written
    assert run_cli("--site", str(site), "check").returncode == 0
