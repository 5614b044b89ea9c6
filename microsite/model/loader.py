"""Content pages + captures + site.yaml -> the validated Site model, or every problem found.

The rules that span files live here: names resolve in the registries, quotes and
comments are found verbatim in their capture, ids and slugs are unique.
"""

from __future__ import annotations

import dataclasses
import difflib
import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from pydantic import ValidationError

from .. import progress
from ..build.cache import BuildCache, FileDigests, record, registry_of, unrecord, unrecord_all
from ..errors import BuildFailed, Problem, display_path, field_path
from ..site import urls
from ..source import yamlfile
from ..source.config import Config, Registry, load_config
from ..source.files import settled, signature, unchanged
from ..source.layout import SiteFolder, markdown_files
from ..source.provenance import mismatch
from ..source.reader import RawPage, markdown_renderer, read_page, read_text, render_markdown
from ..source.schema import ANONYMOUS, OWN_VOICE, FrontMatter
from ..source.validation import schema_problems
from ..text import SLUG_PATTERN, NormalisedText, fold, normalise
from . import (
    Article,
    Capture,
    Claim,
    Comment,
    Comments,
    Passage,
    Site,
    Source,
    SourceUse,
    Whole,
    new_spool,
    relations,
)


def load_site(site_dir: Path, run: Run | None = None) -> Site:
    """The whole site, checked. Raises BuildFailed listing every problem.

    The digests the last build verified are trusted for files whose stat is unchanged, as a build trusts
    them; nothing is written (`check` writes nothing)."""
    cache = BuildCache(site_dir)
    return SiteLoader(site_dir, digests=FileDigests(cache.disk, keep=False)).load(run=run)


# run(task, jobs, here) -> [task(job) or here(job) for each job]: how the loader shares out its pages
# (build/workers.py Workers.run); task runs in another process, so it is a module-level function.
Run = Callable[[Callable, list, Callable], list]


def _in_this_process(task: Callable, jobs: list, here: Callable) -> list:
    return [here(job) for job in jobs]


@dataclass
class _LoadedPage:
    signature: tuple | None
    seed: str | None
    capture_signature: tuple | None
    article: Article | None
    problems: list[Problem]
    record: bytes | None = None  # the page as the page store keeps it; None until it is saved
    saved: bool = False  # whether the page store holds this version
    original: str | None = None  # the saved original it names (`original`), checked like the capture
    original_signature: tuple | None = None
    hashed: tuple | None = None  # (path, signature, sha256) a worker process verified, for this one to keep


class _ReadHere(list):
    """A share of pages read in this process (name, page): counted page by page as they are read."""


# Below this many pages to read, loading them all here costs less than sharing them out.
SHARE_PAGES = 64
_STORED_AT_ONCE = 500  # records put into the page store in one go


