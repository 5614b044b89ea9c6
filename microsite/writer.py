"""The only module that touches the output folder.

A full build writes into a fresh temporary folder beside the output and swaps it in
only when every page was written, so a failed build never costs the last good site.
A rebuild updates the folder in place once every page rendered (into a staging folder
beside it): each file is replaced whole (renamed into place), so no reader ever sees half
a file, and inside a transaction that puts every old file back should anything fail.
The output folder carries a marker file; a folder without it (and not empty) is never
replaced, because it may hold files the user wrote.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path

from .errors import OutputRefused, Problem

MARKER = ".microsite-output"


class Output:
    def __init__(self, root: Path):
        self.root = root

    def write_text(self, path: str, text: str) -> None:
        with self._replacing(path) as temp:
            temp.write_text(text, encoding="utf-8")

    def copy(self, source: Path, path: str) -> None:
        with self._replacing(path) as temp:
            shutil.copyfile(source, temp)

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
        temp = Path(tempfile.mkdtemp(prefix=f".{name}.new-", dir=self.root))
        try:
            yield temp
        except BaseException:
            shutil.rmtree(temp, ignore_errors=True)
            raise
        os.chmod(temp, 0o755)
        target = self.root / name
        old = None
        if target.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{name}.old-", dir=self.root))
            os.replace(target, old / name)
        os.replace(temp, target)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)

    @contextmanager
    def staging(self):
        """Yield an Output in a temporary folder inside this one, to fill before `take` moves files over."""
        # Beside the output, not in it: Pagefind, which indexes the output folder, must not find it.
        temp = Path(tempfile.mkdtemp(prefix=f".{self.root.name}.staging-", dir=self.root.parent))
        try:
            yield Output(temp)
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
    def __init__(self, out: Output):
        self.out = out
        self.backup = Path(tempfile.mkdtemp(prefix=f".{out.root.name}.backup-", dir=out.root.parent))
        self._changed: list[tuple[str, bool]] = []  # (path, whether it had a previous version)

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
        self._changed.append((path, had))

    def roll_back(self) -> None:
        for path, had in reversed(self._changed):
            target = self.out.root / path
            if had:
                target.parent.mkdir(parents=True, exist_ok=True)
                os.replace(self.backup / path, target)
            else:
                self.out.remove(path)


def check_destination(out_dir: Path, protected: list[Path]) -> None:
    out = out_dir.resolve()
    for folder in protected:
        folder = folder.resolve()
        if out.is_relative_to(folder) or folder.is_relative_to(out):
            where = "is inside" if out.is_relative_to(folder) and out != folder else "holds"
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
    temp = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.new-", dir=out_dir.parent))
    try:
        (temp / MARKER).write_text("This folder is generated: every build replaces what is in it.\n", encoding="utf-8")
        yield Output(temp)
    except BaseException:
        shutil.rmtree(temp, ignore_errors=True)
        raise
    os.chmod(temp, 0o755)
    old = None
    if out_dir.exists():
        old = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.old-", dir=out_dir.parent))
        os.replace(out_dir, old / "site")
    os.replace(temp, out_dir)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
