"""Stories: the articles that report one story, and what each report adds or says otherwise.

A story is the set of articles that share a `story` key. Their claims are matched across
reports, so a report's page can say what the others add or state differently, and the
story's page can set the claims side by side. Articles that look like one story but share
no key are found too, for `check` to suggest a key.

Claims match when they say the same thing in other words. Researchers paraphrase, so the
score is mostly word overlap, with small bonuses for the same source and the same
companies (see `claim_similarity`).
"""

from __future__ import annotations

import calendar
import datetime
import re
from dataclasses import dataclass, field
from itertools import combinations

from ..dates import PartialDate, earliest, latest
from ..text import fold, normalise, slugify
from . import Article, Claim, Company, Site, Source, StoryInfo

# Two claims of a story are one claim reported twice when their score reaches this. On the
# shipped story the clear pairs (the carrier talks, Xiaomi's two-year plan, Xiaomi's stores)
# score 0.55 to 0.62. Below come the near misses: 0.49 for the talks against PhoneArena's
# narrower "the Mate 10 Pro would likely come to AT&T and Verizon", 0.44 for two claims that
# merely both name a Mate 10 launch. A false match would show a difference that is not
# there, a missed one only lists a claim as added, so the threshold errs on the high side.
MATCH_THRESHOLD = 0.5
SOURCE_BONUS = 0.1  # the same source, which a story's reports mostly relay
COMPANIES_BONUS = 0.1  # times the share of companies the two claims have in common

# Suggestions: articles without a shared key that look like one story (see `suggestions`).
SUGGEST_WITHIN_DAYS = 45  # news and its echoes come within weeks
SUGGEST_SHARED_COMPANIES = 2
VERY_SIMILAR = 0.5  # word overlap alone, without the bonuses: the same passage in other words

# Words that say nothing about what a claim is about.
_STOP_TEXT = """
    a about according after also an and another any are as at be been before being but by can could did do
    does each even every for from had has have he her his i if in into is it its may me might more most must
    my no not of on only or other our out over per report reported reportedly said say says she should so
    some still such than that the their them then these they this those to under up very was we were what
    when where which while who whom whose will with would you your
"""
_STOP_WORDS = frozenset(_STOP_TEXT.split())
_WORD = re.compile(r"\d+(?:[.,]\d+)*|[^\W\d_]+")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")


def content_words(text: str) -> frozenset[str]:
    """The words that carry meaning, folded and crudely stemmed ('negotiating' = 'negotiations')."""
    words = _WORD.findall(fold(normalise(text)))
    return frozenset(_stem(w) for w in words if w not in _STOP_WORDS and (len(w) > 1 or w.isdigit()))


