"""The content folder's pages, listed without pathlib's cost per path, in the order pathlib gives."""

from __future__ import annotations

import os
from pathlib import Path

from microsite.source.layout import markdown_files


def test_markdown_files_lists_what_rglob_lists_in_the_same_order(tmp_path):
    for name in ["b.md", "a-b/x.md", "a/x.md", "a/z/y.md", "A.md", "notes.txt", ".hidden.md", "x.md/inside.md"]:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("-", encoding="utf-8")
    os.symlink(tmp_path / "b.md", tmp_path / "linked.md")  # a file through a link counts, as for rglob
    os.symlink(tmp_path / "a", tmp_path / "linked-folder")  # a folder through one is not entered
    os.symlink(tmp_path / "gone.md", tmp_path / "broken.md")
    expected = sorted(path for path in tmp_path.rglob("*.md") if path.is_file())
    assert markdown_files(tmp_path) == expected
    assert tmp_path / "a/x.md" in expected and tmp_path / "linked.md" in expected


def test_a_missing_folder_has_no_pages(tmp_path):
    assert markdown_files(Path(tmp_path / "missing")) == []
