"""`python -m microsite`: the same command line as the `microsite` command."""

from .cli import run

if __name__ == "__main__":
    run(prog="microsite")
