"""Find the reader comments in a captured news page.

A capture is a news page copied from a browser as plain text: the article, the page
furniture and, often, the readers' comments in whatever layout the site had. A draft
content page needs those comments as data (who wrote what, the votes, which comment
answers which) and every comment's words are later checked against the capture, so this
module only cuts and never rewords: each `text` and `quoting` it returns is a run of the
capture's own lines. Whatever it had to guess is said in `uncertain`, for the researcher.

Each layout it knows has its own reader (PhoneArena's numbered handles, MacRumors'
avatar-and-rating blocks, WordPress "NAME says:", Slashdot-like "Score:" threads);
`find_comments` runs them all, keeps the one that explains the most comments and only
then falls back to the generic readers, which know no site:

- by the head each comment opens with, whatever the site: a handle and an age or date on
  one line ("name • 2 hours ago", "name on June 20, 2018 | parent"), or a handle (with a
  badge, or the handle it answers) stacked over a date or the poster's counters
  ("Posts: 412"). The longest run of heads of one kind, unbroken by a footer or another
  header, is the section; where every other block closes with buttons or votes ("Reply",
  "14 Likes") the last one ends with its own, so the page's footer stays out. Replies come
  from what the page shows: "→ name", a handle under the name, "Replying to name",
  "name wrote:"/"name said:" quotations, "Re: title", a "parent" link, indentation;
  heads inside quoted text are never read as heads.
- failing that, blocks under a "Comments" header split on buttons or blank lines.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import pairwise

from microsite.text import fold, normalise

from .datetext import MONTH


@dataclass
class FoundComment:
    id: str  # the site's own number when comments are numbered ("1", "9"); else "c1", "c2", ... in order
    author: str | None  # the handle or name as written; None when the site shows none (MacRumors: "Avatar")
    text: str  # the comment's own words, verbatim; paragraphs joined with "\n\n"; without quoted earlier text
    quoting: str | None = None  # the passage of earlier text the comment quotes at its start, verbatim
    reply_to: str | None = None  # id of the comment replied to, when numbering, threads or quoting show it
    votes: int | None = None  # "Rating: 12 Votes" -> 12, "Score: 5" -> 5
    posts: int | None = None  # "Posts: 2340" -> 2340
    member_since: str | None = None  # "May 04, 2015", as written
    age: str | None = None  # "26 months ago" or a date line, as written: never converted to a date


@dataclass
class CommentsFound:
    start: int  # index of the section's header, or of the first comment; len(lines) when there are none
    end: int  # index just after the comments' last line: footers ("Latest Stories") are not part of them
    shape: str  # "numbered-handles", "avatar-rating", "wordpress", "forum-score", "generic" (any site) or "none"
    comments: list[FoundComment]
    uncertain: list[str]  # short notes for the researcher on what was guessed


@dataclass
class _Reading:
    """What one shape's reader made of a capture, before the section's header is looked for."""

    shape: str
    comments: list[FoundComment]
    first: int  # the first line of the first comment (or of the generic header)
    end: int
    uncertain: list[str] = field(default_factory=list)


@dataclass
class _Paragraph:
    lines: list[str]
    gap: int  # blank lines before it: MacRumors leaves two after a quoted passage


# --- Lines that are page furniture, not anybody's words -------------------------------------

# Per-comment buttons and counters ("Reply", "Like · Reply · 3h", "Reply to This Share", "(2)").
_ACTION = (
    r"reply to this|reply|replies|report abuse|report|flag as inappropriate|flag|likes?|dislike|share|quote"
    r"|permalink|parent|edit|delete|upvote|downvote|vote up|vote down|(?:show|hide|view) replies"
    r"|(?:show|view) \d+ (?:more )?repl(?:y|ies)|\d+ more repl(?:y|ies)|view all|view more|show more|see more"
    r"|translate|collapse|expand|twitter|facebook|email|moderate|cancel reply|\d+ ?(?:repl(?:y|ies)|likes?)"
    r"|\d+ ?[smhdwy]|[+-]?\d+|#\d+|[↑↓▲▼△▽›‹]|\[[–-]\]|upvotes?|downvotes?"
)
_ACTION_TOKEN = rf"\(?\s*(?:{_ACTION})(?:\s+icon)?\s*\)?"
_NOISE = re.compile(
    rf"^[\[\(\s]*{_ACTION_TOKEN}(?:[\s·|•/,\-\[\]()]*{_ACTION_TOKEN})*[\s\])]*$"
    r"|^(?:your comment is awaiting moderation\.?|sort by\b.*|threshold\b.*|display options"
    r"|(?:«\s*)?(?:older|newer) comments(?:\s*»)?|[\w ]{1,30}\s?\*)$",
    re.IGNORECASE,
)

# Lines that close the whole comment section: what follows them belongs to the page, not the readers.
_FOOTER = re.compile(
    r"^[\[(<«\s]*(?:"
    r"(?:read|view|see|show|load) (?:all|more)(?: \d+)? comments|latest (?:stories|news)"
    r"|related(?: (?:stories|articles|posts|news))?|you (?:may|might) also like|recommended(?: for you)?"
    r"|more (?:from|stories|news)\b.*|trending(?: now)?|most popular|popular (?:stories|posts)"
    r"|leave a (?:reply|comment)(?: cancel reply)?|post a comment|add (?:a|your) comment|write a comment"
    r"|(?:log ?in|sign ?in|register)(?: or (?:sign up|register))? to (?:comment|post|reply)\b.*"
    r"|want to comment\?.*|comments are closed\.?|post navigation|share this (?:article|story|post)"
    r"|(?:subscribe|sign up) (?:to|for) (?:our|the) .*newsletter|you must (?:log ?in|sign ?in|register)\b.*"
    r"|previous article|next article|back to top|post comment|submit comment|advertisement"
    r"|(?:\w+ )?top deals|total (?:reader )?comments:? \d+"
    r")[\])>»\s.!]*$"
    r"|^(?:©|\(c\)\s|copyright\s*(?:©|\d{4})|this copy is for your personal)",
    re.IGNORECASE,
)

# Headers that open a comment section ("Top Rated Comments", "12 Comments", "5 thoughts on “...”").
_HEADER = re.compile(
    r"^(?:top rated comments|top comments|(?:reader|user|readers'?|visitor) comments|comments?|discussion"
    r"|join the discussion(?:…|\.\.\.)?|conversation|responses|comments \(\d+\)|what do you think\?"
    r"|(?:[\d,.]+k?|no|one) (?:comments?|responses?|replies|reactions|thoughts?)(?: (?:on|to) .+| sorted by)?)\s*:?$",
    re.IGNORECASE,
)

# --- When a comment was written, as the site shows it ---------------------------------------

_WEEKDAY = r"(?:(?:Mon|Tues?|Wed(?:nes)?|Thu(?:rs)?|Fri|Sat(?:ur)?|Sun)(?:day)?,? )?"
_CLOCK = (
    r"(?:,?\s*(?:at|@|-)?\s*@?\d{1,2}:\d{2}(?::\d{2})?\s*(?:[ap]\.?m\.?)?(?:\s*(?:UTC|GMT)?[+-]\d{1,2}(?::?\d{2})?"
    r"|(?-i:\s+[A-Z]{2,4}))?)?"
)
_DAY_DATE = (
    rf"{_WEEKDAY}(?:{MONTH} \d{{1,2}}(?:st|nd|rd|th)?,? (?:\d{{4}}|'\d{{2}})"
    rf"|\d{{1,2}}(?:st|nd|rd|th)? {MONTH},? \d{{4}}"
    r"|\d{4}-\d{2}-\d{2}|\d{1,2}[/.]\d{1,2}[/.]\d{2,4}|yesterday|today)"
)
_RELATIVE = (
    r"(?:about |over |almost )?(?:\d+|an?|one) ?(?:sec(?:ond)?s?|min(?:ute)?s?|hours?|hrs?|h|days?|d|weeks?|wks?|w"
    r"|months?|mos?|years?|yrs?|y)\.? ago"
    r"|just now"
)
_EDITED = r"(?:\s*[(•·]?\s*edited\)?)?"  # "2 hours ago (edited)"
_WHEN_TEXT = rf"(?:{_RELATIVE}|{_DAY_DATE}{_CLOCK}){_EDITED}"
_WHEN = re.compile(rf"^{_WHEN_TEXT}$", re.IGNORECASE)

# --- The shapes' own lines ------------------------------------------------------------------

_NUMBERED_HEAD = re.compile(r"^(?P<number>\d{1,6})\.\s+(?P<author>\S.{0,39})$")
_POSTS = re.compile(r"^Posts:\s*(?P<posts>\d[\d,]*)(?:\s*;\s*Member since:\s*(?P<since>.+?))?\s*$", re.IGNORECASE)

_AVATAR = re.compile(r"^Avatar$", re.IGNORECASE)
_RATING = re.compile(r"^(?:Rating|Score):\s*(?P<votes>[+-]?\d[\d,]*)\s*Votes?$", re.IGNORECASE)

_SAYS = re.compile(r"^(?P<author>\S.{0,60}?)\s+says:$", re.IGNORECASE)
_IN_REPLY_TO = re.compile(r"^In reply to (?P<author>.+?)\.?$", re.IGNORECASE)

_BYLINE = re.compile(
    r"^by\s+(?P<author>.+?)(?:\s*\(\s*(?P<uid>\d+)\s*\))?(?:\s+on\s+(?P<when>.+?))?"
    r"(?:\s*\(\s*#\s*(?P<cid>\d+)\s*\))?(?:\s+(?:Journal|Homepage))*\s*$",
    re.IGNORECASE,
)
_SCORE_LINE = re.compile(r"^\(?\s*Score:\s*(?P<score>[+-]?\d+)(?:\s*,\s*[^)]*)?\)?$", re.IGNORECASE)
_SUBJECT_SCORE = re.compile(r"^(?P<subject>.*?)\s*\(\s*Score:\s*(?P<score>[+-]?\d+)(?:\s*,\s*[^)]*)?\)$", re.IGNORECASE)
_RE_PREFIX = re.compile(r"^(?:re(?:\[\d+\])?:\s*)+", re.IGNORECASE)

_VOTES = re.compile(
    r"^(?:(?:likes?|votes?|points?|score|rating|upvotes?):?\s*(?P<a>[+-]?\d+)"
    r"|(?P<b>[+-]?\d+)\s+(?:likes?|votes?|points?|upvotes?))$",
    re.IGNORECASE,
)

# GSMArena prints a reply's quote as "Name, 11 Dec 2017" glued to the quoted words.
_CITED = re.compile(rf"^(?P<author>[^,]{{1,40}}), (?P<when>{_DAY_DATE}{_CLOCK})(?P<quote>\S.*)$", re.IGNORECASE)
_MARKED_QUOTE = re.compile(r"^>\s?")
_AT_NAME = re.compile(r"^@(?P<rest>\S.*)$")
_HANDLE = re.compile(r"^[^\s].{0,39}$")
_INITIAL_END = re.compile(r"\b(?:[A-Z]|Jr|Sr|Dr)\.$")  # "Marta K." is a name, "Yes." is not
_ELLIPSIS = re.compile(r"(?:\.\.\.|…)$")

_MIN_QUOTE = 20  # shorter repeated openings ("I agree.") are too likely to be chance


# --- Line helpers ---------------------------------------------------------------------------


def _blank(line: str) -> bool:
    return not line.strip()


def _is_noise(line: str) -> bool:
    return bool(_NOISE.match(line.strip()))


def _is_footer(line: str) -> bool:
    return bool(_FOOTER.match(line.strip()))


def _is_header(line: str) -> bool:
    return bool(_HEADER.match(line.strip()))


def _is_when(line: str) -> bool:
    return bool(_WHEN.match(line.strip()))


def _is_furniture(line: str) -> bool:
    stripped = line.strip()
    return _blank(stripped) or _is_noise(stripped) or bool(_VOTES.match(stripped))


def _looks_like_handle(line: str) -> bool:
    """A short line that could be a name: not a sentence, a date, a button or a header."""
    stripped = line.strip()
    return (
        bool(_HANDLE.match(stripped))
        and len(stripped.split()) <= 4
        and (stripped[-1] not in ".!?:;," or bool(_INITIAL_END.search(stripped)))
        and not (_is_noise(stripped) or _is_footer(stripped) or _is_header(stripped) or _is_when(stripped))
    )


def _next_filled(lines: list[str], index: int, stop: int, limit: int = 2) -> int | None:
    """The next non-blank line from `index` on, if it comes within `limit` lines."""
    for at in range(index, min(stop, index + limit)):
        if not _blank(lines[at]):
            return at
    return None


def _number(digits: str) -> int:
    return int(digits.replace(",", ""))


# --- Comment bodies -------------------------------------------------------------------------


def _body_stop(lines: list[str], start: int, stop: int, last: bool) -> int:
    """Where a comment's body ends: at the next comment, at a section footer or, after the
    last comment, at a wide gap (two blank lines), past which the page goes on."""
    seen_text = False
    for at in range(start, stop):
        if _is_footer(lines[at]):
            return at
        if last and seen_text and _blank(lines[at]) and at + 1 < stop and _blank(lines[at + 1]):
            return at
        seen_text = seen_text or not _blank(lines[at])
    return stop


def _block_end(lines: list[str], start: int, stop: int) -> int:
    """Just after the block's last non-blank line, its buttons ("Reply") included."""
    end = stop
    while end > start and _blank(lines[end - 1]):
        end -= 1
    return end


