"""Render jobs: the groups of pages a build renders, on all cores when there are many.

Workers are forked copies of the build (they share its archive, planner and templates
without copies) and put the files they make aside themselves; the result is the same as
one process would make.
"""

from __future__ import annotations

import gc
import hashlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

from sitegen.content.cable_store import CableStore
from sitegen.content.pool import ForkPool, can_fork
from sitegen.core.config import Config
from sitegen.core.progress import progress
from sitegen.core.urls import Urls
from sitegen.output.commit import Output
from sitegen.plan.groups import GroupKey, PageKey, Touched
from sitegen.plan.planner import Planner
from sitegen.render import cite
from sitegen.render.feeds import cable_json
from sitegen.render.templates import Renderer

Job = tuple[GroupKey, int | None]
"""A group to render: all its pages (None), or the page of that number."""

Rendered = tuple[Job, dict[str, str], list[str]]
"""A job done: its files and their hashes, and which of them were put aside to write."""

RENDER_BELOW = 400
"""Fewer jobs than this render in this process: a pool costs more than it saves."""
CHUNK = 24
"""Jobs a worker renders per round trip."""


def jobs_of(
    groups: list[GroupKey],
    touched: set[Touched],
    everything: bool,
    rendered: Mapping[GroupKey, object],
) -> list[Job]:
    """The jobs of a build: the groups ``touched`` (all of them for ``everything``) and
    those never rendered in full, then the single pages touched of the other groups."""
    known = set(groups)
    if everything:
        touched = set(known)
    entire = {k for k in touched if k in known} | {k for k in known if k not in rendered}
    jobs: list[Job] = [(key, None) for key in groups if key in entire]
    for one in sorted(k for k in touched if isinstance(k, PageKey)):
        if one.group not in entire and one.group in known:
            jobs.append((one.group, one.number))
    return jobs


@dataclass(slots=True)
class Made:
    """What a build made: each group's files, the other files, what waits to be written."""

    output: Output
    groups: dict[GroupKey, dict[str, str]]
    """The files of each group of pages and their SHA-256."""
    extra: dict[str, str] = field(default_factory=dict)
    """The files that are not pages (feeds, static files, the search bundle) and hashes."""
    staged: set[str] = field(default_factory=set)
    """The files put aside to be moved into place (their bytes changed)."""
    sitemap: list[str] = field(default_factory=list)
    """The HTML pages the sitemap lists."""

    def add(self, extra: dict[str, str | bytes], stage: bool, force: bool) -> None:
        """Add the files that are not pages: those made again (bytes) are hashed and staged
        when changed, the others (hashes) kept."""
        for name, data in extra.items():
            if isinstance(data, bytes):
                self.extra[name], fresh = put(self.output, name, data, stage, force)
                if fresh:
                    self.staged.add(name)
            else:
                self.extra[name] = data

    def files(self) -> dict[str, str]:
        """Every file of the site and its hash, pages first (as the manifest lists them)."""
        out = {name: digest for group in self.groups.values() for name, digest in group.items()}
        return out | self.extra

    def pages(self) -> int:
        return sum(1 for group in self.groups.values() for p in group if p.endswith(".html"))


def put(output: Output, name: str, data: bytes, stage: bool, force: bool) -> tuple[str, bool]:
    """The hash of an output file, staged to be written when ``stage`` and changed."""
    if stage:
        return output.stage(name, data, force=force)
    return hashlib.sha256(data).hexdigest(), False


@dataclass(slots=True)
class PageRenderer:
    """What a job needs to render its pages (the same in every worker)."""

    planner: Planner
    renderer: Renderer
    output: Output
    urls: Urls
    config: Config
    stage: bool
    """Put the files that changed aside to be written (False: only check)."""
    force: bool
    """Write every file, changed or not (a clean build)."""

    def run(self, job: Job) -> Rendered:
        """The files of a group, or of one page of it. A cable's group is its page, its
        JSON and its citation files: they change together."""
        key, page = job
        out: dict[str, str] = {}
        fresh: list[str] = []

        def emit(name: str, data: bytes) -> None:
            out[name], staged = put(self.output, name, data, self.stage, self.force)
            if staged:
                fresh.append(name)

        plans = self.planner.plan_group(key, page)
        if page is not None:
            plans = [p for p in plans if page_number(p.path) == page]
        for plan in plans:
            html = self.renderer.render(plan.template, plan.path, plan.context)
            emit(self.urls.output_file(plan.path), html.encode("utf-8"))
        if key.kind == "cable" and page is None:
            archive, cid = self.planner.archive, key.name
            whole = self.planner.whole(cid)  # the page above asked for it: it is remembered
            emit(self.urls.api_cable(cid), cable_json(archive, cid, self.urls, whole))
            entry = cite.citation_of(archive.cables[cid], cid, self.config, self.urls)
            for name, data in cite.files(entry, self.urls).items():
                emit(name, data)
        return job, out, fresh

    def run_chunk(self, jobs: list[Job]) -> list[Rendered]:
        return [self.run(job) for job in jobs]


def render(
    pages: PageRenderer, jobs: list[Job], workers: int, store: CableStore
) -> Iterator[Rendered]:
    """Render ``jobs`` on ``workers`` processes when there are many (in this one else)."""
    if workers <= 1 or len(jobs) < RENDER_BELOW or not can_fork():
        for job in progress(jobs, len(jobs), "render", "page"):
            yield pages.run(job)
        return
    chunks = [jobs[i : i + CHUNK] for i in range(0, len(jobs), CHUNK)]
    # Read (the manifest) and decided (straight into place or staged) once, here, not in
    # every worker.
    _ = (pages.output.known, pages.output.direct)
    store.close()  # each worker opens its own connection
    gc.collect()
    gc.freeze()  # the workers' copies of the archive stay shared
    with ForkPool(workers, pages.run_chunk) as pool:
        for chunk in progress(pool.map(chunks, ordered=False), len(chunks), "render", ""):
            yield from chunk


def page_number(path: str) -> int:
    """``tag/PREL/page/3/`` -> 3; the first page of a list has no number in its path."""
    parts = path.rstrip("/").split("/")
    return int(parts[-1]) if len(parts) >= 2 and parts[-2] == "page" and parts[-1].isdigit() else 1
