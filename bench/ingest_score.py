#!/usr/bin/env python3
"""Ingest, scored against a gold annotation of captures it was never tuned on.

    python bench/ingest_score.py GOLD.yaml [--out bench/INGEST.md] [--site DIR] [--work DIR]

Each capture the gold file lists (its `file`, relative to the gold file's folder) is ingested on its
own, by `build.py --site TMP ingest CAPTURE --out TMP/out`, where TMP holds a copy of the site's
site.yaml and nothing else: no page of the site stands in the way and every capture is drafted as a
new one. The drafted page's front matter and the report ingest printed are then compared with the
gold: title, publisher, stated date, companies, cited sources, comments, replies and key-claim
quotes. The scorer prints a table per capture, the totals beside the issue's targets and every miss,
and writes the same to --out. See bench/README.md ("Scoring ingest").
"""

from __future__ import annotations

import argparse
import math
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
BUILD_PY = REPO / "build.py"
DEFAULT_OUT = HERE / "INGEST.md"
TIMEOUT = 120  # seconds one capture's ingest may take

if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from microsite.text import normalise  # noqa: E402

try:  # what ingest calls the article's own voice, when it cannot name the publisher
    from microsite.ingest.draft import UNATTRIBUTED
except ImportError:  # pragma: no cover - renamed since
    UNATTRIBUTED = "The article, unattributed"


