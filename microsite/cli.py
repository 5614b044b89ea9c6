"""The command line: parse arguments, call a command, turn problems into exit status 1."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .errors import BuildFailed, display_path
from .site import urls


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(
        prog="build.py", description="Build a research microsite from captured news articles."
    )
    top.add_argument(
        "--site", type=Path, default=Path("."), metavar="DIR", help="the site folder (default: the current folder)"
    )
    commands = top.add_subparsers(dest="command", metavar="COMMAND")

    build = commands.add_parser("build", help="check the content and write the site")
    build.add_argument("--out", type=Path, metavar="DIR", help="output folder (default: _site in the site folder)")
    _add_base_url(build)
    _add_jobs(build)

    check = commands.add_parser("check", help="check the content and write nothing")
    _add_jobs(check)

    ingest = commands.add_parser("ingest", help="draft content pages from raw captures")
    ingest.add_argument(
        "paths",
        nargs="+",
        metavar="PATH",
        help="capture files (text, saved pages, web archives), folders of them, or URLs",
    )
    ingest.add_argument("--out", type=Path, metavar="DIR", help="write drafts and copies into DIR, not the site")
    ingest.add_argument("--dry-run", action="store_true", help="only print what would be drafted")

    serve = commands.add_parser("serve", help="build, serve and rebuild on every save")
    serve.add_argument("--out", type=Path, metavar="DIR", help="output folder (default: _site in the site folder)")
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)")
    serve.add_argument("--port", type=int, default=8000, help="port to listen on (default: 8000)")
    _add_base_url(serve)
    _add_jobs(serve)
    serve.add_argument("--open", action="store_true", help="open the site in a browser")

    deploy = commands.add_parser("deploy", help="build afresh and publish the site to a gh-pages branch")
    deploy.add_argument("--out", type=Path, metavar="DIR", help="also keep the build in DIR (default: a temp folder)")
    _add_base_url(deploy)
    _add_jobs(deploy)
    deploy.add_argument("--remote", default="origin", help="the git remote to push to (default: origin)")
    deploy.add_argument("--branch", default="gh-pages", help="the branch to publish to (default: gh-pages)")
    deploy.add_argument("--message", metavar="TEXT", help="the commit message (default: names the source commit)")
    deploy.add_argument("--no-push", action="store_true", help="commit the branch locally and push nothing")
    return top


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


def main(argv: list[str] | None = None) -> int:
    """Run the command asked for: its problems are reported and end in exit status 1, Ctrl-C in 130."""
    args = parser().parse_args(argv)
    site_dir = args.site.resolve()
    out_dir = (args.out if getattr(args, "out", None) else site_dir / "_site").resolve()
    try:
        if args.command == "build":
            return _build(args, site_dir, out_dir)
        if args.command == "check":
            return _check(args, site_dir)
        if args.command == "ingest":
            return _ingest(args, site_dir)
        if args.command == "serve":
            return _serve(args, site_dir, out_dir)
        if args.command == "deploy":
            return _deploy(args, site_dir)
        parser().print_help()  # no command given
        return 2
    except BuildFailed as failed:
        if failed.problems:
            print(failed.report(), file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("\nStopped.", file=sys.stderr)
        return 130


def _build(args: argparse.Namespace, site_dir: Path, out_dir: Path) -> int:
    from .commands.build import build

    result = build(site_dir, out_dir, args.base_url, args.jobs)
    if result.up_to_date:
        print(f"Nothing changed since the last build: {out_dir} is up to date ({result.seconds:.2f}s)")
    else:
        done = "Built" if result.full else f"Rebuilt {len(result.rendered)} of"
        pages = f"{result.pages} pages ({result.articles} articles)"
        print(f"{done} {pages} into {out_dir} in {result.seconds:.2f}s")
    for folder in result.linked_folders:
        print(
            f"note: {display_path(folder)} is a link to a folder, whose pages are not read: "
            "move or copy the pages into content/",
            file=sys.stderr,
        )
    if not result.base_url:
        print(
            "note: no base_url, so no feed.xml, sitemap.xml or canonical links: set base_url in site.yaml "
            "or pass --base-url to publish the site"
        )
    return 0


def _check(args: argparse.Namespace, site_dir: Path) -> int:
    from .commands.check import check, notes, summary

    site = check(site_dir, args.jobs)
    print(summary(site))
    for line in notes(site, site_dir):  # never a failure: the exit status stays 0
        print(line)
    return 0


def _ingest(args: argparse.Namespace, site_dir: Path) -> int:
    """Each capture's report, then how many were drafted: 1 when any could not be."""
    from .commands.ingest import ingest

    out = args.out.resolve() if args.out else None
    captures = [path if _is_url(path) else Path(path).resolve() for path in args.paths]
    results = ingest(site_dir, captures, out, args.dry_run)
    for result in results:
        print(result.report(), file=sys.stderr if result.problem else sys.stdout)
    drafted = sum(1 for r in results if not r.problem)
    failed = len(results) - drafted
    verb = "would be drafted (dry run: nothing written)" if args.dry_run else "drafted"
    print(f"{drafted} of {len(results)} captures {verb}" + (f"; {failed} could not be" if failed else "."))
    return 1 if failed else 0


def _serve(args: argparse.Namespace, site_dir: Path, out_dir: Path) -> int:
    from .commands.serve import PortInUse, serve

    try:
        serve(site_dir, out_dir, args.host, args.port, args.open, args.base_url, args.jobs)
    except PortInUse as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    return 0


def _deploy(args: argparse.Namespace, site_dir: Path) -> int:
    """A deploy builds afresh, into a temp folder unless --out names one to keep."""
    from .commands.deploy import deploy

    out = args.out.resolve() if args.out else None
    push = not args.no_push
    result = deploy(site_dir, out, args.base_url, args.remote, args.branch, args.message, push, args.jobs)
    print(result.report())
    return 0


def _is_url(path: str) -> bool:
    return path.startswith(("http://", "https://"))
