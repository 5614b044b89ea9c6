"""One build, full or incremental, and what the build keeps between rebuilds.

    site.yaml + content/ + seeds/  --loader-->  Site  --pages-->  Page list
        --render (only pages whose inputs changed)-->  HTML  --writer-->  output folder

A Builder kept alive, as the preview server keeps one, re-reads only the files that
changed, re-renders only the pages whose inputs changed (the articles a page shows,
site.yaml, its templates) and rewrites only the output files that changed. A fresh
Builder, as `build` makes one, reads the same knowledge back from `.cache/` (see
cache.py): with nothing changed it checks the files' signatures and stops; otherwise it
goes on as a kept Builder would. Without a usable cache it does a full build. Every path
gives the same output, byte for byte.

A build that renders many articles' pages uses both cores: a helper process, forked before
the model is loaded, renders articles' own pages from the cache, part by part, while this
process renders the lists and the data files (see _apart: sharing the model with a child
forked later would copy most of it).
"""

from __future__ import annotations

import dataclasses
import gc
import hashlib
import itertools
import json
import os
import pickle
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import BuildFailed, Problem
from ..model import Article, Related, Site, relations, stories
from ..model.loader import SiteLoader
from ..site import exports, render, search, urls
from ..site.pages import Page, feed_entries, feed_page, own_pages, site_pages
from ..source.files import settled, signature, unchanged
from . import parallel
from .cache import DiskCache, PageStore
from .writer import MARKER, Output, atomic_output, check_destination, in_place_output, recover


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
    up_to_date: bool = False  # True: nothing changed since the build cache's build, so nothing was done


_COPY_AGAIN = b""


@dataclass
class _Built:
    """What the output folder holds after a good build."""

    plan: dict[str, bytes]  # output path -> digest of what it was made from
    files: dict[str, tuple | None]  # output path -> the file's signature once written
    marker: tuple | None  # the output folder's marker file: a new one means another build replaced the folder
    inputs: dict[str, tuple | None]  # every file the build read -> its signature when read (None: too fresh)
    templates: tuple  # render.Templates.known(): the template files and their digests
    pages: int
    articles: int
    base_url: str | None