class SiteLoader:
    """Loads the site, and when kept between builds re-reads only the files that changed.

    A page is loaded again when its file or its capture changed; every page is, when
    site.yaml changed, since its names resolve in the registries. The rules that span
    pages (unique names, relations) run on every load: they are cheap. With a build cache,
    the pages loaded go to its page store, where worker processes and the next build find them."""

    def __init__(
        self,
        site_dir: Path,
        base_url: str | None = None,
        cache: BuildCache | None = None,
        digests: FileDigests | None = None,
    ):
        self.folder = SiteFolder(site_dir)
        self.site_dir = site_dir
        self.base_url = base_url  # overrides site.yaml's, as a CI build for GitHub Pages needs
        self.cache = cache
        # Digests of captures kept with the build cache: a file is hashed again only when its stat changed.
        self.captures = CaptureStore(self.folder.seeds, digests or (cache.digests if cache else FileDigests()))
        self._md = None  # made once site.yaml says whether raw HTML passes: see _load_config
        self._config_signature: tuple | None = None
        self._config: tuple[Config | None, list[Problem], bytes] | None = None
        self._pages: dict[Path, _LoadedPage] = {}
        self._restored = cache is None  # whether the page store's pages were taken up (once, at the first load)
        self.relations: relations.Memo | None = None  # read from the cache at the first load
        self._part: list[tuple[Path, _LoadedPage]] = []  # the pages load_part read again

    def load(self, files: list[Path] | None = None, run: Run | None = None) -> Site:
        """The site from these content pages (default: every page in content/), pages read in worker
        processes by `run` when many."""
        new_spool()  # the pages read from here on pack their bodies into a new spool file
        config, problems, config_digest = self._load_config()
        if config is None:  # without the registries no page can be checked
            raise BuildFailed(problems)
        problems = list(problems)
        for folder in (self.folder.content, self.folder.seeds):
            if not folder.is_dir():
                problems.append(
                    Problem(folder, "is missing", hint=f"create the folder `{folder.name}/` in the site folder")
                )
        if problems and not (self.folder.content.is_dir() and self.folder.seeds.is_dir()):
            raise BuildFailed(problems)
        # Registry problems in site.yaml are reported with the pages' own, all in one pass.
        self.captures.forget_signatures()
        files = markdown_files(self.folder.content) if files is None else files
        progress.phase("Reading pages", total=len(files))
        if not self._restored:
            self._restored = True
            stored = self.cache.pages.read(config_digest)
            self._pages = _restore(stored, config)
        self._pages = self._load_pages(files, config, run or _in_this_process)
        self.save()  # now, so that the records are not held through the rest of the build
        articles = self._unique(files, problems)
        _check_resolutions(articles, {file.stem for file in files}, problems)
        if not files:
            problems.append(
                Problem(self.folder.content, "has no pages", hint="add a content page: see docs/content-format.md")
            )
        if problems:
            raise BuildFailed(problems)
        if not config.settings.build_drafts:  # checked like every page, then left out of the site
            articles = [article for article in articles if not article.draft]
        site = self._site(config, config_digest, articles)
        if self.relations is None:
            memo = self.cache.read("relations", relations.Memo) if self.cache else None
            self.relations = memo or relations.Memo()
        relations.link(site, self.relations)
        return site

    def _unique(self, files: list[Path], problems: list[Problem]) -> list[Article]:
        """The pages' articles, each page name and capture used once (the problems found added)."""
        articles: list[Article] = []
        by_slug: dict[str, Article] = {}
        by_seed: dict[str, Article] = {}
        for file in files:
            loaded = self._pages[file]
            problems += loaded.problems
            article = loaded.article
            if article is None:
                continue
            for index, seen in ((by_slug, article.slug), (by_seed, article.capture.filename)):
                if seen in index:
                    other = display_path(index[seen].file)
                    same_name = index is by_slug
                    problems.append(
                        Problem(
                            file,
                            f"has the same {'page name' if same_name else 'seed'} `{seen}` as {other}",
                            line=None if same_name else _line_in_page(file, ("seed",)),
                            field=None if same_name else "seed",
                            hint="rename one of the files"
                            if same_name
                            else "each capture is summarised by one page: merge the two pages",
                        )
                    )
                index[seen] = article
            articles.append(article)
        return articles

    def _site(self, config: Config, config_digest: bytes, articles: list[Article]) -> Site:
        articles.sort(key=Article.sort_key)
        settings, digest = config.settings, config_digest
        if self.base_url:
            settings = dataclasses.replace(settings, base_url=self.base_url)
            digest = hashlib.blake2b(digest + self.base_url.encode(), digest_size=16).digest()
        return Site(settings, articles, config.companies.entries, config.sources.entries, digest=digest)

    def load_part(self, again: list[Path], stored: list[Path]) -> tuple[Site, list[Article]] | None:
        """For a build from the cache after edits that reach no further than the edited articles' own
        pages: a Site of these articles alone, unlinked, and those of them read again. The pages `again`
        are read, the pages `stored` taken from the page store. None when a page read has a problem,
        site.yaml has one, or the store lacks a page: a whole load then finds and reports it."""
        config, problems, config_digest = self._load_config()
        if self.cache is None or config is None or problems:
            return None
        new_spool()
        fresh = []
        for file in again:
            page = self._load_page(file, config)
            if page.problems or page.article is None:
                return None
            fresh.append((file, page))
        kept = self.stored_articles(stored, config)  # the same registry entries as the pages read again
        if kept is None:  # missing or unreadable: the whole load reads the page again
            return None
        self._part = fresh
        articles = [page.article for _file, page in fresh]
        return self._site(config, config_digest, [*articles, *kept]), articles

    def stored_part(self, files: list[Path]) -> Site | None:
        """A Site of these pages alone, unlinked, as the page store holds them; None when it lacks one (it
        could not be written) or site.yaml has a problem."""
        config, _problems, digest = self._load_config()
        if config is None:
            return None
        new_spool()  # the last part's goes with it
        articles = self.stored_articles(files, config)
        return None if articles is None else self._site(config, digest, articles)

    def stored_articles(self, files: list[Path], config: Config) -> list[Article] | None:
        """These pages' articles as the page store holds them, their registry entries `config`'s; None when it
        lacks one or cannot read it."""
        if self.cache is None:
            return None
        digest = self._config[2]
        records = self.cache.pages.read(digest, [str(file) for file in files]) if files else {}
        registry, articles = registry_of(config.companies.entries, config.sources.entries), []
        for file in files:
            try:
                articles.append(unrecord(records[str(file)], registry)[3])
            except Exception:
                return None
        return articles

    def save_part(self) -> None:
        """Store the pages that load_part read again."""
        if self.cache is None or self._config is None or self._config[0] is None:
            return
        digest = self._config[2]
        changed = {str(file): _record(page) for file, page in self._part}
        self.cache.pages.write(digest, changed, keep=None)
        self.captures.digests.save()

    def inputs_of_part(self) -> dict[str, tuple | None]:
        found = {}
        for file, page in self._part:
            found[str(file)] = page.signature
            found[str(self.captures.folder / page.seed)] = page.capture_signature
            if page.original:
                found[str(self.captures.folder / page.original)] = page.original_signature
        return found

    @property
    def config_digest(self) -> bytes | None:
        """The digest of site.yaml as the last load read it."""
        return self._config[2] if self._config is not None and self._config[0] is not None else None

    def forget(self) -> None:
        """Drop the pages loaded: the next load takes them back from the page store (a kept Builder holds
        no model between builds: a big site's model is most of a build's memory)."""
        self._pages = {}
        self._restored = self.cache is None

    def _load_config(self) -> tuple[Config | None, list[Problem], bytes]:
        file = self.folder.config
        now = signature(file)
        if self._config is None or not unchanged(self._config_signature, now):
            config, problems = load_config(self.site_dir)
            digest = hashlib.blake2b(file.read_bytes() if config else b"", digest_size=16).digest()
            self._config, self._config_signature = (config, problems, digest), settled(now)
            self._pages.clear()  # loaded pages point into the old registries
            if config is not None:
                self._md = markdown_renderer(allow_html=config.settings.raw_html)
        return self._config

    def _load_pages(self, files: list[Path], config: Config, run: Run) -> dict[Path, _LoadedPage]:
        """Every page: kept when neither it nor its capture changed, else read again, in shares when many."""
        kept, fresh = {}, []
        for file in files:
            cached = self._pages.get(file)
            if cached is not None and self._still(cached, file):
                kept[file] = cached
            else:
                fresh.append(file)
        progress.advance(len(kept))
        # Shares of a few hundred milliseconds each: the last one left holds no other process up for long.
        names = [str(file) for file in fresh]
        jobs = [names[start : start + SHARE_PAGES] for start in range(0, len(names), SHARE_PAGES)] or [[]]
        registry = registry_of(config.companies.entries, config.sources.entries)

        def here(job: tuple) -> _ReadHere:
            share = _ReadHere()
            for name in job[2]:
                share.append((name, self._load_page(Path(name), config)))
                progress.advance()
            return share

        waiting: list[tuple[str, _LoadedPage]] = []  # loaded, not in the page store yet
        for share in run(load_share, [(str(self.site_dir), self.base_url, job) for job in jobs], here):
            if not isinstance(share, _ReadHere):
                progress.advance(len(share))  # a worker's share, counted as it arrives
            for name, page in share:
                if page.article is None and page.record is not None:  # read by a worker process
                    page.article = unrecord(page.record, registry)[3]
                if page.hashed is not None:  # verified by the worker: not to be hashed again
                    self.captures.digests.remember(*page.hashed)
                kept[Path(name)] = page
                waiting.append((name, page))
            if len(waiting) >= _STORED_AT_ONCE:  # no record held longer than it must be
                self._store(waiting)
                waiting = []
        self._store(waiting)
        return {file: kept[file] for file in files}

    def _still(self, cached: _LoadedPage, file: Path) -> bool:
        """Whether a page loaded before is still the page and capture it read."""
        captures = self.captures
        return (
            unchanged(cached.signature, signature(file))
            and (cached.seed is None or unchanged(cached.capture_signature, captures.signature(cached.seed)))
            and (cached.original is None or unchanged(cached.original_signature, captures.signature(cached.original)))
        )

    def _load_page(self, file: Path, config: Config) -> _LoadedPage:
        now = settled(signature(file))  # taken before reading: a write while it is read shows next time
        article, problems, seed, original = load_article(file, config, self.captures, self._md)
        capture_signature = settled(self.captures.signature(seed)) if seed else None
        page = _LoadedPage(now, seed, capture_signature, article, problems, original=original)
        if original:
            page.original_signature = settled(self.captures.signature(original))
        return page

    def save(self) -> None:
        """Store the pages loaded (and checked good) since the last save, and the related articles' memo."""
        if self.cache is None or self._config is None or self._config[0] is None:
            return
        self._store([(str(file), page) for file, page in self._pages.items()])
        self.cache.pages.write(self._config[2], {}, {str(file) for file in self._pages})  # and only those
        self.captures.digests.save()
        if self.relations is not None and self.relations.changed:
            self.relations.changed = False
            self.cache.write("relations", self.relations)

    def _store(self, pages: list[tuple[str, _LoadedPage]]) -> None:
        """Put these pages (name, page) into the page store where it lacks them, _STORED_AT_ONCE at a time:
        their records are never all held at once."""
        if self.cache is None or self._config is None or self._config[0] is None:
            return
        # Stored even when too fresh to trust its stat (signature None): the next load reads that page
        # again anyway, but a build from the cache may take it as it is, so it must be this version.
        waiting = [(name, page) for name, page in pages if page.article is not None and not page.saved]
        for start in range(0, len(waiting), _STORED_AT_ONCE):
            some = waiting[start : start + _STORED_AT_ONCE]
            self.cache.pages.write(self._config[2], {name: page.record or _record(page) for name, page in some}, None)
            for _name, page in some:
                page.record, page.saved = None, True

    def inputs(self) -> dict[str, tuple | None]:
        """Every file the last load read, with its signature then: site.yaml, the pages, their captures."""
        found = {str(self.folder.config): self._config_signature}
        for file, page in self._pages.items():
            found[str(file)] = page.signature
            if page.seed:
                found[str(self.captures.folder / page.seed)] = page.capture_signature
            if page.original:
                found[str(self.captures.folder / page.original)] = page.original_signature
        return found


