"""Bytes to lines, without losing anything.

Cables carry U+2028 and other Unicode separators *inside* lines, so lines are split on
``\\n`` only (never ``str.splitlines()``); CRLF and lone CR are line ends; a BOM is dropped.
"""

from __future__ import annotations

from bisect import bisect_right

from sitegen.model import Diagnostic

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


class Joined:
    """Lines joined into one text, to run one regex over the text instead of one per line.

    ``line_of`` maps an offset in the text back to a 0-based line index.
    """

    def __init__(self, lines: list[str], start: int = 0) -> None:
        self.start = start
        self.text = "\n".join(lines[start:])
        self._starts = [0]
        total = 0
        for line in lines[start:-1] if len(lines) > start else []:
            total += len(line) + 1
            self._starts.append(total)

    def line_of(self, offset: int) -> int:
        return self.start + bisect_right(self._starts, offset) - 1

    def offset_of(self, index: int) -> int:
        """Offset of the start of line ``index`` (clamped to the text)."""
        k = index - self.start
        if k <= 0:
            return 0
        return self._starts[k] if k < len(self._starts) else len(self.text)
