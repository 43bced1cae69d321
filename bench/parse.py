"""Print the parser's speed in cables per second on one core.

Usage: python bench/parse.py [CORPUS_DIR] [--rounds N]

Files are read into memory first, so the figure is parsing alone (no disk I/O). Also prints
the share of REF entries read as a cable ID (the rest are e-mails, telcons, memos...).
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from sitegen.parse import parse_bytes

DEFAULT = Path(__file__).resolve().parents[1] / ".." / "shared" / "corpus" / "cables"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("corpus", nargs="?", type=Path, default=DEFAULT)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    files = [(p.name, p.read_bytes()) for p in sorted(args.corpus.glob("**/*.txt"))]
    size = sum(len(data) for _, data in files)
    parse_bytes(files[0][1], files[0][0])  # load the post table outside the timing
    best = float("inf")
    for _ in range(args.rounds):
        start = time.perf_counter()
        for name, data in files:
            parse_bytes(data, name)
        best = min(best, time.perf_counter() - start)
    print(f"{len(files)} cables, {size / 1e6:.1f} MB, best of {args.rounds} rounds, one core")
    print(f"{best:.2f} s = {len(files) / best:,.0f} cables/s, {size / 1e6 / best:.1f} MB/s")
    refs = [r for name, data in files for r in parse_bytes(data, name).references]
    resolved = sum(1 for r in refs if r.id)
    share = 100 * resolved / len(refs) if refs else 0.0
    print(f"{len(refs):,} REF entries, {resolved:,} resolved to a cable ID ({share:.1f} %)")


if __name__ == "__main__":
    main()
