"""The site folder: where each of its parts lives, and the one walk that finds its files.

    site.yaml      settings and the registries          templates/  the site's own templates (optional)
    content/       one Markdown page per article        static/     the site's own static files (optional)
    seeds/         the captures the pages summarise     .cache/     what a build keeps for the next one

The default theme, templates/ and static/, fills in every file the site does not have: in a checkout of
this project it is the checkout's own templates/ and static/, which an installed wheel carries inside the
package (pyproject.toml maps them there). Every other module asks this one where a part is; the build asks
it which files there are, and which changed since the last build read them.

Links to folders are not entered (as Path.rglob does not): a page under a linked folder is not part
of the site, and the walk says so (`Walk.linked_folders`) so that a build can tell its user.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from .files import signature, unchanged

CONFIG = "site.yaml"
CONTENT = "content"
SEEDS = "seeds"
TEMPLATES = "templates"
STATIC = "static"
CACHE = ".cache"
PAGE_SUFFIX = ".md"

# Where the default templates/ and static/ are: inside the installed package, or beside it in a checkout.
_PACKAGE = Path(__file__).resolve().parents[1]
DEFAULTS = _PACKAGE if (_PACKAGE / TEMPLATES).is_dir() else _PACKAGE.parent


@dataclass
class Walk:
    """The files of a site folder at one moment, each with its stat signature (source/files.py)."""

    pages: list[Path]  # the content pages, in path order
    templates: list[tuple[str, tuple | None]]  # every template file, the site's folder first
    static: dict[str, Path]  # path under static/ -> the file copied there (the site's own over the project's)
    signatures: dict[str, tuple | None] = field(default_factory=dict)  # site.yaml, pages, templates, static
    linked_folders: list[Path] = field(default_factory=list)  # under content/: not entered


class SiteFolder:
    def __init__(self, root: Path):
        self.root = root
        self.config = root / CONFIG
        self.content = root / CONTENT
        self.seeds = root / SEEDS
        self.cache = root / CACHE
        self.own_templates = root / TEMPLATES
        self.own_static = root / STATIC

    def template_dirs(self) -> list[Path]:
        """The site's own templates first, then the project's."""
        project = DEFAULTS / TEMPLATES
        if self.own_templates.resolve() == project.resolve():
            return [project]
        return [folder for folder in (self.own_templates, project) if folder.is_dir()]

    def static_dirs(self) -> list[Path]:
        """The project's static files, then the site's own, which replace any of the same name."""
        project = DEFAULTS / STATIC
        if self.own_static.resolve() == project.resolve():
            return [project]
        return [project, self.own_static]

    def own_folders(self) -> list[Path]:
        """The folders a build reads from this site folder, whether they exist yet or not: an output folder
        made there would be read back as pages, captures, templates or static files."""
        return [self.content, self.seeds, self.own_templates, self.own_static]

    def walk(self) -> Walk:
        """Every page, template and static file, each stat-ed once."""
        found = Walk([], [], {})
        found.signatures[str(self.config)] = signature(self.config)
        pages = _files(self.content, found.linked_folders, suffix=PAGE_SUFFIX)
        found.pages = [Path(path) for _parts, path in sorted(pages)]
        for _parts, path in pages:
            found.signatures[path] = signature(path)
        found.templates = self.template_files()
        found.signatures.update(found.templates)
        for folder in self.static_dirs():
            for parts, path in sorted(_files(folder)):
                found.static["/".join(parts)] = Path(path)
                found.signatures[path] = signature(path)
        return found

    def template_files(self) -> list[tuple[str, tuple | None]]:
        """Every template file, the site's folder first, with its signature."""
        return [(path, signature(path)) for folder in self.template_dirs() for _parts, path in sorted(_files(folder))]

    def changed_since(self, recorded: dict[str, tuple | None]) -> set[str]:
        """The files a build would read that are not the ones a build read (`recorded`, with the signatures
        it saw): new, gone or newer. Of seeds/, only the captures the pages named count."""
        now = self.walk().signatures
        seeds = f"{self.seeds}{os.sep}"
        for name in recorded:
            if name.startswith(seeds):
                now[name] = signature(name)
        changed = {name for name, sig in now.items() if not unchanged(recorded.get(name), sig)}
        return changed | (recorded.keys() - now.keys())


def _files(folder: Path, linked: list[Path] | None = None, suffix: str = "") -> list[tuple[list[str], str]]:
    """(the parts of its path under `folder`, its path) of every file below `folder` whose name ends with
    `suffix`; links to folders are not entered, and noted in `linked` when given."""
    found: list[tuple[list[str], str]] = []

    def walk(path: str, parts: list[str]) -> None:
        try:
            entries = list(os.scandir(path))
        except OSError:
            return
        for entry in entries:
            if entry.is_dir(follow_symlinks=False):
                walk(entry.path, [*parts, entry.name])
            elif entry.is_symlink() and entry.is_dir():
                if linked is not None:
                    linked.append(Path(entry.path))
            elif entry.name.endswith(suffix) and entry.is_file():
                found.append(([*parts, entry.name], entry.path))

    walk(str(folder), [])
    return found


def markdown_files(folder: Path) -> list[Path]:
    """The `.md` files below a folder, in path order: what sorted(folder.rglob("*.md")) gives, filtered to
    files, without pathlib's cost per path (every rebuild lists them)."""
    return [Path(path) for _parts, path in sorted(_files(folder, suffix=PAGE_SUFFIX))]
