"""Canonical cable IDs: two-digit year, post code, serial without leading zeros.

ASCII only: ``\\d`` alone would take any script's digits (fullwidth ``０８``, Arabic-Indic
``٠٨``), and an ID that looks like another must not become one.
"""

from __future__ import annotations

import re

CANONICAL = re.compile(r"(?P<year>\d{2})(?P<post>[A-Z]+)(?P<serial>[1-9]\d{0,6})", re.ASCII)
# ``08ECTION01OF02MANAMA492``, ``09SECTION01OF03SANJOSE525``: a section marker in the ID.
_SECTION_DAMAGE = re.compile(
    r"(?P<year>\d{2})S?ECTION\d{1,2}OF\d{1,2}(?P<post>[A-Z]+?)0*(?P<serial>\d+)", re.ASCII
)
_DAMAGED = re.compile(r"(\d{2})([A-Z]+)0*(\d{1,7})", re.ASCII)


def make_id(year: str, post: str, serial: int) -> str:
    return f"{year}{re.sub(r'[^A-Z]', '', post.upper())}{serial}"


def is_canonical(text: str) -> bool:
    return bool(CANONICAL.fullmatch(text))


def repair_id(text: str) -> str | None:
    """The canonical form of a damaged ID, or None when it cannot be repaired."""
    compact = re.sub(r"\s+", "", text.upper())
    m = _SECTION_DAMAGE.fullmatch(compact)
    if m:
        return f"{m.group('year')}{m.group('post')}{int(m.group('serial'))}"
    m = _DAMAGED.fullmatch(compact)
    if m and int(m.group(3)):
        return f"{m.group(1)}{m.group(2)}{int(m.group(3))}"
    return None


def split_id(cable_id: str) -> tuple[str, str, int] | None:
    m = CANONICAL.fullmatch(cable_id)
    if not m:
        return None
    return m.group("year"), m.group("post"), int(m.group("serial"))
