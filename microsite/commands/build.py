"""`build`: load and check the site, render every page whose inputs changed, write the output folder."""

from __future__ import annotations

from pathlib import Path

from ..build.builder import Builder, BuildResult


def build(site_dir: Path, out_dir: Path, base_url: str | None = None, jobs: int | None = None) -> BuildResult:
    return Builder(site_dir, out_dir, base_url, jobs=jobs).build()
