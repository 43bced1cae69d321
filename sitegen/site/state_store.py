"""The saved build state's files in the cache folder, one pair per output folder.

``state-<output>.bin`` holds what the last successful build into one output folder knew
(:class:`~sitegen.site.state.SavedState`, with a header saying what it was made with). A
build that changed little appends what it changed to ``state-<output>.journal`` instead
of writing the whole state; the journal is folded into a new state when it grows past a
quarter of it (or 1 MB, for small sites), or past :data:`RECORDS` records.

Derived data: unreadable, stale or corrupt, it is dropped (with an ``info`` diagnostic for
damage) and the pages are rendered again; a build never fails because of it.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sitegen.core.fingerprint import parser_fingerprint
from sitegen.core.memory import collector_paused
from sitegen.site import state_codec as codec
from sitegen.site.state import SavedState

RECORDS = 200
"""Journal records at most before the state is written whole again."""
_PYTHON = f"{sys.version_info[0]}.{sys.version_info[1]}"
"""The state is written with marshal, whose format belongs to the Python version."""


@dataclass(frozen=True, slots=True)
class Header:
    """What a saved state was made with: it describes the output only when all agree."""

    repair: bool
    """The repair setting the parsed cables were read with."""
    signature: tuple[str, str]
    """The site's settings and sitegen's code fingerprint."""
    manifest: str | None
    """The SHA-256 of the manifest the build wrote."""


@dataclass(slots=True)
class Restored:
    """A saved state read back: the state, its header, and the snapshot a later save
    compares with (to journal only what changed)."""

    state: SavedState
    header: Header
    snapshot: dict[str, Any]


def output_key(output: Path) -> str:
    """A name for an output folder in the cache folder (builds into several share it)."""
    return hashlib.sha256(str(output.resolve()).encode()).hexdigest()[:16]


class StateStore:
    """The saved states of one cache folder."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.problems: list[str] = []
        """What went wrong since the caller last looked: reported as ``info``."""
        self._sizes = (0, 0, 0)
        """The saved state's size, its journal's size and records (to know when to fold)."""
        self._saved: dict[str, Any] | None = None
        """The state as last saved or resumed: a save journals what changed since."""

    def _path(self, output: Path) -> Path:
        return self.folder / f"state-{output_key(output)}.bin"

    def _journal(self, output: Path) -> Path:
        return self._path(output).with_suffix(".journal")

    def _note(self, problem: str) -> None:
        if problem not in self.problems:
            self.problems.append(problem)

    def load(self, output: Path) -> Restored | None:
        """What the last build into ``output`` saved (its journal applied), or None (none,
        stale or unreadable)."""
        path = self._path(output)
        try:
            with open(path, "rb") as handle, collector_paused(keep=True):
                values = codec.load(handle)
                self._sizes = (path.stat().st_size, 0, 0)
                with contextlib.suppress(OSError):
                    journal = self._journal(output).read_bytes()
                    records, intact = codec.replay(values, journal)
                    if not intact:
                        self._note(
                            f"the journal of {path.name} ends in a damaged record (a build "
                            "stopped while writing it?); the state is saved whole again"
                        )
                        records = RECORDS  # the next save folds: nothing appended to garbage
                    self._sizes = (self._sizes[0], len(journal), records)
            if values.get("parser") != parser_fingerprint() or values.get("python") != _PYTHON:
                return None
            header = Header(values["repair"], tuple(values["signature"]), values["manifest"])
            state = SavedState.from_fields(values)
        except (FileNotFoundError, codec.OtherFormat):
            return None  # none yet, or of another version: not a problem
        except Exception as exc:  # damaged, cut short, unreadable: never fatal
            self._note(f"saved state {path.name} unreadable ({exc}); pages rendered again")
            return None
        return Restored(state, header, codec.snapshot(values))

    def resume(self, restored: Restored) -> None:
        """The build goes on from ``restored``: the next save journals what changed."""
        self._saved = restored.snapshot

    def save(self, output: Path, state: SavedState, header: Header) -> None:
        """Save ``state``: as a journal record of what changed since the last save (or the
        state resumed) when that is small, else whole."""
        values = state.as_fields() | {
            "repair": header.repair,
            "signature": header.signature,
            "manifest": header.manifest,
            "parser": parser_fingerprint(),
            "python": _PYTHON,
        }
        saved = self._saved
        with collector_paused():
            if saved is not None and saved.get("base") and self._append(output, values, saved):
                self._saved = codec.snapshot({**values, "base": saved["base"]})
            else:
                self._saved = self._save_complete(output, values)

    def _append(self, output: Path, values: dict[str, Any], saved: dict[str, Any]) -> bool:
        base_size, journal_size, records = self._sizes
        change = codec.delta(saved, values)
        if change is None:
            return False
        data = codec.record(change, saved["base"])
        if journal_size + len(data) > max(base_size // 4, 1 << 20) or records >= RECORDS:
            return False  # time to fold the journal into a new state
        try:
            with open(self._journal(output), "ab") as handle:
                handle.write(data)
        except OSError:
            return False
        self._sizes = (base_size, journal_size + len(data), records + 1)
        return True

    def _save_complete(self, output: Path, values: dict[str, Any]) -> dict[str, Any] | None:
        values["base"] = os.urandom(8).hex()
        path = self._path(output)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            with open(tmp, "wb") as handle:
                codec.dump(values, handle)
            os.replace(tmp, path)
            self._sizes = (path.stat().st_size, 0, 0)
        except OSError as exc:
            self._note(f"cache state not saved: {exc.strerror or exc}")
            _remove(tmp)
            return None
        _remove(self._journal(output))  # its records name the replaced base
        return codec.snapshot(values)

    def drop(self, output: Path) -> None:
        """Remove the saved state of ``output`` (the next build starts afresh)."""
        _remove(self._path(output))
        _remove(self._journal(output))


def _remove(path: Path) -> None:
    with contextlib.suppress(OSError):
        path.unlink()
