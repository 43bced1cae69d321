"""The persistent cache: parsed cables by content hash, and the state of the last build.

Two stores in the site's cache folder (``cache_dir``, default ``.sitegen-cache``):

- ``cables.sqlite``: every parsed cable, pickled, keyed by a hash of its file name, bytes
  and the repair setting. A file is parsed once; a later build (or another output folder)
  finds it by its hash. The parser's own fingerprint (a hash of its code and data) is
  recorded: a new parser empties the table, so a cache never serves an old reading.
- ``state-<output>.bin``: what the last successful build into one output folder knew
  (the light cables by file, the archive, the hash of every page by group), so a new
  process decides what a change touches as the watch loop does, instead of rendering
  everything again. A build that changed little appends what it changed to
  ``state-<output>.journal`` instead of writing the whole state; the journal is folded
  into a new state when it grows past a quarter of it (or 1 MB, for small sites).

Both are derived data: when unreadable, stale or corrupt they are dropped and rebuilt; a
build never fails because of its cache. Parse workers write the cables they parse
themselves (sqlite serialises them); the state is written by the build's own process.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import sqlite3
import sys
import zlib
from dataclasses import replace
from pathlib import Path
from typing import Any

from sitegen.build import state_codec as saved_state
from sitegen.core.fingerprint import parser_fingerprint
from sitegen.core.memory import collector_paused
from sitegen.core.model import Cable

SCHEMA = 3
_RECORDS = 200
"""Journal records at most before the state is written whole again."""
_PYTHON = f"{sys.version_info[0]}.{sys.version_info[1]}"
"""The state is written with marshal, whose format belongs to the Python version."""


def _parser() -> str:
    """What the stored cables were made by: the store's format and the parser's code."""
    return f"schema {SCHEMA} {parser_fingerprint()}"


def content_key(name: str, data: bytes, repair: bool) -> bytes:
    """The cache key of a cable file: what the parser's result depends on."""
    digest = hashlib.blake2b(digest_size=20)
    digest.update(name.encode("utf-8", "surrogatepass"))
    digest.update(b"\x00r" if repair else b"\x00o")
    digest.update(data)
    return digest.digest()


def light(cable: Cable) -> Cable:
    """The cable without its text: what indexes, lists and other cables' pages need.

    The archive holds these, so memory grows with the metadata, not with the text; a
    cable's own page loads the whole cable from the cache."""
    return replace(cable, text="", reading="", paragraphs=[], header={})


def pack(cable: Cable) -> bytes:
    """A whole cable for the store, behind a checksum of it (sqlite does not check what
    it reads back: a damaged page would give another text); the reading is stored only
    when it differs. Not compressed: zlib at its fastest level costs a quarter of the
    parse and a tenth of the render of a cable, for a store a third the size."""
    stored = replace(cable, reading="") if cable.reading == cable.text else cable
    data = pickle.dumps(stored, protocol=pickle.HIGHEST_PROTOCOL)
    return zlib.crc32(data).to_bytes(4, "little") + data


def unpack(blob: bytes) -> Cable:
    """The cable :func:`pack` stored; ValueError when the bytes are not what it wrote."""
    data = blob[4:]
    if len(blob) < 4 or zlib.crc32(data).to_bytes(4, "little") != blob[:4]:
        raise ValueError("a damaged cache entry")
    cable = pickle.loads(data)
    if not isinstance(cable, Cable):
        raise ValueError("not a cable")
    if not cable.reading:
        cable.reading = cable.text
    return cable


