"""The site as one SQLite database (data/corpus.sqlite) and its claims' quotes as W3C Web Annotations
(data/annotations.jsonld).

Both read what only an article's own pages show besides its outline (its capture's text, its comments),
so each article's share of them is versioned by its fingerprint, not its outline (build/cache.py Shares),
and their pages declare every article whole (site/pages.py data_pages). A rebuild of an article's own
pages alone (build/builder.py) makes both files again when the edited articles' shares changed (an edit of a
capture or of the comments, not of a body alone), from their new shares and the others' kept ones.

The database holds the same bytes for the same site: rows are inserted in a fixed order (articles by slug),
the full-text index is merged into one segment, nothing records a time, and the file is written by
`VACUUM INTO` a fresh file, whose header (change counter, page size, free pages) depends on the content
alone.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import closing
from pathlib import Path
from typing import TYPE_CHECKING

from ..model import Article, Site
from ..source.reader import read_text
from . import exports, urls

if TYPE_CHECKING:
    from ..build.cache import Shares

CORPUS_SHARE = "corpus.sqlite"
ANNOTATIONS_SHARE = "annotations.jsonld"

# SQLite's column types for the exports' documented types (exports.Field.type); lists are JSON text.
_TYPES = {"whole number": "INTEGER", "true/false": "INTEGER"}

# The tables besides articles and claims, whose columns are the JSON exports' fields: (name, columns, key).
COMMENT_COLUMNS = (
    "article_slug",
    "id",
    "author",
    "text",
    "quoting",
    "stance",
    "votes",
    "posts",
    "member_since",
    "age",
    "reply_to",
)
TABLES = {
    "companies": ("name", "slug", "kind", "country", "aliases"),
    "sources": ("name", "slug", "kind", "homepage", "affiliation", "aliases", "domains"),
    "comments": COMMENT_COLUMNS,
    "article_companies": ("article_slug", "position", "company"),
    "article_sources": ("article_slug", "position", "source", "kind", "note"),
    "claim_companies": ("article_slug", "claim_id", "position", "company"),
}
_KEYS = {
    "articles": ("slug",),
    "claims": ("article_slug", "claim_id"),
    "companies": ("name",),
    "sources": ("name",),
    "comments": ("article_slug", "id"),
    "article_companies": ("article_slug", "position"),
    "article_sources": ("article_slug", "position"),
    "claim_companies": ("article_slug", "claim_id", "position"),
}
_INTEGERS = {"votes", "posts", "position"}

# Documented on the About page: each table with its columns and what a row is.
TABLE_NOTES = {
    "articles": "One row per article: the fields of articles.json (lists as JSON text).",
    "claims": "One row per claim: the fields of claims.json (companies as JSON text).",
    "comments": "One row per reader comment of a capture; reply_to is the id of the comment it answers.",
    "companies": "The company registry of site.yaml (aliases as JSON text).",
    "sources": "The source registry of site.yaml (aliases and domains as JSON text).",
    "article_companies": "Which companies each article concerns, in order.",
    "article_sources": "Whom each article cites (kind and note as in articles.json), in order.",
    "claim_companies": "Which companies each claim concerns, in order.",
    "search": "Full-text index (FTS5) of every capture's whole text and every claim's statement and quote: "
    "kind is capture or claim, article its slug, claim the claim's id (null for a capture). text gives a "
    "claim's statement and quote; for a capture it is null, as its text is captures/<article>.txt, not "
    "kept twice (the index covers it all the same).",
}


def table_columns() -> dict[str, tuple[str, ...]]:
    """Every table's columns, in order, for the About page and the tests."""
    return {
        "articles": tuple(field.name for field in exports.ARTICLE_FIELDS),
        "claims": exports.CLAIM_COLUMNS,
        **TABLES,
        "search": ("kind", "article", "claim", "text"),
    }


def documented_tables() -> list[tuple[str, tuple[str, ...], str]]:
    """(table, its columns, what a row is), for the About page."""
    return [(name, columns, TABLE_NOTES[name]) for name, columns in table_columns().items()]


def whole_version(article: Article) -> bytes:
    """What an article's share of these files is made from: its fingerprint covers its capture and comments."""
    return article.fingerprint


# ---- data/corpus.sqlite ---------------------------------------------------------------------------------


def corpus_sqlite(site: Site, shares: Shares) -> bytes:
    return corpus_of_shares(site, shares.stream(CORPUS_SHARE, site, corpus_share, version=whole_version))


def corpus_of_shares(site: Site, shares: Iterable[str]) -> bytes:
    """The database from every article's share (corpus_share) and site.yaml's registries."""
    kept = {}
    for share in shares:
        kept[json.loads(share)["slug"]] = share
    with tempfile.TemporaryDirectory(prefix="microsite-corpus-") as folder:
        work, final = Path(folder, "work.sqlite"), Path(folder, "corpus.sqlite")
        with closing(sqlite3.connect(work, isolation_level=None)) as db:
            for pragma in ("page_size = 4096", "auto_vacuum = NONE", "journal_mode = OFF", "synchronous = OFF"):
                db.execute(f"PRAGMA {pragma}")
            db.execute("BEGIN")
            _create(db)
            _registries(db, site)
            for slug in sorted(kept):
                _insert_share(db, json.loads(kept[slug]))
            db.execute("INSERT INTO search(search) VALUES ('optimize')")  # one segment: fewer, fixed pages
            db.execute("COMMIT")
            db.execute("VACUUM INTO ?", (str(final),))
        return final.read_bytes()