_worker_loaders: dict[tuple, SiteLoader] = {}  # in a worker process: one loader per site, kept between jobs


def load_share(job: tuple) -> list[tuple[str, _LoadedPage]]:
    """In a worker process: these pages loaded, each handed back as a record (only bytes cross between
    processes, registry entries named rather than copied), with the digests it verified."""
    site_dir, base_url, names = job
    loader = _worker_loaders.setdefault((site_dir, base_url), SiteLoader(Path(site_dir), base_url))
    config = loader._load_config()[0]
    if config is None:  # site.yaml broke meanwhile: the main process reports it
        return [(name, _LoadedPage(None, None, None, None, [])) for name in names]
    loaded = []
    for name in names:
        page = loader._load_page(Path(name), config)
        if page.article is not None:
            page.record, page.article = _record(page), None
        hashed = page.original or page.seed
        known = loader.captures.digests.known(str(loader.captures.folder / hashed)) if hashed else None
        page.hashed = (str(loader.captures.folder / hashed), *known) if known else None
        loaded.append((name, page))
    return loaded


def _record(page: _LoadedPage) -> bytes:
    return record(
        (page.signature, page.seed, page.capture_signature, page.article, page.original, page.original_signature)
    )


def _restore(records: dict[str, bytes], config: Config) -> dict[Path, _LoadedPage]:
    """The pages of the page store; a record that cannot be read is left out, so its page is read again."""
    pages = {}
    for path, value in unrecord_all(records, registry_of(config.companies.entries, config.sources.entries)):
        page_signature, seed, capture_signature, article, original, original_signature = value
        pages[Path(path)] = _LoadedPage(
            page_signature,
            seed,
            capture_signature,
            article,
            [],
            saved=True,
            original=original,
            original_signature=original_signature,
        )
    return pages


