"""`serve`: build, serve the output with livereload, rebuild and reload on every save.

Builds go through the same atomic swap as `build`, so the server never shows half a
site; a failed rebuild prints its problems and keeps the last good site.
"""

from __future__ import annotations

import errno
import socket
import sys
from pathlib import Path

from .. import render
from ..errors import BuildFailed
from .build import build

WATCHED = ("site.yaml", "content", "seeds", "templates", "static")


def serve(site_dir: Path, out_dir: Path, host: str, port: int, open_browser: bool) -> None:
    from livereload import Server  # imported here: only the preview needs tornado

    _rebuild(site_dir, out_dir)
    if not out_dir.is_dir():
        raise BuildFailed([])  # the first build failed and there is no previous site to show
    _check_port(host, port)

    server = Server()
    for name in WATCHED:
        for base in {site_dir, render.PROJECT_DIR} if name in ("templates", "static") else {site_dir}:
            path = base / name
            if path.exists():
                server.watch(str(path), lambda: _rebuild(site_dir, out_dir), delay=0.3)
    print(f"Serving {out_dir} at http://{host}:{port}/ (Ctrl-C to stop)", flush=True)
    server.serve(host=host, port=port, root=str(out_dir), open_url_delay=0.5 if open_browser else None, restart_delay=0)


def _rebuild(site_dir: Path, out_dir: Path) -> None:
    try:
        result = build(site_dir, out_dir)
    except BuildFailed as failed:
        print(failed.report(), file=sys.stderr, flush=True)
        print("The last good site is still being served.", file=sys.stderr, flush=True)
        return
    print(f"Built {result.pages} pages in {result.seconds:.2f}s", flush=True)


def _check_port(host: str, port: int) -> None:
    with socket.socket() as probe:
        try:
            probe.bind((host, port))
        except OSError as err:
            if err.errno == errno.EADDRINUSE:
                raise PortInUse(
                    f"port {port} on {host} is already in use: stop the other server or pass --port"
                ) from None
            raise


class PortInUse(Exception):
    pass
