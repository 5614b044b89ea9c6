"""Cross-references, computed once after loading: who mentions whom, and related articles."""

from __future__ import annotations

from . import stories
from .model import Article, Related, Site


def link(site: Site) -> None:
    # Registry entries and unchanged articles are kept between rebuilds: start afresh.
    for company in site.companies:
        company.articles.clear()
        company.claims.clear()
    for source in site.sources:
        source.cited_in.clear()
        source.claims.clear()
        source.published.clear()
    mentions = {id(article): article.mentioned_companies for article in site.articles}
    for article in site.articles:  # newest first, so every list below is too
        for company in mentions[id(article)]:
            company.articles.append(article)
        if article.publisher:
            article.publisher.published.append(article)
        for use in article.sources:
            use.article = article
            if use.source.registered:
                use.source.cited_in.append(article)
            else:
                site.anonymous_sources.append(use)
        for claim in article.claims:
            for company in claim.companies:
                company.claims.append(claim)
            if claim.source.registered:
                claim.source.claims.append(claim)
    for article in site.articles:
        article.related = related_articles(article, site.articles, mentions)
    site.stories = stories.build(site)  # also sets each article's story_peers


def related_articles(article: Article, articles: list[Article], mentions: dict, limit: int = 6) -> list[Related]:
    """Articles sharing sources or companies (not a story), best first, each with its reasons.

    `mentions` maps id(article) to the companies it mentions, computed once for all."""
    mine_companies = set(mentions[id(article)])
    mine_sources = {u.source for u in article.sources if u.source.registered}
    scored = []
    for other in articles:
        if other is article or (article.story and other.story == article.story):
            continue  # the story's other reports have their own section, "Same story elsewhere"
        reasons, score = [], 0
        shared_sources = [u.source for u in other.sources if u.source in mine_sources]
        if shared_sources:
            reasons.append("cites " + ", ".join(s.name for s in shared_sources))
            score += 3 * len(shared_sources)
        shared_companies = [c for c in mentions[id(other)] if c in mine_companies]
        if shared_companies:
            reasons.append("also about " + ", ".join(c.name for c in shared_companies))
            score += len(shared_companies)
        if score:
            scored.append((-score, other.sort_key(), Related(other, reasons)))
    scored.sort(key=lambda item: item[:2])
    return [related for *_, related in scored[:limit]]