def _line_in_page(file: Path, loc: tuple) -> int | None:
    """The line of a key in a page already read once; only used to report a problem."""
    raw, _problem = read_page(file)
    return yamlfile.line_of(raw.front_matter, loc, raw.front_matter_line) if raw else None


class CaptureStore:
    """The captures' signatures, each asked once per load, and their texts, read when a page is loaded.

    Texts are not kept: a page is loaded again mostly because it or its capture changed, and a big
    site's captures would hold memory for nothing."""

    def __init__(self, folder: Path, digests: FileDigests | None = None):
        self.folder = folder
        self._signatures: dict[str, tuple | None] = {}  # stat once per load, however many pages ask
        self.digests = digests or FileDigests()

    def forget_signatures(self) -> None:
        self._signatures.clear()

    def signature(self, name: str) -> tuple | None:
        if name not in self._signatures:
            unsafe = "/" in name or "\\" in name or name.startswith(".")
            self._signatures[name] = None if unsafe else signature(self.folder / name)
        return self._signatures[name]

    def get(self, name: str) -> tuple[str | None, Problem | None]:
        now = self.signature(name)
        if now is None:
            return None, None
        return read_text(self.folder / name)

    def sha256(self, name: str) -> str | None:
        """The file's SHA-256, computed again only when its stat changed; None when it is missing."""
        if self.signature(name) is None:  # missing, or a name that leaves the folder
            return None
        path = self.folder / name
        return self.digests.of(path, signature(path))  # a fresh stat: the memo above may be a load old


