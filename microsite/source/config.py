"""site.yaml -> settings and the two registries, with name look-up by name or alias."""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import ValidationError

from ..errors import Problem
from ..model import Company, SiteSettings, Source, StoryInfo
from ..text import fold, slugify
from . import yamlfile
from .layout import SiteFolder
from .reader import read_text
from .schema import SiteFile
from .validation import schema_problems


@dataclass
class Registry:
    """Entries by folded name and alias; slugs unique."""

    label: str  # "company" or "source", for messages
    by_name: dict = field(default_factory=dict)
    entries: list = field(default_factory=list)

    def get(self, name: str):
        return self.by_name.get(fold(name))

    def suggest(self, name: str) -> str | None:
        names = [e.name for e in self.entries] + [a for e in self.entries for a in e.aliases]
        close = difflib.get_close_matches(name, names, n=1, cutoff=0.6)
        if not close:
            folded = {n.casefold(): n for n in names}
            close = [folded[c] for c in difflib.get_close_matches(name.casefold(), list(folded), n=1, cutoff=0.6)]
        return close[0] if close else None


@dataclass
class Config:
    file: Path
    settings: SiteSettings
    companies: Registry
    sources: Registry


def load_config(site_dir: Path) -> tuple[Config | None, list[Problem]]:
    file = SiteFolder(site_dir).config
    if not file.is_file():
        return None, [
            Problem(
                file,
                "is missing",
                hint="every site folder needs a site.yaml: copy the project's own and edit it, "
                "or point --site at the folder that has one",
            )
        ]
    text, problem = read_text(file)
    if problem:
        return None, [problem]
    data, problems = yamlfile.load(text, file)
    if problems:
        return None, problems
    try:
        parsed = SiteFile.model_validate({} if data is None else data)
    except ValidationError as err:
        return None, schema_problems(err, file, text, 1, "site")

    problems = []
    companies = Registry("company")
    for index, entry in enumerate(parsed.companies):
        company = Company(entry.name, _page_name(entry), entry.kind, entry.country, list(entry.aliases))
        problems += _register(companies, company, ("companies", index), file, text)
    sources = Registry("source")
    for index, entry in enumerate(parsed.sources):
        source = Source(
            entry.name,
            _page_name(entry),
            entry.kind,
            homepage=entry.homepage,
            domains=list(entry.domains),
            affiliation=entry.affiliation,
            aliases=list(entry.aliases),
        )
        problems += _register(sources, source, ("sources", index), file, text)
    stories, story_problems = _story_registry(parsed.stories, file, text)
    problems += story_problems
    settings = SiteSettings(
        parsed.title,
        parsed.description,
        parsed.base_url,
        parsed.language,
        parsed.build_drafts,
        stories=stories,
        search=parsed.search,
        raw_html=parsed.raw_html,
        compress=parsed.compress,
    )
    return Config(file, settings, companies, sources), problems


def _page_name(entry) -> str:
    """The entry's `slug` if it sets one (to keep a URL stable), else one made from its name."""
    return entry.slug or slugify(entry.name)


def _story_registry(entries: list, file: Path, text: str) -> tuple[tuple[StoryInfo, ...], list[Problem]]:
    """The `stories` registry: a title (and summary) for each story id, each id once."""
    stories: dict[str, StoryInfo] = {}
    problems = []
    for index, entry in enumerate(entries):
        if entry.id in stories:
            first = yamlfile.line_of(text, ("stories", stories[entry.id].index))
            problems.append(
                Problem(
                    file,
                    f"the story `{entry.id}` is registered twice (first on line {first})",
                    line=yamlfile.line_of(text, ("stories", index)),
                    field=f"stories[{index}].id",
                    hint="keep one entry per story id: merge the two",
                )
            )
            continue
        stories[entry.id] = StoryInfo(entry.id, entry.title, entry.summary, index)
    return tuple(stories.values()), problems


def _register(registry: Registry, entry, loc: tuple, file: Path, text: str) -> list[Problem]:
    problems = []
    for name in [entry.name, *entry.aliases]:
        owner = registry.by_name.get(fold(name))
        if owner is not None and owner is not entry:
            problems.append(
                Problem(
                    file,
                    f"`{name}` already names the {registry.label} `{owner.name}`",
                    line=yamlfile.line_of(text, loc),
                    field=f"{loc[0]}[{loc[1]}]",
                    hint="a name or alias may belong to one entry only: remove it from one of them",
                )
            )
        else:
            registry.by_name[fold(name)] = entry
    same = next((e for e in registry.entries if e.slug == entry.slug), None)
    if same is not None:
        problems.append(
            Problem(
                file,
                f"`{entry.name}` gives the page name `{entry.slug}`, which the {registry.label} `{same.name}` has",
                line=yamlfile.line_of(text, loc),
                field=f"{loc[0]}[{loc[1]}].name",
                hint="names that differ only in punctuation, case or script (華為 and 华为 are both hua-wei) "
                "share a page name: give one of them a `slug:` of its own",
            )
        )
    registry.entries.append(entry)
    return problems
