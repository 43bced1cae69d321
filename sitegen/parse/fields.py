"""The fields block of the cable text: E.O./DECL, TAGS, SUBJECT, Classified By and reasons."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from sitegen.parse import dates
from sitegen.tables.tags import glossary_codes, is_known_code, near_code, split_glued

Line = tuple[int, str]
"""A logical line: its 1-based line number in the file and its text."""

EO = re.compile(
    r"^\s*\(?U?\)?\s*(?:E\.?\s?O\.?|EO|E\.\s?0\.?)\s*\.?\s*(?P<order>1[123],?\s?\d{3})\b\s*[:;,.]*\s*"
    r"(?P<rest>.*)$",
    re.IGNORECASE,
)
# A DECL line of its own, without the E.O. before it (a fragment, a footer).
DECL_LINE = re.compile(
    r"^\s*(?:DECL(?:ASSIFY)?(?:\s+ON)?|DECLASSIFICATION\s+DATE)\s*[:.]\s*(?P<rest>\S.*)$",
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
SUBJECT_STOP = re.compile(
    r"^\s*(?:REF|REFS|REFTEL|REFERENCE|CLASSIFIED|CLASSIFED|E\.?\s?O\.?\s*1|EO\s*1|TAGS?\b|"
    r"¶|\d{1,3}\s*[.)]|\([A-Z/]{1,8}\)|SUMMARY|SIPDIS|BT\b|PASS\b|DEPARTMENT FOR|STATE FOR|"
    r"FOR\s|-{3,}|_{3,}|=+|BEGIN\s+SUMMARY|DECL(?:ASSIFY)?(?:\s+ON)?\s*:|PAGE\s+\d|"
    r"(?-i:[CSU](?:\s[A-Z]){4,}))",
    re.IGNORECASE,
)
_SPLIT_AT = re.compile(
    r"(?<![:\s])\s+(?=(?:E\.O\.\s*1\d{4}|TAGS:|SUBJECT:|SUBJ:|SIPDIS\s|"
    r"(?-i:Classified\s+[Bb]y\b|CLASSIFIED\s+BY:|classified\s+by\b)|\((?:U|C|S|SBU)\)\s|"
    r"¶?\d{1,2}\.\s?\((?:U|C|S|SBU|S/NF|C/NF|SBU/NF)\)))|(?<![A-Z])(?=REF(?:S|TEL)?:)"
    r"|(?<=[0-9A-Z])(?=E\.O\.\s*1\d{4})|(?<=\d)(?=TAGS:|SUBJECT:)",
    re.IGNORECASE,
)
_GLUED_REF = re.compile(r"(?<=\S)\s*(?<![A-Z])REF(?:S|TEL)?:")
_LOWER = re.compile(r"[a-z]")
_FIELD_LABEL = re.compile(r"^\s*(?:SUBJECT|SUBJ|TAGS|E\.O\.|REF|REFS|REFTEL)\s*:?")


def logical_lines(lines: list[str], start: int, limit: int) -> list[Line]:
    """Lines from ``start`` to ``limit``, collapsed field lines split at field labels.

    Some copies hold ``SIPDIS E.O. 12958: DECL: ... TAGS: PREL ...`` on one line, or a
    subject followed by ``REF:`` and ``Classified By:`` on the same line.
    """
    out: list[Line] = []
    for i in range(start, limit):
        text = lines[i]
        if ":" in text and len(text) > 24 and _collapsed(text):
            out.extend((i + 1, part) for part in _SPLIT_AT.split(text))
        else:
            out.append((i + 1, text))
    return out


def _collapsed(text: str) -> bool:
    """Does this line hold more than one field?"""
    upper = text.upper()
    if ("TAGS:" in upper or "E.O. 1" in upper) and ("SUBJECT:" in upper or "TAGS:" in upper):
        return True
    if _FIELD_LABEL.match(text) and _SPLIT_AT.search(text):
        return True
    ref = _GLUED_REF.search(text) if "REF" in upper else None
    return ref is not None and not _LOWER.search(text, 0, ref.start())


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
    tags_rejected: list[str] = field(default_factory=list)
    """TAGS values that fit no tag grammar (dropped, and reported)."""
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
    value = re.split(r"(?<![A-Z])(?:TAGS?|SUBJECT|SUBJ)\s*:", value)[0]
    value = collapse(value).strip(" .,;")
    when = dates.parse_loose_date(value[:24]) if value else None
    return when, value or None


def split_tags(text: str) -> list[str]:
    """TAGS codes in order, upper case, without duplicates; people kept whole."""
    return read_tags(text)[0]


def read_tags(text: str) -> tuple[list[str], list[str]]:
    """(TAGS codes, values that fit no tag) from a TAGS value.

    Codes come in order, upper case, without duplicates; a person is written
    ``OVIP (CLINTON, HILLARY)`` or, in a comma list, ``CLINTON, HILLARY`` and kept whole.
    Codes glued together are split and a misspelt code is read as the one code it is near
    (:mod:`sitegen.tables.tags`); a caption caught on the line (``C O N F I D E N T I A L SECTION
    01 OF 02``) is not tags; anything else that is neither a code nor a name is returned
    apart, to be reported and dropped.
    """
    text = text.upper().replace("\u2028", " ")
    text = _CAPTION_IN_TAGS.split(text, maxsplit=1)[0]
    found: list[str] = []
    rejected: list[str] = []
    for piece in _PARENTHESISED.split(text):
        if piece.startswith("("):
            name = collapse(piece[1:-1]).strip(" ,")
            if name and _PERSON.fullmatch(name):
                found.append(name)
            elif name:
                rejected.append(piece)
            continue
        tokens = [t.strip(" .") for t in _TAG_SEPARATORS.split(piece)]
        tokens = [t for t in tokens if t]
        i = 0
        while i < len(tokens):
            token = tokens[i]
            nxt = tokens[i + 1] if i + 1 < len(tokens) else ""
            if (
                nxt
                and _looks_like_name(token, nxt)
                and _looks_like_name(nxt, token)
                and re.search(re.escape(token) + r"\s*,\s*" + re.escape(nxt), piece)
            ):
                found.append(f"{token}, {nxt}")
                i += 2
                continue
            if not _CODE.fullmatch(token):
                rejected.append(token)
            else:
                found.extend(split_glued(token) or [near_code(token) or token])
            i += 1
    return list(dict.fromkeys(found)), rejected


_PARENTHESISED = re.compile(r"(\([^()]*\))")
_TAG_SEPARATORS = re.compile(r"[\s,;]+")
# A code: letters, then letters or digits, two inner hyphens or slashes at most (``AU-1``,
# ``UNGA/C-6``).
_CODE = re.compile(r"[A-Z][A-Z0-9]{1,14}(?:[-/][A-Z0-9]{1,10}){0,2}", re.ASCII)
_PERSON = re.compile(r"[A-Z][A-Z'.-]*(?: [A-Z][A-Z'.-]*)*(?:, ?[A-Z][A-Z'. -]*)?", re.ASCII)
# Where a classification line or caption caught after the TAGS begins.
_CAPTION_IN_TAGS = re.compile(
    r"(?:^|\s)(?=[CSU](?:\s[A-Z]){4,}\b|(?:UNCLAS|UNCLASSIFIED|CONFIDENTIAL|SECRET|SECTION)\b)"
)


def _looks_like_name(token: str, other: str = "") -> bool:
    """A surname or given name of a person tag, not a code (codes have four letters at most,
    so two short unknown codes side by side are not a name)."""
    return (
        len(token) >= 3
        and len(token) + len(other) >= 9
        and token.isalpha()
        and token.isascii()
        and not is_known_code(token)
        and token not in glossary_codes()
        and near_code(token) is None
    )


def read_reasons(text: str) -> list[str]:
    """``for reasons 1.4 (b) and (d)`` -> ``['1.4(b)', '1.4(d)']``."""
    out: list[str] = []
    parts = re.split(r"(\b1\s?\.\s?[1-9]\b)", text)
    for k in range(1, len(parts), 2):
        section = re.sub(r"\s", "", parts[k])
        tail = parts[k + 1] if k + 1 < len(parts) else ""
        tail = re.split(r"[.;]\s+[A-Z]|\bE\.?O\.?\b", tail)[0]
        tail = _LETTER_RANGE.sub(_expand_range, tail)
        letters = re.findall(r"(?<![A-Za-z])([A-Ha-h])(?![A-Za-z])", tail)
        if letters:
            out.extend(f"{section}({c.lower()})" for c in dict.fromkeys(x.lower() for x in letters))
        else:
            out.append(section)
    return list(dict.fromkeys(out))


_LETTER_RANGE = re.compile(r"\(?\b([A-Ha-h])\)?\s*(?:-|through|thru)\s*\(?([A-Ha-h])\b\)?")


def _expand_range(m: re.Match[str]) -> str:
    """``(b)-(d)`` -> ``b c d``."""
    first, last = m.group(1).lower(), m.group(2).lower()
    if first > last:
        return m.group(0)
    return " ".join(chr(c) for c in range(ord(first), ord(last) + 1))


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
