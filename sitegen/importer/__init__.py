"""Import: cables from a release into cable files (``sitegen import SOURCE --to FOLDER``).

Two sources: the release's ``cables.csv`` (streamed; :mod:`sitegen.importer.release_csv`)
and a folder of the mirrored web site's cable pages (:mod:`sitegen.importer.mirror`). Both
yield :class:`Record` values (or problems) that :class:`CableFolder` writes, each file
atomically and only when its bytes change. A row or page that cannot be read is reported
and skipped, and the import goes on.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from sitegen.core.errors import ConfigError
from sitegen.core.model import Diagnostic
from sitegen.core.progress import progress, progress_bytes
from sitegen.importer.folder import CableFolder, Counts
from sitegen.importer.mirror import SUFFIXES, find_pages, read_pages
from sitegen.importer.record import Problem, Record
from sitegen.importer.release_csv import read_csv, shape_of

__all__ = ["ImportResult", "Record", "import_cables"]

QUOTES = ("auto", "double", "backslash")


@dataclass(slots=True)
class ImportResult:
    """What an import read, what it did to the folder, and what it reported."""

    source: str
    """What was read: ``CSV, quotes doubled, LF line ends`` or ``mirror pages``."""
    read: int = 0
    """Records read (a repeated ID counts each time)."""
    counts: Counts = field(default_factory=Counts)
    skipped: int = 0
    """Rows or pages with an error, not imported."""
    diagnostics: list[Diagnostic] = field(default_factory=list)
    seconds: float = 0.0


def import_cables(source: Path, to: Path, *, quotes: str = "auto") -> ImportResult:
    """Import every cable of ``source`` (a CSV file, a cable page, or a folder of pages)
    into the folder ``to``. ``quotes`` tells how the CSV escapes quotes (``double``,
    ``backslash``; ``auto``: read from the file)."""
    started = time.perf_counter()
    if quotes not in QUOTES:
        raise ConfigError(f"quotes must be one of {', '.join(QUOTES)}, not {quotes!r}")
    if not source.exists():
        raise ConfigError(f"{source}: no such file or folder")
    folder = CableFolder(to)
    if source.is_dir() or source.suffix.lower() in SUFFIXES:
        pages = find_pages(source) if source.is_dir() else [source]
        result = ImportResult("mirror pages")
        _run(progress(read_pages(pages), len(pages), "import", "page"), folder, result)
    else:
        try:
            shape = shape_of(source, quotes)
        except OSError as exc:
            raise ConfigError(f"{source}: cannot read: {exc.strerror or exc}") from exc
        result = ImportResult(shape.describe())
        with progress_bytes(source.stat().st_size, "import") as moved:
            _run(read_csv(source, shape, str(source), moved), folder, result)
    result.counts = folder.counts
    result.seconds = time.perf_counter() - started
    return result


def _run(items: Iterable[Record | Problem], folder: CableFolder, result: ImportResult) -> None:
    for item in items:
        if isinstance(item, Problem):
            result.diagnostics.append(item.diagnostic.at(item.path))
            if item.diagnostic.severity == "error":
                result.skipped += 1
            continue
        result.read += 1
        problem = folder.put(item)
        if problem is not None:
            result.diagnostics.append(problem.diagnostic.at(problem.path))
