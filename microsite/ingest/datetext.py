"""Dates as captures write them ("Dec 11, 2017", "11 December 2017", "2017-12-11"), as ISO text.

One place for the month names, shared by the byline, the claims and the comments. Datelines
also write "2019/05/14" and "Oct 18 '22" (`dateline_date`); a relative age ("2 hours ago")
is never a date, and a day without its year is not completed with a guessed one.
"""

from __future__ import annotations

import datetime
import re

MONTH = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?"
    r"|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
)
_NUMBERS = {
    name: n
    for n, name in enumerate(["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], 1)
}
_ORDINAL = r"(?:st|nd|rd|th)?"
FULL_DATE = re.compile(
    rf"\b(?:(?P<m1>{MONTH}) (?P<d1>\d{{1,2}}){_ORDINAL},? (?P<y1>\d{{4}})"
    rf"|(?P<d2>\d{{1,2}}){_ORDINAL} (?P<m2>{MONTH}),? (?P<y2>\d{{4}})"
    r"|(?P<iso>\d{4}-\d{2}-\d{2}))\b"
)
MONTH_YEAR = re.compile(rf"\b(?P<month>{MONTH}),? (?P<year>\d{{4}})\b")
DAY_WITHOUT_YEAR = re.compile(rf"\b(?:on |since )?{MONTH} \d{{1,2}}{_ORDINAL}\b(?!,? \d{{4}})")


def iso_date(text: str) -> str | None:
    """The first full date in the text as YYYY-MM-DD, or None."""
    match = FULL_DATE.search(text)
    if not match:
        return None
    if match.group("iso"):
        return match.group("iso")
    year, month, day = (match.group(f"{k}1") or match.group(f"{k}2") for k in "ymd")
    return f"{year}-{_NUMBERS[month[:3].lower()]:02d}-{int(day):02d}" if 1 <= int(day) <= 31 else None


def iso_month(text: str) -> str | None:
    """The first "Month YYYY" in the text as YYYY-MM, or None."""
    match = MONTH_YEAR.search(text)
    return f"{match.group('year')}-{_NUMBERS[match.group('month')[:3].lower()]:02d}" if match else None


# Forms only datelines use: "2019/05/14" and "Oct 18 '22" (a year of two digits after an apostrophe).
_SLASHED = re.compile(r"(?<![\d/])(?P<y>(?:19|20)\d{2})/(?P<m>\d{1,2})/(?P<d>\d{1,2})(?![\d/])")
_SHORT_YEAR = re.compile(rf"\b(?P<m>{MONTH}) (?P<d>\d{{1,2}}){_ORDINAL},? ['’](?P<y>\d{{2}})\b")


def dateline_date(text: str) -> str | None:
    """The first date a dateline states, as YYYY-MM-DD, if it is a day of the calendar; else None."""
    found = []
    if match := FULL_DATE.search(text):
        found.append((match.start(), iso_date(match.group(0))))
    if match := _SLASHED.search(text):
        found.append((match.start(), f"{match['y']}-{int(match['m']):02d}-{int(match['d']):02d}"))
    if match := _SHORT_YEAR.search(text):
        month = _NUMBERS[match["m"][:3].lower()]
        found.append((match.start(), f"20{match['y']}-{month:02d}-{int(match['d']):02d}"))
    for _, iso in sorted(found):
        if iso and _is_calendar_day(iso):
            return iso
    return None


def _is_calendar_day(iso: str) -> bool:
    try:
        datetime.date.fromisoformat(iso)
    except ValueError:
        return False
    return True
