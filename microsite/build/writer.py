"""The only module that touches the output folder.

A full build writes into a fresh temporary folder beside the output and swaps it in
only when every page was written, so a failed build never costs the last good site.
A rebuild updates the folder in place once every page rendered (into a staging folder
beside it): each file is replaced whole (renamed into place), so no reader ever sees half
a file, and inside a transaction that puts every old file back should anything fail.
The output folder carries a marker file; a folder without it (and not empty) is never
replaced, because it may hold files the user wrote.

A build may be killed at any moment (SIGKILL, a power cut of the terminal). The full
build's swap is one atomic exchange of the two folders where the system has one (Linux's
renameat2), so the output folder is always the old site or the new one. A rebuild in place
writes a journal beside the output before it replaces anything; if it was killed while
replacing, the next build first puts every old file back (`recover`). The temporary folders
a killed build leaves carry a marker, and only folders with that marker are swept away.
"""

from __future__ import annotations

import ctypes
import os
import re
import shutil
import tempfile
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from pathlib import Path

from ..errors import OutputRefused, Problem

MARKER = ".microsite-output"
TEMPORARY = ".microsite-temporary"  # in every temporary folder a build makes: a leftover may be swept
JOURNAL = "journal"  # in a transaction's backup folder: the files it changed, each before it changed it
_KINDS = ("new", "old", "staging", "backup")


def _temporary_folder(name: str, kind: str, parent: Path) -> Path:
    # The process that made it is in its name from the first instant: a build killed before it wrote the
    # marker (a few hundred microseconds later) leaves a folder the next one still knows for its own.
    folder = Path(tempfile.mkdtemp(prefix=f".{name}.{kind}-{os.getpid()}-", dir=parent))
    _mark_temporary(folder)
    return folder


def _mark_temporary(folder: Path) -> None:
    # The process that made it: a folder of a build still running (the preview's, say) is left alone.
    (folder / TEMPORARY).write_text(f"{os.getpid()}\n", encoding="utf-8")


def _leftovers(parent: Path, name: str | None) -> list[Path]:
    """The temporary folders in `parent` (of the folder `name`, or of any) whose build is no longer running."""
    pattern = re.compile(rf"\.{re.escape(name) if name else '.+'}\.({'|'.join(_KINDS)})-(?:(\d+)-)?")
    try:
        entries = list(os.scandir(parent))
    except OSError:
        return []
    found = []
    for entry in entries:
        match = pattern.match(entry.name)
        if match and entry.is_dir(follow_symlinks=False):
            try:
                pid = int(Path(entry.path, TEMPORARY).read_text(encoding="utf-8"))
            except (OSError, ValueError):
                if match[2] is None:
                    continue  # no marker, no maker in the name: not ours to remove
                pid = int(match[2])
            if not _running(pid):
                found.append(Path(entry.path))
    return found


def _running(pid: int) -> bool:
    if pid == os.getpid():
        return False  # this process is not building yet: what it finds was left by an earlier one
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True


def recover(out_dir: Path) -> None:
    """Undo what a killed build left: a rebuild in place half done is rolled back from its journal, and
    the temporary folders are removed (only those that carry the marker: nothing the user made)."""
    out_dir = out_dir.resolve()
    for folder in _leftovers(out_dir.parent, out_dir.name):
        if folder.name.startswith(f".{out_dir.name}.backup-") and (folder / JOURNAL).is_file():
            Transaction.resume(Output(out_dir), folder).roll_back()
        shutil.rmtree(folder, ignore_errors=True)
    for folder in _leftovers(out_dir, None):  # a folder replaced whole inside it, such as Pagefind's
        shutil.rmtree(folder, ignore_errors=True)


_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def _exchange(first: Path, second: Path) -> bool:
    """Swap two folders in one step (Linux's renameat2); False where the system cannot."""
    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (AttributeError, OSError):
        return False
    done = renameat2(_AT_FDCWD, os.fsencode(first), _AT_FDCWD, os.fsencode(second), _RENAME_EXCHANGE)
    return done == 0