class _Loader(yaml.SafeLoader):
    """YAML as the site reads it: `2018-04-16` stays text, never a date object."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def load_yaml(text: str):
    return yaml.load(text, Loader=_Loader)  # a SafeLoader, less the timestamp type


# --- Matching names, fragments and quotes ----------------------------------------------------------------------

_BRACKETED = re.compile(r"\s*(?:\([^()]*\)|\[[^\[\]]*\])")
_LEADING_THE = re.compile(r"^the\s+")
# Company-form words a name may carry or drop: "TECNO Mobile" is Tecno, "Suning.com" is Suning.
_COMPANY_SUFFIX = re.compile(
    r"(?:\s+(?:mobile|inc\.?|corp\.?|corporation|co\.?|ltd\.?|limited|group|holdings|technologies|technology"
    r"|electronics)|\.com)$"
)


def name_key(name: str) -> str:
    """A name as the gold README compares it: case, a leading "the", anything in brackets, typographic quotes and
    spacing do not count. Trailing punctuation does: "Canalys." is not a clean name."""
    text = normalise(str(name))
    while True:
        stripped = _BRACKETED.sub("", text)
        if stripped == text:
            break
        text = stripped
    text = " ".join(text.casefold().split())
    return _LEADING_THE.sub("", text)


def _without_company_suffix(key: str) -> str:
    stripped = _COMPANY_SUFFIX.sub("", key)
    return stripped if stripped and stripped != key else key


class Names:
    """Name matching with the site's registries: a name matches another when their keys are equal, or when both
    are names or aliases of one registry entry ("Nikkei" and "Nikkei Asia", "Counterpoint" and "Counterpoint
    Research", "Huawei (company statement)" and "Huawei")."""

    def __init__(self, site_yaml: dict | None = None):
        self.entries: dict[str, dict[str, str]] = {"source": {}, "company": {}}
        site_yaml = site_yaml or {}
        for label, key in (("source", "sources"), ("company", "companies")):
            for entry in site_yaml.get(key) or []:
                if not isinstance(entry, dict) or not entry.get("name"):
                    continue
                for name in [entry["name"], *(entry.get("aliases") or [])]:
                    self.entries[label].setdefault(name_key(name), str(entry["name"]))

    def keys(self, name: str) -> set[str]:
        key = name_key(name)
        found = {key}
        for candidate in (key, _without_company_suffix(key)):
            found.add(candidate)
            for label, entries in self.entries.items():
                if candidate in entries:
                    found.add(f"{label}: {entries[candidate]}")
        return found

    def same(self, a: str, b: str) -> bool:
        return bool(self.keys(a) & self.keys(b))

    def match(self, drafted: list[str], gold: list[str]) -> tuple[list[str], list[str], list[str]]:
        """One to one: (gold names found, gold names missed, drafted names that match none or repeat one)."""
        found: list[str] = []
        spurious: list[str] = []
        left = list(gold)
        for name in drafted:
            hit = next((g for g in left if self.same(name, g)), None)
            if hit is None:
                spurious.append(name)
            else:
                left.remove(hit)
                found.append(hit)
        return found, left, spurious


def _words(text: str) -> list[str]:
    return text.split()


_MONTHS = _words(
    "january february march april may june july august september october november december "
    "jan feb mar apr jun jul aug sep sept oct nov dec"
)
_WEEKDAYS = _words("monday tuesday wednesday thursday friday saturday sunday mon tue tues wed thu thurs fri sat sun")
_RELATIVE = _words(
    "today yesterday tomorrow tonight last this next week weeks month months year years quarter day days ago "
    "earlier later morning afternoon evening"
)
_DATE_WORDS = {*_MONTHS, *_WEEKDAYS, *_RELATIVE, "of", "the", "on", "in", "since", "by", "q1", "q2", "q3", "q4"}
_NUMBER = re.compile(r"^(?:\d{1,4}(?:st|nd|rd|th)?|'\d\d)$")
_MONTH = "|".join(_MONTHS)
_FULL_DATE = re.compile(
    rf"\b(?:(?:{_MONTH})\.?\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}|\d{{1,2}}\s+(?:{_MONTH})\.?,?\s+\d{{4}}"
    rf"|(?:{_MONTH})\.?\s+\d{{4}}|\d{{4}}-\d\d(?:-\d\d)?)\b",
    re.IGNORECASE,
)
# Words a sentence opens with, never a name's first word ("On Tuesday Apple", "Earlier", "However, Canalys").
_SENTENCE_STARTS = {
    *_MONTHS,
    *_WEEKDAYS,
    *_words(
        "on in at as if so but and or also then now today yesterday tomorrow earlier later last this next after "
        "before when while since although though however meanwhile separately previously recently currently "
        "additionally moreover furthermore still yet according speaking asked meanwhile instead overall "
        "indeed it he she they we i you there here that these those his her their its our"
    ),
}
_EDGE_WORDS = {"and", "or", "of", "the", "a", "an", "to", "in", "on", "at", "by", "for", "with", "from", "as", "that"}
_TRAILING_PUNCTUATION = re.compile(r"[.,;:!?…\-–—'\"“”‘’]$")
_ABBREVIATION_END = re.compile(r"(?:\b(?:Inc|Co|Corp|Ltd|Jr|Sr|St|Bros|Dr|Mr|Mrs|Ms)\.|(?:\b[A-Z]\.)+)$")
_WORD = re.compile(r"[\w'’&.-]+")


def is_date(name: str) -> bool:
    """A date or a time, not a name: "January 29, 2014", "Tuesday", "last week", "2014-01-29"."""
    words = [w.strip(".,'’").casefold() for w in _WORD.findall(normalise(name))]
    words = [w for w in words if w]
    if not words:
        return False
    if all(w in _DATE_WORDS or _NUMBER.match(w) for w in words) and any(w not in _EDGE_WORDS for w in words):
        return True
    return bool(_FULL_DATE.search(name))


def is_sentence_start(name: str) -> bool:
    """The opening of a sentence taken for a name: "On Tuesday Apple", "Earlier", "However Canalys"."""
    words = normalise(name).split()
    return bool(words) and words[0].strip(",.:;").casefold() in _SENTENCE_STARTS


def has_trailing_punctuation(name: str) -> bool:
    """ "Canaccord Genuity." or "Wang," but not "Apple Inc." or "U.S."; a closing bracket only if unmatched."""
    text = normalise(name).strip()
    if text.endswith(")") and text.count("(") < text.count(")"):
        return True
    if not _TRAILING_PUNCTUATION.search(text):
        return False
    if text.endswith(('"', "'")) and text.count(text[-1]) % 2 == 0:  # a quoted name: "“Project X”"
        return False
    return not (text.endswith(".") and _ABBREVIATION_END.search(text))


def fragment_of(name: str, others: list[str]) -> str | None:
    """The longer name a drafted name is a piece of: "Wang" of "Wang Xiang", "Jia" of "Mo Jia"."""
    key = name_key(name).strip(".,;:")
    if not key or " " in key:
        return None
    for other in others:
        words = name_key(other).strip(".,;:").split()
        if len(words) > 1 and key in (words[0], words[-1]):
            return other
    return None


def flaws(name: str, others: list[str] = ()) -> list[str]:
    """Why a drafted source is no clean name (empty when it looks like one); it is a false positive either way
    unless it matches a gold name."""
    found = []
    if is_date(name):
        found.append("a date")
    elif is_sentence_start(name):
        found.append("a sentence start")
    words = normalise(name).split()
    opens_badly = not found and words and words[0].casefold() in _EDGE_WORDS - {"the", "a", "an"}
    if words and (opens_badly or words[-1].casefold() in _EDGE_WORDS):
        found.append("a fragment")
    elif (whole := fragment_of(name, [o for o in others if o != name])) is not None:
        found.append(f"a fragment of {whole}")
    if has_trailing_punctuation(name):
        found.append("trailing punctuation")
    return found


def quote_key(text: str) -> str:
    return normalise(str(text)).casefold()


def quote_recalled(gold: str, drafted: list[str]) -> bool:
    """A gold quote is recalled when a drafted quote contains it, or lies inside it (a drafted quote of at least
    three words: a lone name inside a gold sentence recalls nothing); white space and typographic quotes folded."""
    want = quote_key(gold)
    if not want:
        return False
    for quote in drafted:
        have = quote_key(quote)
        if have and (want in have or (have in want and len(have.split()) >= 3)):
            return True
    return False


# --- One capture: ingest it, read the draft --------------------------------------------------------------------


@dataclass
class Draft:
    front: dict | None  # the drafted page's front matter; None when nothing was drafted
    text: str  # the drafted page, whole
    report: str  # what ingest printed
    failure: str | None = None  # why nothing was drafted


_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?)\n---[ \t]*(?:\n|\Z)", re.DOTALL)


