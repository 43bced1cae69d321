"""Fixture-pair tests for the cable parser.

Each ``tests/fixtures/parse/**/<stem>.txt`` is a short synthetic cable reproducing one
phenomenon of the real corpus; ``<stem>.json`` next to it holds only the keys that case is
about, with the values the parser should produce by the contract (docs/CONTRACTS.md and
docs/FORMATS.md). Keys are those of :func:`sitegen.cable_to_json`, plus a few checks that are
easier to state another way:

``diagnostic_codes``
    codes that must be present among the diagnostics (others may be present too);
``paragraph_numbers``
    the paragraph numbers, in order;
``reference_ids``
    the ``id`` of every reference, in order (when the exact ``text`` split is not the point);
``reading_contains`` / ``reading_excludes``
    substrings that must / must not occur in :attr:`sitegen.Cable.reading`.

Inputs are read as bytes and go through :func:`sitegen.parse_bytes`, so CRLF, BOM, invalid
UTF-8 and U+2028 reach the parser exactly as written.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from sitegen import Cable, cable_to_json, parse_bytes

FIXTURES = Path(__file__).parent / "fixtures" / "parse"
CASES = sorted(FIXTURES.rglob("*.txt"))

Check = Callable[[Cable, dict[str, Any], Any], None]


def _diagnostic_codes(cable: Cable, actual: dict[str, Any], expected: Any) -> None:
    codes = [d["code"] for d in actual["diagnostics"]]
    missing = [code for code in expected if code not in codes]
    assert not missing, f"diagnostic codes {missing} missing; got {codes}"


def _paragraph_numbers(cable: Cable, actual: dict[str, Any], expected: Any) -> None:
    assert [p["number"] for p in actual["paragraphs"]] == expected


def _reference_ids(cable: Cable, actual: dict[str, Any], expected: Any) -> None:
    assert [r["id"] for r in actual["references"]] == expected, actual["references"]


def _reading_contains(cable: Cable, actual: dict[str, Any], expected: Any) -> None:
    missing = [s for s in expected if s not in cable.reading]
    assert not missing, f"reading lacks {missing}"


def _reading_excludes(cable: Cable, actual: dict[str, Any], expected: Any) -> None:
    present = [s for s in expected if s in cable.reading]
    assert not present, f"reading still holds {present}"


SPECIAL: dict[str, Check] = {
    "diagnostic_codes": _diagnostic_codes,
    "paragraph_numbers": _paragraph_numbers,
    "reference_ids": _reference_ids,
    "reading_contains": _reading_contains,
    "reading_excludes": _reading_excludes,
}


def _case_id(path: Path) -> str:
    return path.stem


def test_fixtures_exist() -> None:
    assert len(CASES) >= 45
    for path in CASES:
        assert path.with_suffix(".json").is_file(), f"{path.name} has no expectation file"


@pytest.mark.parametrize("path", CASES, ids=_case_id)
def test_fixture(path: Path) -> None:
    source = path.relative_to(FIXTURES).as_posix()
    expected: dict[str, Any] = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
    cable = parse_bytes(path.read_bytes(), source)
    actual = cable_to_json(cable)
    assert actual["source"] == source

    failures: list[str] = []
    for key, want in expected.items():
        try:
            if key in SPECIAL:
                SPECIAL[key](cable, actual, want)
            else:
                assert key in actual, f"unknown key {key!r} in {path.name}"
                assert actual[key] == want, f"expected {want!r}, got {actual[key]!r}"
        except AssertionError as exc:
            failures.append(f"{key}: {exc}")
    assert not failures, f"{source}:\n  " + "\n  ".join(failures)
