"""The cable store: every parsed cable, by a hash of its file, in the site's cache folder.

``cables.sqlite`` in ``cache_dir`` (default ``.sitegen-cache``) holds each parsed cable,
pickled, keyed by a hash of its file name, bytes and the repair setting. A file is parsed
once; a later build (or another output folder) finds it by its hash. The parser's own
fingerprint (a hash of its code and data) is recorded: a new parser empties the table, so
the store never serves an old reading.

It is derived data: when unreadable or corrupt it is dropped and rebuilt; a build never
fails because of it. Parse workers write the cables they parse themselves (sqlite
serialises them); each process opens its own connection (none crosses a fork).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import sqlite3
import zlib
from dataclasses import replace
from pathlib import Path

from sitegen.core.fingerprint import parser_fingerprint
from sitegen.core.model import Cable

SCHEMA = 4
"""The layout of a stored cable (4: diagnostics carry their path)."""


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


class CableStore:
    """The cable store of one cache folder. A connection is opened by the process that uses
    it (a forked worker opens its own: sqlite connections do not survive a fork)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.problems: list[str] = []
        """What went wrong with the cache since the caller last looked (each costs time,
        never the build): reported as ``info`` diagnostics."""
        self._db: sqlite3.Connection | None = None
        self._pid = 0

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


def _remove(path: Path) -> None:
    with contextlib.suppress(OSError):
        path.unlink()


def _remove_database(path: Path) -> None:
    """An sqlite database and its write-ahead log (left alone, the log would bring the
    old pages back into a new file of the same name)."""
    for name in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        _remove(name)
