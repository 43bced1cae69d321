"""One command in a process of its own, measured: wall seconds, the peak resident memory of
its largest process and of all its processes together, and what it printed on stderr.

A fresh parent process runs the command, so ``RUSAGE_CHILDREN`` holds this command's
processes only (the largest one's peak); a sampler reads ``/proc`` every 20 ms for the sum
over the command and its descendants (a build and its render workers), both as resident
size (RSS: pages shared after a fork counted in each process) and as proportional size
(PSS: each shared page split among its sharers, the honest total). The command runs the
sitegen of this checkout, whatever the folder.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
_PARENT = (
    "import resource, subprocess, sys\n"
    "done = subprocess.run(sys.argv[1:])\n"
    "print('peak-kb', resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr)\n"
    "sys.exit(done.returncode)\n"
)
_PERIOD = 0.02


@dataclass(frozen=True, slots=True)
class Measured:
    wall: float
    peak_mb: float
    """The largest single process's peak RSS."""
    lines: list[str]
    """The command's stderr, line by line."""
    returncode: int
    summed_rss_mb: float = 0.0
    """The peak of the RSS summed over the command's processes, sampled."""
    summed_pss_mb: float = 0.0
    """The peak of the PSS summed over the command's processes, sampled."""

    @property
    def summary(self) -> str:
        """The command's last line (sitegen's summary line)."""
        return self.lines[-1] if self.lines else ""


def sitegen(*arguments: str, cwd: Path | None = None) -> Measured:
    """``python -m sitegen ARGUMENTS``, measured."""
    command = [sys.executable, "-m", "sitegen", *arguments]
    return measured([sys.executable, "-c", _PARENT, *command], cwd)


def measured(command: list[str], cwd: Path | None) -> Measured:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    started = time.perf_counter()
    process = subprocess.Popen(
        command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=env
    )
    sampler = _Sampler(process.pid)
    sampler.start()
    _, stderr = process.communicate()
    wall = time.perf_counter() - started
    sampler.stop()
    lines = stderr.strip().splitlines()
    peak = int(lines[-1].split()[1]) / 1024
    return Measured(
        wall, peak, lines[:-1], process.returncode, sampler.peak_rss_mb, sampler.peak_pss_mb
    )


class _Sampler(threading.Thread):
    """The largest sums of RSS and PSS over a process tree, read from ``/proc``."""

    def __init__(self, root: int) -> None:
        super().__init__(daemon=True)
        self.root = root
        self.peak_rss_mb = 0.0
        self.peak_pss_mb = 0.0
        self._done = threading.Event()

    def stop(self) -> None:
        self._done.set()
        self.join()

    def run(self) -> None:
        while not self._done.wait(_PERIOD):
            rss = pss = 0
            for pid in _tree(self.root):
                kb = _rollup(pid)
                rss += kb.get("Rss", 0)
                pss += kb.get("Pss", 0)
            self.peak_rss_mb = max(self.peak_rss_mb, rss / 1024)
            self.peak_pss_mb = max(self.peak_pss_mb, pss / 1024)


def _tree(root: int) -> list[int]:
    """``root`` and its descendants (the parent shim is left out: it is not the command)."""
    children: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as f:
                stat = f.read()
        except OSError:
            continue
        ppid = int(stat[stat.rindex(b")") + 2 :].split()[1])
        children.setdefault(ppid, []).append(int(entry.name))
    found: list[int] = []
    todo = list(children.get(root, []))
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(children.get(pid, []))
    return found


def _rollup(pid: int) -> dict[str, int]:
    try:
        with open(f"/proc/{pid}/smaps_rollup", encoding="ascii") as f:
            text = f.read()
    except OSError:
        return {}
    values: dict[str, int] = {}
    for line in text.splitlines()[1:]:
        key, _, rest = line.partition(":")
        parts = rest.split()
        if parts and parts[0].isdigit():
            values[key] = int(parts[0])
    return values


def failed(what: str, measured: Measured) -> SystemExit:
    """The benchmark's end when ``what`` failed, with the end of its report."""
    return SystemExit(f"{what} failed:\n" + "\n".join(measured.lines)[-2000:])
