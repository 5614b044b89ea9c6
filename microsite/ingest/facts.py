"""An article's body -> what a draft states: companies, sources, claims and dates.

Recall matters more than precision: the researcher prunes a draft faster than they
find what it missed. Every quote is a sentence cut from the capture, so it is verbatim.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..source.config import Config, Registry
from ..text import slugify
from .datetext import DAY_WITHOUT_YEAR, FULL_DATE, iso_date, iso_month
from .masthead import serves
from .structure import sentences

# Speech: the verbs a sentence attributes itself with. A speaker stands before the verb
# ("Canalys analyst Mo Jia said") or after it ("said Vane Ni, Global Marketing lead, TECNO").
_SPEECH = re.compile(
    r"(?<!\ban )(?<!\bthe )(?<!\ba )\b(?:has |have |had |also |further |later )*"
    r"(?P<verb>said|says|say|told|tells|reported|reports|announced|announces|noted|notes|added|adds|stated|states"
    r"|estimated|estimates|predicted|predicts|forecasts|wrote|writes|warned|warns|cautioned|cautions|explained"
    r"|explains|confirmed|confirms|revealed|reveals|claimed|claims|reckons?|believes|thinks|expects|argued|argues"
    r"|points? (?:out|to)|pointed (?:out|to)|commented|tweeted|(?:was |were )?quoted as saying)\b"
)
# A name as a sentence writes it: capitalised words, with a person's role words among them
# ("Tianfeng Securities analyst Guo Mingchi"), or an owner's possessive before what it owns
# ("China's official social media platform Weibo").
_ROLE_WORDS = (
    r"analyst|director|manager|ceo|chairman|chairwoman|chief|president|secretary|minister|spokesperson|spokesman"
    r"|spokeswoman|founder|head|lead|officer|executive|economist|researcher|editor|reporter|official"
)
_CAPS = rf"(?:(?:[A-Z0-9][\w&.’'-]*|(?:{_ROLE_WORDS})(?=\s[A-Z]))\s?){{1,8}}"
_SPAN = rf"(?P<name>{_CAPS}(?:(?<=[’']s )(?:[a-z][\w-]* ){{1,5}}{_CAPS})?)"
# Whom the information came through: "told Reuters", "seen by the South China Morning Post",
# "according to a new report from analyst firm Canalys", "citing data from Counterpoint Research".
_ACCORDING = re.compile(rf"\b(?:[Aa]ccording to|[Cc]iting|as per)(?: [a-z0-9][\w-]*){{0,6}}? (?:the )?{_SPAN}")
_THROUGH = re.compile(
    rf"\b(?:told|reported by|seen by|cited by|confirmed to|revealed to|published by) (?:the )?[“\"‘]?{_SPAN}"
)
# "a post on Weibo", "a report from Nikkei": a report on something is about it, not from it.
_REPORT_ON = re.compile(
    rf"\b(?:(?:post|leak|tweet)s? (?:on|from|by|in)|(?:report|statement|story|memo)s? (?:from|by|in)) (?:the )?{_SPAN}"
)
_SOURCE_LINE = re.compile(r"^[Ss]ource ?: ?(?P<name>[^.!?]{2,60}?)\s*$")


def _word_set(words: str) -> set[str]:
    return set(re.findall(r"\S+", words))


# A person's titles: "Canalys Research Manager Ben Stanton" is Ben Stanton, with the rest as the note.
_ROLES = _word_set(
    """analyst director manager ceo cfo cto coo chairman chairwoman chair chief president secretary minister
    spokesperson spokesman spokeswoman founder co-founder head lead officer executive vp partner economist
    researcher editor reporter commissioner governor senator official boss ambassador professor"""
)
# Capitalised only because they open a sentence or a clause: never the first word of a name.
_OPENERS = _word_set(
    """on in at as if so but and or also then now today yesterday tomorrow earlier later last this next after
    before when while since although though however meanwhile separately previously recently currently
    additionally moreover furthermore still yet instead overall indeed it he she they we i you there here
    that these those his her their its our a an the what why how where who citing commenting speaking
    monday tuesday wednesday thursday friday saturday sunday"""
)
# Groups that speak without a name: "Analysts reckon", "officials told Reuters".
_GROUPS = re.compile(
    r"^(?:[A-Z][\w.]* )?(?:analysts|experts|officials|lawmakers|insiders|observers|critics|regulators)$", re.I
)
_UNNAMED = re.compile(
    r"\b(?:(?i:(?:people|(?:a |one )?person) (?:familiar|close) (?:with|to)(?: (?!(?:said|says|say|told)\b)\w+){1,3}"
    r"|sources? (?:familiar|close) (?:with|to)(?: (?!(?:said|says|say|told)\b)\w+){1,3})"
    r"|(?i:(?:several |two |three )?(?:people|sources|insiders|executives?|analysts|industry experts)"
    r" (?:close to|at|from|who)) [A-Z]\w+"
    r"|(?i:industry (?:experts|insiders|sources)|supply chain sources|previous reports)"
    r"|(?i:an (?:unnamed )?executive from) [A-Z]\w+)"
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
    note: str | None = None  # what the article says the source is: "Canalys analyst", "general manager of ..."


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


LEDE_PARAGRAPHS = 3  # whose first sentence is drafted as a claim, attributed or not
LEDE_WORDS = 8  # shorter, it is a caption or a label more often than a statement


def find_facts(body: list[str], comment_texts: list[str], config: Config, publisher: str | None) -> Facts:
    companies = _mentions(config.companies, "\n".join(body))
    in_comments = [c for c in _mentions(config.companies, "\n".join(comment_texts)) if c not in companies]
    sources: dict[str, FoundSource] = {}
    claims: list[FoundClaim] = []
    used_ids: set[str] = set()
    dates: list[str] = []
    for number, paragraph in enumerate(body):
        dates += [m.group(0) for m in (*FULL_DATE.finditer(paragraph), *DAY_WITHOUT_YEAR.finditer(paragraph))]
        for place, sentence in enumerate(sentences(paragraph)):
            voices = _attributions(sentence, config)
            for voice in voices:
                if voice.name != publisher:
                    sources.setdefault(voice.name, voice)
            said_by = voices[0] if voices else None
            # News is written top down: the opening sentences of the first paragraphs state the story.
            lede = number < LEDE_PARAGRAPHS and place == 0 and len(sentence.split()) >= LEDE_WORDS
            if said_by is None and not lede and not _FIGURE.search(sentence) and not _FORECAST.search(sentence):
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
    _fold_people(sources, claims, "\n".join(body))
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
_EVERYDAY_WORDS = {"nothing", "essential", "honor", "honour", "meta", "one", "red", "x", "three", "sharp", "orange"}


def _mentions(registry: Registry, text: str) -> list[str]:
    """Registry entries named in the text, by name or alias, as whole words and with their case."""
    names = sorted({n for e in registry.entries for n in [e.name, *e.aliases]}, key=len, reverse=True)
    if not names or not text:
        return []
    pattern = re.compile(r"(?<![\w&])(" + "|".join(re.escape(n) for n in names) + r")(?![\w&])", re.IGNORECASE)
    exact = set(names)
    found: list[str] = []
    for match in pattern.finditer(text):
        if match.group(1) not in exact and not match.group(1)[0].isupper():
            continue  # "TECNO", "HONOR" and "Mediatek" name registry entries; "arm" and "orange" do not
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

    def add(source: FoundSource | None) -> None:
        if source is not None and found.setdefault(source.name, source).note is None:
            found[source.name].note = source.note

    for pattern in (_REPORT_ON, _ACCORDING, _SOURCE_LINE):  # the report a sentence cites comes first
        for match in pattern.finditer(sentence):
            add(_source_named(*_name_and_note(match.group("name")), config))
    for match in _SPEECH.finditer(sentence):
        speakers = _speakers_before(sentence[: match.start()], config)
        if not speakers and _clause_start(sentence[: match.start()]):  # “…,” said Canalys analyst Mo Jia.
            speakers = [_speaker_after(sentence[match.end() :], config)]
        for speaker in speakers:
            add(speaker)
    for match in _THROUGH.finditer(sentence):
        add(_source_named(*_name_and_note(match.group("name")), config))
    # "Tarun Pathak, associate director at Counterpoint Research": the research firm or outlet a speaker speaks
    # for is cited too. (A company's executive speaks for the company: no company statement is added for him.)
    for speaker in [s for s in found.values() if s.note and not s.unnamed]:
        for employer in _mentions(config.sources, speaker.note)[-1:]:
            if employer != speaker.name:
                add(FoundSource(employer, registered=True))
    # "Tianfeng Securities analyst Guo Mingchi": the analyst is the source, the firm his affiliation.
    affiliations = {entry.affiliation for s in found.values() if (entry := config.sources.get(s.name))}
    found = {name: source for name, source in found.items() if name not in affiliations}
    if any(not s.unnamed for s in found.values()):  # "officials told Reuters": Reuters is the citable source
        found = {name: source for name, source in found.items() if not _GROUPS.match(name)}
    for match in _UNNAMED.finditer(sentence):
        words = match.group(0)
        add(FoundSource(words[0].upper() + words[1:], registered=False, unnamed=True))
    return list(found.values())


# Where a speaker's words begin: the sentence, a clause, or a quotation's end.
_BOUNDARY = re.compile(r"(?:^|[,;:“”\"(—–]|’(?=\s)|\s-\s)\s*(?=[^,;:“”\"(—–]*$)")
# "Tarun Pathak, associate director at Counterpoint Research, told IANS": the name, then what the person is.
_APPOSITIVE = re.compile(r"(?:^|[,;:“”\"(—–]\s*)(?P<name>[A-Z][^,;:“”\"(—–]{1,50}), (?P<note>[^,;:“”\"]{3,90}?),\s*$")


def _clause_start(before: str) -> bool:
    return not before.strip() or before.rstrip()[-1] in ',;:“”"’—–'


def _speakers_before(before: str, config: Config) -> list[FoundSource]:
    """Who speaks in the words before a speech verb: "Canalys analyst Mo Jia", "Google and Jio"."""
    before = re.sub(r"\s*\([^()]*\)", "", before).rstrip()  # "The International Data Corporation (IDC)"
    appositive = _APPOSITIVE.search(before)
    if appositive:
        name, note = appositive.group("name").strip(), appositive.group("note").strip()
        if _name_and_note(note) == (note, None) and not _name_and_note(name)[0]:
            name, note = note, name  # "A separate analyst firm, Counterpoint Research, estimated"
        if _name_and_note(name) == (name, None) and re.search(r"\b[a-z]", note):
            return [s for s in [_source_named(name, note, config)] if s]
    phrase = before[_BOUNDARY.search(before).end() :] if before else ""
    if not phrase or len(phrase.split()) > 10:
        return []
    if _GROUPS.match(phrase.strip()):
        return [FoundSource(phrase.strip()[0].upper() + phrase.strip()[1:], registered=False, unnamed=True)]
    name, note = _name_and_note(phrase)
    if not name:
        return _registered_in(phrase, config)  # "the latest research from Counterpoint's Market Monitor service"
    speakers = [_source_named(part, note, config) for part in re.split(r" and | & (?=[A-Z])", name)]
    return [s for s in speakers if s]


def _speaker_after(after: str, config: Config) -> FoundSource | None:
    """ "said Vane Ni, Global Marketing lead, TECNO Mobile": the name, then what the person is."""
    match = re.match(rf"\s+(?:the )?{_SPAN}(?:,\s*(?P<note>[^.!?]{{3,90}}))?", after)
    if match is None:
        return None
    name, note = _name_and_note(match.group("name"))
    return _source_named(name, match.group("note") or note, config) if name else None


def _name_and_note(phrase: str) -> tuple[str, str | None]:
    """The name a phrase ends with, and its titles: "Secretary of Commerce Wilbur Ross" -> Wilbur Ross."""
    words = phrase.strip("“”\"‘’' .,").split()
    start = len(words)
    while start > 0 and (_capitalised(words[start - 1]) or _joins(words, start - 1)):
        start -= 1
    while start < len(words) and (words[start].casefold() in _OPENERS or words[start] in {"of", "and", "&"}):
        start += 1
    run = words[start:]
    roles = [i for i, word in enumerate(run) if word.casefold().strip(",") in _ROLES]
    # A role before a person's name: lower case ("analyst Mo Jia"), or before two words ("CEO Larry Page").
    roles = [i for i in roles if run[i].islower() or len(run) - i > 2]
    if roles and roles[-1] < len(run) - 1:
        after = run[roles[-1] + 1 :]
        if after[0] in {"of", "at", "for"} and len(after) > 2:
            after = after[2:]  # "Secretary of Commerce Wilbur Ross"
        name = after
    else:
        name = run
    # The words before the name are its note only when they give a title: "Canalys analyst".
    titled = [w for w in words[start : len(words) - len(name)] if w.casefold() in _ROLES]
    note = " ".join(words[start : len(words) - len(name)]) if titled else None
    return _clean(" ".join(name)), note


def _capitalised(word: str) -> bool:
    return bool(word) and (word[0].isupper() or word[0].isdigit() or (word.startswith(("“", '"')) and len(word) > 1))


def _joins(words: list[str], i: int) -> bool:
    """ "of", "de" and "&" join the words of one name ("Department of Commerce"); roles join titles to names."""
    inner = 0 < i < len(words) - 1 and _capitalised(words[i + 1]) and _capitalised(words[i - 1])
    return (inner and words[i] in {"of", "de", "&", "and"}) or (
        words[i] in _ROLES and _capitalised(words[i + 1] if i + 1 < len(words) else "")
    )


def _clean(name: str) -> str:
    """No quotes, no possessive, no trailing punctuation ("Canalys." is Canalys; "U.S." and "Inc." keep theirs)."""
    name = name.strip("“”\"‘’' ,;:").removesuffix("’s").removesuffix("'s")
    if name.endswith(".") and not re.search(r"(?:\b[A-Z]\.)+$|\b(?:Inc|Co|Corp|Ltd|Jr|Sr)\.$", name):
        name = name.rstrip(".")
    return name.strip()


def _registered_in(phrase: str, config: Config) -> list[FoundSource]:
    """The registered source or company a phrase names last, when the phrase ends in plain words."""
    for name in reversed(_mentions(config.sources, phrase) + _mentions(config.companies, phrase)):
        source = _source_named(name, None, config)
        if source is not None:
            return [source]
    return []


def _source_named(raw: str, note: str | None, config: Config) -> FoundSource | None:
    name = _clean(raw)
    if config.sources.get(name) is None and re.match(r"(?:The|A|An)\s+[A-Z]", name):
        name = name.split(" ", 1)[1]  # "the Nikkei" names Nikkei; "The Information" is registered whole
    if not name or name.casefold() in _NOT_A_NAME or name.casefold() in _OPENERS or len(name) < 2:
        return None
    if name.casefold() in _PLACES:
        return None
    words = name.split()
    for i, candidate in enumerate(_shorter(name)):  # "Bloomberg News" names Bloomberg
        entry = config.sources.get(candidate)
        if entry is not None:
            return FoundSource(entry.name, registered=True, note=note)
        company = config.companies.get(candidate) if i < len(words) else None  # "Google Official Blog" is no Google
        if company is not None:
            return _company_statement(company.name, note, config)
    return FoundSource(name, registered=False, note=note)


def _company_statement(company: str, note: str | None, config: Config) -> FoundSource:
    """A company speaking for itself: its registered statement source, or one to register."""
    statement = config.sources.get(f"{company} (company statement)")
    if statement is not None:
        return FoundSource(statement.name, registered=True, note=note)
    return FoundSource(f"{company} (company statement)", registered=False, note=note)


# A link post (an aggregator's or forum's): "Title (example.com)", or the linked address alone under the title.
_LINKED_IN_TITLE = re.compile(r"\((?:www\.)?(?P<host>[a-z0-9-]+(?:\.[a-z0-9-]+)+)\)\s*$", re.IGNORECASE)
_LINK_LINE = re.compile(r"^https?://(?:www\.)?(?P<host>[^/\s:]+)\S*$", re.IGNORECASE)


def linked_source(title: str, lines_after_title: list[str], config: Config) -> FoundSource | None:
    """The registered outlet a link post links to: the story it shares is that outlet's report."""
    match = _LINKED_IN_TITLE.search(title)
    if match is None:
        first = next((line.strip() for line in lines_after_title if line.strip()), "")
        match = _LINK_LINE.match(first)
    host = match.group("host").lower() if match else None
    for entry in config.sources.entries if host else []:
        if serves(entry, host):
            return FoundSource(entry.name, registered=True, note="the site the post links to")
    return None


