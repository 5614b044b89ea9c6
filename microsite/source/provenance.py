"""Where a capture came from, and proof that it has not changed since its page was written.

A content page may name the saved original (`original`), when and where it was captured, its
byline and language, and the SHA-256 of the original (or of the text capture when there is no
original). Verifying that digest means reading the file, and a big site's captures are gigabytes, so
a digest is remembered with the file's stat signature and a file is hashed again only when
its signature changed (source/files.py), also across builds (`.cache/digests.pickle`: build/cache.py).
"""

from __future__ import annotations

import hashlib
from pathlib import Path

_CHUNK = 1 << 20


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as file:
        while chunk := file.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def mismatch(name: str, declared: str, found: str) -> tuple[str, str]:
    """The message and hint for a capture whose digest is not the one its page declares."""
    return (
        f"the capture `{name}` has changed since this page was written: its SHA-256 is not `{declared[:12]}…`",
        f"restore `seeds/{name}` from version control (git checkout -- seeds/{name}); if the change is deliberate, "
        f"re-run ingest on the new capture or set `sha256: {found}`",
    )
