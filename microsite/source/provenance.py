"""Where a capture came from, and proof that it has not changed since its page was written.

A content page may name the saved original (`original`), when and where it was captured, its
byline and language, and the SHA-256 of the original (or of the text capture when there is no
original). Verifying that digest means reading the file; at ten thousand pages that is gigabytes,
so a digest is remembered with the file's stat signature and a file is hashed again only when
its signature changed (microsite/files.py), also across builds (`.cache/digests.pickle`).
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from ..build.cache import DiskCache
from .files import settled, unchanged

DIGEST_CACHE = "digests"  # the DiskCache file that keeps them between builds
_CHUNK = 1 << 20


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as file:
        while chunk := file.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


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
        digest = sha256_of(path)
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


def mismatch(name: str, declared: str, found: str) -> tuple[str, str]:
    """The message and hint for a capture whose digest is not the one its page declares."""
    return (
        f"the capture `{name}` has changed since this page was written: its SHA-256 is not `{declared[:12]}…`",
        f"restore `seeds/{name}` from version control (git checkout -- seeds/{name}); if the change is deliberate, "
        f"re-run ingest on the new capture or set `sha256: {found}`",
    )
