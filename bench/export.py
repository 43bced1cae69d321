"""Print the figures of ``sitegen export``: wall time, peak memory and size of each format.

Usage: python bench/export.py [--cables 20000] [--work DIR] [--jobs N] [--after-build]

A synthetic site (``bench/synth.py``, seed 1, kept between runs in the work folder) is
exported to a file in every format by a new process each time: first JSON Lines with no
cache (every cable parsed), then each format with the cache that run filled (the usual case
after a build). Peak memory is the largest resident set among the export process and its
parse workers. Each export is checked to give the same bytes as the one before it in the
same format, when there is one. With ``--after-build``, the site is then built and each
format exported again: the export starts from the state the build saved (its parsed
cables), as after a ``sitegen build``; the build's output is removed at the end.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from measure import failed, sitegen
from synth import generate, write_config

FORMATS = ("jsonl", "json", "csv", "graphml")


def timed(site: Path, fmt: str, out: Path, jobs: int | None) -> tuple[float, float]:
    """Wall seconds and peak RSS in MB of one ``sitegen export`` process."""
    arguments = ["export", "--format", fmt, "--out", str(out)]
    arguments += ["--config", str(site / "sitegen.toml")]
    done = sitegen(*arguments, *(["--jobs", str(jobs)] if jobs else []))
    if done.returncode not in (0, 1):
        raise failed("export", done)
    return done.wall, done.peak_mb


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--cables", type=int, default=20_000)
    parser.add_argument("--work", type=Path, default=Path("bench-work"))
    parser.add_argument("--jobs", type=int, default=None)
    parser.add_argument("--after-build", action="store_true", help="export after a build too")
    args = parser.parse_args()
    site = args.work / f"synth-{args.cables}"
    if not (site / "sitegen.toml").is_file():
        started = time.perf_counter()
        generate(site, args.cables, seed=1)
        print(f"generated {args.cables} cables in {time.perf_counter() - started:.1f} s")
    write_config(site, args.cables)
    shutil.rmtree(site / ".sitegen-cache", ignore_errors=True)
    out = args.work / "export"
    out.mkdir(parents=True, exist_ok=True)
    print(f"{os.cpu_count()} cores, Python {sys.version.split()[0]}, jobs {args.jobs or 'all'}")
    print(f"{'format':>8} {'cache':>6} {'wall s':>8} {'cables/s':>9} {'peak MB':>8} {'size MB':>8}")
    digests: dict[str, str] = {}
    runs = [("jsonl", "cold"), *((f, "warm") for f in FORMATS)]
    if args.after_build:
        runs += [("", "build"), *((f, "built") for f in FORMATS)]
    for fmt, cache in runs:
        if cache == "build":
            started = time.perf_counter()
            config = str(site / "sitegen.toml")
            command = [sys.executable, "-m", "sitegen", "build", "--config", config]
            command += ["--jobs", str(args.jobs)] if args.jobs else []
            subprocess.run(command, capture_output=True, check=False)
            print(f"{'(build)':>8} {'':>6} {time.perf_counter() - started:8.2f}", flush=True)
            continue
        target = out / f"cables.{fmt}"
        wall, peak = timed(site, fmt, target, args.jobs)
        data = target.read_bytes()
        digest = hashlib.sha256(data).hexdigest()
        same = ""
        if fmt in digests:
            same = "  same bytes" if digests[fmt] == digest else "  DIFFERENT BYTES"
        digests[fmt] = digest
        print(
            f"{fmt:>8} {cache:>6} {wall:8.2f} {args.cables / wall:9.0f} {peak:8.0f} "
            f"{len(data) / 1e6:8.1f}{same}",
            flush=True,
        )
    shutil.rmtree(site / "output", ignore_errors=True)


if __name__ == "__main__":
    main()
