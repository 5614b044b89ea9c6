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

from . import timeline, urls
from .model import Article, Site


@dataclass
class Page:
    path: str  # site-root-relative output path
    template: str | None  # a Jinja2 template, or None for a file that `make` writes
    context: dict = field(default_factory=dict)
    shows: tuple[Article, ...] | None = ()  # None: every article (lists, indexes, the timeline)
    # Data files (JSON, CSV) are made in Python, not templated: make(site, **context) -> text.
    make: Callable[..., str] | None = None

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
        Page(urls.NOT_FOUND, "404.html", {"site_root_path": urls.root_path(site.settings.base_url)}),
    ]
    for article in site.articles:
        related = tuple(r.article for r in article.related)
        pages.append(Page(urls.article(article.slug), "article.html", {"article": article}, (article, *related)))
        capture = {"article": article, "capture": article.capture}
        pages.append(Page(urls.capture(article.slug), "capture.html", capture, (article,)))
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
    return pages
