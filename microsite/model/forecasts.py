"""Forecasts and what became of them: every claim that says what will happen (status forecast, or a `due`),
in due order, its outcome, the evidence, and a source's track record."""

from __future__ import annotations

from dataclasses import dataclass

from ..dates import PartialDate
from . import Claim, Company, Source


def sort_key(claim: Claim) -> tuple:
    """By due date, earliest first (a year before a day within it); undated last; ties by article and claim."""
    due = (0, claim.due.sort_key()) if claim.due else (1, (0, 0, 0))
    return (*due, claim.article.slug, claim.id)


def filed_under(claim: Claim) -> PartialDate | None:
    """Where a big Forecasts page lists a forecast: the year it is due, or without a due date the year its
    article was published (when it was made)."""
    return claim.due or claim.article.published


def forecasts(claims: list[Claim]) -> list[Claim]:
    """The forecasts among these claims, in due order."""
    return sorted((claim for claim in claims if claim.forecast), key=sort_key)


@dataclass(frozen=True)
class TrackRecord:
    made: int
    resolved: int  # came true, partly, or did not: not open, unclear or without an outcome
    came_true: int
    partly: int
    did_not: int


def track_record(claims: list[Claim]) -> TrackRecord:
    """How a source's forecasts (among these claims) turned out."""
    made = [claim for claim in claims if claim.forecast]
    outcomes = [claim.outcome for claim in made]
    return TrackRecord(
        made=len(made),
        resolved=sum(claim.resolved for claim in made),
        came_true=outcomes.count("came-true"),
        partly=outcomes.count("partly"),
        did_not=outcomes.count("did-not"),
    )


def resolving_claim(claims_by_ref: dict[str, Claim], claim: Claim) -> Claim | None:
    """The claim of this site that `resolved_by` names (`article-slug#claim-id`), or None: a URL, or none."""
    if not claim.resolved_by or claim.resolved_by_url:
        return None
    return claims_by_ref.get(claim.resolved_by)


def claims_by_ref(claims: list[Claim]) -> dict[str, Claim]:
    return {f"{claim.article.slug}#{claim.id}": claim for claim in claims}


def by_company(found: list[Claim], companies: list[Company]) -> list[tuple[Company, list[Claim]]]:
    """The forecasts about each company (in the order given), companies without one left out."""
    groups = [(company, [claim for claim in found if company in claim.companies]) for company in companies]
    return [(company, claims) for company, claims in groups if claims]


def by_source(found: list[Claim]) -> list[tuple[Source, list[Claim]]]:
    """The forecasts of each source, by name."""
    groups: dict[int, tuple[Source, list[Claim]]] = {}
    for claim in found:
        groups.setdefault(id(claim.source), (claim.source, []))[1].append(claim)
    return sorted(groups.values(), key=lambda group: group[0].name.casefold())
