"""Cross-references, computed once after loading: who mentions whom, and related articles."""

from __future__ import annotations

from . import Article, Related, Site, stories

SHARED_SOURCE_SCORE = 3  # a shared source says more than a shared company (1)


class Memo:
    """What link() worked out last time, for a loader kept between rebuilds: related articles depend only on
    each article's date, title, sources, companies and story, so an edit of its text keeps them all."""

    def __init__(self):
        self.key: list[tuple] | None = None
        self.related: dict[str, list[tuple[str, list[str]]]] = {}  # slug -> (slug, reasons) of its related
        self.changed = False  # worked out again since the build cache last stored it


def _related_key(article: Article, mentions: dict) -> tuple:
    sources = tuple(source.name for source in _registered_sources(article))  # names: the reasons quote them
    return (article.slug, article.sort_key(), sources, tuple(c.name for c in mentions[id(article)]), article.story)


def link(site: Site, memo: Memo | None = None) -> None:
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
            elif not use.source.own_voice:  # the article itself is no source to list among the others
                site.anonymous_sources.append(use)
        for claim in article.claims:
            for company in claim.companies:
                company.claims.append(claim)
            if claim.source.registered:
                claim.source.claims.append(claim)
    key = [_related_key(article, mentions) for article in site.articles] if memo is not None else None
    if memo is not None and memo.key == key:
        by_slug = {article.slug: article for article in site.articles}
        for article in site.articles:
            article.related = [Related(by_slug[slug], reasons) for slug, reasons in memo.related[article.slug]]
    else:
        index = RelatedIndex(site.articles, mentions)
        for article in site.articles:
            article.related = index.related(article)
        if memo is not None:
            memo.key, memo.changed = key, True
            memo.related = {a.slug: [(r.article.slug, r.reasons) for r in a.related] for a in site.articles}
    site.stories = stories.build(site)  # also sets each article's story_peers


def link_part(site: Site, articles: list[Article], related_to) -> dict[str, Article]:
    """Link a part of the site (read from the page store) as far as `articles`' own pages read it: their
    sources, their related articles as `related_to(slug)` gives them (slug, reasons), their stories. By slug."""
    by_slug = {article.slug: article for article in site.articles}
    for article in site.articles:
        for use in article.sources:
            use.article = article
    for article in articles:
        article.related = [Related(by_slug[other], reasons) for other, reasons in related_to(article.slug)]
    site.stories = stories.build(site, only={article.story for article in articles if article.story})
    return by_slug


class RelatedIndex:
    """Articles sharing sources or companies (not a story), best first, each with its reasons.

    The score is 3 per shared registered source plus 1 per shared company; ties go newest first
    (Article.sort_key, then the given order). Comparing every pair in Python is quadratic, so the
    index keeps, per source, company and story, the set of articles that have it as the bits of one
    integer (bit i: the i-th article, newest first). An article's
    scores against all others are then added up bit-sliced, a few integer operations per feature
    of its own, and the best are read off the highest score planes first."""

    def __init__(self, articles: list[Article], mentions: dict):
        self.mentions = mentions  # id(article) -> the companies it mentions, computed once for all
        self.order = sorted(articles, key=Article.sort_key)  # a stable sort: ties keep the given order
        self.bit = {id(article): 1 << i for i, article in enumerate(self.order)}
        self.by_feature: dict[int, int] = {}  # id(source or company) -> the bits of the articles that have it
        self.by_story: dict[str, int] = {}
        self.said: dict[tuple, list[str]] = {}  # each list of reasons once: many related articles share one
        for article in self.order:
            bit = self.bit[id(article)]
            # The loader lets a source be listed once per page and keeps companies unique: a set counts them.
            for feature in [*_registered_sources(article), *mentions[id(article)]]:
                self.by_feature[id(feature)] = self.by_feature.get(id(feature), 0) | bit
            if article.story:
                self.by_story[article.story] = self.by_story.get(article.story, 0) | bit

    def related(self, article: Article, limit: int = 6) -> list[Related]:
        mine_sources = _registered_sources(article)
        mine_companies = self.mentions[id(article)]
        planes: list[int] = []  # planes[k]: the articles whose score has bit k set
        anything = 0
        for source in mine_sources:
            having = self.by_feature[id(source)]
            anything |= having
            _add(planes, having, 0)  # 3 = 1 + 2
            _add(planes, having, 1)
        for company in mine_companies:
            having = self.by_feature[id(company)]
            anything |= having
            _add(planes, having, 0)
        # The story's other reports have their own section, "Same story elsewhere".
        left = anything & ~(self.by_story[article.story] if article.story else self.bit[id(article)])
        best: list[Article] = []
        while left and len(best) < limit:
            top = left
            for plane in reversed(planes):  # keep those with the highest score among those left
                if having := top & plane:
                    top = having
            left ^= top
            while top and len(best) < limit:  # lowest bits first: newest first
                low = top & -top
                best.append(self.order[low.bit_length() - 1])
                top ^= low
        if not best:
            return []
        sources, companies = set(mine_sources), set(mine_companies)
        return [Related(other, self._reasons(other, sources, companies)) for other in best]

    def _reasons(self, other: Article, sources: set, companies: set) -> list[str]:
        reasons = []
        shared_sources = [u.source for u in other.sources if u.source in sources]
        if shared_sources:
            reasons.append("cites " + ", ".join(s.name for s in shared_sources))
        shared_companies = [c for c in self.mentions[id(other)] if c in companies]
        if shared_companies:
            reasons.append("also about " + ", ".join(c.name for c in shared_companies))
        return self.said.setdefault(tuple(reasons), reasons)


def _registered_sources(article: Article) -> list:
    return [use.source for use in article.sources if use.source.registered]


def _add(planes: list[int], having: int, level: int) -> None:
    """Add 2**level to the score of every article in `having`, carrying as in binary addition."""
    carry = having
    while carry:
        while level >= len(planes):
            planes.append(0)
        plane = planes[level]
        planes[level] = plane ^ carry
        carry &= plane
        level += 1
