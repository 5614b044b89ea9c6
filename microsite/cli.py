"""The command line: parse arguments, call a command, turn problems into exit status 1."""

from __future__ import annotations

import argparse
import os
import platform
import sys
from pathlib import Path
from typing import NoReturn

from . import __version__, console, progress
from .errors import BuildFailed, display_path
from .site import urls

_EXAMPLES = """\
examples:
  {prog} new my-research          start a research site in the folder my-research
  {prog} serve                    build the site here and preview it at http://127.0.0.1:8000/
  {prog} ingest ~/captures/       draft a content page for each capture in a folder
  {prog} check                    check every page against its capture, write nothing
  {prog} build --site my-research build another site folder
  {prog} deploy                   publish to the gh-pages branch of origin

Each command has its own help: {prog} COMMAND --help. Documentation: README.md and docs/.
"""

_COMMAND_EXAMPLES = {
    "build": """\
examples:
  {prog} build
  {prog} build --base-url https://USER.github.io/REPO/   build for the address the site is published at
  {prog} build --out /tmp/site --jobs 1                  into another folder, in one process
""",
    "check": """\
examples:
  {prog} check            every problem at once, with its file, line, field and a fix
  {prog} check -q         only the problems: exit status 0 when there are none
""",
    "ingest": """\
examples:
  {prog} ingest article.txt                   a text copy of a web page
  {prog} ingest saved-page.html archive.warc  a page saved from the browser, a web archive
  {prog} ingest ~/captures/ --dry-run         what a folder of captures would give, writing nothing
""",
    "serve": """\
examples:
  {prog} serve                   preview at http://127.0.0.1:8000/, rebuilding on every save
  {prog} serve --port 8080 --open
""",
    "deploy": """\
examples:
  {prog} deploy                                         build afresh and push gh-pages to origin
  {prog} deploy --base-url https://USER.github.io/REPO/ --no-push
""",
    "new": """\
examples:
  {prog} new my-research
  {prog} new my-research --title "Chip export controls"
""",
    "schema": """\
examples:
  {prog} schema --out schemas      write site.schema.json and front-matter.schema.json into schemas/
  {prog} schema site               print the schema of site.yaml
""",
}


