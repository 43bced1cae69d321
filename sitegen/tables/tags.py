"""Known TAGS codes, to tell a code from a person's name in a TAGS line.

The code lists are data shipped in ``data/`` (see ``data/SOURCES.md``).
"""

from __future__ import annotations

import re
from functools import cache
from importlib import resources


def _read(name: str) -> list[str]:
    text = resources.files("sitegen").joinpath(f"data/{name}").read_text(encoding="utf-8")
    return [line.strip() for line in text.split("\n") if line.strip()]


@cache
def known_codes() -> frozenset[str]:
    """Subject, organisation and country codes."""
    codes = set(_read("cablemap/subject-tags.txt")) | set(_read("cablemap/organization-tags.txt"))
    for row in _read("fips10-4.csv")[1:]:
        codes.add(row.split(",", 1)[0])
    return frozenset(c.upper() for c in codes)


def is_known_code(token: str) -> bool:
    """True for a TAGS code: a known one, or one of the shapes codes take (``K`` + 3 letters)."""
    return token in known_codes() or bool(re.fullmatch(r"K[A-Z]{3}|[A-Z]{2}", token))
