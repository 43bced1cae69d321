"""The body: numbered paragraphs and their portion markings, the summary, the signer."""

from __future__ import annotations

import re

from sitegen.core.model import Paragraph
from sitegen.parse.fields import collapse

NUMBERED = re.compile(
    r"^[^\S\n]{0,8}(?P<pilcrow>¶[^\S\n]*)?(?P<num>\d{1,3})[^\S\n]*[.)](?!\d)[^\S\n]*"
    r"(?:\((?P<mark>[^()\n]{1,20})\))?",
    re.MULTILINE,
)
_MARK_ONLY = re.compile(r"^[^\S\n]{0,4}\((?P<mark>[^()\n]{1,20})\)[^\S\n]+\S", re.MULTILINE)
_MARKING = re.compile(r"^(?:U|C|S|TS|SBU|LOU|FOUO|CUI|NF)(?:\s?(?:/{1,2}|-)\s?[A-Z][A-Z ]{0,15})*$")
_SUMMARY_START = re.compile(
    r"\b(?:BEGIN\s+)?SUMMARY(?:\s+AND\s+(?:COMMENT|ACTION\s+REQUEST))?\s*[:.\-]+\s*", re.IGNORECASE
)
_SUMMARY_END = re.compile(
    r"\bEND\s+(?:OF\s+)?SUMMARY(?:\s+AND\s+(?:COMMENT|ACTION\s+REQUEST))?\b\.?", re.IGNORECASE
)
_NEXT_PARAGRAPH = re.compile(r"\n[^\S\n]*\n[^\S\n]*(?:¶[^\S\n]*)?\d{1,3}[^\S\n]*[.)]")
_SIGNER_LINE = re.compile(
    r"^\s*((?:(?:van|von|de|del|da|di|le|la)\s+)?[A-Z][A-Za-z'\-]+"
    r"(?:\s+(?:(?:van|von|de|del|da|di|le|la)\s+)?[A-Z][A-Za-z'\-]+){0,2})\s*[.]?\s*$"
)
# A mixed-case name of several words: each word capitalised (``Van Voorst``), not a phrase.
_NAME_WORDS = re.compile(r"(?:(?:van|von|de|del|da|di|le|la|[A-Z][a-z'\-]*[A-Za-z'\-]*)\s*)+")
_SIGNER_TAIL = re.compile(r"[.!?\"”)]\s+([A-Z][A-Z'\-]{2,})\s*$")
_NOT_SIGNERS = {
    "SIPDIS",
    "BT",
    "NNNN",
    "END",
    "NOFORN",
    "UNCLAS",
    "SECRET",
    "CONFIDENTIAL",
    "SENSITIVE",
    "XXXXXXXXXXXX",
    "COMMENT",
    "SUMMARY",
    "END SUMMARY",
    "END COMMENT",
    "NOTE",
    "ACTION",
    "UNCLASSIFIED",
    "LIMDIS",
    "EXDIS",
    "NODIS",
    "THANKS",
    "REGARDS",
    "BEST REGARDS",
    "KIND REGARDS",
    "THANK YOU",
    "MANY THANKS",
}


def is_marking(text: str) -> bool:
    return bool(_MARKING.match(text.strip().upper())) and text.strip() == text.strip().upper()


_LINE_START = re.compile(r"\n[ \t]{0,8}(?:¶|\d|\()")


def find_paragraphs(lines: list[str], start: int) -> list[Paragraph]:
    """Numbered paragraphs from line index ``start``; numbers must follow on to count.

    A ``¶`` always starts a paragraph; a bare ``3.`` only when it continues the sequence,
    so numbered lists inside a paragraph are not taken for paragraphs.
    """
    out: list[Paragraph] = []
    last = 0
    text = "\n" + "\n".join(lines[start:])
    index = start - 1  # line index of the text at ``pos``
    pos = 0
    for hit in _LINE_START.finditer(text):
        index += text.count("\n", pos, hit.start() + 1)
        pos = hit.start() + 1
        line = lines[index]
        if line.lstrip(" \t")[:1] == "(":
            if not out:
                mm = _MARK_ONLY.match(line)
                if (
                    mm
                    and is_marking(mm.group("mark"))
                    and (index == start or not lines[index - 1].strip())
                ):
                    out.append(Paragraph(None, mm.group("mark").strip(), index + 1))
            continue
        m = NUMBERED.match(line)
        if not m:
            continue
        number = int(m.group("num"))
        mark = m.group("mark")
        marked = mark is not None and is_marking(mark)
        if (
            m.group("pilcrow")
            or number == last + 1
            or (number > last and marked and number < last + 4)
        ):
            out.append(Paragraph(number, mark.strip() if marked and mark else None, index + 1))
            last = number
    return out


