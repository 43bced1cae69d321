"""Watch mode with real file events in temporary folders (watchdog, no mocks)."""

from __future__ import annotations

import gzip
import json
import os
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from minisite import cable, make_site

from sitegen.core.config import load_config
from sitegen.live.watch import Outcome, Watcher, is_ignored

TIMEOUT = 20.0


class Live:
    """A watcher running in a thread, with the outcomes of its builds."""

    def __init__(self, root: Path, *, poll: bool = False) -> None:
        self.root = root
        self.outcomes: list[Outcome] = []
        self.changed = threading.Condition()
        self.watcher = Watcher(
            root / "sitegen.toml",
            load_config(root / "sitegen.toml"),
            poll=poll,
            jobs=1,
            on_build=self._record,
        )
        self.watcher.start()
        self.thread = threading.Thread(target=self.watcher.run)
        self.thread.start()

    def _record(self, outcome: Outcome) -> None:
        with self.changed:
            self.outcomes.append(outcome)
            self.changed.notify_all()

    def wait_for(self, check: Callable[[], bool], what: str) -> None:
        """Wait until ``check()`` holds after a build (fail after TIMEOUT seconds)."""
        deadline = time.monotonic() + TIMEOUT
        with self.changed:
            while not check():
                left = deadline - time.monotonic()
                if left <= 0:
                    builds = [(o.epoch, o.ok, o.error, sorted(o.paths)) for o in self.outcomes]
                    pytest.fail(f"timed out waiting for {what}; builds: {builds}")
                self.changed.wait(timeout=min(left, 0.2))

    def page(self, cable_id: str) -> str:
        path = self.root / "output" / "cable" / cable_id / "index.html"
        return path.read_text(encoding="utf-8") if path.exists() else ""

    def close(self) -> None:
        self.watcher.close()
        self.thread.join(timeout=10)
        assert not self.thread.is_alive()


@pytest.fixture
def live(tmp_path: Path) -> Iterator[Live]:
    site = make_site(
        tmp_path / "site",
        {
            "content/cables/08BAKU1.txt": cable("08BAKU1", subject="FIRST", refs="A. BAKU 2"),
            "content/cables/08BAKU2.txt": cable("08BAKU2", subject="SECOND"),
        },
    )
    running = Live(site)
    try:
        yield running
    finally:
        running.close()


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def test_an_edit_rebuilds_the_page_and_the_pages_that_show_it(live: Live) -> None:
    assert "FIRST" in live.page("08BAKU1")
    _write(live.root / "content/cables/08BAKU2.txt", cable("08BAKU2", subject="RENAMED SUBJECT"))
    live.wait_for(lambda: "RENAMED SUBJECT" in live.page("08BAKU2"), "the edited page")
    # The citing cable lists the cited one's subject: it was rebuilt too.
    assert "RENAMED SUBJECT" in live.page("08BAKU1")
    assert all(o.ok for o in live.outcomes)
    assert live.outcomes[-1].epoch == live.outcomes[0].epoch + 1


def test_create_delete_and_rename(live: Live) -> None:
    cables = live.root / "content/cables"
    _write(cables / "08BAKU3.txt", cable("08BAKU3", subject="THIRD"))
    live.wait_for(lambda: "THIRD" in live.page("08BAKU3"), "the new page")
    (cables / "08BAKU3.txt").rename(cables / "renamed.txt")
    live.wait_for(lambda: len(live.outcomes) >= 3, "the rename")
    assert "THIRD" in live.page("08BAKU3")
    (cables / "renamed.txt").unlink()
    live.wait_for(lambda: not live.page("08BAKU3"), "the page to go")
    assert not (live.root / "output/api/cables/08BAKU3.json").exists()


def test_an_atomic_save_is_one_rebuild_and_swap_files_are_ignored(live: Live) -> None:
    before = len(live.outcomes)
    target = live.root / "content/cables/08BAKU1.txt"
    swap = target.with_name(".08BAKU1.txt.swp")
    swap.write_text("swap file noise", encoding="utf-8")
    temp = target.with_name("08BAKU1.txt.tmp")
    temp.write_text(
        cable("08BAKU1", subject="SAVED ATOMICALLY", refs="A. BAKU 2"), encoding="utf-8"
    )
    os.replace(temp, target)
    live.wait_for(lambda: "SAVED ATOMICALLY" in live.page("08BAKU1"), "the atomic save")
    time.sleep(0.5)
    assert len(live.outcomes) == before + 1


