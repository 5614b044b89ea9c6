"""The top of a captured page: where the headline is, its dateline, and the site's own name.

A "select all, copy" of a page opens with the site's furniture: its name (often with
"homepage", "logo" or a tagline), a menu of one- and two-word lines, section labels, then
the headline, perhaps a standfirst, a byline and a dateline, and the article. The rules
read line shapes that pages share, not any one site's wording:

- the article begins at its first *prose* line (a sentence of a dozen words or more);
- a *dateline* is a short line that states a calendar date ("Apr 16, 2018",
  "Published Fri, Jul 16 2021", "2019/05/14", "Oct 18 '22");
- the *headline* is a line of four words or more, not a menu, label, kicker or byline,
  met just before the dateline (a line repeated there is preferred: pages print the
  headline twice), else the first such line before the article;
- the *site's name* is the line above the headline that carries a brand mark
  ("homepage", "logo", "Back to home", "®"), else the page's first short line; it is
  *confirmed* by that mark, or when the capture shows it again after the headline or as an
  address ("Example.com" is spelled out as the page spaces it: "Example").
- the *publisher* is the registry's entry for that name (by name, alias, or one of its
  `domains`); a name the registry lacks is offered for registering, never drafted; with no
  name, a registered outlet whose address the page shows as its own (a copyright line, a
  contact e-mail, an address alone at the top or foot) is a guess, and said to be one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .datetext import dateline_date

HEADLINE_WINDOW = 7  # non-empty lines before a dateline where its headline is looked for
DATELINE_WINDOW = 8  # non-empty lines after the headline where its dateline is looked for
STANDFIRST_WINDOW = 4  # non-empty lines after a headline without a dateline where its article may begin

_WORD = re.compile(r"\w+")
_SENTENCE_END = re.compile(r"[.!?][\"”’')]?$")
# Marks of a site's name line: "The Verge homepage", "CNBC logo", "The Guardian - Back to home", "X®".
_BRAND_MARK = re.compile(r"\b(?:homepage|logo|back to home)\b\.?|[®™]", re.IGNORECASE)
_SEPARATORS = re.compile(r"\s+[—–|-]\s+|\t|\s*\|\s*")
_BULLET = re.compile(r"^[•·▪‣◦*]\s|^- ")
# Lines that cannot be a headline: labels and kickers ("Xiaomi the money —", "from the … dept."),
# breadcrumbs, addresses, "Skip navigation".
_NOT_HEADLINE = re.compile(
    r"[—–:-]$|\bdept\.?$|»| > |^(?:https?://|www\.)|^skip\b|^(?:photo|image|credit)s?\b", re.IGNORECASE
)
_BYLINE_START = re.compile(r"^(?:posted|published|updated|by|written by|from)\b", re.IGNORECASE)
_UPDATED = re.compile(r"\b(?:updated|last modified|modified)\b", re.IGNORECASE)
_HOST = re.compile(r"(?<![\w@.-])(?:https?://)?(?:www\.)?((?:[a-z0-9-]+\.)+[a-z]{2,})(?=[/\s:)\],;]|$)", re.I)
_COPYRIGHT = re.compile(r"(?:(?:©|\(c\)|copyright)\s*)+(?:\d{4}\s*)?(.+?)(?:\.\s|\.?$)", re.IGNORECASE)
# Labels menus open with: a first line like these is the menu, not the site's name.
_NAV_LABEL = re.compile(
    r"^(?:home|news|latest|top(?: stories)?|tech(?:nology)?|business|sections|topics|menu|trending"
    r"|(?:most )?popular|opinion)$",
    re.IGNORECASE,
)
_RIGHTS = re.compile(r"\b(?:all rights reserved|ltd|inc|llc)\b.*$", re.IGNORECASE)


@dataclass
class Head:
    headline_at: int  # the headline's line
    body_from: int  # the first line after the headline, its standfirst, byline and dateline
    published: str | None = None  # YYYY-MM-DD
    updated: str | None = None  # an "Updated …" date, kept apart from the published one
    dateline: str | None = None  # the line the date was read from


@dataclass
class SiteName:
    name: str
    how: str  # where the capture shows it, for the report
    confirmed: bool  # shown again after the headline, or as an address


def words(line: str) -> int:
    return len(_WORD.findall(line))


def is_prose(line: str) -> bool:
    """A line of the article's text: a sentence of a dozen words, or a long run of them."""
    n = len(re.findall(r"\w*[^\W\d_]\w*", line))  # words with a letter: "Mi 1, Mi 2" is not prose
    return (n >= 12 and bool(_SENTENCE_END.search(line))) or n >= 30


