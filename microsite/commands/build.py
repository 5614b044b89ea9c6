"""`build`: load and check the site, render every page, swap the output in."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from .. import render, urls
from ..errors import BuildFailed
from ..loader import load_site
from ..pages import site_pages
from ..writer import atomic_output, check_destination


@dataclass
class BuildResult:
    out_dir: Path
    pages: int
    articles: int
    seconds: float


def build(site_dir: Path, out_dir: Path) -> BuildResult:
    started = time.perf_counter()
    site = load_site(site_dir)
    static_dirs = [render.PROJECT_DIR / "static", site_dir / "static"]
    protected = [site_dir / "content", site_dir / "seeds", *render.template_dirs(site_dir), *static_dirs]
    check_destination(out_dir, [p for p in protected if p.exists()])

    env = render.environment(site_dir)
    rendered, problems = [], []
    for page in site_pages(site):
        try:
            rendered.append((page.path, render.render(env, site, page)))
        except Exception as err:  # any failure inside a template is reported as the template's
            problems.append(render.template_problem(err, page))
    if problems:
        # One broken template fails every page that uses it: report each place once.
        unique = {(p.file, p.line, p.message.split(" (while")[0]): p for p in problems}
        raise BuildFailed(list(unique.values()))

    with atomic_output(out_dir) as out:
        for path, html in rendered:
            out.write_text(path, html)
        for folder in static_dirs:  # the site's own static files override the project's
            out.copy_tree(folder, urls.STATIC)
        for article in site.articles:
            out.copy(article.capture.path, urls.capture_text(article.slug))
    return BuildResult(out_dir, len(rendered), len(site.articles), time.perf_counter() - started)