def ingest(capture: Path, site_yaml: Path, work: Path) -> Draft:
    """`build.py ingest` on one capture, in a site folder of its own holding only a copy of site.yaml."""
    site = work / "site"
    out = work / "out"
    site.mkdir(parents=True)
    shutil.copyfile(site_yaml, site / "site.yaml")
    command = [sys.executable, str(BUILD_PY), "--site", str(site), "ingest", str(capture), "--out", str(out)]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=TIMEOUT, cwd=REPO)
    except subprocess.TimeoutExpired:
        return Draft(None, "", "", failure=f"ingest took more than {TIMEOUT} s")
    report = done.stdout + done.stderr
    (work / "report.txt").write_text(report, encoding="utf-8")
    pages = sorted((out / "content").rglob("*.md")) if (out / "content").is_dir() else []
    if not pages:
        last = (done.stderr.strip() or done.stdout.strip() or "no output").splitlines()
        return Draft(None, "", report, failure=f"nothing drafted (exit {done.returncode}): {last[-1][:200]}")
    text = pages[0].read_text(encoding="utf-8")
    match = _FRONT_MATTER.match(text)
    try:
        front = load_yaml(match.group(1)) if match else None
    except yaml.YAMLError as err:
        return Draft(None, text, report, failure=f"the draft's front matter is not YAML: {err}")
    if not isinstance(front, dict):
        return Draft(None, text, report, failure="the draft has no front matter")
    return Draft(front, text, report)


def _text(value) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def _names(items) -> list[str]:
    names = []
    for item in items or []:
        name = item.get("name") if isinstance(item, dict) else item
        if _text(name):
            names.append(_text(name))
    return names


def _report_list(report: str, label: str) -> list[str] | None:
    """The names on the report's `label: A, B, C` line, or None when there is no such line."""
    for line in report.splitlines():
        head, sep, tail = line.strip().partition(":")
        if sep and head.strip().casefold() == label:
            return [name.strip() for name in tail.split(",") if name.strip()]
    return None


def _suggested(report: str, draft_text: str) -> list[str]:
    """Names the report (or a comment in the draft) offers as the publisher or as an outlet to register."""
    names = []
    lines = report.splitlines() + [line for line in draft_text.splitlines() if line.lstrip().startswith("#")]
    for line in lines:
        label = line.strip().split(":", 1)[0].casefold()
        if " -> " in line or label.startswith(("title", "sources", "companies", "found")):
            continue  # the capture's and the page's paths, the headline, other lists
        if not re.search(r"publish|suggest|regist|site\.yaml|organisation|outlet", line, re.IGNORECASE):
            continue
        names += [piece.strip(" `'\"?") for piece in re.split(r"[:,;]", line) if piece.strip()]
    return names


# --- Scores ----------------------------------------------------------------------------------------------------


def ratio(n: int, d: int) -> float | None:
    return n / d if d else None


