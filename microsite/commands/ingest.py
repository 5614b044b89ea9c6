"""`ingest`: raw captures -> seeds/ copies and draft content pages, one capture at a time.

A capture that cannot be ingested is reported and the others still are. Nothing the
user wrote is overwritten: an existing page, or another file of the same name in
seeds/, stops that one capture.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

from .. import progress
from ..errors import BuildFailed, Problem, display_path
from ..ingest.declared import Provenance, declared_publisher, overrule, provenance
from ..ingest.decode import Refused
from ..ingest.draft import draft_page
from ..ingest.facts import Facts, find_facts, linked_source
from ..ingest.masthead import PublisherFound, find_publisher
from ..ingest.structure import Parts, split
from ..ingest.webcapture import Unpacked, fetch, unpack
from ..source.config import Config, load_config
from ..source.layout import SiteFolder, markdown_files
from ..text import slugify

SLUG_LIMIT = 60
_SEED_LINE = re.compile(r"^seed:\s*['\"]?(.+?)['\"]?\s*$", re.MULTILINE)


@dataclass
class Ingested:
    capture: Path | str  # a file, or the URL it was fetched from
    page: Path | None = None
    seed: Path | None = None
    parts: Parts | None = None
    facts: Facts | None = None
    publisher: str | None = None  # the registered publisher, as drafted
    publisher_found: PublisherFound | None = None  # what the page shows of it, registered or not
    notes: list[str] = field(default_factory=list)
    problem: Problem | None = None
    recapture_of: Path | None = None  # the page this capture seems to be another capture of
    provenance: Provenance | None = None
    kind: str = "text"  # "text", "html", "mhtml", "warc" or "wacz"

    def report(self) -> str:
        if self.problem:
            return self.problem.format()
        facts, parts = self.facts, self.parts
        only_in_comments = f" (+{len(facts.comment_companies)} only in comments)" if facts.comment_companies else ""
        kept = f"the capture is in {display_path(self.seed)}"
        if self.provenance and self.provenance.original:
            original = self.seed.with_name(self.provenance.original)
            kept = f"the {_KINDS[self.kind]} is in {display_path(original)}, the text it shows in {self.seed.name}"
        lines = [
            f"{_shown(self.capture)} -> {display_path(self.page)} (draft); {kept}",
            f"    title: {parts.title}",
            f"    found: {len(facts.claims)} claims, {len(facts.sources)} sources, "
            f"{len(facts.companies)} companies{only_in_comments}, "
            f"{len(parts.comments.comments)} comments ({parts.comments.shape})",
            _publisher_line(self.publisher_found),
            _date_line(parts),
        ]
        lines += _provenance_lines(self.provenance)
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


def ingest(
    site_dir: Path, paths: list[Path | str], out_dir: Path | None = None, dry_run: bool = False
) -> list[Ingested]:
    config, problems = load_config(site_dir)
    if config is None:
        raise BuildFailed(problems)
    target = out_dir or site_dir
    summarised = _summarised_seeds(site_dir)
    known = _KnownPages([target, site_dir])
    results = []
    captures = _captures(paths, results)
    with progress.phase("Ingesting", total=len(captures), unit="captures"):
        for capture in captures:
            results.append(_ingest_one(capture, config, target, summarised, dry_run, known))
            progress.advance()
    return results


def _captures(paths: list[Path | str], results: list[Ingested]) -> list[Path | str]:
    found: list[Path | str] = []
    for path in paths:
        if isinstance(path, str):  # a URL: fetched when its turn comes
            found.append(path)
        elif path.is_dir():
            found += sorted(p for p in path.rglob("*") if p.is_file() and not p.name.startswith("."))
        elif path.is_file():
            found.append(path)
        else:
            results.append(
                Ingested(path, problem=Problem(path, "does not exist", hint="give a capture file or a folder"))
            )
    return list(dict.fromkeys(found))


def _ingest_one(
    capture: Path | str, config: Config, target: Path, summarised: dict, dry_run: bool, known: _KnownPages
) -> Ingested:
    """One capture (a file, or a URL to fetch into a WARC) -> its seeds and its draft page."""
    result = Ingested(capture)
    read, result.problem = _read_capture(capture)
    if read is None:
        return result
    data, name, unpacked = read
    files = _seed_files(data, name, unpacked)
    _note_provenance(result, capture, unpacked, files)
    result.problem = _already_summarised(capture, files.seed_name, files.seed_bytes, summarised)
    if result.problem:
        return result
    parts = _find_parts(result, unpacked, config)
    original = _choose_paths(result, parts, files, target, known)
    result.problem = _clash(capture, result.seed, files.seed_bytes) or _clash(capture, original, data)
    if result.problem:
        return result
    recapture_of = display_path(result.recapture_of) if result.recapture_of else None
    page_text, draft_notes = draft_page(
        parts, result.facts, files.seed_name, unpacked.text, result.publisher, recapture_of, result.provenance
    )
    result.notes += draft_notes
    if not dry_run:
        _write(result, files, original, page_text, known)
    return result


@dataclass
class _SeedFiles:
    """What one capture leaves in seeds/: the text the site reads, and a saved page or archive kept beside it."""

    data: bytes  # the capture as read or fetched
    seed_name: str
    seed_bytes: bytes  # UTF-8, as the site reads it
    original_name: str | None  # the saved page or archive, byte for byte; None for a text capture


def _read_capture(capture: Path | str) -> tuple[tuple[bytes, str, Unpacked] | None, Problem | None]:
    """The capture's bytes, its file name and what they decode to; or why it cannot be read."""
    is_url = isinstance(capture, str)
    try:
        data = fetch(capture) if is_url else capture.read_bytes()
        name = _archive_name(capture) if is_url else capture.name
        return (data, name, unpack(data, name)), None
    except OSError as err:
        return None, Problem(capture, f"cannot be read: {err.strerror}")
    except Refused as refused:  # a URL's message names it; a file's is said of the file
        return None, Problem(None if is_url else capture, refused.message, hint=refused.hint)


