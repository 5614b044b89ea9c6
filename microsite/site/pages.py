"""Which pages the site has: one entry per output file, with its template and data.

Every page gets the whole site model too (as `site`; an article's own page a view of it,
render.OwnPageSite); the context names what is particular to the page. `shows` names the
articles whose whole content the page displays (body, comments, capture), `lists` those of
which it displays only what their outline covers (front matter, comment counts:
Article.outline), so that a rebuild re-renders a page only when one of them, site.yaml or
its template changed: a page that reads more of the site than it declares here would go
stale in the preview
(tests/test_incremental.py compares with full builds).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial

from ..model import Article, Company, Site, Source, forecasts, timeline
from . import citations, corpus, exports, paging, urls


@dataclass(slots=True)  # a big site lists tens of thousands
class Page:
    path: str  # site-root-relative output path
    template: str | None  # a Jinja2 template, or None for a file that `make` writes
    # The page's data, or a function that gives it: worked out only if the page is rendered (a rebuild
    # renders few of the pages a big site lists, and splitting every company's articles by year is not free).
    given: dict | Callable[[], dict] = field(default_factory=dict)
    shows: tuple[Article, ...] = ()  # read whole
    lists: tuple[Article, ...] | None = ()  # read only in outline; None: every article (indexes, the timeline)
    # Data files (JSON, CSV) are made in Python, not templated: make(site, **context) -> text.
    make: Callable[..., str] | None = None
    in_sitemap: bool = True  # not the 404 page, the search page or drafts
    owner: Article | None = None  # the article whose own page this is (own_pages): it reads no other's whole

    @property
    def context(self) -> dict:
        if callable(self.given):
            self.given = self.given()
        return self.given

    @property
    def site_wide_data(self) -> bool:
        """A data file made from every article's share (exports.Pieces): made by the process that keeps them."""
        return self.make is not None and self.lists is None

    @property
    def maker(self) -> str:
        """What makes the file, by name: its template, or the function that writes it."""
        return self.template or f"{self.make.__module__}.{self.make.__qualname__}"


def site_pages(site: Site) -> list[Page]:
    pages = [
        Page(urls.HOME, "index.html", {"latest": site.articles[:HOME_LATEST]}, lists=None),
        *timeline_pages(site),
        *forecast_pages(site),
        Page(urls.COMPANIES, "companies.html", lists=None),
        Page(urls.SOURCES, "sources.html", lists=None),
        Page(urls.NOT_FOUND, "404.html", {"site_root_path": urls.root_path(site.settings.base_url)}, in_sitemap=False),
    ]
    if site.settings.search:  # the page hosting Pagefind's UI; it shows no article itself
        pages.append(Page(urls.SEARCH, "search.html", in_sitemap=False))
    for article in site.articles:
        pages += own_pages(site, article)
    for company in site.mentioned_companies:
        pages += company_pages(company)
    for source in site.cited_sources:
        pages += source_pages(source)
    for story in site.stories:  # its reports side by side
        pages.append(Page(urls.story(story.id), "story.html", {"story": story}, lists=tuple(story.articles)))
    pages += data_pages(site)
    return pages + discovery_pages(site, pages)


def own_pages(site: Site, article: Article) -> list[Page]:
    """The files that are an article's own: its page and its capture's, which show it whole, and its
    citation files. They read of the site only its settings, the article's story and the articles they
    declare (the templates see no more: site/render.py OwnPageSite), so a build renders them from a part
    of the model: after an edit that reaches no further (build/builder.py), and in worker processes
    (build/rendering.py)."""
    related = tuple(r.article for r in article.related)
    related += tuple(peer.article for peer in article.story_peers)  # compared under "Same story elsewhere"
    context = {"article": article, "citation": citations.DeferredCitation(site, article)}
    capture = {"article": article, "capture": article.capture}
    own = {"in_sitemap": not article.draft, "owner": article}  # a draft is left out of the sitemap
    one, listed = {"article": article}, (article,)
    return [
        Page(urls.article(article.slug), "article.html", context, (article,), related, **own),
        Page(urls.capture(article.slug), "capture.html", capture, (article,), **own),
        Page(urls.citation_csl(article.slug), None, one, lists=listed, make=citations.article_csl_json, **own),
        Page(urls.citation_bibtex(article.slug), None, one, lists=listed, make=citations.article_bibtex, **own),
    ]


def feed_entries(site: Site) -> list[Article]:
    return [article for article in site.articles if article.published and not article.draft][:FEED_ENTRIES]


def feed_page(entries: list[Article]) -> Page:
    # Each entry with its body; which articles they are depends on every article's date.
    return Page(urls.FEED, "feed.xml", {"entries": entries}, tuple(entries), lists=None, in_sitemap=False)


HOME_LATEST = 30  # the home page's newest articles; the timeline and the company pages list every one


