"""Known TAGS codes, to tell a code from a person's name in a TAGS line, and to read the
codes a line damages: glued together (``VTPREL``) or misspelt (``PGOVE``).

The code lists are data shipped in ``data/`` (see ``data/SOURCES.md``).
"""

from __future__ import annotations

import re
from functools import cache
from importlib import resources

from sitegen.tables.posts import one_edit


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


@cache
def glossary_codes() -> frozenset[str]:
    """Every code the project knows: the code lists and the glossary (``data/tags.csv``)."""
    rows = _read("tags.csv")[1:]
    return known_codes() | {row.split(",", 1)[0].strip().upper() for row in rows}


_SHAPE = re.compile(r"K[A-Z]{3}|[A-Z]{2}")


def is_known_code(token: str) -> bool:
    """True for a TAGS code: a known one, or one of the shapes codes take (``K`` + 3 letters)."""
    return token in known_codes() or bool(_SHAPE.fullmatch(token))


def _is_part(token: str) -> bool:
    return token in glossary_codes() or (len(token) == 4 and token[0] == "K")


def split_glued(token: str) -> list[str] | None:
    """``VTPREL`` -> ``['VT', 'PREL']``: a token of known codes written without spaces.

    Only when every part is a known code of two or four letters (the shapes of country and
    subject codes) and one has four (country codes alone would cut names: ``CANADA`` is
    ``CA NA DA``); fewest parts win.
    """
    if len(token) < 6 or not token.isalpha() or token in glossary_codes():
        return None
    best: list[list[str] | None] = [None] * (len(token) + 1)
    best[0] = []
    for end in range(2, len(token) + 1):
        for size in (2, 4):
            if size > end:
                continue
            head = best[end - size]
            part = token[end - size : end]
            if head is not None and _is_part(part):
                candidate = [*head, part]
                current = best[end]
                if current is None or len(candidate) < len(current):
                    best[end] = candidate
    parts = best[len(token)]
    if parts is None or len(parts) < 2 or max(len(p) for p in parts) < 4:
        return None
    return parts


@cache
def near_code(token: str) -> str | None:
    """The one known subject or organisation code that ``token`` misspells by one letter
    (``PGOVE``, ``PTERS``), else None: two codes near it give None, never a guess."""
    if not 4 <= len(token) <= 6 or not token.isalpha() or is_known_code(token):
        return None
    if token in glossary_codes():
        return None
    found = [c for c in glossary_codes() if len(c) >= 4 and one_edit(token, c)]
    return found[0] if len(found) == 1 else None