def _trim(lines: list[str], start: int, stop: int) -> tuple[int, int]:
    """Shrink [start, stop) past blank lines, buttons and vote counts at both ends; lines in
    between stay, so the text is always one unbroken run of the capture."""
    while start < stop and _is_furniture(lines[start]):
        start += 1
    while stop > start and _is_furniture(lines[stop - 1]):
        stop -= 1
    return start, stop


def _votes_around(lines: list[str], start: int, stop: int) -> int | None:
    """A vote count shown among a block's furniture ("12 likes", "Score: 3")."""
    for line in lines[start:stop]:
        match = _VOTES.match(line.strip())
        if match:
            return int(match["a"] or match["b"])
    return None


def _paragraphs(lines: list[str]) -> list[_Paragraph]:
    paragraphs: list[_Paragraph] = []
    gap = 0
    for line in lines:
        if _blank(line):
            gap += 1
        elif paragraphs and gap == 0:
            paragraphs[-1].lines.append(line.strip())
        else:
            paragraphs.append(_Paragraph([line.strip()], gap))
            gap = 0
    return paragraphs


def _join(paragraphs: list[_Paragraph]) -> str:
    return "\n\n".join("\n".join(paragraph.lines) for paragraph in paragraphs)


def _comparable(passage: str) -> str:
    """A quoted passage as it can be looked for: folded, without a cut-off's trailing ellipsis."""
    return _ELLIPSIS.sub("", normalise(passage)).strip()


