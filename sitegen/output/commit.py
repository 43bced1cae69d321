"""Write: the rendered site into the output folder, one atomic file at a time.

Nothing is put in place before every page has rendered, so a failed build leaves the
previous output as it was: changed files wait in a staging folder inside the output folder
and are renamed over the old ones at the end; files whose bytes did not change are not
touched. Files the previous build wrote (listed in
its ``manifest.json``) and this one did not are removed; nothing else is ever deleted.

The move into place is a commit that survives a crash: the new manifest and a ``COMMIT``
record (the manifest's hash, the files to remove) are written to the staging folder first,
so a full disk fails the build before any file moved; then the files are renamed, the
manifest last but for the removals. A build killed during the move leaves every file whole
(the old bytes or the new) and the record beside them; the next build completes the move
(:meth:`Output.recover`) before it reads the manifest. A staging folder without a record
is what a build killed earlier left: it is removed.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from types import ModuleType
from typing import Any, BinaryIO

from sitegen.core.errors import BuildError
from sitegen.core.urls import Urls

fcntl: ModuleType | None
try:
    import fcntl
except ImportError:  # not on Windows: builds into one folder are not kept apart there
    fcntl = None

MANIFEST = Urls.manifest

WriteLock = contextlib.AbstractContextManager[Any]
"""A lock held while files move into place (a :func:`threading.RLock`): a reader that takes
it too, as the preview server does, never sees a half-written site."""


@dataclass(frozen=True, slots=True)
class WriteResult:
    written: int
    unchanged: int
    removed: int


def check_path(relative: str) -> PurePosixPath:
    """A relative output path, refused when it could leave the output folder."""
    path = PurePosixPath(relative)
    if (
        not relative
        or "\x00" in relative
        or "\\" in relative
        or path.is_absolute()
        or any(part in ("..", ".", "") for part in relative.split("/"))
    ):
        raise BuildError(f"refusing to write outside the output folder: {relative!r}")
    return path


def _previous(output: Path) -> dict[str, str]:
    """The files and hashes the previous build's manifest lists (nothing if unreadable)."""
    try:
        data = json.loads((output / MANIFEST).read_text(encoding="utf-8"))
        files = data.get("files", {})
        return {str(k): str(v) for k, v in files.items()} if isinstance(files, dict) else {}
    except (OSError, ValueError, AttributeError):
        return {}


@contextmanager
def open_atomic(target: Path) -> Iterator[BinaryIO]:
    """A file to write ``target`` through: a temporary file beside it, renamed over it when
    the block ends normally and removed when it fails, so readers see the old file or the
    new one whole (an export of a large archive is written while it is made; the temporary
    name starts with a dot, so a crash leaves nothing that discovery would read)."""
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        with open(tmp, "wb") as handle:
            yield handle
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def write_atomic(target: Path, data: bytes) -> None:
    """Write ``data`` to ``target`` whole or not at all (see :func:`open_atomic`)."""
    with open_atomic(target) as handle:
        handle.write(data)


