"""Cable IDs: the one grammar every layer uses (parser, URLs, links in Markdown, importer).

An ID is a two-digit year, a post code of letters and a serial: ``08BAKU129``. The
canonical form has no leading zero in the serial; the safe form (any ID that may become a
path segment) allows one, and bounds the post code's length.

ASCII only: ``\\d`` alone would take any script's digits (fullwidth ``０８``, Arabic-Indic
``٠٨``), and an ID that looks like another must not become one.
"""

from __future__ import annotations

import re

_ID = r"(?P<year>[0-9]{2})(?P<post>[A-Z]{1,40})(?P<serial>[0-9]{1,7})"
ID = re.compile(_ID, re.ASCII)
"""A cable ID, canonical or not (``08BAKU0129`` too)."""
IN_TEXT = re.compile(rf"\b{_ID}\b", re.ASCII)
"""A cable ID standing alone in running text (a Markdown page, a note)."""
# ``08ECTION01OF02MANAMA492``, ``09SECTION01OF03SANJOSE525``: a section marker in the ID.
_SECTION_DAMAGE = re.compile(
    r"(?P<year>[0-9]{2})S?ECTION[0-9]{1,2}OF[0-9]{1,2}(?P<post>[A-Z]+?)0*(?P<serial>[0-9]+)",
    re.ASCII,
)
_DAMAGED = re.compile(r"([0-9]{2})([A-Z]+)0*([0-9]{1,7})", re.ASCII)
"""What a repair accepts: the grammar with any run of zeros before the serial."""


def make_id(year: str, post: str, serial: int) -> str:
    return f"{year}{re.sub(r'[^A-Z]', '', post.upper())}{serial}"


def is_canonical(text: str) -> bool:
    """A canonical ID: the grammar, and a serial that does not start with 0."""
    m = ID.fullmatch(text)
    return m is not None and m.group("serial")[0] != "0"


def is_safe_id(cable_id: str) -> bool:
    """An ID usable as a path segment (ASCII digits and letters in the ID's shape)."""
    return ID.fullmatch(cable_id) is not None


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
    """(year, post, serial) of a canonical ID."""
    if not is_canonical(cable_id):
        return None
    m = ID.fullmatch(cable_id)
    assert m is not None
    return m.group("year"), m.group("post"), int(m.group("serial"))
