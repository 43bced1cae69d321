"""Bytes to lines, without losing anything.

Cables carry U+2028 and other Unicode separators *inside* lines, so lines are split on
``\\n`` only (never ``str.splitlines()``); CRLF and lone CR are line ends; a BOM is dropped.
"""

from __future__ import annotations

import re

from sitegen.core.model import Diagnostic

BOM = "\ufeff"


def decode(data: bytes) -> tuple[str, list[Diagnostic]]:
    """Decode UTF-8, replacing invalid bytes and reporting the first line they occur on."""
    try:
        return data.decode("utf-8"), []
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        text = data.decode("utf-8", errors="replace")
        bad = text.count("\ufffd") - data.decode("utf-8", errors="ignore").count("\ufffd")
        return text, [
            Diagnostic(
                line,
                "warning",
                "invalid-utf8",
                f"invalid UTF-8 replaced by U+FFFD ({max(bad, 1)} place(s), first here)",
            )
        ]


def split_lines(text: str) -> list[str]:
    """Lines of ``text`` without their ends; a final line end does not make an empty line."""
    if text.startswith(BOM):
        text = text[1:]
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return lines


_BACKSLASH_END = re.compile(r"\s*\\+\s*$")
_CSV_ROW = re.compile(r"^\s*\d{4}-\d{2}-\d{2} \d{2}:\d{2}(?::\d{2})?\t")


def working_lines(lines: list[str], start: int = 0, text: str | None = None) -> list[str]:
    """The lines the parser reads: the same count, with copying artefacts taken out.

    Some copies quote the release's CSV row: fields separated by tabs, every line ending in
    a backslash. The backslashes are dropped, and after such a row only the text before a tab
    is kept (what follows is the next CSV column). The original lines are never changed.
    """
    if text is not None and "\\" not in text and "\t" not in text:
        return lines  # the common case, decided without looking at each line
    body = lines[start:]
    ends = sum(1 for line in body if line.endswith(("\\", "\\ ")))
    has_row = any(_CSV_ROW.match(line) for line in body[:80])
    if ends < 3 and not has_row:
        return lines
    out = lines[:start]
    seen_row = False
    for line in body:
        if ends >= 3:
            line = _BACKSLASH_END.sub("", line)
        if seen_row and "\t" in line:
            line = line.split("\t", 1)[0]
        seen_row = seen_row or bool(_CSV_ROW.match(line))
        out.append(line)
    return out
