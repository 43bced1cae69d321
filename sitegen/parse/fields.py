"""The fields block of the cable text: E.O./DECL, TAGS, SUBJECT, Classified By and reasons."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from sitegen.parse import dates
from sitegen.tags import is_known_code

Line = tuple[int, str]
"""A logical line: its 1-based line number in the file and its text."""

EO = re.compile(
    r"^\s*\(?U?\)?\s*(?:E\.?\s?O\.?|EO|E\.\s?0\.?)\s*\.?\s*(?P<order>1[23]\s?\d{3})\b\s*[:;,.]*\s*"
    r"(?P<rest>.*)$",
    re.IGNORECASE,
)
_DECL = re.compile(r"\bDECL(?:ASSIFY)?(?:\s+ON)?\b\s*[:.;-]*\s*(?P<value>.*)$", re.IGNORECASE)
TAGS = re.compile(
    r"^\s*(?:TAGS?|TAGES|TAGSS|TAS|TGS|TAGS\s*-)(?=[\s:;.]|$)\s*[:;.]?\s*(?P<rest>.*)$",
    re.IGNORECASE,
)
SUBJECT = re.compile(
    r"^\s*(?:SUBJECT|SUBJ|SUBJET|SUBEJCT|SUJECT|SUBJCT)\s*(?:[:.;-]|(?=\s))\s*(?P<rest>.*)$",
    re.IGNORECASE,
)
REF = re.compile(
    r"^\s*(?:REFS?|REFTELS?|REFERENCES?|REF\(S\)|REFERENCE\(S\))\s*(?:[:.;-]|(?=\s+\S))\s*"
    r"(?P<rest>.*)$",
    re.IGNORECASE,
)
CLASSIFIED_BY = re.compile(
    r"^\s*(?:\(U\)\s*)?(?:CLASSIFIED|CLASSIFED|CLASSIFIEDBY)\s*(?:BY)?\s*[:.;-]?\s*(?P<rest>.*)$",
    re.IGNORECASE,
)
MARKING = re.compile(
    r"^\s*\((?P<mark>(?:U|C|S|TS|SBU|LOU|FOUO|CUI|NF|[CSU]\s?//?\s?\w+)[^)]{0,20})\)\s*"
)
# Where a wrapped SUBJECT stops.
_SUBJECT_STOP = re.compile(
    r"^\s*(?:REF|REFS|REFTEL|REFERENCE|CLASSIFIED|CLASSIFED|E\.?\s?O\.?\s*1|EO\s*1|TAGS?\b|"
    r"¶|\d{1,3}\s*[.)]|\([A-Z/]{1,8}\)|SUMMARY|SIPDIS|BT\b|PASS\b|DEPARTMENT FOR|STATE FOR|"
    r"FOR\s|-{3,}|_{3,}|=+)",
    re.IGNORECASE,
)
_SPLIT_AT = re.compile(r"\s(?=(?:E\.O\.\s*1\d{4}|TAGS:|SUBJECT:|SUBJ:|REF:|SIPDIS\s))")


def logical_lines(lines: list[str], start: int, limit: int) -> list[Line]:
    """Lines from ``start`` to ``limit``, collapsed field lines split at field labels.

    Some copies hold ``SIPDIS E.O. 12958: DECL: ... TAGS: PREL ...`` on one line.
    """
    out: list[Line] = []
    for i in range(start, limit):
        text = lines[i]
        if (
            len(text) > 60
            and ("TAGS:" in text or "E.O. 1" in text)
            and ("SUBJECT:" in text or "TAGS:" in text)
        ):
            for part in _SPLIT_AT.split(text):
                out.append((i + 1, part))
        else:
            out.append((i + 1, text))
    return out


def collapse(text: str) -> str:
    """Runs of whitespace (tabs, U+2028 included) become one space; ends are trimmed."""
    return " ".join(text.split())


@dataclass(slots=True)
class Fields:
    """The values of the fields block; ``end`` is the index (into the logical lines) after it."""

    declassify_on: str | None = None
    declassify_text: str | None = None
    eo_line: int = 0
    tags: list[str] = field(default_factory=list)
    tags_line: int = 0
    subject: str | None = None
    subject_line: int = 0
    ref_start: int | None = None
    """Index into the logical lines where a REF block starts."""
    classified_by: str | None = None
    reasons: list[str] = field(default_factory=list)
    classified_line: int = 0


def read_declassification(rest: str) -> tuple[str | None, str | None]:
    """(ISO date, or None) and the DECL value as written, from what follows ``E.O. 12958:``."""
    m = _DECL.search(rest)
    value = m.group("value") if m else rest
    value = re.split(r"\b(?:TAGS?|SUBJECT|SUBJ)\s*:", value)[0]
    value = collapse(value).strip(" .,;")
    when = dates.parse_loose_date(value[:24]) if value else None
    return when, value or None


def split_tags(text: str) -> list[str]:
    """TAGS codes in order, upper case, without duplicates; people kept whole."""
    text = text.upper().replace("\u2028", " ")
    found: list[str] = []
    # Parenthesised people: ``OVIP (CLINTON, HILLARY)``.
    people = re.findall(r"\(([^()]*)\)", text)
    text = re.sub(r"\([^()]*\)", " , ", text)
    tokens = [t for t in re.split(r"[\s,;]+", text) if t.strip(" .")]
    i = 0
    while i < len(tokens):
        token = tokens[i].strip(" .")
        nxt = tokens[i + 1].strip(" .") if i + 1 < len(tokens) else ""
        if (
            nxt
            and "," in text
            and _looks_like_name(token)
            and _looks_like_name(nxt)
            and re.search(re.escape(token) + r"\s*,\s*" + re.escape(nxt), text)
        ):
            found.append(f"{token}, {nxt}")
            i += 2
            continue
        found.append(token)
        i += 1
    for person in people:
        name = collapse(person).strip(" ,")
        if name:
            found.append(name)
    return list(dict.fromkeys(t for t in found if t))


def _looks_like_name(token: str) -> bool:
    return len(token) >= 5 and token.isalpha() and not is_known_code(token)


def read_reasons(text: str) -> list[str]:
    """``for reasons 1.4 (b) and (d)`` -> ``['1.4(b)', '1.4(d)']``."""
    out: list[str] = []
    parts = re.split(r"(\b1\s?\.\s?[1-9]\b)", text)
    for k in range(1, len(parts), 2):
        section = re.sub(r"\s", "", parts[k])
        tail = parts[k + 1] if k + 1 < len(parts) else ""
        tail = re.split(r"[.;]\s+[A-Z]|\bE\.?O\.?\b", tail)[0]
        letters = re.findall(r"(?<![A-Za-z])([A-Ha-h])(?![A-Za-z])", tail)
        if letters:
            out.extend(f"{section}({c.lower()})" for c in dict.fromkeys(x.lower() for x in letters))
        else:
            out.append(section)
    return list(dict.fromkeys(out))


def split_classified_by(text: str) -> tuple[str | None, list[str]]:
    """The classifier's name and the reasons, from the text after ``Classified By:``."""
    text = collapse(text)
    m = re.search(
        r"(?:[,;.]?\s*\b(?:for|per|under)?\s*(?:the\s+)?\b(?:reasons?|reas\s?ons?|rsns?)\b|"
        r"[,;.]?\s*\b(?:for|per|under)\s+(?:E\.?O\.?\s*\d+\s*)?(?:sections?\s*)?1\s?\.\s?\d|"
        r"[,;]\s*E\.?\s?O\.?\s*1\d{4}|\s*\bE\.O\.\s*1\d{4})",
        text,
        re.IGNORECASE,
    )
    if m:
        name, rest = text[: m.start()], text[m.start() :]
    else:
        name, rest = text, ""
    name = name.strip(" ,;:.-")
    if name.endswith(")") is False:
        name = name.rstrip(" ,;:")
    return (name or None), read_reasons(rest)
