"""The search step of a build: the cable pages just put in place indexed by Pagefind,
shard by shard, and the bundles put in the output. A shard is indexed again only when one
of its pages changed; when Pagefind fails, the previous bundles stay and the build reports
it (the pages are in place already: a search problem never costs the site)."""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path

from sitegen.content.archive import Archive
from sitegen.core.config import Config
from sitegen.core.errors import BuildError
from sitegen.core.urls import Urls
from sitegen.output.commit import Output, WriteResult
from sitegen.render import search
from sitegen.site.jobs import put
from sitegen.site.state_store import output_key


class SearchIndexer:
    """Indexes a site's cable pages for the search, remembering a problem to report."""

    def __init__(self, config: Config, urls: Urls, output: Output, jobs: int | None) -> None:
        self.config = config
        self.urls = urls
        self.output = output
        self.jobs = jobs
        self.problem: str | None = None
        """Why the last index could not be made, until a build reports it."""
        self.due = False
        """A build left the index to :meth:`Site.finish_search` (the watch loop)."""

    def scratch(self) -> Path:
        """Where Pagefind works (in the cache folder, on the output's file system), one
        folder per output folder: emptied first, since a build killed while indexing left
        its shards' files there (this build holds the output's lock, so none is in use)."""
        scratch = self.config.cache / f"scratch-{output_key(self.config.output)}"
        shutil.rmtree(scratch, ignore_errors=True)
        return scratch

    def index(
        self,
        archive: Archive,
        files: dict[str, str],
        extra: dict[str, str],
        digests: dict[str, str],
        written: WriteResult | None,
        force: bool,
    ) -> tuple[WriteResult | None, dict[str, str]]:
        """Index the shards whose pages changed since ``digests`` (each shard's hash of its
        pages) and put their bundles in the output (``files`` and ``extra`` updated); the
        files written in all, and the shards' digests now."""
        plan = search.shards(archive)
        by_shard: dict[int | None, list[str]] = {}  # the bundle files now in the output
        for name in extra:
            if name.startswith(f"{search.FOLDER}/"):
                by_shard.setdefault(search.shard_of(name), []).append(name)
        now: dict[str, str] = {}
        work: dict[int, list[str]] = {}
        for shard, ids in enumerate(plan):
            pages = [(cid, files.get(self.urls.output_file(self.urls.cable(cid)))) for cid in ids]
            now[str(shard)] = digest = hashlib.sha256(repr(pages).encode()).hexdigest()
            if force or shard not in by_shard or digests.get(str(shard)) != digest:
                work[shard] = ids
        gone = [  # files of shards that are no more (or of another layout)
            name
            for number, names in by_shard.items()
            if number is None or number >= len(plan)
            for name in names
        ]
        if not work and not gone:
            return written, digests
        staged: set[str] = set()
        fresh_names: dict[str, str] = {}  # the new bundles' files, applied once all are made
        try:
            for shard, bundle in search.index_shards(
                self.config.output,
                work,
                keep_index_url=not self.config.pretty_urls,
                jobs=min(2, self.jobs or os.cpu_count() or 1),
                scratch=self.scratch(),
            ):
                gone += [n for n in by_shard.get(shard, []) if n not in bundle]
                for name, data in bundle.items():
                    fresh_names[name], fresh = put(self.output, name, data, True, force)
                    if fresh:
                        staged.add(name)
        except BuildError as exc:
            self.output.discard()  # the shards made so far: the previous bundles stay
            self.problem = str(exc)
            return written, digests
        for name in gone:
            del extra[name]
            files.pop(name, None)
        extra.update(fresh_names)
        files.update(fresh_names)
        again = self.output.commit(files, staged)
        if written is None:
            return again, now
        total = written.written + again.written
        return WriteResult(total, len(files) - total, written.removed + again.removed), now