def _swap_in(fresh: Path, target: Path) -> None:
    """Put the folder `fresh` in the place of `target` (which may not exist) and delete the old one."""
    if target.exists() and _exchange(fresh, target):
        _mark_temporary(fresh)  # it holds the old folder now
        shutil.rmtree(fresh, ignore_errors=True)
        return
    old = None
    if target.exists():  # two renames: for an instant there is no folder at all
        old = _temporary_folder(target.name, "old", target.parent)
        os.replace(target, old / "site")
    os.replace(fresh, target)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def _write_utf8(file: str | Path, text: str | bytes | Iterable[str]) -> None:
    """Text as UTF-8, or the bytes of a binary data file (an SQLite database) as they are."""
    with open(file, "wb") as out:
        if isinstance(text, bytes):
            out.write(text)
        elif isinstance(text, str):
            out.write(text.encode("utf-8"))
        else:
            for piece in text:
                out.write(piece.encode("utf-8"))


class Output:
    def __init__(self, root: Path, fresh: bool = False):
        self.root = root
        # A fresh folder (a full build's, a staging one) has no reader until it is swapped in or its files
        # are moved over: its files are written in place, with no temporary file to rename. Writing is a
        # good part of a cold build, and each saved system call counts.
        self.fresh = fresh
        self._folders: set[str] = set()  # made already in a fresh folder
        # Done to a folder replaced whole (replacing_folder) once it is filled, before it is swapped in: the
        # compressed copies of Pagefind's files (build/compress.py).
        self.finish_folder: Callable[[Path], None] | None = None

    def write_text(self, path: str, text: str | bytes | Iterable[str]) -> None:
        """Write a page, given whole or as pieces (a big data file: never joined, so never held twice), or
        the bytes of a binary data file."""
        if self.fresh:
            self._make_folder(path)
            _write_utf8(os.path.join(self.root, path), text)
            return
        with self._replacing(path) as temp:
            _write_utf8(temp, text)

    def copy(self, source: Path, path: str) -> None:
        if self.fresh:
            self._make_folder(path)
            shutil.copyfile(source, os.path.join(self.root, path))
            return
        with self._replacing(path) as temp:
            shutil.copyfile(source, temp)

    def _make_folder(self, path: str) -> None:
        folder = os.path.dirname(path)
        if folder not in self._folders:
            os.makedirs(os.path.join(self.root, folder), exist_ok=True)
            self._folders.add(folder)

    def remove(self, path: str) -> None:
        """Delete a file this tool wrote, and the folders it leaves empty."""
        target = self.root / path
        target.unlink(missing_ok=True)
        folder = target.parent
        while folder != self.root and folder.is_dir() and not any(folder.iterdir()):
            folder.rmdir()
            folder = folder.parent

    def remove_folder(self, name: str) -> None:
        """Delete a folder a tool wrote whole, such as Pagefind's index."""
        shutil.rmtree(self.root / name, ignore_errors=True)

    @contextmanager
    def replacing_folder(self, name: str):
        """Yield a fresh folder inside the output; once filled, it replaces the folder `name` whole.

        A reader finds the old folder or the new one (for the instant between two renames, none), never
        one half written."""
        temp = _temporary_folder(name, "new", self.root)
        try:
            yield temp
            if self.finish_folder is not None:
                self.finish_folder(temp)
        except BaseException:
            shutil.rmtree(temp, ignore_errors=True)
            raise
        os.chmod(temp, 0o755)
        (temp / TEMPORARY).unlink()
        _swap_in(temp, self.root / name)

    @contextmanager
    def staging(self):
        """Yield an Output in a temporary folder inside this one, to fill before `take` moves files over."""
        # Beside the output, not in it: Pagefind, which indexes the output folder, must not find it.
        temp = _temporary_folder(self.root.name, "staging", self.root.parent)
        try:
            yield Output(temp, fresh=True)
        finally:
            shutil.rmtree(temp, ignore_errors=True)

    @contextmanager
    def transaction(self):
        """Yield a Transaction: if the block fails, every file it replaced or removed is put back and every
        file it added is removed, so a rebuild in place that fails (Pagefind, a full disk) costs nothing."""
        transaction = Transaction(self)
        try:
            yield transaction
        except BaseException:
            transaction.roll_back()
            raise
        finally:
            transaction.close()
            shutil.rmtree(transaction.backup, ignore_errors=True)

    @contextmanager
    def _replacing(self, path: str):
        target = self.root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        temp = target.with_name(f".{target.name}.tmp-{os.getpid()}")
        try:
            yield temp
            os.replace(temp, target)
        finally:
            temp.unlink(missing_ok=True)


