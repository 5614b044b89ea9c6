"""What one build leaves for the next, in `.cache/` inside the site folder. Never required.

`build` runs in a fresh process each time; to rebuild in well under a second it reads
back what the last good build learnt: each input file's stat signature, what it wrote
(each output path, the digest of what the page was made from, the file's stat) and every
loaded content page, pickled. Deleting `.cache/` gives a cold build with the same output.

Each file carries a checksum and a key naming the code that wrote it: a file from
another version of this tool, or one damaged in any way, is discarded, never trusted.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import sqlite3
import sys
import tempfile
from contextlib import closing
from pathlib import Path

from jinja2 import BytecodeCache

FOLDER = ".cache"
_MAGIC = b"microsite-cache/1\n"
_PACKAGE = Path(__file__).resolve().parents[1]


def _code_key() -> bytes:
    """Changes whenever this tool's code or the Python running it does."""
    digest = hashlib.blake2b(sys.version.encode(), digest_size=16)
    for file in sorted(_PACKAGE.rglob("*.py")):
        stat = file.stat()
        digest.update(f"{file.relative_to(_PACKAGE)}\0{stat.st_size}\0{stat.st_mtime_ns}\0".encode())
    return digest.digest()


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

    def __init__(self, site_dir: Path):
        self.file = site_dir / FOLDER / "pages.sqlite"
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
                    "CREATE TABLE IF NOT EXISTS pieces "
                    "(name TEXT, slug TEXT, version BLOB, checksum BLOB, text TEXT, PRIMARY KEY (name, slug))"
                )
                if not self._ours(db, config_digest):
                    db.execute("DELETE FROM pages")
                    db.execute("DELETE FROM pieces")
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

    def read_pieces(
        self, config_digest: bytes, name: str, slugs: list[str]
    ) -> dict[tuple[str, str], tuple[bytes, str]]:
        """These articles' shares of the data file `name` (exports.Pieces), as the last build left them."""
        try:
            with closing(sqlite3.connect(self.file)) as db:
                if not self._ours(db, config_digest):
                    return {}
                found = {}
                rows = db.execute(
                    "SELECT name, slug, version, checksum, text FROM pieces "
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

    def write_pieces(self, config_digest: bytes, changed: dict, keep: set[str] | None = None) -> None:
        """Store the shares made since the last save and drop those of articles not in `keep` (None: none)."""
        try:
            with closing(sqlite3.connect(self.file)) as db, db:
                if not self._ours(db, config_digest):
                    return  # the pages were not stored for this site.yaml: nor are the shares
                if keep is not None:
                    stored = {slug for (slug,) in db.execute("SELECT DISTINCT slug FROM pieces")}
                    db.executemany("DELETE FROM pieces WHERE slug = ?", [(slug,) for slug in stored - keep])
                db.executemany(
                    "INSERT OR REPLACE INTO pieces VALUES (?, ?, ?, ?, ?)",
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
