"""What one build leaves for the next, in `.cache/` inside the site folder: never required.

`build` runs in a fresh process each time; to rebuild in well under a second it reads back what
the last good build learnt. The words used here, and nowhere else for anything else:

- the **state** (BuildState): each input file's stat signature, each output path with the digest of
  what it was made from and the file's stat once written (compressed copies included: build/compress.py);
  with nothing changed a build stops there;
- the **index** (SiteIndex): what a build needs to render an edited article's own pages without
  loading the site (each article's outline, its content page, its captures, related articles, stories);
- the **pages** (PageStore, `pages.sqlite`): every loaded content page, pickled as a **record**, with
  registry entries named rather than copied (records are also how worker processes hand pages over);
- the **shares** (Shares): each article's share of the site-wide data files, made again only when the
  article's outline or site.yaml changed;
- the **related** memo (model/relations.py Memo), the captures' SHA-256 **digests** (FileDigests) and
  Jinja's compiled **templates** (TemplateCache).

Deleting `.cache/` gives a cold build with the same output. Each file carries a checksum and a key
naming the code that wrote it: a file from another version of this tool, or one damaged in any way,
is discarded, never trusted.
"""

from __future__ import annotations

import gc
import hashlib
import io
import json
import os
import pickle
import sqlite3
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path

from jinja2 import BytecodeCache

from ..model import Article, Company, Site, Source
from ..source import provenance
from ..source.files import settled, signature, unchanged
from ..source.layout import CACHE, SiteFolder
from .writer import MARKER

FOLDER = CACHE
_MAGIC = b"microsite-cache/1\n"
_PACKAGE = Path(__file__).resolve().parents[1]


def _code_key() -> bytes:
    """Changes whenever this tool's code or the Python running it does."""
    digest = hashlib.blake2b(sys.version.encode(), digest_size=16)
    for file in sorted(_PACKAGE.rglob("*.py")):
        stat = file.stat()
        digest.update(f"{file.relative_to(_PACKAGE)}\0{stat.st_size}\0{stat.st_mtime_ns}\0".encode())
    return digest.digest()


@dataclass
class BuildState:
    """What the output folder holds after a good build."""

    key: tuple  # the site folder, output folder and base_url it was built for
    plan: dict[str, bytes]  # output path -> digest of what it was made from
    files: dict[str, tuple | None]  # output path -> the file's signature once written
    marker: tuple | None  # the output folder's marker file: a new one means another build replaced the folder
    inputs: dict[str, tuple | None]  # every file the build read -> its signature when read (None: too fresh)
    templates: tuple  # site/render.py Templates.known(): the template files and their digests
    pages: int
    articles: int
    base_url: str | None
    # With `compress: true`: each file compressed -> what its copies were made from and the suffixes made
    # (build/compress.py). The copies themselves are outputs like any other, in `plan` and `files`.
    compressed: dict[str, tuple[bytes, tuple[str, ...]]] = field(default_factory=dict)

    def same_folder(self, out_dir: Path) -> bool:
        """Whether the output folder is the one this build wrote (its marker file unchanged)."""
        return self.marker is not None and signature(out_dir / MARKER) == self.marker

    def intact(self, out_dir: Path) -> bool:
        """Whether the output folder still holds exactly what the build wrote (nobody replaced or edited it)."""
        if not self.same_folder(out_dir):
            return False
        root = f"{out_dir}{os.sep}"
        return all(sig is not None and signature(root + path) == sig for path, sig in self.files.items())


