"""Score ``sitegen parse --json`` on hard cases cut from the real corpus.

Usage: python bench/parse_cases.py [CORPUS_DIR] [--cases FILE] [--misses KIND] [--label]

Each case (``tests/fixtures/parse/corpus-cases.jsonl``) names a corpus cable, a range of its
lines and what a careful reading of those lines gives: a REF block (the cable IDs of its
entries, in order), a TAGS line with the line after it, a SUBJECT block, the tail of a
cable (its signer) or an E.O. line (the declassification date). The lines are cut out as a
fragment of their own and parsed as a file named by the cable's ID (REF and tail cases, so
the citing year is known) or by a neutral name; ``whole`` cases are whole cables with the
metadata header removed, under a neutral name, whose references are checked against the
reading of their REF case. The corpus text is never copied: the case file holds line
numbers and expected values only.

Prints exact-match rates per kind and reference precision and recall. ``--label`` prints
new cases with the parser's reading of them, to be checked line by line before use.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
DEFAULT = ROOT / ".." / "shared" / "corpus" / "cables"
CASES = ROOT / "tests" / "fixtures" / "parse" / "corpus-cases.jsonl"
KINDS = ("ref", "whole", "tags", "subject", "signer", "decl")


@dataclass(frozen=True, slots=True)
class Case:
    kind: str
    cable: str
    start: int
    """First line of the fragment, 0-based, counted after the metadata header."""
    end: int
    expect: Any

    @property
    def file_name(self) -> str:
        return f"{self.cable}.txt" if self.kind in ("ref", "signer") else "cable.txt"


def load_cases(path: Path) -> list[Case]:
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            out.append(Case(row["kind"], row["cable"], row["start"], row["end"], row["expect"]))
    return out


def body_lines(corpus: Path, cable: str) -> list[str]:
    """The cable's lines after its metadata header (the header is what is checked against)."""
    lines = (corpus / f"{cable}.txt").read_text(encoding="utf-8").split("\n")
    blank = lines.index("") if "" in lines[:8] else 0
    return lines[blank + 1 :]


def fragment(corpus: Path, case: Case) -> str:
    lines = body_lines(corpus, case.cable)
    if case.kind == "whole":
        return "\n".join(lines)
    return "\n".join(lines[case.start : case.end]) + "\n"


def parse_all(texts: list[tuple[str, str]]) -> list[dict[str, Any]]:
    """Run ``sitegen parse --json`` once over every fragment, each in its own folder."""
    with tempfile.TemporaryDirectory() as tmp:
        paths = []
        for n, (name, text) in enumerate(texts):
            folder = Path(tmp) / f"{n:04d}"
            folder.mkdir()
            (folder / name).write_text(text, encoding="utf-8")
            paths.append(str(folder / name))
        done = subprocess.run(
            [sys.executable, "-m", "sitegen", "parse", "--json", *paths],
            capture_output=True,
            text=True,
            check=False,
        )
        return [json.loads(line) for line in done.stdout.splitlines() if line.strip()]


def value_of(kind: str, parsed: dict[str, Any]) -> Any:
    if kind in ("ref", "whole"):
        return [r["id"] for r in parsed["references"] if r["id"]]
    if kind == "tags":
        return parsed["tags"]
    if kind == "subject":
        return parsed["subject"]
    if kind == "signer":
        return parsed["signer"]
    return parsed["declassify_on"]


def score(corpus: Path, cases: list[Case], misses: list[str]) -> None:
    results = parse_all([(c.file_name, fragment(corpus, c)) for c in cases])
    right: Counter[str] = Counter()
    total: Counter[str] = Counter()
    found = wanted = correct = 0
    for case, parsed in zip(cases, results, strict=True):
        got = value_of(case.kind, parsed)
        total[case.kind] += 1
        right[case.kind] += got == case.expect
        if case.kind in ("ref", "whole"):
            found += len(got)
            wanted += len(case.expect)
            correct += sum((Counter(got) & Counter(case.expect)).values())
        if got != case.expect and case.kind in misses:
            print(f"  {case.kind} {case.cable} [{case.start}:{case.end}]")
            print(f"    expected {case.expect!r}\n    parser   {got!r}")
    for kind in KINDS:
        if total[kind]:
            rate = 100 * right[kind] / total[kind]
            print(f"{kind:8} exact {right[kind]:4}/{total[kind]:<4} = {rate:6.2f} %")
    if found and wanted:
        print(f"references: precision {correct / found:.3f}, recall {correct / wanted:.3f}")


