"""One command in a process of its own, measured: wall seconds, the peak resident memory of
the command or its largest child (a build's workers), and what it printed on stderr.

A fresh parent process runs the command, so ``RUSAGE_CHILDREN`` holds this command's
processes only; the command runs the sitegen of this checkout, whatever the folder.
"""

from __future__ import annotations

import os
import subprocess
import sys
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


@dataclass(frozen=True, slots=True)
class Measured:
    wall: float
    peak_mb: float
    lines: list[str]
    """The command's stderr, line by line."""
    returncode: int

    @property
    def summary(self) -> str:
        """The command's last line (sitegen's summary line)."""
        return self.lines[-1] if self.lines else ""


def sitegen(*arguments: str, cwd: Path | None = None) -> Measured:
    """``python -m sitegen ARGUMENTS``, measured."""
    command = [sys.executable, "-m", "sitegen", *arguments]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", _PARENT, *command],
        cwd=cwd,
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    wall = time.perf_counter() - started
    lines = done.stderr.strip().splitlines()
    peak = int(lines[-1].split()[1]) / 1024
    return Measured(wall, peak, lines[:-1], done.returncode)


def failed(what: str, measured: Measured) -> SystemExit:
    """The benchmark's end when ``what`` failed, with the end of its report."""
    return SystemExit(f"{what} failed:\n" + "\n".join(measured.lines)[-2000:])