@dataclass
class SiteIndex:
    """What a build needs, besides the state, to render an edited article's own pages from a part of the
    model: unchanged while no article's outline changes."""

    key: tuple  # as BuildState.key
    config: bytes  # site.yaml's digest
    every: bytes  # the digest of every article's outline (build/plan.py Digests.every_outline)
    outline: dict[str, bytes]  # slug -> Article.outline
    file_of: dict[str, str]  # slug -> its content page
    captured_by: dict[str, list[str]]  # capture file -> the slugs of the articles that summarise it
    # slug -> its related articles' slugs and the reasons, as JSON text: a build reads a few of them, and
    # unpickling them all as lists of strings would cost a one-article build more than the rest of it.
    related: dict[str, str]
    stories: dict[str, list[str]]  # story id -> its articles' slugs
    feed: list[str]  # the feed's entries

    def related_to(self, slug: str) -> list[tuple[str, list[str]]]:
        return [(other, reasons) for other, reasons in json.loads(self.related[slug])]

    def listed_by(self, slugs: set[str]) -> set[str]:
        """These articles and every article their own pages list: their related articles and their stories'."""
        story_of = {slug: story for story, members in self.stories.items() for slug in members}
        needed = set(slugs)
        for slug in slugs:
            needed.update(other for other, _reasons in self.related_to(slug))
            needed.update(self.stories.get(story_of.get(slug), ()))
        return needed

    def edited(self, changed: set[str], folder: SiteFolder) -> set[str] | None:
        """The articles whose content page or capture is among the `changed` files; None when anything else
        is (site.yaml's content is compared by its digest once read), or a page or capture came or went."""
        content, seeds = f"{folder.content}{os.sep}", f"{folder.seeds}{os.sep}"
        slug_of = {file: slug for slug, file in self.file_of.items()}
        slugs: set[str] = set()
        for name in changed:
            if name == str(folder.config):
                continue
            if name.startswith(content) and name in slug_of and os.path.isfile(name):
                slugs.add(slug_of[name])
            elif name.startswith(seeds) and name in self.captured_by and os.path.isfile(name):
                slugs.update(self.captured_by[name])
            else:
                return None
        return slugs

    @classmethod
    def of(cls, site: Site, key: tuple, config: bytes, every: bytes, feed: list[Article]) -> SiteIndex:
        captured_by: dict[str, list[str]] = {}
        for article in site.articles:
            captured_by.setdefault(str(article.capture.path), []).append(article.slug)
            if article.original:  # its copy in the output, and its digest, are the article's own
                captured_by.setdefault(str(article.capture.path.with_name(article.original)), []).append(article.slug)
        return cls(
            key,
            config,
            every,
            {article.slug: article.outline for article in site.articles},
            {article.slug: str(article.file) for article in site.articles},
            captured_by,
            {a.slug: json.dumps([[r.article.slug, r.reasons] for r in a.related]) for a in site.articles},
            {story.id: [article.slug for article in story.articles] for story in site.stories},
            [article.slug for article in feed],
        )


class BuildCache:
    """`.cache/` of one site folder; `enabled=False` keeps nothing on disk but the pages a build hands its
    worker processes, in a temporary file deleted with the build."""

    def __init__(self, site_dir: Path, enabled: bool = True):
        self.enabled = enabled
        self.disk = DiskCache(site_dir) if enabled else None
        self._temporary = None if enabled else tempfile.TemporaryDirectory(prefix="microsite-pages-")
        self.pages = PageStore(site_dir) if enabled else PageStore(file=Path(self._temporary.name) / "pages.sqlite")
        self.digests = FileDigests(self.disk)

    @classmethod
    def of_worker(cls, store: Path) -> BuildCache:
        """What a worker process reads: the page store this build wrote; it writes nothing."""
        found = cls.__new__(cls)
        found.enabled, found.disk, found._temporary = False, None, None
        found.pages, found.digests = PageStore(file=store), FileDigests()
        return found

    def close(self) -> None:
        if self._temporary is not None:
            self._temporary.cleanup()

    def read(self, name: str, kind: type):
        """The object stored under `name` when it is a `kind`; None otherwise."""
        found = self.disk.read(name) if self.disk is not None else None
        return found if isinstance(found, kind) else None

    def write(self, name: str, value) -> None:
        if self.disk is not None:
            self.disk.write(name, value)

    def forget(self, name: str) -> None:
        if self.disk is not None:
            self.disk.forget(name)