class _Page:
    """One content page being loaded: where its problems are reported."""

    def __init__(self, raw: RawPage):
        self.raw = raw
        self.problems: list[Problem] = []

    def problem(self, loc: tuple, message: str, hint: str) -> None:
        line = yamlfile.line_of(self.raw.front_matter, loc, self.raw.front_matter_line)
        self.problems.append(Problem(self.raw.file, message, line=line, field=field_path(loc), hint=hint))


def load_article(
    file: Path, config: Config, captures: CaptureStore, md
) -> tuple[Article | None, list[Problem], str | None, str | None]:
    """One page, checked against the registries and its capture; also returns the seed and original it names."""
    raw, fm, problems = _front_matter(file)
    if raw is None or fm is None:
        return None, problems, None, None
    page = _Page(raw)
    slug = file.stem
    _check_slug(page, file)
    capture, text = _capture(page, fm, captures, slug)
    normalised = NormalisedText(text) if text else None
    passages: list[Passage] = []  # where the claims' quotes and the comments are in the capture

    publisher = _resolve(page, config.sources, fm.publisher, ("publisher",)) if fm.publisher else None
    companies = _companies(page, config.companies, fm.companies, ("companies",))
    sources = _sources(page, config.sources, fm)
    article = _article(file, slug, fm, raw, text, capture, publisher, companies, sources)
    voices = _voices(sources, publisher)
    _claims(page, config.companies, fm, voices, article, normalised, capture, passages)

    comments = _comments(page, fm.comments, normalised, capture, passages) if fm.comments else None
    passages.sort(key=lambda p: (p.start, -p.end))
    article.comment_count = len(comments.items) if comments else None
    article.digest = comments.digest if comments else None
    article.whole = capture.whole = Whole.pack(render_markdown(md, raw.body), comments, passages)
    capture.loaded_text = None  # checked; its own page reads it again, so the model need not hold it
    return (None if page.problems else article), page.problems, fm.seed, fm.original


def _front_matter(file: Path) -> tuple[RawPage | None, FrontMatter | None, list[Problem]]:
    """The page and its validated front matter, or the problems that stop it being checked any further."""
    raw, problem = read_page(file)
    if problem:
        return None, None, [problem]
    data, problems = yamlfile.load(raw.front_matter, file, raw.front_matter_line)
    if problems:
        return None, None, problems
    try:
        return raw, FrontMatter.model_validate({} if data is None else data), []
    except ValidationError as err:
        return None, None, schema_problems(err, file, raw.front_matter, raw.front_matter_line, "page")


def _check_slug(page: _Page, file: Path) -> None:
    """The file name is the page's slug (its address), so it must be a valid one."""
    if not SLUG_PATTERN.match(file.stem):
        page.problems.append(
            Problem(
                file,
                f"the file name `{file.name}` is not a valid page name",
                hint="rename it with lower-case letters, digits and hyphens, such as `huawei-us-talks.md`",
            )
        )


def _capture(page: _Page, fm: FrontMatter, captures: CaptureStore, slug: str) -> tuple[Capture, str | None]:
    """The capture the page names, and its text (None when it is missing or unreadable, which is reported)."""
    text, problem = captures.get(fm.seed)
    if problem:
        page.problems.append(problem)
    elif text is None:
        page.problem(
            ("seed",),
            f"the capture `{fm.seed}` is not in {display_path(captures.folder)}/",
            "give the file name of a capture in seeds/ (no folder), or copy the capture there",
        )
    _check_provenance(page, fm, captures, seed_found=text is not None or problem is not None)
    return Capture(slug, fm.seed, captures.folder / fm.seed, text or ""), text


def _article(
    file: Path,
    slug: str,
    fm: FrontMatter,
    raw: RawPage,
    text: str | None,
    capture: Capture,
    publisher: Source | None,
    companies: list,
    sources: list[SourceUse],
) -> Article:
    """The article as its front matter states it, its claims still to be added."""
    return Article(
        slug=slug,
        file=file,
        title=fm.title,
        publisher=publisher,
        published=fm.published,
        date_note=fm.date_note,
        url=fm.url,
        draft=fm.draft,
        story=fm.story,
        companies=companies,
        sources=sources,
        claims=[],
        capture=capture,
        original=fm.original,
        accessed=fm.accessed,
        archive_url=fm.archive_url,
        authors=list(fm.authors),
        language=fm.language,
        sha256=fm.sha256,
        fingerprint=_fingerprint(raw, text),
        outline=_outline(slug, fm),
    )


