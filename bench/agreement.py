"""Print how often the parser agrees with the corpus's metadata headers.

Usage: python bench/agreement.py [CORPUS_DIR] [--misses FIELD]
"""

from __future__ import annotations

import argparse
from pathlib import Path

from sitegen.parse.agreement import FIELDS, measure

DEFAULT = Path(__file__).resolve().parents[1] / ".." / "shared" / "corpus" / "cables"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("corpus", nargs="?", type=Path, default=DEFAULT)
    parser.add_argument("--misses", choices=FIELDS, action="append", default=[])
    args = parser.parse_args()
    result = measure(args.corpus.glob("**/*.txt"))
    print(f"{result.total} cables, metadata headers removed, file names hidden")
    for line in result.lines():
        print(line)
    for name in args.misses:
        print(f"\n{name}: {len(result.misses[name])} disagreements")
        for path, want, got in result.misses[name]:
            print(f"  {path}: header {want!r}, parser {got!r}")


if __name__ == "__main__":
    main()
