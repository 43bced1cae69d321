"""What a build did, for the command that ran it."""

from __future__ import annotations

from dataclasses import dataclass

from sitegen.core.diagnostics import Report
from sitegen.output.commit import WriteResult


@dataclass(slots=True)
class BuildResult:
    """What a build did: counts, every output file with its SHA-256, diagnostics, what was
    written, time."""

    cables: int
    pages: int
    files: dict[str, str]
    diagnostics: Report
    written: WriteResult | None
    seconds: float
    rendered: int = 0
    """Pages and files rendered (the rest were known unchanged without rendering)."""
