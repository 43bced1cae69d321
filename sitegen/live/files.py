"""Which file of the output folder a request names, opened without ever leaving it.

A request target is decoded once, strictly (UTF-8, so overlong forms fail; NUL, control
characters, backslashes and ``:`` refused), and no segment may start with a dot: ``..``, the
build's ``.sitegen-staging``, temporary files and ``.git`` are never served. Folders the
caller names private (the cache and the content, should they lie inside the output) are
refused too. The file is then opened one segment at a time from the output folder with
``O_NOFOLLOW``, so a symbolic link is never followed, not even to a file inside the output:
the build never writes one, and a link put there by hand is not served, whatever a static
host would do with it. Only a regular file is read (a FIFO or a device never blocks a
thread). A folder is never listed; named without its slash it is redirected to it, so the
page's relative links work.
"""

from __future__ import annotations

import mimetypes
import os
import stat
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import BinaryIO, NamedTuple
from urllib.parse import quote, unquote_to_bytes, urlsplit

TYPES = {
    ".html": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".mjs": "text/javascript; charset=utf-8",
    ".json": "application/json",
    ".xml": "application/xml",
    ".svg": "image/svg+xml",
    ".txt": "text/plain; charset=utf-8",
    ".bib": "application/x-bibtex; charset=utf-8",
    ".ris": "application/x-research-info-systems; charset=utf-8",
    ".png": "image/png",
    ".ico": "image/x-icon",
    ".woff2": "font/woff2",
    ".wasm": "application/wasm",
}

_OPEN = (
    os.O_RDONLY
    | getattr(os, "O_NOFOLLOW", 0)
    | getattr(os, "O_NONBLOCK", 0)  # a FIFO opens at once (and is then refused)
    | getattr(os, "O_CLOEXEC", 0)
    | getattr(os, "O_BINARY", 0)
)
_WALK = os.open in os.supports_dir_fd and hasattr(os, "O_NOFOLLOW")
"""Open segment by segment with ``O_NOFOLLOW`` (POSIX); elsewhere a resolved path that
differs from the path asked (a link on the way) is refused."""


class File(NamedTuple):
    """An open file of the output folder and its name (its suffix gives its type)."""

    handle: BinaryIO
    name: str


class Redirect(NamedTuple):
    """A folder named without its slash: where to send the browser."""

    location: str


def target_path(target: str) -> tuple[tuple[str, ...], bool] | None:
    """The path segments a request target names, and whether it ends with a slash; None when
    it is refused (not a path, not UTF-8, a control character, a backslash, a colon, or a
    segment starting with a dot)."""
    if target.startswith(("http://", "https://")):  # the absolute form a proxy sends
        try:
            target = urlsplit(target).path or "/"
        except ValueError:
            return None
    if not target.startswith("/"):
        return None
    raw = target.split("?", 1)[0].split("#", 1)[0]
    try:  # raw bytes and %-escapes alike are UTF-8, decoded once
        path = unquote_to_bytes(raw.encode("latin-1")).decode("utf-8")
    except UnicodeError:
        return None
    if any(char < " " or char == "\x7f" or char in "\\:" for char in path):
        return None
    parts = tuple(part for part in path.split("/") if part)
    if any(part.startswith(".") for part in parts):
        return None
    return parts, path.endswith("/")


def open_request(
    root: Path, target: str, private: Iterable[tuple[str, ...]] = ()
) -> File | Redirect | None:
    """The file a request target names inside ``root`` (open: the caller closes it), a
    redirect for a folder named without its slash, or None (missing or refused).
    ``private``: folders inside ``root``, as segments, never served."""
    named = target_path(target)
    if named is None:
        return None
    parts, slash = named
    folded = tuple(part.casefold() for part in parts)  # a case-insensitive disk, too
    if any(folded[: len(p)] == tuple(s.casefold() for s in p) for p in private):
        return None
    if slash or not parts:
        return _regular(_open(root, (*parts, "index.html")), "index.html")
    fd = _open(root, parts)
    if fd is None:
        return None
    if not stat.S_ISDIR(os.fstat(fd).st_mode):
        return _regular(fd, parts[-1])
    os.close(fd)
    index = _regular(_open(root, (*parts, "index.html")), "index.html")
    if index is None:
        return None
    index.handle.close()
    query = target.partition("?")[2]
    location = "/" + "/".join(quote(part) for part in parts) + "/"
    return Redirect(location + ("?" + quote(query, safe="=&;+%/?:@,!*'()~") if query else ""))


def _open(root: Path, parts: Sequence[str]) -> int | None:
    """A descriptor of ``root/parts`` reached without following a link, or None."""
    if not _WALK:
        path = root.resolve().joinpath(*parts)
        try:
            if path.resolve() != path:
                return None
            return os.open(path, _OPEN)
        except OSError:
            return None
    try:
        fd = os.open(root, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | os.O_CLOEXEC)
    except OSError:
        return None
    try:
        for part in parts:
            inner = os.open(part, _OPEN, dir_fd=fd)
            os.close(fd)
            fd = inner
    except OSError:
        os.close(fd)
        return None
    return fd


def _regular(fd: int | None, name: str) -> File | None:
    """``fd`` as a file when it is a regular file; otherwise closed (a folder, a FIFO...)."""
    if fd is None:
        return None
    if stat.S_ISREG(os.fstat(fd).st_mode):
        return File(os.fdopen(fd, "rb"), name)
    os.close(fd)
    return None


def content_type(name: str) -> str:
    """The Content-Type of a file by its suffix (the table first: the system's guesses vary)."""
    suffix = os.path.splitext(name)[1].lower()
    return TYPES.get(suffix) or mimetypes.guess_type(name)[0] or "application/octet-stream"


def segments_inside(root: Path, folder: Path) -> tuple[str, ...] | None:
    """``folder``'s segments below ``root``, or None when it is not inside."""
    try:
        return folder.resolve().relative_to(root.resolve()).parts
    except ValueError:
        return None
