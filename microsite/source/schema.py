"""The typed shape of `site.yaml` and of a content page's front matter.

pydantic checks types, required keys and unknown keys and reports every error with
its key path; the loader turns those into Problems with lines and hints. Rules that
need more than one file (names in the registry, quotes in the capture) live in the
loader, not here.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated, Literal
from urllib.parse import urlsplit

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator
from pydantic import Strict as PydanticStrict

from ..dates import PartialDate
from ..text import SLUG_PATTERN
from .yamlfile import Written, WrittenBool, written_text

CLAIM_STATUSES = ("reported", "rumour", "forecast", "confirmed", "denied", "opinion")
# What became of a forecast (a claim with status forecast or a `due`): `open` while it is not yet due.
OUTCOMES = ("came-true", "partly", "did-not", "open", "unclear")
STANCES = ("agrees", "disagrees", "sceptical", "mixed", "neutral", "informative", "off-topic", "humour")
COMPANY_KINDS = ("maker", "carrier", "retailer", "supplier", "platform", "investor", "other")
SOURCE_KINDS = ("outlet", "wire", "research-firm", "analyst", "executive", "company", "social", "government")
ANONYMOUS = "anonymous"
OWN_VOICE = "own-voice"  # the article itself, speaking for a publisher the page does not know


def _number_to_text(value: object) -> object:
    # YAML reads `id: 012`, `title: 1984` or `name: True` as a number or true; in a text field they are
    # meant as text, kept as written. (Numbers made elsewhere than in YAML, as in tests, are written out.)
    if isinstance(value, Written):
        return value.text
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    return value


def _flag(value: object) -> object:
    # Only YAML's true and false: `yes`, `on` or "1" are text, and refused here rather than guessed.
    return value.value if isinstance(value, WrittenBool) else value


def _strip(value: object) -> object:
    return value.strip() if isinstance(value, str) else value


def _date(value: object) -> PartialDate | None:
    if value is None or value == "":
        return None
    if isinstance(value, PartialDate):
        return value
    if isinstance(value, (bool, WrittenBool)) or not isinstance(value, (str, int)):
        raise ValueError("a date must be written YYYY, YYYY-MM or YYYY-MM-DD")
    return PartialDate.parse(written_text(value))


def _domain(value: object) -> object:
    # "phonearena.com": a host name, as ingest finds it in a capture's addresses ("www." is dropped).
    if isinstance(value, str):
        value = value.strip().lower().removeprefix("www.")
        if not re.fullmatch(r"[a-z0-9-]+(?:\.[a-z0-9-]+)+", value):
            raise ValueError(f"`{value}` is not a domain: write it as example.com, without https:// or a path")
    return value


def _url(value: object) -> object:
    # A full address with a host: readers follow it, so `https://` alone or one with spaces will not do.
    if isinstance(value, str) and value:
        value = value.strip()
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.netloc or any(c.isspace() for c in value):
            raise ValueError(f"`{value}` is not a web address: write it in full, starting with https:// or http://")
    return value


# ---- provenance (a capture's `accessed`, `archive_url`, `language`, `sha256`) ----
_ACCESSED = re.compile(r"\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:\d{2})?)?")
# BCP 47 as pages declare it: language, optional script, region and variants (en, zh-Hans, pt-BR, zh-Hant-TW).
_LANGUAGE_TAG = re.compile(
    r"[A-Za-z]{2,3}(?:-[A-Za-z]{4})?(?:-(?:[A-Za-z]{2}|\d{3}))?(?:-(?:[A-Za-z0-9]{5,8}|\d[A-Za-z0-9]{3}))*"
)


def _accessed(value: object) -> object:
    # When the capture was made: a day, or the moment a WARC records (2024-05-01T12:30:00Z).
    if value is None or value == "":
        return None
    text = value.strip() if isinstance(value, str) else None
    wanted = "write it YYYY-MM-DD or as an ISO 8601 date-time such as 2024-05-01T12:30:00Z"
    if text is None or not _ACCESSED.fullmatch(text):
        raise ValueError(f"`{value}` is not a date or date-time: {wanted}")
    try:
        datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise ValueError(f"`{text}` is not a real date or time: {wanted}") from None
    return text


def _language(value: object) -> object:
    if isinstance(value, str) and value:
        value = value.strip()
        if not _LANGUAGE_TAG.fullmatch(value):
            raise ValueError(f"`{value}` is not a BCP 47 language tag: write one such as en, zh-Hans or pt-BR")
    return value


def _sha256(value: object) -> object:
    value = _number_to_text(value)  # all digits: YAML reads it as a number
    if isinstance(value, str) and value:
        value = value.strip().lower()
        if not re.fullmatch(r"[0-9a-f]{64}", value):
            raise ValueError(
                f"`{value}` is not a SHA-256 digest: write the 64 hexadecimal characters `sha256sum` prints"
            )
    return value


def _one_or_more(value: object) -> object:
    return [value] if isinstance(value, str) else value  # `authors: Jane Doe` is a byline of one


# ---- what the JSON Schemas (`microsite schema`) say each type takes, as YAML 1.2 reads it ----
# Validation never reads these: a validator's `json_schema_input_type` only describes its input.
_AsWritten = float | bool  # a YAML number or true/false, which a text field keeps as written
_NonBlank = Annotated[str, Field(pattern=r"\S")]
_Year = Annotated[int, Field(ge=1000, le=9999)]  # `published: 2019`: a number to YAML


def _stripped(pattern: str, empty: bool = True) -> object:
    """Text that `pattern` matches once stripped; with `empty`, also "", which counts as no value."""
    return Annotated[str, Field(pattern=("^$|" if empty else "") + rf"^\s*(?:{pattern})\s*$")]


_DAY = r"[0-9]{4}(?:-(?:0[1-9]|1[0-2])(?:-(?:0[1-9]|[12][0-9]|3[01]))?)?"  # what PartialDate.parse takes
_WEB = r"[Hh][Tt][Tt][Pp][Ss]?://[^\s/?#]+\S*"  # http(s), any case, a host, no spaces
_HOST = r"[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+"
_ASCII_ACCESSED = _ACCESSED.pattern.replace(r"\d", "[0-9]")  # Python's \d also takes other scripts' digits

Text = Annotated[
    str,
    Field(min_length=1),
    BeforeValidator(_strip),
    BeforeValidator(_number_to_text, json_schema_input_type=_NonBlank | _AsWritten),
]
OptionalText = Annotated[
    str | None,
    BeforeValidator(_strip),
    BeforeValidator(_number_to_text, json_schema_input_type=str | _AsWritten | None),
]
_SlugText = Annotated[str, Field(pattern=SLUG_PATTERN.pattern)]
# `id: 12` is the slug 12, and `true` the slug true (but `True` is refused: a schema cannot tell them apart).
Slug = Annotated[
    _SlugText, BeforeValidator(_number_to_text, json_schema_input_type=_SlugText | Annotated[int, Field(ge=0)] | bool)
]
DateField = Annotated[PartialDate | None, BeforeValidator(_date, json_schema_input_type=_stripped(_DAY) | _Year | None)]
Url = Annotated[str | None, BeforeValidator(_url, json_schema_input_type=_stripped(_WEB) | None)]
Domain = Annotated[str, BeforeValidator(_domain, json_schema_input_type=_stripped(_HOST, empty=False))]
Names = list[Text]
Flag = Annotated[bool, BeforeValidator(_flag), PydanticStrict()]
Count = Annotated[int, PydanticStrict()]  # digits only: "1_000", 1e3 or 0x1F are refused, not read as numbers
Accessed = Annotated[str | None, BeforeValidator(_accessed, json_schema_input_type=_stripped(_ASCII_ACCESSED) | None)]
LanguageTag = Annotated[
    str | None, BeforeValidator(_language, json_schema_input_type=_stripped(_LANGUAGE_TAG.pattern) | None)
]
# A digest YAML reads as a number (all 64 characters digits) is taken too, but a schema cannot say so.
Sha256 = Annotated[str | None, BeforeValidator(_sha256, json_schema_input_type=_stripped("[0-9A-Fa-f]{64}") | None)]
Authors = Annotated[list[Text], BeforeValidator(_one_or_more, json_schema_input_type=_NonBlank | list[Text])]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, arbitrary_types_allowed=True)


# ---- site.yaml --------------------------------------------------------------------


class CompanyEntry(Strict):
    name: Text
    aliases: Names = []
    kind: Literal[COMPANY_KINDS]
    country: OptionalText = None
    slug: Slug | None = None  # the page name, instead of one made from the name: keeps a URL when the name changes


class SourceEntry(Strict):
    name: Text
    aliases: Names = []
    kind: Literal[SOURCE_KINDS]
    homepage: Url = None
    domains: list[Domain] = []  # the hosts its pages are served from, beside the homepage's
    affiliation: OptionalText = None
    slug: Slug | None = None  # as CompanyEntry's


class StoryEntry(Strict):
    id: Slug  # the `story` key its pages share
    title: Text
    summary: OptionalText = None


class SiteFile(Strict):
    title: Text
    description: Text
    base_url: Url = None
    language: Text = "en"
    build_drafts: Flag = True  # drafts are built, marked as drafts; false leaves them out of the site
    search: Flag = True  # a Pagefind full-text index, a search page and a search box; false leaves all three out
    raw_html: Flag = False  # HTML typed into a page's Markdown body is shown as text unless this is true
    compress: Flag = False  # NAME.gz and NAME.br beside each text file of the output, for hosts that serve them
    companies: list[CompanyEntry]
    sources: list[SourceEntry]
    stories: list[StoryEntry] = []  # titles and summaries for `story` keys; optional

    @field_validator("base_url")
    @classmethod
    def _trailing_slash(cls, value: str | None) -> str | None:
        if value and not value.endswith("/"):
            value += "/"
        return value or None


# ---- content pages ------------------------------------------------------------------


class SourceRef(Strict):
    name: Text
    kind: Literal[(*SOURCE_KINDS, ANONYMOUS, OWN_VOICE)] | None = None
    note: OptionalText = None


# `answered`: notes of `check` (microsite/model/care.py) the researcher has weighed and answers, by kind,
# each with the reason. A key given must hold one: `hedge:` alone or "" is refused, not taken as no answer.
class ClaimAnswers(Strict):
    hedge: Text = None  # the quote hedges, the statement and status do not
    figure: Text = None  # the statement gives a figure the quote does not
    attribution: Text = None  # another report of the story credits the same quote to another source
    outcome: Text = None  # a forecast past its due date has no outcome yet


class CommentsAnswers(Strict):
    digest: Text = None  # the digest speaks of most or all readers without counting them


class ClaimEntry(Strict):
    id: Slug
    statement: Text
    quote: Text
    source: Text
    companies: Names = []
    status: Literal[CLAIM_STATUSES]
    event_date: DateField = None
    event_note: OptionalText = None
    due: DateField = None  # when a forecast or promise says it will happen: a deadline, not an event
    due_note: OptionalText = None
    outcome: Literal[OUTCOMES] | None = None  # what became of a forecast: only on one (status forecast or a due)
    outcome_note: OptionalText = None
    resolved_by: OptionalText = None  # the evidence: `article-slug#claim-id` of this site, or an http(s) URL
    # The researcher checked that no other report of the article's story makes this claim: never paired.
    unique_to_report: Flag = False
    answered: ClaimAnswers | None = None


class CommentEntry(Strict):
    id: Text
    author: OptionalText = None
    reply_to: OptionalText = None
    text: Text
    quoting: OptionalText = None
    stance: Literal[STANCES]
    votes: Count | None = None
    posts: Count | None = None
    member_since: OptionalText = None
    age: OptionalText = None


class CommentsEntry(Strict):
    digest: Text
    items: list[CommentEntry] = []
    answered: CommentsAnswers | None = None


class FrontMatter(Strict):
    title: Text
    publisher: OptionalText = None
    published: DateField = None
    date_note: Text
    url: Url = None
    seed: Text
    original: OptionalText = None  # the saved page in seeds/ that `seed` was extracted from, byte for byte
    accessed: Accessed = None
    archive_url: Url = None
    authors: Authors = []
    language: LanguageTag = None  # None: the site's
    sha256: Sha256 = None  # of `original`, or of `seed` when there is none
    draft: Flag = False
    story: Slug | None = None
    companies: Names = []
    sources: list[SourceRef] = []
    claims: list[ClaimEntry] = []
    comments: CommentsEntry | None = None
