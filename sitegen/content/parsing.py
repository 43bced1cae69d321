"""Parse every cable file, on all cores, each file once: the cable store keeps what was
parsed by a hash of the file, so a later build (or another output folder) reads it back."""

from __future__ import annotations

import os
from collections.abc import Callable
from functools import partial

from sitegen.content.cable_store import CableStore, content_key, light, pack
from sitegen.content.discover import Source
from sitegen.content.pool import ForkPool, can_fork
from sitegen.core.limits import MAX_CABLE_BYTES, ContentError, read_limited
from sitegen.core.memory import collector_paused
from sitegen.core.model import Cable
from sitegen.core.progress import progress
from sitegen.parse import parse_bytes
from sitegen.parse.cable import unread

SERIAL_BELOW = 400
"""Fewer cables than this are parsed in this process: a pool costs more than it saves."""
CHUNK = 64
"""Files a worker parses and stores in one transaction."""

Parsed = tuple[bytes, Cable]
"""A cable file read: its cache key and the light cable (the whole one is in the store)."""

Work = tuple[str, str, bool]
"""A file to parse: its path, its name in the site, the repair setting."""


def _parse_one(store: CableStore | None, work: Work) -> tuple[bytes, Cable, bytes | None]:
    """Key, light cable, and the packed whole cable when it was parsed now (None when the
    store had it)."""
    path, name, repair = work
    try:
        data = read_limited(path, MAX_CABLE_BYTES)
    except ContentError as exc:
        marker = f"\x00not read\x00{exc.code}\x00{exc.message}".encode()
        return content_key(name, marker, repair), unread(name, exc), None
    key = content_key(name, data, repair)
    if store is not None:
        known = store.get(key)
        if known is not None:
            return key, light(known), None
    cable = parse_bytes(data, name, repair=repair)
    return key, light(cable), pack(cable)


def _parse_chunk(store: CableStore | None, chunk: list[Work]) -> list[Parsed]:
    """Parse a few files and store what was parsed, in one transaction: each worker writes
    its own results (sqlite serialises the writers), so no text crosses a pipe."""
    done = [_parse_one(store, work) for work in chunk]
    if store is not None:
        store.put([(key, blob) for key, _, blob in done if blob is not None])
    return [(key, cable) for key, cable, _ in done]


def parse_all(
    sources: list[Source], repair: bool, jobs: int | None = None, store: CableStore | None = None
) -> list[Parsed]:
    """Read every cable, from ``store`` when its bytes were parsed before, else with the
    parser, on ``jobs`` processes (default: all cores); same result as one process. What
    was parsed is added to ``store``."""
    work = [(s.path, s.name, repair) for s in sources]
    chunks = [work[i : i + CHUNK] for i in range(0, len(work), CHUNK)]
    jobs = jobs or os.cpu_count() or 1
    task: Callable[[list[Work]], list[Parsed]] = partial(_parse_chunk, store)
    results: list[Parsed] = []
    if jobs <= 1 or len(work) < SERIAL_BELOW or not can_fork():
        for chunk in progress(chunks, len(chunks), "parse", ""):
            results += task(chunk)
        return results
    if store is not None:
        store.close()  # each worker opens its own connection
    with ForkPool(jobs, task) as pool, collector_paused():  # (the workers keep theirs)
        for done in progress(pool.map(chunks), len(chunks), "parse", ""):
            results += done
    if store is not None:
        store.checkpoint()
    return results
