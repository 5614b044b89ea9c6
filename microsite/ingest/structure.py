"""A capture's text -> its parts: headline, body paragraphs, publisher, comments.

Captured pages carry furniture around the article (close buttons, "Was this article
helpful?", related stories, reprint notices, share and login prompts). The rules
here recognise it by its wording, which sites share, not by any one site's layout.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..text import normalise
from .comments import CommentsFound, find_comments
from .datetext import iso_date

TITLE_LIMIT = 200  # a longer first line is a whole paragraph (or page) glued to the headline

# A line that ends the article: what follows it is the site's, not the article's.
_ENDS_ARTICLE = re.compile(
    r"^(discover more|latest stories|related( articles| stories| news| posts)?|read more|more from .*|"
    r"you may also like|recommended( for you)?|popular( now| stories)?|trending( now)?|more stories|"
    r"top rated comments|\(view all\)|\d* ?comments?|reader comments|leave a (reply|comment)|"
    r"this copy is for your personal.*|all rights reserved.*|copyright .*|© .*)[.:!]?$",
    re.IGNORECASE,
)
# A line of furniture inside the article: dropped, the article goes on.
_FURNITURE = re.compile(
    r"^(x|×|close|menu|search|home|skip to (main )?content|advertisement|ad|sponsored|share|"
    r"share (this|on) .*|tweet|pin it|email|print|subscribe.*|sign (in|up).*|log ?in.*|register.*|"
    r"follow us.*|was this article helpful\??|\d+ out of \d+ found this helpful|yes|no|"
    r"source ?:|image( credit)?:.*|photo:.*|getty images|\[ ?read all comments ?\]|"
    r".*please contact us!?|click here.*|(we will )?continue to update.*)$",
    re.IGNORECASE,
)
# "【Phoneauto News】" or "[Mobile China News]": the site naming itself at the start of the text.
_SELF_NAMED = re.compile(r"^\s*[【\[]\s*([^】\]]{2,40}?)\s*[】\]]")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z“\"‘'(])")
# A byline or dateline under the headline: "Posted on December 11, 2017 by Alex", "By Dana | Dec 11, 2017".
_BYLINE = re.compile(
    r"^(posted|published|updated|by|written by|from)\b|^[A-Z][\w .'-]{1,40}, \d{1,2} \w+ \d{4}\.?$", re.I
)
# "Home  Reviews  News  About" or "Home | News | Reviews": a site's menu.
_MENU = re.compile(r"^\w+(?:\s{2,}|\s*\|\s*)\w+(?:(?:\s{2,}|\s*\|\s*)\w+)+$")


@dataclass
class Parts:
    title: str
    body: list[str]  # paragraphs, verbatim from the capture, furniture left out
    self_named: str | None  # how the site names itself in the text, if it does
    comments: CommentsFound
    published: str | None = None  # YYYY-MM-DD, from a dateline under the headline
    only_comments: bool = False
    notes: list[str] = field(default_factory=list)


def split(text: str) -> Parts:
    lines = text.split("\n")
    comments = find_comments(lines)
    notes: list[str] = []
    first = next((i for i, line in enumerate(lines) if line.strip() and not _FURNITURE.match(line.strip())), None)
    if first is None or first >= comments.start:
        title = _title_from_comments(lines, comments)
        notes.append("no article text before the comments: the capture holds only comments")
        return Parts(title, [], None, comments, only_comments=True, notes=notes)

    first = _headline_line(lines, first, comments.start)
    headline = lines[first].strip()
    title, glued_rest = _title(headline, notes)
    body: list[str] = [glued_rest] if glued_rest else []
    published = None
    for line in lines[first + 1 : comments.start]:
        stripped = line.strip()
        if not stripped:
            continue
        if _ENDS_ARTICLE.match(stripped):
            break
        if _FURNITURE.match(stripped) or _MENU.match(stripped):
            continue
        if not body and _BYLINE.match(stripped) and len(stripped) < 160:
            published = published or iso_date(stripped)
            continue  # who wrote it and when: not the article's text
        if not body and _repeats_headline(stripped, title):
            continue  # the headline again (page title, social title, subtitle)
        if not body and len(stripped.split()) <= 3 and not stripped.endswith((".", "!", "?", ":")):
            continue  # tags and labels between the headline and the text
        if not body and normalise(stripped).startswith(normalise(title)) and len(stripped) > len(title):
            stripped = stripped[len(title) :].strip()  # headline glued to the first line of the body
        body.append(stripped)
    named = next((m.group(1) for p in body[:3] if (m := _SELF_NAMED.match(p))), None)
    if not body:
        notes.append("no article text found between the headline and the end of the article")
    return Parts(title, body, named, comments, published=published, notes=notes)


def sentences(paragraph: str) -> list[str]:
    """A paragraph's sentences, each verbatim."""
    return [s.strip() for s in _SENTENCE_END.split(paragraph) if s.strip()]


def _headline_line(lines: list[str], first: int, end: int) -> int:
    """The headline's line: a site's name or menu may come first, as a short line before a longer one."""
    candidates = [i for i in range(first, min(end, first + 12)) if lines[i].strip()][:4]
    for i in candidates:
        line = lines[i].strip()
        if i > first and len(line.split()) > 6 and line.endswith((".", '."', ".”")):
            break  # the article's text has begun: the short first line was the headline
        if len(line.split()) >= 4 and not _MENU.match(line) and not _BYLINE.match(line):
            return i
    return first


def _title(headline: str, notes: list[str]) -> tuple[str, str]:
    """The headline, and what of its line belongs to the body when the two are glued."""
    if len(headline) <= TITLE_LIMIT:
        return headline, ""
    first_sentence = sentences(headline)[0]
    if len(first_sentence) <= TITLE_LIMIT:
        notes.append("the first line runs on into the article: its first sentence was taken as the title")
        return first_sentence, headline[len(first_sentence) :].strip()
    cut = headline[:TITLE_LIMIT].rsplit(" ", 1)[0].rstrip(",;:")
    notes.append(f"the first line has {len(headline)} characters and no short first sentence: the title is cut")
    return cut + "…", headline


def _repeats_headline(line: str, title: str) -> bool:
    """The same headline, or a variant of it: short, unpunctuated and sharing most words."""
    if normalise(line) == normalise(title):
        return True
    if len(line) > TITLE_LIMIT or line.rstrip().endswith((".", ":", "!", "?", "”", '"')):
        return False
    words, heading = set(re.findall(r"\w+", line.lower())), set(re.findall(r"\w+", title.lower()))
    return len(words & heading) >= 0.6 * max(len(words), 1)


def _title_from_comments(lines: list[str], comments: CommentsFound) -> str:
    before = [line.strip() for line in lines[: comments.start] if line.strip()]
    if before:
        return before[0][:TITLE_LIMIT]
    return "Reader comments"