def _voices(sources: list[SourceUse], publisher: Source | None) -> dict[str, Source]:
    """Who a claim may quote, by folded name and alias: the page's sources and its publisher."""
    voices = {fold(use.source.name): use.source for use in sources}
    for use in sources:
        voices.update({fold(alias): use.source for alias in use.source.aliases})
    if publisher:
        voices[fold(publisher.name)] = publisher
        voices.update({fold(alias): publisher for alias in publisher.aliases})
    return voices


def _claims(
    page: _Page,
    registry: Registry,
    fm: FrontMatter,
    voices: dict[str, Source],
    article: Article,
    normalised: NormalisedText | None,
    capture: Capture,
    passages: list[Passage],
) -> None:
    """Each claim, checked and its quote found in the capture, added to the article in the page's order."""
    seen_ids: set[str] = set()
    for index, entry in enumerate(fm.claims):
        loc = ("claims", index)
        if entry.id in seen_ids:
            page.problem(
                (*loc, "id"), f"the claim id `{entry.id}` is used twice in this page", "give each claim its own id"
            )
        seen_ids.add(entry.id)
        claim = Claim(
            id=entry.id,
            statement=entry.statement,
            quote=entry.quote,
            source=_claim_source(page, voices, entry.source, loc),
            companies=_companies(page, registry, entry.companies, (*loc, "companies")),
            status=entry.status,
            event_date=entry.event_date,
            event_note=entry.event_note,
            due=entry.due,
            due_note=entry.due_note,
            article=article,
            unique_to_report=entry.unique_to_report,
            outcome=entry.outcome,
            outcome_note=entry.outcome_note,
            resolved_by=entry.resolved_by,
            answered=_answers(entry.answered),
        )
        _place(
            page,
            normalised,
            capture,
            passages,
            entry.quote,
            (*loc, "quote"),
            urls.quote_anchor(entry.id),
            "claim",
            entry.statement,
        )
        _check_outcome(page, entry, article.slug, loc)
        article.claims.append(claim)


def _check_outcome(page: _Page, entry, slug: str, loc: tuple) -> None:
    """An outcome only on a forecast (status forecast or a due); `resolved_by` a URL or another claim's
    `article-slug#claim-id`, never the claim's own. Whether that claim exists is checked with every page
    loaded (_check_resolutions)."""
    if entry.outcome and entry.status != "forecast" and entry.due is None:
        page.problem(
            (*loc, "outcome"),
            f"`outcome: {entry.outcome}` is given to a claim that is no forecast (its status is {entry.status})",
            "an outcome says what became of a forecast: give the claim `status: forecast` or a `due` date, "
            "or leave `outcome` out",
        )
    ref = entry.resolved_by
    if not ref or ref.startswith(("http://", "https://")):
        return
    target, hash_mark, claim_id = ref.partition("#")
    if not (hash_mark and SLUG_PATTERN.match(target) and claim_id):
        page.problem(
            (*loc, "resolved_by"),
            f"`{ref}` is neither a claim of this site nor a web address",
            "write `article-slug#claim-id` (the page's file name without .md, then the claim's id), or an http(s) URL",
        )
    elif target == slug and claim_id == entry.id:
        page.problem(
            (*loc, "resolved_by"),
            "`resolved_by` names the claim itself",
            "name the claim of another article that reports what happened, or an http(s) URL",
        )


def _check_resolutions(articles: list[Article], slugs: set[str], problems: list[Problem]) -> None:
    """Each `resolved_by: article-slug#claim-id` names a page of the site and a claim of it (a page that has
    problems of its own, `slugs` but no article, is not checked into)."""
    by_slug = {article.slug: article for article in articles}
    for article in articles:
        for index, claim in enumerate(article.claims):
            ref = claim.resolved_by
            if not ref or ref.startswith(("http://", "https://")) or "#" not in ref:
                continue
            slug, _, claim_id = ref.partition("#")
            target = by_slug.get(slug)
            if target is None and slug in slugs:
                continue  # its own problems are reported
            if target is None:
                message = f"`resolved_by` names the page `{slug}`, which the site does not have"
                close = difflib.get_close_matches(slug, sorted(slugs), n=1)
                hint = f"did you mean `{close[0]}#{claim_id}`?" if close else "give the file name of a page in content/"
                hint += " (the page's file name without .md, then # and the claim's id)"
            elif not any(c.id == claim_id for c in target.claims):
                message = f"`resolved_by` names the claim `{claim_id}`, which the page `{slug}` does not have"
                ids = [c.id for c in target.claims]
                close = difflib.get_close_matches(claim_id, ids, n=1)
                hint = (
                    f"did you mean `{slug}#{close[0]}`?"
                    if close
                    else "its claims are: " + (", ".join(f"`{i}`" for i in ids) or "none")
                )
            else:
                continue
            loc = ("claims", index, "resolved_by")
            line = _line_in_page(article.file, loc)
            problems.append(Problem(article.file, message, line=line, field=field_path(loc), hint=hint))