def _stem(word: str) -> str:
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        word = word[:-1]
    for suffix in ("ing", "ion", "ed", "e"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word


def claim_words(claim: Claim) -> frozenset[str]:
    return content_words(f"{claim.statement} {claim.quote}")


def word_overlap(a: frozenset[str], b: frozenset[str]) -> float:
    """Dice's coefficient: 1 for the same words, 0 for none in common."""
    return 2 * len(a & b) / (len(a) + len(b)) if a and b else 0.0


def claim_similarity(a: Claim, b: Claim, words: dict | None = None) -> float:
    """How likely two claims are one claim: word overlap of statement and quote, plus a bonus
    for the same source and one for shared companies. Claims about different companies never match."""
    if a.companies and b.companies and not set(a.companies) & set(b.companies):
        return 0.0
    words = words if words is not None else {}
    mine = words.get(id(a)) or claim_words(a)
    theirs = words.get(id(b)) or claim_words(b)
    score = word_overlap(mine, theirs)
    if source_key(a.source) == source_key(b.source):
        score += SOURCE_BONUS
    companies = set(a.companies) | set(b.companies)
    if companies:
        score += COMPANIES_BONUS * len(set(a.companies) & set(b.companies)) / len(companies)
    return score


def source_key(source: Source) -> str:
    """Registered sources by their entry; unnamed ones by their description; an article's own voice (its
    publisher unknown) by itself: two reports' own voices are two publishers, not one source."""
    if source.own_voice:
        return f"own-voice:{id(source)}"
    return source.slug if source.registered else "unnamed:" + fold(source.name)


def figures(text: str) -> frozenset[str]:
    return frozenset(_NUMBER.findall(text))


def _day_range(value: PartialDate) -> tuple[datetime.date, datetime.date]:
    """The first and last day a date of its precision can mean."""
    if value.day:
        day = datetime.date(value.year, value.month, value.day)
        return day, day
    if value.month:
        last = calendar.monthrange(value.year, value.month)[1]
        return datetime.date(value.year, value.month, 1), datetime.date(value.year, value.month, last)
    return datetime.date(value.year, 1, 1), datetime.date(value.year, 12, 31)


def days_apart(a: PartialDate, b: PartialDate) -> int:
    """The fewest days between the two dates as their precision allows (0 when they may be the same day)."""
    (a_first, a_last), (b_first, b_last) = _day_range(a), _day_range(b)
    return max(0, (b_first - a_last).days, (a_first - b_last).days)


# ---- the model ---------------------------------------------------------------------------


@dataclass(eq=False)
class ClaimDifference:
    """A claim of one report matched with a claim of another that says it otherwise."""

    claim: Claim
    other: Claim
    aspects: list[str]  # "status", "figures", "source", "event date"


def differences(claim: Claim, other: Claim) -> list[str]:
    """What two matched claims state differently. An event date that only one of them gives,
    or that one gives more precisely, is not a difference: only dates that cannot agree are."""
    aspects = []
    if claim.status != other.status:
        aspects.append("status")
    mine, theirs = figures(claim.statement), figures(other.statement)
    if mine and theirs and mine != theirs:
        aspects.append("figures")
    if source_key(claim.source) != source_key(other.source):
        aspects.append("source")
    if claim.event_date and other.event_date and days_apart(claim.event_date, other.event_date) > 0:
        aspects.append("event date")
    return aspects


@dataclass(eq=False)
class ClaimGroup:
    """One claim as several reports of a story make it: at most one claim per report."""

    claims: list[Claim]  # in the story's report order
    cells: list[Claim | None] = field(default_factory=list)  # one per report of the story: its claim or None
    aspects: list[str] = field(default_factory=list)  # what any two of them state differently


@dataclass(eq=False)
class Report:
    """One article of a story, with what it has that the story's other reports lack."""

    article: Article
    adds: list[Claim]  # claims no other report makes
    differs: list[ClaimDifference]  # its claims that another report states otherwise
    sources_only: list[Source]  # sources no other report cites (its own publisher aside)
    companies_only: list[Company]  # companies no other report names


@dataclass(eq=False)
class PeerReport:
    """Another report of the story, as one article's page shows it: what it adds to that article."""

    article: Article
    adds: list[Claim]  # its claims that the article does not make
    differs: list[ClaimDifference]  # claim: the peer's; other: the article's own
    sources_only: list[Source]
    companies_only: list[Company]

    @property
    def adds_anything(self) -> bool:
        return bool(self.adds or self.differs or self.sources_only or self.companies_only)


@dataclass(eq=False)
class Story:
    id: str
    title: str
    summary: str | None
    registered: bool  # False: no `stories` entry, so the title is the first report's
    reports: list[Report]  # first reported first
    groups: list[ClaimGroup]  # claims that two or more reports make, in the first report's order

    @property
    def articles(self) -> list[Article]:
        return [report.article for report in self.reports]

    @property
    def first_published(self) -> PartialDate | None:
        return earliest(a.published for a in self.articles)

    @property
    def last_published(self) -> PartialDate | None:
        return latest(a.published for a in self.articles)


# ---- building stories --------------------------------------------------------------------


def report_order(article: Article) -> tuple:
    """First published first, undated last; ties by title."""
    if article.published is None:
        return (1, (0, 0, 0), article.title.casefold())
    return (0, article.published.sort_key(), article.title.casefold())


def build(site: Site, only: set[str] | None = None) -> list[Story]:
    """Every story of the site (or those named), first reported first; sets each article's `story_peers`."""
    registry = {entry.id: entry for entry in site.settings.stories}
    members: dict[str, list[Article]] = {}
    for article in site.articles:
        article.story_peers = []
        if article.story and (only is None or article.story in only):
            members.setdefault(article.story, []).append(article)
    stories = [
        _story(story_id, sorted(articles, key=report_order), registry.get(story_id))
        for story_id, articles in members.items()
    ]
    stories.sort(key=lambda story: (report_order(story.reports[0].article), story.id))
    return stories


def _story(story_id: str, articles: list[Article], entry: StoryInfo | None) -> Story:
    words = {id(claim): claim_words(claim) for article in articles for claim in article.claims}
    groups = _match_claims(articles, words)
    group_of = {id(claim): group for group in groups for claim in group}
    mentions = {id(article): article.mentioned_companies for article in articles}

    reports = []
    for article in articles:
        others = [a for a in articles if a is not article]
        adds = [claim for claim in article.claims if len(group_of[id(claim)]) == 1]
        differs = [
            ClaimDifference(claim, other, aspects)
            for claim in article.claims
            for other in group_of[id(claim)]
            if other is not claim and (aspects := differences(claim, other))
        ]
        reports.append(
            Report(
                article,
                adds,
                differs,
                _sources_only(article, others),
                _companies_only(mentions[id(article)], [mentions[id(a)] for a in others]),
            )
        )
        article.story_peers = [_peer_report(article, other, group_of, mentions) for other in others]

    shared = []
    for members in groups:
        if len(members) < 2:
            continue
        by_article = {id(claim.article): claim for claim in members}
        aspects = []
        for claim, other in combinations(members, 2):
            aspects += [aspect for aspect in differences(claim, other) if aspect not in aspects]
        shared.append(ClaimGroup(members, [by_article.get(id(a)) for a in articles], aspects))

    title = entry.title if entry else articles[0].title
    return Story(story_id, title, entry.summary if entry else None, entry is not None, reports, shared)


def _match_claims(articles: list[Article], words: dict) -> list[list[Claim]]:
    """Claims grouped across reports, best matches first, one claim per report in a group.

    Every claim ends in exactly one group (alone when nothing matches it); groups and their
    claims follow the reports' order, so the same content always gives the same groups."""
    order = {id(claim): (i, j) for i, article in enumerate(articles) for j, claim in enumerate(article.claims)}
    pairs = []
    for first, second in combinations(articles, 2):
        for a in first.claims:
            for b in second.claims:
                if a.unique_to_report or b.unique_to_report:
                    continue  # the researcher says no other report makes it
                score = claim_similarity(a, b, words)
                if score >= MATCH_THRESHOLD:
                    pairs.append((-score, order[id(a)], order[id(b)], a, b))
    pairs.sort(key=lambda pair: pair[:3])
    group_of: dict[int, list[Claim]] = {id(c): [c] for article in articles for c in article.claims}
    for *_, a, b in pairs:
        mine, theirs = group_of[id(a)], group_of[id(b)]
        if mine is theirs:
            continue
        if {id(c.article) for c in mine} & {id(c.article) for c in theirs}:
            continue  # a report says a thing once: never two of its claims in one group
        mine.extend(theirs)
        for claim in theirs:
            group_of[id(claim)] = mine
    unique = {id(group): group for group in group_of.values()}.values()
    groups = [sorted(group, key=lambda c: order[id(c)]) for group in unique]
    return sorted(groups, key=lambda group: order[id(group[0])])


def _peer_report(article: Article, peer: Article, group_of: dict, mentions: dict) -> PeerReport:
    """What `peer` adds to `article`, and which of the claims they share it states otherwise."""
    adds, differs = [], []
    for claim in peer.claims:
        matched = [c for c in group_of[id(claim)] if c.article is article]
        if not matched:
            adds.append(claim)
        elif aspects := differences(claim, matched[0]):
            differs.append(ClaimDifference(claim, matched[0], aspects))
    return PeerReport(
        peer,
        adds,
        differs,
        _sources_only(peer, [article]),
        _companies_only(mentions[id(peer)], [mentions[id(article)]]),
    )


def cited_sources(article: Article) -> list[Source]:
    """Whom the article cites, its own publisher (or own voice) aside: citing oneself adds nothing to compare."""
    own = source_key(article.publisher) if article.publisher else None
    return [use.source for use in article.sources if source_key(use.source) != own and not use.source.own_voice]


def _sources_only(article: Article, others: list[Article]) -> list[Source]:
    theirs = {source_key(s) for other in others for s in cited_sources(other)}
    return [s for s in cited_sources(article) if source_key(s) not in theirs]


def _companies_only(mine: list[Company], theirs: list[list[Company]]) -> list[Company]:
    named = {id(c) for companies in theirs for c in companies}
    return [c for c in mine if id(c) not in named]


# ---- suggestions -------------------------------------------------------------------------


@dataclass(eq=False)
class Suggestion:
    """Two articles without a shared story key that look like one story."""

    first: Article
    second: Article
    sources: list[Source]  # registered sources both cite (neither article's own publisher)
    similar: list[tuple[Claim, Claim]]  # claims that say nearly the same
    companies: list[Company]  # companies both are about
    story_id: str  # the key to give both


def suggestions(site: Site) -> list[Suggestion]:
    """Pairs of articles that may report one story: published within SUGGEST_WITHIN_DAYS of each
    other (both dated), about at least SUGGEST_SHARED_COMPANIES of the same companies, and citing
    the same registered source or making a very similar claim."""
    sizes: dict[str, int] = {}
    for article in site.articles:
        if article.story:
            sizes[article.story] = sizes.get(article.story, 0) + 1
    mentions = {id(a): a.mentioned_companies for a in site.articles}
    words = {id(claim): claim_words(claim) for claim in site.claims}
    found = []
    for first, second in _close_in_time(site.articles):
        if first.story and first.story == second.story:
            continue
        companies = [c for c in mentions[id(first)] if c in mentions[id(second)]]
        if len(companies) < SUGGEST_SHARED_COMPANIES:
            continue
        theirs = {source_key(s) for s in cited_sources(second) if s.registered}
        sources = [s for s in cited_sources(first) if s.registered and source_key(s) in theirs]
        similar = [
            (a, b)
            for a in first.claims
            for b in second.claims
            if word_overlap(words[id(a)], words[id(b)]) >= VERY_SIMILAR
        ]
        if sources or similar:
            found.append(
                Suggestion(first, second, sources, similar, companies, _key_for(first, second, companies, sizes))
            )
    return sorted(found, key=lambda f: (str(f.first.file), str(f.second.file)))


def _close_in_time(articles: list[Article]):
    """Pairs of dated articles within SUGGEST_WITHIN_DAYS of each other, as their precision allows,
    each pair in file order. Sorted by first possible day, each article meets only the ones after
    it that start before its window ends: no need to try every pair of a large site."""
    dated = sorted(((_day_range(a.published), a) for a in articles if a.published), key=lambda item: item[0][0])
    window = datetime.timedelta(days=SUGGEST_WITHIN_DAYS)
    for i, ((_, last), first) in enumerate(dated):
        for j in range(i + 1, len(dated)):
            (start, _), second = dated[j]
            if start > last + window:
                break
            yield (first, second) if str(first.file) <= str(second.file) else (second, first)


def _key_for(first: Article, second: Article, companies: list[Company], sizes: dict[str, int]) -> str:
    """The story key to suggest: one of theirs (the larger story), else one made of companies and year."""
    keys = sorted({k for k in (first.story, second.story) if k}, key=lambda k: (-sizes[k], k))
    if keys:
        return keys[0]
    year = min((first.published, second.published), key=PartialDate.sort_key).year
    return "-".join([*(slugify(c.name) for c in companies[:2]), str(year)])
