"""`check`: every rule of the build, and nothing written."""

from __future__ import annotations

from pathlib import Path

from ..loader import load_site
from ..model import Site


def check(site_dir: Path) -> Site:
    return load_site(site_dir)


def summary(site: Site) -> str:
    return (
        f"{len(site.articles)} articles, {len(site.claims)} claims, {site.comment_count} comments, "
        f"{len(site.mentioned_companies)} companies and {len(site.cited_sources)} sources: all checks passed."
    )
