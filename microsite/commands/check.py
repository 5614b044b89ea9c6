"""`check`: every rule of the build, and nothing written."""

from __future__ import annotations

from pathlib import Path

from .. import progress
from ..build.workers import Workers
from ..errors import display_path
from ..model import Site, care, stories
from ..model.loader import load_site
from ..site.render import plural
from ..source import yamlfile
from ..source.layout import SiteFolder
from ..source.reader import read_page


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
    uses, then what a careful editor would query in the pages (model/care.py), then articles that
    look like one story without sharing a `story` key."""
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
    pages = _Lines()
    lines += [_query(query, pages) for query in care.queries(site)]
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


# How the hint's example of a count reads each stance: "3 of 6 comments are sceptical".
_STANCE_VERBS = {
    "agrees": "agree",
    "disagrees": "disagree",
    "sceptical": "are sceptical",
    "mixed": "are mixed",
    "neutral": "are neutral",
    "informative": "add information",
    "off-topic": "are off-topic",
    "humour": "are jokes",
}


def _query(query, lines: _Lines) -> str:
    """One of model/care.py's findings as a note: where, what looks wrong, and how to answer it."""
    answer = f'answered: {{{query.kind}: "<why>"}}'
    if query.kind == "digest":
        where = lines.at(query.article.file, ("comments", "digest"))
        said = ", ".join(f'"{word}"' for word in query.words)
        if query.count:
            stances = ", ".join(f"{stance} {n}" for stance, n in query.stances)
            verb = "is" if query.count == 1 else "are"
            counted = f"{plural(query.count, 'comment')} {verb} listed (by stance: {stances})"
            stance, n = query.stances[0]
            example = f'"{n} of {query.count} comments {_STANCE_VERBS.get(stance, stance)}"'
        else:
            counted, example = "no comment is listed", '"no comment is listed"'
        return (
            f"note: {where}: comments.digest: says {said} of the readers without counting them; {counted}"
            f"\n    hint: say how many, such as {example}, or answer the note (under `comments:`): {answer}"
        )
    claim = query.claim
    where = f"{lines.claim(claim)}: claims[{claim.article.claims.index(claim)}] ({claim.id})"
    if query.kind == "hedge":
        said = ", ".join(f'"{hedge}"' for hedge in query.hedges)
        message = f"the quote hedges ({said}) but the statement does not, and the status is {claim.status}"
        hint = "carry the hedge into the statement or the status (rumour, forecast)"
    elif query.kind == "outcome":
        message = f"the forecast was due {claim.due.human()} and has no outcome"
        hint = "give it an outcome (came-true, partly, did-not, unclear)"
    elif query.kind == "figure":
        said = " and ".join(f'"{figure}"' for figure in query.figures)
        message = f"the statement gives {said}, which the quote does not"
        hint = f"quote the passage that gives {'it' if len(query.figures) == 1 else 'them'}"
    else:
        others = " and ".join(f"{lines.claim(other)} ({other.id})" for other in query.others)
        usual = _credit(query.others[0].source)
        message = f"the same quote is credited to {_credit(claim.source)} here, but to {usual} in {others}"
        hint = "credit it alike, to the source the reports name for it (the original reporter)"
        return f"note: {where}: {message}\n    hint: {hint}, or answer the note on this claim: {answer}"
    return f"note: {where}: {message}\n    hint: {hint}, or answer the note: {answer}"


def _credit(source) -> str:
    return f"{source.name} (its article's own voice)" if source.own_voice else source.name


class _Lines:
    """Where a claim or key is in its page, as file:line; a page is read and parsed once for its notes."""

    def __init__(self):
        self._pages: dict = {}

    def at(self, file: Path, loc: tuple) -> str:
        if file not in self._pages:
            if len(self._pages) >= 8:  # the notes come page by page: a few pages' trees are all it needs
                del self._pages[next(iter(self._pages))]
            raw = read_page(file)[0]
            self._pages[file] = yamlfile.Lines(raw.front_matter, raw.front_matter_line) if raw else None
        line = self._pages[file].of(loc) if self._pages[file] else None
        return f"{display_path(file)}:{line}" if line else display_path(file)

    def claim(self, claim) -> str:
        return self.at(claim.article.file, ("claims", claim.article.claims.index(claim)))
