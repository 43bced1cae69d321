"""Load: discover, parse and resolve a site's content into one :class:`Archive`."""

from __future__ import annotations

import multiprocessing
import os
from dataclasses import dataclass, field
from pathlib import Path, PurePath

from sitegen.archive import Archive, MarkdownPage, Note, build_archive
from sitegen.config import Config
from sitegen.discover import Discovered, Source, discover
from sitegen.markdown import split_front_matter
from sitegen.model import Cable, Diagnostic
from sitegen.parse import parse_file
from sitegen.urls import RESERVED, slug

Report = list[tuple[str, Diagnostic]]


@dataclass(slots=True)
class Loaded:
    """The parsed and resolved content of a site."""

    archive: Archive
    cables: list[Cable]
    diagnostics: Report = field(default_factory=list)


def _read(source: Source, report: Report) -> str | None:
    try:
        return Path(source.path).read_bytes().decode("utf-8", errors="replace")
    except OSError as exc:
        report.append(
            (
                source.name,
                Diagnostic(0, "error", "unreadable", f"cannot read file: {exc.strerror or exc}"),
            )
        )
        return None


def _pages(sources: list[Source], report: Report) -> list[MarkdownPage]:
    pages: list[MarkdownPage] = []
    taken: dict[str, str] = {}
    for source in sources:
        text = _read(source, report)
        if text is None:
            continue
        doc = split_front_matter(text)
        report.extend((source.name, d) for d in doc.diagnostics)
        page_slug = slug(doc.meta.get("slug") or PurePath(source.name).stem).lower()
        if page_slug in RESERVED:
            report.append(
                (
                    source.name,
                    Diagnostic(
                        1,
                        "error",
                        "page-slug-taken",
                        f"slug {page_slug!r} is used by the site itself; page skipped",
                    ),
                )
            )
            continue
        if page_slug in taken:
            report.append(
                (
                    source.name,
                    Diagnostic(
                        1,
                        "error",
                        "page-slug-taken",
                        f"slug {page_slug!r} is also {taken[page_slug]}; page skipped",
                    ),
                )
            )
            continue
        taken[page_slug] = source.name
        try:
            order = int(doc.meta.get("order", "0"))
        except ValueError:
            report.append(
                (
                    source.name,
                    Diagnostic(1, "warning", "front-matter", "order must be a whole number"),
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
            report.extend((source.name, d) for d in doc.diagnostics)
            notes.append(Note(source.name, PurePath(source.name).stem.upper(), doc.body))
    return notes


_SERIAL_BELOW = 400  # fewer cables than this are parsed in this process: a pool costs more


def _parse_one(job: tuple[str, str, bool]) -> Cable:
    path, name, repair = job
    return parse_file(path, name, repair=repair)


def parse_all(sources: list[Source], repair: bool, jobs: int | None = None) -> list[Cable]:
    """Parse every cable, on ``jobs`` processes (default: all cores); same result as one."""
    work = [(s.path, s.name, repair) for s in sources]
    jobs = jobs or os.cpu_count() or 1
    if jobs <= 1 or len(work) < _SERIAL_BELOW:
        return [_parse_one(job) for job in work]
    # fork where there is one: no re-import of the caller's __main__ (a script without a
    # main guard still works) and a quick start; spawn elsewhere.
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
    with context.Pool(jobs) as pool:
        return pool.map(_parse_one, work, chunksize=max(1, len(work) // (jobs * 8)))


def load_content(config: Config, found: Discovered, cables: list[Cable]) -> Loaded:
    """Resolve parsed ``cables`` with the pages and notes of ``found`` into the archive."""
    report: Report = list(found.problems)
    if not config.content.is_dir():
        report.append(
            (
                config.content_dir,
                Diagnostic(0, "warning", "no-content", "the content folder does not exist"),
            )
        )
    for cable in cables:
        report.extend((cable.source, d) for d in cable.diagnostics)
    archive = build_archive(cables, _notes(found.notes, report), _pages(found.pages, report))
    report.extend(archive.diagnostics)
    return Loaded(archive, cables, report)


def load(config: Config, jobs: int | None = None) -> Loaded:
    """Discover, parse and resolve every content file of the site."""
    found = discover(config.content, config.root)
    return load_content(config, found, parse_all(found.cables, config.repair_text, jobs))
