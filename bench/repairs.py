"""Count what the reading repairs change over a corpus and show a sample of each kind.

Usage: python bench/repairs.py [CORPUS_DIR] [--sample N]

Every repaired line is compared with its original; a sample of the changes of each kind is
printed with some context, so that a reader can check no legitimate comma, ampersand, ``8``
or parenthesis was touched.
"""

from __future__ import annotations

import argparse
import random
from collections import Counter
from pathlib import Path

from sitegen.parse.repair import repair_lines
from sitegen.parse.source import split_lines

DEFAULT = Path(__file__).resolve().parents[1] / ".." / "shared" / "corpus" / "cables"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("corpus", nargs="?", type=Path, default=DEFAULT)
    parser.add_argument("--sample", type=int, default=12)
    args = parser.parse_args()
    totals: Counter[str] = Counter()
    cables: Counter[str] = Counter()
    examples: dict[str, list[str]] = {}
    for path in sorted(args.corpus.glob("**/*.txt")):
        lines = split_lines(path.read_text(encoding="utf-8", errors="replace"))
        repaired, counts = repair_lines(lines)
        totals.update(counts)
        cables.update(counts.keys())
        for before, after in zip(lines, repaired, strict=True):
            if before == after:
                continue
            kind = "quotes" if "\u201c" in after or "\u201d" in after else None
            kind = kind or ("dash" if " -- " in after and " -- " not in before else "apostrophe")
            at = next(i for i, (a, b) in enumerate(zip(before, after, strict=False)) if a != b)
            window = after[max(0, at - 40) : at + 50]
            examples.setdefault(kind, []).append(f"{path.name}: ...{window}...")
    print(f"repairs over {args.corpus}:")
    for kind in ("apostrophe", "quotes", "dash"):
        print(f"  {kind:10} {totals[kind]:6} in {cables[kind]} cables")
    rng = random.Random(0)
    for kind, lines in sorted(examples.items()):
        print(f"\nsample of {kind} repairs:")
        for line in rng.sample(lines, min(args.sample, len(lines))):
            print(f"  {line}")


if __name__ == "__main__":
    main()
