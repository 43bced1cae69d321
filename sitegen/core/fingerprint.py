"""Fingerprints of sitegen's own code: what a cache must be dropped with when it changes.

Files are found by walking the package, never listed by name, so a module added, moved or
renamed changes the fingerprint like an edit does.
"""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent
"""The ``sitegen`` package folder."""

_SUFFIXES = (".py", ".csv", ".txt")
"""Code and the data tables the code reads."""

PARSER_LAYERS = ("core", "tables", "parse", "data")
"""What the parser's result depends on: its own layer, the layers below it and the data."""


@cache
def code_fingerprint(layers: tuple[str, ...] = ()) -> str:
    """A hash of the code and data files under ``layers`` (sub-folders of the package), or
    of the whole package when none are given."""
    digest = hashlib.sha256()
    roots = [PACKAGE / layer for layer in layers] if layers else [PACKAGE]
    for root in roots:
        for path in sorted(root.rglob("*")):
            if path.suffix in _SUFFIXES and path.is_file() and "__pycache__" not in path.parts:
                digest.update(path.relative_to(PACKAGE).as_posix().encode())
                digest.update(b"\x00")
                digest.update(path.read_bytes())
    return digest.hexdigest()


def parser_fingerprint() -> str:
    """The fingerprint of the parser: a change of its code or data (a developer's edit
    included, not only a release) invalidates every parsed cable."""
    return code_fingerprint(PARSER_LAYERS)
