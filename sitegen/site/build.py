"""The build: recover, read, decide, plan, render, write, search, save; read top to
bottom in :meth:`Site._build`. ``watch`` and ``serve`` keep a :class:`Site` alive between
builds, so each rebuild renders only what a change touches (:mod:`.incremental`).

Every file is read and every reference resolved before one page is rendered, and every page
is rendered before one byte is put in place: a failure anywhere leaves the previous site as
it was.
"""

from __future__ import annotations

import gc
import os
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from sitegen.content.archive import Archive
from sitegen.content.cable_store import CableStore
from sitegen.content.reader import Content, ContentReader
from sitegen.core.config import Config
from sitegen.core.diagnostics import Report
from sitegen.core.fingerprint import code_fingerprint
from sitegen.core.model import Cable, Diagnostic
from sitegen.core.urls import Urls
from sitegen.output.commit import Output
from sitegen.output.lock import WriteLock
from sitegen.parse.checks import header_disagreements
from sitegen.plan.groups import GroupKey
from sitegen.plan.kinds import KINDS
from sitegen.plan.planner import Planner, site_context
from sitegen.render.templates import Renderer
from sitegen.site.extras import extra_files, theme_stamps
from sitegen.site.incremental import Change, decide
from sitegen.site.jobs import Job, Made, PageRenderer, jobs_of, render
from sitegen.site.result import BuildResult
from sitegen.site.search_index import SearchIndexer
from sitegen.site.state import SavedState
from sitegen.site.state_store import Header, StateStore
from sitegen.tables.tags import Glossary

TEMPLATES = {kind: page_kind.template for kind, page_kind in KINDS.items()}
"""The template of each kind of group (a change of another template renders everything)."""