def f1(p: float | None, r: float | None) -> float | None:
    if p is None or r is None:
        return None
    return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class Score:
    name: str
    drafted: bool = True
    title_ok: bool | None = None  # None: the gold has no title
    publisher_ok: bool | None = None  # None: the gold has no publisher
    date_ok: bool | None = None  # None: the gold's date is not stated
    date_invented: bool = False
    companies: tuple[int, int, int] = (0, 0, 0)  # matched, drafted, gold
    comment_companies: tuple[int, int, int] | None = None  # matched, drafted, gold; None: not reported
    sources_precision: tuple[int, int] = (0, 0)  # drafted that match, drafted
    sources_recall: tuple[int, int] = (0, 0)  # gold found, gold
    comments: tuple[int, int] | None = None  # drafted, gold; None: no gold
    authors: tuple[int, int, int] = (0, 0, 0)  # matched, drafted, gold
    replies: tuple[int, int] = (0, 0)  # drafted, gold
    quotes: tuple[int, int] = (0, 0)  # gold quotes recalled, gold quotes
    claims: tuple[int, int] = (0, 0)  # drafted claims, gold key claims
    misses: list[str] = field(default_factory=list)


def _author_key(handle: str) -> str:
    return re.sub(r"^(?:@|u/)", "", " ".join(normalise(str(handle)).casefold().split()))


def _left_over(names: list[str], others: list[str]) -> list[str]:
    """The names (as written) that the others do not account for, one for one."""
    left = Counter(map(_author_key, others))
    over = []
    for name in names:
        if left[_author_key(name)]:
            left[_author_key(name)] -= 1
        else:
            over.append(name)
    return over


def _short(text: str, limit: int = 70) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _listing(names: list[str]) -> str:
    return ", ".join(names) if names else "none"


