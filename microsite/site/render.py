"""Jinja2: the environment every page is rendered with.

Autoescape is on for every template and undefined names are errors, so captured text
from the open web can only ever reach the page as text.
"""

from __future__ import annotations

import hashlib
import posixpath
from collections.abc import Iterable
from pathlib import Path

from jinja2 import (
    ChoiceLoader,
    Environment,
    FileSystemLoader,
    StrictUndefined,
    TemplateNotFound,
    TemplateSyntaxError,
    meta,
    pass_context,
)
from markupsafe import Markup

from ..build import cache
from ..errors import Problem
from ..model import Article, Site, SiteSettings
from ..source.files import settled, unchanged
from ..source.layout import SiteFolder
from . import charts, highlight, structured, urls
from .pages import Page

# Every page says it (a <meta> element: GitHub Pages cannot send headers), and the preview sends it too: no
# inline script and no script from elsewhere runs, whatever a capture or a comment smuggled past the escaping.
# Pagefind compiles its WebAssembly ('wasm-unsafe-eval'); JSON-LD is data, which the policy does not run.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'self'; form-action 'self'"
)


def environment(site_dir: Path, keep_compiled: bool = True) -> Environment:
    env = Environment(
        loader=ChoiceLoader([FileSystemLoader(str(d)) for d in SiteFolder(site_dir).template_dirs()]),
        # Compiling the templates costs a fresh `build` more than a small rebuild does: Jinja keeps the compiled
        # code in the build cache, each file checked against its template's source and redone when it differs.
        bytecode_cache=_bytecode_cache(site_dir) if keep_compiled else None,
        autoescape=_escaped,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        # Templates.refresh makes a new environment when a template file changes: no need to look at the
        # template's file again each time a page asks for it.
        auto_reload=False,
    )
    env.globals.update(
        href=_href,
        absolute_url=_absolute_url,
        quote_href=_quote_href,
        comment_href=_comment_href,
        segments=highlight.segments,
        structured_data=structured.article,
        cached=Fragments().cached,  # this environment's fragments: one set per build's Site
        content_security_policy=CONTENT_SECURITY_POLICY,
    )
    env.globals.update(charts.GLOBALS)  # SVG charts drawn from the site's data (site/charts.py)
    env.filters["plural"] = plural
    return env


class Fragments:
    """HTML that many pages repeat (an article's card, on its companies', sources' and related articles' pages),
    made once per build.

    A fragment's links are relative, so it is kept per folder of the page it is used in. It may read only
    what its key names and site.yaml: everything kept belongs to one loaded Site (an own page's OwnPageSite
    counts as the Site it is a view of), and a new Site (the next build) starts afresh."""

    def __init__(self):
        self.site: Site | None = None
        self.folder: str | None = None
        self.made: dict[tuple, Markup] = {}

    def of(self, site: Site, folder: str) -> dict[tuple, Markup]:
        """The fragments made for pages of this folder. Pages are rendered folder by folder, so only the
        current folder's are kept: a big site's cards in every folder would fill memory."""
        if site is not self.site or folder != self.folder:
            self.site, self.folder, self.made = site, folder, {}
        return self.made

    @pass_context
    def cached(self, context, *key, caller) -> Markup:
        """`{% call cached("card", article.slug) %}...{% endcall %}`: the body, rendered once per key and folder."""
        made = self.of(whole_site(context["site"]), context["page_folder"])
        found = made.get(key)
        if found is None:
            found = made[key] = caller()
        return found


class OwnPageReadError(Exception):
    """An article's own page read what it may not: the build reports it at the template's line."""

    def __init__(self, message: str, hint: str):
        super().__init__(message)
        self.hint = hint


# What an own page's `site` has, for the messages.
_OWN_PAGE_READS = "settings, digest, story(article.story) and declared_articles"


