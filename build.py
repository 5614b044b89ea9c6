#!/usr/bin/env python3
"""Command-line entry in this repository: `python build.py [--site DIR] COMMAND`, the same command line as the
installed `microsite` command. See README.md."""

from microsite.cli import run

if __name__ == "__main__":
    run(prog="build.py")
