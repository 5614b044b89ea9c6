"""Which pages the site has: one entry per output file, with its template and data.

Every page gets the whole site model too (as `site`); the context names what is
particular to the page.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from . import timeline, urls
from .model import Site


@dataclass
class Page:
    path: str  # site-root-relative output path
    template: str
    context: dict = field(default_factory=dict)


def site_pages(site: Site) -> list[Page]:
    pages = [
        Page(urls.HOME, "index.html"),
        Page(urls.TIMELINE, "timeline.html", {"timeline": timeline.build(site.articles)}),
        Page(urls.COMPANIES, "companies.html"),
        Page(urls.SOURCES, "sources.html"),
        Page(urls.NOT_FOUND, "404.html", {"site_root_path": urls.root_path(site.settings.base_url)}),
    ]
    for article in site.articles:
        pages.append(Page(urls.article(article.slug), "article.html", {"article": article}))
        pages.append(Page(urls.capture(article.slug), "capture.html", {"article": article, "capture": article.capture}))
    for company in site.mentioned_companies:
        pages.append(
            Page(
                urls.company(company.slug),
                "company.html",
                {"company": company, "timeline": timeline.build(company.articles, company)},
            )
        )
    for source in site.cited_sources:
        pages.append(Page(urls.source(source.slug), "source.html", {"source": source}))
    return pages
