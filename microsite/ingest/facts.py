"""An article's body -> what a draft states: companies, sources, claims and dates.

Recall matters more than precision: the researcher prunes a draft faster than they
find what it missed. Every quote is a sentence cut from the capture, so it is verbatim.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..config import Config, Registry
from ..text import slugify
from .datetext import DAY_WITHOUT_YEAR, FULL_DATE, iso_date, iso_month
from .structure import sentences

# Who a sentence attributes itself to. NAME: capitalised words (with &, ., -, ') or a quoted name.
_NAME = (
    r"(?:[“\"‘']?(?:[A-Z][\w&.'’-]*|[0-9]+[A-Za-z][\w]*)"
    r"(?:\s+(?:of\s+|the\s+|de\s+)?[A-Z][\w&.'’-]*){0,4}[”\"’']?)"
)
_SAYS = "reported|reports|said|says|revealed|claimed|claims|confirmed|told|stated|announced|noted|estimated|predicted"
_ROLES = (
    "analyst|executive|spokesperson|spokesman|spokeswoman|CEO|chairman|founder|president|"
    "platform|magazine|newspaper|outlet|research firm|agency|publication|website|site"
)
# The most specific first: in "according to Tianfeng Securities analyst Guo Mingchi" the analyst speaks.
_ATTRIBUTIONS = [
    re.compile(rf"\b(?:{_ROLES}) (?P<name>{_NAME})"),
    # "a post on China's platform Weibo": the possessive names the platform's owner, not a source
    re.compile(rf"\b(?:post|leak|report|tweet|statement|story)s? (?:on|from|by|in) (?P<name>{_NAME})(?<![’']s)"),
    re.compile(
        r"\baccording to (?:the |a |an )?"
        r"(?:(?:report|post|leak|note|statement|research firm|analyst)s? (?:from |by |on |of )?)?"
        rf"(?P<name>{_NAME})"
    ),
    re.compile(rf"(?P<name>{_NAME})(?:,[^,]{{1,60}},)? (?:has |have |had )?(?:{_SAYS}|wrote|tweeted|posted)\b"),
    re.compile(rf"\b(?:reported|said|confirmed|revealed|told) (?:by |to )(?P<name>{_NAME})"),
    re.compile(rf"^[Ss]ource ?: ?(?P<name>{_NAME})\s*$"),
]
_UNNAMED = re.compile(
    r"\b(people (?:familiar|close) (?:with|to)(?: \w+){1,3}|sources? (?:familiar|close) (?:with|to)(?: \w+){1,3}"
    r"|(?:several |two |three )?(?:people|sources|insiders|executives?|analysts|industry experts)"
    r" (?:close to|at|from|who) [A-Z][\w]+"
    r"|industry (?:experts|insiders|sources)|supply chain sources|previous reports"
    r"|an (?:unnamed )?executive from [A-Z][\w]+)",
    re.IGNORECASE,
)
_NOT_A_NAME = {
    "it",
    "he",
    "she",
    "they",
    "we",
    "i",
    "this",
    "that",
    "the company",
    "company",
    "report",
    "reports",
    "the",
    "a",
    "an",
    "sources",
    "source",
    "and",
    "but",
    "also",
    "meanwhile",
    "however",
    "now",
    "once",
}
_FIGURE = re.compile(
    r"(\d[\d,.]*\s?(%|percent|per cent|million|billion|thousand|units|devices|phones|smartphones|shipments|"
    r"dollars|yuan|euros)|[$€£¥]\s?\d|\bmarket share\b|\b(first|second|third|fourth|fifth|largest|biggest|top)\b"
    r"[\w ]{0,20}\b(place|maker|vendor|brand|manufacturer|market)\b|\branked?\b)",
    re.IGNORECASE,
)
_FORECAST = re.compile(
    r"\b(will|would|plans? to|planning to|aims? to|expects?|expected to|is set to|could|may|might|forecast|"
    r"predicts?|projected|by 20\d\d|next year|within \w+ years?)\b",
    re.IGNORECASE,
)
_RUMOUR = re.compile(r"\b(rumou?r|reportedly|allegedly|leak|apparently|said to be|is believed)\b", re.IGNORECASE)
_CAPITALISED = re.compile(r"\b([A-Z][a-zA-Z0-9&]+(?:\s+[A-Z][a-zA-Z0-9&]+){0,3})\b")
_ORG_WORDS = re.compile(
    r"\b(Inc|Corp|Corporation|Group|Securities|Research|Analytics|Technologies|Telecom|Mobile|"
    r"Electronics|Holdings|Capital|Labs|Magazine|Times|News|Post|Daily|Journal|Insights?)\b"
)


@dataclass
class FoundSource:
    name: str  # as the registry has it, or as the article writes it
    registered: bool
    unnamed: bool = False  # "people familiar with the discussions"


@dataclass
class FoundClaim:
    id: str
    quote: str  # a sentence of the capture, verbatim
    source: FoundSource | None
    companies: list[str]
    status: str
    event_date: str | None


@dataclass
class Facts:
    companies: list[str]  # registry names, in order of first mention in the body
    comment_companies: list[str]  # named only in the comments
    sources: list[FoundSource]
    claims: list[FoundClaim]
    dates: list[str]  # stated in the text, as written
    suggestions: list[str]  # organisation-like names the registries lack
    notes: list[str] = field(default_factory=list)


def find_facts(body: list[str], comment_texts: list[str], config: Config, publisher: str | None) -> Facts:
    companies = _mentions(config.companies, "\n".join(body))
    in_comments = [c for c in _mentions(config.companies, "\n".join(comment_texts)) if c not in companies]
    sources: dict[str, FoundSource] = {}
    claims: list[FoundClaim] = []
    used_ids: set[str] = set()
    dates: list[str] = []
    for paragraph in body:
        dates += [m.group(0) for m in (*FULL_DATE.finditer(paragraph), *DAY_WITHOUT_YEAR.finditer(paragraph))]
        for sentence in sentences(paragraph):
            voices = _attributions(sentence, config)
            for voice in voices:
                if voice.name != publisher:
                    sources.setdefault(voice.name, voice)
            said_by = voices[0] if voices else None
            if said_by is None and not _FIGURE.search(sentence) and not _FORECAST.search(sentence):
                continue
            claims.append(
                FoundClaim(
                    id=_claim_id(sentence, used_ids),
                    quote=sentence,
                    source=said_by,
                    companies=_mentions(config.companies, sentence),
                    status=_status(sentence),
                    event_date=iso_date(sentence) or iso_month(sentence),
                )
            )
    known = {n.casefold() for e in config.companies.entries + config.sources.entries for n in [e.name, *e.aliases]}
    known |= {s.name.casefold() for s in sources.values()}
    return Facts(
        companies,
        in_comments,
        list(sources.values()),
        claims,
        list(dict.fromkeys(dates)),
        _suggestions("\n".join(body), known),
    )


# Companies named by an everyday word: capitalised at the start of a sentence, the word is meant.
_EVERYDAY_WORDS = {"nothing", "essential", "honor", "honour", "meta", "one", "red", "x"}


def _mentions(registry: Registry, text: str) -> list[str]:
    """Registry entries named in the text, by name or alias, as whole words and with their case."""
    names = sorted({n for e in registry.entries for n in [e.name, *e.aliases]}, key=len, reverse=True)
    if not names or not text:
        return []
    pattern = re.compile(r"(?<![\w&])(" + "|".join(re.escape(n) for n in names) + r")(?![\w&])")
    found: list[str] = []
    for match in pattern.finditer(text):
        before = text[: match.start()].rstrip(" \t\"“‘'(")
        if match.group(1).casefold() in _EVERYDAY_WORDS and (not before or before[-1] in ".!?\n"):
            continue
        entry = registry.get(match.group(1))
        if entry is not None and entry.name not in found:
            found.append(entry.name)
    return found


def _attributions(sentence: str, config: Config) -> list[FoundSource]:
    """Every source the sentence names as speaking, the most specific first."""
    found: dict[str, FoundSource] = {}
    for pattern in _ATTRIBUTIONS:
        for match in pattern.finditer(sentence):
            if pattern is _ATTRIBUTIONS[1] and match.group("name").endswith(("’", "'")):
                continue  # "a post on China's platform": the owner, not the source
            source = _source_named(match.group("name"), config)
            if source is not None:
                found.setdefault(source.name, source)
    # "Tianfeng Securities analyst Guo Mingchi": the analyst is the source, the firm his affiliation.
    affiliations = {entry.affiliation for s in found.values() if (entry := config.sources.get(s.name))}
    found = {name: source for name, source in found.items() if name not in affiliations}
    for match in _UNNAMED.finditer(sentence):
        words = match.group(0)
        found.setdefault(words.casefold(), FoundSource(words[0].upper() + words[1:], registered=False, unnamed=True))
    return list(found.values())


def _source_named(raw: str, config: Config) -> FoundSource | None:
    name = raw.strip("“”\"‘’' ").removesuffix("’s").removesuffix("'s").strip()
    if config.sources.get(name) is None and re.match(r"(?:The|A|An)\s+[A-Z]", name):
        name = name.split(" ", 1)[1]  # "the Nikkei" names Nikkei; "The Information" is registered whole
    if not name or name.casefold() in _NOT_A_NAME or len(name) < 2:
        return None
    for candidate in _shorter(name):  # "Xiaomi's executive Wang Xian" names Wang Xian
        entry = config.sources.get(candidate)
        if entry is not None:
            return FoundSource(entry.name, registered=True)
        company = config.companies.get(candidate)
        if company is not None:
            statement = config.sources.get(f"{company.name} (company statement)")
            if statement is not None:
                return FoundSource(statement.name, registered=True)
    if config.companies.get(name) is not None:
        return None  # a company that speaks, with no statement source registered: left to the researcher
    return FoundSource(name, registered=False)


def _shorter(name: str) -> list[str]:
    """The name, then its endings and beginnings: registry names hide inside longer phrases."""
    words = name.split()
    tails = [" ".join(words[i:]) for i in range(len(words))]
    heads = [" ".join(words[:i]) for i in range(len(words) - 1, 0, -1)]
    return tails + heads


def _status(sentence: str) -> str:
    if _RUMOUR.search(sentence):
        return "rumour"
    if _FORECAST.search(sentence):
        return "forecast"
    return "reported"


def _claim_id(sentence: str, used: set[str]) -> str:
    words = [w for w in re.findall(r"[A-Za-z0-9]+", sentence) if w.lower() not in _NOT_A_NAME][:6]
    base = slugify(" ".join(words))[:48].strip("-") or "claim"
    candidate, n = base, 2
    while candidate in used:
        candidate, n = f"{base}-{n}", n + 1
    used.add(candidate)
    return candidate


# Capitalised and often repeated, yet places: never organisations to register.
_PLACES = {
    "united states",
    "united kingdom",
    "south korea",
    "north america",
    "middle east",
    "hong kong",
    "new york",
    "european union",
    "united arab emirates",
    "silicon valley",
    "new delhi",
}


def _suggestions(text: str, known: set[str]) -> list[str]:
    """Capitalised names that look like organisations and that no registry holds."""
    counts: dict[str, int] = {}
    for paragraph in text.split("\n"):
        for sentence in sentences(paragraph):
            for match in _CAPITALISED.finditer(sentence):
                if match.start() == 0 and " " not in match.group(1):
                    continue  # a sentence's first word is capitalised anyway
                counts[match.group(1)] = counts.get(match.group(1), 0) + 1
    found = []
    for name, count in counts.items():
        if (
            name.casefold() in known
            or name.casefold() in _PLACES
            or any(name.casefold() in k or k in name.casefold() for k in known if len(k) > 3)
        ):
            continue
        if _ORG_WORDS.search(name) or (count >= 2 and " " in name):
            found.append(name)
    return found