class DiskCache:
    def __init__(self, site_dir: Path):
        self.folder = site_dir / FOLDER
        self._key = _code_key()

    def read(self, name: str):
        """The object last written under `name`, or None when there is none or it cannot be trusted."""
        file = self.folder / f"{name}.pickle"
        try:
            data = file.read_bytes()
        except OSError:
            return None
        head = len(_MAGIC) + 16 + 32
        key, checksum, payload = data[len(_MAGIC) : len(_MAGIC) + 16], data[len(_MAGIC) + 16 : head], data[head:]
        if not data.startswith(_MAGIC) or key != self._key:
            return None  # written by other code: silently stale
        if hashlib.blake2b(payload, digest_size=32).digest() != checksum:
            return None
        try:
            return pickle.loads(payload)
        except Exception:  # a checksum collision on a damaged file, or a class that moved
            return None

    def write(self, name: str, value) -> None:
        """Replace the file whole (a killed build leaves the old one or the new one); failures are ignored."""
        payload = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
        checksum = hashlib.blake2b(payload, digest_size=32).digest()
        try:
            self.folder.mkdir(exist_ok=True)
            ignore_in_git(self.folder)
            handle, temp = tempfile.mkstemp(prefix=f".{name}.", dir=self.folder)
            with os.fdopen(handle, "wb") as out:
                out.write(_MAGIC + self._key + checksum)
                out.write(payload)
            os.replace(temp, self.folder / f"{name}.pickle")
        except OSError:
            pass  # the cache only saves time: a read-only site folder still builds

    def forget(self, name: str) -> None:
        (self.folder / f"{name}.pickle").unlink(missing_ok=True)


def ignore_in_git(folder: Path) -> None:
    """The cache is no part of the site: keep it out of the user's commits."""
    marker = folder / ".gitignore"
    if not marker.exists():
        marker.write_text("# Made by build.py: a build's cache, safe to delete.\n*\n", encoding="utf-8")


