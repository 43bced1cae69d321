"""The limits that keep a build bounded whatever its content holds (``docs/internals.md``,
"Limits"), and the one function that reads a content file within them.

Content is untrusted text: a file may be huge, binary, a named pipe or a device, or be
replaced while the build runs. Every content file is read here: only a regular file, opened
without blocking, at most its limit read (a file that grows while it is read is still cut
there), so one file can cost neither unbounded time nor unbounded memory.
"""

from __future__ import annotations

import os
import stat

MAX_CABLE_BYTES = 4 * 1024 * 1024
"""A cable file larger than this is refused unread (the largest real cables are tens of
kilobytes; the parser reads about a megabyte a second on one core at worst)."""
MAX_MARKDOWN_BYTES = 256 * 1024
"""A Markdown page or note larger than this is refused unread (markdown-it renders some
inputs, such as thousands of nested brackets, at tens of microseconds a byte)."""
MAX_TAGS = 100
"""TAGS codes kept per cable (real cables have fewer than 40): each code is a page, so a
longer list would let one file make thousands of pages."""
MAX_REFERENCES = 500
"""REF entries kept per cable (real cables have fewer than 60)."""
MAX_SEGMENT = 64
"""Characters at most of a path segment made from content (a tag, a page slug, a
classification); file systems refuse names over 255 bytes."""


class ContentError(Exception):
    """A content file that cannot be read within the limits; ``code`` is the diagnostic's."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def read_limited(path: str, limit: int) -> bytes:
    """The bytes of the regular file at ``path``, at most ``limit`` of them, or
    :class:`ContentError` (``unreadable``, ``not-a-file``, ``too-large``)."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    except OSError as exc:
        raise ContentError("unreadable", f"cannot read file: {exc.strerror or exc}") from exc
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise ContentError("not-a-file", "not a regular file (a pipe, a device...): not read")
        if info.st_size > limit:
            raise ContentError("too-large", _too_large(info.st_size, limit))
        chunks: list[bytes] = []
        size = 0
        while size <= limit:
            chunk = os.read(fd, min(1 << 20, limit + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        if size > limit:
            raise ContentError("too-large", _too_large(size, limit))
        return b"".join(chunks)
    except OSError as exc:
        raise ContentError("unreadable", f"cannot read file: {exc.strerror or exc}") from exc
    finally:
        os.close(fd)


def _too_large(size: int, limit: int) -> str:
    return f"{_mb(size)} is more than the {_mb(limit)} a file may hold: not read"


def _mb(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):,.1f} MiB"
    return f"{size / 1024:,.0f} KiB"
