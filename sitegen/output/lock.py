"""The two locks of an output folder: one between processes, one between threads.

A build holds the folder's advisory lock (:func:`exclusive`) while it writes, so two builds
into one folder take turns; inside one process, the build holds the :data:`WriteLock` while
files move into place and the preview server takes it to open a file, so it never serves a
half-moved site.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

from sitegen.core.errors import BuildError

fcntl: ModuleType | None
try:
    import fcntl
except ImportError:  # not on Windows: builds into one folder are not kept apart there
    fcntl = None

WriteLock = contextlib.AbstractContextManager[Any]
"""A lock held while files move into place (a :func:`threading.RLock`): a reader that takes
it too, as the preview server does, never sees a half-written site."""


@contextlib.contextmanager
def exclusive(folder: Path) -> Iterator[None]:
    """Held while a build writes ``folder`` (an advisory lock on the folder itself): a second
    build into it waits, and so does the build after one that was killed, until the killed
    build's render workers, which inherit the lock, have finished the chunk they were
    rendering and exited (they would stage stale files into its staging folder otherwise)."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd = os.open(folder, os.O_RDONLY)
    except OSError as exc:
        raise BuildError(
            f"cannot create the output folder {folder}: {exc.strerror or exc}"
        ) from exc
    try:
        if fcntl is not None:
            fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)
