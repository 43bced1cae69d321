"""Collecting and reporting diagnostics: sorted, each once, repeats collapsed with a count."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from sitegen.core.model import Diagnostic


def printable(text: str) -> str:
    """``text`` with what a terminal would act on escaped as Python writes it (``\\n``,
    ``\\x1b``, ``\\u202e``): a file name or a cable's text can neither split a report line
    in two, nor colour, move or reverse what the terminal shows."""
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else c.encode("unicode_escape").decode() for c in text)


Report = list[Diagnostic]
"""Every problem a stage found, each carrying its path."""


def _order(diag: Diagnostic) -> tuple[str, int, str, str, str]:
    return (diag.path, diag.line, diag.severity, diag.code, diag.message)


def format_report(items: Iterable[Diagnostic]) -> list[str]:
    """Lines ``path:line: severity: code: message``, sorted, identical repeats collapsed;
    one line each, whatever the path and message hold (:func:`printable`)."""
    counts = Counter(items)
    lines = []
    for diag, n in sorted(counts.items(), key=lambda kv: _order(kv[0])):
        text = printable(f"{diag.path}:{diag.line}: {diag.severity}: {diag.code}: {diag.message}")
        lines.append(text if n == 1 else f"{text} (x{n})")
    return lines


def worst(diagnostics: Iterable[Diagnostic]) -> str | None:
    """The most severe level present, or None when there is nothing to report."""
    levels = {d.severity for d in diagnostics}
    for level in ("error", "warning", "info"):
        if level in levels:
            return level
    return None
