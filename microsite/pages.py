"""Which pages the site has: one entry per output file, with its template and data.

Every page gets the whole site model too (as `site`); the context names what is
particular to the page. `shows` names the articles whose content the page displays,
so that a rebuild re-renders a page only when one of them, site.yaml or its
template changed: a page that reads more of the site than it declares here would go
stale in the preview (tests/test_incremental.py compares with full builds).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from . import citations, exports, timeline, urls
from .model import Article, Site


@dataclass
class Page:
    path: str  # site-root-relative output path
    template: str | None  # a Jinja2 template, or None for a file that `make` writes
    context: dict = field(default_factory=dict)
    shows: tuple[Article, ...] | None = ()  # None: every article (lists, indexes, the timeline)
    # Data files (JSON, CSV) are made in Python, not templated: make(site, **context) -> text.
    make: Callable[..., str] | None = None
    listed: bool = True  # in the sitemap; not the 404 page, the search page or drafts

    @property
    def maker(self) -> str:
        """What makes the file, by name: its template, or the function that writes it."""
        return self.template or f"{self.make.__module__}.{self.make.__qualname__}"


def site_pages(site: Site) -> list[Page]:
    pages = [
        Page(urls.HOME, "index.html", shows=None),
        Page(urls.TIMELINE, "timeline.html", {"timeline": timeline.build(site.articles)}, shows=None),
        Page(urls.COMPANIES, "companies.html", shows=None),
        Page(urls.SOURCES, "sources.html", shows=None),
        Page(urls.NOT_FOUND, "404.html", {"site_root_path": urls.root_path(site.settings.base_url)}, listed=False),
    ]
    if site.settings.search:  # the page hosting Pagefind's UI; it shows no article itself
        pages.append(Page(urls.SEARCH, "search.html", listed=False))
    for article in site.articles:
        related = tuple(r.article for r in article.related)
        related += tuple(peer.article for peer in article.story_peers)  # compared under "Same story elsewhere"
        shows = (article, *related)
        context = {"article": article, "citation": citations.for_article(site, article)}
        pages.append(Page(urls.article(article.slug), "article.html", context, shows, listed=not article.draft))
        capture = {"article": article, "capture": article.capture}
        pages.append(Page(urls.capture(article.slug), "capture.html", capture, (article,), listed=not article.draft))
    for company in site.mentioned_companies:
        pages.append(
            Page(
                urls.company(company.slug),
                "company.html",
                {"company": company, "timeline": timeline.build(company.articles, company)},
                tuple(company.articles),  # its claims belong to these articles too
            )
        )
    for source in site.cited_sources:
        shown = {id(a): a for a in [*source.cited_in, *source.published, *(c.article for c in source.claims)]}
        pages.append(Page(urls.source(source.slug), "source.html", {"source": source}, tuple(shown.values())))
    for story in site.stories:  # its reports side by side
        pages.append(Page(urls.story(story.id), "story.html", {"story": story}, tuple(story.articles)))
    pages += data_pages(site)
    return pages + discovery_pages(site, pages)


FEED_ENTRIES = 50  # the newest articles; a feed reader polls often, and the site keeps the rest


def discovery_pages(site: Site, pages: list[Page]) -> list[Page]:
    """robots.txt, and where the site has a base_url to make addresses absolute, the feed and the sitemap."""
    found = [Page(urls.ROBOTS, "robots.txt", listed=False)]
    if site.settings.base_url:
        latest = [article for article in site.articles if article.published and not article.draft]
        found.append(Page(urls.FEED, "feed.xml", {"entries": latest[:FEED_ENTRIES]}, shows=None, listed=False))
        listed = [page.path for page in pages if page.listed and page.path.endswith(".html")]
        found.append(Page(urls.SITEMAP, "sitemap.xml", {"paths": listed}, shows=None, listed=False))
    return found


def data_pages(site: Site) -> list[Page]:
    """The data files for researchers (written in Python), citations, and the page that documents them."""
    every = [
        (urls.DATA_ARTICLES, exports.articles_json),
        (urls.DATA_CLAIMS_JSON, exports.claims_json),
        (urls.DATA_CLAIMS_CSV, exports.claims_csv),
        (urls.DATA_TIMELINE, exports.timeline_json),
        (urls.DATA_CITATIONS_CSL, citations.site_csl_json),
        (urls.DATA_CITATIONS_BIBTEX, citations.site_bibtex),
    ]
    found = [Page(path, None, shows=None, make=make) for path, make in every]
    for article in site.articles:
        one = {"article": article}
        found.append(Page(urls.citation_csl(article.slug), None, one, (article,), make=citations.article_csl_json))
        found.append(Page(urls.citation_bibtex(article.slug), None, one, (article,), make=citations.article_bibtex))
    # The About page documents the formats with fixed examples: it shows no article.
    documented = {
        "article_fields": exports.ARTICLE_FIELDS,
        "claim_fields": exports.CLAIM_FIELDS,
        "timeline_fields": exports.TIMELINE_FIELDS,
        "formula_starts": exports.FORMULA_STARTS,
        "csl_fields": citations.CSL_FIELDS,
        "bibtex_fields": citations.BIBTEX_FIELDS,
    }
    found.append(Page(urls.DATA, "data.html", documented))
    return found
