"""`serve`: build, serve the output with live reload, rebuild what changed on every save.

A Builder stays alive between rebuilds, so a save re-renders only what it touches. A
failed rebuild keeps the last good site on disk, prints its problems and shows them in
the browser in place of the page; the page comes back by itself when they are fixed.
"""

from __future__ import annotations

import errno
import socket
from pathlib import Path

from ..build.builder import Builder, BuildResult
from ..console import Console
from ..errors import BuildFailed, OutputRefused, Problem, display_path
from ..site.render import plural
from ..source import layout


def serve(
    site_dir: Path,
    out_dir: Path,
    host: str,
    port: int,
    open_browser: bool,
    base_url: str | None = None,
    jobs: int | None = None,
    say: Console | None = None,
) -> None:
    from ..preview.server import PreviewServer, PreviewState  # only the preview needs tornado
    from ..preview.watch import SourceWatcher

    _check_port(host, port)
    say = say or Console()
    preview = Preview(Builder(site_dir, out_dir, base_url, jobs=jobs), PreviewState(out_dir), say)
    preview.rebuild(set(), first=True)  # an output folder the build may not replace stops the server here
    server = preview.server = PreviewServer(preview.state)
    project_dirs = [layout.DEFAULTS / layout.TEMPLATES, layout.DEFAULTS / layout.STATIC]
    watcher = SourceWatcher(
        site_dir, [d for d in project_dirs if d.resolve() != site_dir.resolve() / d.name], preview.rebuild
    )
    watcher.start()
    # Said even with -q: where the site is served is what this command is run for.
    print(f"Serving {display_path(out_dir)} at http://{host}:{port}/ (Ctrl-C to stop)", flush=True)
    try:
        server.serve(
            host=host, port=port, root=str(out_dir), open_url_delay=0.5 if open_browser else None, restart_delay=0
        )
    except OSError as err:
        if err.errno == errno.EADDRINUSE:
            raise PortInUse(_port_message(host, port)) from None
        raise
    finally:
        watcher.stop()
    say.result("Stopped.")


class Preview:
    """Rebuilds on each batch of changes and tells the browsers what to reload."""

    def __init__(self, builder: Builder, state, say: Console | None = None):
        self.builder, self.state, self.say = builder, state, say or Console()
        self.server = None

    def rebuild(self, changed: set[Path], first: bool = False) -> None:
        named = sorted(display_path(p) for p in ([p for p in changed if p.exists()] or changed))
        what = ", ".join(named[:3]) + (f" and {len(named) - 3} more" if len(named) > 3 else "")
        was_failing = self.state.problems is not None
        result = self._build(changed, first)
        if result is None:
            self.say.problems("Rebuild interrupted; the last good site is kept.")
            return
        if isinstance(result, BuildFailed):
            failed, shown = result, self.state.problems
            self.state.fail(failed.problems)
            self.say.problems(failed.report("the last good site is kept."))
            self.say.problems("The browser shows these problems until they are fixed.")
            if shown != failed.problems:
                self._reload(["*"])
            return
        self.state.succeed()
        kind = "Built" if result.full else "Rebuilt"
        self.say.result(
            f"{kind} in {result.seconds:.2f}s: {len(result.rendered)} of {result.pages} pages rendered, "
            f"{plural(len(result.written), 'file')} written, {len(result.removed)} removed"
            + (f" ({what})" if what else "")
        )
        changed_files = [*result.written, *result.removed]
        if was_failing or result.removed or any(not path.endswith(".css") for path in changed_files):
            self._reload(["*"])
        elif changed_files:
            self._reload(changed_files)  # stylesheets alone: livereload swaps them without a reload

    def _build(self, changed: set[Path], first: bool) -> BuildResult | BuildFailed | None:
        """The build's result, or its problems; None when it was interrupted (Ctrl-C reached a tool it ran)."""
        try:
            return self.builder.build(None if first else changed)
        except KeyboardInterrupt:
            if first:  # in the main thread: the user stopped the server while it started
                raise
            return None
        except OutputRefused as refused:
            if first:  # no save can fix the output folder: say so and stop
                raise
            return refused
        except BuildFailed as failed:
            return failed
        except Exception as err:  # a bug must not end the preview: the next save tries again
            return BuildFailed([_unexpected(err)])

    def _reload(self, paths: list[str]) -> None:
        if self.server is not None:
            self.server.reload_browsers(paths)


def _unexpected(err: Exception) -> Problem:
    return Problem(
        None,
        f"the rebuild stopped on an unexpected error: {type(err).__name__}: {err}",
        hint="the next save tries again; if this stays, please report it with the file you saved",
    )


def _check_port(host: str, port: int) -> None:
    with socket.socket() as probe:
        try:
            probe.bind((host, port))
        except OSError as err:
            if err.errno == errno.EADDRINUSE:
                raise PortInUse(_port_message(host, port)) from None
            raise


def _port_message(host: str, port: int) -> str:
    return f"port {port} on {host} is already in use: stop the other server or pass another --port"


class PortInUse(Exception):
    pass
