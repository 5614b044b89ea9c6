"""`ingest`: raw captures -> seeds/ copies and draft content pages, one capture at a time.

A capture that cannot be ingested is reported and the others still are. Nothing the
user wrote is overwritten: an existing page, or another file of the same name in
seeds/, stops that one capture.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from ..config import Config, load_config
from ..errors import BuildFailed, Problem, display_path
from ..ingest.decode import Refused, decode
from ..ingest.draft import draft_page
from ..ingest.facts import Facts, find_facts
from ..ingest.masthead import PublisherFound, find_publisher
from ..ingest.structure import Parts, split
from ..text import slugify

SLUG_LIMIT = 60
_SEED_LINE = re.compile(r"^seed:\s*['\"]?(.+?)['\"]?\s*$", re.MULTILINE)


@dataclass
class Ingested:
    capture: Path
    page: Path | None = None
    seed: Path | None = None
    parts: Parts | None = None
    facts: Facts | None = None
    publisher: str | None = None  # the registered publisher, as drafted
    publisher_found: PublisherFound | None = None  # what the page shows of it, registered or not
    notes: list[str] = field(default_factory=list)
    problem: Problem | None = None
    recapture_of: Path | None = None  # the page this capture seems to be another capture of

    def report(self) -> str:
        if self.problem:
            return self.problem.format()
        facts, parts = self.facts, self.parts
        only_in_comments = f" (+{len(facts.comment_companies)} only in comments)" if facts.comment_companies else ""
        lines = [
            f"{display_path(self.capture)} -> {display_path(self.page)} (draft); the capture is in "
            f"{display_path(self.seed)}",
            f"    title: {parts.title}",
            f"    found: {len(facts.claims)} claims, {len(facts.sources)} sources, "
            f"{len(facts.companies)} companies{only_in_comments}, "
            f"{len(parts.comments.comments)} comments ({parts.comments.shape})",
            _publisher_line(self.publisher_found),
            _date_line(parts),
        ]
        if self.recapture_of:
            lines.append(
                f"    recapture: seems to be another capture of {display_path(self.recapture_of)}; "
                "drafted under a free slug, that page untouched"
            )
        if facts.comment_companies:
            lines.append("    companies only in comments: " + ", ".join(facts.comment_companies))
        unregistered = [s.name for s in facts.sources if not s.registered and not s.unnamed]
        if unregistered:
            lines.append("    sources not in the registry (drafted as anonymous): " + ", ".join(unregistered))
        if facts.suggestions:
            lines.append(
                "    organisations the registries lack (add them to site.yaml if they matter): "
                + ", ".join(facts.suggestions)
            )
        for note in self.notes:
            lines.append(f"    uncertain: {note}")
        return "\n".join(lines)


def ingest(site_dir: Path, paths: list[Path], out_dir: Path | None = None, dry_run: bool = False) -> list[Ingested]:
    config, problems = load_config(site_dir)
    if config is None:
        raise BuildFailed(problems)
    target = out_dir or site_dir
    summarised = _summarised_seeds(site_dir)
    results = []
    for capture in _captures(paths, results):
        results.append(_ingest_one(capture, config, target, summarised, dry_run, known_sites=[target, site_dir]))
    return results


def _captures(paths: list[Path], results: list[Ingested]) -> list[Path]:
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found += sorted(p for p in path.rglob("*") if p.is_file() and not p.name.startswith("."))
        elif path.is_file():
            found.append(path)
        else:
            results.append(
                Ingested(path, problem=Problem(path, "does not exist", hint="give a capture file or a folder"))
            )
    return list(dict.fromkeys(found))


def _ingest_one(
    capture: Path, config: Config, target: Path, summarised: dict, dry_run: bool, known_sites: list[Path] = ()
) -> Ingested:
    result = Ingested(capture)
    try:
        data = capture.read_bytes()
        decoded = decode(data)
    except OSError as err:
        result.problem = Problem(capture, f"cannot be read: {err.strerror}")
        return result
    except Refused as refused:
        result.problem = Problem(capture, refused.message, hint=refused.hint)
        return result

    seed_name = _seed_name(capture)
    seed_bytes = data if decoded.utf8 else decoded.text.encode("utf-8")  # the site reads UTF-8 only
    if seed_name in summarised and summarised[seed_name][1] == seed_bytes:
        result.problem = Problem(
            capture,
            f"is already in seeds/ as {seed_name}, summarised by {display_path(summarised[seed_name][0])}",
            hint="edit that page; ingest drafts a page for a new capture only",
        )
        return result
    parts = split(decoded.text)
    result.parts, result.notes = parts, [*decoded.notes, *parts.notes]
    found = result.publisher_found = _find_publisher(parts, decoded.text, config)
    result.publisher = found.name if found and found.registered else None  # only a registered one is drafted
    comment_texts = [c.text for c in parts.comments.comments]
    result.facts = find_facts(parts.body, comment_texts, config, result.publisher)
    result.notes += parts.comments.uncertain + result.facts.notes

    slug = _slug(parts.title)
    result.recapture_of = _same_story(parts, slug, [target, *known_sites])
    result.page = _free_page(target / "content", slug)
    result.seed = target / "seeds" / seed_name
    if result.seed.exists() and result.seed.read_bytes() != seed_bytes:
        result.problem = Problem(
            capture,
            f"{display_path(result.seed)} exists with other content: nothing was written for this capture",
            hint="rename the capture file so that its name is new in seeds/",
        )
        return result
    recapture_of = display_path(result.recapture_of) if result.recapture_of else None
    page_text, draft_notes = draft_page(parts, result.facts, seed_name, decoded.text, result.publisher, recapture_of)
    result.notes += draft_notes
    if not dry_run:
        result.seed.parent.mkdir(parents=True, exist_ok=True)
        result.page.parent.mkdir(parents=True, exist_ok=True)
        if not result.seed.exists():
            with result.seed.open("xb") as out:
                out.write(seed_bytes)
        with result.page.open("x", encoding="utf-8") as out:  # "x": never replace a page that appeared meanwhile
            out.write(page_text)
    return result


_TITLE_LINE = re.compile(r"^title:\s*(.+?)\s*$", re.MULTILINE)


def _same_story(parts: Parts, slug: str, sites: list[Path]) -> Path | None:
    """A page already drafted or written from a capture of the same story: its headline, or its opening."""
    headline = _folded(parts.title)
    opening = _folded(parts.body[0]) if parts.body and len(parts.body[0]) >= 60 else None
    for site in dict.fromkeys(sites):
        content = site / "content"
        if (content / f"{slug}.md").is_file():
            return content / f"{slug}.md"
        for page in sorted(content.rglob("*.md")) if content.is_dir() else []:
            text = page.read_text(encoding="utf-8", errors="replace")
            title = _TITLE_LINE.search(text[:4000])
            if (title and _folded(title.group(1).strip("'\"")) == headline) or (opening and opening in _folded(text)):
                return page
    return None


def _folded(text: str) -> str:
    return " ".join(re.findall(r"\w+", text.casefold()))


def _free_page(content: Path, slug: str) -> Path:
    """content/<slug>.md, or the first of <slug>-2.md, <slug>-3.md, ... that is free: no page is overwritten."""
    page, n = content / f"{slug}.md", 2
    while page.exists():
        page, n = content / f"{slug}-{n}.md", n + 1
    return page


def _seed_name(capture: Path) -> str:
    """The capture's own name, made safe for a file name in seeds/."""
    stem = re.sub(r"[^\w.-]+", "-", capture.stem).strip(".-") or "capture"
    return stem + (capture.suffix or ".txt")


