"""The parser on hard cases cut from the real corpus (``bench/parse_cases.py``).

Fragments (REF blocks, TAGS lines, subjects, tails, E.O. lines) and whole cables without
their header, with what a careful reading of them gives; the thresholds sit below the
figures measured when they were set.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_corpus_cases(corpus: Path) -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "parse_cases.py"), str(corpus)],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    print(done.stdout)
    rates = {}
    for line in done.stdout.splitlines():
        words = line.split()
        if len(words) > 3 and words[1] == "exact":
            rates[words[0]] = float(words[-2])
        if line.startswith("references:"):
            precision, recall = (float(w.strip(",")) for w in words[2::2])
    assert rates["ref"] >= 95 and rates["whole"] >= 93
    assert rates["tags"] >= 95 and rates["subject"] >= 95
    assert rates["signer"] >= 90 and rates["decl"] >= 95
    assert precision >= 0.97 and recall >= 0.97
