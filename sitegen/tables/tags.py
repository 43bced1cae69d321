"""TAGS codes, in one set of rules: which codes are known (to tell a code from a person's
name in a TAGS line, and to read codes a line damages: glued together, ``VTPREL``, or
misspelt, ``PGOVE``), and what each code means and what kind of tag it is (the glossary).

The code lists and titles are data shipped in ``data/`` (see ``data/SOURCES.md``): the
code lists, and ``data/tags.csv`` for titles, overridable with the ``[glossary]`` table of
``sitegen.toml``. Codes missing from the table still get a kind by the shape rules of the
TAGS system (:data:`COUNTRY`, :data:`PROGRAM`, :data:`SUBJECT`).
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
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
    return known_codes() | frozenset(_shipped())


# The shapes of codes in the TAGS system.
COUNTRY = re.compile(r"[A-Z]{2}|[A-Z]\d")
"""A country or region: two letters (``AJ``), or a letter and a digit for regions."""
PROGRAM = re.compile(r"K[A-Z]{3}")
"""A program: ``K`` and three letters (``KDEM``)."""
SUBJECT = re.compile(r"[A-Z]{4}")
"""A subject: four letters (``PREL``)."""
_SHAPE = re.compile(r"K[A-Z]{3}|[A-Z]{2}")
"""What a TAGS line may hold although no list knows it: a program or a two-letter code."""


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


# -- the glossary: titles and kinds -----------------------------------------------------

KINDS = ("subject", "country", "organisation", "program", "person", "other")
KIND_TITLES = {
    "subject": "Subjects",
    "country": "Countries and regions",
    "organisation": "Organisations",
    "program": "Programs",
    "person": "People",
    "other": "Other codes",
}


@dataclass(frozen=True, slots=True)
class TagInfo:
    code: str
    kind: str
    title: str | None
    source: str | None


@cache
def _shipped() -> dict[str, TagInfo]:
    try:
        text = resources.files("sitegen").joinpath("data/tags.csv").read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    out: dict[str, TagInfo] = {}
    for row in csv.DictReader(text.splitlines()):
        code = row["code"].strip().upper()
        out[code] = TagInfo(
            code, row["kind"].strip(), row["title"].strip() or None, row["source"].strip() or None
        )
    return out


@cache
def _organisations() -> frozenset[str]:
    return frozenset(c.upper() for c in _read("cablemap/organization-tags.txt"))


def kind_of(code: str) -> str:
    """The kind of a code by the TAGS shape rules (for codes the table does not hold)."""
    if "," in code or " " in code.strip():
        return "person"
    if code in _organisations():
        return "organisation"
    if COUNTRY.fullmatch(code):
        return "country"
    if PROGRAM.fullmatch(code):
        return "program"
    if SUBJECT.fullmatch(code) or code in known_codes():
        return "subject"
    return "other"


class Glossary:
    """Titles and kinds of TAGS codes, the site's own titles first."""

    def __init__(self, overrides: dict[str, str] | None = None) -> None:
        self._overrides = {k.upper(): v for k, v in (overrides or {}).items()}

    def lookup(self, code: str) -> TagInfo:
        shipped = _shipped().get(code)
        kind = shipped.kind if shipped else kind_of(code)
        if code in self._overrides:
            return TagInfo(code, kind, self._overrides[code], "sitegen.toml")
        if shipped:
            return shipped
        return TagInfo(code, kind, None, None)
