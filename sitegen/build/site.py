"""The build: discover, parse, index and resolve, plan, render, write, read top to bottom in
:meth:`Site.build`; ``watch`` and ``serve`` keep a :class:`Site` alive between builds.

Every file is read and every reference resolved before one page is rendered, and every page
is rendered before one byte is written: a failure anywhere leaves the previous site as it
was.

A site kept in memory between builds re-renders only the pages a change touches.
The first build parses and renders everything. Later builds re-read only the files whose
size or modification time changed, re-index the archive (cheap), and re-render the groups of
pages that depend on what changed: a changed cable's own page, the pages of the cables it
cites and that cite it (before and after the change), its neighbours, its tags, origin,
classification, year and month, and the site-wide indexes. A changed template re-renders
the pages made from it; a changed page title, a changed set of cables seen by Markdown
pages, or a changed tag slug re-renders more, as explained where each is detected. The
test of all this is that the output always equals a clean full build.
"""

from __future__ import annotations

import gc
import hashlib
import os
import shutil
import time
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, cast

from sitegen.build import state_codec as saved_state
from sitegen.content.archive import Archive, replaced
from sitegen.content.cable_store import Cache, light
from sitegen.content.discover import Source, discover
from sitegen.content.reader import Loaded, fork_pool, load_content, parse_all
from sitegen.core.config import Config
from sitegen.core.diagnostics import Report
from sitegen.core.errors import BuildError
from sitegen.core.fingerprint import code_fingerprint
from sitegen.core.memory import collector_paused
from sitegen.core.model import Cable, Diagnostic
from sitegen.core.progress import progress
from sitegen.core.urls import Urls
from sitegen.output.commit import Output, WriteResult
from sitegen.output.lock import WriteLock
from sitegen.parse import parse_file
from sitegen.parse.checks import header_disagreements
from sitegen.plan.groups import GroupKey, PageKey, Touched, groups_of
from sitegen.plan.planner import Planner, site_context
from sitegen.render import cite, search
from sitegen.render.feeds import IndexCache, atom_feed, cable_json, index_json, robots, sitemap
from sitegen.render.templates import Renderer, static_files, theme_folders
from sitegen.tables.glossary import Glossary

Stamp = tuple[int, int, int]
"""(size, modification time in ns, inode) of a content file: any change means re-read
(an editor's atomic save gives the file a new inode)."""

# The template each kind of group is made from; base.html and the macros are in all of them.
TEMPLATES: dict[str, str] = {
    "home": "home.html", "cable": "cable.html", "tags": "tags.html", "tag": "tag.html",
    "origins": "origins.html", "origin": "origin.html",
    "classifications": "classifications.html", "classification": "classification.html",
    "timeline": "timeline.html", "year": "timeline_year.html", "month": "timeline_month.html",
    "unresolved": "unresolved.html", "page": "page.html", "404": "404.html",
    "search": "search.html",
}  # fmt: skip


def _stamp(path: str) -> Stamp | None:
    try:
        info = os.stat(path)
    except OSError:
        return None
    return (info.st_size, info.st_mtime_ns, info.st_ino)


def _theme_stamps(config: Config) -> dict[str, bytes]:
    """Every theme file by its place (``templates/cable.html``) and a hash of its bytes."""
    stamps: dict[str, bytes] = {}
    for folder in reversed(theme_folders(config)):
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                try:
                    digest = hashlib.sha256(path.read_bytes()).digest()
                except OSError:
                    continue
                stamps[path.relative_to(folder).as_posix()] = digest
    return stamps


@dataclass(slots=True)
class BuildResult:
    """What a build did: counts, every output file with its SHA-256, diagnostics, what was
    written, time."""

    cables: int
    pages: int
    files: dict[str, str]
    diagnostics: Report
    written: WriteResult | None
    seconds: float
    rendered: int = 0
    """Pages and files rendered (the rest were known unchanged without rendering)."""