def _claim_source(page: _Page, voices: dict[str, Source], name: str, loc: tuple) -> Source:
    """The source a claim names, one of the page's voices; else reported, and the claim kept as anonymous."""
    source = voices.get(fold(name))
    if source is None:
        page.problem(
            (*loc, "source"),
            f"`{name}` is not one of this page's sources",
            "add it to the page's `sources` (or use the publisher); the page's sources are: "
            + (", ".join(f"`{s}`" for s in sorted({v.name for v in voices.values()})) or "none yet"),
        )
        source = Source(name, None, ANONYMOUS)
    return source


def _check_provenance(page: _Page, fm: FrontMatter, captures: CaptureStore, seed_found: bool) -> None:
    """The original exists, and the file `sha256` is of (the original, else the seed) still has that digest."""
    if fm.original and captures.signature(fm.original) is None:
        page.problem(
            ("original",),
            f"the original `{fm.original}` is not in {display_path(captures.folder)}/",
            "give the file name of the saved page in seeds/ (no folder), or copy it there; "
            "leave `original` out when the text capture is all there is",
        )
        return
    if not fm.sha256 or not (fm.original or seed_found):
        return  # nothing to verify: a missing seed is reported already
    name = fm.original or fm.seed
    found = captures.sha256(name)
    if found is not None and found != fm.sha256:
        page.problem(("sha256",), *mismatch(name, fm.sha256, found))


def _fingerprint(raw: RawPage, capture_text: str | None) -> bytes:
    """Everything an article's pages are made from, besides site.yaml and the templates."""
    digest = hashlib.blake2b(digest_size=16)
    for part in (raw.file.stem, raw.front_matter, raw.body, capture_text or ""):
        digest.update(part.encode("utf-8", "surrogatepass"))
        digest.update(b"\0")
    return digest.digest()


def _outline(slug: str, fm: FrontMatter) -> bytes:
    """What the pages that list an article read of it: its front matter, of the comments only how many."""
    comments = len(fm.comments.items) if fm.comments else 0
    summary = repr((slug, fm.model_dump(exclude={"comments"}), comments))
    return hashlib.blake2b(summary.encode("utf-8", "surrogatepass"), digest_size=16).digest()


def _resolve(page: _Page, registry: Registry, name: str, loc: tuple):
    entry = registry.get(name)
    if entry is None:
        close = registry.suggest(name)
        where = f"the {registry.label} registry in site.yaml"
        hint = f"did you mean `{close}`? Otherwise add it to {where}" if close else f"add `{name}` to {where}"
        page.problem(loc, f"`{name}` is not in the {registry.label} registry", hint)
    return entry


def _companies(page: _Page, registry: Registry, names: list[str], loc: tuple) -> list:
    found = []
    for index, name in enumerate(names):
        company = _resolve(page, registry, name, (*loc, index))
        if company is not None and company not in found:
            found.append(company)
    return found


def _sources(page: _Page, registry: Registry, fm: FrontMatter) -> list[SourceUse]:
    uses: list[SourceUse] = []
    own_voice: str | None = None  # the name of the page's own-voice source, once one is listed
    for index, ref in enumerate(fm.sources):
        loc = ("sources", index)
        if ref.kind == OWN_VOICE:
            _check_own_voice(page, registry, fm, ref.name, own_voice, loc)
            own_voice = own_voice or ref.name
            # Kept even when wrong: the claims that cite it are not a second mistake.
            uses.append(SourceUse(Source(ref.name, None, OWN_VOICE), ref.note))
            continue
        if ref.kind == ANONYMOUS:
            if registry.get(ref.name) is not None:
                page.problem(
                    (*loc, "kind"),
                    f"`{ref.name}` is a registered source, not an anonymous one",
                    "remove `kind: anonymous`, or describe the unnamed source differently",
                )
            else:
                uses.append(SourceUse(Source(ref.name, None, ANONYMOUS), ref.note))
                continue
        source = registry.get(ref.name)
        if source is None:
            close = registry.suggest(ref.name)
            hint = (f"did you mean `{close}`? " if close else "") + (
                "Register it in the `sources` of site.yaml, or add `kind: anonymous` if the article does not name it"
            )
            page.problem((*loc, "name"), f"`{ref.name}` is not in the source registry", hint)
            continue
        if ref.kind and ref.kind not in (source.kind, ANONYMOUS):
            page.problem(
                (*loc, "kind"),
                f"`{ref.name}` is registered as `{source.kind}`, not `{ref.kind}`",
                "remove `kind` here (the registry's is used), or correct it in site.yaml",
            )
        if any(use.source is source for use in uses):
            page.problem((*loc, "name"), f"`{ref.name}` is listed twice", "list each source once")
            continue
        uses.append(SourceUse(source, ref.note))
    return uses