class Builder:
    def __init__(self, site_dir: Path, out_dir: Path, base_url: str | None = None, cache: bool = True):
        self.site_dir, self.out_dir = site_dir, out_dir
        self.base_url = base_url
        self.loader = SiteLoader(site_dir, base_url, PageStore(site_dir) if cache else None)
        self.templates = render.Templates(site_dir, keep_compiled=cache)
        self.cache = DiskCache(site_dir) if cache else None
        self._built: _Built | None = None  # after a good build
        self._asked_cache = False
        # The articles' shares of the site-wide data files: in the build cache, or else kept here between builds.
        self.pieces = exports.Pieces(_StoredPieces(self.loader) if cache else None)
        self._asked_memo = False
        self._outlines: _Outlines | None = None  # as the cache holds them
        self._names_by_path: dict[str, str] | None = None  # each input's name by its absolute path
        self._helper: parallel.Helper | None = None  # during a build on the whole path

    def build(self, changed: set[Path] | None = None) -> BuildResult:
        """Build; incrementally when this Builder, or the last build's cache, knows the output folder.

        `changed` may name the files changed since the last build, as the preview's watcher sees them:
        a kept Builder then looks at those alone rather than stat every file of the site."""
        # Forked first, while this process is small, to copy the files and render articles' own pages from the
        # cache should the build take the whole path (see _copying, _apart); let go at once otherwise.
        self._helper = parallel.Helper(self._render_parts, _copy_files) if self.cache is not None else None
        try:
            return self._build_from(time.perf_counter(), changed)
        finally:
            if self._helper is not None:
                self._helper.dismiss()
                self._helper = None

    def _build_from(self, started: float, changed: set[Path] | None) -> BuildResult:
        static_dirs = [render.PROJECT_DIR / "static", self.site_dir / "static"]
        # The site's templates/ and static/ even before they exist: an output folder made there would be
        # read back as templates and static files by the next build.
        own = [self.site_dir / name for name in ("content", "seeds", "templates", "static")]
        protected = [*own, *render.template_dirs(self.site_dir), *static_dirs]
        check_destination(self.out_dir, [p for p in protected if p.exists() or p in own])
        recover(self.out_dir)  # what a killed build left: its half-done rebuild rolled back, its folders
        names = None  # the inputs changed since the output folder was last built, when known
        if self.cache is not None:
            if self._built is None and not self._asked_cache:
                self._asked_cache = True
                names = self._restore(static_dirs)
            elif self._built is not None and _same_marker(self.out_dir, self._built):
                names = self._changed_names(changed, static_dirs)
            if names is not None and not names:
                return self._up_to_date(started)
            if names:
                updated = self._update_from_cache(started, names)
                if updated is not None:
                    return updated
            if not self._asked_memo:
                self._asked_memo = True
                memo = self.cache.read("relations")
                if isinstance(memo, relations.Memo):  # related articles, kept unless dates, names or stories changed
                    self.loader.relations = memo
        with _collector_set_aside() as model_made:
            return self._build(started, static_dirs, model_made)

    def _changed_names(self, hint: set[Path] | None, static_dirs: list[Path]) -> set[str]:
        """The inputs changed since this Builder's last build: those of the hint that the build read, or,
        without a hint or when it names a file the build did not read, every one, found by their stats."""
        if hint is not None:
            if self._names_by_path is None:
                self._names_by_path = {os.path.abspath(name): name for name in self._built.inputs}
            names = set()
            for path in hint:
                name = self._names_by_path.get(os.path.abspath(path))
                if name is None:
                    break  # perhaps a new page, template or static file: look at everything
                if not unchanged(self._built.inputs[name], signature(name)):
                    names.add(name)
            else:
                return names
        return _changed_inputs(self._built.inputs, self.site_dir, static_dirs)

    def _up_to_date(self, started: float) -> BuildResult:
        built = self._built
        return BuildResult(
            self.out_dir,
            built.pages,
            built.articles,
            time.perf_counter() - started,
            full=False,
            base_url=built.base_url,
            up_to_date=True,
        )

    def _build(self, started: float, static_dirs: list[Path], model_made) -> BuildResult:
        site = self.loader.load()
        model_made()
        self.pieces.keep_only({article.slug for article in site.articles})
        site.pieces = self.pieces
        self.templates.refresh()
        # A kept Builder wrote the folder itself; a folder replaced since (its marker is new) is built afresh.
        built = self._built if self._built is not None and _same_marker(self.out_dir, self._built) else None
        copies = {**_static_copies(static_dirs), **_capture_copies(site.articles)}
        # Taken before any copy is made: a file changed while it is copied is copied again by the next build.
        copy_signatures = {path: signature(source) for path, source in copies.items()}

        def planned() -> tuple[list[Page], _Digests, dict[str, bytes], list[Page]]:
            pages = site_pages(site)
            digests = _Digests(site, self.templates)
            plan = {page.path: digests.page(page) for page in pages}
            to_render = [page for page in pages if built is None or built.plan.get(page.path) != plan[page.path]]
            _plan_copies(copies, copy_signatures, plan)
            self._built = None  # should the build fail half-way, the next one starts afresh
            if self.cache is not None:
                self.cache.forget("state")
            return pages, digests, plan, to_render

        if built is None:
            with atomic_output(self.out_dir) as out, self._copying(out, copies) as copying:
                pages, digests, plan, to_render = planned()
                rendered = self._render_into(out, site, to_render, {} if copying else copies, self._helper)
                # Indexed before the swap: a failed index leaves the previous site in place.
                search_seconds = search.index(out.root) if site.settings.search else None
            written, removed = [*rendered, *copies], []
            files = _signatures(self.out_dir, written)
        else:
            pages, digests, plan, to_render = planned()
            copied = [path for path in copies if plan[path] is _COPY_AGAIN or built.plan.get(path) != plan[path]]
            # Only paths of the plan are ever removed: Pagefind's files are not in it, so they stay.
            removed = [path for path in built.plan if path not in plan]
            out = in_place_output(self.out_dir)
            with out.transaction() as changes:  # should anything fail, the previous site is put back
                with out.staging() as staged:  # every page rendered before the first one is replaced
                    rendered = self._render_into(staged, site, to_render, helper=self._helper)
                    for path in rendered:
                        changes.take(staged, path)
                for path in copied:
                    changes.copy(copies[path], path)
                for path in removed:
                    changes.remove(path)
                written = [*rendered, *copied]
                search_seconds = _update_search_index(site, out, [*written, *removed])
            files = {path: sig for path, sig in built.files.items() if path in plan}
            files.update(_signatures(self.out_dir, written))
        inputs = {**self.loader.inputs(), **self.templates.inputs(), **_copied_inputs(copies, copy_signatures)}
        self._built = _Built(
            plan,
            files,
            signature(self.out_dir / MARKER),
            inputs,
            self.templates.known(),
            len(pages),
            len(site.articles),
            site.settings.base_url,
        )
        if self.cache is not None:
            self._outlines = _Outlines.of(site, digests, self._key(), self.loader.config_digest)
            self.cache.write("outlines", self._outlines)
            self._save()
            # Hold no model between builds: the next one works from the cache, as a fresh process would.
            self.loader.forget()
        self._names_by_path = None
        return BuildResult(
            self.out_dir,
            len(pages),
            len(site.articles),
            time.perf_counter() - started,
            rendered=list(rendered),
            written=written,
            removed=removed,
            full=built is None,
            base_url=site.settings.base_url,
            search_seconds=search_seconds,
        )

    @contextmanager
    def _copying(self, out: Output, copies: dict[str, Path]):
        """The helper copies the files into the new output folder from now on, while this process lists the
        pages (a core otherwise idle); yields whether it does. Should the build fail, it is stopped before the
        folder goes."""
        if self._helper is None or not copies:
            yield False
            return
        self._helper.start(_packed((str(out.root), [(path, str(source)) for path, source in copies.items()])))
        try:
            yield True
        except BaseException:
            self._helper.abandon()
            raise

    def _update_from_cache(self, started: float, changed: set[str]) -> BuildResult | None:
        """After edits that only the edited articles' own pages show (their bodies, comments, captures),
        render those pages from a part of the model: the edited articles read again, the articles their
        pages list taken from the cache. None when an edit reaches further, or anything else changed: the
        whole path then finds it out."""
        outlines = self._outlines or self.cache.read("outlines")
        if not isinstance(outlines, _Outlines) or outlines.key != self._key():
            return None
        self._outlines = outlines
        if self.templates.env is None:  # a Builder whose first build found nothing changed: no template did
            self.templates.start_from(self._built.templates)
        content, seeds = f"{self.site_dir / 'content'}{os.sep}", f"{self.site_dir / 'seeds'}{os.sep}"
        config = str(self.site_dir / "site.yaml")
        slug_of = {file: slug for slug, file in outlines.file_of.items()}
        slugs: set[str] = set()
        for name in changed:
            if name == config:
                continue  # compared by its digest once the loader has read it (below)
            if name.startswith(content) and name in slug_of and os.path.isfile(name):
                slugs.add(slug_of[name])
            elif name.startswith(seeds) and name in outlines.captured_by and os.path.isfile(name):
                slugs.update(outlines.captured_by[name])
            else:
                return None  # site.yaml, a template, a static file, a page or capture that came or went
        if len(slugs) > parallel.MIN_ITEMS:  # many pages to read: the whole path reads them on two cores
            return None
        story_of = {slug: story for story, members in outlines.stories.items() for slug in members}
        needed = set(slugs)
        for slug in slugs:
            needed.update(other for other, _reasons in outlines.related_to(slug))
            needed.update(outlines.stories.get(story_of.get(slug), ()))
        feed = outlines.feed if slugs & set(outlines.feed) and urls.FEED in self._built.plan else []
        needed.update(feed)
        loaded = self.loader.load_part(
            [Path(outlines.file_of[slug]) for slug in sorted(slugs)],
            [Path(outlines.file_of[slug]) for slug in sorted(needed - slugs)],
        )
        if loaded is None or self.loader.config_digest != outlines.config:  # site.yaml's content changed
            return None
        site, edited = loaded
        if any(article.outline != outlines.outline[article.slug] for article in edited):
            return None
        by_slug = _link_part(site, edited, outlines.related_to)
        pages = [page for article in edited for page in own_pages(site, article)]
        if feed:
            pages.append(feed_page([by_slug[slug] for slug in feed]))
        digests = _Digests(site, self.templates, every_outline=outlines.every)
        plan = dict(self._built.plan)
        for page in pages:
            plan[page.path] = digests.page(page)
        to_render = [page for page in pages if self._built.plan.get(page.path) != plan[page.path]]
        copies = _capture_copies(edited)
        result = self._write_in_place(site, plan, to_render, copies, self.loader.inputs_of_part())
        if self.cache is not None:
            self.loader.save_part()
            self.cache.write("state", {"key": self._key(), "built": self._built})
        result.seconds = time.perf_counter() - started
        return result

    def _write_in_place(
        self, site: Site, plan: dict[str, bytes], to_render: list[Page], copies: dict[str, Path], inputs: dict
    ) -> BuildResult:
        """Render the pages and copy the files that changed into the output folder, in place, and keep
        what it then holds (the part of the plan given, the rest as it was)."""
        built = self._built
        copy_signatures = {path: signature(source) for path, source in copies.items()}
        _plan_copies(copies, copy_signatures, plan)
        copied = [path for path in copies if plan[path] is _COPY_AGAIN or built.plan.get(path) != plan[path]]
        self._built = None  # should the build fail half-way, the next one starts afresh
        if self.cache is not None:
            self.cache.forget("state")
        out = in_place_output(self.out_dir)
        with out.transaction() as changes:  # should anything fail, the previous site is put back
            with out.staging() as staged:
                rendered = self._render_into(staged, site, to_render)
                for path in rendered:
                    changes.take(staged, path)
            for path in copied:
                changes.copy(copies[path], path)
            written = [*rendered, *copied]
            search_seconds = _update_search_index(site, out, written)
        files = {**built.files, **_signatures(self.out_dir, written)}
        inputs = {**built.inputs, **inputs, **_copied_inputs(copies, copy_signatures)}
        marker = signature(self.out_dir / MARKER)
        self._built = dataclasses.replace(built, plan=plan, files=files, marker=marker, inputs=inputs)
        return BuildResult(
            self.out_dir,
            built.pages,
            built.articles,
            0.0,
            rendered=rendered,
            written=written,
            full=False,
            base_url=site.settings.base_url,
            search_seconds=search_seconds,
        )

    # ---- rendering, on both cores when there is much to do ------------------------------

    def _render_into(
        self,
        out: Output,
        site: Site,
        pages: list[Page],
        copies: dict[str, Path] | None = None,
        helper: parallel.Helper | None = None,
    ) -> list[str]:
        """Render the pages and write each as soon as it is rendered, and copy the files `copies` names (path:
        source) on the way; return the pages' paths."""
        env = self.templates.env
        copies = copies or {}
        apart = self._apart(site, pages) if helper is not None else None
        if apart is not None:  # the helper renders articles' own pages, part by part (and copies: _copying)
            parts, pages_of_parts = apart
            data = [page for page in pages if page.site_wide_data]
            mine = [page for page in pages if page.owner is None and not page.site_wide_data]
            mine += copies.items()  # none when the helper copies them (_copying)
            helper.claims.reset(len(parts))
            job = _packed((str(out.root), parts))

            def here() -> tuple[list[str], list[Problem]]:
                # The site-wide data files first, and what making them freed given back: 100 MB at 10,000 articles.
                done, problems = _render_share(env, out, site, data)
                parallel.give_back_free_memory()
                for some in itertools.chain([mine], _claimed_from_the_end(helper.claims, pages_of_parts)):
                    found = _render_share(env, out, site, some)
                    done += found[0]
                    problems += found[1]
                return done, problems

            results = helper.run(job, here)
            missed = results[1][2]  # parts the cache lacked (it could not be written): rendered here
            results.append(_render_share(env, out, site, [page for index in missed for page in pages_of_parts[index]]))
        else:

            def split() -> list:
                # The site-wide data files are made here: the articles' shares they leave are kept for the next build.
                return parallel.split(
                    [*pages, *copies.items()],
                    lambda some: _render_share(env, out, site, some),
                    here=lambda item: isinstance(item, Page) and item.site_wide_data,
                )

            if helper is not None and helper.started:  # it copies files into `out`: wait for it, no part to give
                mine, theirs = helper.run(_packed((str(out.root), [])), split)
                results = [*mine, theirs]
            else:
                results = split()
        problems = [p for result in results for p in result[1]]
        if problems:
            # One broken template fails every page that uses it: report each place once.
            unique = {(p.file, p.line, p.message.split(" (while")[0]): p for p in problems}
            raise BuildFailed(list(unique.values()))
        order = {page.path: index for index, page in enumerate(pages)}
        return sorted((path for result in results for path in result[0]), key=order.__getitem__)

    def _apart(self, site: Site, pages: list[Page]) -> tuple[list[bytes], list[list[Page]]] | None:
        """Articles' own pages in parts of a few hundred articles, each with what the helper reads from the
        cache to render them (packed) and the pages as this process would render them; None when few.

        Own pages read only their article, its related articles and its story: the contract that
        Builder._update_from_cache relies on too. So the helper reads those from the cache, a part at a
        time, and needs nothing of this process's model."""
        owned: dict[str, tuple[Article, list[Page]]] = {}
        for page in pages:
            if page.owner is not None:
                owned.setdefault(page.owner.slug, (page.owner, []))[1].append(page)
        if len(owned) < parallel.MIN_ITEMS:
            return None
        members = {story.id: story.articles for story in site.stories}
        # Articles related to the same others side by side: a part then reads fewer besides its own.
        chosen = sorted(owned.values(), key=lambda item: _likeness(item[0]))
        parts, pages_of_parts = [], []
        for start in range(0, len(chosen), _PART_SIZE):
            group = chosen[start : start + _PART_SIZE]
            targets = [str(article.file) for article, _ in group]
            needed = {str(r.article.file) for article, _ in group for r in article.related}
            needed.update(str(m.file) for article, _ in group if article.story for m in members[article.story])
            related = {article.slug: [(r.article.slug, r.reasons) for r in article.related] for article, _ in group}
            own = [page for _, some in group for page in some]
            parts.append(_packed((targets, sorted(needed - set(targets)), related, [page.path for page in own])))
            pages_of_parts.append(own)
        return parts, pages_of_parts

    def _render_parts(self, job: bytes, claims: parallel.Claims) -> tuple[list[str], list[Problem], list[int]]:
        """In the helper: each part's own pages, rendered from the articles as the cache holds them (the same
        pages, byte for byte); also the parts the cache lacks, for the main process to render."""
        root, parts = pickle.loads(job)
        if not parts:  # started on the copies alone (a small site)
            return [], [], []
        out = Output(Path(root), fresh=True)
        self.templates.refresh()
        env = self.templates.env
        done, problems, missed = [], [], []
        while (index := claims.first()) is not None:
            targets, needed, related, paths = pickle.loads(parts[index])
            site = self.loader.stored_part([Path(name) for name in targets + needed])
            if site is None:  # not in the cache as this build left it: the main process renders the part
                missed.append(index)
                continue
            by_file = {str(article.file): article for article in site.articles}
            articles = [by_file[name] for name in targets]
            _link_part(site, articles, related.__getitem__)
            wanted = set(paths)
            own = [page for article in articles for page in own_pages(site, article) if page.path in wanted]
            found = _render_share(env, out, site, own)
            done += found[0]
            problems += found[1]
        return done, problems, missed

    # ---- the cache: what the last build left in .cache/ -----------------------------------

    def _key(self) -> tuple:
        return (str(self.site_dir.resolve()), str(self.out_dir.resolve()), self.base_url)

    def _restore(self, static_dirs: list[Path]) -> set[str] | None:
        """Take up the last build's knowledge; the inputs changed since, when its output folder is intact."""
        state = self.cache.read("state")
        if not isinstance(state, dict) or state.get("key") != self._key():
            state = None
        built: _Built | None = state["built"] if state else None
        if built is None or not _output_intact(self.out_dir, built):  # a folder changed by hand is built afresh
            return None
        self._built = built
        changed = _changed_inputs(built.inputs, self.site_dir, static_dirs)
        if changed:  # take up what the last build worked out that still holds
            self.templates.start_from(built.templates)  # refresh() drops them if a template changed
        return changed

    def _save(self) -> None:
        if self.cache is None:
            return
        self.loader.save()
        if self.loader.relations.changed:
            self.loader.relations.changed = False
            self.cache.write("relations", self.loader.relations)
        self.loader.forget_pieces_but(self._outlines.outline.keys())  # the shares of articles that are gone
        self.cache.write("state", {"key": self._key(), "built": self._built})