def _fold_people(sources: dict[str, FoundSource], claims: list[FoundClaim], text: str) -> None:
    """A person's later mentions ("Wang", "Vane") folded into the full name the article gives once."""
    for short in [s for s in sources.values() if " " not in s.name and not s.registered and not s.unnamed]:
        full = _full_name(short.name, [s.name for s in sources.values() if not s.unnamed], text)
        if full is None:
            continue
        kept = sources.setdefault(full, FoundSource(full, registered=False, note=short.note))
        kept.note = kept.note or short.note
        del sources[short.name]
        for claim in claims:
            if claim.source is not None and claim.source.name == short.name:
                claim.source = kept


def _full_name(word: str, names: list[str], text: str) -> str | None:
    """The two-word name whose first or last word is this one: among the sources, else the most written."""
    for name in names:
        parts = name.split()
        if len(parts) in (2, 3) and word in (parts[0], parts[-1]) and "(" not in name:
            return name
    pairs = re.findall(rf"\b(?:([A-Z][a-z]+) {re.escape(word)}|{re.escape(word)} ([A-Z][a-z]+))\b", text)
    counts: dict[str, int] = {}
    for first, last in pairs:
        other = first or last
        if other.casefold() not in _OPENERS and other.casefold() not in _ROLES:
            full = f"{first} {word}" if first else f"{word} {last}"
            counts[full] = counts.get(full, 0) + 1
    return max(counts, key=counts.get) if counts else None


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
