"""The fields block: where E.O., TAGS, SUBJECT, REF and Classified By are found and joined.

The values themselves are read by :mod:`sitegen.parse.fields` and
:mod:`sitegen.parse.references`; this module finds the lines, follows wrapped values over
line ends (and over the blank lines of double-spaced copies), and stops at the body.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sitegen.parse import fields
from sitegen.parse.body import NUMBERED
from sitegen.parse.caption import read_caption
from sitegen.parse.fields import Fields, Line
from sitegen.parse.references import PAGE_BREAK, read_block, strip_page_breaks
from sitegen.tables.posts import load_posts
from sitegen.tables.tags import glossary_codes, is_known_code

_WINDOW = 200  # lines after the header within which the fields block must lie
_SHORT_WINDOW = 60  # most blocks lie within this many lines: tried first
_REF_LINE = re.compile(
    r"^\s*(?:REF|REFS|REFTEL|REFTELS|REFERENCES?|REF\(S\)|REFERENCE\(S\))(?:\b|(?<=\)))",
    re.IGNORECASE,
)
_BY = re.compile(r"\bBY\b|\bBY:", re.IGNORECASE)
_PROSE = re.compile(r"[a-z]{3,}\s+[a-z]{3,}\s+[a-z]{3,}")
_TAGS_LINE = re.compile(r"[A-Z0-9 ,;()./&'-]+")
_NOT_TAGS = re.compile(r"^\s*(?:SIPDIS|CLASSIFIED|E\.O\.|PASS|FOR\b)", re.IGNORECASE)
_REASON_END = re.compile(r"\(\s*[a-hA-H]\s*\)\.?\s*$|\b[bd]\b\.?\s*$")
# A wrapped subject line that cannot be the end of the subject.
_OPEN_END = re.compile(
    r"(?:[,:;&/-]|\b(?:AND|OR|OF|THE|IN|ON|TO|FOR|WITH|A|AN|AT|BY|FROM|ITS|AS|BUT))\s*\\?\s*$"
)
_SBU_TAIL = re.compile(r"\s*\bSENS?ITIVE BUT UNCLASSIFIED\b.*$|\s*\\+\s*$", re.IGNORECASE)


@dataclass(slots=True)
class FieldsBlock:
    """What the fields block holds, and where the body starts after it."""

    fields: Fields
    logical: list[Line]
    """The block's logical lines (collapsed lines split at field labels)."""
    ref_index: int | None
    """Index into ``logical`` of the REF line, if any."""
    body_start: int
    """Index of the first line after the fields block."""


def read_fields_block(lines: list[str], start: int, limit: int) -> FieldsBlock:
    """Scan from ``start``; stop at the first paragraph once a field has been seen."""
    window = min(limit, start + _SHORT_WINDOW)
    found = _scan(lines, start, window)
    if window < limit and not (
        (found.fields.subject_line or found.fields.tags_line) and found.body_start < window - 8
    ):
        # No field yet, or fields up to the end of the window (a REF block may follow): go on.
        found = _scan(lines, start, min(limit, start + _WINDOW))
    if found.ref_index is None:
        _later_ref(found, lines, limit)
    return found


def _later_ref(found: FieldsBlock, lines: list[str], limit: int) -> None:
    """A REF block below the fields block, before the first paragraph: some copies repeat
    the fields (a record, then the telegram), and the REF line is in the second copy."""
    for i in range(found.body_start, min(limit, found.body_start + _SHORT_WINDOW)):
        text = lines[i]
        head = text.lstrip()[:3]
        if head[:1].isdigit() or head[:1] == "¶":
            if NUMBERED.match(text):
                return
        elif head.upper() == "REF" and fields.REF.match(text) and _REF_LINE.match(text):
            more = fields.logical_lines(lines, i, min(limit, i + 40))
            found.ref_index = len(found.logical)
            found.logical = found.logical + more
            return


