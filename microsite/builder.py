"""One build, full or incremental, and what the build keeps in memory between rebuilds.

    site.yaml + content/ + seeds/  --loader-->  Site  --pages-->  Page list
        --render (only pages whose inputs changed)-->  HTML  --writer-->  output folder

A Builder kept alive, as the preview server keeps one, re-reads only the files that
changed, re-renders only the pages whose inputs changed (the articles a page shows,
site.yaml, its templates) and rewrites only the output files that changed. A fresh
Builder does a full build. Either way the output is the same, byte for byte.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass, field
from pathlib import Path

from . import render, search, urls
from .errors import BuildFailed
from .files import signature, unchanged
from .loader import SiteLoader
from .model import Site
from .pages import Page, site_pages
from .writer import MARKER, Output, atomic_output, check_destination, in_place_output


@dataclass
class BuildResult:
    out_dir: Path
    pages: int
    articles: int
    seconds: float
    rendered: list[str] = field(default_factory=list)  # output paths of the pages rendered by this build
    written: list[str] = field(default_factory=list)  # output paths written or replaced
    removed: list[str] = field(default_factory=list)  # output paths deleted
    full: bool = True  # False: an incremental rebuild in place
    base_url: str | None = None  # the address the site was built for, if any
    search_seconds: float | None = None  # how long Pagefind took to index the pages; None: it did not run


_COPY_AGAIN = b""


class Builder:
    def __init__(self, site_dir: Path, out_dir: Path, base_url: str | None = None):
        self.site_dir, self.out_dir = site_dir, out_dir
        self.loader = SiteLoader(site_dir, base_url)
        self.templates = render.Templates(site_dir)
        # After a good build: every output path and a digest of what it was made from.
        self._built: dict[str, bytes] | None = None

    def build(self) -> BuildResult:
        """Build; incrementally when this Builder built the output folder before."""
        started = time.perf_counter()
        site = self.loader.load()
        static_dirs = [render.PROJECT_DIR / "static", self.site_dir / "static"]
        protected = [self.site_dir / "content", self.site_dir / "seeds", *render.template_dirs(self.site_dir)]
        check_destination(self.out_dir, [p for p in protected + static_dirs if p.exists()])
        self.templates.refresh()

        previous = self._built if (self.out_dir / MARKER).is_file() else None
        pages = site_pages(site)
        digests = _Digests(site, self.templates)
        plan = {page.path: digests.page(page) for page in pages}
        to_render = [page for page in pages if previous is None or previous.get(page.path) != plan[page.path]]
        rendered = self._render(site, to_render)

        copies = _copies(site, static_dirs)
        for path, source in copies.items():
            now = signature(source)  # a file written just now may change again unseen: copy it each time
            plan[path] = repr((str(source), now)).encode() if unchanged(now, now) else _COPY_AGAIN

        if previous is None:
            with atomic_output(self.out_dir) as out:
                for path, html in rendered.items():
                    out.write_text(path, html)
                for path, source in copies.items():
                    out.copy(source, path)
                # Indexed before the swap: a failed index leaves the previous site in place.
                search_seconds = search.index(out.root) if site.settings.search else None
            written, removed = [*rendered, *copies], []
        else:
            copied = [path for path in copies if plan[path] is _COPY_AGAIN or previous.get(path) != plan[path]]
            # Only paths of the plan are ever removed: Pagefind's files are not in it, so they stay.
            removed = [path for path in previous if path not in plan]
            written = [*rendered, *copied]
            self._built = None  # should writing fail half-way, the next build is a full one
            out = in_place_output(self.out_dir)
            for path, html in rendered.items():
                out.write_text(path, html)
            for path in copied:
                out.copy(copies[path], path)
            for path in removed:
                out.remove(path)
            search_seconds = _update_search_index(site, out, [*written, *removed])
        self._built = plan
        return BuildResult(
            self.out_dir,
            len(pages),
            len(site.articles),
            time.perf_counter() - started,
            rendered=list(rendered),
            written=written,
            removed=removed,
            full=previous is None,
            base_url=site.settings.base_url,
            search_seconds=search_seconds,
        )

    def _render(self, site: Site, pages: list[Page]) -> dict[str, str]:
        rendered, problems = {}, []
        for page in pages:
            try:
                rendered[page.path] = render.render(self.templates.env, site, page)
            except Exception as err:  # any failure inside a template is reported as the template's
                problems.append(render.template_problem(err, page))
        if problems:
            # One broken template fails every page that uses it: report each place once.
            unique = {(p.file, p.line, p.message.split(" (while")[0]): p for p in problems}
            raise BuildFailed(list(unique.values()))
        return rendered


class _Digests:
    """What each page is made from, as a digest: equal digests render equal pages."""

    def __init__(self, site: Site, templates: render.Templates):
        self.site, self.templates = site, templates
        every = hashlib.blake2b(digest_size=16)
        for article in site.articles:
            every.update(article.slug.encode() + b"\0" + article.fingerprint)
        self.every_article = every.digest()

    def page(self, page: Page) -> bytes:
        digest = hashlib.blake2b(digest_size=16)
        made_by = self.templates.digest(page.template) if page.template else page.maker.encode()
        digest.update(page.path.encode() + b"\0" + self.site.digest + made_by)
        if page.shows is None:
            digest.update(self.every_article)
        else:
            for article in page.shows:
                digest.update(article.slug.encode() + b"\0" + article.fingerprint)
        return digest.digest()


def _update_search_index(site: Site, out: Output, changed: list[str]) -> float | None:
    """After a rebuild in place: index again when a page changed, into a new folder swapped in whole."""
    if not site.settings.search:
        out.remove_folder(search.BUNDLE)
        return None
    if (out.root / search.BUNDLE).is_dir() and not any(path.endswith(".html") for path in changed):
        return None  # Pagefind reads only the HTML pages
    with out.replacing_folder(search.BUNDLE) as fresh:
        return search.index(out.root, fresh)


def _copies(site: Site, static_dirs: list[Path]) -> dict[str, Path]:
    """Output path -> the file copied there: static files, then the raw captures."""
    copies: dict[str, Path] = {}
    for folder in static_dirs:  # the site's own static files override the project's
        if folder.is_dir():
            for file in sorted(folder.rglob("*")):
                if file.is_file():
                    copies[f"{urls.STATIC}/{file.relative_to(folder).as_posix()}"] = file
    for article in site.articles:
        copies[urls.capture_text(article.slug)] = article.capture.path
    return copies
