"""Time ``sitegen import`` of a large synthetic ``cables.csv`` and measure its peak memory.

Usage: python bench/import.py [--rows 250000] [--quotes double|backslash] [--work DIR]
                              [--keep]

The CSV is made from ``bench/synth.py``'s cables (seed 1; kept in the work folder between
runs): the release's eight columns, the header block up to ``BT`` in one field and the body
in another, quotes doubled or backslash-escaped. Two ``sitegen import`` processes are timed:
into an empty folder (every cable written), then again over the result (every cable
compared, none written). Each line gives the wall time, megabytes and rows per second, and
the peak resident memory of the process, which must not grow with the file's size.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from measure import failed, sitegen
from synth import synthetic_cables

from sitegen.tables.posts import load_posts

CLASSIFICATIONS = {
    "C O N F I D E N T I A L": "CONFIDENTIAL",
    "S E C R E T": "SECRET//NOFORN",
    "UNCLAS": "UNCLASSIFIED",
}


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=250_000)
    parser.add_argument("--quotes", choices=["double", "backslash"], default="backslash")
    parser.add_argument("--work", type=Path, default=Path("bench-work"))
    parser.add_argument("--keep", action="store_true", help="keep the imported cables")
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    source = args.work / f"cables-{args.rows}-{args.quotes}.csv"
    if not source.is_file():
        started = time.perf_counter()
        write_csv(source, args.rows, args.quotes)
        print(f"generated {source} in {time.perf_counter() - started:.1f} s")
    size = source.stat().st_size / 1e6
    print(f"{os.cpu_count()} cores, Python {sys.version.split()[0]}")
    print(f"{args.rows} rows, {size:.0f} MB, quotes {args.quotes}")
    print(f"{'import':>10} {'wall s':>8} {'MB/s':>7} {'rows/s':>8} {'peak MB':>8}   summary")
    out = args.work / "imported"
    shutil.rmtree(out, ignore_errors=True)
    try:
        for label in ("empty", "again"):
            wall, peak, summary = timed(source, out)
            print(
                f"{label:>10} {wall:8.1f} {size / wall:7.1f} {args.rows / wall:8.0f} {peak:8.0f}"
                f"   {summary}",
                flush=True,
            )
    finally:
        if not args.keep:
            shutil.rmtree(out, ignore_errors=True)


def write_csv(path: Path, rows: int, quotes: str) -> None:
    """A ``cables.csv`` of ``rows`` synthetic cables (written to a temporary name first)."""
    posts = load_posts()
    rng = random.Random(1)
    partial = path.with_name(path.name + ".part")
    with open(partial, "w", encoding="utf-8", newline="") as out:
        for number, (cable_id, year, post, text) in enumerate(synthetic_cables(rows, 1), 1):
            header, _, body = text.partition("BT\n")
            # Quotes and a backslash, so that the two ways of escaping differ.
            body = body.replace("SUBJECT: SYNTHETIC", 'SUBJECT: "SYNTHETIC" \\', 1)
            caption = body.split("\n", 1)[0]
            level = next((v for k, v in CLASSIFICATIONS.items() if caption.startswith(k)), "")
            info = posts.get(post)
            created = (
                f"{rng.randint(1, 12):02d}/{rng.randint(1, 28):02d}/{year} "
                f"{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}"
            )
            fields = [
                str(number),
                created,
                cable_id,
                info.name if info else post,
                level,
                "",
                header + "BT",
                body,
            ]
            out.write(",".join(_quoted(f, quotes) for f in fields) + "\n")
    partial.replace(path)


def _quoted(value: str, quotes: str) -> str:
    if quotes == "double":
        return '"' + value.replace('"', '""') + '"'
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def timed(source: Path, out: Path) -> tuple[float, float, str]:
    """Wall seconds, peak RSS in MB and the summary line of one ``sitegen import``."""
    done = sitegen("import", str(source), "--to", str(out))
    if done.returncode != 0:
        raise failed("import", done)
    return done.wall, done.peak_mb, done.summary


if __name__ == "__main__":
    main()
