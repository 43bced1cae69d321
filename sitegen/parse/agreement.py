"""Agreement of the parser with a corpus's metadata headers.

Each cable's metadata header is removed, the rest is parsed as if it had none, and what the
parser infers is compared with what the header says. Used by the corpus test and by
``bench/agreement.py``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from sitegen.parse import parse_cable
from sitegen.parse.metadata import read_metadata
from sitegen.parse.source import split_lines

FIELDS = ("id", "created_day", "classification_level", "classification", "origin")


@dataclass(slots=True)
class Agreement:
    """Counts of agreeing cables per field, and the disagreements for inspection."""

    total: int = 0
    right: dict[str, int] = field(default_factory=lambda: dict.fromkeys(FIELDS, 0))
    misses: dict[str, list[tuple[str, str | None, str | None]]] = field(
        default_factory=lambda: {f: [] for f in FIELDS}
    )

    def rate(self, name: str) -> float:
        return self.right[name] / self.total if self.total else 0.0

    def lines(self) -> list[str]:
        return [
            f"{name:22} {self.right[name]:6}/{self.total} = {100 * self.rate(name):6.2f} %"
            for name in FIELDS
        ]


def _level(classification: str | None) -> str | None:
    return classification.split("//")[0] if classification else None


def measure(paths: Iterable[Path], *, keep_file_name: bool = False) -> Agreement:
    """Parse each file without its metadata header and compare with that header.

    The file name is hidden from the parser unless ``keep_file_name``: an ID read from the
    file name would agree by construction.
    """
    result = Agreement()
    for path in sorted(paths):
        text = path.read_text(encoding="utf-8", errors="replace")
        lines = split_lines(text)
        meta = read_metadata(lines)
        if meta is None:
            continue
        body = "\n".join(lines[meta.body_start :]) + "\n"
        cable = parse_cable(body, path.name if keep_file_name else "cable.txt")
        truth = meta.values
        got = {
            "id": cable.id,
            "created_day": cable.created[:10] if cable.created else None,
            "classification_level": _level(cable.classification),
            "classification": cable.classification,
            "origin": cable.origin,
        }
        want = {
            "id": truth.get("id"),
            "created_day": (truth.get("created") or "")[:10] or None,
            "classification_level": _level(truth.get("classification")),
            "classification": truth.get("classification"),
            "origin": truth.get("origin"),
        }
        result.total += 1
        for name in FIELDS:
            if got[name] == want[name]:
                result.right[name] += 1
            else:
                result.misses[name].append((path.name, want[name], got[name]))
    return result