class _StoredPieces:
    """exports.Pieces' store: the build cache, through the loader, which knows the site.yaml they were made for."""

    def __init__(self, loader: SiteLoader):
        self.loader = loader

    def read(self, name: str, slugs: list[str]) -> dict:
        return self.loader.read_pieces(name, slugs)

    def write(self, changed: dict) -> None:
        self.loader.save_pieces(changed)


# Articles whose own pages are rendered together: the helper reads them (and the articles they list) from
# the cache in one go.
_PART_SIZE = 200


def _likeness(article: Article) -> tuple:
    return tuple(sorted(related.article.slug for related in article.related))


def _claimed_from_the_end(claims: parallel.Claims, pages_of_parts: list[list[Page]]):
    """The pages of each part this process claims, until none is left."""
    while (index := claims.last()) is not None:
        yield pages_of_parts[index]


def _copy_files(job: bytes) -> None:
    """In the helper, started early (Builder._copying): copy the files (path, source) into the output folder."""
    root, copies = pickle.loads(job)
    _render_share(None, Output(Path(root), fresh=True), None, copies)


def _render_share(env, out: Output, site: Site | None, some: list) -> tuple[list[str], list[Problem]]:
    """Render pages and copy files (path, source); the paths rendered, and the problems found."""
    done, problems = [], []
    for page in some:
        if isinstance(page, tuple):  # a file to copy: on a slow disk, 10,000 captures take seconds
            out.copy(page[1], page[0])
            continue
        try:
            text = render.render(env, site, page)
        except Exception as err:  # any failure inside a template is reported as the template's
            problems.append(render.template_problem(err, page))
            continue
        out.write_text(page.path, text)
        done.append(page.path)
    return done, problems


