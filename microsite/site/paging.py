"""Big index pages in parts: a year a page, and a busy year in runs of months, so that no page grows past ~1 MB.

A page that lists many dated things (the timeline, a company's page, a source's page) stays one page while
what it lists is small. Past SPLIT_ABOVE its address becomes a landing that lists the parts, and each part
holds one year; a year too big for one part (PART_LIMIT) is cut into equal runs of months. The first part
of a year always has the year's own address (`2017`), so a link to a year stays good as the year fills up.
Sizes are estimated from what a page lists (bytes of HTML per card, claim row or timeline entry).
"""

from __future__ import annotations

import calendar
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from ..dates import PartialDate
from ..model import Article

SPLIT_ABOVE = 400_000  # estimated bytes of listed items past which a page is split into a landing and parts
PART_LIMIT = 900_000  # estimated bytes one part may hold before its year is cut into runs of months
# Estimated HTML bytes of one listed item, measured on built pages of the synthetic corpus (bench/corpus.py).
TIMELINE_ENTRY, FORECAST_ROW = 600, 600  # the timeline, the forecasts
ARTICLE_LINE, CLAIM_INDEX_ROW = 260, 450  # company and source pages: an article's line, a claim's row
_RUNS = (1, 2, 3, 4, 6, 12)  # ways of cutting a year into equal runs of months


@dataclass(frozen=True)
class Part:
    year: int | None  # None: the undated part
    first_month: int = 1
    last_month: int = 12

    @property
    def slug(self) -> str:
        if self.year is None:
            return "undated"
        return str(self.year) if self.first_month == 1 else f"{self.year}-{self.first_month:02d}"

    @property
    def whole_year(self) -> bool:
        return self.first_month == 1 and self.last_month == 12

    @property
    def months(self) -> str:
        """The months it covers within its year, for a year cut into runs ("January to June")."""
        first, last = calendar.month_name[self.first_month], calendar.month_name[self.last_month]
        return first if first == last else f"{first} to {last}"

    @property
    def label(self) -> str:
        if self.year is None:
            return "Undated"
        return str(self.year) if self.whole_year else f"{self.months} {self.year}"

    def holds(self, date: PartialDate | None) -> bool:
        """Whether a thing of this date belongs here; one known only to the year goes with January."""
        if date is None:
            return self.year is None
        return date.year == self.year and self.first_month <= (date.month or 1) <= self.last_month


def split(weighted: Iterable[tuple[PartialDate | None, int]]) -> list[Part] | None:
    """The parts for things of these dates and estimated sizes, oldest first and undated last; None: one page."""
    by_month: dict[int | None, list[int]] = defaultdict(lambda: [0] * 13)
    total = 0
    for date, size in weighted:
        by_month[date.year if date else None][(date.month or 1) if date else 1] += size
        total += size
    if total <= SPLIT_ABOVE:
        return None
    parts = [part for year in sorted(y for y in by_month if y is not None) for part in _year(year, by_month[year])]
    return parts + ([Part(None)] if None in by_month else [])


def _year(year: int, sizes: list[int]) -> list[Part]:
    """The year in the fewest equal runs of months that each fit a part; empty runs join their neighbour."""
    for runs in _RUNS:
        length = 12 // runs
        bounds = [(1 + i * length, (i + 1) * length) for i in range(runs)]
        if all(sum(sizes[first : last + 1]) <= PART_LIMIT for first, last in bounds):
            break
    parts: list[Part] = []
    start = 1
    for first, last in bounds:
        if not any(sizes[first : last + 1]):
            continue
        if parts:
            parts[-1] = Part(year, parts[-1].first_month, first - 1)  # it takes the empty months before this run
            start = first
        parts.append(Part(year, start, last))
    parts[-1] = Part(year, parts[-1].first_month, 12)
    return parts


@dataclass
class Split:
    """A page split into parts, and the navigation between them.

    A part's navigation links every year (to its first part), the other parts of its own year and the
    parts before and after: it changes with the set of years and with its own year's cut, never with
    the contents of another year. `dependencies` names the articles that decide exactly that."""

    parts: list[Part]
    paths: dict[Part, str]  # site-root-relative path of each part
    landing: str  # the path of the landing page

    def __post_init__(self):
        self._by_month = {
            (part.year, month): part for part in self.parts for month in range(part.first_month, part.last_month + 1)
        }

    def part_of(self, date: PartialDate | None) -> Part:
        """The part a thing of this date is in."""
        return self._by_month[(date.year, date.month or 1) if date else (None, 1)]

    def part_of_or_none(self, date: PartialDate | None) -> Part | None:
        """The part a thing of this date is in; None for a month none of the parts covers."""
        return self._by_month.get((date.year, date.month or 1) if date else (None, 1))

    def years(self) -> list[Part]:
        """The first part of every year (and the undated part): the year list."""
        return [part for part in self.parts if part.first_month == 1]

    def of_year(self, part: Part) -> list[Part]:
        return [other for other in self.parts if other.year == part.year]

    def previous(self, part: Part) -> Part | None:
        """The part before in its year, else the first part of the year before (a link to a year goes there)."""
        index = self.parts.index(part)
        if index == 0:
            return None
        before = self.parts[index - 1]
        return before if before.year == part.year else next(p for p in self.of_year(before) if p.first_month == 1)

    def next(self, part: Part) -> Part | None:
        index = self.parts.index(part)
        return self.parts[index + 1] if index + 1 < len(self.parts) else None

    def dependencies(self, dated: Iterable[tuple[PartialDate | None, Article]]) -> dict[Part, tuple[Article, ...]]:
        """For each part, the articles its page must be rebuilt for (its `shows`), from every dated thing the
        page lists and its article: those of the part's own year, whose sizes decide the year's cut, and one
        article of every other year, whose date would change should that year empty. A year that appears
        brings a new article into the list, so each page is rebuilt then too."""
        by_year: dict[int | None, dict[int, Article]] = defaultdict(dict)
        for date, article in dated:
            by_year[date.year if date else None].setdefault(id(article), article)
        first_of_year = {year: next(iter(found.values())) for year, found in by_year.items()}
        found: dict[int | None, tuple[Article, ...]] = {}
        for year, own in by_year.items():
            shows = dict(own)
            for other, article in first_of_year.items():
                if other != year:
                    shows.setdefault(id(article), article)
            found[year] = tuple(shows.values())
        return {part: found[part.year] for part in self.parts}
