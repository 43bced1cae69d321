"""Commit: the rendered site into the output folder, all of it or none of it.

Nothing is put in place before every page has rendered, so a failed build leaves the
previous output as it was: changed files wait in a staging folder inside the output folder
and are renamed over the old ones at the end; files whose bytes did not change are not
touched. Files the previous build wrote (listed in its ``manifest.json``) and this one did
not are removed; nothing else is ever deleted.

The move into place is a commit that survives a crash: the new manifest and a ``COMMIT``
record (the manifest's hash, the files to remove) are written to the staging folder first,
so a full disk fails the build before any file moved; then the files are renamed, the
manifest last but for the removals (:mod:`sitegen.output.move`). A build killed during the
move leaves every file whole (the old bytes or the new) and the record beside them; the next
build completes the move (:meth:`Output.recover`) before it reads the manifest. A staging
folder without a record is what a build killed earlier left: it is removed.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import threading
from dataclasses import dataclass
from pathlib import Path

from sitegen.core.errors import BuildError
from sitegen.output import lock
from sitegen.output.atomic import check_path, write_atomic
from sitegen.output.lock import WriteLock
from sitegen.output.manifest import MANIFEST, ManifestWriter, digest_of, known_files
from sitegen.output.move import make_parent, move_into_place, remove_stale, staged_name

STAGING = ".sitegen-staging"
"""Where the files of a build wait (inside the output folder, so a rename moves them) until
every page has rendered; the preview server never serves it."""
COMMIT = "COMMIT"
"""In the staging folder: the record that the move into place has begun (JSON: the new
manifest's SHA-256 and the files to remove)."""


@dataclass(frozen=True, slots=True)
class WriteResult:
    """What a commit did: files moved into place, files left as they were, stale removed."""

    written: int
    unchanged: int
    removed: int


class Output:
    """The output folder and what this process knows it holds (file -> SHA-256).

    What is known comes from the previous build's ``manifest.json``, then from this
    process's own writes, so a build compares hashes instead of reading every file back.
    A build stages the files whose bytes changed (render workers do it in
    parallel), then :meth:`commit` renames them into place, removes the stale ones and
    writes the manifest; :meth:`discard` forgets a failed build's files.
    """

    def __init__(self, folder: Path, writing: WriteLock | None = None) -> None:
        self.folder = folder
        self.writing: WriteLock = writing if writing is not None else threading.RLock()
        """Held while files move into place (shared with the preview server's reads)."""
        self._known: dict[str, str] | None = None
        self._manifest = ManifestWriter()
        self.manifest_digest = digest_of(folder / MANIFEST)
        self._made: set[Path] = set()
        self._direct: bool | None = None

    @property
    def known(self) -> dict[str, str]:
        """The files the folder holds and their hashes (the manifest is read when first
        asked, unless :meth:`adopt` gave them)."""
        if self._known is None:
            self._known = known_files(self.folder)
        return self._known

    @known.setter
    def known(self, files: dict[str, str]) -> None:
        self._known = files

    def adopt(self, files: dict[str, str]) -> None:
        """What the manifest lists, known otherwise (the saved state of the build that
        wrote it, checked against its digest): a large site's manifest is not parsed."""
        self._known = files

    @property
    def direct(self) -> bool:
        """No earlier build to keep intact (no manifest, nothing in the folder): files go
        straight into place, and there is nothing to move at the end. Decided once a build
        (before render workers fork), so every file of it goes the same way; a manifest
        that cannot be read does not make a folder of files fair game."""
        if self._direct is None:
            self._direct = not (self.folder / MANIFEST).exists() and _empty(self.folder)
        return self._direct

    def exclusive(self) -> contextlib.AbstractContextManager[None]:
        """Held while a build writes the folder (see :func:`sitegen.output.lock.exclusive`)."""
        return lock.exclusive(self.folder)

    @property
    def staging(self) -> Path:
        return self.folder / STAGING

    def recover(self) -> str | None:
        """Complete the move of a build killed while moving its files into place, or
        remove what a build killed before it left staged; what was done, or None."""
        staging = self.staging
        if not staging.exists():
            return None
        stale = _read_record(staging)
        with self.writing:
            note = "removed the staged files of an interrupted build"
            if stale is not None:
                hashes = known_files(staging) or known_files(self.folder)
                try:
                    move_into_place(self.folder, staging, sorted(hashes), missing_ok=True)
                    remove_stale(self.folder, stale)
                    note = "completed the move into place of an interrupted build"
                except (OSError, BuildError) as exc:
                    raise BuildError(
                        f"cannot complete an interrupted build's move into {self.folder}: {exc}"
                    ) from exc
            shutil.rmtree(staging, ignore_errors=True)
            self._known = None
            self._direct = None
            self._manifest.forget()
            self.manifest_digest = digest_of(self.folder / MANIFEST)
        return note

    def stage(self, name: str, data: bytes, *, force: bool = False) -> tuple[str, bool]:
        """Put ``data`` aside for ``name`` if it differs from what the folder holds; returns
        its hash and whether it was staged. Safe to call from several processes at once."""
        check_path(name)
        digest = hashlib.sha256(data).hexdigest()
        if (
            not force
            and self.known.get(name) == digest
            and _same_size(self.folder / name, len(data))
        ):
            return digest, False
        target = self.folder / name if self.direct else self.staging / staged_name(name)
        try:
            make_parent(target, name, self.folder, self._made)
            if self.direct:
                # Nothing to keep intact: no temporary name and rename, one file written.
                if target.is_symlink():
                    target.unlink()
                with open(target, "wb") as handle:
                    handle.write(data)
            else:
                write_atomic(target, data)
        except OSError as exc:
            raise BuildError(
                f"cannot write the site to {self.folder}: {exc.strerror or exc}"
            ) from exc
        return digest, True

    def discard(self) -> None:
        """Remove what a build staged and did not commit. A move into place that began
        (its ``COMMIT`` record there) and failed half-way stays: discarding it would leave
        old and new files mixed under the old manifest; :meth:`recover` completes it."""
        if self.staging.exists() and not (self.staging / COMMIT).exists():
            shutil.rmtree(self.staging, ignore_errors=True)

    def write(
        self, files: dict[str, bytes], *, touched: set[str] | None = None, force: bool = False
    ) -> WriteResult:
        """Make the folder hold exactly ``files`` (plus files sitegen never wrote).

        ``touched``: the paths that may have changed since this object's last write (None:
        any may have). Files are written atomically and only when their bytes differ.
        """
        hashes: dict[str, str] = {}
        staged: set[str] = set()
        try:
            for name in sorted(files):
                if touched is not None and name not in touched and name in self.known:
                    hashes[name] = self.known[name]
                    continue
                hashes[name], fresh = self.stage(name, files[name], force=force)
                if fresh:
                    staged.add(name)
        except BaseException:
            self.discard()
            raise
        return self.commit(hashes, staged)

    def commit(self, hashes: dict[str, str], staged: set[str]) -> WriteResult:
        """Make the folder hold exactly the files of ``hashes`` (plus files sitegen never
        wrote): move the ``staged`` ones into place, write the manifest, remove the stale
        ones (see the module's note for the order, which a crash cannot break)."""
        with self.writing:
            try:
                result = self._commit(hashes, staged)
            except BaseException:
                self.discard()  # (a move that began stays, for recover() to complete)
                raise
            finally:
                self._made.clear()
                self._direct = None
            shutil.rmtree(self.staging, ignore_errors=True)  # the move is complete
            return result

    def _commit(self, hashes: dict[str, str], staged: set[str]) -> WriteResult:
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise BuildError(
                f"cannot create the output folder {self.folder}: {exc.strerror or exc}"
            ) from exc
        written = len(staged)
        stale = sorted(set(self.known) - set(hashes) - {MANIFEST})
        if written or stale or not (self.folder / MANIFEST).is_file():
            manifest = self._manifest.render(hashes)
            try:
                if self.direct:
                    write_atomic(self.folder / MANIFEST, manifest)
                else:
                    # Before any file moves: a full disk fails here, with nothing changed.
                    self.staging.mkdir(exist_ok=True)
                    write_atomic(self.staging / MANIFEST, manifest)
                    _write_record(self.staging, manifest, stale)
                    move_into_place(self.folder, self.staging, sorted(staged))
            except OSError as exc:
                raise BuildError(
                    f"cannot write the site to {self.folder}: {exc.strerror or exc}"
                ) from exc
            self.manifest_digest = hashlib.sha256(manifest).hexdigest()
        self.known = dict(hashes)
        return WriteResult(written, len(hashes) - written, remove_stale(self.folder, stale))


def write_site(output: Path, files: dict[str, bytes], *, force: bool = False) -> WriteResult:
    """Write ``files`` (output-relative path -> bytes) and the manifest; remove stale files."""
    return Output(output).write(files, force=force)


def _write_record(staging: Path, manifest: bytes, stale: list[str]) -> None:
    """The ``COMMIT`` record: from here on, the move into place is completed, not undone."""
    record = {"manifest": hashlib.sha256(manifest).hexdigest(), "stale": stale}
    write_atomic(staging / COMMIT, json.dumps(record).encode())


def _read_record(staging: Path) -> list[str] | None:
    """The files to remove that the ``COMMIT`` record of a staging folder lists, when the
    record is whole and its manifest is there (staged or already moved); else None."""
    try:
        record = json.loads((staging / COMMIT).read_text(encoding="utf-8"))
        digest, stale = record["manifest"], record["stale"]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if not isinstance(digest, str) or not isinstance(stale, list):
        return None
    manifest = staging / MANIFEST
    if not manifest.exists():
        manifest = staging.parent / MANIFEST
    if digest_of(manifest) != digest:
        return None
    return [str(name) for name in stale]


def _empty(folder: Path) -> bool:
    """The folder does not exist or holds nothing (but a staging folder)."""
    try:
        with os.scandir(folder) as entries:
            return all(entry.name == STAGING for entry in entries)
    except FileNotFoundError:
        return True
    except OSError:
        return False


def _same_size(path: Path, size: int) -> bool:
    try:
        return path.stat().st_size == size and not path.is_symlink()
    except OSError:
        return False
