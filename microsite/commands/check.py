"""`check`: every rule of the build, and nothing written."""

from __future__ import annotations

from pathlib import Path

from .. import progress
from ..build.workers import Workers
from ..errors import display_path
from ..model import Site, stories
from ..model.loader import load_site
from ..site.render import plural
from ..source import yamlfile
from ..source.layout import SiteFolder


def check(site_dir: Path, jobs: int | None = None) -> Site:
    try:
        with Workers(jobs) as workers:
            return load_site(site_dir, workers.run)
    finally:
        progress.done()  # the bar gone before the summary, or the problems


def summary(site: Site) -> str:
    counts = [
        plural(len(site.articles), "article"),
        plural(len(site.claims), "claim"),
        plural(site.comment_count, "comment"),
        plural(len(site.mentioned_companies), "company", "companies"),
    ]
    return f"{', '.join(counts)} and {plural(len(site.cited_sources), 'source')}: all checks passed."


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
