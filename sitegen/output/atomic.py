"""Atomic files: a path checked to stay inside the output, and a file replaced whole.

A reader (a browser, a mirror, the next build) sees a file's old bytes or its new ones,
never half of each: new bytes go to a temporary file beside the target, renamed over it.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path, PurePosixPath
from typing import BinaryIO

from sitegen.core.errors import BuildError


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