def _slug(title: str) -> str:
    slug = slugify(title)
    if len(slug) > SLUG_LIMIT:
        slug = slug[:SLUG_LIMIT].rsplit("-", 1)[0]
    return slug


def _publisher(parts: Parts, text: str, config: Config) -> str | None:
    """The registered source that published the capture (None when the registry lacks the page's own name)."""
    found = _find_publisher(parts, text, config)
    return found.name if found and found.registered else None


def _find_publisher(parts: Parts, text: str, config: Config) -> PublisherFound | None:
    return find_publisher(parts.self_named, parts.site, text, config.sources)


def _date_line(parts: Parts) -> str:
    if not parts.published:
        return "    published: not stated in the capture (set it, with how you dated it, in date_note)"
    updated = f"; updated {parts.updated}" if parts.updated else ""
    return f"    published: {parts.published} (from {parts.date_how or 'the byline'}){updated}"


def _publisher_line(found: PublisherFound | None) -> str:
    """The report's line on the publisher: a name the registry lacks is offered for registering, not drafted."""
    if found is None:
        return "    publisher: not found: set `publisher` by hand"
    guess = "a guess, " if found.guessed else ""
    if found.registered:
        return f"    publisher ({guess}from {found.how}): {found.name}"
    return (
        f"    publisher not in the source registry ({guess}from {found.how}; register it in site.yaml, "
        f"then set `publisher`): {found.name}"
    )


def _summarised_seeds(site_dir: Path) -> dict[str, tuple[Path, bytes | None]]:
    """Capture file name -> the page that summarises it (read from its `seed:` line) and the capture's bytes."""
    seeds: dict[str, tuple[Path, bytes | None]] = {}
    content_dir = site_dir / "content"
    if content_dir.is_dir():
        for page in content_dir.rglob("*.md"):
            match = _SEED_LINE.search(page.read_text(encoding="utf-8", errors="replace")[:4000])
            if match:
                seed = site_dir / "seeds" / match.group(1)
                seeds[match.group(1)] = (page, seed.read_bytes() if seed.is_file() else None)
    return seeds