_SUMMARY_WORD = re.compile(r"SUMMARY|Summary|summary")


def find_summary(body: str, begin: int = 0) -> str | None:
    """The text between ``SUMMARY:`` and ``END SUMMARY`` (or the end of that paragraph).

    ``begin`` is the offset in ``body`` where the search starts (after the fields block).
    """
    for word in _SUMMARY_WORD.finditer(body, begin):
        line_start = body.rfind("\n", 0, word.start()) + 1
        m = _SUMMARY_START.match(body, max(line_start, word.start() - 10))
        if m is None:
            m = _SUMMARY_START.search(
                body, line_start, body.find("\n", word.start()) % (len(body) + 1)
            )
        if m is None or m.end() < word.end() or _SUMMARY_END.search(body, line_start, m.end()):
            continue
        if re.search(r"[a-z]", body[line_start : m.start()]):
            continue  # "... in summary: ..." inside prose
        end = _SUMMARY_END.search(body, m.end(), m.end() + 20000)
        stop = end.start() if end else len(body)
        # Without an END SUMMARY, the summary is its own paragraph.
        next_par = _NEXT_PARAGRAPH.search(body, m.end(), stop)
        if next_par:
            stop = next_par.start()
        summary = collapse(body[m.end() : stop]).strip(" -")
        return summary or None
    return None


# Lines after the signer's name that are not text: the classification trailer, the end of
# the telegram, the release's footers (``2003ROME05149 - Classification: CONFIDENTIAL``,
# ``====CABLE ENDS====``), page breaks and SIPDIS markers.
_TRAILER = re.compile(
    r"^(?:NNNN|BT|#\d+|\\+|=+.*=+|-+|_+|\*+|"
    r"(?:19|20)\d{2}[A-Z]+\d+\s*-.*|"
    r"(?:[CSU](?:\s+[A-Z]){4,}|CONFIDENTIAL|SECRET|UNCLASSIFIED|UNCLAS|LIMITED OFFICIAL USE)"
    r"(?:\s*//?\s*[A-Z ]+)?(?:\s+SECTION\s+\d+\s+OF\s+\d+)?(?:\s+[A-Z ]+\s+\d{3,7})?|"
    r"(?:PAGE\s+\d+\s+)?[A-Z][A-Z .]*?\s+0*\d{1,8}\s+0*\d{1,3}(?:\.\d+)?\s+OF\s+0*\d{1,3}.*|"
    r"<<.*>>|\(?END (?:OF )?(?:TEXT|MESSAGE|CABLE|DOCUMENT)\)?\.?|DECLASSIFIED.*|"
    r"DECL(?:ASSIFY)?(?:\s+ON)?\s*:.*|SELECT \* FROM .*)$",
    re.IGNORECASE,
)


def find_signer(lines: list[str], start: int, limit: int) -> tuple[str | None, int]:
    """The signer's name at the end of the text and its line (``RICE``, ``DERSE``).

    The name is the last line of text before the classification trailer or the release's
    footer, or a name glued to the end of the last paragraph (``... see fit. DERSE``).
    """
    examined = 0
    for i in range(limit - 1, start - 1, -1):
        text = lines[i].strip().rstrip("\\").strip()
        if not text or text.upper() in _NOT_SIGNERS or re.fullmatch(r"[#/\d\s.\"'-]+|X+", text):
            continue
        if len(text) <= 100 and _TRAILER.match(text):
            continue
        examined += 1
        if examined > 1 or limit - i > 40:
            break
        m = _SIGNER_LINE.match(text)
        if m and len(text) <= 40 and text.upper() not in _NOT_SIGNERS:
            words = m.group(1).split()
            if len(words) == 1 or text.isupper() or _NAME_WORDS.fullmatch(m.group(1)):
                return m.group(1), i + 1
        tail = _SIGNER_TAIL.search(text)
        if tail and tail.group(1) not in _NOT_SIGNERS:
            return tail.group(1), i + 1
        return None, 0
    return None, 0