def score(entry: dict, draft: Draft, names: Names) -> Score:
    result = Score(Path(str(entry.get("file", "?"))).stem)
    misses = result.misses
    gold_companies = [str(c) for c in entry.get("companies") or []]
    gold_sources = [str(s) for s in entry.get("sources_cited") or []]
    gold_comments = entry.get("comments") if isinstance(entry.get("comments"), dict) else None
    gold_quotes = [str(c["quote"]) for c in entry.get("key_claims") or [] if isinstance(c, dict) and c.get("quote")]
    gold_publisher = _text(entry.get("publisher"))
    date = entry.get("date") if isinstance(entry.get("date"), dict) else {}
    stated = date.get("how") == "stated" and _text(date.get("value")) is not None
    result.title_ok = False if "title" in entry else None
    result.publisher_ok = False if gold_publisher else None
    result.date_ok = False if stated else None
    result.companies = (0, 0, len(gold_companies))
    result.sources_recall = (0, len(gold_sources))
    result.quotes = (0, len(gold_quotes))
    result.claims = (0, len(gold_quotes))
    if gold_comments is not None:
        gold_authors = [str(a) for a in gold_comments.get("authors") or []]
        result.comments = (0, int(gold_comments.get("count") or 0))
        result.authors = (0, 0, len(gold_authors))
        result.replies = (0, int(gold_comments.get("replies") or 0))
    gold_in_comments = entry.get("companies_in_comments_only")
    if draft.front is None:
        result.drafted = False
        misses.append(f"not drafted: {draft.failure}")
        return result
    front = draft.front

    # Title, exactly.
    title = _text(front.get("title")) or ""
    if "title" in entry:
        result.title_ok = title == str(entry["title"]).strip()
        if not result.title_ok:
            misses.append(f"title: drafted “{_short(title)}”, gold “{_short(entry['title'])}”")

    # Publisher: the draft's, or (with none drafted) one the report suggests registering.
    publisher = _text(front.get("publisher"))
    if gold_publisher:
        if publisher:
            result.publisher_ok = names.same(publisher, gold_publisher)
        else:
            result.publisher_ok = any(names.same(s, gold_publisher) for s in _suggested(draft.report, draft.text))
            if result.publisher_ok:
                misses.append(f"publisher: {gold_publisher} only suggested in the report (counted)")
        if not result.publisher_ok:
            misses.append(f"publisher: drafted {publisher or 'none'}, gold {gold_publisher}")
    elif publisher:
        misses.append(f"publisher: drafted {publisher} where the gold has none (not scored)")

    # Date: scored only where the page states it; a date drafted where it does not is invented.
    published = _text(front.get("published"))
    if stated:
        result.date_ok = published == _text(date.get("value"))
        if not result.date_ok:
            misses.append(f"date: drafted {published or 'none'}, gold {date.get('value')} (stated)")
    elif published and "date" in entry:
        result.date_invented = True
        misses.append(f"date: drafted {published} where the gold's is {date.get('how', 'unknown')} (invented)")

    # Companies, and those only readers name.
    if "companies" in entry:
        drafted_companies = _names(front.get("companies"))
        found, missed, spurious = names.match(drafted_companies, gold_companies)
        result.companies = (len(found), len(drafted_companies), len(gold_companies))
        if missed or spurious:
            misses.append(f"companies: missed {_listing(missed)}; spurious {_listing(spurious)}")
    in_comments = _report_list(draft.report, "companies only in comments")
    for key in ("companies_in_comments", "comment_companies", "companies_in_comments_only"):
        if front.get(key) is not None:
            in_comments = _names(front[key])
    if isinstance(gold_in_comments, list):
        drafted_in_comments = in_comments or []
        found_c, missed_c, _ = names.match(drafted_in_comments, [str(c) for c in gold_in_comments])
        result.comment_companies = (len(found_c), len(drafted_in_comments), len(gold_in_comments))
        if missed_c:
            misses.append(f"companies only in comments: missed {_listing(missed_c)}")

    # Sources cited: the article's own voice (the placeholder, or the publisher) is not a cited source.
    if "sources_cited" in entry:
        own_voice = {name_key(UNATTRIBUTED), "article", "article, unattributed"}
        drafted_sources = [
            s
            for s in dict.fromkeys(_names(front.get("sources")))
            if name_key(s) not in own_voice and not (publisher and names.same(s, publisher))
        ]
        found, missed, spurious = names.match(drafted_sources, gold_sources)
        matched_drafted = len(drafted_sources) - len(spurious)
        if publisher and gold_publisher and names.same(publisher, gold_publisher):
            # A page that cites its own outlet (a research firm's release) attributes to it as its publisher.
            own = [g for g in missed if names.same(g, publisher)]
            missed = [g for g in missed if g not in own]
            found += own
        result.sources_precision = (matched_drafted, len(drafted_sources))
        result.sources_recall = (len(found), len(gold_sources))
        if missed or spurious:
            others = drafted_sources + gold_sources
            labelled = [f"{s} ({', '.join(flaws(s, others)) or 'not in the gold'})" for s in spurious]
            misses.append(f"sources: missed {_listing(missed)}; spurious {_listing(labelled)}")

    # Comments: count, authors (a multiset of handles), replies.
    comments = front.get("comments")
    items = comments.get("items") if isinstance(comments, dict) else comments
    items = [item for item in items or [] if isinstance(item, dict)]
    if gold_comments is not None:
        gold_authors = [str(a) for a in gold_comments.get("authors") or []]
        drafted_authors = [str(item["author"]) for item in items if _text(item.get("author"))]
        common = Counter(map(_author_key, drafted_authors)) & Counter(map(_author_key, gold_authors))
        result.comments = (len(items), result.comments[1])
        result.authors = (sum(common.values()), len(drafted_authors), len(gold_authors))
        result.replies = (sum(1 for item in items if _text(item.get("reply_to"))), result.replies[1])
        if len(items) != result.comments[1]:
            misses.append(f"comments: drafted {len(items)}, gold {result.comments[1]}")
        lacking = _left_over(gold_authors, drafted_authors)
        extra = _left_over(drafted_authors, gold_authors)
        if lacking or extra:
            extra_text = _listing([_short(a, 30) for a in extra[:8]]) + (" …" if len(extra) > 8 else "")
            misses.append(f"comment authors: missing {_listing(lacking)}; extra {extra_text}")
        if result.replies[0] != result.replies[1]:
            misses.append(f"replies: drafted {result.replies[0]}, gold {result.replies[1]}")

    # Key-claim quotes, and how many claims were drafted for them.
    if "key_claims" in entry:
        drafted_quotes = [str(c["quote"]) for c in front.get("claims") or [] if isinstance(c, dict) and c.get("quote")]
        recalled = [q for q in gold_quotes if quote_recalled(q, drafted_quotes)]
        result.quotes = (len(recalled), len(gold_quotes))
        result.claims = (len(front.get("claims") or []), len(gold_quotes))
        missed_quotes = [q for q in gold_quotes if q not in recalled]
        if missed_quotes:
            shown = "; ".join(f"“{_short(q, 60)}”" for q in missed_quotes)
            misses.append(f"key quotes: missed {len(missed_quotes)} of {len(gold_quotes)}: {shown}")
    return result