class PageStore:
    """The loaded content pages, one row each in `.cache/pages.sqlite`: a rebuild rewrites only the rows of
    the pages it loaded again. SQLite keeps the file whole when a build is killed mid-write."""

    def __init__(self, site_dir: Path | None = None, file: Path | None = None):
        self.file = file or site_dir / FOLDER / "pages.sqlite"
        self._key = _code_key()

    def read(self, config_digest: bytes, paths: list[str] | None = None) -> dict[str, bytes]:
        """path -> record (of every page, or of these), for pages loaded against this site.yaml by this code;
        {} when there are none."""
        try:
            with closing(sqlite3.connect(self.file)) as db:
                if not self._ours(db, config_digest):
                    return {}
                records = {}
                rows = (
                    db.execute("SELECT path, checksum, record FROM pages")
                    if paths is None
                    else db.execute(
                        f"SELECT path, checksum, record FROM pages WHERE path IN ({','.join('?' * len(paths))})", paths
                    )
                )
                for path, checksum, record in rows:
                    if hashlib.blake2b(record, digest_size=16).digest() != checksum:
                        raise sqlite3.DatabaseError(f"damaged record for {path}")
                    records[path] = record
                return records
        except sqlite3.OperationalError as err:
            # Busy: the other build process writes (past sqlite3's 5 s wait). Not damage: the caller does without.
            if err.sqlite_errorcode not in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED):
                self.discard()
            return {}
        except (sqlite3.Error, OSError):
            self.discard()
            return {}

    def write(self, config_digest: bytes, changed: dict[str, bytes], keep: set[str] | None) -> None:
        """Store the changed records and drop the rows of pages not in `keep` (None: keep every row);
        failures only cost time."""
        try:
            self.file.parent.mkdir(exist_ok=True)
            ignore_in_git(self.file.parent)
            with closing(sqlite3.connect(self.file)) as db, db:
                db.execute("CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value BLOB)")
                db.execute("CREATE TABLE IF NOT EXISTS pages (path TEXT PRIMARY KEY, checksum BLOB, record BLOB)")
                db.execute(
                    "CREATE TABLE IF NOT EXISTS shares "
                    "(name TEXT, slug TEXT, version BLOB, checksum BLOB, text TEXT, PRIMARY KEY (name, slug))"
                )
                if not self._ours(db, config_digest):
                    db.execute("DELETE FROM pages")
                    db.execute("DELETE FROM shares")
                    db.execute("INSERT OR REPLACE INTO meta VALUES ('key', ?)", (self._key + config_digest,))
                if keep is not None:
                    stored = {path for (path,) in db.execute("SELECT path FROM pages")}
                    db.executemany("DELETE FROM pages WHERE path = ?", [(p,) for p in stored - keep])
                db.executemany(
                    "INSERT OR REPLACE INTO pages VALUES (?, ?, ?)",
                    [(p, hashlib.blake2b(r, digest_size=16).digest(), r) for p, r in changed.items()],
                )
        except (sqlite3.Error, OSError):
            self.discard()

    def read_shares(
        self, config_digest: bytes, name: str, slugs: list[str]
    ) -> dict[tuple[str, str], tuple[bytes, str]]:
        """These articles' shares of the data file `name` (Shares), as the last build left them."""
        try:
            with closing(sqlite3.connect(self.file)) as db:
                if not self._ours(db, config_digest):
                    return {}
                found = {}
                rows = db.execute(
                    "SELECT name, slug, version, checksum, text FROM shares "
                    f"WHERE name = ? AND slug IN ({','.join('?' * len(slugs))})",
                    (name, *slugs),
                )
                for name, slug, version, checksum, text in rows:
                    if hashlib.blake2b(text.encode(), digest_size=16).digest() != checksum:
                        raise sqlite3.DatabaseError(f"damaged share of {name} for {slug}")
                    found[(name, slug)] = (version, text)
                return found
        except (sqlite3.Error, OSError):
            self.discard()
            return {}

    def write_shares(self, config_digest: bytes, changed: dict, keep: set[str] | None = None) -> None:
        """Store the shares made since the last save and drop those of articles not in `keep` (None: none)."""
        try:
            with closing(sqlite3.connect(self.file)) as db, db:
                if not self._ours(db, config_digest):
                    return  # the pages were not stored for this site.yaml: nor are the shares
                if keep is not None:
                    stored = {slug for (slug,) in db.execute("SELECT DISTINCT slug FROM shares")}
                    db.executemany("DELETE FROM shares WHERE slug = ?", [(slug,) for slug in stored - keep])
                db.executemany(
                    "INSERT OR REPLACE INTO shares VALUES (?, ?, ?, ?, ?)",
                    [
                        (name, slug, version, hashlib.blake2b(text.encode(), digest_size=16).digest(), text)
                        for (name, slug), (version, text) in changed.items()
                    ],
                )
        except (sqlite3.Error, OSError):
            self.discard()

    def _ours(self, db: sqlite3.Connection, config_digest: bytes) -> bool:
        """Whether the file was written by this code for this site.yaml (a missing table raises: discarded)."""
        row = db.execute("SELECT value FROM meta WHERE name = 'key'").fetchone()
        return row is not None and row[0] == self._key + config_digest

    def discard(self) -> None:
        for suffix in ("", "-journal", "-wal"):
            Path(f"{self.file}{suffix}").unlink(missing_ok=True)


class TemplateCache(BytecodeCache):
    """Jinja's compiled templates, in `.cache/templates/`. Jinja checks a file against its template's source,
    not against damage: each file here also carries a checksum of itself, and a damaged one is compiled again."""

    def __init__(self, folder: Path):
        self.folder = folder

    def load_bytecode(self, bucket) -> None:
        file = self.folder / f"{bucket.key}.cache"
        try:
            data = file.read_bytes()
        except OSError:
            return
        checksum, payload = data[:32], data[32:]
        if hashlib.blake2b(payload, digest_size=32).digest() != checksum:
            file.unlink(missing_ok=True)
            return
        bucket.bytecode_from_string(payload)  # Jinja resets the bucket if the template's source changed

    def dump_bytecode(self, bucket) -> None:
        payload = bucket.bytecode_to_string()
        try:
            handle, temp = tempfile.mkstemp(prefix=".template.", dir=self.folder)
            with os.fdopen(handle, "wb") as out:
                out.write(hashlib.blake2b(payload, digest_size=32).digest() + payload)
            os.replace(temp, self.folder / f"{bucket.key}.cache")
        except OSError:
            pass