class OwnPageSite:
    """The `site` of an article's own page (Page.owner): the Site as far as such a page may read it.

    The build renders own pages from a part of the model (the article, its related articles and its
    story's articles: Builder._apart, Builder._update_from_cache), so they equal a full build's only if
    they read nothing else. This view holds that contract in code: site.yaml's settings and digest, the
    owner's story, and `declared_articles`, the articles the page declares (Page.shows and Page.lists) in
    the site's order; anything else raises OwnPageReadError, `site.articles` too (on an own page it would
    give a few articles where a template meant the site's). Made per own page, it copies nothing."""

    __slots__ = ("_articles", "_page", "_site")

    def __init__(self, site: Site, page: Page):
        self._site, self._page = site, page
        self._articles: list[Article] | None = None  # worked out when first read

    @property
    def settings(self) -> SiteSettings:
        return self._site.settings

    @property
    def digest(self) -> bytes:
        return self._site.digest

    @property
    def declared_articles(self) -> list[Article]:
        """The articles the page declares, each once, in the site's order (newest first, then by file, as
        the loader sorts them): the same in a full build and in a part of the model."""
        if self._articles is None:
            page = self._page
            declared = {id(article): article for article in (*page.shows, *(page.lists or ()))}
            self._articles = sorted(declared.values(), key=_site_order)
        return self._articles

    def story(self, story_id: str | None):
        """The owner's Story (None when it is in none); any other story is not the page's to read."""
        if story_id != self._page.owner.story:
            raise OwnPageReadError(
                "`site.story(...)` asked for another story than the article's: an article's own page reads only "
                f"the article, its related articles and its story (of `site`, it has {_OWN_PAGE_READS})",
                "read the article's own story, site.story(article.story), or move this to the story's page",
            )
        return self._site.story(story_id)

    def __getattr__(self, name: str):
        # Only for names the class lacks. Python's own (__html__, __len__...) stay plain AttributeErrors.
        if name.startswith("_"):
            raise AttributeError(name)
        hint = f"move what reads `site.{name}` to a list page (the timeline, a company's or a story's page), "
        if name == "articles":
            hint += "or read site.declared_articles: the article, its related articles and its story's"
        else:
            hint += "or read it from `article` (article.related, article.story_peers, article.companies...)"
        raise OwnPageReadError(
            f"`site.{name}` is not an own page's to read: an article's own page reads only the article, its "
            f"related articles and its story (of `site`, it has {_OWN_PAGE_READS})",
            hint,
        )

    def __repr__(self) -> str:
        return f"<OwnPageSite of {self._page.path}>"


def _site_order(article: Article) -> tuple:
    return (article.sort_key(), article.file.parts)


def whole_site(site: Site | OwnPageSite) -> Site:
    """The Site a template's `site` is, or is a view of."""
    return site._site if isinstance(site, OwnPageSite) else site


def _bytecode_cache(site_dir: Path) -> cache.TemplateCache | None:
    folder = site_dir / cache.FOLDER / "templates"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        cache.ignore_in_git(folder.parent)
    except OSError:
        return None  # a read-only site folder: compile every time
    return cache.TemplateCache(folder)


def _escaped(name: str | None) -> bool:
    # HTML and XML (the feed, the sitemap) are escaped; plain text such as robots.txt is not.
    return not (name or "").endswith(".txt")


class Templates:
    """The environment, made anew whenever a template file changes, and each template's digest.

    A template's digest covers its own source and every template it extends, includes or
    imports, so a page is re-rendered when any of them changed and only then."""

    def __init__(self, site_dir: Path, keep_compiled: bool = True):
        self.site_dir = site_dir
        self.keep_compiled = keep_compiled  # in the build cache, .cache/templates/
        self.env: Environment | None = None
        self._signature: list = []
        self._digests: dict[str, bytes] = {}

    def refresh(self, found: list[tuple[str, tuple | None]] | None = None) -> None:
        """A new environment if a template file changed; `found`: the template files and their signatures, as
        the site folder's walk found them (default: the template folders listed now)."""
        found = SiteFolder(self.site_dir).template_files() if found is None else found
        files = [(name, settled(sig)) for name, sig in found]
        if self.env is None or not _same_files(self._signature, files):
            self.env, self._signature, self._digests = environment(self.site_dir, self.keep_compiled), files, {}

    def inputs(self) -> dict[str, tuple | None]:
        """Every template file, with its signature when last read: for the build cache."""
        return dict(self._signature)

    def known(self) -> tuple[list, dict[str, bytes]]:
        """The template files and the digests worked out from them, for the next build to start from."""
        return self._signature, dict(self._digests)

    def start_from(self, known: tuple[list, dict[str, bytes]]) -> None:
        """Take up a previous build's digests; kept only if no template file changed since (parsing every
        template to find what it includes costs more than the rest of a small rebuild)."""
        self._signature, self._digests = known[0], dict(known[1])
        self.env = environment(self.site_dir, self.keep_compiled)

    def digest(self, name: str) -> bytes:
        if name not in self._digests:
            digest = hashlib.blake2b(digest_size=16)
            for used, source in sorted(self._closure(name, {}).items()):
                digest.update(f"{used}\0{source}\0".encode("utf-8", "surrogatepass"))
            self._digests[name] = digest.digest()
        return self._digests[name]

    def _closure(self, name: str | None, found: dict[str, str]) -> dict[str, str]:
        if name is None:  # a template named at render time: it could be any of them
            for file, _signature in self._signature:
                found.setdefault(file, Path(file).read_text(encoding="utf-8", errors="replace"))
            return found
        if name in found:
            return found
        try:
            source = self.env.loader.get_source(self.env, name)[0]
        except TemplateNotFound:
            found[name] = ""  # rendering will report it
            return found
        found[name] = source
        try:
            used = list(meta.find_referenced_templates(self.env.parse(source)))
        except TemplateSyntaxError:
            return found  # rendering will report it
        for other in used:
            self._closure(other, found)
        return found


