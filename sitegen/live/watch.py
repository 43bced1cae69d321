"""Watch: file events in, one rebuild per burst of changes out, errors never fatal.

The watchdog observer's callback only records paths and wakes the loop; the loop waits until
the events stop for a quiet period, drops editor temporary and swap files, and rebuilds with
the :class:`~sitegen.site.build.Site` it keeps alive, so only what a change touches is rendered.
A broken cable, template or configuration is reported and the last good site stays; the next
change that fixes it recovers by itself.
"""

from __future__ import annotations

import fnmatch
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer
from watchdog.observers.api import BaseObserver
from watchdog.observers.polling import PollingObserver

from sitegen.core.config import CONFIG_NAME, Config, load_config
from sitegen.core.errors import SitegenError
from sitegen.output.lock import WriteLock
from sitegen.site.build import Site
from sitegen.site.result import BuildResult

QUIET_SECONDS = 0.08
"""A burst of events is over when none came for this long."""

# Files editors and tools write beside the real ones while saving.
IGNORED = (
    ".*.swp", ".*.swo", ".*.swx", "*.swp", "*~", ".#*", "#*#", "4913", "*.tmp", "*.temp",
    "*.part", "*.crdownload", "*___jb_tmp___", "*___jb_old___", ".DS_Store", "*.kate-swp",
    ".goutputstream-*", "*.sb-*",
)  # fmt: skip


def is_ignored(path: str) -> bool:
    """True for an editor's temporary or swap file, or a hidden tool file."""
    name = Path(path).name
    return any(fnmatch.fnmatchcase(name, pattern) for pattern in IGNORED)


class Collector(FileSystemEventHandler):
    """Records the paths of events; the watch loop takes them in batches."""

    def __init__(self, ignore: Callable[[str], bool]) -> None:
        self._ignore = ignore
        self._lock = threading.Lock()
        self._paths: set[str] = set()
        self._last = 0.0
        self.wake = threading.Event()

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.event_type in ("opened", "closed_no_write") or (
            event.is_directory and event.event_type == "modified"
        ):
            return  # a folder's "modified" only echoes the file events inside it
        paths = [event.src_path, getattr(event, "dest_path", "")]
        found = [str(p) for p in paths if p and not self._ignore(str(p))]
        if not found:
            return
        with self._lock:
            self._paths.update(found)
            self._last = time.monotonic()
        self.wake.set()

    def take(self, stop: threading.Event, quiet: float = QUIET_SECONDS) -> set[str]:
        """Wait for events, then for ``quiet`` seconds without one; return their paths."""
        while not stop.is_set():
            if not self.wake.wait(0.2):
                continue
            while not stop.is_set():
                with self._lock:
                    idle = time.monotonic() - self._last
                if idle >= quiet:
                    break
                time.sleep(quiet - idle)
            with self._lock:
                paths, self._paths = self._paths, set()
                self.wake.clear()
            if paths:
                return paths
        return set()


@dataclass(slots=True)
class Outcome:
    """The result of one rebuild, for the terminal and the browser."""

    epoch: int
    ok: bool
    result: BuildResult | None = None
    error: str | None = None
    paths: set[str] = field(default_factory=set)
    css_only: bool = False


