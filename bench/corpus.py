"""A synthetic corpus shaped like ours, the same for every run with the same N.

Each article has a 600-word body (its capture holds the same text between page
furniture and reader comments), 3 to 6 claims whose quotes are sentences of that body,
up to 8 comments, companies from a registry of 40, sources from a registry of 24, a
publication date over 15 years and, for one article in ten, a story shared with others.

    corpus.generate(n)                       -> list[Article]   (plain data, for every tool)
    corpus.write_microsite(folder, articles) -> site.yaml, content/, seeds/ in our format
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import yaml

BODY_WORDS = 600
FIRST_DAY, DAYS = date(2010, 1, 1), 15 * 365

COMPANIES = [
    f"Company {name}"
    for name in [
        "Aster",
        "Balsam",
        "Cedar",
        "Dahlia",
        "Elm",
        "Fern",
        "Gorse",
        "Hazel",
        "Iris",
        "Juniper",
        "Kale",
        "Larch",
        "Maple",
        "Nettle",
        "Oak",
        "Poppy",
        "Quince",
        "Rowan",
        "Sage",
        "Teasel",
        "Umber",
        "Violet",
        "Willow",
        "Yarrow",
        "Zinnia",
        "Alder",
        "Birch",
        "Clover",
        "Daisy",
        "Ember",
        "Flax",
        "Ginger",
        "Heather",
        "Ivy",
        "Jasmine",
        "Kelp",
        "Lilac",
        "Myrtle",
        "Nutmeg",
        "Orchid",
    ]
]
COMPANY_KINDS = ["maker", "carrier", "retailer", "supplier", "platform"]
OUTLETS = [f"The {name} Wire" for name in ["North", "South", "East", "West", "Harbour", "Ridge", "Valley", "Summit"]]
ANALYSTS = [
    f"{first} {last}"
    for first, last in zip(
        ["Ada", "Ben", "Cora", "Dev", "Eli", "Fay", "Gus", "Hal", "Ivo", "Jo", "Kit", "Lu", "Mo", "Ned", "Oli", "Pia"],
        [
            "Arden",
            "Brook",
            "Crane",
            "Dale",
            "Ewing",
            "Frost",
            "Grant",
            "Hale",
            "Irwin",
            "Joyce",
            "Kerr",
            "Lowe",
            "Moss",
            "Nash",
            "Orr",
            "Pike",
        ],
        strict=True,
    )
]
SOURCES = OUTLETS + ANALYSTS
STATUSES = ["reported", "rumour", "forecast", "confirmed", "denied", "opinion"]
STANCES = ["agrees", "disagrees", "sceptical", "mixed", "neutral", "informative"]

_WORDS = [
    "phone",
    "market",
    "share",
    "shipments",
    "carrier",
    "deal",
    "launch",
    "flagship",
    "chip",
    "supply",
    "quarter",
    "growth",
    "sales",
    "price",
    "plan",
    "retail",
    "network",
    "rollout",
    "modem",
    "sensor",
    "display",
    "battery",
    "camera",
    "factory",
    "export",
    "tariff",
    "license",
    "partner",
    "analyst",
    "report",
    "estimate",
    "forecast",
    "demand",
    "segment",
    "premium",
    "budget",
    "model",
    "series",
    "region",
    "store",
    "online",
    "channel",
    "contract",
    "talks",
    "agreement",
    "approval",
    "regulator",
    "security",
    "review",
    "government",
    "trade",
    "policy",
    "brand",
    "marketing",
    "subsidy",
    "unit",
    "volume",
    "revenue",
    "profit",
    "margin",
    "cost",
    "component",
    "memory",
    "screen",
    "software",
    "update",
    "platform",
    "service",
    "customer",
    "survey",
    "buyer",
    "dealer",
]


@dataclass
class Claim:
    id: str
    statement: str
    quote: str
    source: str
    companies: list[str]
    status: str
    event_date: str | None


@dataclass
class Comment:
    id: str
    author: str
    text: str
    stance: str
    reply_to: str | None = None


@dataclass
class Article:
    slug: str
    title: str
    published: date
    publisher: str
    companies: list[str]
    sources: list[str]
    paragraphs: list[str]
    claims: list[Claim] = field(default_factory=list)
    comments: list[Comment] = field(default_factory=list)
    story: str | None = None

    @property
    def seed(self) -> str:
        return f"{self.slug}.txt"

    @property
    def body_markdown(self) -> str:
        """The body every tool renders: paragraphs with a heading, emphasis and a list."""
        first, *rest = self.paragraphs
        middle = len(rest) // 2
        items = "\n".join(f"- {company} is named in this report." for company in self.companies)
        return "\n\n".join([first, "## What was reported", *rest[:middle], items, "## Context", *rest[middle:]]) + "\n"


def _sentence(rng: random.Random, words: int) -> str:
    text = " ".join(rng.choice(_WORDS) for _ in range(words))
    return text[0].upper() + text[1:] + "."


def generate(n: int, seed: int = 7) -> list[Article]:
    rng = random.Random(seed)
    articles = []
    for number in range(n):
        slug = f"article-{number:05d}"
        published = FIRST_DAY + timedelta(days=rng.randrange(DAYS))
        companies = rng.sample(COMPANIES, rng.randint(1, 4))
        sources = rng.sample(SOURCES, rng.randint(2, 4))
        paragraphs, words = [], 0
        while words < BODY_WORDS:
            sentences = [_sentence(rng, rng.randint(10, 20)) for _ in range(rng.randint(3, 6))]
            paragraphs.append(" ".join(sentences))
            words += sum(len(s.split()) for s in sentences)
        title = f"{companies[0]} {rng.choice(_WORDS)} {rng.choice(_WORDS)} {rng.choice(_WORDS)} ({number})"
        article = Article(slug, title, published, rng.choice(OUTLETS), companies, sources, paragraphs)
        quotes = rng.sample([s + "." for p in paragraphs for s in p.split(". ")[:-1]], rng.randint(3, 6))
        for index, quote in enumerate(quotes):
            event = published + timedelta(days=rng.randint(-400, 400))
            article.claims.append(
                Claim(
                    id=f"claim-{index + 1}",
                    statement=f"Statement {index + 1} of {slug}: " + _sentence(rng, 12),
                    quote=quote,
                    source=rng.choice(sources),
                    companies=rng.sample(companies, rng.randint(1, len(companies))),
                    status=rng.choice(STATUSES),
                    event_date=event.isoformat() if rng.random() < 0.7 else None,
                )
            )
        for index in range(rng.randint(0, 8)):
            reply_to = f"c{rng.randint(1, index)}" if index and rng.random() < 0.3 else None
            article.comments.append(
                Comment(
                    f"c{index + 1}",
                    f"reader{rng.randint(1, 500)}",
                    _sentence(rng, rng.randint(8, 30)),
                    rng.choice(STANCES),
                    reply_to,
                )
            )
        if rng.random() < 0.1:
            article.story = f"story-{rng.randrange(max(1, n // 30)):04d}"
        articles.append(article)
    return articles


def capture_text(article: Article) -> str:
    """A copied web page: furniture, headline, body, more furniture, the comments."""
    lines = [
        "Home | News | Phones | Deals | Reviews",
        article.title,
        f"By {article.publisher} staff, {article.published:%B %d, %Y}",
        "",
        *[p + "\n" for p in article.paragraphs],
        "Share this article. Subscribe to our newsletter.",
        "",
        f"{len(article.comments)} Comments",
    ]
    for comment in article.comments:
        lines += [f"{comment.author} says:", comment.text, "Reply", ""]
    return "\n".join(lines) + "\n"


def site_yaml(articles: list[Article], search: bool = False) -> str:
    stories = sorted({a.story for a in articles if a.story})
    data = {
        "title": "Synthetic research site",
        "description": "A generated corpus for the benchmark.",
        "language": "en",
        "search": search,
        "companies": [
            {"name": name, "kind": COMPANY_KINDS[i % len(COMPANY_KINDS)], "country": "Nowhere"}
            for i, name in enumerate(COMPANIES)
        ],
        "sources": [{"name": name, "kind": "outlet"} for name in OUTLETS]
        + [{"name": name, "kind": "analyst"} for name in ANALYSTS],
        "stories": [{"id": story, "title": f"Story {story}"} for story in stories[:5]],
    }
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True)


def content_page(article: Article) -> str:
    front = {
        "title": article.title,
        "publisher": article.publisher,
        "published": article.published.isoformat(),
        "date_note": "The date is in the capture's byline.",
        "seed": article.seed,
        "companies": article.companies,
        "sources": [{"name": name} for name in article.sources if name != article.publisher],
        "claims": [{k: v for k, v in vars(claim).items() if v is not None} for claim in article.claims],
    }
    if article.story:
        front["story"] = article.story
    if article.comments:
        front["comments"] = {
            "digest": f"{len(article.comments)} readers discussed the report.",
            "items": [{k: v for k, v in vars(c).items() if v is not None} for c in article.comments],
        }
    matter = yaml.dump(front, Dumper=yaml.CSafeDumper, sort_keys=False, allow_unicode=True, width=100)
    return f"---\n{matter}---\n\n{article.body_markdown}"


def write_microsite(folder: Path, articles: list[Article], search: bool = False) -> Path:
    """Our site folder: site.yaml, content/ and seeds/ (templates and static come with the tool)."""
    (folder / "content").mkdir(parents=True, exist_ok=True)
    (folder / "seeds").mkdir(exist_ok=True)
    (folder / "site.yaml").write_text(site_yaml(articles, search), encoding="utf-8")
    for article in articles:
        (folder / "content" / f"{article.slug}.md").write_text(content_page(article), encoding="utf-8")
        (folder / "seeds" / article.seed).write_text(capture_text(article), encoding="utf-8")
    return folder
