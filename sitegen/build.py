"""The build, read top to bottom: discover, parse, index and resolve, plan, render, write.

Every file is read and every reference resolved before one page is rendered, and every page
is rendered before one byte is written: a failure anywhere leaves the previous site as it
was. ``watch`` and ``serve`` reuse these functions.
"""

from __future__ import annotations

import multiprocessing
import os
import time
from dataclasses import dataclass, field
from pathlib import Path, PurePath

from sitegen.archive import Archive, MarkdownPage, Note, build_archive
from sitegen.checks import header_disagreements
from sitegen.config import Config
from sitegen.discover import Source, discover
from sitegen.feeds import atom_feed, cable_json, index_json, robots, sitemap
from sitegen.glossary import Glossary
from sitegen.markdown import split_front_matter
from sitegen.model import Cable, Diagnostic
from sitegen.parse import parse_file
from sitegen.render import Renderer, theme_folders
from sitegen.urls import RESERVED, Urls, slug
from sitegen.views import Planner
from sitegen.write import WriteResult, write_site

Report = list[tuple[str, Diagnostic]]


@dataclass(slots=True)
class Loaded:
    """The parsed and resolved content of a site."""

    archive: Archive
    cables: list[Cable]
    diagnostics: Report = field(default_factory=list)


@dataclass(slots=True)
class BuildResult:
    cables: int
    pages: int
    files: dict[str, bytes]
    diagnostics: Report
    written: WriteResult | None
    seconds: float


def _read(source: Source, report: Report) -> str | None:
    try:
        return source.path.read_bytes().decode("utf-8", errors="replace")
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


def _parse_one(job: tuple[Path, str, bool]) -> Cable:
    path, name, repair = job
    return parse_file(path, name, repair=repair)


def parse_all(sources: list[Source], repair: bool, jobs: int | None = None) -> list[Cable]:
    """Parse every cable, on ``jobs`` processes (default: all cores); same result as one."""
    work = [(s.path, s.name, repair) for s in sources]
    jobs = jobs or os.cpu_count() or 1
    if jobs <= 1 or len(work) < _SERIAL_BELOW:
        return [_parse_one(job) for job in work]
    with multiprocessing.get_context("spawn").Pool(jobs) as pool:
        return pool.map(_parse_one, work, chunksize=max(1, len(work) // (jobs * 8)))


def load(config: Config, jobs: int | None = None) -> Loaded:
    """Discover, parse and resolve every content file of the site."""
    found = discover(config.content, config.root)
    report: Report = list(found.problems)
    if not config.content.is_dir():
        report.append(
            (
                config.content_dir,
                Diagnostic(0, "warning", "no-content", "the content folder does not exist"),
            )
        )
    cables = parse_all(found.cables, config.repair_text, jobs)
    for cable in cables:
        report.extend((cable.source, d) for d in cable.diagnostics)
    archive = build_archive(cables, _notes(found.notes, report), _pages(found.pages, report))
    report.extend(archive.diagnostics)
    return Loaded(archive, cables, report)


def site_context(config: Config, archive: Archive) -> dict[str, object]:
    """What every template gets as ``site``."""
    urls = Urls(config.pretty_urls)
    nav = [
        {"title": "Timeline", "path": urls.timeline},
        {"title": "Tags", "path": urls.tags},
        {"title": "Origins", "path": urls.origins},
        {"title": "Classifications", "path": urls.classifications},
        {"title": "Missing", "path": urls.unresolved},
    ]
    nav += [{"title": p.title, "path": urls.page(p.slug)} for p in archive.pages]
    return {
        "title": config.title,
        "description": config.description,
        "base_url": config.base_url,
        "language": config.language,
        "nav": nav,
        "home": urls.home,
        "feed": urls.feed,
        "api": urls.api_index,
        "css": urls.static("style.css"),
        "icon": urls.static("favicon.svg"),
        "cables": len(archive.cables),
    }


def _static_files(config: Config) -> dict[str, bytes]:
    """The theme's ``static/`` files, the site's theme over the default."""
    files: dict[str, bytes] = {}
    for folder in reversed(theme_folders(config)):
        static = folder / "static"
        if not static.is_dir():
            continue
        for path in sorted(static.rglob("*")):
            if path.is_file() and not path.is_symlink() and not path.name.startswith("."):
                files["static/" + path.relative_to(static).as_posix()] = path.read_bytes()
    return files


def render_site(config: Config, loaded: Loaded) -> tuple[dict[str, bytes], int]:
    """Every output file of the site, in memory: (path -> bytes, number of HTML pages)."""
    archive = loaded.archive
    urls = Urls(config.pretty_urls)
    planner = Planner(archive, config, Glossary(config.glossary))
    renderer = Renderer(config, site_context(config, archive))
    files: dict[str, bytes] = {}
    plans = planner.plan()
    for plan in plans:
        files[urls.output_file(plan.path)] = renderer.render(
            plan.template, plan.path, plan.context
        ).encode("utf-8")
    for cid in archive.cables:
        files[urls.api_cable(cid)] = cable_json(archive, cid, urls)
    files[urls.api_index] = index_json(archive, urls)
    files[urls.feed] = atom_feed(archive, config, urls)
    files[urls.sitemap] = sitemap([p.path for p in plans if p.path != urls.not_found], config, urls)
    files[urls.robots] = robots(config, urls)
    files.update(_static_files(config))
    return files, len(plans)


def build(
    config: Config,
    *,
    write: bool = True,
    clean: bool = False,
    check_headers: bool = False,
    jobs: int | None = None,
) -> BuildResult:
    """Build the site of ``config``; with ``write`` false, only check it (``check_headers``:
    also report where a metadata header disagrees with what the text says)."""
    start = time.perf_counter()
    loaded = load(config, jobs)
    report = list(loaded.diagnostics)
    if check_headers:
        for cable in loaded.cables:
            report.extend((cable.source, d) for d in header_disagreements(cable))
    if not config.base_url and write:
        report.append(
            (
                str(Path(config.output_dir)),
                Diagnostic(
                    0,
                    "info",
                    "no-base-url",
                    "base_url is not set: feed.xml and sitemap.xml hold relative URLs",
                ),
            )
        )
    files, pages = render_site(config, loaded)
    written = write_site(config.output, files, force=clean) if write else None
    return BuildResult(
        len(loaded.archive.cables), pages, files, report, written, time.perf_counter() - start
    )
