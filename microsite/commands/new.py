"""`new`: a research site in a new folder, ready to check, build, preview and publish.

The starter (microsite/starter/) holds the new site's files: settings with a small registry, one
example page with its capture, a README, the Pages workflow and a .gitignore. To them `new` adds
the JSON Schemas an editor reads and a requirements.txt that pins this microsite, for the workflow.
The site is made in a temporary folder beside the target and renamed into place, so an interrupted
`new` leaves no half-made site, and a folder that holds anything is refused: nothing is overwritten.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from string import Template

from .. import __version__
from ..errors import BuildFailed, Problem, display_path
from . import schema

STARTER = Path(__file__).resolve().parents[1] / "starter"
_PLACED = {"gitignore": ".gitignore", "pages.yml": ".github/workflows/pages.yml"}  # names a package can't carry
_FILLED = {"site.yaml", "README.md"}  # carry $title


@dataclass
class NewSite:
    folder: Path
    files: list[str]
    notes: list[str] = field(default_factory=list)

    def report(self, prog: str) -> str:
        where = display_path(self.folder)
        return (
            f"Made a research site in {where} ({len(self.files)} files), with one example page.\n"
            f"Next: cd {where} && {prog} serve   (then read {where}/README.md)"
        )


def new(folder: Path, title: str | None = None) -> NewSite:
    _refuse_unless_empty(folder)
    folder.parent.mkdir(parents=True, exist_ok=True)
    title = title or folder.name.replace("-", " ").replace("_", " ").strip().capitalize() or "Research"
    requirement, notes = _requirement()
    made = Path(tempfile.mkdtemp(prefix=f".{folder.name}-new-", dir=folder.parent))
    try:
        files = _fill(made, title, requirement)
        _refuse_unless_empty(folder)  # nothing may have appeared there meanwhile
        made.rename(folder)  # onto a missing or empty folder: one step
    except BaseException:
        shutil.rmtree(made, ignore_errors=True)
        raise
    return NewSite(folder, files, notes)


def _fill(root: Path, title: str, requirement: str) -> list[str]:
    written = []
    for source in sorted(STARTER.rglob("*")):
        if not source.is_file() or "__pycache__" in source.parts or source.name == "__init__.py":
            continue
        name = source.relative_to(STARTER).as_posix()
        target = root / _PLACED.get(name, name)
        target.parent.mkdir(parents=True, exist_ok=True)
        text = source.read_text(encoding="utf-8")
        if name in _FILLED:
            # A YAML double-quoted scalar is a JSON string, so json.dumps quotes any title safely.
            text = Template(text).safe_substitute(
                title=json.dumps(title, ensure_ascii=False) if name == "site.yaml" else title
            )
        target.write_text(text, encoding="utf-8")
        written.append(target.relative_to(root).as_posix())
    for name, text in schema.generate().items():
        target = root / "schemas" / name
        target.parent.mkdir(exist_ok=True)
        target.write_text(text, encoding="utf-8")
        written.append(f"schemas/{name}")
    (root / "requirements.txt").write_text(
        "# The microsite the Pages workflow installs (.github/workflows/pages.yml). Change it to upgrade.\n"
        f"{requirement}\n",
        encoding="utf-8",
    )
    written.append("requirements.txt")
    return sorted(written)


def _requirement() -> tuple[str, list[str]]:
    """What the workflow should install: this very microsite. Pinned to the commit when it came from git
    (PEP 610 records where a distribution was installed from), else to its version on the package index."""
    pinned = f"microsite=={__version__}"
    try:
        recorded = metadata.distribution("microsite").read_text("direct_url.json")
    except metadata.PackageNotFoundError:
        recorded = None
    origin = json.loads(recorded) if recorded else {}
    vcs = origin.get("vcs_info", {})
    if vcs.get("vcs") == "git" and vcs.get("commit_id") and origin.get("url", "").startswith("https://"):
        return f"microsite @ git+{origin['url']}@{vcs['commit_id']}", []
    if origin.get("url", "").startswith("file:"):
        return pinned, [
            "this microsite was installed from a folder or file on this machine, which GitHub's runners cannot "
            f"reach: requirements.txt asks for {pinned} from the package index; if it is not there, write where to "
            "install it from instead, such as microsite @ git+https://github.com/USER/REPO@TAG"
        ]
    return pinned, []


def _refuse_unless_empty(folder: Path) -> None:
    if folder.is_dir() and not any(folder.iterdir()):
        return
    if not folder.exists() and not folder.is_symlink():
        return
    what = "is a file" if not folder.is_dir() else "is not empty"
    raise BuildFailed(
        [
            Problem(
                folder,
                f"{what}, and `new` never writes over anything",
                hint="name a folder that does not exist yet, or an empty one",
            )
        ],
    )
