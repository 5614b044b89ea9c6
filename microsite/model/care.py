"""What a careful editor would query: claims and digests that may say more than their capture does.

`check` prints these as notes, never errors (microsite/commands/check.py formats them). Each function
here looks for one thing and returns what it found; a note the page answers (`answered: {kind: why}`
on the claim, or on the `comments` mapping for the digest) is left out. Five notes:

- `hedge`: the quote hedges ("reportedly", "may"...) while the statement does not and the status
  (`reported` or `confirmed`) does not either;
- `figure`: the statement gives a number the quote does not;
- `attribution`: reports of one story quote the same passage but credit it to different sources;
- `digest`: the comments' digest speaks of "most" or "all" readers instead of counting them;
- `outcome`: a forecast (status forecast or a `due`) whose due date has passed has no `outcome`.

They are crude on purpose, word lists and digit runs, and cheap: one pass over the claims, a look at each
digest (the comments unpacked only for one that needs counting), and quotes compared pairwise only
within a story.
"""

from __future__ import annotations

import calendar
import datetime
import difflib
import re
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from ..dates import PartialDate
from ..text import normalise
from . import Article, Claim, Site
from .stories import source_key

# ---- hedge ------------------------------------------------------------------------------------

# What hedges a quote: a report passed on, or an outcome not yet certain. Matched as whole words, in any case.
HEDGES = (
    "reportedly",
    "rumor has it",
    "rumour has it",
    "apparently",
    "allegedly",
    "is said to",
    "are said to",
    "sources say",
    "it is understood",
    "may",
    "might",
    "could",
    "possibly",
    "likely",
)
# What carries a hedge into a statement: the hedges themselves, and the words a researcher puts for them.
STATEMENT_HEDGES = (
    *HEDGES,
    "said to",
    "rumoured",
    "rumored",
    "rumour",
    "rumor",
    "alleged",
    "expected",
    "reported",
    "reports",
    "according to",
    "believed",
    "thought to",
    "claims",
    "claimed",
    "would",
    "probably",
    "perhaps",
    "possible",
    "unconfirmed",
)
# The statuses that state a thing as so: a hedge in the quote is lost under them. `rumour`, `forecast`,
# `opinion` and `denied` say by themselves that it is not simply so.
FIRM_STATUSES = ("confirmed", "reported")


def _words_pattern(phrases: tuple[str, ...]) -> re.Pattern:
    longest_first = sorted(phrases, key=len, reverse=True)
    alternatives = "|".join(r"\s+".join(map(re.escape, phrase.split())) for phrase in longest_first)
    return re.compile(rf"\b(?:{alternatives})\b", re.IGNORECASE)


_HEDGE = _words_pattern(HEDGES)
_STATEMENT_HEDGE = _words_pattern(STATEMENT_HEDGES)
# "May" the month, not the verb: "in May", "May 2023", "20 May". A capital May at a sentence's start,
# "May be owned by...", is the verb.
_BEFORE_MONTH = re.compile(
    r"(?:\b(?:in|on|of|since|by|until|till|from|to|through|during|before|after|early|late|mid|last|next|this|"
    r"and|or)|\d)[\s-]*$",
    re.IGNORECASE,
)
_AFTER_MONTH = re.compile(r"^,?\s*\d")


def _is_month(text: str, match: re.Match) -> bool:
    if match.group() != "May":
        return False
    return bool(_BEFORE_MONTH.search(text, 0, match.start()) or _AFTER_MONTH.match(text[match.end() :]))


def hedges(text: str, statement: bool = False) -> list[str]:
    """The hedges in `text`, as written, each once; `statement`: with the words that carry one there."""
    pattern = _STATEMENT_HEDGE if statement else _HEDGE
    found: list[str] = []
    for match in pattern.finditer(text):
        written = " ".join(match.group().split())
        if not _is_month(text, match) and written.casefold() not in (f.casefold() for f in found):
            found.append(written)
    return found


@dataclass(eq=False)
class LostHedge:
    """A claim whose quote hedges while its statement and status state the thing as so."""

    claim: Claim
    hedges: list[str]  # the quote's, as written

    kind = "hedge"


def lost_hedges(site: Site) -> list[LostHedge]:
    found = []
    for claim in site.claims:
        if claim.status not in FIRM_STATUSES or "hedge" in claim.answered:
            continue
        quoted = hedges(claim.quote)
        if quoted and not hedges(claim.statement, statement=True):
            found.append(LostHedge(claim, quoted))
    return found


# ---- figure -----------------------------------------------------------------------------------

