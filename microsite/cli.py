"""The command line: parse arguments, call a command, turn problems into exit status 1."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .errors import BuildFailed


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

    commands.add_parser("check", help="check the content and write nothing")

    serve = commands.add_parser("serve", help="build, serve and rebuild on every save")
    serve.add_argument("--out", type=Path, metavar="DIR", help="output folder (default: _site in the site folder)")
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)")
    serve.add_argument("--port", type=int, default=8000, help="port to listen on (default: 8000)")
    serve.add_argument("--open", action="store_true", help="open the site in a browser")
    return top


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    site_dir = args.site.resolve()
    out_dir = (args.out if getattr(args, "out", None) else site_dir / "_site").resolve()
    try:
        if args.command == "build":
            from .commands.build import build

            result = build(site_dir, out_dir)
            print(f"Built {result.pages} pages ({result.articles} articles) into {out_dir} in {result.seconds:.2f}s")
        elif args.command == "check":
            from .commands.check import check, summary

            print(summary(check(site_dir)))
        elif args.command == "serve":
            from .commands.serve import PortInUse, serve

            try:
                serve(site_dir, out_dir, args.host, args.port, args.open)
            except PortInUse as err:
                print(f"error: {err}", file=sys.stderr)
                return 1
        else:
            parser().print_help()
            return 2
    except BuildFailed as failed:
        if failed.problems:
            print(failed.report(), file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("\nStopped.", file=sys.stderr)
        return 130
    return 0
