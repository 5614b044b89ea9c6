"""`check`: every rule of the build, and nothing written."""

from __future__ import annotations

from pathlib import Path

from ..build.workers import Workers
from ..errors import display_path
from ..model import Site, stories
from ..model.loader import load_site
from ..source import yamlfile
from ..source.layout import SiteFolder


def check(site_dir: Path, jobs: int | None = None) -> Site:
    with Workers(jobs) as workers:
        return load_site(site_dir, workers.run)


def summary(site: Site) -> str:
    return (
        f"{len(site.articles)} articles, {len(site.claims)} claims, {site.comment_count} comments, "
        f"{len(site.mentioned_companies)} companies and {len(site.cited_sources)} sources: all checks passed."
    )


def notes(site: Site, site_dir: Path) -> list[str]:
    """What `check` says after its summary, without failing: story registry entries that no page
    uses, then articles that look like one story without sharing a `story` key."""
    lines = []
    used = {story.id for story in site.stories}
    config = SiteFolder(site_dir).config
    unused = [entry for entry in site.settings.stories if entry.id not in used]
    text = config.read_text(encoding="utf-8") if unused else ""
    for entry in unused:
        where = f"{display_path(config)}:{yamlfile.line_of(text, ('stories', entry.index))}"
        lines.append(
            f"note: {where}: stories[{entry.index}]: no page has `story: {entry.id}`"
            f"\n    hint: give its pages `story: {entry.id}`, or remove the entry"
        )
    for found in stories.suggestions(site):
        reasons = []
        if found.sources:
            reasons.append("both cite " + ", ".join(s.name for s in found.sources))
        if found.similar:
            first, second = found.similar[0]
            reasons.append(f"similar claims `{first.id}` and `{second.id}`")
        reasons.append("both about " + ", ".join(c.name for c in found.companies))
        lines.append(
            f"suggestion: {display_path(found.first.file)} and {display_path(found.second.file)} may report the same "
            f"story ({'; '.join(reasons)}): give both `story: {found.story_id}`"
        )
    return lines
