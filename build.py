#!/usr/bin/env python3
"""Command-line entry: `python build.py [--site DIR] build|check|serve`. See README.md."""

import os
import sys

from microsite.cli import main

if __name__ == "__main__":
    status = main()
    if sys.getprofile() or sys.gettrace():  # a profiler or coverage, which write their report at exit
        sys.exit(status)
    # Everything is written and closed by now. A big site's model is millions of objects, and freeing
    # them one by one on the way out took a second at 10,000 articles: leave at once.
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(status)
