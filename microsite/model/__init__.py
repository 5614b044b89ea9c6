"""The validated model: plain objects that templates receive.

Built only by the loader, after every check has passed; nothing here parses or fails.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import tempfile
import zlib
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from ..dates import PartialDate, earliest, latest
from ..source.schema import OWN_VOICE


class Linked:
    """The model is a graph (articles name companies, which list articles): a repr names one node only.

    A generated repr would print the whole graph, which a failing test or a traceback would try to show."""

    def __repr__(self) -> str:
        for key in ("slug", "id", "name"):
            value = getattr(self, key, None)
            if value is not None:
                return f"<{type(self).__name__} {value!r}>"
        return f"<{type(self).__name__}>"


@dataclass(eq=False, repr=False)
class Company(Linked):
    name: str
    slug: str
    kind: str
    country: str | None
    aliases: list[str]
    articles: list[Article] = field(default_factory=list)
    claims: list[Claim] = field(default_factory=list)

    @property
    def mentioned(self) -> bool:
        return bool(self.articles or self.claims)

    @property
    def first_mention(self) -> PartialDate | None:
        return earliest(a.published for a in self.articles)

    @property
    def last_mention(self) -> PartialDate | None:
        return latest(a.published for a in self.articles)


@dataclass(eq=False, repr=False)
class Source(Linked):
    name: str
    slug: str | None  # None for an unnamed source, which has no page of its own
    kind: str
    homepage: str | None = None
    affiliation: str | None = None
    aliases: list[str] = field(default_factory=list)
    domains: list[str] = field(default_factory=list)  # hosts its pages are served from (site.yaml `domains`)
    cited_in: list[Article] = field(default_factory=list)
    claims: list[Claim] = field(default_factory=list)
    published: list[Article] = field(default_factory=list)

    @property
    def registered(self) -> bool:
        return self.slug is not None

    @property
    def own_voice(self) -> bool:
        """The article itself, speaking for a publisher the page does not know (`kind: own-voice`)."""
        return self.kind == OWN_VOICE


@dataclass(eq=False, repr=False)
class SourceUse(Linked):
    """A source as one article uses it."""

    source: Source
    note: str | None
    article: Article | None = field(default=None, repr=False)


@dataclass(eq=False, repr=False)
class Claim(Linked):
    id: str
    statement: str
    quote: str
    source: Source
    companies: list[Company]
    status: str
    event_date: PartialDate | None
    event_note: str | None
    due: PartialDate | None  # when a forecast or promise says it will happen: a deadline, not an event
    due_note: str | None
    article: Article = field(repr=False)
    unique_to_report: bool = False  # no other report of its story makes it (the researcher says): never paired
    # What became of a forecast (came-true, partly, did-not, open, unclear; None: not said), why, and the
    # evidence: `article-slug#claim-id` of this site (the loader checked it names a claim) or an http(s) URL.
    outcome: str | None = None
    outcome_note: str | None = None
    resolved_by: str | None = None
    # Notes of `check` the researcher answers (`answered`), by kind (hedge, figure, attribution): the reasons.
    answered: dict[str, str] = field(default_factory=dict)

    @property
    def forecast(self) -> bool:
        """Whether it says what will happen: status forecast, or a due date (a promise's deadline)."""
        return self.status == "forecast" or self.due is not None

    @property
    def resolved(self) -> bool:
        """A forecast whose outcome is known: came true, partly, or did not."""
        return self.outcome in ("came-true", "partly", "did-not")

    @property
    def resolved_by_url(self) -> bool:
        return bool(self.resolved_by) and self.resolved_by.startswith(("http://", "https://"))


@dataclass(eq=False, repr=False)
class Comment(Linked):
    id: str
    author: str | None
    text: str
    quoting: str | None
    stance: str
    votes: int | None
    posts: int | None
    member_since: str | None
    age: str | None
    reply_to: Comment | None = None
    replies: list[Comment] = field(default_factory=list)


@dataclass(eq=False, repr=False)
class Comments(Linked):
    digest: str
    items: list[Comment]  # every comment, in the capture's order
    answered: dict[str, str] = field(default_factory=dict)  # notes of `check` answered (digest): the reasons

    @property
    def threads(self) -> list[Comment]:
        return [c for c in self.items if c.reply_to is None]


@dataclass(frozen=True)
class Passage:
    """A highlighted span of a capture: a claim's quote or a comment's text."""

    start: int
    end: int
    anchor: str
    kind: str  # "claim" or "comment"
    label: str


@dataclass(eq=False, repr=False)
class Capture(Linked):
    slug: str  # the slug of the article that summarises it
    filename: str
    path: Path
    loaded_text: str | None  # None: not kept in memory; read again from `path` when a page needs it
    whole: Whole | None = field(default=None, repr=False)  # holds the passages, with its article's body

    @property
    def passages(self) -> list[Passage]:
        """Its marked passages, in the text's order."""
        return self.whole.unpack()[2] if self.whole else []

    @property
    def text(self) -> str:
        if self.loaded_text is None:  # read, not kept: a big site's captures would fill memory
            from ..source.reader import read_text  # only the capture's own page reads it

            return read_text(self.path)[0] or ""
        return self.loaded_text

    def __getstate__(self) -> dict:
        # The build cache keeps a capture's passages, not its text: the file is on disk, read when needed.
        return {**self.__dict__, "loaded_text": None}


class Whole:
    """What only an article's own pages show: its body, its comments and its capture's marked passages.

    Kept packed (pickled and compressed) in a spool file between uses: unpacked, they are most of an
    article's size, and every page but the article's own lists it by its outline only; a build renders
    an article's own pages one after the other."""

    __slots__ = ("_at", "_packed", "_size", "_spool")

    def __init__(self, packed: bytes):
        self._packed, self._spool, self._at, self._size = packed, None, 0, len(packed)
        spool = _Spool.for_writing()
        if spool is not None:
            with contextlib.suppress(OSError):  # a full or read-only temporary folder: kept in memory
                self._at, self._spool, self._packed = spool.add(packed), spool, None

    @classmethod
    def pack(cls, body_html: str, comments: Comments | None, passages: list[Passage]) -> Whole:
        return cls(zlib.compress(pickle.dumps((body_html, comments, passages), pickle.HIGHEST_PROTOCOL), 1))

    @property
    def packed(self) -> bytes:
        return self._packed if self._spool is None else self._spool.read(self._at, self._size)

    def unpack(self) -> tuple[str, Comments | None, list[Passage]]:
        global _last_unpacked
        if _last_unpacked is None or _last_unpacked[0] is not self:
            _last_unpacked = (self, pickle.loads(zlib.decompress(self.packed)))
        return _last_unpacked[1]

    def __getstate__(self) -> bytes:
        return self.packed

    def __setstate__(self, packed: bytes) -> None:
        self.__init__(packed)


# The parts last unpacked: an article's page asks for its body and comments many times.
_last_unpacked: tuple[Whole, tuple] | None = None


class _Spool:
    """An unnamed temporary file of packed parts, outside the memory of both build processes.

    A forked child reads its parent's spool (its reads name their offset) but writes to its own. Each
    load starts a new one (new_spool); a spool is closed, and its disk space freed, with its last Whole."""

    _writing: _Spool | None = None

    def __init__(self):
        self.file = tempfile.TemporaryFile(prefix="microsite-")  # noqa: SIM115 - open as long as the spool lives
        self.end, self.pid = 0, os.getpid()

    @classmethod
    def for_writing(cls) -> _Spool | None:
        if not hasattr(os, "pwrite"):
            return None  # Windows: kept in memory
        if cls._writing is None or cls._writing.pid != os.getpid():
            try:
                cls._writing = cls()
            except OSError:
                return None
        return cls._writing

    def add(self, data: bytes) -> int:
        at = self.end
        if os.pwrite(self.file.fileno(), data, at) != len(data):
            raise OSError("short write to the spool")
        self.end += len(data)
        return at

    def read(self, at: int, size: int) -> bytes:
        return os.pread(self.file.fileno(), size, at)


def new_spool() -> None:
    """Pack the next parts into a new spool: the old one goes with the model that uses it."""
    _Spool._writing = None


@dataclass(eq=False, repr=False)
class Related(Linked):
    article: Article
    reasons: list[str]


@dataclass(eq=False, repr=False)
class Article(Linked):
    slug: str
    file: Path
    title: str
    publisher: Source | None
    published: PartialDate | None
    date_note: str
    url: str | None
    draft: bool
    story: str | None
    companies: list[Company]
    sources: list[SourceUse]
    claims: list[Claim]
    capture: Capture
    comment_count: int | None = None  # None: the page has no comments section
    digest: str | None = None  # the comments' digest, which `check` reads of every article without unpacking
    # Provenance (docs/content-format.md): the saved original in seeds/, when and where it was captured,
    # the byline, the language (None: the site's) and the SHA-256 the loader verified.
    original: str | None = None
    accessed: str | None = None  # YYYY-MM-DD or an ISO 8601 date-time, as written
    archive_url: str | None = None
    authors: list[str] = field(default_factory=list)
    language: str | None = None
    sha256: str | None = None
    whole: Whole | None = field(default=None, repr=False)  # its body and comments: see the properties below
    fingerprint: bytes = field(default=b"", repr=False)  # changes whenever the page or its capture does
    # Changes whenever what other pages show of it does (its front matter but the comments' texts): an
    # edit of its body, capture or comments alone re-renders its own pages, not the lists that name it.
    outline: bytes = field(default=b"", repr=False)
    related: list[Related] = field(default_factory=list)
    # The other reports of its story, each compared with this one (microsite/stories.py PeerReport).
    story_peers: list = field(default_factory=list)

    @property
    def body_html(self) -> str:
        """Its body, as HTML."""
        return self.whole.unpack()[0] if self.whole else ""

    @property
    def comments(self) -> Comments | None:
        """Its reader comments (None: the page lists none); `comment_count` says how many without unpacking."""
        return self.whole.unpack()[1] if self.whole else None

    @property
    def accessed_day(self) -> str | None:
        """The day the capture was made, YYYY-MM-DD, where a format takes a date and no time."""
        return self.accessed[:10] if self.accessed else None

    @property
    def mentioned_companies(self) -> list[Company]:
        """Its companies, then those only its claims name."""
        seen = list(self.companies)
        for claim in self.claims:
            seen += [c for c in claim.companies if c not in seen]
        return seen

    def __getstate__(self) -> dict:
        # Pickled alone into the build cache: what relations.link computes from other articles is left out.
        return {**self.__dict__, "related": [], "story_peers": []}

    def sort_key(self) -> tuple:
        """Newest first; undated pages last; ties by title."""
        if self.published is None:
            return (1, (0, 0, 0), self.title.casefold())
        year, month, day = self.published.sort_key()
        return (0, (-year, -month, -day), self.title.casefold())


@dataclass(frozen=True)
class StoryInfo:
    """A story as site.yaml's `stories` registry names it."""

    id: str
    title: str
    summary: str | None = None
    index: int = 0  # its place in the registry, to find its line for a note


@dataclass
class SiteSettings:
    title: str
    description: str
    base_url: str | None
    language: str
    build_drafts: bool = True
    stories: tuple[StoryInfo, ...] = ()  # the registry, in its order
    search: bool = True
    raw_html: bool = False  # HTML in Markdown bodies passed through (true) or shown as text
    compress: bool = False  # gzip and Brotli copies of the output's text files beside them (build/compress.py)


@dataclass(eq=False, repr=False)
class Site(Linked):
    settings: SiteSettings
    articles: list[Article]  # newest first
    companies: list[Company]  # the whole registry, in its order
    sources: list[Source]  # the whole registry, in its order
    anonymous_sources: list[SourceUse] = field(default_factory=list)
    digest: bytes = field(default=b"", repr=False)  # changes whenever site.yaml does
    stories: list = field(default_factory=list)  # model/stories.py Story objects, first reported first

    def story(self, story_id: str | None):
        """The Story with this id, or None: for an article's page, which knows only its `story` key."""
        return self._stories_by_id.get(story_id)

    @cached_property
    def _stories_by_id(self) -> dict:  # first asked by a page, after relations.link set the stories
        return {story.id: story for story in self.stories}

    # Computed once, on first use after loading: every page's footer and the indexes
    # read them, so recomputing them per page would grow with pages x claims.
    @cached_property
    def claims(self) -> list[Claim]:
        return [claim for article in self.articles for claim in article.claims]

    @cached_property
    def comment_count(self) -> int:
        return sum(a.comment_count or 0 for a in self.articles)

    @cached_property
    def mentioned_companies(self) -> list[Company]:
        return sorted(
            (c for c in self.companies if c.mentioned),
            key=lambda c: (-len(c.articles), -len(c.claims), c.name.casefold()),
        )

    @cached_property
    def cited_sources(self) -> list[Source]:
        return sorted(
            (s for s in self.sources if s.cited_in or s.published),
            key=lambda s: (-len(s.cited_in), -len(s.published), s.name.casefold()),
        )
