"""The body: numbered paragraphs and their portion markings, the summary, the signer."""

from __future__ import annotations

import re

from sitegen.model import Paragraph
from sitegen.parse.fields import collapse

_NUMBERED = re.compile(
    r"^\s{0,8}(?P<pilcrow>¶\s*)?(?P<num>\d{1,3})\s*[.)](?!\d)\s*(?:\((?P<mark>[^()]{1,20})\))?"
)
_MARK_ONLY = re.compile(r"^\s{0,4}\((?P<mark>[^()]{1,20})\)\s+\S")
_MARKING = re.compile(
    r"^(?:U|C|S|TS|SBU|LOU|FOUO|CUI|NF)(?:\s?(?:/{1,2}|-)\s?[A-Z][A-Z ]{0,15})*$"
)
_SUMMARY_START = re.compile(
    r"\b(?:BEGIN\s+)?SUMMARY(?:\s+AND\s+(?:COMMENT|ACTION\s+REQUEST))?\s*[:.\-]+\s*", re.IGNORECASE
)
_SUMMARY_END = re.compile(
    r"\bEND\s+(?:OF\s+)?SUMMARY(?:\s+AND\s+(?:COMMENT|ACTION\s+REQUEST))?\b\.?", re.IGNORECASE
)
_SIGNER_LINE = re.compile(r"^\s*([A-Z][A-Za-z'\-]+(?:\s+[A-Z][A-Za-z'\-]+){0,2})\s*[.]?\s*$")
_SIGNER_TAIL = re.compile(r"[.!?\"”)]\s+([A-Z][A-Z'\-]{2,})\s*$")
_NOT_SIGNERS = {
    "SIPDIS", "BT", "NNNN", "END", "NOFORN", "UNCLAS", "SECRET", "CONFIDENTIAL", "SENSITIVE",
    "XXXXXXXXXXXX", "COMMENT", "SUMMARY", "END SUMMARY", "END COMMENT", "NOTE", "ACTION",
    "UNCLASSIFIED", "LIMDIS", "EXDIS", "NODIS", "THANKS", "REGARDS",
}


def is_marking(text: str) -> bool:
    return bool(_MARKING.match(text.strip().upper())) and text.strip() == text.strip().upper()


def find_paragraphs(lines: list[str], start: int, limit: int) -> list[Paragraph]:
    """Numbered paragraphs from line index ``start``; numbers must follow on to count.

    A ``¶`` always starts a paragraph; a bare ``3.`` only when it continues the sequence,
    so numbered lists inside a paragraph are not taken for paragraphs.
    """
    out: list[Paragraph] = []
    last = 0
    for i in range(start, limit):
        text = lines[i]
        m = _NUMBERED.match(text)
        if m:
            number = int(m.group("num"))
            mark = m.group("mark")
            marked = mark is not None and is_marking(mark)
            if m.group("pilcrow") or number == last + 1 or (number > last and marked and number < last + 4):
                out.append(Paragraph(number, mark.strip() if marked and mark else None, i + 1))
                last = number
                continue
        if not out:
            mm = _MARK_ONLY.match(text)
            if mm and is_marking(mm.group("mark")) and (i == start or not lines[i - 1].strip()):
                out.append(Paragraph(None, mm.group("mark").strip(), i + 1))
    return out


def find_summary(lines: list[str], start: int, limit: int) -> str | None:
    """The text between ``SUMMARY:`` and ``END SUMMARY`` (or the end of that paragraph)."""
    for i in range(start, limit):
        m = _SUMMARY_START.search(lines[i])
        if not m or _SUMMARY_END.search(lines[i][: m.end()]):
            continue
        if m.start() > 0 and re.search(r"[a-z]", lines[i][: m.start()]):
            continue  # "... in summary: ..." inside prose
        collected = [lines[i][m.end() :]]
        for j in range(i, min(limit, i + 200)):
            piece = collected[-1] if j == i else lines[j]
            end = _SUMMARY_END.search(piece)
            if end:
                if j == i:
                    collected[-1] = piece[: end.start()]
                else:
                    collected.append(piece[: end.start()])
                text = collapse(" ".join(collected)).strip(" -")
                return text or None
            if j > i:
                if not piece.strip() and j + 1 < limit and _NUMBERED.match(lines[j + 1]):
                    break
                collected.append(piece)
        text = collapse(" ".join(collected)).strip(" -")
        return text or None
    return None


def find_signer(lines: list[str], start: int, limit: int) -> tuple[str | None, int]:
    """The signer's name at the end of the text and its line (``RICE``, ``DERSE``)."""
    for i in range(limit - 1, max(start, limit - 8) - 1, -1):
        text = lines[i].strip()
        if not text or text.upper() in _NOT_SIGNERS or re.fullmatch(r"[#/\d\s.-]+|X+", text):
            continue
        m = _SIGNER_LINE.match(text)
        if m and len(text) <= 40 and text.upper() not in _NOT_SIGNERS:
            words = m.group(1).split()
            if len(words) == 1 or text.isupper():
                return m.group(1), i + 1
        tail = _SIGNER_TAIL.search(text)
        if tail and tail.group(1) not in _NOT_SIGNERS:
            return tail.group(1), i + 1
        return None, 0
    return None, 0