# A number as written: 38, 39.1, 30,000,000, 0.2 (of 0.2%), 5 (of $5bn); then the word that scales it.
_FIGURE = re.compile(r"\d+(?:[.,]\d+)*")
_THOUSANDS = re.compile(r",(?=\d{3}(?!\d))")
_SCALE = re.compile(r"\s*(thousand|million|billion|trillion|bn|m|k)\b", re.IGNORECASE)
_SCALES = {
    "thousand": 10**3,
    "k": 10**3,
    "million": 10**6,
    "m": 10**6,
    "billion": 10**9,
    "bn": 10**9,
    "trillion": 10**12,
}


def figures(text: str) -> list[tuple[str, set[Decimal]]]:
    """Each number in `text`, as written (with its scale word), and the values it may stand for: itself,
    and scaled when a word follows it ("38 million" is 38 and 38000000; "30,000,000" is 30000000)."""
    found = []
    for match in _FIGURE.finditer(text):
        digits = _THOUSANDS.sub("", match.group())
        try:
            value = Decimal(digits.replace(",", "."))
        except InvalidOperation:
            continue
        values = {value}
        written = match.group()
        scale = _SCALE.match(text, match.end())
        if scale:
            values.add(value * _SCALES[scale.group(1).lower()])
            written += scale.group()
        found.append((written, values))
    return found


def _dating(*dates: PartialDate | None) -> set[Decimal]:
    """The numbers a claim's own dates account for: a year, month or day a statement may name."""
    return {Decimal(part) for date in dates if date for part in (date.year, date.month, date.day) if part}


@dataclass(eq=False)
class MissingFigure:
    """A claim whose statement gives numbers its quote does not."""

    claim: Claim
    figures: list[str]  # the statement's, as written

    kind = "figure"


def missing_figures(site: Site) -> list[MissingFigure]:
    found = []
    for claim in site.claims:
        if "figure" in claim.answered:
            continue
        stated = _FIGURE.findall(claim.statement)
        if not stated or set(stated) <= set(_FIGURE.findall(claim.quote)):
            continue  # none, or each written as the quote writes it: the usual case, decided without values
        quoted = set().union(*(values for _written, values in figures(claim.quote)))
        dating = _dating(claim.event_date, claim.due)
        missing = [
            written
            for written, values in figures(claim.statement)
            if not values & quoted and not (written.isdigit() and values & dating)  # 2019, not 2019 million
        ]
        if missing:
            found.append(MissingFigure(claim, list(dict.fromkeys(missing))))
    return found


# ---- attribution ------------------------------------------------------------------------------

SAME_QUOTE = 0.9  # difflib's ratio of two normalised quotes, at or above which they are one passage
CONTAINED_WORDS = 6  # a quote inside another is the same passage only when it is at least this long
_SHARED_WORDS = 0.5  # below this share of words in common (Dice), two quotes are not nearly the same


def quote_key(quote: str) -> str:
    """A quote as compared: words only, folded, single-spaced."""
    return " ".join(re.findall(r"\w+", normalise(quote).casefold()))


def same_passage(a: str, b: str, words: tuple[frozenset, frozenset] | None = None) -> bool:
    """Whether two quotes as `quote_key` gives them are one passage: equal, one inside the other, or nearly
    the same (difflib's ratio at least SAME_QUOTE). `words`: their sets of words, when known already."""
    if a == b:
        return True
    short, long = (a, b) if len(a) <= len(b) else (b, a)
    if short.count(" ") + 1 >= CONTAINED_WORDS and short in long:
        return True
    if 2 * len(short) < SAME_QUOTE * (len(short) + len(long)):
        return False  # too different in length for the ratio to reach SAME_QUOTE
    first, second = words or (frozenset(a.split()), frozenset(b.split()))
    if 2 * len(first & second) < _SHARED_WORDS * (len(first) + len(second)):
        return False  # a passage 90% the same shares most of its words: spares difflib every other pair
    return difflib.SequenceMatcher(None, a, b, autojunk=False).ratio() >= SAME_QUOTE


@dataclass(eq=False)
class SplitCredit:
    """A claim that credits a quote to another source than other reports of its story credit it to."""

    claim: Claim
    others: list[Claim]  # the story's claims with the same quote and the usual credit, in report order

    kind = "attribution"


def split_credits(site: Site) -> list[SplitCredit]:
    """Within each story, claims of different reports quoting the same passage are grouped; where a group
    credits it to more than one source, each claim that departs from the group's usual credit (the most
    common; on a tie, the first report's) is found, naming the claims that give it. A claim that answers
    the note is left out of the comparison."""
    found = []
    for story in site.stories:
        claims = [c for article in story.articles for c in article.claims if "attribution" not in c.answered]
        for together in _same_quotes(claims):
            credits = Counter(source_key(c.source) for c in together)
            if len(credits) < 2:
                continue
            first = {key: n for n, key in reversed(list(enumerate(source_key(c.source) for c in together)))}
            usual = max(credits, key=lambda key: (credits[key], -first[key]))
            given = [c for c in together if source_key(c.source) == usual]
            found += [SplitCredit(c, given) for c in together if source_key(c.source) != usual]
    return found