def timeline_pages(site: Site) -> list[Page]:
    """The timeline: one page, or when big a landing and a part per year (microsite/paging.py)."""
    whole = timeline.build(site.articles)
    entries = list(whole.entries())
    parts = paging.split((entry.date, paging.TIMELINE_ENTRY) for entry in entries)
    if parts is None:
        return [Page(urls.TIMELINE, "timeline.html", {"timeline": whole, "split": None, "part": None}, lists=None)]
    split = paging.Split(parts, {part: urls.timeline_part(part.slug) for part in parts}, urls.TIMELINE)
    counts = {part: Counter() for part in parts}
    for entry in entries:
        counts[split.part_of(entry.date)][entry.kind] += 1
    landing = {"timeline": whole, "split": split, "part": None, "counts": counts}
    found = [Page(urls.TIMELINE, "timeline.html", landing, lists=None)]  # its counts read every article
    lists = split.dependencies((entry.date, entry.article) for entry in entries)

    def part_context(part: paging.Part) -> dict:
        return {"timeline": whole.part(part), "split": split, "part": part}

    for part in parts:
        found.append(Page(split.paths[part], "timeline.html", partial(part_context, part), lists=lists[part]))
    return found


def forecast_pages(site: Site) -> list[Page]:
    """The Forecasts page: every forecast in due order, with how many each company and source has, and the
    claim each names as its evidence (`resolved_by`); when big, a landing and a part per year due."""
    found = forecasts.forecasts(site.claims)
    refs = forecasts.claims_by_ref(site.claims)
    resolving = partial(forecasts.resolving_claim, refs)
    parts = paging.split((forecasts.filed_under(claim), paging.FORECAST_ROW) for claim in found)

    def landing_context(split: paging.Split | None, counts: dict | None) -> dict:
        return {
            "forecasts": found,
            "by_company": forecasts.by_company(found, site.mentioned_companies),
            "by_source": forecasts.by_source(found),
            "resolving": resolving,
            "split": split,
            "part": None,
            "counts": counts,
        }

    if parts is None:
        return [Page(urls.FORECASTS, "forecasts.html", partial(landing_context, None, None), lists=None)]
    split = paging.Split(parts, {part: urls.forecasts_part(part.slug) for part in parts}, urls.FORECASTS)
    counts = {part: Counter() for part in parts}
    evidence = {part: [] for part in parts}  # a part shows the statement and title of each claim named as evidence
    for claim in found:
        part = split.part_of(forecasts.filed_under(claim))
        counts[part]["forecasts"] += 1
        counts[part]["resolved"] += claim.resolved
        target = resolving(claim)
        if target is not None:
            evidence[part].append(target.article)
    pages = [Page(urls.FORECASTS, "forecasts.html", partial(landing_context, split, counts), lists=None)]
    lists = split.dependencies((forecasts.filed_under(claim), claim.article) for claim in found)
    by_part = _by_part(split, found, forecasts.filed_under)

    def part_context(part: paging.Part) -> dict:
        return {"forecasts": by_part().get(part, []), "resolving": resolving, "split": split, "part": part}

    for part in parts:
        listed = tuple({id(a): a for a in (*lists[part], *evidence[part])}.values())
        pages.append(Page(split.paths[part], "forecasts.html", partial(part_context, part), lists=listed))
    return pages


def company_pages(company: Company) -> list[Page]:
    """A company's page, or when big its landing and a part per year with the articles published then."""
    claims_of = Counter(id(claim.article) for claim in company.claims)
    parts = paging.split(
        (a.published, paging.ARTICLE_LINE + paging.CLAIM_INDEX_ROW * claims_of[id(a)]) for a in company.articles
    )
    path = urls.company(company.slug)
    if parts is None:
        context = {"company": company, "articles": company.articles, "claims": company.claims}
        # its claims belong to these articles too
        return [Page(path, "company.html", {**context, "split": None, "part": None}, lists=tuple(company.articles))]
    split = paging.Split(parts, {part: urls.company_part(company.slug, part.slug) for part in parts}, path)
    counts = {part: Counter() for part in parts}
    for article in company.articles:
        counts[split.part_of(article.published)]["articles"] += 1
    for claim in company.claims:
        counts[split.part_of(claim.article.published)]["claims"] += 1
    landing = {"company": company, "split": split, "part": None, "counts": counts}
    found = [Page(path, "company.html", landing, lists=tuple(company.articles))]
    lists = split.dependencies((a.published, a) for a in company.articles)

    articles = _by_part(split, company.articles, lambda article: article.published)
    claims = _by_part(split, company.claims, lambda claim: claim.article.published)

    def part_context(part: paging.Part) -> dict:
        return {
            "company": company,
            "split": split,
            "part": part,
            "articles": articles().get(part, []),
            "claims": claims().get(part, []),
        }

    for part in parts:
        found.append(Page(split.paths[part], "company.html", partial(part_context, part), lists=lists[part]))
    return found


