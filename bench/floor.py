#!/usr/bin/env python3
"""Floors: the least any build of the benchmark's corpus can cost on this machine, with the issue's engines.

    python bench/floor.py engines CONTENT_DIR OUT_DIR   # each page parsed, converted, rendered plainly, written
    python bench/floor.py write TREE OUT_DIR            # TREE's files written afresh: the same names and sizes

No tool can build the corpus for less than `engines`: every article's front matter must be parsed and its
body converted, and a page written for it. `write` is what putting a tool's output on this disk costs, with
nothing rendered. Both use the two cores as a build does (a forked child takes every other item), and both
print what they did as one line of JSON. bench/run.py times `engines` from the process's start to its exit,
as it times a build; `write` reports its own seconds, from its first file to its last, its listing left out.
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def _on_both_cores(items: list, work: Callable[[list], None]) -> None:
    """work(items), every other item done by a forked child where there are two cores."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    if cores < 2 or not hasattr(os, "fork"):
        work(items)
        return
    pid = os.fork()
    if pid == 0:
        code = 1
        try:
            work(items[1::2])
            code = 0
        finally:
            os._exit(code)
    work(items[0::2])
    _, status = os.waitpid(pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit("the child failed")


def engines(content: Path, out: Path) -> dict:
    """Per content page: read, front matter parsed by PyYAML's C loader (nothing checked), body converted by
    Python-Markdown as this project configures it, a plain Jinja2 page rendered and written."""
    import jinja2
    import yaml
    from markupsafe import Markup

    sys.path.insert(0, str(REPO))
    from microsite.source.reader import markdown_renderer

    page = jinja2.Environment(autoescape=True).from_string(
        "<!doctype html>\n<title>{{ meta.title }}</title>\n<h1>{{ meta.title }}</h1>\n"
        "<p>{{ meta.published }}</p>\n<article>{{ body }}</article>\n"
    )
    files = sorted(content.glob("*.md"))

    def work(share: list[Path]) -> None:
        md = markdown_renderer()
        for file in share:
            _, front, body = file.read_text(encoding="utf-8").split("---\n", 2)
            meta = yaml.load(front, Loader=yaml.CSafeLoader)
            html = md.reset().convert(body)
            folder = out / file.stem
            folder.mkdir(parents=True)
            (folder / "index.html").write_text(page.render(meta=meta, body=Markup(html)), encoding="utf-8")

    _on_both_cores(files, work)
    return {"pages": len(files)}


def write(tree: Path, out: Path) -> dict:
    """TREE's files, by name and size, written afresh into OUT; timed from the first file written."""
    files = []
    for folder, _, names in os.walk(tree):
        for name in names:
            path = os.path.join(folder, name)
            files.append((os.path.relpath(path, tree), os.path.getsize(path)))
    files.sort()

    def work(share: list[tuple[str, int]]) -> None:
        made: set[str] = set()
        for relative, size in share:
            target = os.path.join(out, relative)
            parent = os.path.dirname(target)
            if parent not in made:
                os.makedirs(parent, exist_ok=True)
                made.add(parent)
            with open(target, "wb") as file:
                file.write(b"x" * size)

    started = time.perf_counter()
    _on_both_cores(files, work)
    return {"files": len(files), "bytes": sum(size for _, size in files), "seconds": time.perf_counter() - started}


def main(argv: list[str]) -> int:
    if len(argv) != 3 or argv[0] not in ("engines", "write"):
        print("usage:\n" + "\n".join(__doc__.strip().splitlines()[2:4]), file=sys.stderr)
        return 2
    kind, source, out = argv[0], Path(argv[1]), Path(argv[2])
    if out.exists():
        print(f"error: {out} exists; the floors write into a folder of their own", file=sys.stderr)
        return 2
    done = (engines if kind == "engines" else write)(source, out)
    print(json.dumps(done))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
