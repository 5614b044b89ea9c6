"""Dates with an honest precision: a year, a month or a day, never more than was known."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass

_PATTERN = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
_MONTHS = [calendar.month_abbr[m] for m in range(13)]
_MONTH_NAMES = [calendar.month_name[m] for m in range(13)]


def earliest(dates) -> PartialDate | None:
    """The first of some dates (None among them ignored), or None."""
    known = [d for d in dates if d]
    return min(known, key=PartialDate.sort_key) if known else None


def latest(dates) -> PartialDate | None:
    known = [d for d in dates if d]
    return max(known, key=PartialDate.sort_key) if known else None


@dataclass(frozen=True, order=True)
class PartialDate:
    year: int
    month: int | None = None
    day: int | None = None

    @classmethod
    def parse(cls, value: object) -> PartialDate:
        """'2017', '2017-12' or '2017-12-08' (or the int 2017) -> PartialDate.

        Raises ValueError with a message fit for the user.
        """
        text = str(value).strip()
        match = _PATTERN.match(text)
        if not match:
            raise ValueError(f"`{text}` is not a date of the form YYYY, YYYY-MM or YYYY-MM-DD")
        year, month, day = (int(g) if g else None for g in match.groups())
        if month is not None and not 1 <= month <= 12:
            raise ValueError(f"`{text}` has no month {month:02d}: months run from 01 to 12")
        if day is not None:
            last = calendar.monthrange(year, month)[1]
            if not 1 <= day <= last:
                raise ValueError(f"`{text}` is impossible: {_MONTH_NAMES[month]} {year} has {last} days")
        return cls(year, month, day)

    @property
    def precision(self) -> str:
        return "day" if self.day else "month" if self.month else "year"

    def iso(self) -> str:
        """As written in the content: 2017, 2017-12 or 2017-12-08 (also valid for <time datetime>)."""
        parts = [f"{self.year:04d}"]
        if self.month:
            parts.append(f"{self.month:02d}")
        if self.day:
            parts.append(f"{self.day:02d}")
        return "-".join(parts)

    def human(self) -> str:
        """2017, Dec 2017 or 8 Dec 2017: the precision shows."""
        if self.day:
            return f"{self.day} {_MONTHS[self.month]} {self.year}"
        if self.month:
            return f"{_MONTHS[self.month]} {self.year}"
        return str(self.year)

    def timestamp(self) -> str:
        """The period's first moment, where a format demands a full timestamp (Atom)."""
        return f"{self.year:04d}-{self.month or 1:02d}-{self.day or 1:02d}T00:00:00Z"

    def sort_key(self) -> tuple[int, int, int]:
        """Less precise dates sort first within their period ('Dec 2017' before '8 Dec 2017')."""
        return (self.year, self.month or 0, self.day or 0)

    def __str__(self) -> str:
        return self.iso()