def test_editor_temporary_files_alone_do_not_rebuild(live: Live) -> None:
    before = len(live.outcomes)
    for name in ("#08BAKU1.txt#", "08BAKU1.txt~", ".#08BAKU1.txt", "4913"):
        _write(live.root / "content/cables" / name, "noise")
    time.sleep(1.0)
    assert len(live.outcomes) == before
    assert is_ignored("x/.notes.md.swp") and not is_ignored("x/08BAKU1.txt")


def test_a_burst_of_200_files_is_a_few_rebuilds(live: Live) -> None:
    before = len(live.outcomes)
    folder = live.root / "content/cables/batch"
    folder.mkdir()
    for n in range(100, 300):
        (folder / f"08BAKU{n}.txt").write_text(cable(f"08BAKU{n}"), encoding="utf-8")
    live.wait_for(
        lambda: bool(live.page("08BAKU299")) and bool(live.page("08BAKU100")), "200 pages"
    )
    live.wait_for(
        lambda: live.outcomes[-1].result is not None and live.outcomes[-1].result.cables == 202,
        "all 202",
    )
    assert len(live.outcomes) - before <= 4


def test_a_broken_template_keeps_the_last_good_site_and_recovers(live: Live) -> None:
    config = live.root / "sitegen.toml"
    theme = live.root / "themes/mine/templates"
    _write(theme / "cable.html", "{% if %}")
    _write(config, 'theme = "mine"\n')
    live.wait_for(lambda: not live.outcomes[-1].ok, "the failed build")
    assert "cable.html" in (live.outcomes[-1].error or "")
    assert "FIRST" in live.page("08BAKU1")  # the last good page is still there
    _write(
        theme / "cable.html",
        '{% extends "base.html" %}{% block content %}FIXED {{ cable.id }}{% endblock %}',
    )
    live.wait_for(lambda: "FIXED 08BAKU1" in live.page("08BAKU1"), "the recovery")
    assert live.outcomes[-1].ok


def test_a_broken_configuration_is_reported_then_recovered(live: Live) -> None:
    config = live.root / "sitegen.toml"
    _write(config, 'titel = "typo"\n')
    live.wait_for(lambda: not live.outcomes[-1].ok, "the configuration error")
    assert "unknown key 'titel'" in (live.outcomes[-1].error or "")
    _write(config, 'title = "Renamed archive"\n')
    live.wait_for(lambda: "Renamed archive" in live.page("08BAKU1"), "the new title")


def test_polling_observer_sees_changes(tmp_path: Path) -> None:
    site = make_site(tmp_path / "site", {"content/cables/08BAKU1.txt": cable("08BAKU1")})
    running = Live(site, poll=True)
    try:
        _write(site / "content/cables/08BAKU1.txt", cable("08BAKU1", subject="POLLED"))
        running.wait_for(lambda: "POLLED" in running.page("08BAKU1"), "the polled change")
    finally:
        running.close()


def _indexed_titles(output: Path) -> set[str]:
    """The titles of the pages the search index holds (its fragments, every shard)."""
    titles = set()
    for path in output.glob("pagefind/*/fragment/*"):
        record = json.loads(gzip.decompress(path.read_bytes())[len(b"pagefind_dcd") :])
        titles.add(record["meta"]["title"])
    return titles


def test_the_search_index_follows_an_edit_after_the_reload(live: Live) -> None:
    output = live.root / "output"
    assert _indexed_titles(output) == {"FIRST", "SECOND"}
    live.watcher.searched.clear()
    _write(live.root / "content/cables/08BAKU2.txt", cable("08BAKU2", subject="SEARCHABLE"))
    live.wait_for(lambda: "SEARCHABLE" in live.page("08BAKU2"), "the edited page")
    assert live.watcher.searched.wait(timeout=TIMEOUT), "no search index after the rebuild"
    assert _indexed_titles(output) == {"FIRST", "SEARCHABLE"}
    manifest = json.loads((output / "manifest.json").read_text("utf-8"))["files"]
    bundle = {p.relative_to(output).as_posix() for p in output.glob("pagefind/**/*") if p.is_file()}
    assert {n for n in manifest if n.startswith("pagefind/")} == bundle