def _same_quotes(claims: list[Claim]) -> list[list[Claim]]:
    """The claims grouped by passage: two of different reports that quote the same passage are in one group
    (and so, by the chain, are the claims matching either). Groups and members keep the claims' order."""
    keys = [quote_key(c.quote) for c in claims]
    words = [frozenset(key.split()) for key in keys]
    group = list(range(len(claims)))  # union-find over the claims' places

    def root(i: int) -> int:
        while group[i] != i:
            group[i] = group[group[i]]
            i = group[i]
        return i

    for i in range(len(claims)):
        for j in range(i + 1, len(claims)):
            if claims[i].article is not claims[j].article and same_passage(keys[i], keys[j], (words[i], words[j])):
                group[root(j)] = root(i)
    members: dict[int, list[Claim]] = {}
    for i, claim in enumerate(claims):
        members.setdefault(root(i), []).append(claim)
    return list(members.values())


# ---- digest -----------------------------------------------------------------------------------

# What a digest says of readers when it has not counted them. Matched as whole words, in any case.
SWEEPING = (
    "most",
    "mostly",
    "all",
    "every",
    "everyone",
    "everybody",
    "nearly all",
    "almost all",
    "the majority",
    "a majority",
    "overwhelmingly",
)
_SWEEPING = _words_pattern(SWEEPING)
# Not about how many readers: "at all", "after all", "above all", "all in all"; "the most upvoted", "at most",
# "most-read".
_IDIOM = re.compile(r"\b(?:at|after|above)\s+all\b|\ball\s+in\s+all\b|\b(?:the|at)\s+most\b|\bmost(?=-)", re.IGNORECASE)
_NUMBER = r"(?:\d+|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty)"
# A count: "2 of 6", "four out of the ten".
_COUNTED = re.compile(rf"\b{_NUMBER}\s+(?:of|out\s+of)\s+(?:the\s+)?{_NUMBER}\b", re.IGNORECASE)


@dataclass(eq=False)
class OverstatedDigest:
    """A comments digest that speaks of most or all readers without counting them."""

    article: Article
    words: list[str]  # as written
    count: int  # the comments listed
    stances: list[tuple[str, int]]  # how many comments take each stance, most first

    kind = "digest"


def overstated_digests(site: Site) -> list[OverstatedDigest]:
    found = []
    for article in site.articles:
        if not article.digest:
            continue  # no comments section
        text = _IDIOM.sub(" ", article.digest)
        words = list(dict.fromkeys(" ".join(m.group().split()) for m in _SWEEPING.finditer(text)))
        if not words or _COUNTED.search(text):
            continue
        comments = article.comments  # unpacked only now: most digests need not be
        if comments is not None and "digest" not in comments.answered:
            stances = Counter(c.stance for c in comments.items).most_common()
            found.append(OverstatedDigest(article, words, len(comments.items), stances))
    return found


# ---- outcome ----------------------------------------------------------------------------------


def today() -> datetime.date:
    """The day `check` runs (tests put another in its place)."""
    return datetime.date.today()


def period_end(date: PartialDate) -> datetime.date:
    """The last day of a date's period: 31 Dec for a year, a month's last day, or the day itself."""
    if date.day:
        return datetime.date(date.year, date.month, date.day)
    if date.month:
        return datetime.date(date.year, date.month, calendar.monthrange(date.year, date.month)[1])
    return datetime.date(date.year, 12, 31)


@dataclass(eq=False)
class MissingOutcome:
    """A forecast whose due date has passed (the whole of its period) with no outcome given."""

    claim: Claim

    kind = "outcome"


def missing_outcomes(site: Site) -> list[MissingOutcome]:
    now = today()
    return [
        MissingOutcome(claim)
        for claim in site.claims
        if claim.forecast
        and claim.due is not None
        and not claim.outcome
        and "outcome" not in claim.answered
        and period_end(claim.due) < now
    ]


def queries(site: Site) -> list:
    """Every note, page by page in file order, each page's in the order of its front matter."""
    found = [
        *lost_hedges(site),
        *missing_figures(site),
        *split_credits(site),
        *overstated_digests(site),
        *missing_outcomes(site),
    ]
    order = {"hedge": 0, "figure": 1, "attribution": 2, "digest": 3, "outcome": 4}

    def place(query) -> tuple:
        claim = getattr(query, "claim", None)
        article = claim.article if claim else query.article
        index = article.claims.index(claim) if claim else len(article.claims)
        return (str(article.file), index, order[query.kind])

    return sorted(found, key=place)
