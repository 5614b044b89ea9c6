"""Render pages and copy files into an output folder, sharing articles' own pages out to worker processes.

An article's own pages (site/pages.py own_pages) read only the article, its related articles and its
story (the template sees a view that holds no more: site/render.py). So a worker renders them from the
page store alone, a part of a few hundred articles at a time, and needs nothing of this process's model;
this process renders the pages that list many articles, and the site-wide data files, whose shares it
keeps (build/cache.py Shares).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

from .. import progress
from ..errors import BuildFailed, Problem
from ..model import Article, Site, relations
from ..model.loader import SiteLoader
from ..site import render
from ..site.pages import Page, own_pages
from .cache import BuildCache, Shares
from .workers import Workers
from .writer import Output

# Articles whose own pages are rendered together: a worker reads them, and the articles they list, in one go.
PART_SIZE = 100
# Below this many articles to render, sharing them out costs more than it saves.
MIN_ARTICLES = 64
_COPIES_AT_ONCE = 500


@dataclass(frozen=True)
class Where:
    """What a worker needs to find its work: the site, its page store, how it is built."""

    site_dir: str
    store: str  # the page store's file
    base_url: str | None
    keep_compiled: bool  # Jinja's compiled templates in the build cache


def render_into(
    out: Output,
    site: Site,
    pages: list[Page],
    copies: dict[str, Path],
    env,
    shares: Shares,
    workers: Workers,
    where: Where,
) -> list[str]:
    """Render the pages and copy the files (output path -> source) into `out`; the pages' paths, in order.
    Raises BuildFailed with every template problem, each place once."""
    parts = _parts(site, pages) if workers.jobs > 1 else []
    in_parts = {id(page) for _job, some in parts for page in some}
    rest = [page for page in pages if id(page) not in in_parts]
    copied = list(copies.items())
    chunks = [copied[start : start + _COPIES_AT_ONCE] for start in range(0, len(copied), _COPIES_AT_ONCE)]
    items = [(copy_files, (str(out.root), [(path, str(source)) for path, source in chunk])) for chunk in chunks]
    items += [(render_part, (where, str(out.root), job)) for job, _pages in parts]

    sizes = [len(chunk) for chunk in chunks] + [len(some) for _job, some in parts]  # for progress

    def here(index: int) -> tuple[list[str], list[Problem], bool]:
        if index < len(chunks):
            return _render(None, out, site, None, chunks[index])
        return _render(env, out, site, shares, parts[index - len(chunks)][1])

    with workers.share(items, here) as batch:
        count = progress.counter()  # a worker's job counted as it comes back, by the pool's thread
        for future, size in zip(batch.futures, sizes, strict=True):
            if future is not None:
                future.add_done_callback(functools.partial(_counted, count, size))
        # The site-wide data files first: the shares they read and write are this process's.
        done, problems, _missed = _render(env, out, site, shares, sorted(rest, key=lambda p: not p.site_wide_data))
        for index, (paths, found, missed) in enumerate(batch.results()):
            if missed:  # the page store lacks the part (it could not be written): rendered here
                paths, found, _missed = here(index)
            done += paths
            problems += found
    if problems:
        # One broken template fails every page that uses it: report each place once.
        unique = {(p.file, p.line, p.message.split(" (while")[0]): p for p in problems}
        raise BuildFailed(list(unique.values()))
    order = {page.path: index for index, page in enumerate(pages)}
    return sorted(done, key=order.__getitem__)


def _counted(count, size: int, future) -> None:
    """A worker's job done: its pages and copies counted as rendered (taken back, failed or missed: those
    this process renders instead are counted as it renders them)."""
    if not future.cancelled() and future.exception() is None and not future.result()[2]:
        count(size)


def _parts(site: Site, pages: list[Page]) -> list[tuple[tuple, list[Page]]]:
    """Articles' own pages in parts of PART_SIZE articles, each with what a worker reads to render them
    (the articles' files, those of the articles they list, their related articles) and the pages as this
    process would render them; none when few."""
    owned: dict[str, tuple[Article, list[Page]]] = {}
    for page in pages:
        if page.owner is not None:
            owned.setdefault(page.owner.slug, (page.owner, []))[1].append(page)
    if len(owned) < MIN_ARTICLES:
        return []
    members = {story.id: story.articles for story in site.stories}
    # Articles related to the same others side by side: a part then reads fewer besides its own.
    chosen = sorted(owned.values(), key=lambda item: tuple(sorted(r.article.slug for r in item[0].related)))
    parts = []
    for start in range(0, len(chosen), PART_SIZE):
        group = chosen[start : start + PART_SIZE]
        targets = [str(article.file) for article, _ in group]
        needed = {str(r.article.file) for article, _ in group for r in article.related}
        needed.update(str(m.file) for article, _ in group if article.story for m in members[article.story])
        related = {article.slug: [(r.article.slug, r.reasons) for r in article.related] for article, _ in group}
        own = [page for _, some in group for page in some]
        parts.append(((targets, sorted(needed - set(targets)), related, [page.path for page in own]), own))
    return parts


def _render(env, out: Output, site: Site | None, shares: Shares | None, some: list) -> tuple[list, list, bool]:
    """Render pages and copy files (path, source); the paths rendered, the problems found, and False (no
    part missed)."""
    done, problems = [], []
    for page in some:
        if isinstance(page, tuple):  # a file to copy: on a slow disk, 10,000 captures take seconds
            out.copy(Path(page[1]), page[0])
        else:
            try:
                text = render.render(env, site, page, shares)
            except Exception as err:  # any failure inside a template is reported as the template's
                problems.append(render.template_problem(err, page))
            else:
                out.write_text(page.path, text)
                done.append(page.path)
        progress.advance()  # in a worker process, nothing: its job is counted as it comes back
    return done, problems, False


# ---- in a worker process -------------------------------------------------------------------------------

_kept: dict[Where, tuple[SiteLoader, render.Templates]] = {}  # between the jobs a worker is given


def copy_files(job: tuple) -> tuple[list, list, bool]:
    root, copies = job
    return _render(None, Output(Path(root), fresh=True), None, None, copies)


def render_part(job: tuple) -> tuple[list[str], list[Problem], bool]:
    """A part's own pages, rendered from the articles as the page store holds them (the same pages, byte
    for byte, as this process would render); (paths, problems, True) when the store lacks the part."""
    where, root, (targets, needed, related, paths) = job
    if where not in _kept:
        cache = BuildCache.of_worker(Path(where.store))
        loader = SiteLoader(Path(where.site_dir), where.base_url, cache)
        _kept[where] = (loader, render.Templates(Path(where.site_dir), keep_compiled=where.keep_compiled))
    loader, templates = _kept[where]
    site = loader.stored_part([Path(name) for name in targets + needed])
    if site is None:
        return [], [], True
    by_file = {str(article.file): article for article in site.articles}
    articles = [by_file[name] for name in targets]
    relations.link_part(site, articles, related.__getitem__)
    templates.refresh()
    wanted = set(paths)
    own = [page for article in articles for page in own_pages(site, article) if page.path in wanted]
    return _render(templates.env, Output(Path(root), fresh=True), site, None, own)
