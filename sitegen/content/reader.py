"""Load: discover, parse and resolve a site's content into one :class:`Archive`."""

from __future__ import annotations

import gc
import multiprocessing
import os
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any

from sitegen.content.archive import Archive, MarkdownPage, Note, build_archive
from sitegen.content.cable_store import Cache, content_key, light, pack
from sitegen.content.discover import Discovered, Source
from sitegen.core.config import Config
from sitegen.core.diagnostics import Report
from sitegen.core.limits import MAX_CABLE_BYTES, MAX_MARKDOWN_BYTES, ContentError, read_limited
from sitegen.core.memory import collector_paused
from sitegen.core.model import Cable, Diagnostic
from sitegen.core.progress import progress
from sitegen.core.urls import RESERVED, slug
from sitegen.parse import parse_bytes
from sitegen.parse.cable import unread
from sitegen.parse.source import decode
from sitegen.render.markdown import split_front_matter


@dataclass(slots=True)
class Loaded:
    """The parsed and resolved content of a site."""

    archive: Archive
    cables: list[Cable]
    diagnostics: Report = field(default_factory=list)


def _read(source: Source, report: Report) -> str | None:
    """A page or note's text; None (reported) when it cannot be read within the limits."""
    try:
        data = read_limited(source.path, MAX_MARKDOWN_BYTES)
    except ContentError as exc:
        report.append(Diagnostic(0, "error", exc.code, exc.message, source.name))
        return None
    text, problems = decode(data)
    report.extend(d.at(source.name) for d in problems)
    return text


def _pages(sources: list[Source], report: Report) -> list[MarkdownPage]:
    pages: list[MarkdownPage] = []
    taken: dict[str, str] = {}
    for source in sources:
        text = _read(source, report)
        if text is None:
            continue
        doc = split_front_matter(text)
        report.extend(d.at(source.name) for d in doc.diagnostics)
        page_slug = slug(doc.meta.get("slug") or PurePath(source.name).stem).lower()
        if page_slug in RESERVED:
            report.append(
                Diagnostic(
                    1,
                    "error",
                    "page-slug-taken",
                    f"slug {page_slug!r} is used by the site itself; page skipped",
                    source.name,
                )
            )
            continue
        if page_slug in taken:
            report.append(
                Diagnostic(
                    1,
                    "error",
                    "page-slug-taken",
                    f"slug {page_slug!r} is also {taken[page_slug]}; page skipped",
                    source.name,
                )
            )
            continue
        taken[page_slug] = source.name
        try:
            order = int(doc.meta.get("order", "0"))
        except ValueError:
            report.append(
                Diagnostic(
                    1, "warning", "front-matter", "order must be a whole number", source.name
                )
            )
            order = 0
        title = doc.meta.get("title") or PurePath(source.name).stem.replace("-", " ").capitalize()
        pages.append(
            MarkdownPage(
                source.name,
                page_slug,
                title,
                doc.body,
                order,
                doc.meta.get("date"),
                doc.meta.get("description"),
            )
        )
    return pages


def _notes(sources: list[Source], report: Report) -> list[Note]:
    notes = []
    for source in sources:
        text = _read(source, report)
        if text is not None:
            doc = split_front_matter(text)
            report.extend(d.at(source.name) for d in doc.diagnostics)
            notes.append(Note(source.name, PurePath(source.name).stem.upper(), doc.body))
    return notes


_SERIAL_BELOW = 400  # fewer cables than this are parsed in this process: a pool costs more

Parsed = tuple[bytes, Cable]
"""A cable file read: its cache key and the light cable (the whole one is in the cache)."""

_WORKER_CACHE: Cache | None = None
_CHUNK = 64


def _parse_one(job: tuple[str, str, bool]) -> tuple[bytes, Cable, bytes | None]:
    """Key, light cable, and the packed whole cable when it was parsed now (None when the
    cache had it)."""
    path, name, repair = job
    try:
        data = read_limited(path, MAX_CABLE_BYTES)
    except ContentError as exc:
        marker = f"\x00not read\x00{exc.code}\x00{exc.message}".encode()
        return content_key(name, marker, repair), unread(name, exc), None
    key = content_key(name, data, repair)
    if _WORKER_CACHE is not None:
        known = _WORKER_CACHE.get(key)
        if known is not None:
            return key, light(known), None
    cable = parse_bytes(data, name, repair=repair)
    return key, light(cable), pack(cable)


def _parse_chunk(jobs: list[tuple[str, str, bool]]) -> list[Parsed]:
    """Parse a few files and store what was parsed, in one transaction: each worker writes
    its own results (sqlite serialises the writers), so no text crosses a pipe."""
    done = [_parse_one(job) for job in jobs]
    if _WORKER_CACHE is not None:
        _WORKER_CACHE.put([(key, blob) for key, _, blob in done if blob is not None])
    return [(key, cable) for key, cable, _ in done]


def parse_all(
    sources: list[Source], repair: bool, jobs: int | None = None, store: Cache | None = None
) -> list[Parsed]:
    """Read every cable, from ``store`` when its bytes were parsed before, else with the
    parser, on ``jobs`` processes (default: all cores); same result as one process. What
    was parsed is added to ``store``."""
    global _WORKER_CACHE
    work = [(s.path, s.name, repair) for s in sources]
    chunks = [work[i : i + _CHUNK] for i in range(0, len(work), _CHUNK)]
    jobs = jobs or os.cpu_count() or 1
    _WORKER_CACHE = store
    results: list[Parsed] = []
    try:
        if jobs <= 1 or len(work) < _SERIAL_BELOW:
            for chunk in progress(chunks, len(chunks), "parse", ""):
                results += _parse_chunk(chunk)
        else:
            if store is not None:
                store.close()  # each worker opens its own connection
            with fork_pool(jobs) as pool, collector_paused():  # (the workers keep theirs)
                for done in progress(pool.imap(_parse_chunk, chunks), len(chunks), "parse", ""):
                    results += done
            if store is not None:
                store.checkpoint()
    finally:
        _WORKER_CACHE = None
    return results


def fork_pool(jobs: int) -> Any:
    """A process pool whose workers start as copies of this process (fork where there is
    one: no re-import of the caller's ``__main__``, and what this process built is shared
    instead of sent); spawn elsewhere."""
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
    # A worker collects garbage as usual, even when forked while this process paused that.
    return context.Pool(jobs, initializer=gc.enable)


def load_content(
    config: Config, found: Discovered, cables: list[Cable], previous: Archive | None = None
) -> Loaded:
    """Resolve parsed ``cables`` with the pages and notes of ``found`` into the archive.

    ``previous``: the archive of the same ``cables`` (the caller knows none changed); it is
    kept when the notes and pages are the same too, instead of indexing everything again."""
    report: Report = list(found.problems)
    if not config.content.is_dir():
        report.append(
            Diagnostic(
                0, "warning", "no-content", "the content folder does not exist", config.content_dir
            )
        )
    for cable in cables:
        report.extend(cable.diagnostics)
    notes, pages = _notes(found.notes, report), _pages(found.pages, report)
    if (
        previous is not None
        and sorted(pages, key=lambda p: (p.order, p.slug)) == previous.pages
        and {n.cable_id: n for n in notes} == previous.notes
        and len(notes) == len(previous.notes)
    ):
        archive = previous
    else:
        with collector_paused():
            archive = build_archive(cables, notes, pages)
    report.extend(archive.diagnostics)
    return Loaded(archive, cables, report)