class Site:
    """One site across builds: kept in memory by ``watch`` and ``serve``, and its state
    saved in the cache folder so the next ``sitegen build`` starts from it."""

    def __init__(
        self,
        config: Config,
        jobs: int | None = None,
        *,
        persist: bool = True,
        writing: WriteLock | None = None,
    ) -> None:
        self.config = config
        self.jobs = jobs
        self.persist = persist
        """Save the state after every build (``watch`` saves it when it stops instead)."""
        self.urls = Urls(config.pretty_urls)
        self.output = Output(config.output, writing)
        self.store = CableStore(config.cache)
        self.states = StateStore(config.cache)
        self.reader = ContentReader(config, self.store, jobs)
        self.search = SearchIndexer(config, self.urls, self.output, jobs)
        self.state = SavedState()
        """What the last successful build knew (restored from the cache at the first)."""
        self._restored = False
        self._renderer: Renderer | None = None
        self._builds = 0

    # -- the saved state -----------------------------------------------------------------

    def _header(self) -> Header:
        settings = repr(replace(self.config, root=Path(".")))
        signature = (settings, code_fingerprint())
        return Header(self.config.repair_text, signature, self.output.manifest_digest)

    def _restore(self) -> None:
        """Start from the state the last build saved, when it still describes the output
        (same settings and code, the manifest it wrote still there); the parsed cables are
        reused in any case."""
        if self._restored:
            return
        self._restored = True
        restored = self.states.load(self.config.output)
        if restored is None:
            return
        if restored.header.repair == self.config.repair_text:
            self.reader.parsed = restored.state.parsed
        if restored.header != self._header():
            return
        self.state = restored.state
        self.reader.parsed = self.state.parsed
        self.states.resume(restored)
        self.output.adopt(self.state.files())

    def save(self) -> None:
        """Save what the next process needs to build only what changed."""
        if self.state.archive is not None:
            self.states.save(self.config.output, self.state, self._header())

    # -- building ------------------------------------------------------------------------

    def build(
        self,
        *,
        write: bool = True,
        force: bool = False,
        check_headers: bool = False,
        search_later: bool = False,
    ) -> BuildResult:
        """Bring the output up to date with the content; returns what was done.

        ``search_later``: leave the search index to :meth:`finish_search` (the watch loop
        reloads the browser first: indexing a shard takes seconds)."""
        if not write:
            return self._build(False, force, check_headers, search_later)
        with self.output.exclusive():
            return self._build(True, force, check_headers, search_later)

    def _build(
        self, write: bool, force: bool, check_headers: bool, search_later: bool
    ) -> BuildResult:
        start = time.perf_counter()
        recovered = self.output.recover() if write else None  # a killed build's move
        self._restore()  # the last build's state, from the cache the first time
        content, changed = self.reader.read(self.state.archive)  # read, parse, index
        archive, theme = content.archive, theme_stamps(self.config)
        change, touched = decide(self.state, archive, changed, theme, self.config, TEMPLATES)
        if force:
            change = Change(True, "clean build")
        glossary = Glossary(self.config.glossary)
        planner = Planner(archive, self.config, glossary, self._whole_of(archive), self.urls)
        groups = planner.groups()
        jobs = jobs_of(groups, touched, change.everything, self.state.groups)
        try:
            made = self._render(planner, theme, groups, jobs, write, force)
            made.add(self._extras(archive, made, theme, change, changed), write, force)
            written = self.output.commit(made.files(), made.staged) if write else None
            digests = self.state.search
            if write and self.config.search and search_later:
                self.search.due = True  # the watch loop indexes after the reload
            elif write and self.config.search:
                written, digests = self.search.index(
                    archive, made.files(), made.extra, digests, written, force
                )
        except BaseException:
            self.output.discard()  # the previous site stays as it was
            raise
        self._remember(archive, made, theme, digests)
        if write and self.persist and (jobs or self.reader.reread or (written and written.removed)):
            self.save()  # (a build that found nothing to do has nothing new to save)
        self._keep_out_of_collector()
        report = self._report(content, recovered, check_headers, write)
        seconds = time.perf_counter() - start
        return BuildResult(
            len(archive.cables), made.pages(), made.files(), report, written, seconds, len(jobs)
        )

    def _render(
        self,
        planner: Planner,
        theme: dict[str, bytes],
        groups: list[GroupKey],
        jobs: list[Job],
        stage: bool,
        force: bool,
    ) -> Made:
        """Render ``jobs``; the other groups keep the files the last build made."""
        renderer = self._renderer_for(theme, planner.archive)
        pages = PageRenderer(planner, renderer, self.output, self.urls, self.config, stage, force)
        made = Made(self.output, {key: self.state.groups.get(key, {}) for key in groups})
        for (key, page), out, fresh in render(pages, jobs, self._workers(), self.store):
            made.groups[key] = out if page is None else {**made.groups[key], **out}
            made.staged.update(fresh)
        return made

    def _extras(
        self,
        archive: Archive,
        made: Made,
        theme: dict[str, bytes],
        change: Change,
        changed: set[str],
    ) -> dict[str, str | bytes]:
        """The files that are not pages (bytes for those made again)."""
        extra, made.sitemap = extra_files(
            self.config, self.urls, self.output, self.state, archive, made.groups, theme,
            change, changed,
        )  # fmt: skip
        return extra

    def _remember(
        self, archive: Archive, made: Made, theme: dict[str, bytes], digests: dict[str, str]
    ) -> None:
        """The build succeeded: its state becomes the one the next build starts from."""
        self.state = SavedState(
            parsed=self.reader.parsed,
            archive=archive,
            pages_nav=[(p.slug, p.title, p.order) for p in archive.pages],
            page_bodies={p.slug: p.body for p in archive.pages},
            notes={cid: n.body for cid, n in archive.notes.items()},
            theme=theme,
            groups=made.groups,
            extra=made.extra,
            index_cache=self.state.index_cache,
            sitemap_pages=made.sitemap,
            templates={k: v for k, v in theme.items() if k.startswith("templates/")},
            search=digests,
        )
        self.reader.accepted()

    def _report(
        self, content: Content, recovered: str | None, check_headers: bool, write: bool
    ) -> Report:
        """The content's diagnostics, and what the build itself has to say."""
        report = list(content.diagnostics)
        output, cache = self.config.output_dir, self.config.cache_dir
        if self.search.problem:
            report.append(Diagnostic(0, "error", "search", self.search.problem, output))
            self.search.problem = None
        for problems in (self.store.problems, self.states.problems):
            report += [Diagnostic(0, "info", "cache", problem, cache) for problem in problems]
            problems.clear()
        if recovered:
            report.append(Diagnostic(0, "info", "interrupted-build", recovered, output))
        if check_headers:
            for cable in content.cables:
                whole = self.reader.whole(cable)
                report.extend(d.at(cable.source) for d in header_disagreements(whole))
        if not self.config.base_url and write:
            message = "base_url is not set: feed.xml and sitemap.xml hold relative URLs"
            report.append(Diagnostic(0, "info", "no-base-url", message, output))
        return report

    def _whole_of(self, archive: Archive) -> Callable[[str], Cable]:
        """The whole cable of an ID, read once for the page and the JSON that ask in turn."""
        last: list[tuple[str, Cable]] = []

        def whole_of(cid: str) -> Cable:
            if not last or last[0][0] != cid:
                last[:] = [(cid, self.reader.whole(archive.cables[cid]))]
            return last[0][1]

        return whole_of

    def _renderer_for(self, theme: dict[str, bytes], archive: Archive) -> Renderer:
        """The template renderer, made again when a template changed."""
        templates = {k: v for k, v in theme.items() if k.startswith("templates/")}
        if self._renderer is None or templates != self.state.templates:
            self._renderer = Renderer(self.config, {}, self.urls)
        self._renderer.site = site_context(self.config, archive, self.urls)
        return self._renderer

    def _workers(self) -> int:
        return self.jobs or os.cpu_count() or 1

    def _keep_out_of_collector(self) -> None:
        """What this build keeps (parsed cables, page hashes) lives until the next one: out
        of the garbage collector's sight, full collections stay short in watch mode. Every
        50 builds everything is looked at once, so cyclic garbage does not pile up."""
        self._builds += 1
        if self._builds % 50 == 0:
            gc.unfreeze()
            gc.collect()
        gc.freeze()

    # -- the search, when the watch loop indexes after the reload -------------------------

    def finish_search(self) -> None:
        """Index what the last build (``search_later``) left to the search."""
        if not self.search.due or self.state.archive is None:
            return
        self.search.due = False
        with self.output.exclusive():
            _, self.state.search = self.search.index(
                self.state.archive, self.state.files(), self.state.extra, self.state.search,
                None, force=False,
            )  # fmt: skip

    def search_failed(self, message: str) -> None:
        """Report a search index that could not be made with the next build's diagnostics
        (the watch loop indexes after the reload, when this build's report is out)."""
        self.search.problem = message


def build(
    config: Config,
    *,
    write: bool = True,
    clean: bool = False,
    check_headers: bool = False,
    jobs: int | None = None,
) -> BuildResult:
    """Build the site of ``config`` once; with ``write`` false, only check it."""
    return Site(config, jobs).build(write=write, force=clean, check_headers=check_headers)
