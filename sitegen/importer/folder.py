"""The cable folder an import writes into: one ``<ID>.txt`` per cable, in the shape of the
corpus files (metadata lines, a blank line, the header block, a blank line, the body).

A cable already in the folder (at any depth: sites may keep cables in year folders) is
updated in place, and only when its bytes change, so a re-import leaves identical files and
their modification times alone. Metadata the source does not carry (``Released`` in the
CSV, keys added by hand) is kept from the existing file. What the folder remembers per
cable is its ID, its outcome and where it came from: memory grows with the number of
cables, never with the size of the source.
"""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass
from pathlib import Path

from sitegen.core.errors import BuildError, ConfigError
from sitegen.importer.record import KEYS, Problem, Record
from sitegen.output.atomic import write_atomic
from sitegen.parse.metadata import KNOWN_KEYS

ADDED, CHANGED, UNCHANGED = 0, 1, 2

# As the parser reads a metadata line (``sitegen.parse.metadata``).
_KEY_LINE = re.compile(r"^\s*([A-Za-z][A-Za-z0-9 _-]{0,40}?)\s*:[ \t]?(.*)$")
_KEY_OF_NAME = {"id": "Reference ID"} | {key.lower(): key for key in KEYS[1:]}


@dataclass(slots=True)
class Counts:
    """What an import did to the folder, one count per cable ID."""

    added: int = 0
    changed: int = 0
    unchanged: int = 0

    def add(self, outcome: int, step: int = 1) -> None:
        if outcome == ADDED:
            self.added += step
        elif outcome == CHANGED:
            self.changed += step
        else:
            self.unchanged += step


def cable_text(record: Record, existing: str | None = None) -> str:
    """The cable file of ``record``; ``existing`` (the file it replaces) gives the metadata
    lines the record lacks, and keeps any other key it has, after the known ones."""
    kept, others = _metadata_lines(existing) if existing else ({}, [])
    lines = [
        f"{key}: {record.values[key]}" if key in record.values else kept[key]
        for key in KEYS
        if key in record.values or key in kept
    ]
    lines.extend(others)
    text = f"{record.header}\n\n{record.body}" if record.header else record.body
    if not text.endswith("\n"):
        text += "\n"
    return "\n".join(lines) + "\n\n" + text


def _metadata_lines(text: str) -> tuple[dict[str, str], list[str]]:
    """The metadata header of a cable file, as written: its lines by key of :data:`KEYS`
    (the first of each), and its other lines in order. Nothing when the file has none."""
    head = text.split("\n\n", 1)[0]
    kept: dict[str, str] = {}
    others: list[str] = []
    for line in head.split("\n"):
        m = _KEY_LINE.match(line)
        if not m:
            return {}, []
        key = _KEY_OF_NAME.get(KNOWN_KEYS.get(m.group(1).lower(), ""))
        if key is not None and key not in kept:
            kept[key] = line
        else:
            others.append(line)
    return (kept, others) if kept else ({}, [])


class CableFolder:
    """Writes records into ``folder`` and keeps count; a later record with an ID already
    imported replaces the earlier one (with a warning naming both)."""

    def __init__(self, folder: Path) -> None:
        if folder.exists() and not folder.is_dir():
            raise ConfigError(f"{folder}: not a folder")
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise BuildError(f"cannot create {folder}: {exc.strerror or exc}") from exc
        self.folder = folder
        self.counts = Counts()
        self._root = folder.resolve()
        self._files = _existing(folder)
        self._parents: set[Path] = set()
        self._seen: dict[str, tuple[int, str]] = {}
        self._originals: dict[str, bytes] = {}
        """Digests of the files changed by a first record, for a later one that may undo it."""

    def put(self, record: Record) -> Problem | None:
        """Write ``record`` if its file's bytes change; a warning when it replaces an earlier
        record of this import."""
        known = self._files.get(record.id)
        path = self.folder / (known or f"{record.id}.txt")
        if known is not None and "/" in known:
            self._check_inside(path)
        old: bytes | None = None
        if known is not None or record.id in self._seen:
            try:
                old = path.read_bytes()
            except FileNotFoundError:
                pass
            except OSError as exc:
                raise BuildError(f"cannot read {path}: {exc.strerror or exc}") from exc
        data = cable_text(record, _decoded(old)).encode("utf-8")
        earlier = self._seen.get(record.id)
        problem = None
        if earlier is not None:
            self.counts.add(earlier[0], -1)
            message = f"{record.id} is also {earlier[1]}; the later one is kept"
            problem = record.problem("warning", "duplicate-id", message)
        outcome = self._outcome(record.id, earlier[0] if earlier else None, old, data)
        if old != data:
            try:
                write_atomic(path, data)
            except OSError as exc:
                raise BuildError(f"cannot write {path}: {exc.strerror or exc}") from exc
        self._seen[record.id] = (outcome, record.where)
        self.counts.add(outcome)
        return problem

    def _outcome(self, cable_id: str, first: int | None, old: bytes | None, data: bytes) -> int:
        """What the import did to a cable's file so far, compared with the file before the
        import: ``first`` is the outcome of an earlier record of the ID, ``old`` the file
        now (as that record left it)."""
        if first == ADDED or (first is None and old is None):
            return ADDED
        if first == CHANGED:
            return UNCHANGED if _digest(data) == self._originals[cable_id] else CHANGED
        if old == data:
            return UNCHANGED
        if old is not None:
            self._originals[cable_id] = _digest(old)
        return CHANGED

    def _check_inside(self, path: Path) -> None:
        """Refuse a file in a sub-folder that leads out of the cable folder (a link)."""
        parent = path.parent
        if parent in self._parents:
            return
        if not parent.resolve().is_relative_to(self._root):
            raise BuildError(f"refusing to write through a link out of {self.folder}: {path}")
        self._parents.add(parent)


def _existing(folder: Path) -> dict[str, str]:
    """The cable files already in ``folder`` by ID (file name without ``.txt``), relative to
    it; sorted, so the first of two files with one name is the one updated."""
    found: dict[str, str] = {}
    for directory, subfolders, names in os.walk(folder):
        subfolders[:] = sorted(d for d in subfolders if not d.startswith("."))
        relative = os.path.relpath(directory, folder)
        for name in sorted(names):
            if name.endswith(".txt") and not name.startswith("."):
                stem = name[:-4]
                found.setdefault(stem, name if relative == "." else f"{relative}/{name}")
    return found


def _decoded(data: bytes | None) -> str | None:
    """The metadata part of an existing file, as text (what is kept of it is only that)."""
    if data is None:
        return None
    return data.split(b"\n\n", 1)[0].decode("utf-8", "replace")


def _digest(data: bytes) -> bytes:
    return hashlib.blake2b(data, digest_size=16).digest()
