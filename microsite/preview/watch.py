"""Which source files changed, in batches: one batch per burst of saves.

watchfiles (inotify underneath) watches the folders a site is built from, and the
site folder itself, without recursion, for site.yaml and for one of those folders
appearing or going. An editor's "save all", a `git checkout` or a copy of several
captures is one burst: its changes are gathered until the files have been quiet for
a moment and handed over together, so a burst makes one rebuild.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

import watchfiles

from ..source import layout

WATCHED = (layout.CONFIG, layout.CONTENT, layout.SEEDS, layout.TEMPLATES, layout.STATIC)

# How long the files must stay unchanged before a batch is handed over: watchfiles has already waited
# for 30 ms of quiet (`step`); this also joins the two watchers' reports of one burst. Every save waits it.
QUIET_SECONDS = 0.05


class SourceWatcher:
    def __init__(self, site_dir: Path, extra_dirs: list[Path], on_batch: Callable[[set[Path]], None]):
        self.site_dir = site_dir
        self.extra_dirs = extra_dirs  # the project's templates/ and static/, which a site may not override
        self.on_batch = on_batch
        self._changed = threading.Condition()
        self._pending: set[Path] = set()
        self._events = 0  # counts every change seen, so that the batcher can tell "quiet"
        self._stop = threading.Event()
        self._folders_stop = threading.Event()
        self._threads: list[threading.Thread] = []

    def start(self) -> None:
        self._start_thread(self._watch_site_folder, "watch site folder")
        self._start_thread(self._watch_folders, "watch folders")
        self._start_thread(self._hand_over_batches, "rebuild")

    def stop(self) -> None:
        self._stop.set()
        self._folders_stop.set()
        with self._changed:
            self._changed.notify_all()
        for thread in self._threads:
            thread.join(timeout=2)

    def _start_thread(self, target, name: str) -> None:
        thread = threading.Thread(target=target, name=name, daemon=True)
        self._threads.append(thread)
        thread.start()

    def _record(self, paths: set[Path]) -> None:
        with self._changed:
            self._pending |= paths
            self._events += 1
            self._changed.notify_all()

    def _watch_site_folder(self) -> None:
        def relevant(_change, path: str) -> bool:
            return Path(path).name in WATCHED

        for changes in _watch(self.site_dir, self._stop, relevant, recursive=False):
            paths = {Path(path) for _change, path in changes}
            if any(path.name != layout.CONFIG for path in paths):
                self._folders_stop.set()  # a watched folder came or went: watch the folders anew
            self._record(paths)

    def _watch_folders(self) -> None:
        while not self._stop.is_set():
            self._folders_stop.clear()
            folders = [self.site_dir / name for name in WATCHED[1:]] + self.extra_dirs
            existing = sorted({folder for folder in folders if folder.is_dir()})
            if not existing:
                self._folders_stop.wait()
                continue
            try:
                for changes in _watch(existing, self._folders_stop, watchfiles.DefaultFilter(), recursive=True):
                    self._record({Path(path) for _change, path in changes})
            except (OSError, RuntimeError):  # a watched folder was removed under the watcher
                self._folders_stop.wait(0.2)

    def _hand_over_batches(self) -> None:
        while not self._stop.is_set():
            with self._changed:
                while not self._pending and not self._stop.is_set():
                    self._changed.wait()
                while not self._stop.is_set():  # wait for the burst to end
                    seen = self._events
                    self._changed.wait(QUIET_SECONDS)
                    if self._events == seen:
                        break
                batch, self._pending = self._pending, set()
            if batch and not self._stop.is_set():
                self.on_batch(batch)


def _watch(paths, stop: threading.Event, accept, recursive: bool):
    if isinstance(paths, Path):
        paths = [paths]
    return watchfiles.watch(
        *paths,
        watch_filter=accept,
        stop_event=stop,
        recursive=recursive,
        debounce=400,
        step=30,
        raise_interrupt=False,
    )