def is_dateline(line: str) -> bool:
    """A short line that states a calendar date: not a sentence that happens to hold one."""
    if len(line) > 140 or words(line) > 24 or dateline_date(line) is None:
        return False
    return not (_SENTENCE_END.search(line) and words(line) > 6 and not _BYLINE_START.match(line))


def read_head(lines: list[str], first: int, end: int, skip) -> Head:
    """Where the headline and the article begin, and the date the page states for it.

    `skip(line)` says whether a line is page furniture (a close button, "Share").
    """
    prose_at = next((i for i in range(first, end) if is_prose(lines[i].strip())), end)
    region = [i for i in range(first, prose_at) if lines[i].strip() and not skip(lines[i].strip())]
    dated = next((i for i in region if is_dateline(lines[i].strip())), None)
    headline_at = _pick_headline(lines, region, dated)
    if headline_at is None:
        return Head(first, first + 1)
    return _after_headline(lines, headline_at, end, dated, skip)


def _pick_headline(lines: list[str], region: list[int], dated: int | None) -> int | None:
    """The headline's line, or None when the page opens with it (or with nothing shaped like one)."""
    sentence = next((i for i in region if _is_sentence(lines[i].strip())), None)
    candidates = [i for i in region if _headline_shaped(lines[i].strip())]
    if dated is not None and (sentence is None or dated < sentence):
        before = [i for i in region if i < dated][-HEADLINE_WINDOW:]
        near = [i for i in candidates if i in before]
        if near:
            return _repeated(lines, near) or near[0]
        after = [i for i in candidates if i > dated]
        return after[0] if after else None
    if sentence is not None:  # "Phone sales" then "Phone sales rose 12% …": the text follows its headline
        candidates = [i for i in candidates if i < sentence]
    return (_repeated(lines, candidates) or candidates[0]) if candidates else None


def _is_sentence(line: str) -> bool:
    """A statement closed by a full stop (a question or exclamation may be a headline)."""
    return words(line) > 6 and bool(re.search(r"\.[\"”’')]?$", line))


def _repeated(lines: list[str], candidates: list[int]) -> int | None:
    """The first candidate printed again among the others: pages often show the headline twice."""
    texts = [lines[i].strip() for i in candidates]
    return next((i for i, text in zip(candidates, texts, strict=True) if texts.count(text) > 1), None)


def _headline_shaped(line: str) -> bool:
    return (
        words(line) >= 4
        and len(line) <= 200
        and "|" not in line
        and not _BULLET.match(line)
        and not _NOT_HEADLINE.search(line)
        and not _BRAND_MARK.search(line)
        and not _BYLINE_START.match(line)
        and not is_dateline(line)
    )


def _after_headline(lines: list[str], headline_at: int, end: int, dated: int | None, skip) -> Head:
    """The dateline nearest the headline (below it within a few lines, or above it) and where the body begins."""
    below = _lines_below(lines, headline_at, end, skip)
    after = next((i for i in below if _dateline_below(lines, headline_at, i)), None)
    before = dated if dated is not None and dated < headline_at else None
    distance_before = _distance(lines, before, headline_at) if before is not None else None
    if after is not None and (distance_before is None or below.index(after) + 1 <= distance_before):
        published, updated = read_dateline(lines[after].strip())
        return Head(headline_at, after + 1, published, updated, lines[after].strip())
    body_from = _first_prose_below(lines, headline_at)
    if before is not None:
        published, updated = read_dateline(lines[before].strip())
        return Head(headline_at, body_from, published, updated, lines[before].strip())
    return Head(headline_at, body_from)


def _first_prose_below(lines: list[str], headline_at: int) -> int:
    """With no dateline, the article begins at the first prose line a few lines down (after a standfirst
    or a caption), or right under the headline."""
    near = [i for i in range(headline_at + 1, len(lines)) if lines[i].strip()][:STANDFIRST_WINDOW]
    return next((i for i in near if is_prose(lines[i].strip())), headline_at + 1)


def _dateline_below(lines: list[str], headline_at: int, at: int) -> bool:
    """A dateline under the headline; below a sentence-long line it must read as a byline ("By …", "Updated …"):
    a bare date there may be the article's own text."""
    line = lines[at].strip()
    if not is_dateline(line):
        return False
    after_prose = any(_is_paragraph(lines[i].strip()) for i in range(headline_at + 1, at))
    return not after_prose or _BYLINE_START.match(line) is not None


