"""Running a process and measuring it: its wall time, its process tree's peak memory, a preview server's
latency, and whether two output trees are the same byte for byte."""

from __future__ import annotations

import contextlib
import filecmp
import os
import shlex
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import psutil
from tools import Tool

SETTLE_SECONDS = 1.5  # our tool re-reads files written within the last second: inputs must be older
SAMPLE_SECONDS = 0.02  # memory sampling interval
POLL_SECONDS = 0.005  # how often the preview scenario looks for the edited page
MB = 1_000_000
# Python tools flush every line, so the runner sees a server's "ready" line when it is printed.
CHILD_ENV = {**os.environ, "PYTHONUNBUFFERED": "1"}


class ToolFailed(Exception):
    """A tool crashed, timed out or wrote a page without the change it was given."""


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def settle(tool: Tool) -> None:
    """Wait until every input is at least SETTLE_SECONDS old, as files are that a user did not just save."""
    newest = 0.0
    for path in tool.inputs:
        for file in [path, *path.rglob("*")] if path.is_dir() else [path]:
            newest = max(newest, file.stat().st_mtime)
    wait = newest + SETTLE_SECONDS - time.time()
    if wait > 0:
        time.sleep(wait)


def count_pages(folder: Path) -> int:
    return sum(1 for _, _, files in os.walk(folder) for name in files if name.endswith(".html"))


# --- Measuring: wall time, and the peak memory of the whole process tree ----------------------------------------


class TreeSampler(threading.Thread):
    """Every 20 ms, the memory of a process and all its children: the largest sum of PSS (RSS where PSS fails).

    Reading a process's PSS makes the kernel walk its pages: about 20 ms for a process of 1 GB, so
    sampling takes most of a core. Timed runs therefore sample nothing (`start` is not called), and the
    peak is taken in a run of its own (Bench)."""

    def __init__(self, pid: int):
        super().__init__(daemon=True)
        self.root = psutil.Process(pid)
        self.peak_bytes = 0
        self._done = threading.Event()

    def run(self) -> None:
        while not self._done.is_set():
            self.peak_bytes = max(self.peak_bytes, self.tree_bytes())
            self._done.wait(SAMPLE_SECONDS)

    def tree_bytes(self) -> int:
        try:
            processes = [self.root, *self.root.children(recursive=True)]
        except psutil.Error:
            return 0
        total = 0
        for process in processes:
            try:
                try:
                    total += process.memory_full_info().pss
                except (psutil.AccessDenied, AttributeError):
                    total += process.memory_info().rss
            except psutil.Error:
                pass  # exited between the listing and the reading
        return total

    def tree_cpu_seconds(self) -> float:
        total = 0.0
        try:
            processes = [self.root, *self.root.children(recursive=True)]
        except psutil.Error:
            return 0.0
        for process in processes:
            try:
                times = process.cpu_times()
                total += times.user + times.system
            except psutil.Error:
                pass
        return total

    def stop(self) -> None:
        self._done.set()
        if self.is_alive():
            self.join()


@dataclass
class Exit:
    seconds: float  # wall time from start to exit
    status: int
    max_rss_bytes: int  # the root process's ru_maxrss, from wait4


_WAITERS: dict[int, tuple[threading.Thread, list]] = {}  # pid -> the thread in wait4 for it, and what it found


def _reap(process: subprocess.Popen, started: float, timeout: float | None) -> Exit | None:
    """Wait for the process with wait4 (for its rusage); None if it is still running after `timeout`.

    A wait that timed out stays in wait4, so a later call joins that same waiter: a second wait4 would
    find the process already reaped by the first and lose its rusage."""
    if process.pid not in _WAITERS:
        found: list[Exit] = []

        def wait() -> None:
            _, status, usage = os.wait4(process.pid, 0)
            exit_status = os.waitstatus_to_exitcode(status)
            found.append(Exit(time.perf_counter() - started, exit_status, usage.ru_maxrss * 1024))

        waiter = threading.Thread(target=wait, daemon=True)
        waiter.start()
        _WAITERS[process.pid] = (waiter, found)
    waiter, found = _WAITERS[process.pid]
    waiter.join(timeout)
    if not found:
        return None
    del _WAITERS[process.pid]
    process.returncode = found[0].status  # reaped here: Popen must not wait for it again
    return found[0]


def _kill_group(process: subprocess.Popen, sig: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, sig)


def _alive(process: subprocess.Popen) -> bool:
    """Still running, without reaping it (the rusage must stay for wait4)."""
    try:
        return os.waitid(os.P_PID, process.pid, os.WEXITED | os.WNOHANG | os.WNOWAIT) is None
    except ChildProcessError:
        return False


def tail(log: Path, lines: int = 15) -> str:
    try:
        text = log.read_text(encoding="utf-8", errors="replace").rstrip().splitlines()
    except OSError:
        return ""
    return "\n".join("    " + line for line in text[-lines:])


@dataclass
class Measured:
    seconds: float
    peak_mb: float


def run_measured(command: list[str], cwd: Path, log: Path, timeout: float, sample: bool = False) -> Measured:
    """Run one build to its end: its wall time, and its process tree's peak memory when `sample` is true (else
    only the main process's largest RSS, which the kernel keeps for free)."""
    with log.open("wb") as out:
        started = time.perf_counter()
        process = subprocess.Popen(
            command, cwd=cwd, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
            start_new_session=True, env=CHILD_ENV,
        )  # fmt: skip
        sampler = TreeSampler(process.pid)
        if sample:
            sampler.start()
        ended = _reap(process, started, timeout)
        if ended is None:
            _kill_group(process, signal.SIGKILL)
            _reap(process, started, None)
            sampler.stop()
            raise ToolFailed(f"timed out after {timeout:.0f}s: {shlex.join(command)}\n{tail(log)}")
        sampler.stop()
    if ended.status != 0:
        raise ToolFailed(f"exit status {ended.status}: {shlex.join(command)}\n{tail(log)}")
    return Measured(ended.seconds, max(sampler.peak_bytes, ended.max_rss_bytes) / MB)