# --- Totals and targets ----------------------------------------------------------------------------------------


@dataclass
class Total:
    label: str
    cell: str  # the short form, for the per-capture table's total row
    score: str  # the long form, with its counts
    target: str = "—"
    met: bool | None = None  # None: no target


def _fraction_target(share: tuple[int, int], n: int) -> int:
    """The issue's "at least 17 of 18", scaled to a gold set of n captures."""
    return math.ceil(share[0] / share[1] * n - 1e-9)


def _fmt(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}"


def _sum(pairs) -> tuple[int, ...]:
    pairs = list(pairs)
    return tuple(sum(p[i] for p in pairs) for i in range(len(pairs[0]))) if pairs else (0, 0, 0)


def totals(scores: list[Score]) -> dict[str, Total]:
    """Every total, in the per-capture table's column order, by column."""
    rows: dict[str, Total] = {}
    titled = [s for s in scores if s.title_ok is not None]
    n = len(titled)
    titles, need = sum(bool(s.title_ok) for s in titled), _fraction_target((17, 18), n)
    cell = f"{titles}/{n}"
    rows["title"] = Total("titles exact", cell, cell, f"≥ {need}/{n}", titles >= need if titled else None)
    scored = [s for s in scores if s.publisher_ok is not None]
    right, need = sum(bool(s.publisher_ok) for s in scored), _fraction_target((15, 17), len(scored))
    rows["publisher"] = Total(
        "publishers right",
        f"{right}/{len(scored)}",
        f"{right}/{len(scored)}",
        f"≥ {need}/{len(scored)}",
        right >= need if scored else None,
    )
    stated = [s for s in scores if s.date_ok is not None]
    found, invented = sum(bool(s.date_ok) for s in stated), sum(s.date_invented for s in scores)
    need = _fraction_target((15, 16), len(stated))
    cell = f"{found}/{len(stated)}, {invented} invented"
    met = found >= need and invented == 0
    rows["date"] = Total("stated dates found", cell, cell, f"≥ {need}/{len(stated)}, 0 invented", met)
    matched, drafted, gold = _sum(s.companies for s in scores)
    p, r = ratio(matched, drafted), ratio(matched, gold)
    value = f1(p or 0.0, r or 0.0) if drafted or gold else None
    cell = f"{_fmt(p)} / {_fmt(r)} / {_fmt(value)}"
    long = f"{cell} ({matched} of {drafted} drafted right, {gold} in the gold)"
    met = None if value is None else value >= 0.85
    rows["companies"] = Total("companies P / R / F1", cell, long, "F1 ≥ 0.85", met)
    matched, _, gold = _sum(s.comment_companies for s in scores if s.comment_companies is not None)
    rows["in_comments"] = Total(
        "companies only in comments, recall", f"{matched}/{gold}", f"{_fmt(ratio(matched, gold))} ({matched}/{gold})"
    )
    (p_n, p_d), (r_n, r_d) = _sum(s.sources_precision for s in scores), _sum(s.sources_recall for s in scores)
    p, r = ratio(p_n, p_d), ratio(r_n, r_d)
    rows["sources"] = Total(
        "sources P / R",
        f"{_fmt(p)} / {_fmt(r)}",
        f"{_fmt(p)} ({p_n}/{p_d}) / {_fmt(r)} ({r_n}/{r_d})",
        "P ≥ 0.85, R ≥ 0.8",
        None if not (p_d or r_d) else (p or 0) >= 0.85 and (r or 0) >= 0.8,
    )
    counted = [s for s in scores if s.comments is not None]
    exact, need = sum(s.comments[0] == s.comments[1] for s in counted), _fraction_target((16, 18), len(counted))
    cell = f"{exact}/{len(counted)}"
    rows["comments"] = Total(
        "comment counts exact", cell, cell, f"≥ {need}/{len(counted)}", exact >= need if counted else None
    )
    matched, drafted, gold = _sum(s.authors for s in scores)
    p, r = ratio(matched, drafted), ratio(matched, gold)
    value = f1(p or 0.0, r or 0.0) if gold or drafted else None
    long = f"{_fmt(value)} (P {_fmt(p)}, R {_fmt(r)}: {matched} of {drafted} drafted, {gold} in the gold)"
    rows["authors"] = Total("comment authors F1", _fmt(value), long, "≥ 0.9", None if value is None else value >= 0.9)
    drafted, gold = _sum(s.replies for s in scores)[:2]
    found = sum(min(s.replies) for s in scores)
    rows["replies"] = Total(
        "replies found / gold", f"{found}/{gold}", f"{found}/{gold} (capped at the gold per capture; {drafted} drafted)"
    )
    recalled, gold = _sum(s.quotes for s in scores)[:2]
    r = ratio(recalled, gold)
    rows["quotes"] = Total(
        "key quotes recalled",
        f"{recalled}/{gold}",
        f"{recalled}/{gold} ({_fmt(r)})",
        "≥ 0.7",
        None if r is None else r >= 0.7,
    )
    claims, gold = _sum(s.claims for s in scores)[:2]
    rows["claims"] = Total(
        "drafted claims / gold key claims",
        f"{claims}/{gold}",
        f"{claims}/{gold} ({_fmt(ratio(claims, gold))}×)",
        "≤ 2×",
        claims <= 2 * gold,
    )
    return rows