def parser(prog: str = "build.py") -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(
        prog=prog,
        description="Build a research microsite from captured news articles.",
        epilog=_EXAMPLES.format(prog=prog),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    top.add_argument(
        "--version", action="version", version=f"%(prog)s {__version__} (Python {platform.python_version()})"
    )
    _add_common(top, defaults=True)
    commands = top.add_subparsers(dest="command", metavar="COMMAND")

    def command(name: str, help: str) -> argparse.ArgumentParser:
        sub = commands.add_parser(
            name,
            help=help,
            description=help[0].upper() + help[1:] + ".",
            epilog=_COMMAND_EXAMPLES[name].format(prog=prog),
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        _add_common(sub, defaults=False)  # --site, -q and -v after the command as well as before it
        return sub

    build = command("build", "check the content and write the site")
    build.add_argument("--out", type=Path, metavar="DIR", help="output folder (default: _site in the site folder)")
    _add_base_url(build)
    _add_jobs(build)

    check = command("check", "check the content and write nothing")
    _add_jobs(check)

    ingest = command("ingest", "draft content pages from raw captures")
    ingest.add_argument(
        "paths",
        nargs="+",
        metavar="PATH",
        help="capture files (text, saved pages, web archives), folders of them, or URLs",
    )
    ingest.add_argument("--out", type=Path, metavar="DIR", help="write drafts and copies into DIR, not the site")
    ingest.add_argument("--dry-run", action="store_true", help="only print what would be drafted")

    serve = command("serve", "build, serve and rebuild on every save")
    serve.add_argument("--out", type=Path, metavar="DIR", help="output folder (default: _site in the site folder)")
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)")
    serve.add_argument("--port", type=int, default=8000, help="port to listen on (default: 8000)")
    _add_base_url(serve)
    _add_jobs(serve)
    serve.add_argument("--open", action="store_true", help="open the site in a browser")

    deploy = command("deploy", "build afresh and publish the site to a gh-pages branch")
    deploy.add_argument("--out", type=Path, metavar="DIR", help="also keep the build in DIR (default: a temp folder)")
    _add_base_url(deploy)
    _add_jobs(deploy)
    deploy.add_argument("--remote", default="origin", help="the git remote to push to (default: origin)")
    deploy.add_argument("--branch", default="gh-pages", help="the branch to publish to (default: gh-pages)")
    deploy.add_argument("--message", metavar="TEXT", help="the commit message (default: names the source commit)")
    deploy.add_argument("--no-push", action="store_true", help="commit the branch locally and push nothing")

    new = command("new", "start a research site in a new or empty folder")
    new.add_argument("folder", type=Path, metavar="DIR", help="the folder to create (it must not exist, or be empty)")
    new.add_argument("--title", metavar="TEXT", help="the site's title (default: made from the folder's name)")

    schema = command("schema", "write the JSON Schemas of site.yaml and of front matter, for editors")
    schema.add_argument("which", nargs="?", choices=["site", "front-matter"], help="print this one schema")
    schema.add_argument("--out", type=Path, metavar="DIR", help="write both schemas into DIR")
    return top


def _add_common(parser: argparse.ArgumentParser, defaults: bool) -> None:
    """--site, -q and -v. On a command they default to nothing at all, so that the same option given
    before the command is not overwritten by the command's default."""
    unset = argparse.SUPPRESS
    parser.add_argument(
        "--site",
        type=Path,
        default=Path(".") if defaults else unset,
        metavar="DIR",
        help="the site folder (default: the current folder)",
    )
    loudness = parser.add_mutually_exclusive_group()
    loudness.add_argument(
        "-q",
        "--quiet",
        dest="verbosity",
        action="store_const",
        const=console.QUIET,
        default=console.NORMAL if defaults else unset,
        help="print only problems and warnings: no summary, notes or progress",
    )
    loudness.add_argument(
        "-v",
        "--verbose",
        dest="verbosity",
        action="store_const",
        const=console.VERBOSE,
        default=unset,
        help="also print how the work was done",
    )


def _add_base_url(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "--base-url",
        type=_base_url,
        metavar="URL",
        help="the address the site is published at, in place of site.yaml's base_url",
    )


def _add_jobs(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "--jobs",
        "-j",
        type=_jobs,
        metavar="N",
        help="processes that share a big load or render, this one included (default: the cores it may use)",
    )


def _jobs(value: str) -> int:
    if not value.isdigit() or int(value) < 1:
        raise argparse.ArgumentTypeError(f"`{value}` is not a number of processes: give 1 or more, such as 4")
    return int(value)


def _base_url(value: str) -> str:
    try:
        return urls.normalise_base_url(value)
    except ValueError as err:
        raise argparse.ArgumentTypeError(str(err)) from None


def run(prog: str = "microsite") -> NoReturn:
    """The console command's entry (and build.py's, and `python -m microsite`'s): run, then leave at once."""
    status = main(prog=prog)
    if sys.getprofile() or sys.gettrace():  # a profiler or coverage, which write their report at exit
        sys.exit(status)
    # Everything is written and closed by now. A big site's model is millions of objects, and freeing
    # them one by one on the way out took a second at 10,000 articles: leave at once.
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(status)


def main(argv: list[str] | None = None, prog: str = "build.py") -> int:
    """Run the command asked for: its problems are reported and end in exit status 1, Ctrl-C in 130."""
    args = parser(prog).parse_args(argv)
    say = console.Console(args.verbosity)
    site_dir = args.site.resolve()
    out_dir = (args.out if getattr(args, "out", None) else site_dir / "_site").resolve()
    commands = {
        "build": lambda: _build(args, say, site_dir, out_dir),
        "check": lambda: _check(args, say, site_dir),
        "ingest": lambda: _ingest(args, say, site_dir),
        "serve": lambda: _serve(args, say, site_dir, out_dir),
        "deploy": lambda: _deploy(args, say, site_dir),
        "new": lambda: _new(args, say, prog),
        "schema": lambda: _schema(args, say),
    }
    if args.command is None:
        parser(prog).print_help()
        return 2
    try:
        with progress.shown(not say.quiet and progress.wanted(sys.stderr)):
            return commands[args.command]()
    except BuildFailed as failed:
        if failed.problems:
            say.problems(failed.report())
        return 1
    except KeyboardInterrupt:
        print("\nStopped.", file=sys.stderr)
        return 130


def _build(args: argparse.Namespace, say: console.Console, site_dir: Path, out_dir: Path) -> int:
    from .commands.build import build

    result = build(site_dir, out_dir, args.base_url, args.jobs)
    if result.up_to_date:
        say.result(f"Nothing changed since the last build: {out_dir} is up to date ({result.seconds:.2f}s)")
    else:
        done = "Built" if result.full else f"Rebuilt {len(result.rendered)} of"
        pages = f"{result.pages} pages ({result.articles} articles)"
        say.result(f"{done} {pages} into {out_dir} in {result.seconds:.2f}s")
        say.detail(
            f"{len(result.rendered)} pages rendered, {len(result.written)} files written, {len(result.removed)} removed"
        )
        say.detail(
            f"{result.workers} worker processes besides this one" if result.workers else "rendered in this process"
        )
        if result.search_seconds is not None:
            say.detail(f"search index written by Pagefind in {result.search_seconds:.2f}s")
        if result.compressed:
            say.detail(result.compressed.line())
    for folder in result.linked_folders:
        say.note(
            f"{display_path(folder)} is a link to a folder, whose pages are not read: "
            "move or copy the pages into content/"
        )
    if not result.base_url:
        say.note(
            "no base_url, so no feed.xml, sitemap.xml or canonical links: set base_url in site.yaml "
            "or pass --base-url to publish the site"
        )
    return 0


def _check(args: argparse.Namespace, say: console.Console, site_dir: Path) -> int:
    from .commands.check import check, notes, summary

    site = check(site_dir, args.jobs)
    say.result(summary(site))
    for line in notes(site, site_dir):  # never a failure: the exit status stays 0
        say.labelled(line)
    return 0


def _ingest(args: argparse.Namespace, say: console.Console, site_dir: Path) -> int:
    """Each capture's report, then how many were drafted: 1 when any could not be."""
    from .commands.ingest import ingest

    out = args.out.resolve() if args.out else None
    captures = [path if _is_url(path) else Path(path).resolve() for path in args.paths]
    results = ingest(site_dir, captures, out, args.dry_run)
    for result in results:
        if result.problem:
            say.problems(result.report())
        else:
            say.result(result.report())
    drafted = sum(1 for r in results if not r.problem)
    failed = len(results) - drafted
    verb = "would be drafted (dry run: nothing written)" if args.dry_run else "drafted"
    say.result(f"{drafted} of {len(results)} captures {verb}" + (f"; {failed} could not be" if failed else "."))
    return 1 if failed else 0


def _serve(args: argparse.Namespace, say: console.Console, site_dir: Path, out_dir: Path) -> int:
    from .commands.serve import PortInUse, serve

    try:
        serve(site_dir, out_dir, args.host, args.port, args.open, args.base_url, args.jobs, say)
    except PortInUse as err:
        say.error(str(err))
        return 1
    return 0


def _deploy(args: argparse.Namespace, say: console.Console, site_dir: Path) -> int:
    """A deploy builds afresh, into a temp folder unless --out names one to keep."""
    from .commands.deploy import deploy

    out = args.out.resolve() if args.out else None
    push = not args.no_push
    result = deploy(site_dir, out, args.base_url, args.remote, args.branch, args.message, push, args.jobs)
    say.result(result.report())
    for warning in result.warnings:
        say.warning(warning)
    return 0


def _new(args: argparse.Namespace, say: console.Console, prog: str) -> int:
    from .commands.new import new

    created = new(args.folder.resolve(), args.title)
    say.result(created.report(prog))
    for line in created.notes:
        say.note(line)
    return 0


def _schema(args: argparse.Namespace, say: console.Console) -> int:
    from .commands import schema

    if (args.out is None) == (args.which is None):
        say.error("name the schema to print (site or front-matter), or write both into a folder with --out DIR")
        return 2
    if args.out is None:
        print(schema.generate()[f"{args.which}.schema.json"], end="")
        return 0
    for path in schema.write(args.out.resolve()):
        say.result(f"wrote {display_path(path)}")
    return 0


def _is_url(path: str) -> bool:
    return path.startswith(("http://", "https://"))