class PreviewSession:
    """A preview server in its own process group, its output read line by line, its memory sampled throughout
    when `sample` is true."""

    def __init__(self, command: list[str], cwd: Path, log: Path, ready_text: str, failure_text: str, sample: bool):
        self.command, self.log = command, log
        self.ready_text, self.failure_text = ready_text.encode(), failure_text.encode()
        self.ready = threading.Event()
        self.failed_line: str | None = None
        self.started = time.perf_counter()
        self.process = subprocess.Popen(
            command, cwd=cwd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
            start_new_session=True, env=CHILD_ENV,
        )  # fmt: skip
        self.sampler = TreeSampler(self.process.pid)
        if sample:
            self.sampler.start()
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        with self.log.open("wb") as out:
            for line in self.process.stdout:  # read to the end, so the server never blocks on a full pipe
                out.write(line)
                out.flush()
                if self.ready_text in line:
                    self.ready.set()
                if self.failure_text in line and self.failed_line is None:
                    self.failed_line = line.decode(errors="replace").strip()

    def wait_ready(self, timeout: float) -> None:
        deadline = time.perf_counter() + timeout
        while not self.ready.wait(0.1):
            self._check_build()
            if not _alive(self.process):
                raise ToolFailed(f"the preview server stopped before its first build\n{tail(self.log)}")
            if time.perf_counter() > deadline:
                raise ToolFailed(f"the preview server's first build took over {timeout:.0f}s\n{tail(self.log)}")
        self.wait_idle(timeout)

    def wait_idle(self, timeout: float, quiet: float = 0.5) -> None:
        """Wait until the server's processes have used (almost) no CPU for `quiet` seconds: its rebuild is over."""
        deadline = time.perf_counter() + timeout
        last, quiet_since = self.sampler.tree_cpu_seconds(), time.perf_counter()
        while time.perf_counter() < deadline:
            time.sleep(0.1)
            now_cpu = self.sampler.tree_cpu_seconds()
            if now_cpu - last > 0.02:  # more than a fifth of a core over the last 0.1 s
                quiet_since = time.perf_counter()
            last = now_cpu
            if time.perf_counter() - quiet_since >= quiet:
                return

    def time_until_shown(self, page: Path, token: str, saved: float, timeout: float) -> float:
        """Seconds from `saved` until `page` on disk holds `token`."""
        needle = token.encode()
        while True:
            try:
                if needle in page.read_bytes():
                    return time.perf_counter() - saved
            except OSError:
                pass  # not there yet, or being replaced
            if time.perf_counter() - saved > timeout:
                raise ToolFailed(f"{page} did not show the edit within {timeout:.0f}s\n{tail(self.log)}")
            if not _alive(self.process):
                raise ToolFailed(f"the preview server stopped\n{tail(self.log)}")
            self._check_build()
            time.sleep(POLL_SECONDS)

    def _check_build(self) -> None:
        if self.failed_line is not None:
            raise ToolFailed(f"the preview server's build failed: {self.failed_line}\n{tail(self.log)}")

    def stop(self) -> float:
        """Stop the server (SIGINT, as Ctrl-C; SIGKILL if it lingers); its tree's peak memory in MB."""
        _kill_group(self.process, signal.SIGINT)
        ended = _reap(self.process, self.started, 15)
        if ended is None:
            _kill_group(self.process, signal.SIGKILL)
            ended = _reap(self.process, self.started, None)
        _kill_group(self.process, signal.SIGKILL)  # anything it left behind in its group
        self.sampler.stop()
        self.reader.join(5)
        return max(self.sampler.peak_bytes, ended.max_rss_bytes) / MB


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# --- Comparing two output trees, and profiling ---------------------------------------------------------------


def compare_trees(left: Path, right: Path) -> list[str]:
    """The relative paths that are in only one tree or differ in bytes, sorted."""

    def files(root: Path) -> dict[str, Path]:
        return {p.relative_to(root).as_posix(): p for p in root.rglob("*") if p.is_file()}

    ours, clean = files(left), files(right)
    differing = set(ours) ^ set(clean)
    differing |= {path for path in ours.keys() & clean.keys() if not filecmp.cmp(ours[path], clean[path], False)}
    return sorted(differing)


def tree_verdict(output: Path, reference: Path) -> str:
    """`output` against `reference`, byte for byte: "identical (N files)", or the files that differ."""
    differing = compare_trees(output, reference)
    if not differing:
        return f"identical ({sum(1 for _, _, names in os.walk(reference) for _ in names)} files)"
    shown = ", ".join(differing[:5]) + (f" and {len(differing) - 5} more" if len(differing) > 5 else "")
    return f"DIFFERS in {len(differing)} files: {shown}"


def run_profiled(program: list[str], session: Path) -> None:
    """A Python program (a script and its arguments) once under pyinstrument, its samples saved to `session`."""
    pyinstrument = [sys.executable, "-m", "pyinstrument", "--renderer", "pyisession", "--outfile", str(session)]
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL, "env": CHILD_ENV, "check": True}
    subprocess.run([*pyinstrument, *program], **quiet)
