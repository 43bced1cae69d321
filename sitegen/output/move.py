"""The files of a build moved from the staging folder into place, and stale ones removed.

Each step is a rename or an unlink, so a build killed half-way leaves every file whole (the
old bytes or the new); :meth:`~sitegen.output.commit.Output.recover` runs the same move
again to complete it.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
from collections.abc import Iterable
from pathlib import Path

from sitegen.core.errors import BuildError
from sitegen.output.atomic import check_path
from sitegen.output.manifest import MANIFEST


def staged_name(name: str) -> str:
    """The staged file of ``name``: one flat folder, no tree to make and remove."""
    return hashlib.sha1(name.encode("utf-8"), usedforsecurity=False).hexdigest()


def make_parent(target: Path, name: str, folder: Path, made: set[Path]) -> None:
    """Make ``target``'s folder once (``made`` remembers), refusing one that a link leads
    out of the output ``folder`` (the staging folder is inside it)."""
    if target.parent in made:
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    if not target.parent.resolve().is_relative_to(folder.resolve()):
        raise BuildError(f"refusing to write through a link out of the output folder: {name}")
    made.add(target.parent)


def move_into_place(
    folder: Path, staging: Path, names: Iterable[str], *, missing_ok: bool = False
) -> None:
    """Rename the staged files of ``names`` into ``folder``, then the staged manifest;
    ``missing_ok`` (completing a killed build's move): a name not staged is skipped, moved
    before the build was killed or unchanged."""
    made: set[Path] = set()
    for name in names:
        source = staging / staged_name(name)
        if missing_ok and not source.exists():
            continue
        target = folder / check_path(name)
        make_parent(target, name, folder, made)
        if target.is_symlink():
            target.unlink()
        os.replace(source, target)
    if (staging / MANIFEST).exists():
        os.replace(staging / MANIFEST, folder / MANIFEST)


def remove_stale(folder: Path, stale: list[str]) -> int:
    """Remove the files an earlier build wrote and this one did not; how many went."""
    root = folder.resolve()
    removed = 0
    for name in stale:
        try:
            path = folder / check_path(name)
        except BuildError:
            continue
        if path.is_file() and path.resolve().is_relative_to(root):
            with contextlib.suppress(OSError):  # left, not fatal: no page links to it
                path.unlink()
                removed += 1
                _prune(path.parent, root)
    return removed


def _prune(folder: Path, root: Path) -> None:
    """Remove folders emptied by removing stale files, up to the output folder."""
    while folder.resolve() != root and folder.resolve().is_relative_to(root):
        try:
            folder.rmdir()
        except OSError:
            return
        folder = folder.parent
