"""Verify: a copy of a built site checked against its ``manifest.json``.

Every build writes ``manifest.json`` at the root of the output: each file it produced and its
SHA-256. A mirror (or a reader of an archive copy) proves it holds exactly what the build
made by hashing its files again; this module does that, reading nothing outside the folder
whatever the manifest names.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from sitegen.output.commit import COMMIT, STAGING
from sitegen.output.manifest import MANIFEST, read_manifest, sha256_of


@dataclass(frozen=True, slots=True)
class Verification:
    """What a folder holds against its manifest: ``missing`` and ``changed`` files break
    the copy; ``unlisted`` ones (a host's own files, say) are only reported."""

    checked: int
    missing: list[str]
    changed: list[str]
    unlisted: list[str]
    pending: bool = False
    """A build was killed while it moved its files into place: each file is whole (the old
    bytes or the new) and the next ``sitegen build`` completes the move."""

    @property
    def intact(self) -> bool:
        return not self.missing and not self.changed


def verify(folder: Path) -> Verification:
    """Hash every file the manifest of ``folder`` lists and compare."""
    listed = read_manifest(folder)
    root = folder.resolve()
    missing: list[str] = []
    changed: list[str] = []
    for name, expected in sorted(listed.items()):
        path = folder / name
        if path.is_symlink() or not path.is_file() or not path.resolve().is_relative_to(root):
            missing.append(name)  # a link is not the file the build wrote
        elif sha256_of(path) != expected:
            changed.append(name)
    unlisted: list[str] = []
    for current, dirs, files in os.walk(folder):
        here = Path(current).relative_to(folder).as_posix()
        if here == ".":
            dirs[:] = [d for d in dirs if d != STAGING]
        for file in files:
            name = file if here == "." else f"{here}/{file}"
            if name != MANIFEST and name not in listed:
                unlisted.append(name)
    pending = (folder / STAGING / COMMIT).is_file()
    return Verification(len(listed), missing, changed, sorted(unlisted), pending)
