"""`build`: load and check the site, render every page, swap the output in."""

from __future__ import annotations

from pathlib import Path

from ..build.builder import Builder, BuildResult


def build(site_dir: Path, out_dir: Path, base_url: str | None = None) -> BuildResult:
    return Builder(site_dir, out_dir, base_url).build()