def _same_files(before: list, now: list) -> bool:
    return len(before) == len(now) and all(
        name == other and unchanged(was, is_) for (name, was), (other, is_) in zip(before, now, strict=True)
    )


@pass_context
def _href(context, target, anchor: str | None = None) -> str:
    path = urls.path_for(target) + (f"#{anchor}" if anchor else "")
    return urls.relative_to_folder(path, context["page_folder"])


@pass_context
def _absolute_url(context, target=None) -> str | None:
    """The full address of `target` (default: this page) from base_url; None when the site has none."""
    path = context["page_path"] if target is None else urls.path_for(target)
    return urls.absolute(path, context["site"].settings.base_url)


@pass_context
def _quote_href(context, claim) -> str:
    return urls.relative_to_folder(urls.quote_in_capture(claim), context["page_folder"])


@pass_context
def _comment_href(context, article, comment) -> str:
    return urls.relative(urls.comment_in_capture(article.slug, comment), context["page_path"])


def plural(count: int, singular: str, many: str | None = None) -> str:
    return f"{count} {singular if count == 1 else (many or singular + 's')}"


def render(env: Environment, site: Site, page: Page, shares: cache.Shares | None = None) -> str | Iterable[str]:
    """The page's text; a data file made in Python may give it in pieces, to be written one after the other.

    A site-wide data file is made from `shares`, the articles' shares of it (build/cache.py Shares); an
    article's own page reads the Site through an OwnPageSite."""
    if page.make is not None:
        if page.site_wide_data:
            return page.make(site, shares, **page.context)
        return page.make(site, **page.context)
    template = env.get_template(page.template)
    folder = posixpath.dirname(page.path)  # every link on the page is relative to it
    seen = site if page.owner is None else OwnPageSite(site, page)
    return template.render(site=seen, page_path=page.path, page_folder=folder, urls=urls, **page.context)


_TEMPLATE_HINTS = {
    "TemplateSyntaxError": "fix the syntax here: every {% block %}, {% if %} and {% for %} needs its end tag",
    "UndefinedError": "every name a template uses must be defined: check its spelling against the page's data",
    "TemplateNotFound": "create the template, or correct the name in {% extends %}, {% include %} or {% import %}",
}


def template_problem(err: Exception, page: Page) -> Problem:
    """A failure while rendering, as a Problem naming the template file and line."""
    filename, line = getattr(err, "filename", None), getattr(err, "lineno", None)
    if filename is None:  # raised while rendering: the template is in the traceback
        filename, line = _template_frame(err)
    message = getattr(err, "message", None) or str(err)
    return Problem(
        Path(filename) if filename else None,
        f"{type(err).__name__}: {message} (while rendering {page.path})",
        line=line,
        hint=err.hint
        if isinstance(err, OwnPageReadError)
        else _TEMPLATE_HINTS.get(type(err).__name__, "fix the template at this line"),
    )


def _template_frame(err: Exception) -> tuple[str | None, int | None]:
    tb = err.__traceback__
    found = (None, None)
    while tb is not None:
        code = tb.tb_frame.f_code
        if code.co_filename.endswith(".html"):
            found = (code.co_filename, tb.tb_lineno)
        tb = tb.tb_next
    return found