def _seed_files(data: bytes, name: str, unpacked: Unpacked) -> _SeedFiles:
    if unpacked.kind == "text":
        seed_bytes = data if unpacked.encoding == "UTF-8" else unpacked.text.encode("utf-8")  # the site reads UTF-8
        return _SeedFiles(data, _seed_name(Path(name)), seed_bytes, None)
    # the saved page is the evidence, kept as it is; the text it shows goes beside it
    original_name = _seed_name(Path(name))
    return _SeedFiles(data, original_name + ".txt", unpacked.text.encode("utf-8"), original_name)


def _note_provenance(result: Ingested, capture: Path | str, unpacked: Unpacked, files: _SeedFiles) -> None:
    """What the capture declares of itself, and the digest of the file kept as evidence: the original, else the seed."""
    evidence = files.data if files.original_name else files.seed_bytes
    result.provenance = provenance(unpacked, evidence, files.original_name)
    if not isinstance(capture, str):
        result.provenance.modified = _modified_day(capture)
    result.kind = unpacked.kind


def _already_summarised(
    capture: Path | str, seed_name: str, seed_bytes: bytes, summarised: dict[str, tuple[Path, bytes | None]]
) -> Problem | None:
    """The same capture, under the same name, already has its page: ingest drafts for new captures only."""
    if seed_name in summarised and summarised[seed_name][1] == seed_bytes:
        return Problem(
            capture,
            f"is already in seeds/ as {seed_name}, summarised by {display_path(summarised[seed_name][0])}",
            hint="edit that page; ingest drafts a page for a new capture only",
        )
    return None


def _find_parts(result: Ingested, unpacked: Unpacked, config: Config) -> Parts:
    """The capture's title, body, dates and comments, its publisher, and the claims, sources and companies in it."""
    text = unpacked.text
    parts = split(text)
    overrule(parts, unpacked, result.provenance)
    result.parts, result.notes = parts, [*unpacked.notes, *parts.notes]
    _note_publisher(result, unpacked, parts, config)
    comment_texts = [c.text for c in parts.comments.comments]
    result.facts = find_facts(parts.body, comment_texts, config, result.publisher)
    linked = linked_source(parts.title, _lines_after(text, parts.title, 3), config)
    if linked is not None and linked.name not in {s.name for s in result.facts.sources}:
        result.facts.sources.insert(0, linked)
    result.notes += parts.comments.uncertain + result.facts.notes
    return parts


def _note_publisher(result: Ingested, unpacked: Unpacked, parts: Parts, config: Config) -> None:
    """The publisher the page declares, else the one its masthead shows; only a registered one is drafted."""
    found = result.publisher_found = declared_publisher(unpacked, config)
    if found is not None:
        result.provenance.publisher_declared = True
        result.provenance.declared.append(f"publisher “{found.name}”: {found.how}")  # registered or not
    else:
        found = result.publisher_found = _find_publisher(parts, unpacked.text, config)
    result.publisher = found.name if found and found.registered else None


def _choose_paths(result: Ingested, parts: Parts, files: _SeedFiles, target: Path, known: _KnownPages) -> Path | None:
    """The draft under a free slug and the seed in seeds/ (on `result`); returns where the original goes, if any."""
    slug = _slug(parts.title)
    result.recapture_of = known.same_story(parts, slug)
    folder = SiteFolder(target)
    result.page = _free_page(folder.content, slug)
    result.seed = folder.seeds / files.seed_name
    return folder.seeds / files.original_name if files.original_name else None


def _clash(capture: Path | str, path: Path | None, content: bytes) -> Problem | None:
    """Another file of this name in seeds/: nothing the user kept is overwritten, so the capture stops here."""
    if path is None or not path.exists() or path.read_bytes() == content:
        return None
    return Problem(
        capture,
        f"{display_path(path)} exists with other content: nothing was written for this capture",
        hint="rename the capture file so that its name is new in seeds/",
    )


