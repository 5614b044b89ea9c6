"""A capture's text -> its parts: headline, body paragraphs, publisher, comments.

Captured pages carry furniture around the article (close buttons, "Was this article
helpful?", related stories, reprint notices, share and login prompts). The rules
here recognise it by its wording, which sites share, not by any one site's layout.
Where the headline, its dateline and the article's first line are, and how the site
names itself, are read from line shapes in masthead.py; the comments, in comments.py.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..text import normalise
from .comments import CommentsFound, find_comments
from .masthead import Head, SiteName, read_head, site_name

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
    published: str | None = None  # YYYY-MM-DD, from a dateline near the headline
    only_comments: bool = False
    notes: list[str] = field(default_factory=list)
    updated: str | None = None  # an "Updated …" date, kept apart from the published one
    date_how: str | None = None  # where `published` was read, said in the draft's date_note
    site: SiteName | None = None  # the site's own name above the headline


def split(text: str) -> Parts:
    lines = text.split("\n")
    comments = find_comments(lines)
    notes: list[str] = []
    first = next((i for i, line in enumerate(lines) if line.strip() and not _is_furniture(line.strip())), None)
    if first is None or first >= comments.start:
        title = _title_from_comments(lines, comments)
        notes.append("no article text before the comments: the capture holds only comments")
        return Parts(title, [], None, comments, only_comments=True, notes=notes)

    head = read_head(lines, first, comments.start, _is_page_furniture)
    title, glued_rest = _title(lines[head.headline_at].strip(), notes)
    body = _body(lines, head.body_from, comments.start, title, [glued_rest] if glued_rest else [])
    if not any(line.endswith((".", "!", "?", '"', "”")) for line in body):
        body.insert(0, title)  # a link post (a headline, perhaps its link): the headline is all the text there is
    named = next((m.group(1) for p in body[:3] if (m := _SELF_NAMED.match(p))), None)
    if not body:
        notes.append("no article text found between the headline and the end of the article")
    return Parts(
        title,
        body,
        named,
        comments,
        published=head.published or head.updated,
        notes=notes + _date_notes(head),
        updated=head.updated,
        date_how=_date_how(head),
        site=site_name(lines, head.headline_at, _is_page_furniture),
    )


def _date_how(head: Head) -> str | None:
    if head.published:
        return f"the dateline “{head.dateline}” by the headline"
    if head.updated:
        return f"the page's only date, an update (“{head.dateline}”): the article may first have appeared earlier"
    return None


def _date_notes(head: Head) -> list[str]:
    if head.updated and not head.published:
        return [f"the page states only when it was updated (“{head.dateline}”): that date is drafted as `published`"]
    return []


def _body(lines: list[str], start: int, end: int, title: str, body: list[str]) -> list[str]:
    """The article's paragraphs from `start`: labels, bylines and the headline's repeats skipped until it begins."""
    for line in lines[start:end]:
        stripped = line.strip()
        if not stripped or _FURNITURE.match(stripped) or _MENU.match(stripped):
            continue
        if _ENDS_ARTICLE.match(stripped):
            if body:
                break
            continue  # "5 Comments" or "Trending" under the headline: a link, not the end of the article
        if not body and _skipped_before_text(stripped, title):
            continue
        if not body and normalise(stripped).startswith(normalise(title)) and len(stripped) > len(title):
            stripped = stripped[len(title) :].strip()  # headline glued to the first line of the body
        body.append(stripped)
    return body


def _skipped_before_text(line: str, title: str) -> bool:
    """Lines between the headline and the article's text: bylines, the headline again, tags, captions."""
    if _BYLINE.match(line) and len(line) < 160:
        return True  # who wrote it and when: not the article's text
    if _repeats_headline(line, title):
        return True  # the headline again (page title, social title, subtitle)
    if line.startswith(("http://", "https://")):
        return False  # a link post's link is its text
    # Captions, credits, labels and standfirsts: the article's first paragraph is a sentence.
    return len(line.split()) < 12 and not line.endswith((".", "!", "?", ":", '"', "”"))


def _is_furniture(line: str) -> bool:
    return bool(_FURNITURE.match(line))


def _is_page_furniture(line: str) -> bool:
    """Furniture, or a site's menu: never the headline nor the site's name."""
    return bool(_FURNITURE.match(line) or _MENU.match(line))


def sentences(paragraph: str) -> list[str]:
    """A paragraph's sentences, each verbatim."""
    return [s.strip() for s in _SENTENCE_END.split(paragraph) if s.strip()]


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