def _quoted_comment(passage: str, comments: list[FoundComment]) -> FoundComment | None:
    """The first of `comments` whose own words contain `passage`."""
    needle = _comparable(passage)
    if not needle:
        return None
    return next((comment for comment in comments if needle in normalise(comment.text)), None)


def _leading_quote(paragraphs: list[_Paragraph], earlier: list[FoundComment], signalled: bool) -> int:
    """How many of a comment's first paragraphs repeat earlier text (0 for none).

    A comment that opens with a passage of an earlier comment is a reply quoting it. Where the
    layout marks a quote (MacRumors: the body starts with a blank line), the quote ends at the
    first wide gap, or failing that it is the longest opening found in an earlier comment."""
    if len(paragraphs) < 2:
        return 0
    if signalled:
        wide = next((k for k in range(1, len(paragraphs)) if paragraphs[k].gap >= 2), None)
        if wide is not None:
            return wide
    for count in range(len(paragraphs) - 1, 0, -1):
        passage = _join(paragraphs[:count])
        if (signalled or len(normalise(passage)) >= _MIN_QUOTE) and _quoted_comment(passage, earlier):
            return count
    return 1 if signalled else 0


def _marked_quote(paragraphs: list[_Paragraph], earlier: list[FoundComment]) -> tuple[str | None, list[_Paragraph]]:
    """A quote marked with "> " at the start of a comment: (quoting, the paragraphs after it)."""
    first = paragraphs[0].lines if paragraphs else []
    count = next((k for k, line in enumerate(first) if not _MARKED_QUOTE.match(line)), len(first))
    rest = ([_Paragraph(first[count:], 0)] if count < len(first) else []) + paragraphs[1:]
    if count == 0 or not rest:
        return None, paragraphs
    stripped = "\n".join(_MARKED_QUOTE.sub("", line) for line in first[:count])
    # Without its markers a quote of several lines is verbatim only where its source is; else keep them.
    if count == 1 or _quoted_comment(stripped, earlier):
        return stripped, rest
    return "\n".join(first[:count]), rest


def _cited_quote(paragraphs: list[_Paragraph]) -> tuple[str | None, str | None, list[_Paragraph]]:
    """GSMArena's "Name, 11 Dec 2017quoted words" first line: (quoting, quoted author, the rest)."""
    if not paragraphs:
        return None, None, paragraphs
    match = _CITED.match(paragraphs[0].lines[0])
    if not match:
        return None, None, paragraphs
    first = _Paragraph(paragraphs[0].lines[1:], 0)
    rest = ([first] if first.lines else []) + paragraphs[1:]
    if not rest:
        return None, None, paragraphs
    return match["quote"], match["author"].strip(), rest


def _comment_words(
    lines: list[str], start: int, stop: int, earlier: list[FoundComment], signalled: bool = False
) -> tuple[str, str | None]:
    """A comment's own words and the passage it quotes first, if any, from its body lines."""
    start, stop = _trim(lines, start, stop)
    paragraphs = _paragraphs(lines[start:stop])
    quoting, rest = _marked_quote(paragraphs, earlier)
    if quoting is not None:
        return _join(rest), quoting
    count = _leading_quote(paragraphs, earlier, signalled)
    return _join(paragraphs[count:]), (_join(paragraphs[:count]) if count else None)


# --- Shape 1: numbered handles (PhoneArena) --------------------------------------------------


def _read_numbered_handles(lines: list[str]) -> _Reading | None:
    """ "N. handle", then "Posts: N; Member since: Mon DD, YYYY", then the words."""
    heads: list[tuple[int, int, re.Match[str], re.Match[str]]] = []
    for at, line in enumerate(lines):
        head = _NUMBERED_HEAD.match(line.strip())
        posts_at = _next_filled(lines, at + 1, len(lines), limit=3) if head else None
        posts = _POSTS.match(lines[posts_at].strip()) if posts_at is not None else None
        if head and posts and posts_at is not None:
            heads.append((at, posts_at, head, posts))
    if not heads:
        return None
    reading = _Reading("numbered-handles", [], heads[0][0], heads[0][0])
    for index, (at, posts_at, head, posts) in enumerate(heads):
        last = index == len(heads) - 1
        stop = len(lines) if last else heads[index + 1][0]
        stop = _body_stop(lines, posts_at + 1, stop, last)
        text, quoting = _comment_words(lines, posts_at + 1, stop, reading.comments)
        reading.end = _block_end(lines, at, stop)
        comment = FoundComment(
            id=head["number"],
            author=head["author"].strip(),
            text=text,
            quoting=quoting,
            posts=_number(posts["posts"]),
            member_since=posts["since"],
        )
        reading.comments.append(comment)
    _link_numbered_replies(reading.comments, reading.uncertain)
    return reading


