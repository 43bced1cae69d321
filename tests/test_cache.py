"""The persistent cache and the parallel build: a new process builds only what changed, a
damaged cache costs time and nothing else, and all cores give the bytes one core gives."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import pytest
from minisite import cable, make_site

from sitegen.core.config import load_config
from sitegen.core.errors import BuildError
from sitegen.output.commit import STAGING
from sitegen.site import state_codec
from sitegen.site.build import Site, build


def _tree(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def _site(root: Path, n: int = 6) -> Path:
    files = {
        f"content/cables/08BAKU{i}.txt": cable(
            f"08BAKU{i}",
            subject=f"SUBJECT {i}",
            refs=f"A. BAKU {i - 1}" if i > 1 else "",
            created=f"2008-0{1 + i % 3}-1{i % 10} 10:00",
            tags="PREL, AJ" if i % 2 else "PGOV, ECON",
        )
        for i in range(1, n + 1)
    }
    return make_site(root, files, 'title = "Cache"\npage_size = 3\n')


def test_a_new_process_with_nothing_changed_renders_and_writes_nothing(tmp_path: Path) -> None:
    root = _site(tmp_path / "site")
    first = build(load_config(root / "sitegen.toml"))
    assert first.written is not None and first.written.written == len(first.files)
    assert (root / ".sitegen-cache" / "cables.sqlite").is_file()
    again = Site(load_config(root / "sitegen.toml")).build()
    assert again.rendered == 0
    assert again.written is not None
    assert (again.written.written, again.written.unchanged) == (0, len(first.files))
    assert again.files == first.files


def test_a_new_process_renders_what_an_edit_touches_and_matches_a_clean_build(
    tmp_path: Path,
) -> None:
    root = _site(tmp_path / "site")
    build(load_config(root / "sitegen.toml"))
    before = _tree(root / "output")
    edited = root / "content/cables/08BAKU3.txt"
    edited.write_text(
        cable("08BAKU3", subject="A NEW SUBJECT", refs="A. BAKU 2", created="2008-01-13 10:00"),
        "utf-8",
    )
    result = Site(load_config(root / "sitegen.toml")).build()
    groups = 1 + 6 + 2 + 2 + 1  # home, every cable page (one cites it), tags, ...
    assert 0 < result.rendered < groups + 8
    after = _tree(root / "output")
    changed = sorted(p for p in after if after[p] != before.get(p))
    assert "cable/08BAKU3/index.html" in changed
    assert "cable/08BAKU4/index.html" in changed  # it cites 08BAKU3: the subject shows there
    assert "cable/08BAKU6/index.html" in changed  # the next from the same origin
    assert "cable/08BAKU5/index.html" not in changed
    clean = build(load_config(root / "sitegen.toml", output_dir="clean"))
    assert clean.rendered > result.rendered
    assert _tree(root / "clean") == after


def test_a_damaged_cache_is_rebuilt_and_the_output_is_the_same(tmp_path: Path) -> None:
    root = _site(tmp_path / "site")
    build(load_config(root / "sitegen.toml"))
    expected = _tree(root / "output")
    cache = root / ".sitegen-cache"
    for path in cache.iterdir():
        if path.is_file():
            path.write_bytes(b"\x00garbage" * 100)
    (root / "content/cables/08BAKU2.txt").touch()
    result = build(load_config(root / "sitegen.toml"))
    assert not [d for d in result.diagnostics if d.severity == "error"]
    assert _tree(root / "output") == expected
    # ... and the cache works again afterwards.
    assert Site(load_config(root / "sitegen.toml")).build().rendered == 0


def test_a_deleted_output_is_written_again_whole(tmp_path: Path) -> None:
    root = _site(tmp_path / "site")
    first = build(load_config(root / "sitegen.toml"))
    expected = _tree(root / "output")
    for path in sorted((root / "output").rglob("*"), reverse=True):
        path.unlink() if path.is_file() else path.rmdir()
    again = build(load_config(root / "sitegen.toml"))
    assert again.written is not None and again.written.written == len(first.files)
    assert _tree(root / "output") == expected


def test_a_failed_build_keeps_the_site_and_leaves_nothing_staged(tmp_path: Path) -> None:
    root = _site(tmp_path / "site")
    build(load_config(root / "sitegen.toml"))
    expected = _tree(root / "output")
    (root / "content/cables/08BAKU1.txt").write_text(cable("08BAKU1", subject="CHANGED"), "utf-8")
    (root / "themes/default/templates").mkdir(parents=True)
    (root / "themes/default/templates/cable.html").write_text("{{ nothing.here }}", "utf-8")
    with pytest.raises(BuildError):
        build(load_config(root / "sitegen.toml"))
    assert _tree(root / "output") == expected
    assert not (root / "output" / STAGING).exists()
    # Fixed, the next build (a new process) brings the edit in.
    (root / "themes/default/templates/cable.html").unlink()
    build(load_config(root / "sitegen.toml"))
    assert b"CHANGED" in (root / "output/cable/08BAKU1/index.html").read_bytes()


def test_all_cores_give_the_bytes_of_one(tmp_path: Path) -> None:
    """Enough cables for the parse and render pools to start (see ``_SERIAL_BELOW``)."""
    one, many = _site(tmp_path / "one", 450), _site(tmp_path / "many", 450)
    serial = build(load_config(one / "sitegen.toml"), jobs=1)
    parallel = build(load_config(many / "sitegen.toml"), jobs=2)
    assert serial.rendered == parallel.rendered > 450
    assert _tree(one / "output") == _tree(many / "output")


def test_another_output_folder_has_its_own_state(tmp_path: Path) -> None:
    root = _site(tmp_path / "site")
    build(load_config(root / "sitegen.toml"))
    other = build(load_config(root / "sitegen.toml", output_dir="elsewhere"))
    assert other.rendered > 0
    assert _tree(root / "elsewhere") == _tree(root / "output")


def test_the_saved_state_reads_back_equal_and_shares_its_cables(tmp_path: Path) -> None:
    from sitegen.site import state_codec as state

    root = _site(tmp_path / "site")
    site = Site(load_config(root / "sitegen.toml"))
    site.build()
    saved = site.state.as_fields()
    back = state.loads(state.dumps(saved))
    assert back["parsed"] == saved["parsed"]
    assert back["groups"] == saved["groups"]
    archive = back["archive"]
    assert archive == saved["archive"]
    for _, _, light_cable in back["parsed"].values():
        assert light_cable.id is not None and archive.cables[light_cable.id] is light_cable
    with pytest.raises(ValueError):
        state.loads(b"\x00not a state")


def _edit_subject(root: Path, i: int, subject: str) -> None:
    (root / f"content/cables/08BAKU{i}.txt").write_text(
        cable(
            f"08BAKU{i}",
            subject=subject,
            refs=f"A. BAKU {i - 1}" if i > 1 else "",
            created=f"2008-0{1 + i % 3}-1{i % 10} 10:00",
            tags="PREL, AJ" if i % 2 else "PGOV, ECON",
        ),
        "utf-8",
    )


def test_small_changes_are_journaled_and_read_back_by_the_next_process(tmp_path: Path) -> None:
    root = _site(tmp_path / "site")
    build(load_config(root / "sitegen.toml"))
    cache = root / ".sitegen-cache"
    (state_file,) = cache.glob("state-*.bin")
    whole = state_file.read_bytes()
    for n, subject in enumerate(["FIRST EDIT", "SECOND EDIT", "THIRD EDIT"], start=1):
        _edit_subject(root, 3, subject)
        result = Site(load_config(root / "sitegen.toml")).build()
        assert 0 < result.rendered < 12
        assert state_file.read_bytes() == whole  # not written again: a record appended
        journal = state_file.with_suffix(".journal").read_bytes()
        assert journal.count(b"08BAKU3") >= n
    # The next process reads the state and its journal: nothing left to do, and the site
    # is the one a clean build makes.
    again = Site(load_config(root / "sitegen.toml")).build()
    assert again.rendered == 0
    assert b"THIRD EDIT" in (root / "output/cable/08BAKU4/index.html").read_bytes()
    clean = build(load_config(root / "sitegen.toml", output_dir="clean"))
    assert _tree(root / "clean") == _tree(root / "output")
    assert clean.rendered > 12


def test_a_journal_cut_short_is_ignored_from_the_damage_on(tmp_path: Path) -> None:
    root = _site(tmp_path / "site")
    build(load_config(root / "sitegen.toml"))
    _edit_subject(root, 2, "KEPT IN THE JOURNAL")
    Site(load_config(root / "sitegen.toml")).build()
    _edit_subject(root, 5, "CUT SHORT")
    Site(load_config(root / "sitegen.toml")).build()
    (journal_file,) = (root / ".sitegen-cache").glob("state-*.journal")
    journal = journal_file.read_bytes()
    journal_file.write_bytes(journal[:-7])  # the last record torn, as by a crash
    # The state no longer matches the output (its manifest moved on): the pages are
    # rendered again and compared by hash; the output stays right.
    result = Site(load_config(root / "sitegen.toml")).build()
    assert not [d for d in result.diagnostics if d.severity == "error"]
    clean = build(load_config(root / "sitegen.toml", output_dir="clean"))
    assert _tree(root / "clean") == _tree(root / "output")
    assert clean.files == result.files


def test_a_change_to_the_lists_saves_the_state_whole(tmp_path: Path) -> None:
    root = _site(tmp_path / "site")
    build(load_config(root / "sitegen.toml"))
    (state_file,) = (root / ".sitegen-cache").glob("state-*.bin")
    whole = state_file.read_bytes()
    (root / "content/cables/08BAKU3.txt").write_text(
        cable("08BAKU3", subject="SUBJECT 3", created="2008-01-13 10:00", tags="KNNP"), "utf-8"
    )
    Site(load_config(root / "sitegen.toml")).build()
    assert state_file.read_bytes() != whole  # tags changed: indexed again, saved whole
    assert not state_file.with_suffix(".journal").exists()
    again = Site(load_config(root / "sitegen.toml")).build()
    assert again.rendered == 0
    build(load_config(root / "sitegen.toml", output_dir="clean"))
    assert _tree(root / "clean") == _tree(root / "output")


def test_a_state_and_a_store_of_another_format_are_dropped_cleanly(tmp_path: Path) -> None:
    """An earlier version's cache (another state format, another store schema) is not read
    and not reported as damage: the next build renders everything, as a first build would,
    and gives the same site."""
    root = _site(tmp_path / "site")
    first = build(load_config(root / "sitegen.toml"))
    (state_file,) = (root / ".sitegen-cache").glob("state-*.bin")
    data = bytearray(state_file.read_bytes())
    at = len(state_codec.MAGIC)
    data[at : at + 2] = (state_codec.FORMAT - 1).to_bytes(2, "little")
    state_file.write_bytes(bytes(data))
    with sqlite3.connect(root / ".sitegen-cache" / "cables.sqlite") as db:
        db.execute("UPDATE meta SET value = 'schema 3 an older parser' WHERE key = 'parser'")
    again = Site(load_config(root / "sitegen.toml")).build()
    assert not [d for d in again.diagnostics if d.code == "cache"]
    assert again.rendered == first.rendered
    assert again.files == first.files
    with sqlite3.connect(root / ".sitegen-cache" / "cables.sqlite") as db:
        (value,) = db.execute("SELECT value FROM meta WHERE key = 'parser'").fetchone()
    assert value != "schema 3 an older parser"