# ---- records: a loaded content page, pickled -----------------------------------------------------------


class _RegistryPickler(pickle.Pickler):
    """Pickles one page: the registry's companies and sources by name, to be found again in site.yaml's."""

    def persistent_id(self, obj):
        if type(obj) is Company:
            return ("company", obj.slug)
        if type(obj) is Source and obj.slug is not None:
            return ("source", obj.slug)
        return None


class _RegistryUnpickler(pickle.Unpickler):
    def __init__(self, data: bytes, registry: dict):
        super().__init__(io.BytesIO(data))
        self.registry = registry

    def persistent_load(self, pid):
        return self.registry[pid]  # a KeyError discards the record: its page is read again


def registry_of(companies: list[Company], sources: list[Source]) -> dict:
    """The registry entries by the names records give them."""
    return {**{("company", c.slug): c for c in companies}, **{("source", s.slug): s for s in sources}}


def record(value) -> bytes:
    out = io.BytesIO()
    _RegistryPickler(out, protocol=pickle.HIGHEST_PROTOCOL).dump(value)
    return out.getvalue()


def unrecord(data: bytes, registry: dict):
    return _RegistryUnpickler(data, registry).load()


def unrecord_all(records: dict[str, bytes], registry: dict) -> Iterator[tuple[str, object]]:
    """(path, value) of each record that can be read; one that cannot is left out (its page is read again)."""
    paused = gc.isenabled()
    gc.disable()  # a million small objects: the collector would walk them again and again
    try:
        for path, data in records.items():
            try:
                yield path, unrecord(data, registry)
            except Exception:
                continue
    finally:
        if paused:
            gc.enable()


# ---- shares: each article's part of the site-wide data files ------------------------------------------

_SHARES_AT_ONCE = 500


class Shares:
    """Each article's share of the site-wide data files, made once per version of the article's outline.

    A site-wide file is its articles' shares joined, newest first; a share is made again only when its
    article or site.yaml changed. With the page store they are read from it and written back a few hundred
    at a time as the file is written, never all held: a big site's claims.json alone is tens of megabytes.
    Without one (a build without its cache), a kept Builder holds them between builds."""

    def __init__(self, store: PageStore | None = None, config_digest: Callable[[], bytes | None] = lambda: None):
        self.made: dict[tuple[str, str], tuple[bytes, str]] = {}  # (file, slug) -> (version, share); no store
        self.store, self._config = store, config_digest

    def stream(
        self,
        name: str,
        site: Site,
        make: Callable[[Site, Article], str],
        version: Callable[[Article], bytes] | None = None,
    ) -> Iterator[str]:
        """The file's shares, newest first, each made again only if its article changed; none for an article
        that has none (no claims). `version`: what a share reads of its article, by default its outline."""
        for start in range(0, len(site.articles), _SHARES_AT_ONCE):
            some = site.articles[start : start + _SHARES_AT_ONCE]
            known = self.made if self.store is None else self._read(name, [article.slug for article in some])
            made = {}
            for article in some:
                # A share reads only the article's outline, unless told otherwise.
                version_of = (version(article) if version else article.outline) + site.digest
                found = known.get((name, article.slug))
                if found is None or found[0] != version_of:
                    found = made[(name, article.slug)] = (version_of, make(site, article))
                if found[1]:
                    yield found[1]
            if self.store is None:
                self.made.update(made)
            elif made and self._config() is not None:
                self.store.write_shares(self._config(), made)

    def unchanged(self, name: str, site: Site, articles: list[Article], make: Callable[[Site, Article], str]) -> bool:
        """Whether these articles' shares of the file `name`, made again, equal those kept (False when one is
        not kept): an edit that changes none of them leaves the file as it is."""
        known = self.made if self.store is None else self._read(name, [article.slug for article in articles])
        for article in articles:
            found = known.get((name, article.slug))
            if found is None or found[1] != make(site, article):
                return False
        return True

    def of_part(
        self,
        name: str,
        site: Site,
        edited: list[Article],
        make: Callable[[Site, Article], str],
        slugs: list[str],
        version: Callable[[Article], bytes] | None = None,
    ) -> tuple[list[str] | None, bool]:
        """Whether an edited article's share of the file `name` changed, and if so every article's share, in
        the order of `slugs`: the `edited` articles' made again (and kept), the others' as kept. ([], False)
        when none changed: the others are not read, which at 10,000 articles is 0.3 s of every such edit.
        (None, True) when a share the file needs is not kept."""
        fresh = {
            (name, article.slug): (
                (version(article) if version else article.outline) + site.digest,
                make(site, article),
            )
            for article in edited
        }
        if self.store is None:
            before = {key: self.made[key] for key in fresh if key in self.made}
        else:
            before = self._read(name, [article.slug for article in edited])
        changed = any(before.get(key, (None, None))[1] != share for key, (_version, share) in fresh.items())
        if not changed:
            self._keep_fresh(fresh)  # their versions may have moved on (a body edit) where their text did not
            return [], False
        known: dict = {}
        for start in range(0, len(slugs), _SHARES_AT_ONCE):
            some = slugs[start : start + _SHARES_AT_ONCE]
            known.update(
                {key: self.made[key] for key in ((name, slug) for slug in some) if key in self.made}
                if self.store is None
                else self._read(name, some)
            )
        texts = []
        for slug in slugs:
            found = fresh.get((name, slug)) or known.get((name, slug))
            if found is None:
                return None, True
            texts.append(found[1])
        self._keep_fresh(fresh)
        return texts, True

    def _keep_fresh(self, fresh: dict) -> None:
        if self.store is None:
            self.made.update(fresh)
        elif self._config() is not None:
            self.store.write_shares(self._config(), fresh)

    def keep_only(self, slugs: set[str]) -> None:
        """Drop the shares of articles that are gone."""
        if self.store is not None and self._config() is not None:
            self.store.write_shares(self._config(), {}, keep=slugs)
        for key in [key for key in self.made if key[1] not in slugs]:
            del self.made[key]

    def _read(self, name: str, slugs: list[str]) -> dict:
        digest = self._config()
        return self.store.read_shares(digest, name, slugs) if digest is not None else {}