def _link_numbered_replies(comments: list[FoundComment], uncertain: list[str]) -> None:
    """PhoneArena numbers comments as they are posted and shows each reply under the comment it
    answers, so a number that the following comments undercut ("9" between "3" and "4") is a reply
    to the comment above it that is in sequence."""
    numbers = [int(comment.id) for comment in comments]
    steps = list(pairwise(numbers))
    if sum(b < a for a, b in steps) > sum(b > a for a, b in steps):
        uncertain.append("the comments are numbered mostly downwards; replies were not inferred from the numbers")
        return
    parent: FoundComment | None = None
    replies: dict[str, list[str]] = {}
    for index, comment in enumerate(comments):
        number = numbers[index]
        if any(later < number for later in numbers[index + 1 :]):
            if parent is None:
                uncertain.append(f"comment {comment.id} is out of sequence but no comment above it could be its parent")
                continue
            comment.reply_to = parent.id
            replies.setdefault(parent.id, []).append(comment.id)
            continue
        if parent is not None and index == len(comments) - 1 and number > int(parent.id) + 1:
            uncertain.append(
                f"comment {comment.id} follows {parent.id} with a gap in the numbering and nothing after it to"
                " tell; taken as a new comment, though it may be a reply"
            )
        parent = comment
    for parent_id, children in replies.items():
        if len(children) > 1:
            named = f"{', '.join(children[:-1])} and {children[-1]}"
            every = "both" if len(children) == 2 else "all"
            uncertain.append(
                f"comments {named} {every} follow {parent_id}; each is taken as a reply to {parent_id},"
                " though a later one may answer an earlier one"
            )


# --- Shape 2: avatar, age, words, rating (MacRumors) -----------------------------------------


def _read_avatar_rating(lines: list[str]) -> _Reading | None:
    """Blocks of "Avatar" (or a name), "26 months ago", the words, "Rating: 12 Votes"."""
    ratings = [at for at, line in enumerate(lines) if _RATING.match(line.strip())]
    if not ratings:
        return None
    reading: _Reading | None = None
    previous = -1
    for rating_at in ratings:
        head = _avatar_head(lines, previous + 1 if previous >= 0 else None, rating_at)
        if head is None:
            previous = rating_at
            continue
        first, body, author, age = head
        if reading is None:
            reading = _Reading("avatar-rating", [], first, first)
        number = len(reading.comments) + 1
        signalled = _blank(lines[body]) if body < rating_at else False
        text, quoting = _comment_words(lines, body, rating_at, reading.comments, signalled)
        votes = _number(_RATING.sub(r"\g<votes>", lines[rating_at].strip()))
        reading.comments.append(FoundComment(f"c{number}", author, text, quoting, votes=votes, age=age))
        reading.end = rating_at + 1
        previous = rating_at
    return reading


def _avatar_head(
    lines: list[str], region: int | None, rating_at: int
) -> tuple[int, int, str | None, str | None] | None:
    """(first line, first body line, author, age) of the block that `rating_at` closes.

    After a rating line the next block starts at once; the first block is found by looking
    up from its rating for the nearest "Avatar" or age line."""
    if region is None:
        # Not above the section's header: a date line in the article is not a comment's age.
        floor = next((at + 1 for at in range(rating_at - 1, -1, -1) if _is_header(lines[at])), 0)
        marks = [at for at in range(floor, rating_at) if _AVATAR.match(lines[at].strip()) or _is_when(lines[at])]
        if not marks:
            return None
        first = _first_block_top(lines, marks[-1])
    else:
        first = region
        while first < rating_at and (_is_furniture(lines[first]) or _is_header(lines[first])):
            first += 1
        if first >= rating_at:
            return None
    at, author, age = first, None, None
    if _AVATAR.match(lines[at].strip()):
        at += 1
    named = at + 1 < rating_at and _looks_like_handle(lines[at]) and _is_when(lines[at + 1])
    if named:
        author = lines[at].strip()
        at += 1
    if at < rating_at and _is_when(lines[at]):
        age = lines[at].strip()
        at += 1
    if at == first:
        return None  # neither avatar, name nor age: not this shape's block
    return first, at, author, age


def _first_block_top(lines: list[str], mark: int) -> int:
    """Up from the first block's age line to its "Avatar" and name lines, when they sit right above."""
    top = mark
    if (
        _is_when(lines[top])
        and top > 0
        and _looks_like_handle(lines[top - 1])
        and not _AVATAR.match(lines[top - 1].strip())
    ):
        top -= 1
    if top > 0 and _AVATAR.match(lines[top - 1].strip()):
        top -= 1
    return top


def _previous_filled(lines: list[str], index: int) -> int | None:
    at = index - 1
    while at >= 0 and _blank(lines[at]):
        at -= 1
    return at if at >= 0 else None


# --- Shape 3: WordPress ("NAME says:") -------------------------------------------------------


def _read_wordpress(lines: list[str]) -> _Reading | None:
    """ "NAME says:", a date line, the words, often "Reply"."""
    heads: list[tuple[int, int, str]] = []
    for at, line in enumerate(lines):
        says = _SAYS.match(line.strip())
        when_at = _next_filled(lines, at + 1, len(lines)) if says else None
        # The date is required: an article can have "The CEO says:" before a quotation.
        if says and when_at is not None and _is_when(lines[when_at]):
            heads.append((at, when_at, says["author"]))
    if not heads:
        return None
    reading = _Reading("wordpress", [], heads[0][0], heads[0][0])
    for index, (at, when_at, author) in enumerate(heads):
        last = index == len(heads) - 1
        stop = _body_stop(lines, when_at + 1, len(lines) if last else heads[index + 1][0], last)
        body, reply_name = _in_reply_to(lines, when_at + 1, stop)
        text, quoting = _comment_words(lines, body, stop, reading.comments)
        comment = FoundComment(f"c{index + 1}", author, text, quoting, age=lines[when_at].strip())
        comment.votes = _votes_around(lines, body, stop)
        comment.reply_to = _reply_by_name(reply_name, comment, reading.comments, reading.uncertain)
        reading.comments.append(comment)
        reading.end = _block_end(lines, at, stop)
    return reading


def _in_reply_to(lines: list[str], start: int, stop: int) -> tuple[int, str | None]:
    """(where the words start, the NAME) of an "In reply to NAME." line opening a WordPress comment."""
    first = _next_filled(lines, start, stop)
    match = _IN_REPLY_TO.match(lines[first].strip()) if first is not None else None
    if first is None or match is None:
        return start, None
    return first + 1, match["author"]


def _reply_by_name(
    name: str | None, comment: FoundComment, earlier: list[FoundComment], uncertain: list[str]
) -> str | None:
    """The latest earlier comment by `name`, or by the "@Name" the comment opens with."""
    at_name = _AT_NAME.match(comment.text.split("\n", 1)[0])
    candidates = [name] if name else []
    if at_name:
        # "@Jane Doe thanks": the longest earlier author the words start with.
        rest = fold(at_name["rest"])
        authors = sorted({c.author for c in earlier if c.author}, key=len, reverse=True)
        candidates += [a for a in authors if rest.startswith(fold(a))][:1]
    for candidate in candidates:
        match = next((c for c in reversed(earlier) if c.author and fold(c.author) == fold(candidate)), None)
        if match:
            return match.id
        uncertain.append(f"comment {comment.id} answers {candidate}, who has no earlier comment in the capture")
    return None