def _is_paragraph(line: str) -> bool:
    """A prose line that is not a bullet point (a list of highlights may precede the dateline)."""
    return is_prose(line) and not _BULLET.match(line)


def _lines_below(lines: list[str], headline_at: int, end: int, skip) -> list[int]:
    """The few lines under the headline where a standfirst, byline and dateline go: up to the article's text
    (a long paragraph, or a second sentence-long one: the first may be the standfirst)."""
    below: list[int] = []
    paragraphs = 0
    for i in range(headline_at + 1, end):
        line = lines[i].strip()
        if not line or skip(line):
            continue
        if _is_paragraph(line):
            paragraphs += 1
            if paragraphs > 1 or words(line) >= 25:
                break
        below.append(i)
        if len(below) >= DATELINE_WINDOW:
            break
    return below


def _distance(lines: list[str], start: int, stop: int) -> int:
    return sum(1 for i in range(start + 1, stop + 1) if lines[i].strip())


def read_dateline(line: str) -> tuple[str | None, str | None]:
    """(published, updated) from a dateline: "Published …" and "Updated …" are kept apart."""
    marker = _UPDATED.search(line)
    if not marker:
        return dateline_date(line), None
    return dateline_date(line[: marker.start()]), dateline_date(line[marker.end() :])


# ---- The site's own name ---------------------------------------------------------------------------------------


def site_name(lines: list[str], headline_at: int, skip) -> SiteName | None:
    """How the site names itself above the headline, or None."""
    top = [line.strip() for line in lines[:headline_at] if line.strip() and not skip(line.strip())]
    top = [line for line in top if not re.match(r"skip\b", line, re.IGNORECASE)]
    marked = next((line for line in top if _BRAND_MARK.search(line)), None)
    if marked:
        name, how = _clean_name(marked), "the site's name above the headline"
    elif top and _name_shaped(_clean_name(top[0])):
        name, how = _clean_name(top[0]), "the first line of the page"
    elif owners := copyright_names(lines[headline_at + 1 :]):
        name, how = owners[-1], "the copyright line"
    else:
        return None
    if not name:
        return None
    hosts = capture_hosts("\n".join(lines))
    if _HOST.fullmatch(name):  # "Example.com": the name as its address spells it, unless the page spaces it out
        name = _spelled_out(name, lines) or name
    after = "\n".join(lines[headline_at + 1 :])
    shown_again = re.search(rf"(?<!\w){re.escape(name)}(?!\w)", after, re.IGNORECASE) is not None
    confirmed = bool(marked) or shown_again or squash(name) in {squash(_label(h)) for h in hosts}
    return SiteName(name, how, confirmed)  # a brand mark ("logo", "®") is itself a second sign


def _name_shaped(name: str) -> bool:
    """Short enough for a site's name, and not a menu's own label ("News", "Topics")."""
    return 0 < words(name) <= 6 and len(name) <= 60 and not _NAV_LABEL.match(name)


def _clean_name(line: str) -> str:
    """The name in a masthead line: "Daily® — a tagline" -> "Daily"; "Forum Talk new | past | …" -> "Forum Talk"."""
    menu = len(re.findall(r"\|", line)) >= 2
    name = _SEPARATORS.split(_BRAND_MARK.sub(" ", line))[0].strip(" .")
    if menu:  # the name glued to the menu's first item: keep its capitalised words
        capitalised = re.match(r"(?:[A-Z0-9][\w&.'-]*\s*)+", name)
        name = capitalised.group(0).strip() if capitalised else name
    return " ".join(name.split())


def _spelled_out(host: str, lines: list[str]) -> str | None:
    """The page's spaced spelling of a host name: "Peace FM Online" for "Peacefmonline.com"."""
    wanted = squash(_label(host))
    for line in lines:
        for piece in _SEPARATORS.split(line.strip()):
            if squash(piece) == wanted and piece.strip() != host:
                return piece.strip()
    return None


def capture_hosts(text: str) -> list[str]:
    """Host names the capture shows (in addresses, e-mail addresses or "Example.com"), without "www."."""
    hosts = [m.group(1).lower() for m in _HOST.finditer(text)]
    hosts += [m.group(1).lower() for m in re.finditer(r"@((?:[a-z0-9-]+\.)+[a-z]{2,})\b", text, re.I)]
    return list(dict.fromkeys(h for h in hosts if not re.fullmatch(r"[\d.]+", h)))


