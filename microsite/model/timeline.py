"""Articles by publication date, claims by event date and by due date, grouped by year and month.

A due date (a forecast's or a promise's "by 2019") is a deadline, not an event: it has an entry
of its own kind, "due", never one of kind "event".

Honest about precision: an item known to the month sits in its month with no day;
an item known to the year sits at the head of its year; undated articles are apart.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..dates import PartialDate
from . import Article, Claim, Company

KINDS = ("published", "event", "due")  # in this order within a day, a month or a year


@dataclass
class Entry:
    date: PartialDate | None
    kind: str  # one of KINDS
    article: Article
    claim: Claim | None = None

    @property
    def companies(self) -> list[Company]:
        if self.claim is not None and self.claim.companies:
            return self.claim.companies
        return self.article.companies


@dataclass
class Period:
    """A month of a year, or (month None) the part of a year known only to the year."""

    year: int
    month: int | None
    entries: list[Entry] = field(default_factory=list)

    @property
    def label(self) -> str:
        return PartialDate(self.year, self.month).human() if self.month else f"{self.year}, month not known"

    @property
    def anchor(self) -> str:
        return f"y{self.year}-" + (f"{self.month:02d}" if self.month else "year")


@dataclass
class Year:
    year: int
    periods: list[Period] = field(default_factory=list)


@dataclass
class Timeline:
    years: list[Year]
    undated: list[Entry]

    @property
    def is_empty(self) -> bool:
        return not self.years and not self.undated

    @property
    def companies(self) -> list[Company]:
        """Every company an entry concerns, for the filter."""
        seen: dict[int, Company] = {}
        for entry in self.entries():
            for company in entry.companies:
                seen.setdefault(id(company), company)
        return sorted(seen.values(), key=lambda c: c.name.casefold())

    def part(self, part) -> Timeline:
        """Only what falls in one part of a split page (microsite/paging.py Part)."""
        if part.year is None:
            return Timeline([], self.undated)
        years = []
        for year in self.years:
            periods = [p for p in year.periods if part.holds(PartialDate(p.year, p.month))]
            if periods:
                years.append(Year(year.year, periods))
        return Timeline(years, [])

    def entries(self):
        for year in self.years:
            for period in year.periods:
                yield from period.entries
        yield from self.undated


def build(articles: list[Article], company: Company | None = None) -> Timeline:
    dated: list[Entry] = []
    undated: list[Entry] = []
    for article in articles:
        if company is None or company in article.companies or any(company in c.companies for c in article.claims):
            entry = Entry(article.published, "published", article)
            (dated if article.published else undated).append(entry)
        for claim in article.claims:
            if company is None or company in claim.companies:
                if claim.event_date:
                    dated.append(Entry(claim.event_date, "event", article, claim))
                if claim.due:
                    dated.append(Entry(claim.due, "due", article, claim))

    dated.sort(key=lambda e: (e.date.sort_key(), KINDS.index(e.kind), e.article.title.casefold()))
    years: list[Year] = []
    for entry in dated:
        if not years or years[-1].year != entry.date.year:
            years.append(Year(entry.date.year))
        periods = years[-1].periods
        if not periods or periods[-1].month != entry.date.month:
            periods.append(Period(entry.date.year, entry.date.month))
        periods[-1].entries.append(entry)
    undated.sort(key=lambda e: e.article.title.casefold())
    return Timeline(years, undated)
