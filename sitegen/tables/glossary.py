"""The TAGS glossary: what each code means and what kind of tag it is.

Titles are data (``data/tags.csv``, sources in ``data/SOURCES.md``), overridable with the
``[glossary]`` table of ``sitegen.toml``. Codes missing from the table still get a kind by
the shape rules of the TAGS system.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

from sitegen.tables.tags import known_codes

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
    text = (
        resources.files("sitegen")
        .joinpath("data/cablemap/organization-tags.txt")
        .read_text("utf-8")
    )
    return frozenset(line.strip().upper() for line in text.split("\n") if line.strip())


def kind_of(code: str) -> str:
    """The kind of a code by the TAGS shape rules (for codes the table does not hold)."""
    if "," in code or " " in code.strip():
        return "person"
    if code in _organisations():
        return "organisation"
    if re.fullmatch(r"[A-Z]{2}|[A-Z]\d", code):
        return "country"
    if re.fullmatch(r"K[A-Z]{3}", code):
        return "program"
    if re.fullmatch(r"[A-Z]{4}", code) or code in known_codes():
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
