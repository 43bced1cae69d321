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
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from sitegen.errors import BuildError
from sitegen.urls import Urls

MANIFEST = Urls.manifest


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


def manifest_bytes(files: dict[str, bytes]) -> bytes:
    """``manifest.json``: every file of the site with its SHA-256, for mirrors to verify."""
    entries = {name: hashlib.sha256(data).hexdigest() for name, data in sorted(files.items())}
    data = {"generator": "sitegen", "files": entries}
    return (json.dumps(data, indent=1, sort_keys=True) + "\n").encode("utf-8")


def _previous(output: Path) -> set[str]:
    try:
        data = json.loads((output / MANIFEST).read_text(encoding="utf-8"))
        return {str(name) for name in data.get("files", {})}
    except (OSError, ValueError, AttributeError):
        return set()


def _write_atomic(target: Path, data: bytes) -> None:
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        with open(tmp, "wb") as handle:
            handle.write(data)
        os.replace(tmp, target)
    except OSError:
        tmp.unlink(missing_ok=True)
        raise


def write_site(output: Path, files: dict[str, bytes], *, force: bool = False) -> WriteResult:
    """Write ``files`` (output-relative path -> bytes) and the manifest; remove stale files.

    Unchanged files are left alone unless ``force``."""
    for name in files:
        check_path(name)
    try:
        output.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise BuildError(
            f"cannot create the output folder {output}: {exc.strerror or exc}"
        ) from exc
    root = output.resolve()
    previous = _previous(output)
    written = unchanged = 0
    try:
        for name in sorted(files):
            target = output / name
            target.parent.mkdir(parents=True, exist_ok=True)
            if not target.parent.resolve().is_relative_to(root):
                raise BuildError(
                    f"refusing to write through a link out of the output folder: {name}"
                )
            data = files[name]
            try:
                if (
                    not force
                    and target.is_file()
                    and not target.is_symlink()
                    and target.read_bytes() == data
                ):
                    unchanged += 1
                    continue
            except OSError:
                pass
            if target.is_symlink():
                target.unlink()
            _write_atomic(target, data)
            written += 1
        _write_atomic(output / MANIFEST, manifest_bytes(files))
    except OSError as exc:
        raise BuildError(f"cannot write the site to {output}: {exc.strerror or exc}") from exc
    removed = 0
    for name in sorted(previous - set(files) - {MANIFEST}):
        try:
            path = output / check_path(name)
        except BuildError:
            continue
        if path.is_file() and path.resolve().is_relative_to(root):
            path.unlink()
            removed += 1
            _prune(path.parent, root)
    return WriteResult(written, unchanged, removed)


def _prune(folder: Path, root: Path) -> None:
    """Remove folders emptied by removing stale files, up to the output folder."""
    while folder.resolve() != root and folder.resolve().is_relative_to(root):
        try:
            folder.rmdir()
        except OSError:
            return
        folder = folder.parent