def _packed(value) -> bytes:
    """Data for the helper as one block of bytes, unpacked there into objects of its own."""
    return pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)


def _link_part(site: Site, articles: list[Article], related_to) -> dict[str, Article]:
    """Link a part of the model read from the cache as far as `articles`' own pages read it; by slug."""
    by_slug = {article.slug: article for article in site.articles}
    for article in site.articles:
        for use in article.sources:
            use.article = article
    for article in articles:
        article.related = [Related(by_slug[other], reasons) for other, reasons in related_to(article.slug)]
    site.stories = stories.build(site, only={article.story for article in articles if article.story})
    return by_slug


@contextmanager
def _collector_set_aside():
    """Python's cycle collector, paused while the model is made and kept off it while pages are rendered.

    A build makes a million objects that live until it ends; each collection would walk them all
    (a third of a build's time). Unfrozen at the end, a kept Builder's old models are collected as usual."""
    was_enabled = gc.isenabled()
    gc.disable()

    def model_made() -> None:
        gc.freeze()  # the model lives as long as the build: the collector need not walk it again and again
        if was_enabled:
            gc.enable()

    try:
        yield model_made
    finally:
        gc.unfreeze()
        if was_enabled:
            gc.enable()


def _signatures(root: Path, paths: list[str]) -> dict[str, tuple | None]:
    return {path: signature(root / path) for path in paths}


