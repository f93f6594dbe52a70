"""Wall time and peak memory of a whole process tree, read from /proc (no psutil).

A command runs as a child; every ``interval`` seconds the resident set (VmRSS) of the
child and of all its descendants (dbt's threads run DuckDB in-process, dbt-spark's JVM
is a grandchild) is summed, and the largest sum is kept. Shared pages count once per
process, so the sum can overstate a little; a peak shorter than the interval can be
missed.

``kill_above_bytes`` guards a shared machine: once the tree's resident memory passes
it, the whole tree (its own session) is killed and the result says so, instead of the
kernel's OOM killer picking some process of somebody else.
"""
from __future__ import annotations

import os
import signal
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

PROC = Path("/proc")


def _ppid(pid: int) -> int | None:
    try:
        stat = (PROC / str(pid) / "stat").read_text()
    except (FileNotFoundError, ProcessLookupError, PermissionError):
        return None
    # "pid (comm) state ppid ...": comm may hold spaces and parentheses
    return int(stat[stat.rindex(")") + 2:].split()[1])


def descendants(root: int) -> list[int]:
    """``root`` and every process below it, found through each process's parent id."""
    children: dict[int, list[int]] = {}
    for entry in os.scandir(PROC):
        if entry.name.isdigit():
            parent = _ppid(int(entry.name))
            if parent is not None:
                children.setdefault(parent, []).append(int(entry.name))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(children.get(pid, ()))
    return found


def rss_bytes(pid: int) -> int:
    """VmRSS of one process (0 once it has gone, or for a zombie)."""
    try:
        with open(PROC / str(pid) / "status", encoding="ascii", errors="replace") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) * 1024
    except (FileNotFoundError, ProcessLookupError, PermissionError):
        pass
    return 0


def tree_rss_bytes(root: int) -> int:
    return sum(rss_bytes(pid) for pid in descendants(root))


@dataclass
class Measured:
    command: list[str]
    returncode: int
    seconds: float
    peak_bytes: int
    samples: int
    output: str  # stdout and stderr, interleaved
    killed_above_bytes: int | None = None  # set when the memory guard killed the tree

    @property
    def peak_mb(self) -> float:
        return self.peak_bytes / 2**20

    def tail(self, chars: int = 3000) -> str:
        return self.output[-chars:]


def _kill_tree(process: subprocess.Popen) -> None:
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    process.wait()


def run_measured(command: list[str], *, cwd: str | os.PathLike | None = None, env: dict[str, str] | None = None,
                 log: str | os.PathLike | None = None, interval: float = 0.2,
                 kill_above_bytes: int | None = None) -> Measured:
    """Run ``command`` to its end; time it and sample its process tree's memory.

    Output goes to ``log`` (a file, so a chatty child never blocks on a full pipe) and
    is returned as text too. The child leads its own session, so the guard (and an
    interrupt of ours) can end the whole tree.
    """
    import tempfile

    log_path = Path(log) if log else None
    if log_path:
        log_path.parent.mkdir(parents=True, exist_ok=True)
    sink = open(log_path, "w+", encoding="utf-8") if log_path else tempfile.TemporaryFile("w+", encoding="utf-8")
    killed = None
    with sink:
        started = time.monotonic()
        process = subprocess.Popen(command, cwd=cwd, env=env, stdout=sink, stderr=subprocess.STDOUT,
                                   stdin=subprocess.DEVNULL, text=True, start_new_session=True)
        peak, samples = 0, 0
        try:
            while True:
                # sample before polling: the last sample is taken while the child still runs
                current = tree_rss_bytes(process.pid)
                peak = max(peak, current)
                samples += 1
                if process.poll() is not None:
                    break
                if kill_above_bytes and current > kill_above_bytes:
                    killed = kill_above_bytes
                    _kill_tree(process)
                    break
                time.sleep(interval)
        except BaseException:
            _kill_tree(process)
            raise
        seconds = time.monotonic() - started
        sink.flush()
        sink.seek(0)
        output = sink.read()
    return Measured(command=list(command), returncode=process.returncode, seconds=seconds,
                    peak_bytes=peak, samples=samples, output=output, killed_above_bytes=killed)
