"""The documentation's tables stay true to the tree: no row twice, no path that is gone."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _tables(text: str) -> list[list[list[str]]]:
    """The Markdown tables of ``text``: rows of cells, the header and rule left out."""
    tables: list[list[list[str]]] = []
    rows: list[list[str]] = []
    for line in [*text.split("\n"), ""]:
        if line.startswith("|"):
            rows.append([cell.strip() for cell in line.strip().strip("|").split("|")])
        elif rows:
            tables.append(rows[2:])
            rows = []
    return tables


def test_no_table_of_the_readme_lists_a_row_twice() -> None:
    for table in _tables((ROOT / "README.md").read_text(encoding="utf-8")):
        firsts = [row[0] for row in table]
        assert len(firsts) == len(set(firsts)), [f for f in firsts if firsts.count(f) > 1]


def test_the_modules_the_internals_map_names_exist() -> None:
    """Each module the map (the table headed "layer") names is in that layer's folder."""
    text = (ROOT / "docs/internals.md").read_text(encoding="utf-8")
    start = text.index("| layer | module | owns |")
    end = text.index("\n\n", start)
    rows = _tables(text[start:end])[0]
    layer = ""
    missing = []
    for cells in rows:
        layer = cells[0] or layer
        for name in re.findall(r"`([a-z_]+\.py)`", cells[1]):
            if not (ROOT / "sitegen" / layer / name).is_file():
                missing.append(f"{layer}/{name}")
    assert len(rows) > 20
    assert not missing