def _same_marker(out_dir: Path, built: _Built) -> bool:
    return built.marker is not None and signature(out_dir / MARKER) == built.marker


def _output_intact(out_dir: Path, built: _Built) -> bool:
    """Whether the output folder still holds exactly what the build wrote (nobody replaced or edited it)."""
    if not _same_marker(out_dir, built):
        return False
    root = f"{out_dir}{os.sep}"
    return all(sig is not None and signature(root + path) == sig for path, sig in built.files.items())


def _changed_inputs(recorded: dict[str, tuple | None], site_dir: Path, static_dirs: list[Path]) -> set[str]:
    """The files a build would read that are not the ones the last build read: new, gone or newer."""
    now = _current_inputs(site_dir, static_dirs, recorded)
    changed = {name for name, sig in now.items() if not unchanged(recorded.get(name), sig)}
    return changed | (recorded.keys() - now.keys())


def _current_inputs(site_dir: Path, static_dirs: list[Path], recorded: dict) -> dict[str, tuple | None]:
    found: dict[str, tuple | None] = {}
    config = site_dir / "site.yaml"
    found[str(config)] = signature(config)
    for folder in [site_dir / "content", *render.template_dirs(site_dir), *static_dirs]:
        _walk(folder, found, md_only=folder == site_dir / "content")
    seeds = f"{site_dir / 'seeds'}{os.sep}"
    for name in recorded:  # the captures the pages named; another file in seeds/ changes nothing
        if name.startswith(seeds):
            found[name] = signature(name)
    return found


