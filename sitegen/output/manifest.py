"""The manifest: ``manifest.json``, every file a build wrote and its SHA-256.

One parser (:func:`parse_manifest`) and two policies over it: a build reads the previous
manifest with :func:`known_files`, where a damaged one only means nothing is known (every
file is compared again), and ``sitegen verify`` with :func:`read_manifest`, where it is an
error the user must see and where a name that leaves the folder is refused (verify opens
what the manifest names; a build checks each name where it uses one). The writer,
:class:`ManifestWriter`, keeps the line of each file between builds.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from sitegen.core.errors import BuildError, ConfigError
from sitegen.core.urls import Urls
from sitegen.output.atomic import check_path

MANIFEST = Urls.manifest

_NOT_A_MANIFEST = "not a sitegen manifest (no files with SHA-256 hashes)"


def parse_manifest(text: str, path: Path) -> dict[str, str]:
    """The files and hashes of the manifest ``text`` (read from ``path``, for the
    messages): a :class:`BuildError` when it is not JSON or lists no files with SHA-256
    hashes."""
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise BuildError(f"{path}: the manifest cannot be read: {exc}") from exc
    files = data.get("files") if isinstance(data, dict) else None
    if not isinstance(files, dict) or not all(
        isinstance(k, str) and isinstance(v, str) and len(v) == 64 for k, v in files.items()
    ):
        raise BuildError(f"{path}: {_NOT_A_MANIFEST}")
    return dict(files)


def read_manifest(folder: Path) -> dict[str, str]:
    """The manifest's files and hashes; a clear error when it is missing or malformed."""
    path = folder / MANIFEST
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as exc:  # not a site: a usage error, not a damaged copy
        raise ConfigError(f"{path}: no manifest (is this a site built by sitegen?)") from exc
    except (OSError, ValueError) as exc:
        raise BuildError(f"{path}: the manifest cannot be read: {exc}") from exc
    files = parse_manifest(text, path)
    for name in files:
        check_path(name)  # a manifest naming "../x" is refused, never followed
    return files


def known_files(folder: Path) -> dict[str, str]:
    """The files and hashes the manifest of ``folder`` lists; nothing when it is missing or
    damaged (a build then compares every file, and removes none as stale)."""
    try:
        return parse_manifest((folder / MANIFEST).read_text(encoding="utf-8"), folder / MANIFEST)
    except (OSError, ValueError, BuildError):
        return {}


class ManifestWriter:
    """Writes ``manifest.json``, one file per line so it diffs well; the line of a file is
    made once and kept while its hash stays (a large site's manifest is rewritten often)."""

    def __init__(self) -> None:
        self._lines: dict[str, str] = {}

    def forget(self) -> None:
        """Drop the kept lines (the folder changed under them)."""
        self._lines = {}

    def render(self, hashes: dict[str, str]) -> bytes:
        """The manifest of ``hashes`` (output path -> SHA-256)."""
        lines = self._lines
        for name in [n for n in lines if n not in hashes]:
            del lines[name]
        for name, digest in hashes.items():
            line = lines.get(name)
            if line is None or not line.endswith(f'"{digest}"'):
                lines[name] = f"{_json_string(name)}:{_json_string(digest)}"
        body = ",\n".join(lines[name] for name in sorted(lines))
        return ('{"files":{' + body + '},"generator":"sitegen"}\n').encode("utf-8")


def _json_string(text: str) -> str:
    """``text`` as a JSON string, as :func:`json.dumps` writes it (quoted as it is when
    nothing in it needs escaping: most output paths, every hash)."""
    if text.isascii() and text.isprintable() and '"' not in text and "\\" not in text:
        return f'"{text}"'
    return json.dumps(text)


def sha256_of(path: Path) -> str:
    """A file's SHA-256, read a block at a time (a manifest, or any file of a site)."""
    with open(path, "rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def digest_of(path: Path) -> str | None:
    """The SHA-256 of ``path``, or None when it cannot be read (no manifest yet)."""
    try:
        return sha256_of(path)
    except OSError:
        return None