def _create(db: sqlite3.Connection) -> None:
    columns = table_columns()
    types = {f.name: _TYPES.get(f.type, "TEXT") for f in (*exports.ARTICLE_FIELDS, *exports.CLAIM_FIELDS)}
    for table, names in columns.items():
        if table == "search":
            continue
        cols = ", ".join(f"{name} {'INTEGER' if name in _INTEGERS else types.get(name, 'TEXT')}" for name in names)
        db.execute(f"CREATE TABLE {table} ({cols}, PRIMARY KEY ({', '.join(_KEYS[table])})) WITHOUT ROWID")
    # The index keeps no copy of what it indexes (FTS5 external content): its rows are read from a view over
    # the claims, and a capture's text, most of the file's weight were it kept, is its captures/*.txt file.
    db.execute("CREATE TABLE search_rows (id INTEGER PRIMARY KEY, kind TEXT, article TEXT, claim TEXT)")
    db.execute(
        "CREATE VIEW search_text AS SELECT r.id AS id, r.kind AS kind, r.article AS article, r.claim AS claim, "
        "CASE WHEN r.kind = 'claim' THEN c.statement || char(10) || c.quote END AS text "
        "FROM search_rows AS r LEFT JOIN claims AS c ON c.article_slug = r.article AND c.claim_id = r.claim"
    )
    db.execute(
        "CREATE VIRTUAL TABLE search USING fts5(kind UNINDEXED, article UNINDEXED, claim UNINDEXED, text, "
        "content = 'search_text', content_rowid = 'id', tokenize = 'porter unicode61')"
    )
    db.execute("CREATE INDEX claims_by_status ON claims (status)")
    db.execute("CREATE INDEX claim_companies_by_company ON claim_companies (company)")
    db.execute("CREATE INDEX article_companies_by_company ON article_companies (company)")


def _insert(db: sqlite3.Connection, table: str, rows: list[dict]) -> None:
    names = table_columns()[table]
    if rows:
        sql = f"INSERT INTO {table} ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})"
        db.executemany(sql, [tuple(_cell(row[name]) for name in names) for row in rows])


def _cell(value):
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, (list, dict)):
        return exports.record_json(value)
    return value


def _registries(db: sqlite3.Connection, site: Site) -> None:
    companies = [
        {"name": c.name, "slug": c.slug, "kind": c.kind, "country": c.country, "aliases": list(c.aliases)}
        for c in site.companies
    ]
    _insert(db, "companies", sorted(companies, key=lambda row: row["name"]))
    sources = [
        {
            "name": s.name,
            "slug": s.slug,
            "kind": s.kind,
            "homepage": s.homepage,
            "affiliation": s.affiliation,
            "aliases": list(s.aliases),
            "domains": list(s.domains),
        }
        for s in site.sources
    ]
    _insert(db, "sources", sorted(sources, key=lambda row: row["name"]))


def _insert_share(db: sqlite3.Connection, share: dict) -> None:
    for table in ("articles", "claims", "comments", "article_companies", "article_sources", "claim_companies"):
        _insert(db, table, share[table])
    slug = share["slug"]
    # The capture's text as the model reads it (Capture.text): its share names the file, and its digest.
    rows = [("capture", slug, None, read_text(Path(share["capture_file"]))[0] or "")]
    rows += [("claim", slug, claim_id, text) for claim_id, text in share["search"]]
    (first,) = db.execute("SELECT coalesce(max(id), 0) + 1 FROM search_rows").fetchone()
    numbered = [(first + n, *row) for n, row in enumerate(rows)]
    db.executemany("INSERT INTO search_rows (id, kind, article, claim) VALUES (?, ?, ?, ?)", [r[:4] for r in numbered])
    db.executemany("INSERT INTO search (rowid, kind, article, claim, text) VALUES (?, ?, ?, ?, ?)", numbered)