# --- Shape 4: forum threads with scores (Slashdot-like) --------------------------------------


def _read_forum_score(lines: list[str]) -> _Reading | None:
    """A subject line (often "(Score:5, Insightful)"), "by handle (12345) on <date> (#55717000)",
    the words; "Re: subject" marks a reply."""
    heads = [head for at in range(len(lines)) if (head := _forum_head(lines, at))]
    if not heads:
        return None
    site_ids = [head.site_id for head in heads]
    use_site_ids = all(site_ids) and len(set(site_ids)) == len(site_ids)
    reading = _Reading("forum-score", [], heads[0].first, heads[0].first)
    subjects: list[str] = []
    for index, head in enumerate(heads):
        last = index == len(heads) - 1
        stop = _body_stop(lines, head.body, len(lines) if last else heads[index + 1].first, last)
        text, quoting = _comment_words(lines, head.body, _signature_start(lines, head.body, stop), reading.comments)
        comment = FoundComment(
            id=head.site_id if use_site_ids else f"c{index + 1}",
            author=head.author,
            text=text,
            quoting=quoting,
            votes=head.score,
            age=head.when,
        )
        comment.reply_to = _forum_parent(head.subject, subjects, reading.comments, comment.id, reading.uncertain)
        reading.comments.append(comment)
        subjects.append(head.subject or "")
        reading.end = _block_end(lines, head.first, stop)
    return reading


@dataclass
class _ForumHead:
    first: int  # the subject line, or the byline when there is none
    body: int
    author: str
    when: str | None
    site_id: str | None
    score: int | None
    subject: str | None


def _forum_head(lines: list[str], at: int) -> _ForumHead | None:
    """The parts of a forum comment's head whose byline is line `at`, or None."""
    byline = _BYLINE.match(lines[at].strip())
    if not byline or not _looks_like_handle(byline["author"]):
        return None
    score: int | None = None
    first = at
    subject: str | None = None
    above = _previous_filled(lines, at)
    if above is not None and at - above <= 2 and (line_score := _SCORE_LINE.match(lines[above].strip())):
        score = int(line_score["score"])
        first = above
        above = _previous_filled(lines, above)
    if above is not None and first - above <= 2 and not _is_furniture(lines[above]) and len(lines[above]) <= 150:
        subject = lines[above].strip()
        first = above
        scored = _SUBJECT_SCORE.match(subject)
        if scored:
            subject, score = scored["subject"].strip(), int(scored["score"])
    body = at + 1
    below = _next_filled(lines, body, len(lines))
    if score is None and below is not None and (line_score := _SCORE_LINE.match(lines[below].strip())):
        score, body = int(line_score["score"]), below + 1
    # "by" opens many sentences: a byline needs a date, a comment number or a score beside it.
    if not (byline["when"] or byline["cid"] or score is not None):
        return None
    return _ForumHead(first, body, byline["author"].strip(), byline["when"], byline["cid"], score, subject)


def _signature_start(lines: list[str], start: int, stop: int) -> int:
    """Slashdot signatures follow a lone "--": the poster's boilerplate, not this comment's words."""
    return next((at for at in range(start, stop) if lines[at].strip() == "--"), stop)


def _forum_parent(
    subject: str | None, subjects: list[str], earlier: list[FoundComment], own_id: str, uncertain: list[str]
) -> str | None:
    """For a "Re: subject" comment, the nearest earlier comment of the same thread."""
    if not subject or not _RE_PREFIX.match(subject):
        return None
    topic = _RE_PREFIX.sub("", subject)
    same = [c for c, other in zip(earlier, subjects, strict=True) if fold(_RE_PREFIX.sub("", other)) == fold(topic)]
    if not same:
        uncertain.append(f"comment {own_id} replies to a comment on “{topic}” that is not in the capture")
        return None
    if len(same) > 1:
        uncertain.append(
            f"comment {own_id} could answer any of {', '.join(c.id for c in same)}; taken as {same[-1].id}, the nearest"
        )
    return same[-1].id


# --- Shape 5: any site's comments, split by the head each one opens with ---------------------

# One line: "rgl168 • 2 hours ago", "Ali F. → KrispyInTO • an hour ago",
# "kestrel_dev on June 20, 2018 | parent | next [–]".
_INLINE_HEAD = re.compile(
    rf"^(?P<author>[^\s•·|→>][^•·|→]{{0,39}}?)(?:\s*(?:→|->|►|▸)\s*(?P<parent>[^\s•·|][^•·|]{{0,39}}?))?"
    rf"(?:\s*[•·|]\s*|\s+[-–—]\s+|\s+on\s+)(?P<when>{_WHEN_TEXT})(?P<tail>(?:\s*[|•·]\s*[^|•·]{{1,24}})*)$",
    re.IGNORECASE,
)
# One word, perhaps a flair, and the date last: "u/handle Phone owner Oct 18 '22".
_FLAIR_HEAD = re.compile(
    rf"^(?P<author>[@\w][\w.\-/@]{{1,39}})\s+(?:.{{1,100}}?\s+)?(?P<when>{_WHEN_TEXT})$", re.IGNORECASE
)
# A member's counters under the name, as forums show them: "Posts: 412 +301", "Joined: May 2015".
_MEMBER_STATS = re.compile(
    r"^(?:posts|messages|reputation|karma|reaction score|joined|member since)\s*:\s*(?P<count>\d[\d,]*)?.*$",
    re.IGNORECASE,
)
# Words of bylines and captions ("53 points by ..."), never in a reader's handle.
_NOT_HANDLE = re.compile(
    r"^(?:posted|published|updated|edited|from|via|source|photo|image|credit)\b|\bby\b", re.IGNORECASE
)
_REPLYING = re.compile(r"^(?:replying to|in reply to|in response to)\s+@?(?P<author>\S.{0,39}?)\.?$", re.IGNORECASE)
_WROTE = re.compile(r"^(?P<author>\S.{0,39}?)\s+(?:wrote|said)\s*:$", re.IGNORECASE)
_QUOTE_END = re.compile(r"^click to (?:expand|show)\.*$", re.IGNORECASE)
_AVATAR_INITIAL = re.compile(r"^(?:avatar|\w)$", re.IGNORECASE)  # "B" above "BlackFalcon"
_COMMENT_TALK = re.compile(r"\b(?:comments?|discussion|repl(?:y|ies))\b", re.IGNORECASE)

_MAX_STACK = 3  # name, badge and the handle replied to: a taller pile of short lines is a menu
_PROSE_WORDS = 12  # a line this long before the first head is article text, not a title or menu
_MAX_ABOVE = 16  # lines of sort, login and count controls between a header and the first comment


