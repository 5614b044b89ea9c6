"""Dates as captures write them ("Dec 11, 2017", "11 December 2017", "2017-12-11"), as ISO text.

One place for the month names, shared by the byline, the claims and the comments.
"""

from __future__ import annotations

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