def source_pages(source: Source) -> list[Page]:
    """A source's page, or when big its landing and a part per year with the articles published then."""
    shown = {id(a): a for a in [*source.cited_in, *source.published, *(c.article for c in source.claims)]}
    path = urls.source(source.slug)
    lists = {"cited_in": source.cited_in, "claims": source.claims, "published": source.published}
    weighted = [(a.published, paging.ARTICLE_LINE) for a in [*source.cited_in, *source.published]]
    parts = paging.split(weighted + [(c.article.published, paging.CLAIM_INDEX_ROW) for c in source.claims])
    if parts is None:
        context = {"source": source, **lists, "split": None, "part": None}
        return [Page(path, "source.html", context, lists=(*shown.values(),))]
    split = paging.Split(parts, {part: urls.source_part(source.slug, part.slug) for part in parts}, path)
    counts = {part: Counter() for part in parts}
    for name in ("cited_in", "published"):
        for article in lists[name]:
            counts[split.part_of(article.published)][name] += 1
    for claim in source.claims:
        counts[split.part_of(claim.article.published)]["claims"] += 1
    landing = {"source": source, "split": split, "part": None, "counts": counts}
    found = [Page(path, "source.html", landing, lists=tuple(shown.values()))]
    listed = split.dependencies((article.published, article) for article in shown.values())

    cited_in = _by_part(split, source.cited_in, lambda article: article.published)
    claims = _by_part(split, source.claims, lambda claim: claim.article.published)
    published = _by_part(split, source.published, lambda article: article.published)

    def part_context(part: paging.Part) -> dict:
        return {
            "source": source,
            "split": split,
            "part": part,
            "cited_in": cited_in().get(part, []),
            "claims": claims().get(part, []),
            "published": published().get(part, []),
        }

    for part in parts:
        found.append(Page(split.paths[part], "source.html", partial(part_context, part), lists=listed[part]))
    return found


def _by_part(split: paging.Split, items: list, date_of: Callable) -> Callable[[], dict[paging.Part, list]]:
    """A function giving `items` by the part of `split` that holds each, in their order: worked out once,
    when a part's page is first rendered (a rebuild renders few of them)."""
    found: dict[paging.Part, list] = {}

    def by_part() -> dict[paging.Part, list]:
        if not found and items:
            for item in items:
                date = date_of(item)
                part = split.part_of_or_none(date)
                found.setdefault(part, []).append(item)
        return found

    return by_part


FEED_ENTRIES = 50  # the newest articles; a feed reader polls often, and the site keeps the rest


def discovery_pages(site: Site, pages: list[Page]) -> list[Page]:
    """robots.txt, and where the site has a base_url to make addresses absolute, the feed and the sitemap."""
    found = [Page(urls.ROBOTS, "robots.txt", in_sitemap=False)]
    if site.settings.base_url:
        found.append(feed_page(feed_entries(site)))
        found += sitemap_pages([page.path for page in pages if page.in_sitemap and page.path.endswith(".html")])
    return found


# The sitemaps protocol's limit for one file: 50,000 addresses. Its other limit, 50 MB, 50,000 of ours never
# reach: with 25 bytes of markup each, an address would need some 1,000 bytes, and every page is a file whose
# name a file system keeps under 256 bytes.
SITEMAP_URLS = 50_000


def sitemap_pages(paths: list[str]) -> list[Page]:
    """sitemap.xml listing every page; past SITEMAP_URLS pages, numbered sitemaps of SITEMAP_URLS pages each
    (the last holds the rest), in order, and sitemap.xml an index of them, which robots.txt names either way."""
    if len(paths) <= SITEMAP_URLS:  # below the limit, the one file it always was
        return [Page(urls.SITEMAP, "sitemap.xml", {"paths": paths}, lists=None, in_sitemap=False)]
    runs = [paths[start : start + SITEMAP_URLS] for start in range(0, len(paths), SITEMAP_URLS)]
    parts = [
        Page(urls.sitemap_part(number), "sitemap.xml", {"paths": run}, lists=None, in_sitemap=False)
        for number, run in enumerate(runs, start=1)
    ]
    index = {"sitemaps": [part.path for part in parts]}
    return [Page(urls.SITEMAP, "sitemapindex.xml", index, lists=None, in_sitemap=False), *parts]


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
    # Made from the articles' outlines only (exports.Pieces keeps each article's share by its outline).
    found = [Page(path, None, lists=None, make=make) for path, make in every]
    # These read every article whole too (its capture's text, its comments): site/corpus.py.
    whole = tuple(site.articles)
    found.append(Page(urls.DATA_CORPUS, None, shows=whole, lists=None, make=corpus.corpus_sqlite))
    found.append(Page(urls.DATA_ANNOTATIONS, None, shows=whole, lists=None, make=corpus.annotations_jsonld))
    # Each article's own citation files are its own pages' (own_pages).
    # The About page documents the formats with fixed examples: it shows no article.
    documented = {
        "article_fields": exports.ARTICLE_FIELDS,
        "claim_fields": exports.CLAIM_FIELDS,
        "timeline_fields": exports.TIMELINE_FIELDS,
        "formula_starts": exports.FORMULA_STARTS,
        "csl_fields": citations.CSL_FIELDS,
        "bibtex_fields": citations.BIBTEX_FIELDS,
        "corpus_tables": corpus.documented_tables(),
    }
    found.append(Page(urls.DATA, "data.html", documented))
    return found