def _scan(lines: list[str], start: int, window: int) -> FieldsBlock:
    logical = fields.logical_lines(lines, start, window)
    out = Fields()
    ref_index: int | None = None
    last_field_line = start  # physical index after the last field block
    seen = False
    k = 0
    while k < len(logical):
        number, text = logical[k]
        if seen and (NUMBERED.match(text) or number - 1 > last_field_line + 30):
            break
        if out.eo_line == 0 and (m := fields.EO.match(text)):
            out.declassify_on, out.declassify_text = fields.read_declassification(m.group("rest"))
            out.eo_line = number
            seen, last_field_line = True, number
        elif out.eo_line == 0 and (m := fields.DECL_LINE.match(text)):
            out.declassify_on, out.declassify_text = fields.read_declassification(text)
            out.eo_line = number
            seen, last_field_line = True, number
        elif out.tags_line == 0 and (m := fields.TAGS.match(text)) and _is_tags(m.group("rest")):
            parts = [m.group("rest")]
            k += 1
            while k < len(logical) and _tags_continue(logical[k][1], parts[-1]):
                parts.append(logical[k][1])
                k += 1
            out.tags, out.tags_rejected = fields.read_tags(" ".join(parts))
            out.tags_line = number
            seen, last_field_line = True, logical[k - 1][0]
            continue
        elif out.subject_line == 0 and (m := fields.SUBJECT.match(text)):
            out.subject, k = _subject(logical, k, m.group("rest"))
            out.subject_line = number
            seen, last_field_line = True, logical[k - 1][0]
            continue
        elif ref_index is None and fields.REF.match(text) and _REF_LINE.match(text):
            ref_index = k
            _, k = read_block(logical, k)
            seen, last_field_line = True, logical[k - 1][0]
            continue
        elif (
            out.classified_line == 0
            and (m := fields.CLASSIFIED_BY.match(text))
            and _BY.search(text)
        ):
            parts = [m.group("rest")]
            k += 1
            while (
                k < len(logical)
                and len(parts) < 4
                and logical[k][1].strip()
                and not NUMBERED.match(logical[k][1])
                and not fields.MARKING.match(logical[k][1])
                and not fields.REF.match(logical[k][1])
                and len(" ".join(parts)) < 200
                and not _REASON_END.search(parts[-1])
            ):
                parts.append(logical[k][1])
                k += 1
            out.classified_by, out.reasons = fields.split_classified_by(" ".join(parts))
            out.classified_line = number
            seen, last_field_line = True, logical[k - 1][0]
            continue
        k += 1
    return FieldsBlock(out, logical, ref_index, last_field_line)


def _is_tags(rest: str) -> bool:
    """A TAGS value, not a sentence that starts with the word (``Tags were ...``); a
    lower-case list of codes (``prel, pgov, kdem``) is tags."""
    if not rest.strip():
        return False
    prose = _PROSE.search(rest)
    if prose is None:
        return True
    words = re.findall(r"[A-Za-z]+", rest)
    codes = [w for w in words if is_known_code(w.upper()) or w.upper() in glossary_codes()]
    return len(codes) * 2 > len(words)


def _tags_continue(text: str, previous: str) -> bool:
    stripped = text.strip()
    if previous.rstrip().endswith(",") or previous.strip().islower():
        stripped = stripped.upper()  # a lower-case list wraps in lower case
    return (
        bool(stripped)
        and len(stripped) < 70
        and bool(_TAGS_LINE.fullmatch(stripped))
        and not fields.SUBJECT.match(text)
        and not fields.REF.match(text)
        and not fields.EO.match(text)
        and not _NOT_TAGS.match(stripped)
        and read_caption(stripped, 0) is None
        and not PAGE_BREAK.match(stripped)
    )


def _subject(logical: list[Line], k: int, first: str) -> tuple[str | None, int]:
    """The subject starting on ``logical[k]``, joined over its wrapped lines, and the index
    after it. Double-spaced copies put a blank line inside a wrapped subject: a line that
    cannot end a subject (``... GOVERNOR,``) continues over one blank line."""
    parts = [first]
    k += 1
    while k < len(logical) and len(parts) < 6:
        text = logical[k][1]
        if _subject_continues(text):
            parts.append(text)
            k += 1
            continue
        if (
            not text.strip()
            and k + 1 < len(logical)
            and _OPEN_END.search(parts[-1])
            and parts[-1].strip().isupper()
            and _subject_continues(logical[k + 1][1])
            and not re.search(r"[a-z]", logical[k + 1][1])
        ):
            parts.append(logical[k + 1][1])
            k += 2
            continue
        break
    subject = fields.collapse(" ".join(p.rstrip(" \\") for p in parts))
    subject = strip_page_breaks(subject, load_posts())
    subject = _SBU_TAIL.sub("", subject)
    subject = fields.MARKING.sub("", subject, count=1)
    subject = re.sub(r"^[:;]\s*", "", fields.collapse(subject))  # ``SUBJECT: : MEXICANS``
    return subject or None, k


def _subject_continues(text: str) -> bool:
    stripped = text.strip(" \t\\")
    return bool(stripped) and len(stripped) <= 100 and not fields.SUBJECT_STOP.match(text)