def _check_own_voice(
    page: _Page, registry: Registry, fm: FrontMatter, name: str, first: str | None, loc: tuple
) -> None:
    """An own-voice source stands for the article itself when its publisher is not known: one per page at most,
    none on a page with a publisher (whose voice the article's own is), and not a name in the registry."""
    if fm.publisher:
        page.problem(
            (*loc, "kind"),
            f"`{name}` is the article's own voice, but the page has a publisher",
            f"attribute the article's own voice to its publisher, {fm.publisher}: "
            "remove this source and give its claims `source: " + fm.publisher + "`",
        )
    elif first is not None:
        page.problem(
            (*loc, "kind"),
            f"`{name}` is a second own-voice source: a page has one own voice",
            f"attribute all the article's own statements to `{first}`, and remove this source",
        )
    elif registry.get(name) is not None:
        page.problem(
            (*loc, "kind"),
            f"`{name}` is a registered source, not the article's own voice",
            "remove `kind: own-voice`; if the page's publisher is not known, name the article itself instead, "
            "such as `name: The article`",
        )


def _comments(page: _Page, entry, normalised, capture: Capture, passages: list[Passage]) -> Comments:
    comments: dict[str, Comment] = {}
    for index, item in enumerate(entry.items):
        loc = ("comments", "items", index)
        if item.id in comments:
            page.problem((*loc, "id"), f"the comment id `{item.id}` is used twice", "give each comment its own id")
            continue
        parent = None
        if item.reply_to is not None:
            parent = comments.get(item.reply_to)
            if parent is None:
                page.problem(
                    (*loc, "reply_to"),
                    f"`{item.reply_to}` is not the id of an earlier comment",
                    "a reply names the `id` of a comment listed above it",
                )
        comment = Comment(
            id=item.id,
            author=item.author,
            text=item.text,
            quoting=item.quoting,
            stance=item.stance,
            votes=item.votes,
            posts=item.posts,
            member_since=item.member_since,
            age=item.age,
            reply_to=parent,
        )
        if parent:
            parent.replies.append(comment)
        comments[item.id] = comment
        label = f"Comment {item.id}" + (f" by {item.author}" if item.author else "")
        _place(
            page,
            normalised,
            capture,
            passages,
            item.text,
            (*loc, "text"),
            urls.comment_anchor(item.id),
            "comment",
            label,
        )
        if item.quoting:
            _place(page, normalised, capture, passages, item.quoting, (*loc, "quoting"), None, "comment", label)
    return Comments(entry.digest, list(comments.values()), _answers(entry.answered))


def _answers(answered) -> dict[str, str]:
    """The notes of `check` a claim or comments section answers (`answered`): kind -> the reason."""
    return answered.model_dump(exclude_none=True) if answered else {}


def _place(
    page: _Page,
    normalised,
    capture: Capture,
    passages: list[Passage],
    passage: str,
    loc: tuple,
    anchor,
    kind: str,
    label: str,
) -> None:
    """Find a verbatim passage in the capture and record it for highlighting."""
    if normalised is None:
        return  # the missing seed is already reported
    span = normalised.find(passage)
    if span is None:
        page.problem(loc, f"this text is not in the capture {capture.filename}", _mismatch_hint(normalised, passage))
        return
    if anchor:
        passages.append(Passage(span[0], span[1], anchor, kind, label))


def _mismatch_hint(normalised: NormalisedText, passage: str) -> str:
    """Say how far the passage matches, so the user knows where to look."""
    needle = normalise(passage)
    low, high = 0, len(needle)
    while low < high:  # the longest prefix found in the capture
        middle = (low + high + 1) // 2
        if needle[:middle] in normalised.text:
            low = middle
        else:
            high = middle - 1
    if low < 12:
        return (
            "copy the passage from the capture exactly; only white space, typographic quotes, dashes, "
            "invisible characters (soft hyphens, zero-width spaces) and how accents are encoded may differ"
        )
    return (
        f"the first {low} characters match, up to “…{needle[max(0, low - 30) : low]}”; "
        f"the capture differs from there: compare “{needle[low : low + 30]}…” with it"
    )