def copyright_names(lines: list[str]) -> list[str]:
    """Who a "Copyright © …" or "© 2022 …" line names."""
    names = []
    for line in lines:
        match = _COPYRIGHT.search(line.strip())
        if match and words(match.group(1)) <= 6:
            names.append(_RIGHTS.sub("", match.group(1)).strip(" .,"))
    return [n for n in names if n]


def squash(name: str) -> str:
    return re.sub(r"\W|_", "", name.casefold())


def _label(host: str) -> str:
    """The host's own part: "peacefmonline" for "www.peacefmonline.com", "nikkei" for "asia.nikkei.com"."""
    parts = host.lower().removeprefix("www.").split(".")
    return parts[-3] if len(parts) >= 3 and parts[-2] in {"co", "com", "org", "net", "ac"} else parts[-2]


# ---- The publisher ---------------------------------------------------------------------------------------------------


@dataclass
class PublisherFound:
    name: str  # the registry's name for it, or the page's when the registry lacks it
    registered: bool
    how: str  # where the capture shows it
    guessed: bool  # not confirmed by a second sign: say so, never state it as a fact


_PUBLISHING_KINDS = ("outlet", "wire", "research-firm")
_ADDRESS = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)


def find_publisher(self_named: str | None, site: SiteName | None, text: str, sources) -> PublisherFound | None:
    """Who published the capture: the name it gives itself, else the registered outlet its addresses show.

    `sources` is the source registry (`get(name)`, `entries`).
    """
    if self_named:
        for name in (self_named, re.sub(r"\s+News$", "", self_named)):
            if (entry := sources.get(name)) is not None:
                return PublisherFound(entry.name, True, "the site's name at the start of the text", False)
    if site:
        entry = sources.get(site.name) or _entry_by_domain_label(site.name, sources)
        if entry is not None:
            return PublisherFound(entry.name, True, site.how, False)
        return PublisherFound(site.name, False, site.how, not site.confirmed)
    return _by_address(text, sources)


def _entry_by_domain_label(name: str, sources):
    """The entry whose address is the name, or spells it: "ars technica" for arstechnica.com."""
    host = name.lower().removeprefix("www.") if _HOST.fullmatch(name) else None
    for entry in sources.entries:
        domains = entry_domains(entry) if entry.kind in _PUBLISHING_KINDS else []
        if host in domains or squash(name) in {squash(_label(d)) for d in domains}:
            return entry
    return None


def _by_address(text: str, sources) -> PublisherFound | None:
    hosts = own_hosts(text)
    for entry in sources.entries:
        if entry.kind == "outlet" and any(serves(entry, host) for host in hosts):
            return PublisherFound(entry.name, True, "an address in the capture", True)
    addresses = " ".join(_ADDRESS.findall(text)).lower()
    for entry in sources.entries:  # "parsintl.com/phonearena": the outlet named inside an address
        if addresses and entry.kind == "outlet" and re.sub(r"\W", "", entry.name.lower()) in addresses:
            return PublisherFound(entry.name, True, "an address in the capture", True)
    return None


def own_hosts(text: str) -> list[str]:
    """Hosts the page shows as its own: contact e-mail addresses, a copyright line's, an address on a line of
    its own at the top or the foot of the page. A link in the text ("… (reuters.com)") is a cited source's."""
    lines = [line.strip() for line in text.split("\n") if line.strip()]
    own = [line for line in lines if _COPYRIGHT.search(line)]
    own += [line for line in lines[:3] + lines[-3:] if _is_address(line)]
    hosts = capture_hosts("\n".join(own))
    hosts += [m.group(1).lower() for m in re.finditer(r"[\w.+-]@((?:[a-z0-9-]+\.)+[a-z]{2,})\b", text, re.I)]
    return list(dict.fromkeys(hosts))


def _is_address(line: str) -> bool:
    """A line that is only an address: "Example.com" or "https://www.example.com/news/…"."""
    host = re.sub(r"^https?://", "", line).split("/")[0]
    return " " not in line and _HOST.fullmatch(host) is not None


def serves(entry, host: str) -> bool:
    """Whether the registry entry's site is at `host` (or a subdomain of one of its domains)."""
    return any(host == domain or host.endswith("." + domain) for domain in entry_domains(entry))


def entry_domains(entry) -> list[str]:
    """A registry entry's hosts: its `domains`, and its homepage's."""
    domains = list(getattr(entry, "domains", None) or [])
    if entry.homepage and (match := re.match(r"https?://(?:www\.)?([^/:]+)", entry.homepage)):
        domains.append(match.group(1).lower())
    return list(dict.fromkeys(domains))