class Transaction:
    def __init__(self, out: Output, backup: Path | None = None):
        self.out = out
        self.backup = backup or _temporary_folder(out.root.name, "backup", out.root.parent)
        self._changed: list[tuple[str, bool]] = []  # (path, whether it had a previous version)
        self._journal = None

    @classmethod
    def resume(cls, out: Output, backup: Path) -> Transaction:
        """The transaction of a killed build, from its journal: ready to be rolled back."""
        transaction = cls(out, backup)
        for line in (backup / JOURNAL).read_text(encoding="utf-8").splitlines():
            had, _tab, path = line.partition("\t")
            if path and ".." not in Path(path).parts and not Path(path).is_absolute():
                transaction._changed.append((path, had == "1"))
        return transaction

    def take(self, staged: Output, path: str) -> None:
        """Move a file written into a staging Output to its place, replacing the old one whole."""
        self._keep(path)
        target = self.out.root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(staged.root / path, target)

    def copy(self, source: Path, path: str) -> None:
        self._keep(path)
        self.out.copy(source, path)

    def remove(self, path: str) -> None:
        self._keep(path)
        self.out.remove(path)

    def _keep(self, path: str) -> None:
        # A hard link keeps the old version without a moment in which readers find no file.
        target, kept = self.out.root / path, self.backup / path
        had = target.is_file()
        if had:
            kept.parent.mkdir(parents=True, exist_ok=True)
            try:
                os.link(target, kept)
            except OSError:
                shutil.copy2(target, kept)
        # Journalled before the file changes: a build killed from here on is rolled back by the next one.
        if self._journal is None:
            self._journal = open(self.backup / JOURNAL, "a", encoding="utf-8")  # noqa: SIM115 (see close)
        self._journal.write(f"{int(had)}\t{path}\n")
        self._journal.flush()
        self._changed.append((path, had))

    def close(self) -> None:
        if self._journal is not None:
            self._journal.close()
            self._journal = None

    def roll_back(self) -> None:
        self.close()
        for path, had in reversed(self._changed):
            target, kept = self.out.root / path, self.backup / path
            if had:
                if kept.is_file():  # else killed before its old version was moved aside: still in place
                    target.parent.mkdir(parents=True, exist_ok=True)
                    os.replace(kept, target)
            else:
                self.out.remove(path)


def check_destination(out_dir: Path, protected: list[Path]) -> None:
    out = out_dir.resolve()
    for folder in protected:
        folder = folder.resolve()
        if out.is_relative_to(folder) or folder.is_relative_to(out):
            where = "is" if out == folder else "is inside" if out.is_relative_to(folder) else "holds"
            raise OutputRefused(
                [
                    Problem(
                        out_dir,
                        f"cannot be the output folder: it {where} {folder.name}/",
                        hint="choose another --out folder, such as _site",
                    )
                ]
            )
    if out.exists() and (not out.is_dir() or (any(out.iterdir()) and not (out / MARKER).is_file())):
        raise OutputRefused(
            [
                Problem(
                    out_dir,
                    "exists and was not made by this tool, so it is left alone",
                    hint="move it away or choose another --out folder; the build replaces only folders it made",
                )
            ]
        )


def in_place_output(out_dir: Path) -> Output:
    """The existing output folder, for a rebuild that replaces only the files that changed."""
    return Output(out_dir.resolve())


@contextmanager
def atomic_output(out_dir: Path):
    """Yield an Output in a temporary folder; on success it replaces `out_dir`."""
    out_dir = out_dir.resolve()
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    temp = _temporary_folder(out_dir.name, "new", out_dir.parent)
    try:
        (temp / MARKER).write_text("This folder is generated: every build replaces what is in it.\n", encoding="utf-8")
        yield Output(temp, fresh=True)
    except BaseException:
        shutil.rmtree(temp, ignore_errors=True)
        raise
    os.chmod(temp, 0o755)
    (temp / TEMPORARY).unlink()
    _swap_in(temp, out_dir)