@dataclass(slots=True)
class Change:
    """What one build found changed since the previous one."""

    everything: bool = False
    reason: str = ""


Job = tuple[GroupKey, int | None]
"""A group to render, whole (None) or one page of it (its number)."""

_RENDER_BELOW = 400
"""Fewer jobs than this render in this process: a pool costs more than it saves."""
_CHUNK = 24

_ACTIVE: tuple[Site, Planner, Renderer, bool, bool] | None = None
"""What render workers use: set before the pool forks, so they inherit it without copies."""


def _render_chunk(jobs: list[Job]) -> list[tuple[Job, dict[str, str], list[str]]]:
    assert _ACTIVE is not None
    site, planner, renderer, stage, force = _ACTIVE
    return [site._render_job(planner, renderer, job, stage, force) for job in jobs]


_STATE_FIELDS = (
    "_parsed", "_archive", "_pages_nav", "_page_bodies", "_notes", "_theme", "_groups",
    "_extra", "_index_cache", "_sitemap_pages", "_templates", "_search",
)  # fmt: skip


class Site:
    """One site's state across builds: kept in memory by ``watch`` and ``serve``, and saved
    in the cache folder so the next ``sitegen build`` starts from it."""

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
        self.cache = Cache(config.cache)
        self._parsed: dict[str, tuple[Stamp, bytes, Cable]] = {}
        """Each cable file: its stamp, its cache key, the light cable."""
        self._paths: dict[str, str] = {}
        self._archive: Archive | None = None
        self._pages_nav: list[tuple[str, str, int]] | None = None
        self._page_bodies: dict[str, str] = {}
        self._notes: dict[str, str] = {}
        self._theme: dict[str, bytes] = {}
        self._groups: dict[GroupKey, dict[str, str]] = {}
        """The files of each group of pages and their SHA-256, as in the output."""
        self._extra: dict[str, str] = {}
        self._pending: set[str] = set()
        """IDs changed since the last successful build (a failed build keeps them pending)."""
        self._renderer: Renderer | None = None
        self._index_cache: IndexCache = {}
        self._builds = 0
        self._sitemap_pages: list[str] = []
        self._templates: dict[str, bytes] = {}
        self._restored = False
        self._reread = 0
        self._search: dict[str, str] = {}
        """Each search shard's hash of the cable pages its bundle in the output indexes."""
        self._search_problem: str | None = None
        self._search_due = False
        self._saved: dict[str, Any] | None = None
        """The state as last saved or loaded: a build saves what changed since."""
        self._swaps: list[tuple[Cable, Cable]] | None = None
        """The last read's changed files as (before, after), or None when files came or went."""
        self._same = False
        """The last read found every cable file as the archive has it (none added, gone or
        changed)."""

    # -- the saved state -----------------------------------------------------------------

    def _signature(self) -> tuple[str, str]:
        settings = repr(replace(self.config, root=Path(".")))
        return settings, code_fingerprint()

    def _restore(self) -> None:
        """Start from the state the last build saved, when it still describes the output
        (same settings and code, the manifest it wrote still there); the parsed cables are
        reused in any case."""
        self._restored = True
        state = self.cache.load_state(self.config.output)
        if state is None:
            return
        try:
            if state["repair"] == self.config.repair_text:
                self._parsed = state["_parsed"]
            if state["signature"] != self._signature() or (
                state["manifest"] != self.output.manifest_digest
            ):
                return
            for name in _STATE_FIELDS:
                setattr(self, name, state[name])
            self._saved = saved_state.snapshot(state)
            self.output.adopt(self._output_files())
        except (KeyError, TypeError):
            self._parsed = {}
            return

    def save(self) -> None:
        """Save what the next process needs to build only what changed."""
        if self._archive is None:
            return
        state: dict[str, Any] = {name: getattr(self, name) for name in _STATE_FIELDS}
        state |= {
            "repair": self.config.repair_text,
            "signature": self._signature(),
            "manifest": self.output.manifest_digest,
        }
        self._saved = self.cache.save_state(self.config.output, state, self._saved)

    # -- reading -------------------------------------------------------------------------

    def _parse(self, sources: list[Source]) -> tuple[list[Cable], set[str]]:
        """Every cable, re-reading only files whose stamp changed; the IDs that changed."""
        changed: set[str] = set()
        fresh: list[Source] = []
        stamps: dict[str, Stamp | None] = {}
        self._same = self._archive is not None
        swaps: list[tuple[Cable, Cable]] | None = []
        for source in sources:
            stamps[source.name] = stamp = _stamp(source.path)
            known = self._parsed.get(source.name)
            if known is None or stamp is None or known[0] != stamp:
                fresh.append(source)
        parsed = parse_all(fresh, self.config.repair_text, self.jobs, self.cache)
        self._reread = len(fresh)
        for source, (key, cable) in zip(fresh, parsed, strict=True):
            old = self._parsed.get(source.name)
            self._parsed[source.name] = (stamps[source.name] or (0, 0, 0), key, cable)
            if old is not None and old[1] == key:
                continue
            self._same = False
            if old is None:
                swaps = None
            elif swaps is not None:
                swaps.append((old[2], cable))
            if old is not None and old[2].id:
                changed.add(old[2].id)
            if cable.id:
                changed.add(cable.id)
        names = {s.name for s in sources}
        if len(names) != len(self._parsed):
            self._same = False  # files appeared (their parse made _same false) or went
            swaps = None
        for name in [n for n in self._parsed if n not in names]:
            gone = self._parsed.pop(name)[2]
            if gone.id:
                changed.add(gone.id)
        self._paths = {s.name: s.path for s in sources}
        self._swaps = swaps
        return [self._parsed[s.name][2] for s in sources], changed

    def _load(self) -> tuple[Loaded, set[str]]:
        with collector_paused(keep=True):
            return self._load_paused()

    def _load_paused(self) -> tuple[Loaded, set[str]]:
        found = discover(self.config.content, self.config.root)
        earlier = bool(self._pending)  # (a failed build's changes: indexed again in full)
        cables, changed = self._parse(found.cables)
        self._pending |= changed
        previous = None
        if self._archive is not None and not earlier:
            if self._same:
                previous = self._archive
            elif self._swaps is not None:
                previous = replaced(self._archive, self._swaps)
        loaded = load_content(self.config, found, cables, previous)
        return loaded, set(self._pending)

    def load(self) -> Loaded:
        """The content discovered, parsed, indexed and resolved, nothing rendered or saved
        (``sitegen export``): files parsed by an earlier build are not parsed again."""
        if not self._restored:
            self._restore()
        return self._load()[0]

    def whole(self, cable: Cable) -> Cable:
        """The cable with its text, from the cache (parsed again if the cache lost it)."""
        entry = self._parsed.get(cable.source)
        if entry is not None:
            stored = self.cache.get(entry[1])
            if stored is not None and light(stored) == cable:
                return stored
            # A miss, or a stored cable that is not this one: seen once in a full test
            # run (a cable's JSON with another's references), cause not yet found. A page
            # must never show another cable's text, so the file is parsed again.
        path = self._paths.get(cable.source, str(self.config.content / cable.source))
        return parse_file(path, cable.source, repair=self.config.repair_text)

    # -- deciding what to render ---------------------------------------------------------

    def _affected(self, old: Archive, new: Archive, changed: set[str]) -> set[Touched]:
        """The groups (or single pages of list groups) that show something of ``changed``.

        A cable that stays in the same lists at the same place (its tags, origin,
        classification and date unchanged) touches one page of each list; one that moves
        changes counts and histograms, so every page of its lists.
        """
        keys: set[Touched] = {GroupKey("home"), GroupKey("search")}  # (counts, tag titles)
        page_size = self.config.page_size
        for cid in changed:
            before, after = old.cables.get(cid), new.cables.get(cid)
            moved = before is None or after is None or _list_key(before) != _list_key(after)
            for archive in (old, new):
                keys |= _groups_of_cable(archive, cid, moved, page_size)
            if moved:
                keys |= {GroupKey(k) for k in ("tags", "origins", "classifications", "timeline")}
            elif after is not None and not after.created:
                keys.add(GroupKey("timeline"))  # lists the undated cables
        if old.unresolved != new.unresolved:
            keys.add(GroupKey("unresolved"))
        else:
            # The pages of the missing IDs the changed cables cite (they list their citers).
            wanted = {
                ref.id
                for cid in changed
                if (cable := new.cables.get(cid)) is not None
                for ref in cable.references
                if ref.id in new.unresolved
            }
            if wanted:
                rows = sorted(new.unresolved, key=lambda m: (-len(new.unresolved[m]), m))
                for n, missing in enumerate(rows):
                    if missing in wanted:
                        keys.add(GroupKey("unresolved").page(n // page_size + 1))
        return keys | _neighbour_months(old, new)

    def _decide(
        self, loaded: Loaded, changed: set[str], theme: dict[str, bytes]
    ) -> tuple[Change, set[Touched]]:
        """What changed, and which groups to render."""
        new = loaded.archive
        old = self._archive
        nav = [(p.slug, p.title, p.order) for p in new.pages]
        if old is None:
            return Change(True, "first build"), set()
        if nav != self._pages_nav:
            return Change(True, "Markdown pages added, removed or renamed"), set()
        if old.tag_slugs != {c: s for c, s in new.tag_slugs.items() if c in old.tag_slugs}:
            return Change(True, "tag paths changed"), set()
        if old.class_slugs != {c: s for c, s in new.class_slugs.items() if c in old.class_slugs}:
            return Change(True, "classification paths changed"), set()
        changed_templates = {
            name for name in set(theme) | set(self._theme)
            if name.startswith("templates/") and theme.get(name) != self._theme.get(name)
        }  # fmt: skip
        by_template = {f"templates/{t}": k for k, t in TEMPLATES.items()}
        if any(name not in by_template for name in changed_templates):
            return Change(True, "a shared template changed"), set()
        keys = self._affected(old, new, changed) if changed else set()
        if changed and (set(old.cables) != set(new.cables) or set(old.aliases) != set(new.aliases)):
            keys |= {GroupKey("page", p.slug) for p in new.pages}  # their cable links may change
        kinds = {by_template[name] for name in changed_templates}
        keys |= {k for k in groups_of(new, self.config.search) if k.kind in kinds}
        bodies = {p.slug: p.body for p in new.pages}
        keys |= {GroupKey("page", s) for s, b in bodies.items() if self._page_bodies.get(s) != b}
        notes = {cid: n.body for cid, n in new.notes.items()}
        for cid in set(notes) | set(self._notes):
            if notes.get(cid) != self._notes.get(cid):
                keys.add(GroupKey("cable", cid))
        return Change(False, ""), keys

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
        recovered = self.output.recover() if write else None
        if not self._restored:
            self._restore()
        loaded, changed = self._load()
        theme = _theme_stamps(self.config)
        change, keys = self._decide(loaded, changed, theme)
        if force:
            change = Change(True, "clean build")
        archive = loaded.archive
        last: list[tuple[str, Cable]] = []

        def whole_of(cid: str) -> Cable:
            # A cable's page and its JSON ask in turn: one read from the cache for both.
            if not last or last[0][0] != cid:
                last[:] = [(cid, self.whole(archive.cables[cid]))]
            return last[0][1]

        planner = Planner(archive, self.config, Glossary(self.config.glossary), whole_of)
        templates = {k: v for k, v in theme.items() if k.startswith("templates/")}
        if self._renderer is None or templates != self._templates:
            self._renderer = Renderer(self.config, {})
        renderer = self._renderer
        renderer.site = site_context(self.config, archive)
        groups = planner.groups()
        known = set(groups)
        if change.everything:
            keys = set(known)
        whole = {k for k in keys if k in known} | {k for k in known if k not in self._groups}
        jobs: list[Job] = [(key, None) for key in groups if key in whole]
        for one in sorted(k for k in keys if isinstance(k, PageKey)):
            if one.group not in whole and one.group in known:
                jobs.append((one.group, one.number))
        pages = {key: self._groups.get(key, {}) for key in groups}
        staged: set[str] = set()
        try:
            for (key, page), out, fresh in self._render(planner, renderer, jobs, write, force):
                pages[key] = out if page is None else {**pages[key], **out}
                staged.update(fresh)
            extra, html_pages = self._extra_files(archive, pages, theme, change, changed)
            files: dict[str, str] = {}
            for key in groups:
                files.update(pages[key])
            for name, data in extra.items():
                if isinstance(data, bytes):
                    extra[name], fresh_file = self._put(name, data, write, force)
                    if fresh_file:
                        staged.add(name)
            files.update(cast(dict[str, str], extra))
            written = self.output.commit(files, staged) if write else None
            if write and self.config.search and search_later:
                self._search_due = True
            elif write and self.config.search:
                written = self._index_search(
                    archive, files, cast(dict[str, str], extra), written, force
                )
        except BaseException:
            self.output.discard()
            raise
        # Commit the new state only once everything has rendered (and been written).
        self._archive = archive
        self._groups = pages
        self._extra = cast(dict[str, str], extra)
        self._sitemap_pages = html_pages
        self._theme = theme
        self._templates = templates
        self._pages_nav = [(p.slug, p.title, p.order) for p in archive.pages]
        self._page_bodies = {p.slug: p.body for p in archive.pages}
        self._notes = {cid: n.body for cid, n in archive.notes.items()}
        self._pending = set()
        if write and self.persist and (jobs or self._reread or (written and written.removed)):
            self.save()  # (a build that found nothing to do has nothing new to save)
        # What this build keeps (parsed cables, page hashes) lives until the next one:
        # out of the garbage collector's sight, full collections stay short in watch mode.
        # Every 50 builds everything is looked at once, so cyclic garbage does not pile up.
        self._builds += 1
        if self._builds % 50 == 0:
            gc.unfreeze()
            gc.collect()
        gc.freeze()
        report = list(loaded.diagnostics)
        if self._search_problem:
            report.append(
                Diagnostic(0, "error", "search", self._search_problem, self.config.output_dir)
            )
            self._search_problem = None
        report += [
            Diagnostic(0, "info", "cache", problem, self.config.cache_dir)
            for problem in self.cache.problems
        ]
        self.cache.problems.clear()
        if recovered:
            report.append(
                Diagnostic(0, "info", "interrupted-build", recovered, self.config.output_dir)
            )
        if check_headers:
            for cable in loaded.cables:
                whole_cable = self.whole(cable)
                report.extend(d.at(cable.source) for d in header_disagreements(whole_cable))
        if not self.config.base_url and write:
            report.append(
                Diagnostic(
                    0,
                    "info",
                    "no-base-url",
                    "base_url is not set: feed.xml and sitemap.xml hold relative URLs",
                    self.config.output_dir,
                )
            )
        n_pages = sum(1 for out in pages.values() for p in out if p.endswith(".html"))
        return BuildResult(
            len(archive.cables),
            n_pages,
            files,
            report,
            written,
            time.perf_counter() - start,
            len(jobs),
        )

    def finish_search(self) -> None:
        """Index what the last build (``search_later``) left to the search."""
        if not self._search_due or self._archive is None:
            return
        self._search_due = False
        with self.output.exclusive():
            self._index_search(self._archive, self._output_files(), self._extra, None, force=False)

    def search_failed(self, message: str) -> None:
        """Report a search index that could not be made with the next build's diagnostics
        (the watch loop indexes after the reload, when this build's report is out)."""
        self._search_problem = message

    def _output_files(self) -> dict[str, str]:
        """Every file the last build put in the output, with its hash (as the manifest)."""
        files = {name: digest for out in self._groups.values() for name, digest in out.items()}
        return files | self._extra

    def _index_search(
        self,
        archive: Archive,
        files: dict[str, str],
        extra: dict[str, str],
        written: WriteResult | None,
        force: bool,
    ) -> WriteResult | None:
        """Index the cable pages just put in place with Pagefind, shard by shard, and put
        the bundles in the output (``files`` and ``extra`` updated). A shard is indexed
        again only when one of its pages changed; when Pagefind fails, the previous bundles
        stay and the build reports it."""
        plan = search.shards(archive)
        by_shard: dict[int | None, list[str]] = {}  # the bundle files now in the output
        for name in extra:
            if name.startswith(f"{search.FOLDER}/"):
                by_shard.setdefault(search.shard_of(name), []).append(name)
        digests: dict[str, str] = {}
        work: dict[int, list[str]] = {}
        for shard, ids in enumerate(plan):
            pages = [(cid, files.get(self.urls.output_file(self.urls.cable(cid)))) for cid in ids]
            digests[str(shard)] = digest = hashlib.sha256(repr(pages).encode()).hexdigest()
            if force or shard not in by_shard or self._search.get(str(shard)) != digest:
                work[shard] = ids
        gone = [  # files of shards that are no more (or of another layout)
            name
            for number, names in by_shard.items()
            if number is None or number >= len(plan)
            for name in names
        ]
        if not work and not gone:
            return written
        staged: set[str] = set()
        fresh_names: dict[str, str] = {}  # the new bundles' files, applied once all are made
        try:
            for shard, bundle in search.index_shards(
                self.config.output,
                work,
                keep_index_url=not self.config.pretty_urls,
                jobs=min(2, self.jobs or os.cpu_count() or 1),
                scratch=self._scratch(),
            ):
                gone += [n for n in by_shard.get(shard, []) if n not in bundle]
                for name, data in bundle.items():
                    fresh_names[name], fresh = self._put(name, data, True, force)
                    if fresh:
                        staged.add(name)
        except BuildError as exc:
            self.output.discard()  # the shards made so far: the previous bundles stay
            self._search_problem = str(exc)
            return written
        for name in gone:
            del extra[name]
            files.pop(name, None)
        extra.update(fresh_names)
        files.update(fresh_names)
        again = self.output.commit(files, staged)
        self._search = digests
        if written is None:
            return again
        total = written.written + again.written
        return WriteResult(total, len(files) - total, written.removed + again.removed)

    def _scratch(self) -> Path:
        """Where Pagefind works (in the cache folder, on the output's file system), one
        folder per output folder: emptied first, since a build killed while indexing left
        its shards' files there (this build holds the output's lock, so none is in use)."""
        scratch = self.cache.scratch(self.config.output)
        shutil.rmtree(scratch, ignore_errors=True)
        return scratch

    def _render(
        self, planner: Planner, renderer: Renderer, jobs: list[Job], stage: bool, force: bool
    ) -> Iterator[tuple[Job, dict[str, str], list[str]]]:
        """Render ``jobs``, on all cores when there are many (workers share this process's
        memory by fork and put the files they make aside themselves); the same files as one
        process would make."""
        global _ACTIVE
        workers = self.jobs or os.cpu_count() or 1
        if workers <= 1 or len(jobs) < _RENDER_BELOW:
            for job in progress(jobs, len(jobs), "render", "page"):
                yield self._render_job(planner, renderer, job, stage, force)
            return
        chunks = [jobs[i : i + _CHUNK] for i in range(0, len(jobs), _CHUNK)]
        _ACTIVE = (self, planner, renderer, stage, force)
        # Read (the manifest) and decided (straight into place or staged) once, here,
        # not in every worker.
        _ = (self.output.known, self.output.direct)
        self.cache.close()  # each worker opens its own connection
        gc.collect()
        gc.freeze()  # the workers' copies of the archive stay shared
        try:
            with fork_pool(workers) as pool:
                done = pool.imap_unordered(_render_chunk, chunks)
                for chunk in progress(done, len(chunks), "render", ""):
                    yield from chunk
        finally:
            _ACTIVE = None

    def _put(self, name: str, data: bytes, stage: bool, force: bool) -> tuple[str, bool]:
        """The hash of an output file, staged to be written when ``stage`` and changed."""
        if stage:
            return self.output.stage(name, data, force=force)
        return hashlib.sha256(data).hexdigest(), False

    def _render_job(
        self, planner: Planner, renderer: Renderer, job: Job, stage: bool, force: bool
    ) -> tuple[Job, dict[str, str], list[str]]:
        """The files of a group, or of one page of it (``#N``): their hashes, and which of
        them were put aside to be written. A cable's group is its page, its JSON and its
        citation files: they change together."""
        key, page = job
        out: dict[str, str] = {}
        fresh: list[str] = []

        def emit(name: str, data: bytes) -> None:
            out[name], staged = self._put(name, data, stage, force)
            if staged:
                fresh.append(name)

        plans = planner.plan_group(key, page)
        if page is not None:
            plans = [p for p in plans if _page_number(p.path) == page]
        for plan in plans:
            html = renderer.render(plan.template, plan.path, plan.context)
            emit(self.urls.output_file(plan.path), html.encode("utf-8"))
        if key.kind == "cable" and page is None:
            archive, cid = planner.archive, key.name
            whole = planner.whole(cid)  # the page above asked for it: it is remembered
            emit(self.urls.api_cable(cid), cable_json(archive, cid, self.urls, whole))
            entry = cite.citation_of(archive.cables[cid], cid, self.config, self.urls)
            for name, data in cite.files(entry, self.urls).items():
                emit(name, data)
        return job, out, fresh

    def _extra_files(
        self,
        archive: Archive,
        pages: dict[GroupKey, dict[str, str]],
        theme: dict[str, bytes],
        change: Change,
        changed: set[str],
    ) -> tuple[dict[str, str | bytes], list[str]]:
        """The files that are not pages (index JSON, feed, sitemap, robots, static files):
        bytes for those made again, hashes for those unchanged; and the HTML pages the
        sitemap lists."""
        bundle = f"{search.FOLDER}/"
        extra: dict[str, str | bytes] = {
            name: digest
            for name, digest in self._extra.items()
            if self.config.search or not name.startswith(bundle)
        }
        if self.config.search and not any(name.startswith(bundle) for name in extra):
            # No saved state: the bundle in the output stays until the search is indexed
            # again (after the pages are in place), rather than being removed meanwhile.
            for name, digest in self.output.known.items():
                if name.startswith(bundle):
                    extra[name] = digest
        if change.everything or changed or not extra:
            extra[self.urls.api_index] = index_json(archive, self.urls, self._index_cache)
            extra[self.urls.feed] = atom_feed(archive, self.config, self.urls)
            extra[self.urls.robots] = robots(self.config, self.urls)
        html = sorted(
            p for out in pages.values() for p in out if p.endswith(".html") and p != "404.html"
        )
        if change.everything or html != self._sitemap_pages or self.urls.sitemap not in extra:
            extra[self.urls.sitemap] = sitemap(
                [_site_path(p) for p in html], self.config, self.urls
            )
        statics = {k for k in theme if k.startswith("static/")}
        if (
            change.everything
            or statics != {k for k in self._theme if k.startswith("static/")}
            or any(theme.get(k) != self._theme.get(k) for k in statics)
        ):
            for name in [n for n in extra if n.startswith("static/")]:
                del extra[name]
            extra.update(static_files(self.config))
        return extra, html


def _page_number(path: str) -> int:
    """``tag/PREL/page/3/`` -> 3; the first page of a list has no number in its path."""
    parts = path.rstrip("/").split("/")
    return int(parts[-1]) if len(parts) >= 2 and parts[-2] == "page" and parts[-1].isdigit() else 1


def _site_path(output_file: str) -> str:
    return output_file[: -len("index.html")] if output_file.endswith("index.html") else output_file


def _list_key(cable: Cable) -> tuple[object, ...]:
    """What decides where a cable stands in the lists: a change of it moves the cable."""
    return (sorted(cable.tags), cable.origin_code, cable.classification, cable.created)


def _page_of(archive: Archive, ids: list[str], cid: str, page_size: int) -> int:
    """The page of a newest-first list of ``ids`` that shows ``cid``."""
    at = archive.newest_position(ids, cid)
    return at // page_size + 1 if at is not None else 1


def _groups_of_cable(archive: Archive, cid: str, moved: bool, page_size: int) -> set[Touched]:
    """Every group (or, when the cable did not move, every list page) of ``archive`` that
    shows something of cable ``cid``."""
    keys: set[Touched] = set()
    cable = archive.cables.get(cid)
    keys |= {GroupKey("cable", c) for c in archive.unresolved.get(cid, [])}
    if cable is None:
        return keys
    keys.add(GroupKey("cable", cid))
    for ref in cable.references:
        target = archive.resolve(ref.id)
        if target:
            keys.add(GroupKey("cable", target))
    keys |= {GroupKey("cable", c) for c in archive.cited_by.get(cid, [])}
    for alias in cable.aliases:
        keys |= {GroupKey("cable", c) for c in archive.unresolved.get(alias, [])}

    def listed(kind: str, name: str, ids: list[str], newest: bool = True) -> None:
        group = GroupKey(kind, name)
        if moved:
            keys.add(group)
        elif newest:
            keys.add(group.page(_page_of(archive, ids, cid, page_size)))
        else:
            at = ids.index(cid) if cid in ids else 0
            keys.add(group.page(at // page_size + 1))

    if cable.origin_code:
        same = archive.by_origin.get(cable.origin_code, [])
        if cid in same:
            at = same.index(cid)
            keys |= {GroupKey("cable", c) for c in same[max(0, at - 1) : at + 2]}
        listed("origin", cable.origin_code, same)
    for tag in cable.tags:
        listed("tag", tag, archive.by_tag.get(tag, []))
    if cable.classification:
        ids = archive.by_classification.get(cable.classification, [])
        listed("classification", cable.classification, ids)
    if cable.created:
        year, month = cable.created[:4], cable.created[:7]
        if moved:
            keys.add(GroupKey("year", year))  # it shows counts only
        listed("month", month, archive.by_month.get((int(year), int(month[5:])), []), False)
    return keys


def _neighbour_months(old: Archive, new: Archive) -> set[Touched]:
    """Year and month pages link their neighbours: when a year or month appears or goes,
    the ones beside it change too."""
    out: set[Touched] = set()
    for kind, old_keys, new_keys in (
        (
            "month",
            [f"{y:04d}-{m:02d}" for y, m in old.by_month],
            [f"{y:04d}-{m:02d}" for y, m in new.by_month],
        ),
        ("year", [str(y) for y in old.by_year], [str(y) for y in new.by_year]),
    ):
        if old_keys == new_keys:
            continue
        appeared = set(old_keys) ^ set(new_keys)
        for listing in (old_keys, new_keys):
            for i, value in enumerate(listing):
                near = listing[max(0, i - 1) : i + 2]
                if appeared & set(near):
                    out.add(GroupKey(kind, value))
    return out


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
