"""Print what hostile content costs a build: time, peak memory, report lines.

Usage: python bench/hostile.py [--work DIR] [--dupes 50000] [--only NAME,...]

Each case is a small site of its own in the work folder, built by one ``sitegen build``
process (its largest resident set measured, workers included):

- ``big``: a 200 MB cable of real text beside a normal one: refused unread
  (``too-large``), so the build costs what the normal cable costs;
- ``line``: a cable of one 10 MB line: refused the same way;
- ``limit``: a cable just under the size limit, of paragraphs: parsed and rendered;
- ``long-tags``: a cable under the limit whose TAGS line is most of it: the parser's worst
  line, and the tag cap;
- ``dupes``: 50,000 files with one ID: one page, a report of a dozen lines.

The tests (``tests/test_hostile.py``) run the small versions of these.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "bench"))
from measure import sitegen  # noqa: E402
from minisite import cable  # noqa: E402

from sitegen.core.limits import MAX_CABLE_BYTES  # noqa: E402


def _site(folder: Path) -> Path:
    shutil.rmtree(folder, ignore_errors=True)
    (folder / "content/cables").mkdir(parents=True)
    (folder / "sitegen.toml").write_text("search = false\n", encoding="utf-8")
    (folder / "content/cables/08BAKU1.txt").write_text(cable("08BAKU1"), encoding="utf-8")
    return folder


def _write_repeated(path: Path, head: bytes, unit: bytes, size: int) -> None:
    with open(path, "wb") as handle:
        handle.write(head)
        block = unit * max(1, (1 << 20) // len(unit))
        written = len(head)
        while written < size:
            handle.write(block)
            written += len(block)


def big(folder: Path, _: argparse.Namespace) -> None:
    head = cable("08BAKU2").encode()
    paragraph = b"3. (C) The minister said the government would support the talks.\n\n"
    _write_repeated(folder / "content/cables/08BAKU2.txt", head, paragraph, 200 * 10**6)


def line(folder: Path, _: argparse.Namespace) -> None:
    _write_repeated(folder / "content/cables/08BAKU2.txt", b"TAGS: ", b"PREL ", 10 * 10**6)


def limit(folder: Path, _: argparse.Namespace) -> None:
    body = "\n\n".join(
        f"{n}. (C) The minister said the talks would go on." for n in range(1, 60000)
    )
    text = cable("08BAKU2", body=body)
    text = text[: MAX_CABLE_BYTES - 4096]
    (folder / "content/cables/08BAKU2.txt").write_text(text, encoding="utf-8")


def long_tags(folder: Path, _: argparse.Namespace) -> None:
    tags = " ".join(f"T{n}" for n in range(MAX_CABLE_BYTES // 8))[: MAX_CABLE_BYTES - 8192]
    (folder / "content/cables/08BAKU2.txt").write_text(cable("08BAKU2", tags=tags), "utf-8")


def dupes(folder: Path, args: argparse.Namespace) -> None:
    cables = folder / "content/cables"
    for i in range(args.dupes):
        sub = cables / f"{i // 1000:03d}"
        if i % 1000 == 0:
            sub.mkdir()
        (sub / f"d{i:06d}.txt").write_text(cable("08BAKU1", subject=f"COPY {i}"), "utf-8")


CASES: dict[str, Callable[[Path, argparse.Namespace], None]] = {
    "big": big,
    "line": line,
    "limit": limit,
    "long-tags": long_tags,
    "dupes": dupes,
}


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--work", type=Path, default=Path("bench-work/hostile"))
    parser.add_argument("--dupes", type=int, default=50_000)
    parser.add_argument("--only", default=",".join(CASES))
    args = parser.parse_args()
    print(f"{os.cpu_count()} cores, Python {sys.version.split()[0]}")
    print(f"{'case':>10} {'made s':>7} {'build s':>8} {'peak MB':>8} {'lines':>6}  exit  report")
    for name in args.only.split(","):
        folder = _site(args.work / name)
        started = time.perf_counter()
        CASES[name](folder, args)
        made = time.perf_counter() - started
        done = sitegen("build", cwd=folder)
        report = [line for line in done.lines[:-1] if ": error: " in line or ": warning: " in line]
        shown = next((r for r in report if "08BAKU2" in r or "duplicate" in r), "")
        print(
            f"{name:>10} {made:7.1f} {done.wall:8.2f} {done.peak_mb:8.0f} {len(done.lines) - 1:6d} "
            f"{done.returncode:5d}  {shown[:110]}",
            flush=True,
        )
        shutil.rmtree(folder, ignore_errors=True)
    print("own peak MB", resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024)


if __name__ == "__main__":
    main()
