"""What ingest found -> the text of a draft content page that passes `check` as written.

Names the registries lack are never added to site.yaml: an unregistered source goes
in as `kind: anonymous` with a note saying so, and the report lists it. A claim the
article makes in its own voice cites its publisher, or, when ingest cannot name one, the
article itself as a `kind: own-voice` source.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import yaml

from ..text import NormalisedText
from .comments import FoundComment
from .facts import Facts, FoundSource
from .structure import Parts

if TYPE_CHECKING:  # reading saved pages loads trafilatura: only ingest needs it, and only for them
    from .declared import Provenance

UNATTRIBUTED = "The article, unattributed"
OWN_VOICE_NOTE = "The article's own statements: the capture does not show who published it."


def draft_page(
    parts: Parts,
    facts: Facts,
    seed: str,
    capture: str,
    publisher: str | None,
    recapture_of: str | None = None,
    provenance: Provenance | None = None,
) -> tuple[str, list[str]]:
    """The page's text, and notes on what was left out because it could not be checked."""
    notes: list[str] = []
    where = NormalisedText(capture)
    sources = _sources(facts.sources, publisher)
    names = {entry["name"] for entry in sources} | ({publisher} if publisher else set())
    claims = []
    for claim in facts.claims:
        if where.find(claim.quote) is None:
            notes.append(f"claim `{claim.id}` left out: its sentence could not be found verbatim")
            continue
        source = claim.source.name if claim.source else (publisher or UNATTRIBUTED)
        if source not in names:
            if source == UNATTRIBUTED:  # the article's own voice, its publisher not known
                sources.append({"name": source, "kind": "own-voice", "note": OWN_VOICE_NOTE})
            else:
                sources.append({"name": source, "kind": "anonymous"})
            names.add(source)
        entry = {"id": claim.id, "statement": claim.quote, "quote": claim.quote, "source": source}
        if claim.companies:
            entry["companies"] = claim.companies
        entry["status"] = claim.status
        if claim.event_date:
            entry["event_date"] = claim.event_date
        claims.append(entry)

    front: dict = {"title": parts.title, "draft": True}
    if publisher:
        front["publisher"] = publisher
    if parts.published:
        front["published"] = parts.published
    declared = provenance is not None and provenance.publisher_declared  # said with the other declared values
    front["date_note"] = _date_note(parts, facts) + ("" if declared else _publisher_note(parts, publisher))
    if recapture_of:
        front["date_note"] += f" This capture seems to be another capture of {recapture_of}: compare the two."
    front["seed"] = seed
    if provenance is not None:
        front.update(_provenance(provenance))
        front["date_note"] += _provenance_note(provenance)
    if facts.companies:
        front["companies"] = facts.companies
    if sources:
        front["sources"] = sources
    if claims:
        front["claims"] = claims
    comments = _comments(parts.comments.comments, where, notes)
    if comments:
        front["comments"] = {
            "digest": f"Draft: {len(comments)} reader comments, not yet summarised.",
            "items": comments,
        }
    text = "---\n" + yaml.safe_dump(front, sort_keys=False, allow_unicode=True, width=100) + "---\n"
    return text + _body(parts), notes


def _provenance(found: Provenance) -> dict:
    """The provenance keys, in the order docs/content-format.md lists them; only those known."""
    keys = {"original": found.original, "url": found.url, "accessed": found.accessed}
    keys |= {"authors": found.authors, "language": found.language, "sha256": found.sha256}
    return {key: value for key, value in keys.items() if value}


def _provenance_note(found: Provenance) -> str:
    declared = f" Declared by the page: {'; '.join(found.declared)}." if found.declared else ""
    if found.accessed:
        return declared
    modified = f" (the file was last changed on {found.modified}: if you saved it then, that is the day)"
    return declared + " Set `accessed` to the day the page was saved" + (modified if found.modified else "") + "."


def _sources(found: list[FoundSource], publisher: str | None) -> list[dict]:
    entries = []
    for source in found:
        if source.name == publisher:
            continue
        entry: dict = {"name": source.name}
        said = f"{source.note}, as the article has it" if source.note else ""  # "Canalys Research Manager"
        if source.unnamed or not source.registered:
            entry["kind"] = "anonymous"
        if not source.unnamed and not source.registered:
            unregistered = "named by the article but not in the source registry: register it, then drop `kind`."
            entry["note"] = f"{said}; {unregistered}" if said else unregistered[0].upper() + unregistered[1:]
        elif said:
            entry["note"] = said
        entries.append(entry)
    return entries


def _comments(found: list[FoundComment], where: NormalisedText, notes: list[str]) -> list[dict]:
    items: list[dict] = []
    seen: set[str] = set()
    for comment in found:
        if comment.id in seen or where.find(comment.text) is None:
            notes.append(f"comment {comment.id} left out: its text could not be found verbatim")
            continue
        item: dict = {"id": comment.id}
        if comment.author:
            item["author"] = comment.author
        if comment.reply_to and comment.reply_to in seen:
            item["reply_to"] = comment.reply_to
        item["text"] = comment.text
        if comment.quoting and where.find(comment.quoting) is not None:
            item["quoting"] = comment.quoting
        item["stance"] = "neutral"
        for key in ("votes", "posts", "member_since", "age"):
            value = getattr(comment, key)
            if value is not None:
                item[key] = value
        items.append(item)
        seen.add(comment.id)
    return items


def _date_note(parts: Parts, facts: Facts) -> str:
    if parts.published:
        return f"Draft: dated from {parts.date_how or 'the byline under the headline'}; check it against the page."
    stated = "; ".join(facts.dates[:6])
    if stated:
        return f"Draft: no publication date was found in the capture. Dates stated in the text: {stated}."
    return "Draft: the capture states no publication date and no other date."


def _publisher_note(parts: Parts, publisher: str | None) -> str:
    """Where the publisher was read, when that is less than certain; a guess is said to be one."""
    site = parts.site
    if publisher is None and site is not None:
        guess = "" if site.confirmed else ", shown nowhere else in the capture"
        return (
            f" Publisher: the page names itself “{site.name}” ({site.how}{guess}), which the source registry "
            "lacks: register it in site.yaml, then set `publisher`."
        )
    if publisher and site is None and not parts.self_named:
        return f" Publisher: {publisher} is a guess from an address in the capture; check it."
    if publisher and site is not None and not site.confirmed:
        return f" Publisher: {publisher} is read from {site.how} alone; check it."
    return ""


def _body(parts: Parts) -> str:
    lines = [
        "Draft made by `build.py ingest`: replace this with your summary of the article and your notes.",
        "Check every claim, source and company above against the capture, then remove `draft: true`.",
    ]
    if parts.body:
        lines += ["", "The article opens:", "", "> " + parts.body[0]]
    return "\n".join(lines) + "\n"