def _write(result: Ingested, files: _SeedFiles, original: Path | None, page_text: str, known: _KnownPages) -> None:
    """The original and the seed (unless already there, the same), then the draft, which later captures compare with."""
    result.seed.parent.mkdir(parents=True, exist_ok=True)
    result.page.parent.mkdir(parents=True, exist_ok=True)
    for path, content in ((original, files.data), (result.seed, files.seed_bytes)):
        if path is not None and not path.exists():
            with path.open("xb") as out:
                out.write(content)
    with result.page.open("x", encoding="utf-8") as out:  # "x": never replace a page that appeared meanwhile
        out.write(page_text)
    known.add(result.page, page_text)


_TITLE_LINE = re.compile(r"^title:\s*(.+?)\s*$", re.MULTILINE)


class _KnownPages:
    """The pages already written or drafted in the sites ingest writes to, by folded headline and text: each
    read once per run, however many captures are compared with them."""

    def __init__(self, sites: list[Path]):
        self.sites = list(dict.fromkeys(sites))
        self._pages: dict[Path, list[tuple[Path, str, str]]] | None = None  # content folder -> its pages

    def same_story(self, parts: Parts, slug: str) -> Path | None:
        """A page of the same story: the same slug, headline, or opening paragraph."""
        headline = _folded(parts.title)
        opening = _folded(parts.body[0]) if parts.body and len(parts.body[0]) >= 60 else None
        for content, pages in self._read().items():
            if (content / f"{slug}.md").is_file():
                return content / f"{slug}.md"
            for page, title, text in pages:
                if (title and title == headline) or (opening and opening in text):
                    return page
        return None

    def add(self, page: Path, text: str) -> None:
        pages = self._read().setdefault(page.parent, [])
        pages.append(_known_page(page, text))

    def _read(self) -> dict[Path, list[tuple[Path, str, str]]]:
        if self._pages is None:
            self._pages = {}
            for content in (SiteFolder(site).content for site in self.sites):
                found = markdown_files(content)
                self._pages[content] = [_known_page(p, p.read_text(encoding="utf-8", errors="replace")) for p in found]
        return self._pages


def _known_page(page: Path, text: str) -> tuple[Path, str, str]:
    title = _TITLE_LINE.search(text[:4000])
    return page, _folded(title.group(1).strip("'\"")) if title else "", _folded(text)


def _folded(text: str) -> str:
    return " ".join(re.findall(r"\w+", text.casefold()))


def _free_page(content: Path, slug: str) -> Path:
    """content/<slug>.md, or the first of <slug>-2.md, <slug>-3.md, ... that is free: no page is overwritten."""
    page, n = content / f"{slug}.md", 2
    while page.exists():
        page, n = content / f"{slug}-{n}.md", n + 1
    return page


_KINDS = {"html": "saved page", "mhtml": "MHTML page", "warc": "web archive (WARC)", "wacz": "web archive (WACZ)"}


def _shown(capture: Path | str) -> str:
    return capture if isinstance(capture, str) else display_path(capture)


def _provenance_lines(found: Provenance | None) -> list[str]:
    if found is None:
        return []
    lines = [f"    declared by the page: {'; '.join(found.declared)}"] if found.declared else []
    known = [f"{key} {value}" for key, value in (("url", found.url), ("accessed", found.accessed)) if value]
    known += [f"authors {', '.join(found.authors)}"] if found.authors else []
    known += [f"language {found.language}"] if found.language else []
    if known:
        lines.append("    provenance: " + "; ".join(known))
    return lines


def _lines_after(text: str, title: str, count: int) -> list[str]:
    """The first `count` lines after the title's line in the capture (none if the title is not a line of it)."""
    lines = text.split("\n")
    at = next((i for i, line in enumerate(lines) if line.strip() == title), None)
    return [] if at is None else [line for line in lines[at + 1 :] if line.strip()][:count]


def _modified_day(capture: Path) -> str | None:
    try:
        return datetime.fromtimestamp(capture.stat().st_mtime, tz=UTC).date().isoformat()
    except (OSError, ValueError, OverflowError):
        return None


def _archive_name(url: str) -> str:
    """A fetched page's WARC file name, from its address: `example.com-news-huawei.warc.gz`."""
    parts = urlsplit(url)
    name = re.sub(r"[^\w.-]+", "-", f"{parts.hostname or 'page'}{parts.path}").strip(".-")[:80].rstrip(".-")
    return (name or "page") + ".warc.gz"


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
    folder = SiteFolder(site_dir)
    if folder.content.is_dir():
        for page in markdown_files(folder.content):
            match = _SEED_LINE.search(page.read_text(encoding="utf-8", errors="replace")[:4000])
            if match:
                seed = folder.seeds / match.group(1)
                seeds[match.group(1)] = (page, seed.read_bytes() if seed.is_file() else None)
    return seeds