STAGING = ".sitegen-staging"
"""Where the files of a build wait (inside the output folder, so a rename moves them) until
every page has rendered; the preview server never serves it."""
COMMIT = "COMMIT"
"""In the staging folder: the record that the move into place has begun (JSON: the new
manifest's SHA-256 and the files to remove)."""


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
        self._lines: dict[str, str] = {}
        self.manifest_digest = _digest_of(folder / MANIFEST)
        self._made: set[Path] = set()
        self._direct: bool | None = None

    @property
    def known(self) -> dict[str, str]:
        """The files the folder holds and their hashes (the manifest is read when first
        asked, unless :meth:`adopt` gave them)."""
        if self._known is None:
            self._known = _previous(self.folder)
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

    @contextlib.contextmanager
    def exclusive(self) -> Iterator[None]:
        """Held while a build writes the folder (an advisory lock on the folder itself): a
        second build into it waits, and so does the build after one that was killed, until
        the killed build's render workers, which inherit the lock, have finished the chunk
        they were rendering and exited (they would stage stale files into its staging
        folder otherwise)."""
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.folder, os.O_RDONLY)
        except OSError as exc:
            raise BuildError(
                f"cannot create the output folder {self.folder}: {exc.strerror or exc}"
            ) from exc
        try:
            if fcntl is not None:
                fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            os.close(fd)

    def recover(self) -> str | None:
        """Complete the move of a build killed while moving its files into place, or
        remove what a build killed before it left staged; what was done, or None."""
        staging = self.staging
        if not staging.exists():
            return None
        record = _commit_record(staging)
        with self.writing:
            note = "removed the staged files of an interrupted build"
            if record is not None:
                _, stale = record
                hashes = _previous(staging) or _previous(self.folder)
                try:
                    self._move(hashes, stale, every=True)
                    note = "completed the move into place of an interrupted build"
                except (OSError, BuildError) as exc:
                    raise BuildError(
                        f"cannot complete an interrupted build's move into {self.folder}: {exc}"
                    ) from exc
            shutil.rmtree(staging, ignore_errors=True)
            self._known = None
            self._direct = None
            self._lines = {}
            self.manifest_digest = _digest_of(self.folder / MANIFEST)
        return note

    @property
    def staging(self) -> Path:
        return self.folder / STAGING

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
        target = self.folder / name if self.direct else self.staging / _flat(name)
        try:
            _make_parent(target, name, self.folder, self._made)
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

    def _manifest(self, hashes: dict[str, str]) -> bytes:
        """``manifest.json``, one file per line so it diffs well; the line of a file is made
        once and kept while its hash stays (a large site's manifest is rewritten often)."""
        lines = self._lines
        for name in [n for n in lines if n not in hashes]:
            del lines[name]
        for name, digest in hashes.items():
            line = lines.get(name)
            if line is None or not line.endswith(f'"{digest}"'):
                lines[name] = f"{_json_string(name)}:{_json_string(digest)}"
        body = ",\n".join(lines[name] for name in sorted(lines))
        return ('{"files":{' + body + '},"generator":"sitegen"}\n').encode("utf-8")

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
            manifest = self._manifest(hashes)
            try:
                if self.direct:
                    write_atomic(self.folder / MANIFEST, manifest)
                else:
                    # Before any file moves: a full disk fails here, with nothing changed.
                    self.staging.mkdir(exist_ok=True)
                    write_atomic(self.staging / MANIFEST, manifest)
                    record = {"manifest": hashlib.sha256(manifest).hexdigest(), "stale": stale}
                    write_atomic(self.staging / COMMIT, json.dumps(record).encode())
                    self._move(hashes, stale, staged=staged)
            except OSError as exc:
                raise BuildError(
                    f"cannot write the site to {self.folder}: {exc.strerror or exc}"
                ) from exc
            self.manifest_digest = hashlib.sha256(manifest).hexdigest()
        self.known = dict(hashes)
        return WriteResult(written, len(hashes) - written, self._remove(stale))

    def _move(
        self,
        hashes: dict[str, str],
        stale: list[str],
        *,
        staged: set[str] | None = None,
        every: bool = False,
    ) -> None:
        """Rename the staged files into place, then the staged manifest; with ``every``
        (completing a killed build's move), each file of ``hashes`` still staged, and the
        stale files removed too."""
        made: set[Path] = set()
        names = sorted(hashes) if every else sorted(staged or ())
        for name in names:
            source = self.staging / _flat(name)
            if every and not source.exists():
                continue  # moved before the build was killed, or unchanged
            target = self.folder / check_path(name)
            _make_parent(target, name, self.folder, made)
            if target.is_symlink():
                target.unlink()
            os.replace(source, target)
        if (self.staging / MANIFEST).exists():
            os.replace(self.staging / MANIFEST, self.folder / MANIFEST)
        if every:
            self._remove(stale)

    def _remove(self, stale: list[str]) -> int:
        """Remove the files an earlier build wrote and this one did not."""
        root = self.folder.resolve()
        removed = 0
        for name in stale:
            try:
                path = self.folder / check_path(name)
            except BuildError:
                continue
            if path.is_file() and path.resolve().is_relative_to(root):
                with contextlib.suppress(OSError):  # left, not fatal: no page links to it
                    path.unlink()
                    removed += 1
                    _prune(path.parent, root)
        return removed


def _make_parent(target: Path, name: str, folder: Path, made: set[Path]) -> None:
    """Make ``target``'s folder once (``made`` remembers), refusing one that a link leads
    out of the output ``folder`` (the staging folder is inside it)."""
    if target.parent in made:
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    if not target.parent.resolve().is_relative_to(folder.resolve()):
        raise BuildError(f"refusing to write through a link out of the output folder: {name}")
    made.add(target.parent)


def _empty(folder: Path) -> bool:
    """The folder does not exist or holds nothing (but a staging folder)."""
    try:
        with os.scandir(folder) as entries:
            return all(entry.name == STAGING for entry in entries)
    except FileNotFoundError:
        return True
    except OSError:
        return False


def _commit_record(staging: Path) -> tuple[str, list[str]] | None:
    """The ``COMMIT`` record of a staging folder, when whole and its manifest is there
    (staged or already moved): the manifest's hash and the files to remove."""
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
    if _digest_of(manifest) != digest:
        return None
    return digest, [str(name) for name in stale]


def _json_string(text: str) -> str:
    """``text`` as a JSON string, as :func:`json.dumps` writes it (quoted as it is when
    nothing in it needs escaping: most output paths, every hash)."""
    if text.isascii() and text.isprintable() and '"' not in text and "\\" not in text:
        return f'"{text}"'
    return json.dumps(text)


def _flat(name: str) -> str:
    """The staged file of ``name``: one flat folder, no tree to make and remove."""
    return hashlib.sha1(name.encode("utf-8"), usedforsecurity=False).hexdigest()


def sha256_of(path: Path) -> str:
    """A file's SHA-256, read a block at a time (a manifest, or any file of a site)."""
    with open(path, "rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def _digest_of(path: Path) -> str | None:
    try:
        return sha256_of(path)
    except OSError:
        return None


def _same_size(path: Path, size: int) -> bool:
    try:
        return path.stat().st_size == size and not path.is_symlink()
    except OSError:
        return False


def write_site(output: Path, files: dict[str, bytes], *, force: bool = False) -> WriteResult:
    """Write ``files`` (output-relative path -> bytes) and the manifest; remove stale files."""
    return Output(output).write(files, force=force)


def _prune(folder: Path, root: Path) -> None:
    """Remove folders emptied by removing stale files, up to the output folder."""
    while folder.resolve() != root and folder.resolve().is_relative_to(root):
        try:
            folder.rmdir()
        except OSError:
            return
        folder = folder.parent