_REF = re.compile(r"^\s*(?:REF|REFS|REFTELS?|REF\(S\)|REFERENCES?)\b", re.IGNORECASE)
_TAGS = re.compile(r"^\s*TAGS?\b", re.IGNORECASE)
_SUBJECT = re.compile(r"^\s*SUBJ(?:ECT)?\s*:", re.IGNORECASE)
_EO = re.compile(r"^\s*(?:E\.?\s?O\.?|EO)\s*1\d{4}", re.IGNORECASE)
_END = re.compile(r"^\s*$|^\s*(?:¶\s*)?\d{1,2}\s*\.|^\s*Classified", re.IGNORECASE)


_ENTRY = re.compile(r"^\s*(?:¶\s*)?\(?[A-Z]\s?[.)]")


def _block_end(lines: list[str], kind: str, k: int) -> int:
    """Where the fragment of a field starting at ``lines[k]`` ends: at a blank line (for a
    REF block, unless the next entry follows it), a paragraph or ``Classified By``."""
    if kind == "tags":
        return k + 2
    limit = min(len(lines), k + {"ref": 14, "subject": 4, "decl": 1}[kind])
    end = k + 1
    while end < limit:
        if kind == "ref" and not lines[end].strip():
            nxt = next((i for i in range(end, limit) if lines[i].strip()), None)
            if nxt is not None and _ENTRY.match(lines[nxt]):
                end = nxt
                continue
        if _END.match(lines[end]):
            break
        end += 1
    return end


def candidates(corpus: Path, every: int) -> list[Case]:
    """New cases from every ``every``-th cable that has each kind of line (for ``--label``)."""
    out: list[Case] = []
    seen: Counter[str] = Counter()
    for path in sorted(corpus.glob("*.txt")):
        lines = body_lines(corpus, path.stem)
        for kind, pattern in (("ref", _REF), ("tags", _TAGS), ("subject", _SUBJECT), ("decl", _EO)):
            k = next((i for i, t in enumerate(lines[:80]) if pattern.match(t)), None)
            if k is None:
                continue
            seen[kind] += 1
            if seen[kind] % every:
                continue
            end = _block_end(lines, kind, k)
            out.append(Case(kind, path.stem, k, end if kind != "tags" else k + 2, None))
        seen["signer"] += 1
        if seen["signer"] % every == 0:
            ends = [i for i, t in enumerate(lines) if t.strip()]
            if ends:
                out.append(Case("signer", path.stem, max(0, ends[-1] - 5), len(lines), None))
    return out


def label(corpus: Path, every: int) -> None:
    cases = candidates(corpus, every)
    results = parse_all([(c.file_name, fragment(corpus, c)) for c in cases])
    for case, parsed in zip(cases, results, strict=True):
        text = fragment(corpus, case).rstrip("\n").replace("\n", " | ")
        print(f"# {text[:300]}")
        row = {
            "kind": case.kind,
            "cable": case.cable,
            "start": case.start,
            "end": case.end,
            "expect": value_of(case.kind, parsed),
        }
        print(json.dumps(row))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("corpus", nargs="?", type=Path, default=DEFAULT)
    parser.add_argument("--cases", type=Path, default=CASES)
    parser.add_argument("--misses", choices=KINDS, action="append", default=[])
    parser.add_argument("--label", type=int, metavar="EVERY", help="print new cases to check")
    args = parser.parse_args()
    if args.label:
        label(args.corpus, args.label)
        return
    score(args.corpus, load_cases(args.cases), args.misses)


if __name__ == "__main__":
    main()