def _walk(folder: Path | str, found: dict, md_only: bool) -> None:
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return
    for entry in entries:
        if entry.is_dir(follow_symlinks=True):
            _walk(entry.path, found, md_only)
        elif entry.is_file(follow_symlinks=True) and (not md_only or entry.name.endswith(".md")):
            found[entry.path] = signature(entry.path)


def _copied_inputs(copies: dict[str, Path], signatures: dict[str, tuple | None]) -> dict[str, tuple | None]:
    return {str(source): settled(signatures[path]) for path, source in copies.items()}


@dataclass
class _Outlines:
    """What a fresh Builder needs, besides the state, to render an edited article's own pages from a part
    of the model (Builder._update_from_cache): unchanged while no article's outline changes."""

    key: tuple  # Builder._key(): the site, output folder and base_url it was made for
    config: bytes  # site.yaml's digest
    every: bytes  # _Digests.every_outline
    outline: dict[str, bytes]  # slug -> Article.outline
    file_of: dict[str, str]  # slug -> its content page, as the page store names it
    captured_by: dict[str, list[str]]  # capture file -> the slugs of the articles that summarise it
    # slug -> its related articles' slugs and the reasons, as JSON text: a build reads a few of 10,000, and
    # unpickling them all as lists of strings took longer than the rest of a one-article build.
    related: dict[str, str]
    stories: dict[str, list[str]]  # story id -> its articles' slugs
    feed: list[str]  # the feed's entries

    def related_to(self, slug: str) -> list[tuple[str, list[str]]]:
        return [(other, reasons) for other, reasons in json.loads(self.related[slug])]

    @classmethod
    def of(cls, site: Site, digests: _Digests, key: tuple, config: bytes) -> _Outlines:
        captured_by: dict[str, list[str]] = {}
        for article in site.articles:
            captured_by.setdefault(str(article.capture.path), []).append(article.slug)
            if article.original:  # its copy in the output, and its digest, are the article's own
                captured_by.setdefault(str(article.capture.path.with_name(article.original)), []).append(article.slug)
        return cls(
            key,
            config,
            digests.every_outline,
            {article.slug: article.outline for article in site.articles},
            {article.slug: str(article.file) for article in site.articles},
            captured_by,
            {a.slug: json.dumps([[r.article.slug, r.reasons] for r in a.related]) for a in site.articles},
            {story.id: [article.slug for article in story.articles] for story in site.stories},
            [article.slug for article in feed_entries(site)],
        )