# --- The report ------------------------------------------------------------------------------------------------


def _mark(ok: bool | None) -> str:
    return "—" if ok is None else ("✓" if ok else "✗")


def _pair(pair: tuple[int, int] | None) -> str:
    return "—" if pair is None else f"{pair[0]}/{pair[1]}"


def _prf(matched: int, drafted: int, gold: int) -> str:
    if not drafted and not gold:
        return "—"
    p, r = ratio(matched, drafted), ratio(matched, gold)
    return f"{_fmt(p)} / {_fmt(r)} / {_fmt(f1(p or 0.0, r or 0.0))}"


COLUMNS = [
    ("title", "title"),
    ("publisher", "publisher"),
    ("date", "date"),
    ("companies", "companies P / R / F1"),
    ("in_comments", "in comments only"),
    ("sources", "sources P / R"),
    ("comments", "comments"),
    ("authors", "authors F1"),
    ("replies", "replies"),
    ("quotes", "key quotes"),
    ("claims", "claims"),
]


def _cells(s: Score) -> dict[str, str]:
    in_comments = "—"
    if s.comment_companies is not None and s.comment_companies[2]:
        in_comments = _pair((s.comment_companies[0], s.comment_companies[2]))
    matched, drafted, gold = s.authors
    return {
        "title": _mark(s.title_ok),
        "publisher": _mark(s.publisher_ok),
        "date": "invented" if s.date_invented else _mark(s.date_ok),
        "companies": _prf(*s.companies),
        "in_comments": in_comments,
        "sources": f"{_fmt(ratio(*s.sources_precision))} / {_fmt(ratio(*s.sources_recall))}",
        "comments": "—" if s.comments is None else f"{_mark(s.comments[0] == s.comments[1])} {_pair(s.comments)}",
        "authors": "—"
        if not (drafted or gold)
        else _fmt(f1(ratio(matched, drafted) or 0.0, ratio(matched, gold) or 0.0)),
        "replies": _pair(s.replies),
        "quotes": _pair(s.quotes),
        "claims": _pair(s.claims),
    }


def table(scores: list[Score], rows: dict[str, Total]) -> list[str]:
    lines = [
        "| capture | " + " | ".join(title for _, title in COLUMNS) + " |",
        "|---|" + ":-:|" * len(COLUMNS),
    ]
    for s in scores:
        cells = _cells(s)
        name = s.name if s.drafted else f"{s.name} (not drafted)"
        lines.append(f"| {name} | " + " | ".join(cells[key] for key, _ in COLUMNS) + " |")
    lines.append("| **total** | " + " | ".join(rows[key].cell for key, _ in COLUMNS) + " |")
    return lines


def totals_table(rows: dict[str, Total]) -> list[str]:
    lines = ["| measure | score | target | |", "|---|---|---|---|"]
    for row in rows.values():
        met = "—" if row.met is None else ("met" if row.met else "**not met**")
        lines.append(f"| {row.label} | {row.score} | {row.target} | {met} |")
    return lines


