#!/usr/bin/env python3
"""Command-line entry: `python build.py [--site DIR] build|check|serve`. See README.md."""

import sys

from microsite.cli import main

if __name__ == "__main__":
    sys.exit(main())