class _Digests:
    """What each page is made from, as a digest: equal digests render equal pages."""

    def __init__(self, site: Site, templates: render.Templates, every_outline: bytes | None = None):
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


def _update_search_index(site: Site, out: Output, changed: list[str]) -> float | None:
    """After a rebuild in place: index again when a page changed, into a new folder swapped in whole."""
    if not site.settings.search:
        out.remove_folder(search.BUNDLE)
        return None
    if (out.root / search.BUNDLE).is_dir() and not any(path.endswith(".html") for path in changed):
        return None  # Pagefind reads only the HTML pages
    with out.replacing_folder(search.BUNDLE) as fresh:
        return search.index(out.root, fresh)


def _static_copies(static_dirs: list[Path]) -> dict[str, Path]:
    """Output path -> the static file copied there (the raw captures are copied too, beside their pages)."""
    copies: dict[str, Path] = {}
    for folder in static_dirs:  # the site's own static files override the project's
        if folder.is_dir():
            for file in sorted(folder.rglob("*")):
                if file.is_file():
                    copies[f"{urls.STATIC}/{file.relative_to(folder).as_posix()}"] = file
    return copies


def _capture_copies(articles: list[Article]) -> dict[str, Path]:
    """Output path -> the capture copied there: each article's text capture, and its saved original if any."""
    copies = {}
    for article in articles:
        copies[urls.capture_text(article.slug)] = article.capture.path
        if article.original:
            copies[urls.capture_original(article.slug)] = article.capture.path.with_name(article.original)
    return copies


def _plan_copies(copies: dict[str, Path], signatures: dict[str, tuple | None], plan: dict[str, bytes]) -> None:
    """Enter each copy in the plan by its source's signature, taken before it was copied."""
    for path, source in copies.items():
        now = signatures[path]  # a file written just now may change unseen
        plan[path] = repr((str(source), now)).encode() if unchanged(now, now) else _COPY_AGAIN
