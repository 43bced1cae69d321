"""Write: the rendered site into the output folder, one atomic file at a time.

Nothing is written before every page has rendered, so a failed build leaves the previous
output as it was. Each file is written to a temporary name and renamed over the old one;
files whose bytes did not change are not touched. Files the previous build wrote (listed in
its ``manifest.json``) and this one did not are removed; nothing else is ever deleted.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from sitegen.errors import BuildError
from sitegen.urls import Urls

MANIFEST = Urls.manifest
WRITING = threading.RLock()
"""Held while a build writes: the preview server takes it to read, so no request ever sees
a half-written site."""


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


def _write_atomic(target: Path, data: bytes) -> None:
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        with open(tmp, "wb") as handle:
            handle.write(data)
        os.replace(tmp, target)
    except OSError:
        tmp.unlink(missing_ok=True)
        raise


class Output:
    """The output folder and what this process knows it holds (file -> SHA-256).

    What is known comes from the previous build's ``manifest.json``, then from this
    process's own writes, so a build compares hashes instead of reading every file back.
    """

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.known: dict[str, str] = _previous(folder)
        self._lines: dict[str, str] = {}

    def _manifest(self, hashes: dict[str, str]) -> bytes:
        """``manifest.json``, one file per line so it diffs well; the line of a file is made
        once and kept while its hash stays (a large site's manifest is rewritten often)."""
        lines = self._lines
        for name in [n for n in lines if n not in hashes]:
            del lines[name]
        for name, digest in hashes.items():
            line = lines.get(name)
            if line is None or not line.endswith(f'"{digest}"'):
                lines[name] = f"{json.dumps(name)}:{json.dumps(digest)}"
        body = ",\n".join(lines[name] for name in sorted(lines))
        return ('{"files":{' + body + '},"generator":"sitegen"}\n').encode("utf-8")

    def write(
        self, files: dict[str, bytes], *, touched: set[str] | None = None, force: bool = False
    ) -> WriteResult:
        """Make the folder hold exactly ``files`` (plus files sitegen never wrote).

        ``touched``: the paths that may have changed since this object's last write (None:
        any may have). Files are written atomically and only when their bytes differ.
        """
        with WRITING:
            return self._write(files, touched, force)

    def _write(self, files: dict[str, bytes], touched: set[str] | None, force: bool) -> WriteResult:
        for name in files if touched is None else touched:
            check_path(name)
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise BuildError(
                f"cannot create the output folder {self.folder}: {exc.strerror or exc}"
            ) from exc
        root = self.folder.resolve()
        hashes = dict(self.known)
        written = unchanged = 0
        candidates = sorted(files) if touched is None else sorted(touched & set(files))
        try:
            for name in candidates:
                data = files[name]
                digest = hashlib.sha256(data).hexdigest()
                target = self.folder / name
                if not force and hashes.get(name) == digest and _same_size(target, len(data)):
                    unchanged += 1
                    continue
                target.parent.mkdir(parents=True, exist_ok=True)
                if not target.parent.resolve().is_relative_to(root):
                    raise BuildError(
                        f"refusing to write through a link out of the output folder: {name}"
                    )
                if target.is_symlink():
                    target.unlink()
                _write_atomic(target, data)
                hashes[name] = digest
                written += 1
            if touched is not None:
                unchanged += len(files) - len(candidates)
            stale = sorted(set(self.known) - set(files) - {MANIFEST})
            for name in stale:
                hashes.pop(name, None)
            _write_atomic(self.folder / MANIFEST, self._manifest(hashes))
        except OSError as exc:
            raise BuildError(
                f"cannot write the site to {self.folder}: {exc.strerror or exc}"
            ) from exc
        self.known = hashes
        removed = 0
        for name in stale:
            try:
                path = self.folder / check_path(name)
            except BuildError:
                continue
            if path.is_file() and path.resolve().is_relative_to(root):
                path.unlink()
                removed += 1
                _prune(path.parent, root)
        return WriteResult(written, unchanged, removed)


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