@dataclass
class _Head:
    first: int  # the head's top line
    anchor: int  # its date or counters line: the comment's words follow it
    kind: str  # "inline", "dated" or "counters": one section's heads are of one kind
    author: str
    below: list[str]  # lines under the name: a badge, or the handle this comment answers
    parent: str | None = None  # "→ name"
    when: str | None = None
    tail: str = ""  # the links after the date: "| parent | next [–]"
    posts: int | None = None
    indent: int = 0  # spaces or tabs before the head: a deeper one answers the shallower one above


def _read_repeated_heads(lines: list[str]) -> _Reading | None:
    """Comments found by the head that each of them opens with, whatever the site: a handle
    and an age or date on one line, or a handle (a badge, the handle answered) over a date
    or the poster's counters. The longest run of heads of one kind, not broken by a footer,
    is the section; a lone head counts only under a comments header."""
    quoted = _quoted_lines(lines)
    found = [head for at in range(len(lines)) if at not in quoted and (head := _head_at(lines, at))]
    heads = _section_heads(lines, [head for head in found if not quoted & set(range(head.first, head.anchor))])
    if not heads:
        return None
    header = _header_above(lines, heads[0].first)
    reading = _Reading("generic", [], heads[0].first if header is None else header, heads[0].first)
    stops = _head_body_stops(lines, heads, quoted)
    if _opening_post(lines, heads, stops):
        reading.uncertain.append(
            f"the first post, by {heads[0].author}, holds the article itself (a thread's opening post): not a comment"
        )
        heads, stops = heads[1:], stops[1:]
        reading.first = heads[0].first
    for index, (head, stop) in enumerate(zip(heads, stops, strict=True)):
        reading.comments.append(_head_comment(lines, head, stop, f"c{index + 1}", reading))
        reading.end = _block_end(lines, head.first, stop)
    _link_re_subjects(reading.comments, reading.uncertain)
    _link_indented(heads, reading.comments)
    reading.uncertain.append(
        f"the comment layout was guessed: {len(heads)} blocks that each open with a name and a date or counters"
    )
    return reading


def _quoted_lines(lines: list[str]) -> set[int]:
    """Lines of quoted text ("> ...", or "name wrote:" up to "Click to expand..."): a name and a
    date in a quotation are the quoted comment's, not a new comment's head."""
    quoted = {at for at, line in enumerate(lines) if line.strip().startswith(">")}
    for at, line in enumerate(lines):
        if _WROTE.match(line.strip()):
            end = next((k for k in range(at + 1, min(len(lines), at + 30)) if _QUOTE_END.match(lines[k].strip())), at)
            quoted.update(range(at + 1, end))
    return quoted


def _link_indented(heads: list[_Head], comments: list[FoundComment]) -> None:
    """Where heads are indented, a comment indented deeper than the one above answers the
    nearest comment above it that is indented less."""
    for index, comment in enumerate(comments):
        if comment.reply_to is None and heads[index].indent > 0:
            parent = next((k for k in range(index - 1, -1, -1) if heads[k].indent < heads[index].indent), None)
            comment.reply_to = comments[parent].id if parent is not None else None


def _opening_post(lines: list[str], heads: list[_Head], stops: list[int]) -> bool:
    """Whether the first block is the article: a forum thread opens with it, so no prose comes
    before the first head, and it is longer than all the replies together."""
    if len(heads) < 2 or any(len(line.split()) >= _PROSE_WORDS for line in lines[: heads[0].first]):
        return False
    sizes = [len(" ".join(lines[head.anchor + 1 : stop])) for head, stop in zip(heads, stops, strict=True)]
    return sizes[0] > 2 * sum(sizes[1:])


def _is_handle(text: str) -> bool:
    stripped = text.strip()
    return (
        _looks_like_handle(stripped)
        and not _NOT_HANDLE.search(stripped)
        and not _MEMBER_STATS.match(stripped)
        and not stripped.startswith(">")
    )


def _head_at(lines: list[str], at: int) -> _Head | None:
    head = _head_of_line(lines, at)
    if head is not None:
        shown = lines[head.first].expandtabs(4)
        head.indent = len(shown) - len(shown.lstrip())
    return head


def _head_of_line(lines: list[str], at: int) -> _Head | None:
    line = lines[at].strip()
    if not line or _is_when(line):
        return _stacked_head(lines, at) if line else None
    match = _INLINE_HEAD.match(line) or _FLAIR_HEAD.match(line)
    parent = match.groupdict().get("parent") if match else None
    if match and _is_handle(match["author"]) and (parent is None or _is_handle(parent)):
        tail = match.groupdict().get("tail") or ""
        return _Head(at, at, "inline", match["author"].strip(), [], parent and parent.strip(), match["when"], tail)
    return _stacked_head(lines, at) if _MEMBER_STATS.match(line) else None


def _stacked_head(lines: list[str], anchor: int) -> _Head | None:
    """A date or counters line with the name right above it (one blank line may part them)."""
    at = anchor - 1
    if at >= 0 and _blank(lines[at]):
        at -= 1
    stack: list[int] = []
    while at >= 0 and _is_handle(lines[at]) and not _is_header(lines[at]):
        stack.insert(0, at)
        at -= 1
    if not stack or len(stack) > _MAX_STACK:
        return None
    names = [lines[i].strip() for i in stack]
    if len(names) > 1 and _AVATAR_INITIAL.match(names[0]) and (len(names[0]) > 1 or _same_initial(names)):
        names = names[1:]
    stats = _MEMBER_STATS.match(lines[anchor].strip())
    kind = "counters" if stats else "dated"
    head = _Head(stack[0], anchor, kind, names[0], names[1:], when=None if stats else lines[anchor].strip())
    if stats and stats["count"]:
        head.posts = _number(stats["count"])
    return head


def _same_initial(names: list[str]) -> bool:
    return names[1][:1].lower() == names[0].lower()


def _section_heads(lines: list[str], heads: list[_Head]) -> list[_Head]:
    """The longest run of heads of one kind with words under them and no footer between them."""
    best: list[_Head] = []
    for kind in ("inline", "dated", "counters"):
        run: list[_Head] = []
        for head in (h for h in heads if h.kind == kind):
            between = lines[run[-1].anchor + 1 : head.first] if run else []
            if any(_is_footer(line) or _is_header(line) for line in between):
                run = []
            if not run or _has_words(lines, run[-1].anchor + 1, head.first):
                run.append(head)
            else:
                run[-1] = head  # nothing between the two: the first was not a comment's head
            if len(run) > len(best):
                best = list(run)
    if len(best) == 1 and _header_above(lines, best[0].first) is None:
        return []  # one name over a date is as likely a byline: only under a comments header
    return best


def _has_words(lines: list[str], start: int, stop: int) -> bool:
    return any(not _is_furniture(line) and not _is_when(line) for line in lines[start:stop])


