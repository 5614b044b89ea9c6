"""One build, from the site folder to the output folder, doing only what changed since the last one.

    site folder --walk--> what changed --load--> Site --plan--> pages to render --render--> output folder

The path is chosen by what changed since the last build, whose state this Builder keeps (as the
preview's does) or reads back from `.cache/` (as a fresh `build` does):

1. nothing changed: nothing is done;
2. only what articles' own pages show changed (bodies, comments, captures): those pages are rendered
   from a part of the model, the edited articles read again and the articles they list taken from the
   page store, and written in place;
3. anything else, or no usable state: the whole site is loaded, every page planned, and those whose
   digests changed rendered, into a fresh folder swapped in whole or, when the output folder is the
   last build's, in place.

Every path gives the same output, byte for byte. Big loads and renders are shared out to worker
processes (build/workers.py); a failed build leaves the previous site as it was (build/writer.py).
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from pathlib import Path

from .. import progress
from ..model import Site, relations
from ..model.loader import SHARE_PAGES, SiteLoader
from ..site import corpus, render, search, urls
from ..site.pages import Page, feed_entries, feed_page, own_pages, site_pages
from ..source.files import signature, unchanged
from ..source.layout import SiteFolder
from . import compress
from . import plan as planning
from .cache import BuildCache, BuildState, Shares, SiteIndex
from .memory import collector_set_aside
from .rendering import Where, render_into
from .workers import Workers
from .writer import MARKER, Output, atomic_output, check_destination, in_place_output, recover


@dataclass
class BuildResult:
    out_dir: Path
    pages: int
    articles: int
    seconds: float = 0.0
    rendered: list[str] = field(default_factory=list)  # output paths of the pages rendered by this build
    written: list[str] = field(default_factory=list)  # output paths written or replaced
    removed: list[str] = field(default_factory=list)  # output paths deleted
    full: bool = True  # False: an incremental rebuild in place
    base_url: str | None = None  # the address the site was built for, if any
    search_seconds: float | None = None  # how long Pagefind took to index the pages; None: it did not run
    up_to_date: bool = False  # True: nothing changed since the build cache's build, so nothing was done
    workers: int = 0  # worker processes the build started besides this one
    linked_folders: list[Path] = field(default_factory=list)  # links to folders under content/, not read
    # With `compress: true` (or when it was just turned off): the compressed copies written and removed, which
    # `written` and `removed` leave out (build/compress.py); None: compress is off and none was removed.
    compressed: compress.Summary | None = None


class Builder:
    def __init__(
        self, site_dir: Path, out_dir: Path, base_url: str | None = None, cache: bool = True, jobs: int | None = None
    ):
        self.folder, self.out_dir, self.base_url, self.jobs = SiteFolder(site_dir), out_dir, base_url, jobs
        self.cache = BuildCache(site_dir, enabled=cache)
        self.loader = SiteLoader(site_dir, base_url, self.cache)
        self.templates = render.Templates(site_dir, keep_compiled=cache)
        self.shares = Shares(self.cache.pages if cache else None, lambda: self.loader.config_digest)
        self._built: BuildState | None = None  # after a good build
        self._index: SiteIndex | None = None  # as the cache holds it
        self._asked_cache = False
        self._names_by_path: dict[str, str] | None = None  # each input's name by its absolute path

    def build(self, changed: set[Path] | None = None) -> BuildResult:
        """Build. `changed` may name the files changed since the last build, as the preview's watcher sees
        them: a kept Builder then looks at those alone rather than stat every file of the site."""
        started = time.perf_counter()
        own = self.folder.own_folders()
        protected = [*own, *self.folder.template_dirs(), *self.folder.static_dirs()]
        check_destination(self.out_dir, [p for p in protected if p.exists() or p in own])
        recover(self.out_dir)  # what a killed build left: its half-done rebuild rolled back, its folders
        try:
            with Workers(self.jobs) as workers:
                changes = self._changes(changed)
                if changes is not None and not changes:
                    result = self._up_to_date()
                else:
                    result = (changes and self._own_pages_only(changes, workers)) or self._whole(workers)
                result.workers = workers.processes
        finally:
            progress.done()  # the last phase's bar gone before the command's summary, or its problems
        result.seconds = time.perf_counter() - started
        return result

    # ---- what changed since the last build ---------------------------------------------------------

    def _changes(self, hint: set[Path] | None) -> set[str] | None:
        """The inputs changed since the last build; None when unknown (no usable state: the whole path)."""
        if not self.cache.enabled:
            return None
        if self._built is None and not self._asked_cache:
            self._asked_cache = True
            return self._restore()
        if self._built is None or not self._built.same_folder(self.out_dir):
            return None  # a folder replaced since (its marker is new) is built afresh
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
        return self.folder.changed_since(self._built.inputs)

    def _restore(self) -> set[str] | None:
        """Take up the last build's state; the inputs changed since, when its output folder is intact."""
        state = self.cache.read("state", BuildState)
        if state is None or state.key != self._key() or not state.intact(self.out_dir):
            return None  # another site, folder or address, or a folder changed by hand: built afresh
        self._built = state
        changed = self.folder.changed_since(state.inputs)
        if changed:  # take up what the last build worked out that still holds
            self.templates.start_from(state.templates)  # refresh() drops it if a template changed
        return changed

    def _up_to_date(self) -> BuildResult:
        built = self._built
        return BuildResult(
            self.out_dir, built.pages, built.articles, full=False, base_url=built.base_url, up_to_date=True
        )

    # ---- the paths -----------------------------------------------------------------------------------

    def _whole(self, workers: Workers) -> BuildResult:
        walk = self.folder.walk()
        with collector_set_aside() as model_made:
            site = self.loader.load(walk.pages, workers.run)
            model_made()
            self.templates.refresh(walk.templates)
            built = self._built if self._built is not None and self._built.same_folder(self.out_dir) else None
            digests = planning.Digests(site, self.templates)
            pages = site_pages(site)
            copies = {**planning.static_copies(walk.static), **planning.capture_copies(site.articles)}
            plan = planning.plan(pages, digests, copies, built)
            self._forget_state()  # should the build fail half-way, the next one starts afresh
            if built is None:
                result = self._write_fresh(site, plan, workers)
            else:
                result = self._write_in_place(site, plan, built, plan.digests, workers)
            inputs = {**self.loader.inputs(), **self.templates.inputs(), **planning.copied_inputs(plan)}
            self._keep_state(result, inputs, len(pages), len(site.articles), site)
            if self.cache.enabled:
                self._index = SiteIndex.of(
                    site, self._key(), self.loader.config_digest, digests.every_outline, feed_entries(site)
                )
                self._save(site)
        result.build.pages, result.build.linked_folders = len(pages), walk.linked_folders
        return result.build

    def _own_pages_only(self, changed: set[str], workers: Workers) -> BuildResult | None:
        """After edits that only the edited articles' own pages show, render those pages from a part of the
        model. None when an edit reaches further, or anything else changed: the whole path finds it out."""
        index = self._index or self.cache.read("index", SiteIndex)
        if index is None or index.key != self._key():
            return None
        self._index = index
        if self.templates.env is None:  # a Builder whose first build found nothing changed: no template did
            self.templates.start_from(self._built.templates)
        slugs = index.edited(changed, self.folder)
        if slugs is None or len(slugs) >= SHARE_PAGES:  # many pages to read: the whole path reads them in workers
            return None
        feed = index.feed if slugs & set(index.feed) and urls.FEED in self._built.plan else []
        needed = index.listed_by(slugs) | set(feed)
        loaded = self.loader.load_part(
            [Path(index.file_of[slug]) for slug in sorted(slugs)],
            [Path(index.file_of[slug]) for slug in sorted(needed - slugs)],
        )
        if loaded is None or self.loader.config_digest != index.config:  # site.yaml's content changed
            return None
        site, edited = loaded
        if any(article.outline != index.outline[article.slug] for article in edited):
            return None  # what lists show of it changed
        # The files that read every article whole (its capture's text, its comments), when the edits change
        # them: made from the edited articles' shares and the others' kept ones (site/corpus.py).
        remade = corpus.remade_in_part(site, edited, self.shares, list(index.file_of))
        if remade is None:
            return None
        by_slug = relations.link_part(site, edited, index.related_to)
        pages = [page for article in edited for page in own_pages(site, article)]
        if feed:
            pages.append(feed_page([by_slug[slug] for slug in feed]))
        # Declared as showing the edited articles whole: their digests then change with every such edit.
        pages += [Page(path, None, context, shows=tuple(edited), lists=(), make=make) for path, make, context in remade]
        digests = planning.Digests(site, self.templates, every_outline=index.every)
        plan = planning.plan(pages, digests, planning.capture_copies(edited), self._built)
        built = self._built
        self._forget_state()
        result = self._write_in_place(site, plan, built, {**built.plan, **plan.digests}, workers, removing=False)
        result.build.articles = built.articles
        inputs = {**built.inputs, **self.loader.inputs_of_part(), **planning.copied_inputs(plan)}
        self._keep_state(result, inputs, built.pages, built.articles, site)
        self.loader.save_part()
        self.cache.write("state", self._built)
        result.build.pages = built.pages
        return result.build

    # ---- writing ---------------------------------------------------------------------------------------

    def _write_fresh(self, site: Site, plan: planning.Plan, workers: Workers) -> _Written:
        """Every page and copy into a new folder, swapped in for the output folder once all are there."""
        progress.phase("Writing", total=len(plan.to_render) + len(plan.copies), unit="files")
        copies = compress.Copies(site.settings.compress, plan.digests, set(plan.digests), None)
        with atomic_output(self.out_dir) as out:
            rendered = self._render(out, site, plan.to_render, plan.copies, workers)
            # Indexed before the swap: a failed index leaves the previous site in place.
            search_seconds = None
            if site.settings.search:
                progress.phase("Indexing for search")
                search_seconds = search.index(out.root)
                if copies.enabled:
                    copies.folder(out.root / search.BUNDLE, search.BUNDLE)
            copies.sort(set(plan.digests))  # every file is new
            made = copies.make(workers, out.root, out.root)
        written = [*rendered, *plan.copies]
        return _Written(
            self._result(site, rendered, written, [], True, search_seconds, copies.summary if copies.enabled else None),
            self._signatures([*written, *made]),
            {**plan.digests, **copies.digests},
            copies.made,
        )

    def _write_in_place(
        self, site: Site, plan: planning.Plan, built: BuildState, new_plan: dict, workers: Workers, removing=True
    ) -> _Written:
        """The pages and copies that changed, replaced in the output folder in one transaction; what is gone
        removed (with `removing`; else only compressed copies no longer made). Should anything fail, the
        previous site is put back."""
        previous = compress.copies_in(built.compressed)
        taken = set(plan.digests) | {path for path in new_plan if path not in previous}
        copies = compress.Copies(site.settings.compress, plan.digests, taken, built.compressed)
        progress.phase("Writing", total=len(plan.to_render) + len(plan.to_copy), unit="files")
        out = in_place_output(self.out_dir)
        if copies.enabled:  # Pagefind's folder, when it is made again: its copies made before it is swapped in
            out.finish_folder = lambda folder: copies.folder(folder, search.BUNDLE)
        with out.transaction() as changes:
            with out.staging() as staged:  # every page rendered before the first one is replaced
                rendered = self._render(staged, site, plan.to_render, {}, workers)
                for path in rendered:
                    changes.take(staged, path)
            for path in plan.to_copy:
                changes.copy(plan.copies[path], path)
                progress.advance()
            written = [*rendered, *plan.to_copy]
            copies.sort(set(written))
            made = []
            if copies.to_make:
                with out.staging() as staged:  # made from the files now in place, then moved over
                    made = copies.make(workers, out.root, staged.root)
                    for path in made:
                        changes.take(staged, path)
            dropped = set(copies.dropped())
            final = {path: digest for path, digest in new_plan.items() if path not in dropped}
            final.update(copies.digests)
            removed = [path for path in plan.removed(built) if path not in final] if removing else sorted(dropped)
            for path in removed:
                changes.remove(path)
            copies.summary.removed = [path for path in removed if path in previous]
            removed = [path for path in removed if path not in previous]
            if site.settings.search:
                progress.phase("Indexing for search")
            search_seconds = search.update_index(out, [*written, *removed], site.settings.search)
        files = {path: sig for path, sig in built.files.items() if path in final}
        files.update(self._signatures([*written, *made]))
        summary = copies.summary if copies.enabled or copies.summary.removed else None
        made_record = copies.made if removing else {**built.compressed, **copies.made}
        return _Written(
            self._result(site, rendered, written, removed, False, search_seconds, summary), files, final, made_record
        )

    def _render(self, out: Output, site: Site, pages, copies: dict[str, Path], workers: Workers) -> list[str]:
        where = Where(str(self.folder.root), str(self.cache.pages.file), self.base_url, self.cache.enabled)
        return render_into(out, site, pages, copies, self.templates.env, self.shares, workers, where)

    def _result(self, site: Site, rendered, written, removed, full: bool, search_seconds, compressed) -> BuildResult:
        return BuildResult(
            self.out_dir,
            0,  # the caller knows how many pages the site has
            len(site.articles),
            rendered=list(rendered),
            written=written,
            removed=removed,
            full=full,
            base_url=site.settings.base_url,
            search_seconds=search_seconds,
            compressed=compressed,
        )

    def _signatures(self, paths: list[str]) -> dict[str, tuple | None]:
        return {path: signature(self.out_dir / path) for path in paths}

    # ---- the state a build leaves ------------------------------------------------------------------------

    def _key(self) -> tuple:
        return (str(self.folder.root.resolve()), str(self.out_dir.resolve()), self.base_url)

    def _forget_state(self) -> None:
        self._built = None
        self.cache.forget("state")

    def _keep_state(self, written: _Written, inputs: dict, pages: int, articles: int, site: Site) -> None:
        marker = signature(self.out_dir / MARKER)
        self._built = BuildState(
            self._key(),
            written.plan,
            written.files,
            marker,
            inputs,
            self.templates.known(),
            pages,
            articles,
            site.settings.base_url,
            written.compressed,
        )
        self._names_by_path = None

    def _save(self, site: Site) -> None:
        """What the next build takes up; then no model is held between builds (the next one works from the
        cache, as a fresh process would)."""
        self.cache.write("index", self._index)
        self.loader.save()
        self.shares.keep_only({article.slug for article in site.articles})
        self.cache.write("state", self._built)
        self.loader.forget()


@dataclass
class _Written:
    build: BuildResult
    files: dict[str, tuple | None]  # output path -> its signature once written
    plan: dict[str, bytes]  # output path -> what it was made from (BuildState.plan), compressed copies included
    compressed: dict[str, tuple[bytes, tuple[str, ...]]]  # BuildState.compressed