class Cache:
    """One site's cache folder. Open it in the process that uses it (sqlite connections do
    not survive a fork): :meth:`reopen` in a worker."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.problems: list[str] = []
        """What went wrong with the cache since the caller last looked (each costs time,
        never the build): reported as ``info`` diagnostics."""
        self._db: sqlite3.Connection | None = None
        self._pid = 0
        self._sizes = (0, 0, 0)
        """The saved state's size, its journal's size and records (to know when to fold)."""

    # -- the cable store -------------------------------------------------------------------

    def _connect(self) -> sqlite3.Connection | None:
        if self._db is not None and self._pid == os.getpid():
            return self._db
        self._db = None
        self._pid = os.getpid()
        path = self.folder / "cables.sqlite"
        for attempt in (1, 2):
            try:
                self.folder.mkdir(parents=True, exist_ok=True)
                db = sqlite3.connect(path, timeout=300, isolation_level=None)  # workers queue
                db.execute("PRAGMA journal_mode=WAL")
                db.execute("PRAGMA synchronous=OFF")
                db.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT)")
                db.execute("CREATE TABLE IF NOT EXISTS cables (key BLOB PRIMARY KEY, data BLOB)")
                row = db.execute("SELECT value FROM meta WHERE key = 'parser'").fetchone()
                if row is None or row[0] != _parser():
                    db.execute("DELETE FROM cables")
                    db.execute("INSERT OR REPLACE INTO meta VALUES ('parser', ?)", (_parser(),))
                self._db = db
                return db
            except (sqlite3.Error, OSError) as exc:
                self._note(f"cache {path} unusable ({exc}); parsing without it")
                if attempt == 1:
                    _remove_database(path)
        return None

    def _note(self, problem: str) -> None:
        if problem not in self.problems:
            self.problems.append(problem)

    def _damaged(self, exc: Exception) -> None:
        """The database is damaged (sqlite said so reading it): removed, so the next
        connection starts an empty one; the cables are parsed again."""
        self._note(f"cache {self.folder / 'cables.sqlite'} damaged ({exc}); started again")
        if self._db is not None and self._pid == os.getpid():
            with contextlib.suppress(sqlite3.Error):
                self._db.close()
        self._db = None
        _remove_database(self.folder / "cables.sqlite")

    def get(self, key: bytes) -> Cable | None:
        """The whole cable stored under ``key``, or None."""
        db = self._connect()
        if db is None:
            return None
        try:
            row = db.execute("SELECT data FROM cables WHERE key = ?", (key,)).fetchone()
        except sqlite3.DatabaseError as exc:
            self._damaged(exc)
            return None
        except sqlite3.Error:
            return None
        if not row:
            return None
        try:
            return unpack(row[0])
        except Exception as exc:  # any garbage: the file is parsed again
            self._note(f"a damaged entry in the cable cache ({exc}); its file parsed again")
            return None

    def put(self, rows: list[tuple[bytes, bytes]]) -> None:
        """Store packed cables (key, :func:`pack` bytes)."""
        db = self._connect()
        if db is None or not rows:
            return
        try:
            db.execute("BEGIN")
            db.executemany("INSERT OR REPLACE INTO cables VALUES (?, ?)", rows)
            db.execute("COMMIT")
        except sqlite3.DatabaseError as exc:
            with contextlib.suppress(sqlite3.Error):
                db.execute("ROLLBACK")
            self._damaged(exc)
        except sqlite3.Error as exc:
            self._note(f"cache not updated: {exc}")
            with contextlib.suppress(sqlite3.Error):
                db.execute("ROLLBACK")

    def checkpoint(self) -> None:
        """Fold the write-ahead log into the database (parse workers leave it as large as
        what they wrote) and truncate it."""
        db = self._connect()
        if db is not None:
            with contextlib.suppress(sqlite3.Error):
                db.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    def close(self) -> None:
        if self._db is not None and self._pid == os.getpid():
            self._db.close()
        self._db = None

    # -- the state of the last build ---------------------------------------------------------

    def _state_path(self, output: Path) -> Path:
        return self.folder / f"state-{_output_key(output)}.bin"

    def scratch(self, output: Path) -> Path:
        """A work folder for the build into ``output`` (the search index's shards)."""
        return self.folder / f"scratch-{_output_key(output)}"

    def _journal_path(self, output: Path) -> Path:
        return self._state_path(output).with_suffix(".journal")

    def load_state(self, output: Path) -> dict[str, Any] | None:
        """What the last build into ``output`` saved (its journal applied), or None (none,
        stale or unreadable)."""
        path = self._state_path(output)
        try:
            with open(path, "rb") as handle, collector_paused(keep=True):
                state = saved_state.load(handle)
                self._sizes = (path.stat().st_size, 0, 0)
                with contextlib.suppress(OSError):
                    journal = self._journal_path(output).read_bytes()
                    records, whole = saved_state.replay(state, journal)
                    if not whole:
                        self._note(
                            f"the journal of {path.name} ends in a damaged record (a build "
                            "stopped while writing it?); the state is saved whole again"
                        )
                        records = _RECORDS  # the next save folds: nothing appended to garbage
                    self._sizes = (self._sizes[0], len(journal), records)
        except (FileNotFoundError, saved_state.OtherFormat):
            return None  # none yet, or of another version: not a problem
        except Exception as exc:  # damaged, cut short, unreadable: never fatal
            self._note(f"saved state {path.name} unreadable ({exc}); pages rendered again")
            return None
        if state.get("parser") != parser_fingerprint() or state.get("python") != _PYTHON:
            return None
        return state

    def save_state(
        self, output: Path, state: dict[str, Any], saved: dict[str, Any] | None = None
    ) -> dict[str, Any] | None:
        """Save ``state``: as a journal record of what changed since ``saved`` (what the
        previous call returned, or :meth:`load_state` gave) when that is small, else
        whole. Returns what to give as ``saved`` next time (None when not saved)."""
        state = {**state, "parser": parser_fingerprint(), "python": _PYTHON}
        with collector_paused():
            if saved is not None and saved.get("_base") and self._append(output, state, saved):
                return saved_state.snapshot({**state, "_base": saved["_base"]})
            return self._save_whole(output, state)

    def _append(self, output: Path, state: dict[str, Any], saved: dict[str, Any]) -> bool:
        base_size, journal_size, records = self._sizes
        change = saved_state.delta(saved, state)
        if change is None:
            return False
        data = saved_state.record(change, saved["_base"])
        if journal_size + len(data) > max(base_size // 4, 1 << 20) or records >= _RECORDS:
            return False  # time to fold the journal into a new state
        try:
            with open(self._journal_path(output), "ab") as handle:
                handle.write(data)
        except OSError:
            return False
        self._sizes = (base_size, journal_size + len(data), records + 1)
        return True

    def _save_whole(self, output: Path, state: dict[str, Any]) -> dict[str, Any] | None:
        state["_base"] = os.urandom(8).hex()
        path = self._state_path(output)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            with open(tmp, "wb") as handle:
                saved_state.dump(state, handle)
            os.replace(tmp, path)
            self._sizes = (path.stat().st_size, 0, 0)
        except OSError as exc:
            self._note(f"cache state not saved: {exc.strerror or exc}")
            _remove(tmp)
            return None
        _remove(self._journal_path(output))  # its records name the replaced base
        return saved_state.snapshot(state)

    def drop_state(self, output: Path) -> None:
        _remove(self._state_path(output))
        _remove(self._journal_path(output))


def _output_key(output: Path) -> str:
    """A name for an output folder in the cache folder (builds into several share it)."""
    return hashlib.sha256(str(output.resolve()).encode()).hexdigest()[:16]


def _remove(path: Path) -> None:
    with contextlib.suppress(OSError):
        path.unlink()


def _remove_database(path: Path) -> None:
    """An sqlite database and its write-ahead log (left alone, the log would bring the
    old pages back into a new file of the same name)."""
    for name in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        _remove(name)
