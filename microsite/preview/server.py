"""The preview's web server, on livereload: the output folder and nothing else.

While the last rebuild failed, every page request gets a page listing the problems
in place of the page asked for; livereload's script reloads it when a rebuild
succeeds. Static files (stylesheets, scripts) are still served from the last good site.
"""

from __future__ import annotations

import logging
import os
import time
from dataclasses import dataclass
from pathlib import Path

from jinja2 import Environment, FileSystemLoader
from livereload import Server
from livereload.handlers import ForceReloadHandler, LiveReloadHandler, LiveReloadJSHandler
from livereload.server import LiveScriptInjector
from livereload.watcher import Watcher
from tornado import web
from tornado.ioloop import IOLoop

from ..errors import Problem, display_path
from ..site.render import CONTENT_SECURITY_POLICY
from ..site.urls import NOT_FOUND

_ERROR_PAGE = Environment(loader=FileSystemLoader(str(Path(__file__).parent)), autoescape=True).get_template(
    "error.html"
)


@dataclass(frozen=True)
class Failure:
    problems: list[Problem]
    excerpts: list[list[tuple[int, str, bool]]]  # the lines around each problem, as they were when it failed
    at: str


class PreviewState:
    """What the server shows: the output folder, or the problems of the last rebuild.

    The build thread replaces `failure` whole; request handlers read it once."""

    def __init__(self, out_dir: Path):
        self.out_dir = out_dir
        self.failure: Failure | None = None

    @property
    def problems(self) -> list[Problem] | None:
        failure = self.failure
        return failure.problems if failure else None

    def fail(self, problems: list[Problem]) -> None:
        self.failure = Failure(problems, [_excerpt(p) for p in problems], time.strftime("%H:%M:%S"))

    def succeed(self) -> None:
        self.failure = None


class PreviewServer(Server):
    def __init__(self, state: PreviewState):
        super().__init__(watcher=_NoWatcher())
        self.state = state
        self.loop: IOLoop | None = None

    def get_web_handlers(self, script):
        return [(r"/(.*)", SiteHandler, {"path": str(self.state.out_dir), "state": self.state})]

    def application(self, port, host, liveport=None, debug=None, live_css=True):
        # livereload's own application injects an inline script, which the site's Content-Security-Policy
        # forbids: inject livereload.js by its address instead (it finds the server's port in that address).
        LiveReloadHandler.watcher = self.watcher
        LiveReloadHandler.live_css = live_css

        class ScriptByAddress(LiveScriptInjector):
            script = f'<script src="/livereload.js?port={port}"></script>'.encode()

        handlers = [
            (r"/livereload", LiveReloadHandler),
            (r"/forcereload", ForceReloadHandler),
            (r"/livereload.js", LiveReloadJSHandler),
            *self.get_web_handlers(ScriptByAddress.script),
        ]
        web.Application(handlers=handlers, debug=False, transforms=[ScriptByAddress]).listen(port, address=host)
        self.loop = IOLoop.current()

    def reload_browsers(self, paths: list[str]) -> None:
        """Tell every open page to reload (a stylesheet alone reloads in place). Any thread may call this."""
        if self.loop is not None:
            for path in paths:
                self.loop.add_callback(LiveReloadHandler.reload_waiters, path)

    def _setup_logging(self):
        # The serve command prints what happens, in its own words; a 404 is not news.
        logging.getLogger("tornado.access").disabled = True


class _NoWatcher(Watcher):
    """livereload's own watcher polls every 0.8 s, one changed file at a time, and drops reloads
    that come less than 3 s apart; preview/watch.py does the watching, and the server reloads."""

    def watch(self, *args, **kwargs):
        pass

    def start(self, callback):
        return True  # "started": livereload then does no polling of its own

    def examine(self):
        return None, None


class SiteHandler(web.StaticFileHandler):
    def initialize(self, path: str, state: PreviewState) -> None:
        super().initialize(path=path, default_filename="index.html")
        self.state = state

    async def get(self, path: str, include_body: bool = True) -> None:
        failure = self.state.failure
        if failure is not None and _is_page(path):
            self.set_status(500)
            self.set_header("Content-Type", "text/html; charset=utf-8")
            self.set_header("Cache-Control", "no-store")
            html = _ERROR_PAGE.render(
                problems=list(zip(failure.problems, failure.excerpts, strict=True)),
                time=failure.at,
                out_dir=display_path(self.state.out_dir),
                requested=path,
            )
            self.finish(html.encode("utf-8") if include_body else b"")
            return
        try:
            await super().get(path, include_body)
        except web.HTTPError as err:
            # Outside the folder, or a folder without index.html: "not found", either way,
            # so that no answer tells what exists outside the output folder.
            if err.status_code == 403:
                raise web.HTTPError(404) from None
            raise

    def validate_absolute_path(self, root: str, absolute_path: str) -> str | None:
        # Only files inside the output folder once symlinks are followed (older tornado
        # releases follow links out of it).
        try:
            real_root, real = os.path.realpath(root), os.path.realpath(absolute_path)
        except (ValueError, OSError):  # a NUL byte, a loop of links
            raise web.HTTPError(404) from None
        if real != real_root and not real.startswith(real_root + os.sep):
            raise web.HTTPError(404)
        return super().validate_absolute_path(real_root, real)

    def set_extra_headers(self, path: str) -> None:
        self.set_header("Cache-Control", "no-store")  # a preview is always the latest build
        if _is_page(path):
            self.set_header("Content-Security-Policy", CONTENT_SECURITY_POLICY)

    def compute_etag(self) -> str | None:
        return None  # tornado caches these per path for ever, which a preview cannot use

    def should_return_304(self) -> bool:
        return False

    def write_error(self, status_code: int, **kwargs) -> None:
        not_found = Path(self.root) / NOT_FOUND
        if status_code == 404 and not_found.is_file():
            self.set_header("Content-Type", "text/html; charset=utf-8")
            self.set_header("Cache-Control", "no-store")
            self.finish(not_found.read_bytes())
            return
        super().write_error(status_code, **kwargs)


def _excerpt(problem: Problem, around: int = 2) -> list[tuple[int, str, bool]]:
    """The lines around a problem's line, as (number, text, is the line): what an editor would show."""
    if problem.file is None or not problem.line:
        return []
    try:
        lines = problem.file.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return []
    first = max(1, problem.line - around)
    last = min(len(lines), problem.line + around)
    return [(number, lines[number - 1][:300], number == problem.line) for number in range(first, last + 1)]


def _is_page(path: str) -> bool:
    name = path.rsplit("/", 1)[-1]
    return name == "" or name.endswith(".html") or "." not in name
