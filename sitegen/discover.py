"""Discover: which files make the site. Sorted, so everything downstream is deterministic.

Symbolic links are not followed out of the content folder: a link that points outside it is
reported and skipped, never read.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from sitegen.model import Diagnostic


@dataclass(frozen=True, slots=True)
class Source:
    """One content file: where it is, and how diagnostics name it."""

    path: Path
    name: str
    """The path relative to the site folder, with ``/``: ``content/cables/08BAKU129.txt``."""


@dataclass(slots=True)
class Discovered:
    """The content of a site, by kind."""

    cables: list[Source] = field(default_factory=list)
    pages: list[Source] = field(default_factory=list)
    notes: list[Source] = field(default_factory=list)
    problems: list[tuple[str, Diagnostic]] = field(default_factory=list)


def _display(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


def _walk(folder: Path, suffix: str, root: Path, base: Path, out: Discovered) -> list[Source]:
    """Files under ``folder`` ending in ``suffix``, sorted by their relative name; nothing
    that resolves outside ``base`` (the content folder) is read."""
    found: list[Source] = []
    if not folder.is_dir():
        return found
    if folder.is_symlink() and _outside_link(folder, base, root, out):
        return found
    for dirpath, dirnames, filenames in os.walk(folder, followlinks=False):
        here = Path(dirpath)
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for d in list(dirnames):
            if (here / d).is_symlink():
                dirnames.remove(d)  # os.walk does not enter it; read it only if it stays inside
                if not _outside_link(here / d, base, root, out):
                    found.extend(_walk(here / d, suffix, root, base, out))
        for name in sorted(filenames):
            path = here / name
            if name.startswith(".") or not name.endswith(suffix):
                continue
            if path.is_symlink() and _outside_link(path, base, root, out):
                continue
            found.append(Source(path, _display(path, root)))
    return sorted(found, key=lambda s: s.name)


def _outside_link(path: Path, base: Path, root: Path, out: Discovered) -> bool:
    """Report a symbolic link that leaves the content folder; True when it does."""
    try:
        target = path.resolve()
    except OSError:
        target = None
    if target is not None and target.is_relative_to(base):
        return False
    out.problems.append(
        (
            _display(path, root),
            Diagnostic(
                0,
                "warning",
                "symlink-skipped",
                "symbolic link out of the content folder: not followed",
            ),
        )
    )
    return True


def discover(content: Path, root: Path) -> Discovered:
    """Cables (``cables/**/*.txt``), Markdown pages (``pages/**/*.md``), notes (``notes/*.md``)."""
    out = Discovered()
    base = content.resolve()
    out.cables = _walk(content / "cables", ".txt", root, base, out)
    out.pages = _walk(content / "pages", ".md", root, base, out)
    out.notes = _walk(content / "notes", ".md", root, base, out)
    return out