def _git(*args: str) -> str:
    try:
        done = subprocess.run(["git", "-C", str(REPO), *args], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return ""
    return done.stdout.strip() if done.returncode == 0 else ""


def shown_path(path: Path) -> str:
    """A path as the repository sees it (relative to it), never this machine's absolute path."""
    try:
        return os.path.relpath(path.resolve(), REPO)
    except ValueError:  # another drive, on Windows
        return path.name


def markdown(scores: list[Score], rows: dict[str, Total], gold: Path, command: list[str]) -> str:
    revision = _git("rev-parse", "--short", "HEAD") or "unknown"
    files = _git("diff", "--name-only", "HEAD").splitlines()  # tracked files changed, staged or not
    shown = ", ".join(f"`{f}`" for f in files[:12]) + (", …" if len(files) > 12 else "")
    tree = (
        f"dirty: {len(files)} tracked files have uncommitted changes, which the scores include ({shown})"
        if files
        else "clean: the scores are those of the revision"
    )
    lines = [
        "# Ingest scores",
        "",
        f"Written whole by `bench/ingest_score.py` on {datetime.now().astimezone():%Y-%m-%d %H:%M %Z}; "
        "do not edit it by hand.",
        "",
        f"- Gold: `{shown_path(gold)}` ({len(scores)} captures)",
        f"- Code: git {revision}",
        f"- Working tree: {tree}",
        f"- Command: `{shlex.join(command)}`",
        "",
        "## Per capture",
        "",
        "✓ right, ✗ wrong, — not scored (the gold has no publisher, no stated date, no such items). "
        "Pairs are found/gold, except comments, replies and claims: drafted/gold.",
        "",
        *table(scores, rows),
        "",
        "## Totals",
        "",
        *totals_table(rows),
        "",
        "## Misses",
        "",
    ]
    for s in scores:
        if s.misses:
            lines.append(f"- **{s.name}**")
            lines += [f"  - {miss}" for miss in s.misses]
        else:
            lines.append(f"- **{s.name}**: nothing missed")
    lines += ["", "How each measure is taken: `bench/README.md`, “Scoring ingest”.", ""]
    return "\n".join(lines)


# --- Running it ------------------------------------------------------------------------------------------------


def load_gold(gold: Path) -> list[dict]:
    data = load_yaml(gold.read_text(encoding="utf-8"))
    if isinstance(data, dict):
        data = data.get("captures") or data.get("items")
    if not isinstance(data, list) or not data or not all(isinstance(e, dict) and e.get("file") for e in data):
        raise SystemExit(f"{gold}: expected a list of one or more entries, each with a `file`")
    return data


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("gold", type=Path, help="the gold file: a YAML list of entries, each with a `file`")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="the report (default bench/INGEST.md)")
    parser.add_argument("--site", type=Path, default=REPO, help="the site folder whose site.yaml ingest uses")
    parser.add_argument("--work", type=Path, help="keep each capture's draft and report here (default: deleted)")
    args = parser.parse_args(argv)

    gold = args.gold.resolve()
    entries = load_gold(gold)
    site_yaml = args.site / "site.yaml"
    names = Names(load_yaml(site_yaml.read_text(encoding="utf-8")))
    work = args.work.resolve() if args.work else Path(tempfile.mkdtemp(prefix="ingest-score-"))
    try:
        folders = [work / f"{i:03d}-{Path(str(e['file'])).stem}" for i, e in enumerate(entries)]
        for folder in folders:
            shutil.rmtree(folder, ignore_errors=True)
        captures = [(gold.parent / str(e["file"])).resolve() for e in entries]
        with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
            drafts = list(
                pool.map(lambda pair: ingest(pair[0], site_yaml, pair[1]), zip(captures, folders, strict=True))
            )
    finally:
        if not args.work:
            shutil.rmtree(work, ignore_errors=True)
    scores = [score(entry, draft, names) for entry, draft in zip(entries, drafts, strict=True)]
    rows = totals(scores)

    command = ["python", "bench/ingest_score.py", shown_path(gold)]
    if args.out.resolve() != DEFAULT_OUT:
        command += ["--out", shown_path(args.out)]
    if args.site.resolve() != REPO:
        command += ["--site", shown_path(args.site)]
    report = markdown(scores, rows, gold, command)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(report, encoding="utf-8")
    print(report.split("\n## Per capture\n", 1)[1].rstrip())
    print(f"\nwritten to {shown_path(args.out)}")
    return 0 if all(s.drafted for s in scores) else 1


if __name__ == "__main__":
    sys.exit(main())
