"""schema.org structured data (JSON-LD) for an article page.

Search engines and fact-checking tools read it: the captured news article as a
NewsArticle, and each of its claims as a Claim that appears in that article and is
authored by the source the article attributes it to. Templates serialise the result
with Jinja's `tojson`, which escapes `<`, `>` and `&` so no text can close the script.
"""

from __future__ import annotations

from ..model import Article, Claim, Company, Site, Source
from . import urls

CONTEXT = "https://schema.org"
# Source kinds that are people; every other kind is an organisation.
_PEOPLE = {"analyst", "executive", "anonymous"}


def article(site: Site, article: Article) -> dict:
    """The JSON-LD graph of one article page: the page, the news article it summarises, its claims."""
    page_url = urls.absolute(urls.article(article.slug), site.settings.base_url)
    base = page_url or ""  # without a base_url, identifiers are fragments of this page
    news_id = f"{base}#article"
    news = {
        "@type": "NewsArticle",
        "@id": news_id,
        "headline": article.title,
        "about": [_company(company) for company in article.companies],
    }
    if article.url:
        news["url"] = article.url
    if article.published:  # "2017", "2017-12" or "2017-12-08": ISO 8601 at the precision known
        news["datePublished"] = article.published.iso()
    if article.publisher:
        news["publisher"] = _source(article.publisher)
    if article.authors:  # the byline as written: a name, not a guess at who it is
        news["author"] = [{"@type": "Person", "name": name} for name in article.authors]
    if article.language:
        news["inLanguage"] = article.language
    capture = urls.absolute(urls.capture_text(article.slug), site.settings.base_url)
    archived = [address for address in (capture, article.archive_url) if address]
    if archived:
        news["archivedAt"] = archived[0] if len(archived) == 1 else archived

    page = {
        "@type": "WebPage",
        "@id": page_url or "",
        "name": f"{article.title}: claims, sources and reader comments",
        "about": {"@id": news_id},
        "isPartOf": {"@type": "WebSite", "name": site.settings.title},
    }
    if page_url:
        page["url"] = page_url
    claims = [_claim(claim, base, news_id) for claim in article.claims]
    return {"@context": CONTEXT, "@graph": [page, news, *claims]}


def _claim(claim: Claim, base: str, news_id: str) -> dict:
    # A claim in the article's own voice, its publisher unknown, has no person or organisation to name.
    own = claim.source.own_voice
    item = {
        "@type": "Claim",
        "@id": f"{base}#{urls.claim_anchor(claim.id)}",
        "text": claim.statement,
        "appearance": {"@id": news_id, "@type": "NewsArticle"},
        **({} if own else {"author": _source(claim.source)}),
    }
    # Its quote and companies are in the page's table and in data/claims.json: not repeated here, where they
    # were a sixth of every article page's weight.
    if claim.event_date:
        item["temporalCoverage"] = claim.event_date.iso()
    return item


def _source(source: Source) -> dict:
    item = {"@type": "Person" if source.kind in _PEOPLE else "Organization", "name": source.name}
    if source.homepage:
        item["url"] = source.homepage
    if source.affiliation and item["@type"] == "Person":
        item["affiliation"] = {"@type": "Organization", "name": source.affiliation}
    return item


def _company(company: Company) -> dict:
    return {"@type": "Organization", "name": company.name}
