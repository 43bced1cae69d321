"""Canonical cable IDs: two-digit year, post code, serial without leading zeros."""

from __future__ import annotations

import re

CANONICAL = re.compile(r"^(?P<year>\d{2})(?P<post>[A-Z]+)(?P<serial>[1-9]\d{0,6})$")
# ``08ECTION01OF02MANAMA492``, ``09SECTION01OF03SANJOSE525``: a section marker in the ID.
_SECTION_DAMAGE = re.compile(
    r"^(?P<year>\d{2})S?ECTION\d{1,2}OF\d{1,2}(?P<post>[A-Z]+?)0*(?P<serial>\d+)$"
)


def make_id(year: str, post: str, serial: int) -> str:
    return f"{year}{re.sub(r'[^A-Z]', '', post.upper())}{serial}"


def is_canonical(text: str) -> bool:
    return bool(CANONICAL.match(text))


def repair_id(text: str) -> str | None:
    """The canonical form of a damaged ID, or None when it cannot be repaired."""
    compact = re.sub(r"\s+", "", text.upper())
    m = _SECTION_DAMAGE.match(compact)
    if m:
        return f"{m.group('year')}{m.group('post')}{int(m.group('serial'))}"
    m = re.match(r"^(\d{2})([A-Z]+)0*(\d{1,7})$", compact)
    if m and int(m.group(3)):
        return f"{m.group(1)}{m.group(2)}{int(m.group(3))}"
    return None


def split_id(cable_id: str) -> tuple[str, str, int] | None:
    m = CANONICAL.match(cable_id)
    if not m:
        return None
    return m.group("year"), m.group("post"), int(m.group("serial"))