def _header_above(lines: list[str], first: int) -> int | None:
    """A comments header above the first comment, past the sort, count and login controls
    between them (short lines, buttons, a sentence about the comments)."""
    seen, header = 0, None
    for at in range(first - 1, -1, -1):
        line = lines[at].strip()
        if not line:
            continue
        if _is_header(line):
            header = at  # go on: "23 Comments" may stand above "Join the discussion…"
            continue
        seen += 1
        short = len(line.split()) <= 4 and not line.endswith((".", "!", "?"))
        if seen > _MAX_ABOVE or not (short or _is_furniture(line) or _COMMENT_TALK.search(line)):
            break
    return header


def _head_body_stops(lines: list[str], heads: list[_Head], quoted: set[int]) -> list[int]:
    """Where each comment's lines end. Where every other block closes with buttons, votes or
    a date ("Reply", "14 Likes"), the last one ends with its own: what follows is the page's."""
    stops = []
    for index, head in enumerate(heads):
        last = index == len(heads) - 1
        stops.append(_body_stop(lines, head.anchor + 1, len(lines) if last else heads[index + 1].first, last))
    closed = all(_closed_by_furniture(lines, h.anchor + 1, s) for h, s in zip(heads[:-1], stops[:-1], strict=True))
    if len(heads) > 1 and closed:
        stops[-1] = _after_closing_furniture(lines, heads[-1].anchor + 1, stops[-1], quoted)
    return stops


def _is_meta(line: str) -> bool:
    return not _blank(line) and (_is_furniture(line) or _is_when(line))


def _closed_by_furniture(lines: list[str], start: int, stop: int) -> bool:
    last = next((at for at in range(stop - 1, start - 1, -1) if not _blank(lines[at])), None)
    return last is not None and _is_meta(lines[last])


def _after_closing_furniture(lines: list[str], start: int, stop: int, quoted: set[int]) -> int:
    seen_words = False
    for at in range(start, stop):
        if _is_meta(lines[at]) and seen_words and at not in quoted:
            end = at
            while end < stop and _is_meta(lines[end]):
                end += 1
            return end
        seen_words = seen_words or not _blank(lines[at])
    return stop


def _head_comment(lines: list[str], head: _Head, stop: int, cid: str, reading: _Reading) -> FoundComment:
    earlier = reading.comments
    start, end, age = _words_and_age(lines, head, stop)
    comment = FoundComment(cid, head.author, "", age=age, votes=_votes_around(lines, start, stop), posts=head.posts)
    # The handle answered: "→ name" in the head, a handle under the name, or "Replying to name".
    name = head.parent or next((n for n in head.below if _latest_by(n, earlier)), None)
    replying = _REPLYING.match(lines[start].strip()) if start < end else None
    if replying:
        name, start = replying["author"], start + 1
    wrote = _WROTE.match(lines[start].strip()) if start < end else None
    if wrote:
        comment.quoting, start = _wrote_quote(lines, start + 1, end, earlier)
        comment.text = _lines_text(lines, start, end)
        comment.reply_to = _cited_parent(wrote["author"].strip(), comment.quoting or "", earlier)
        return comment
    quoting, cited_author, rest = _cited_quote(_paragraphs(lines[slice(*_trim(lines, start, end))]))
    if quoting is not None:
        comment.text, comment.quoting = _join(rest), quoting
        comment.reply_to = _cited_parent(cited_author or "", quoting, earlier)
        return comment
    comment.text, comment.quoting = _comment_words(lines, start, end, earlier)
    comment.reply_to = _reply_by_name(name, comment, earlier, reading.uncertain)
    if comment.reply_to is None and re.search(r"\bparent\b", head.tail, re.IGNORECASE) and earlier:
        comment.reply_to = earlier[-1].id
        reading.uncertain.append(
            f"comment {cid} links to a parent that the copy does not name; taken as {earlier[-1].id}, the one above it"
        )
    return comment


def _words_and_age(lines: list[str], head: _Head, stop: int) -> tuple[int, int, str | None]:
    """The comment's lines without buttons and votes, and its age: the head's date, else a
    date under the words (forums that print it at the foot of the post)."""
    start, end = _trim(lines, head.anchor + 1, stop)
    age = head.when
    while end > start and _is_when(lines[end - 1]):
        age = age or lines[end - 1].strip()
        start, end = _trim(lines, start, end - 1)
    return start, end, age


def _latest_by(name: str, earlier: list[FoundComment]) -> FoundComment | None:
    return next((c for c in reversed(earlier) if c.author and fold(c.author) == fold(name)), None)


def _wrote_quote(lines: list[str], start: int, stop: int, earlier: list[FoundComment]) -> tuple[str | None, int]:
    """After "name wrote:", (the quoted passage, where the reply's own words start): up to a
    "Click to expand..." line, else the longest opening that an earlier comment holds, else a line."""
    start, stop = _trim(lines, start, stop)
    marker = next((at for at in range(start, stop) if _QUOTE_END.match(lines[at].strip())), None)
    if marker is not None:
        quote_end, words = marker, marker + 1
    else:
        quote_end = next(
            (end for end in range(stop - 1, start, -1) if _quoted_comment(_lines_text(lines, start, end), earlier)),
            min(start + 1, stop),
        )
        words = quote_end
    quote = _lines_text(lines, start, quote_end)
    return (quote or None), words


def _lines_text(lines: list[str], start: int, stop: int) -> str:
    return _join(_paragraphs(lines[slice(*_trim(lines, start, stop))]))


def _link_re_subjects(comments: list[FoundComment], uncertain: list[str]) -> None:
    """A comment whose title line is "Re: <title>" answers the comment of that title."""
    subjects = [comment.text.split("\n", 1)[0] for comment in comments]
    for index, comment in enumerate(comments):
        if comment.reply_to is None and _RE_PREFIX.match(subjects[index]):
            comment.reply_to = _forum_parent(subjects[index], subjects[:index], comments[:index], comment.id, uncertain)


# --- Shape 6: blocks under a "Comments" header --------------------------------------------------


def _read_generic(lines: list[str]) -> _Reading | None:
    """Blocks under the last "Comments"-like header, split on buttons or blank lines: for
    comments that show no name-and-date head (those are read by their heads, above)."""
    header = _last_header_with_content(lines)
    if header is None:
        return None
    stop = next((at for at in range(header + 1, len(lines)) if _is_footer(lines[at])), len(lines))
    reading = _Reading("generic", [], header, header)
    if not _opens_comments(lines, header + 1, stop):
        # A "Comments (6)" link at the top of a page is followed by the article, not by comments.
        reading.uncertain.append(f"line {header + 1} looks like a comments header, but what follows was not read")
    else:
        _generic_blocks(lines, header + 1, stop, reading)
    return reading


