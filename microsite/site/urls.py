"""The one place that knows where every page lives and how to link to it.

Every link is relative to the page it is written in, and names a file (never a bare
folder), so the same output works at a domain root, under /repo/ and from disk.
"""

from __future__ import annotations

import functools
import posixpath
from urllib.parse import urlsplit

from ..model import Article, Capture, Claim, Comment, Company, Source

HOME = "index.html"
TIMELINE = "timeline.html"
FORECASTS = "forecasts.html"  # every forecast, its outcome and the evidence
COMPANIES = "companies/index.html"
SOURCES = "sources/index.html"
NOT_FOUND = "404.html"
# Data for researchers (microsite/exports.py, microsite/citations.py) and the page that documents it.
DATA = "data/index.html"
DATA_ARTICLES = "data/articles.json"
DATA_CLAIMS_JSON = "data/claims.json"
DATA_CLAIMS_CSV = "data/claims.csv"
DATA_TIMELINE = "data/timeline.json"
DATA_CITATIONS_CSL = "data/citations.json"
DATA_CITATIONS_BIBTEX = "data/citations.bib"
DATA_CORPUS = "data/corpus.sqlite"  # every table in one SQLite file (microsite/site/corpus.py)
DATA_ANNOTATIONS = "data/annotations.jsonld"  # the claims' quotes as W3C Web Annotations
SEARCH = "search.html"
SEARCH_BUNDLE = "pagefind"  # the folder Pagefind writes its index and UI into
FEED = "feed.xml"
SITEMAP = "sitemap.xml"
ROBOTS = "robots.txt"
STATIC = "static"


def article(slug: str) -> str:
    return f"articles/{slug}.html"


def capture(slug: str) -> str:
    return f"captures/{slug}.html"


def capture_text(slug: str) -> str:
    return f"captures/{slug}.txt"


def capture_original(slug: str) -> str:
    """The saved original (an HTML page, a WARC...), under a name no static host serves as a web page: from the
    site's own origin a saved page's scripts would run. `.download` is served as application/octet-stream."""
    return f"captures/originals/{slug}.download"


def citation_csl(slug: str) -> str:
    return f"cite/{slug}.json"


def citation_bibtex(slug: str) -> str:
    return f"cite/{slug}.bib"


def company(slug: str) -> str:
    return f"companies/{slug}.html"


def source(slug: str) -> str:
    return f"sources/{slug}.html"


def story(story_id: str) -> str:
    return f"stories/{story_id}.html"


# A sitemap too big for one file (microsite/pages.py): SITEMAP indexes these, which sit beside it at the site's
# root, as a sitemap may list only addresses at or below its own folder.
def sitemap_part(number: int) -> str:
    return f"sitemap-{number}.xml"


# A big page's parts (microsite/paging.py): a year, or a run of months of one, of the timeline or of one page.
# A slug has no dot, so `huawei.2017` names no other page; and a part beside its landing links like it.
def timeline_part(part_slug: str) -> str:
    return f"timeline/{part_slug}.html"


def forecasts_part(part_slug: str) -> str:
    return f"forecasts/{part_slug}.html"


def company_part(slug: str, part_slug: str) -> str:
    return f"companies/{slug}.{part_slug}.html"


def source_part(slug: str, part_slug: str) -> str:
    return f"sources/{slug}.{part_slug}.html"


# Anchors inside pages: a claim's row, its quote in the capture, a comment.
def claim_anchor(claim_id: str) -> str:
    return f"claim-{claim_id}"


def quote_anchor(claim_id: str) -> str:
    return f"q-{claim_id}"


def comment_anchor(comment_id: str) -> str:
    return f"comment-{comment_id}"


def forecast_anchor(claim: Claim) -> str:
    """A forecast's entry on the Forecasts page: its article's slug and its id, unique across the site."""
    return f"forecast-{claim.article.slug}.{claim.id}"  # a slug has no dot: no two forecasts share one


def path_for(target) -> str:
    """A site-root-relative path (with #fragment where the target is part of a page)."""
    if isinstance(target, str):
        return target
    if isinstance(target, Article):
        return article(target.slug)
    if isinstance(target, Capture):
        return capture(target.slug)
    if isinstance(target, Company):
        return company(target.slug)
    if isinstance(target, Source):
        if target.slug is None:
            raise ValueError(f"the unnamed source {target.name!r} has no page")
        return source(target.slug)
    if isinstance(target, Claim):
        return f"{article(target.article.slug)}#{claim_anchor(target.id)}"
    raise TypeError(f"no page for {type(target).__name__}")


def quote_in_capture(claim: Claim) -> str:
    return f"{capture(claim.article.slug)}#{quote_anchor(claim.id)}"


def comment_in_capture(article_slug: str, comment: Comment) -> str:
    return f"{capture(article_slug)}#{comment_anchor(comment.id)}"


def absolute(path: str, base_url: str | None) -> str | None:
    """The full address of a page, for feeds, sitemaps and canonical links; None without a base_url.

    A folder's index.html is written as the folder, the address people share."""
    if not base_url:
        return None
    if path == HOME or path.endswith("/" + HOME):
        path = path[: -len(HOME)]
    return base_url + path


def normalise_base_url(value: str) -> str:
    """A base_url as given on the command line: a web address, ending in a slash."""
    parts = urlsplit(value.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(f"`{value}` is not a web address: give one like https://user.github.io/repo/")
    return parts.geturl().rstrip("/") + "/"


def root_path(base_url: str | None) -> str:
    """The path the site is served under: '/' at a domain root, '/repo/' on a project site."""
    path = urlsplit(base_url).path if base_url else "/"
    return path if path.endswith("/") else path + "/"


def relative(target: str, from_page: str) -> str:
    """`target` (site-root-relative, maybe with #fragment) as seen from `from_page`."""
    return relative_to_folder(target, posixpath.dirname(from_page))


def relative_to_folder(target: str, folder: str) -> str:
    """`target` as seen from a page in `folder` ('' for the site root)."""
    path, hash_mark, fragment = target.partition("#")
    if not path:
        return f"#{fragment}"
    link = _relpath(path, folder or ".")
    return link + (f"#{fragment}" if hash_mark else "")


# A page's links mostly repeat within the page (its site-wide menu, its own anchors): a small cache holds
# those. One as big as a big site's links would hold memory in each build process for no time saved.
@functools.lru_cache(maxsize=1 << 12)
def _relpath(path: str, folder: str) -> str:
    """posixpath.relpath for the tidy paths this module makes, without asking the OS for the working
    directory twice per link (a big site's pages hold millions of links)."""
    parts, base = path.split("/"), [] if folder == "." else folder.split("/")
    if any(part in ("", ".", "..") for part in (*parts, *base)):
        return posixpath.relpath(path, folder)  # not a path made here: the general rule
    shared = 0
    for mine, theirs in zip(parts, base, strict=False):  # as far as the shorter goes
        if mine != theirs:
            break
        shared += 1
    return "/".join([".."] * (len(base) - shared) + parts[shared:]) or "."
