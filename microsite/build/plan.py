"""Which output files a build makes, what each is made from (a digest), and which must be made again.

A page's digest covers its path, site.yaml, its template (with every template it includes) and the
articles it declares (site/pages.py: whole for `shows`, in outline for `lists`): equal digests render
equal pages, so a page whose digest the last build recorded is left as it is. A copied file (a static
file, a capture) is planned by its source's stat signature.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from ..model import Article, Site
from ..site import urls
from ..site.pages import Page
from ..site.render import Templates
from ..source.files import settled, signature, unchanged
from .cache import BuildState

COPY_AGAIN = b""  # the plan's digest of a file written too recently to trust its stat: copied every build


class Digests:
    """What each page is made from, as a digest: equal digests render equal pages."""

    def __init__(self, site: Site, templates: Templates, every_outline: bytes | None = None):
        self.site, self.templates = site, templates
        if every_outline is None:
            every = hashlib.blake2b(digest_size=16)
            for article in site.articles:
                every.update(article.slug.encode() + b"\0" + article.outline)
            every_outline = every.digest()
        self.every_outline = every_outline  # given when `site` is a part of the site

    def page(self, page: Page) -> bytes:
        digest = hashlib.blake2b(digest_size=16)
        made_by = self.templates.digest(page.template) if page.template else page.maker.encode()
        digest.update(page.path.encode() + b"\0" + self.site.digest + made_by)
        for article in page.shows:
            digest.update(b"S" + article.slug.encode() + b"\0" + article.fingerprint)
        if page.lists is None:
            digest.update(b"E" + self.every_outline)
        else:
            for article in page.lists:
                digest.update(b"L" + article.slug.encode() + b"\0" + article.outline)
        return digest.digest()


@dataclass
class Plan:
    """The output files of a build (or of a part of one), and which of them to make."""

    pages: list[Page]
    copies: dict[str, Path]  # output path -> the file copied there
    copy_signatures: dict[str, tuple | None]  # taken before any copy is made
    digests: dict[str, bytes]  # output path -> what it is made from, pages and copies
    to_render: list[Page]
    to_copy: list[str]

    def removed(self, built: BuildState | None) -> list[str]:
        """What the last build wrote that this one does not plan (Pagefind's files are no part of a plan: kept;
        compressed copies are not either: build/compress.py says which of them stay)."""
        return [path for path in built.plan if path not in self.digests] if built else []


def plan(pages: list[Page], digests: Digests, copies: dict[str, Path], built: BuildState | None) -> Plan:
    """The pages and copies whose digests differ from what the last build (`built`) recorded; all when None."""
    recorded = built.plan if built is not None else {}
    made = {page.path: digests.page(page) for page in pages}
    # Taken before any copy is made: a file changed while it is copied is copied again by the next build.
    copy_signatures = {path: signature(source) for path, source in copies.items()}
    for path, source in copies.items():
        now = copy_signatures[path]  # a file written just now may change unseen
        made[path] = repr((str(source), now)).encode() if unchanged(now, now) else COPY_AGAIN
    to_render = [page for page in pages if recorded.get(page.path) != made[page.path]]
    to_copy = [path for path in copies if made[path] is COPY_AGAIN or recorded.get(path) != made[path]]
    return Plan(pages, copies, copy_signatures, made, to_render, to_copy)


def static_copies(static: dict[str, Path]) -> dict[str, Path]:
    """Output path -> the static file copied there, from the walk's static files."""
    return {f"{urls.STATIC}/{path}": file for path, file in static.items()}


def capture_copies(articles: list[Article]) -> dict[str, Path]:
    """Output path -> the capture copied there: each article's text capture, and its saved original if any."""
    copies = {}
    for article in articles:
        copies[urls.capture_text(article.slug)] = article.capture.path
        if article.original:
            copies[urls.capture_original(article.slug)] = article.capture.path.with_name(article.original)
    return copies


def copied_inputs(plan: Plan) -> dict[str, tuple | None]:
    """The copied files as inputs of the build, each with its signature before it was copied."""
    return {str(plan.copies[path]): settled(plan.copy_signatures[path]) for path in plan.copies}