def _opens_comments(lines: list[str], start: int, stop: int) -> bool:
    """Whether a header is followed by a comment's start: a name, a date, or a short block
    closed by a button ("Reply"), rather than by a paragraph of the article."""
    first = next((at for at in range(start, stop) if not _is_furniture(lines[at])), None)
    if first is None:
        return False
    if _looks_like_handle(lines[first]) or _is_when(lines[first]):
        return True
    return any(_is_noise(lines[at]) and not _blank(lines[at]) for at in range(first + 1, min(stop, first + 6)))


def _last_header_with_content(lines: list[str]) -> int | None:
    for at in range(len(lines) - 1, -1, -1):
        if not _is_header(lines[at]):
            continue
        after = next((i for i in range(at + 1, len(lines)) if not _is_furniture(lines[i])), None)
        if after is not None and not _is_footer(lines[after]):
            return at
    return None


def _generic_blocks(lines: list[str], start: int, stop: int, reading: _Reading) -> None:
    """No dates: one comment per run of lines between buttons ("Reply"), else per paragraph
    when every paragraph opens with a name."""
    use_buttons = any(_is_noise(lines[at]) for at in range(start, stop))
    spans: list[tuple[int, int]] = []
    open_at: int | None = None
    for at in range(start, stop + 1):
        ends = at == stop or (_is_noise(lines[at]) if use_buttons else _blank(lines[at]))
        if ends and open_at is not None:
            spans.append(_trim(lines, open_at, at))
            open_at = None
        elif not ends and open_at is None and not _is_furniture(lines[at]):
            open_at = at
    spans = [(a, b) for a, b in spans if a < b]
    if not spans:
        return
    # A name line heads every block, or none is taken as a name.
    named = all(b - a >= 2 and _looks_like_handle(lines[a]) and not _blank(lines[a + 1]) for a, b in spans)
    if not (use_buttons or named):
        # Bare paragraphs under a header could as well be the article's: too much of a guess.
        reading.uncertain.append(f"the {len(spans)} paragraphs after the comments header were not read as comments")
        return
    for index, (a, b) in enumerate(spans):
        author = lines[a].strip() if named else None
        text, quoting = _comment_words(lines, a + 1 if named else a, b, reading.comments)
        reading.comments.append(FoundComment(f"c{index + 1}", author, text, quoting))
        reading.end = _block_end(lines, a, b if not use_buttons else min(b + 1, stop))
    how = "buttons" if use_buttons else "blank lines"
    reading.uncertain.append(f"the comment layout was guessed: one comment per block between {how}")


def _cited_parent(author: str, quote: str, earlier: list[FoundComment]) -> str | None:
    """The latest earlier comment by `author` whose words hold the quote (or simply by them)."""
    by_author = [c for c in earlier if c.author and fold(c.author) == fold(author)]
    holding = _quoted_comment(quote, list(reversed(by_author)))
    chosen = holding or (by_author[-1] if by_author else None)
    return chosen.id if chosen else None


# --- Choosing a shape and finishing ----------------------------------------------------------

_SHAPE_READERS: list[Callable[[list[str]], _Reading | None]] = [
    _read_numbered_handles,
    _read_avatar_rating,
    _read_wordpress,
    _read_forum_score,
]


def find_comments(lines: list[str]) -> CommentsFound:
    """The reader comments in a capture split into lines, read in the shape that fits best."""
    readings = [reading for reader in _SHAPE_READERS if (reading := reader(lines)) and reading.comments]
    generic = None if readings else (_read_repeated_heads(lines) or _read_generic(lines))
    if generic and generic.comments:
        readings = [generic]
    if not readings:
        return CommentsFound(len(lines), len(lines), "none", [], generic.uncertain if generic else [])
    # The reading that explains the most comments; on a tie the more specific, listed first.
    best = max(readings, key=lambda reading: len(reading.comments))
    uncertain = list(best.uncertain)
    for other in readings:
        if other is not best:
            uncertain.append(f"the capture also looks like shape {other.shape} ({len(other.comments)} comments)")
    comments = _drop_empty(best.comments, uncertain)
    _ensure_unique_ids(comments, uncertain)
    _link_quotes(comments, uncertain)
    _check_verbatim(comments, lines, uncertain)
    start = best.first if best.shape == "generic" else _section_start(lines, best.first)
    return CommentsFound(start, best.end, best.shape, comments, uncertain)


def _section_start(lines: list[str], first: int) -> int:
    """The section's header if one sits just above the first comment (buttons and blank lines
    between allowed, as in "Top Rated Comments / (View all)"), else the first comment."""
    at = first - 1
    while at >= 0 and (_blank(lines[at]) or _is_noise(lines[at])):
        at -= 1
    return at if at >= 0 and _is_header(lines[at]) else first


def _drop_empty(comments: list[FoundComment], uncertain: list[str]) -> list[FoundComment]:
    for comment in comments:
        if not comment.text.strip():
            uncertain.append(f"comment {comment.id} has no words of its own in the capture; left out")
    return [comment for comment in comments if comment.text.strip()]


def _ensure_unique_ids(comments: list[FoundComment], uncertain: list[str]) -> None:
    seen: set[str] = set()
    for comment in comments:
        if comment.id in seen:
            original = comment.id
            suffix = 2
            while f"{original}-{suffix}" in seen:
                suffix += 1
            comment.id = f"{original}-{suffix}"
            uncertain.append(f"the number {original} is shown twice; the second is called {comment.id}")
        seen.add(comment.id)


def _link_quotes(comments: list[FoundComment], uncertain: list[str]) -> None:
    """A comment quoting another replies to it: the earliest earlier comment holding the passage,
    else a later one (lists sorted by rating put replies first), else nobody in the capture."""
    for index, comment in enumerate(comments):
        if not comment.quoting or comment.reply_to is not None:
            continue
        source = _quoted_comment(comment.quoting, comments[:index])
        if source is None:
            later = _quoted_comment(comment.quoting, comments[index + 1 :])
            if later is not None:
                source = later
                uncertain.append(f"comment {comment.id} quotes comment {later.id}, which is listed after it")
        if source is not None:
            comment.reply_to = source.id
        else:
            uncertain.append(f"comment {comment.id} quotes text that is not in any other comment of the capture")


def _check_verbatim(comments: list[FoundComment], lines: list[str], uncertain: list[str]) -> None:
    """Every text and quote is cut from the capture, so this should never speak; if it does the
    draft would fail the checker, so it says which comment to fix."""
    capture = normalise("\n".join(lines))
    for comment in comments:
        for name, passage in (("text", comment.text), ("quoting", comment.quoting)):
            if passage and normalise(passage) not in capture:
                uncertain.append(f"the {name} of comment {comment.id} is not verbatim in the capture")