class Watcher:
    """Keeps a site built while its content, theme and configuration change."""

    def __init__(
        self,
        config_path: Path | None,
        config: Config,
        *,
        poll: bool = False,
        jobs: int | None = None,
        on_build: Callable[[Outcome], None] | None = None,
        overrides: dict[str, object] | None = None,
        writing: WriteLock | None = None,
    ) -> None:
        self.config_path = config_path
        self.config = config
        self.jobs = jobs
        self.poll = poll
        self.overrides = overrides or {}
        self.on_build = on_build or (lambda outcome: None)
        self.searched = threading.Event()
        """Set when the search index of a rebuild is written (after its report)."""
        self.writing: WriteLock = writing if writing is not None else threading.RLock()
        """Held while a build moves files into place (the preview server reads under it)."""
        self.site = Site(config, jobs, persist=False, writing=self.writing)
        self.epoch = 0
        self.builds = 0
        self.stop = threading.Event()
        self._observer: BaseObserver | None = None
        self._scheduled: set[str] = set()
        self._collector = Collector(self._ignored)
        self._building = threading.Lock()
        """Held by a build and by the final save, so the build's saved state (the cache) is
        never written mid-build."""

    def _ignored(self, path: str) -> bool:
        if is_ignored(path):
            return True
        try:
            resolved = Path(path).resolve()
            return resolved.is_relative_to(self.config.output.resolve()) or (
                resolved.is_relative_to(self.config.cache.resolve())
            )
        except OSError:
            return False

    def _watched(self) -> list[tuple[Path, bool]]:
        root = self.config.root
        out = [(self.config.content, True), (root / "themes", True), (root, False)]
        return [(p, recursive) for p, recursive in out if p.is_dir()]

    def _schedule(self) -> None:
        """Watch the content and theme folders, also when they appear after the start (the
        site folder itself is watched without its sub-folders, so they are seen appearing)."""
        assert self._observer is not None
        for path, recursive in self._watched():
            key = str(path.resolve())
            if key not in self._scheduled:
                self._observer.schedule(self._collector, str(path), recursive=recursive)
                self._scheduled.add(key)

    def build_once(self, paths: set[str] | None = None) -> Outcome:
        """Rebuild now; never raises for problems in the content, theme or configuration."""
        paths = paths or set()
        with self._building:
            return self._build(paths)

    def _build(self, paths: set[str]) -> Outcome:
        try:
            if self.config_path is not None and any(Path(p).name == CONFIG_NAME for p in paths):
                config = load_config(self.config_path, root=self.config.root, **self.overrides)
                self.config, self.site = (
                    config,
                    Site(config, self.jobs, persist=False, writing=self.writing),
                )
            result = self.site.build(search_later=True)
        except SitegenError as exc:
            return Outcome(self.epoch, False, error=str(exc), paths=paths)
        except Exception as exc:  # a defect must not end the loop: report it and go on
            return Outcome(self.epoch, False, error=f"internal error: {exc!r}", paths=paths)
        finally:
            self.builds += 1
        self.epoch += 1
        css_only = bool(paths) and all(p.endswith(".css") for p in paths)
        return Outcome(self.epoch, True, result, paths=paths, css_only=css_only)

    def start(self) -> Outcome:
        """Build once, then start watching (returns the first build's outcome)."""
        first = self.build_once()
        with self._building:
            self._save()  # a build started later begins from here
        self.on_build(first)
        self._finish_search()
        observer: BaseObserver = PollingObserver(timeout=0.5) if self.poll else Observer()
        self._observer = observer
        self._schedule()
        observer.start()
        return first

    def run(self) -> None:
        """The loop: a batch of events, a rebuild, a report; until :meth:`close`."""
        while not self.stop.is_set():
            paths = self._collector.take(self.stop)
            if not paths or self.stop.is_set():
                continue
            self._schedule()
            self.on_build(self.build_once(paths))
            self._finish_search()

    def _finish_search(self) -> None:
        """The search index of the pages just reloaded (seconds a shard, so after the
        reload; a problem is reported with the next build)."""
        with self._building:
            try:
                self.site.finish_search()
            except Exception as exc:  # the loop goes on; the next build indexes again
                self.site.search_failed(f"search: {exc!r}")
        self.searched.set()

    def close(self) -> None:
        """Stop the loop and the observer; nothing is left running."""
        self.stop.set()
        self._collector.wake.set()
        if self._observer is not None:
            self._observer.stop()
            self._observer.join(timeout=5)
            self._observer = None
        with self._building:  # a rebuild still running ends first
            self._save()

    def _save(self) -> None:
        """Save the build's state in the cache for the next build; a cache that cannot be
        written costs only time, never the clean stop."""
        try:
            self.site.save()
        except Exception:  # derived data: the next build starts afresh
            self.site.states.drop(self.config.output)
