"""What ingest found -> the text of a draft content page that passes `check` as written.

Names the registries lack are never added to site.yaml: an unregistered source goes
in as `kind: anonymous` with a note saying so, and the report lists it.
"""

from __future__ import annotations

import yaml

from ..text import NormalisedText
from .comments import FoundComment
from .facts import Facts, FoundSource
from .structure import Parts

UNATTRIBUTED = "The article, unattributed"


def draft_page(parts: Parts, facts: Facts, seed: str, capture: str, publisher: str | None) -> tuple[str, list[str]]:
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
    front["date_note"] = _date_note(parts, facts)
    front["seed"] = seed
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


def _sources(found: list[FoundSource], publisher: str | None) -> list[dict]:
    entries = []
    for source in found:
        if source.name == publisher:
            continue
        entry: dict = {"name": source.name}
        if source.unnamed:
            entry["kind"] = "anonymous"
        elif not source.registered:
            entry["kind"] = "anonymous"
            entry["note"] = "Named by the article but not in the source registry: register it, then drop `kind`."
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
        return "Draft: dated from the byline under the headline; check it against the page."
    stated = "; ".join(facts.dates[:6])
    if stated:
        return f"Draft: no publication date was found in the capture. Dates stated in the text: {stated}."
    return "Draft: the capture states no publication date and no other date."


def _body(parts: Parts) -> str:
    lines = [
        "Draft made by `build.py ingest`: replace this with your summary of the article and your notes.",
        "Check every claim, source and company above against the capture, then remove `draft: true`.",
    ]
    if parts.body:
        lines += ["", "The article opens:", "", "> " + parts.body[0]]
    return "\n".join(lines) + "\n"