# ---- digests: each capture's SHA-256 ----------------------------------------------------------------

DIGEST_CACHE = "digests"  # the DiskCache file that keeps them between builds


class FileDigests:
    """The SHA-256 of files, each remembered with the signature it was computed for."""

    def __init__(self, cache: DiskCache | None = None, keep: bool = True):
        self._cache = cache  # None: remembered in this process only, as a build without its cache does
        self._keep = keep  # False: read the cache, never write it (`check` writes nothing)
        self._known: dict[str, tuple[tuple, str]] | None = None  # path -> (signature, digest), read when first asked
        self.changed = False  # whether the cache file needs writing

    def of(self, path: Path, now: tuple | None) -> str | None:
        """The digest of the file whose signature is `now` (files.signature); None when it is missing."""
        if now is None:
            return None
        known = self._remembered()
        kept = known.get(str(path))
        if kept is not None and unchanged(kept[0], now):
            return kept[1]
        digest = provenance.sha256_of(path)
        self.remember(str(path), settled(now), digest)
        return digest

    def remember(self, path: str, when: tuple | None, digest: str) -> None:
        """Keep a digest computed for the file with signature `when` (None: too fresh to trust its stat)."""
        known = self._remembered()
        if when is None:
            known.pop(path, None)
        elif known.get(path) != (when, digest):
            known[path] = (when, digest)
            self.changed = True

    def known(self, path: str) -> tuple[tuple, str] | None:
        return self._remembered().get(path)

    def save(self) -> None:
        if self._cache is not None and self._keep and self.changed and self._known is not None:
            self._cache.write(DIGEST_CACHE, self._known)
            self.changed = False

    def _remembered(self) -> dict[str, tuple[tuple, str]]:
        if self._known is None:
            stored = self._cache.read(DIGEST_CACHE) if self._cache is not None else None
            self._known = stored if isinstance(stored, dict) else {}
        return self._known