def corpus_share(site: Site, article: Article) -> str:
    """An article's rows of the database, as JSON text; its capture's text is read when the file is made
    (kept in the share only as a digest, which tells a rebuild whether the database changes)."""
    record = exports.article_record(site, article)
    comments = article.comments.items if article.comments else []
    share = {
        "slug": article.slug,
        "capture_file": str(article.capture.path),
        "capture": hashlib.blake2b(article.capture.text.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest(),
        "articles": [record],
        "claims": [exports.claim_record(site, claim) for claim in article.claims],
        "comments": [
            {
                "article_slug": article.slug,
                "id": c.id,
                "author": c.author,
                "text": c.text,
                "quoting": c.quoting,
                "stance": c.stance,
                "votes": c.votes,
                "posts": c.posts,
                "member_since": c.member_since,
                "age": c.age,
                "reply_to": c.reply_to.id if c.reply_to else None,
            }
            for c in comments
        ],
        "article_companies": [
            {"article_slug": article.slug, "position": n, "company": name} for n, name in enumerate(record["companies"])
        ],
        "article_sources": [
            {
                "article_slug": article.slug,
                "position": n,
                "source": use["name"],
                "kind": use["kind"],
                "note": use["note"],
            }
            for n, use in enumerate(record["sources"])
        ],
        "claim_companies": [
            {"article_slug": article.slug, "claim_id": claim.id, "position": n, "company": company.name}
            for claim in article.claims
            for n, company in enumerate(claim.companies)
        ],
        "search": [[claim.id, f"{claim.statement}\n{claim.quote}"] for claim in article.claims],
    }
    return json.dumps(share, ensure_ascii=False)


# ---- data/annotations.jsonld ----------------------------------------------------------------------------

ANNOTATION_CONTEXT = "http://www.w3.org/ns/anno.jsonld"
CONTEXT_CHARS = 32  # the TextQuoteSelector's prefix and suffix, at most


def annotations_jsonld(site: Site, shares: Shares):
    """A JSON array of Web Annotations, one a line: each claim's quote in its capture as served."""
    return exports.joined_records(shares.stream(ANNOTATIONS_SHARE, site, annotation_lines, version=whole_version))


def annotation_lines(site: Site, article: Article) -> str:
    if not article.claims:
        return ""
    served = served_text(article.capture.path)
    to_served = _offset_map(served)
    spans = {p.anchor: (p.start, p.end) for p in article.capture.passages if p.kind == "claim"}
    return ",\n".join(
        exports.record_json(annotation(site, claim, served, spans.get(urls.quote_anchor(claim.id)), to_served))
        for claim in article.claims
    )


def _link(site: Site, path: str) -> str:
    """A full address with a base_url; else relative to data/annotations.jsonld, as JSON-LD resolves it."""
    return urls.absolute(path, site.settings.base_url) or urls.relative(path, urls.DATA_ANNOTATIONS)


def annotation(site: Site, claim, served: str, span: tuple[int, int] | None, to_served) -> dict:
    target: dict = {"source": _link(site, urls.capture_text(claim.article.slug)), "format": "text/plain"}
    if span is not None:
        start, end = to_served(span[0]), to_served(span[1])
        target["selector"] = [
            {
                "type": "TextQuoteSelector",
                "exact": served[start:end],
                "prefix": served[max(0, start - CONTEXT_CHARS) : start],
                "suffix": served[end : end + CONTEXT_CHARS],
            },
            {"type": "TextPositionSelector", "start": start, "end": end},
        ]
    return {
        "@context": ANNOTATION_CONTEXT,
        "id": _link(site, urls.path_for(claim)),
        "type": "Annotation",
        "motivation": "describing",
        "body": [
            {"type": "TextualBody", "purpose": "describing", "format": "text/plain", "value": claim.statement},
            {"type": "TextualBody", "purpose": "classifying", "format": "text/plain", "value": claim.status},
        ],
        "target": target,
    }


def served_text(path: Path) -> str:
    """A capture's text as data/../captures/<slug>.txt serves it (a byte copy): decoded as UTF-8, a byte
    order mark dropped (as a reader's decoder drops it), line ends as they are."""
    return path.read_bytes().decode("utf-8-sig")


def _offset_map(served: str):
    """Offsets in the capture's text as the model reads it (line ends made \\n: source/reader.py read_text)
    mapped to offsets in the served text, where a line may end in \\r\\n."""
    if "\r" not in served:
        return lambda offset: offset
    starts = []  # served offset of each character of the normalised text
    index = 0
    while index < len(served):
        starts.append(index)
        index += 2 if served.startswith("\r\n", index) else 1
    starts.append(len(served))
    return starts.__getitem__


# ---- a rebuild of a few articles' own pages -----------------------------------------------------------


def corpus_of_texts(site: Site, texts: list[str]) -> bytes:
    return corpus_of_shares(site, texts)


def annotations_of_texts(site: Site, texts: list[str]) -> Iterator[str]:
    return exports.joined_records(text for text in texts if text)


def remade_in_part(site: Site, edited: list[Article], shares: Shares, slugs: list[str]) -> list | None:
    """After edits that only the edited articles' own pages show (build/builder.py): (path, make, context) of
    each of these files the edits change, made from the edited articles' new shares and the others' kept
    ones, with `slugs` every article's in the site's order; None when a share is not kept (the whole path
    makes them)."""
    found = []
    for path, name, make_share, make in (
        (urls.DATA_CORPUS, CORPUS_SHARE, corpus_share, corpus_of_texts),
        (urls.DATA_ANNOTATIONS, ANNOTATIONS_SHARE, annotation_lines, annotations_of_texts),
    ):
        texts, changed = shares.of_part(name, site, edited, make_share, slugs, version=whole_version)
        if texts is None:
            return None
        if changed:
            found.append((path, make, {"texts": texts}))
    return found
