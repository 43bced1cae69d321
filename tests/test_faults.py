"""Faults: a build killed at any point, a damaged cache, a full disk, a file that vanishes
while it is read (issue 8, part 2). After each, the previous output is whole (every file
its ``manifest.json`` lists, with the listed SHA-256), and the next build equals a clean
build of the same content byte for byte.

The figures at scale (20,000 cables, more kills) are ``bench/faults.py``'s.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from minisite import SITEGEN, cable, make_site
from payloads import tree

import sitegen.content.pages
import sitegen.content.parsing
from sitegen.cli.main import main
from sitegen.core.config import load_config
from sitegen.core.errors import BuildError
from sitegen.core.limits import read_limited
from sitegen.output.commit import COMMIT, STAGING
from sitegen.output.manifest import MANIFEST
from sitegen.output.verify import verify
from sitegen.site.build import Site, build

ROOT = Path(__file__).resolve().parents[1]


def _manifest(output: Path, name: str = MANIFEST) -> dict[str, str]:
    data = json.loads((output / name).read_text(encoding="utf-8"))
    files: dict[str, str] = data["files"]
    return files


def _sha(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


def assert_whole(output: Path) -> None:
    """Every file the manifest lists is there with its hash, and no page is a stray: each
    file is listed, or waits in the staging folder, or is a hidden temporary file.

    A build killed while it moved its files into place has left the new manifest beside
    them (``.sitegen-staging/manifest.json``, marked ready); there each file must be
    whole, the old one or the new one, and the next build completes the move."""
    listed = _manifest(output)
    staging = output / STAGING
    pending = (staging / COMMIT).is_file()
    incoming: dict[str, str] = {}
    stale: set[str] = set()
    if pending:
        record = json.loads((staging / COMMIT).read_text(encoding="utf-8"))
        staged = (staging / MANIFEST).exists()  # else it moved already, the files before it
        incoming = _manifest(staging if staged else output)
        stale = set(record["stale"])
    wrong = []
    for name in sorted(set(listed) | set(incoming)):
        # Pending, a file is the old or the new one; absent from one manifest, it may be
        # absent from the folder (a new file not moved yet, a stale one removed already).
        allowed = {listed.get(name), incoming.get(name)} if pending else {listed[name]}
        if _sha(output / name) not in allowed:
            wrong.append(name)
    assert not wrong, f"{len(wrong)} files differ from the manifest: {wrong[:5]}"
    strays = [
        name
        for p in output.rglob("*")
        if p.is_file()
        and not p.is_relative_to(staging)
        and (name := p.relative_to(output).as_posix()) not in listed
        and name not in incoming
        and name not in stale
        and name != MANIFEST
    ]
    assert not strays, strays[:5]


def _run(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*SITEGEN, "build", "--config", str(root / "sitegen.toml"), *args],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def _clean_copy(root: Path, to: Path) -> Path:
    """The same site in another folder, built from nothing."""
    to.mkdir(parents=True)
    shutil.copy2(root / "sitegen.toml", to / "sitegen.toml")
    shutil.copytree(root / "content", to / "content", symlinks=True)
    done = _run(to)
    assert done.returncode == 0, done.stderr
    return to / "output"


def _synthetic(root: Path, cables: int) -> Path:
    subprocess.run(
        [sys.executable, str(ROOT / "bench/synth.py"), str(root), "--cables", str(cables)],
        check=True,
        capture_output=True,
    )
    return root


def _edit(root: Path, rng: random.Random, n: int) -> None:
    """Change ``n`` cables' subjects, remove one and add one."""
    files = sorted((root / "content/cables").rglob("*.txt"))
    for path in rng.sample(files, n):
        text = path.read_text(encoding="utf-8")
        path.write_text(text.replace("SUBJECT: ", f"SUBJECT: EDIT {rng.random():.6f} ", 1), "utf-8")
    rng.choice(files).unlink()
    extra = root / f"content/cables/08BAKU{rng.randrange(1, 10**6)}.txt"
    extra.write_text(cable(extra.stem, subject="ADDED"), encoding="utf-8")


def test_sigkill_at_random_points_leaves_a_whole_site_and_the_next_build_catches_up(
    tmp_path: Path,
) -> None:
    """A build of 800 cables killed (SIGKILL) after random delays: the first build once,
    then five times between edits, some during a full rewrite (``--clean``), whose move
    into place is longest. (A first build has no previous site to keep: the next one
    must still make the whole site.)"""
    root = _synthetic(tmp_path / "site", 800)
    rng = random.Random(8)

    def killed(delay: float, *args: str) -> bool:
        process = subprocess.Popen(
            [*SITEGEN, "build", "--config", str(root / "sitegen.toml"), *args],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(delay)
        running = process.poll() is None
        process.kill()
        process.wait()
        return running

    assert killed(1.0)
    started = time.monotonic()
    assert _run(root).returncode == 0
    full = time.monotonic() - started
    assert_whole(root / "output")
    killed_running = 0
    for round_ in range(5):
        _edit(root, rng, 20)
        args = ("--clean",) if round_ % 2 else ()
        # A build of a few edits takes a fraction of a whole one; --clean takes all of it.
        killed_running += killed(rng.uniform(0.1, full * (1.0 if args else 0.4)), *args)
        assert_whole(root / "output")
    assert killed_running >= 2  # most kills landed while the build ran
    done = _run(root)
    assert done.returncode == 0, done.stderr
    assert not (root / "output" / STAGING).exists()
    assert_whole(root / "output")
    assert tree(root / "output") == tree(_clean_copy(root, tmp_path / "clean"))


def _kill_on_rename(number: int) -> str:
    """Python run in a child: the build, killed by SIGKILL at the ``number``-th file it
    moves from the staging folder into place."""
    return (
        "import os, signal, sys\n"
        "real = os.replace\n"
        "count = [0]\n"
        "def replace(src, dst, **kw):\n"
        f"    if {STAGING!r} in str(src) and not str(src).endswith('.tmp'):\n"
        "        count[0] += 1\n"
        f"        if count[0] == {number}:\n"
        "            os.kill(os.getpid(), signal.SIGKILL)\n"
        "    return real(src, dst, **kw)\n"
        "os.replace = replace\n"
        "from sitegen.cli.main import main\n"
        "sys.exit(main(sys.argv[1:]))\n"
    )


@pytest.mark.parametrize("number", [1, 5, 40])
def test_a_build_killed_while_moving_files_into_place_is_completed_by_the_next(
    tmp_path: Path, number: int
) -> None:
    root = make_site(
        tmp_path / "site",
        {f"content/cables/08BAKU{i}.txt": cable(f"08BAKU{i}") for i in range(1, 30)},
        "search = false\n",
    )
    assert _run(root).returncode == 0
    for i in range(1, 30):
        (root / f"content/cables/08BAKU{i}.txt").write_text(
            cable(f"08BAKU{i}", subject=f"CHANGED {i}"), encoding="utf-8"
        )
    (root / "content/cables/08BAKU3.txt").unlink()
    script = _kill_on_rename(number)
    child = subprocess.run(
        [sys.executable, "-c", script, "build", "--config", str(root / "sitegen.toml")],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert child.returncode == -signal.SIGKILL, child.stderr
    assert_whole(root / "output")
    assert verify(root / "output").pending
    # Killed before its first rename, a build has changed no file yet; after, some files
    # are the new ones, and verify says so.
    assert main(["verify", str(root / "output")]) == (0 if number == 1 else 1)
    done = _run(root)
    assert done.returncode == 0, done.stderr
    assert_whole(root / "output")
    assert not (root / "output" / STAGING).exists()
    assert tree(root / "output") == tree(_clean_copy(root, tmp_path / "clean"))


def test_a_move_that_fails_half_way_is_kept_and_completed_by_the_next_build(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A rename that fails in the middle of the move (an I/O error): the build fails, the
    move's record stays (discarding it would leave old and new files under the old
    manifest) and the next build completes it."""
    root = _small_site(tmp_path / "site")
    build(load_config(root / "sitegen.toml"))
    for i in range(1, 9):
        (root / f"content/cables/08BAKU{i}.txt").write_text(_small_cable(i, f"NEW {i}"), "utf-8")
    real = os.replace
    moved: list[str] = []

    def failing(source: str | Path, target: str | Path) -> None:
        if STAGING in str(source) and not str(source).endswith(".tmp"):
            moved.append(str(target))
            if len(moved) == 4:
                raise OSError(5, "Input/output error")
        real(source, target)

    monkeypatch.setattr(os, "replace", failing)
    with pytest.raises(BuildError, match="Input/output error"):
        build(load_config(root / "sitegen.toml"), jobs=1)
    monkeypatch.undo()
    assert (root / "output" / STAGING / COMMIT).is_file()
    assert_whole(root / "output")
    result = build(load_config(root / "sitegen.toml"), jobs=1)
    assert "interrupted-build" in {d.code for d in result.diagnostics}
    assert not (root / "output" / STAGING).exists()
    assert tree(root / "output") == tree(_clean_copy(root, tmp_path / "clean"))


def test_what_a_killed_search_left_in_the_cache_is_removed(tmp_path: Path) -> None:
    """Pagefind works in the cache folder; a build killed while it indexed left a shard's
    files there (tens of megabytes each at scale): the next indexing removes them."""
    root = _small_site(tmp_path / "site", 3)
    (root / "sitegen.toml").write_text("search = true\n", encoding="utf-8")
    site = Site(load_config(root / "sitegen.toml"))
    leftover = site.search.scratch() / "search-killed" / "0" / "bundle"
    leftover.mkdir(parents=True)
    (leftover / "pagefind.js").write_bytes(b"x" * 1000)
    site.build()
    assert not leftover.exists()
    assert (root / "output/pagefind").is_dir()


def _small_cable(i: int, subject: str, body: str = "1. (C) Text.") -> str:
    return cable(
        f"08BAKU{i}", subject=subject, created=f"2008-0{1 + i % 3}-1{i % 10} 10:00", body=body
    )


def _small_site(root: Path, n: int = 8) -> Path:
    files = {f"content/cables/08BAKU{i}.txt": _small_cable(i, f"S {i}") for i in range(1, n + 1)}
    return make_site(root, files, "search = false\npage_size = 3\n")


def _flip(path: Path, at: float, count: int = 64) -> None:
    data = bytearray(path.read_bytes())
    start = int(len(data) * at)
    for i in range(start, min(len(data), start + count)):
        data[i] ^= 0x5A
    path.write_bytes(bytes(data))


def _sqlite_garbage(cache: Path) -> None:
    for path in cache.glob("cables.sqlite*"):
        path.write_bytes(os.urandom(8192))


def _sqlite_pages_damaged(cache: Path) -> None:
    """Every page of the database past the schema's has bytes flipped (its log folded in
    first, as at the end of a large build, so the damage is what sqlite reads)."""
    with contextlib.closing(sqlite3.connect(cache / "cables.sqlite")) as db:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    path = cache / "cables.sqlite"
    data = bytearray(path.read_bytes())
    for page in range(2 * 4096, len(data), 4096):
        for i in range(page + 100, min(page + 4000, len(data)), 7):
            data[i] ^= 0x5A
    path.write_bytes(bytes(data))


def _each(pattern: str, damage: Callable[[Path], object]) -> Callable[[Path], None]:
    def apply(cache: Path) -> None:
        paths = list(cache.glob(pattern))
        assert paths, pattern
        for path in paths:
            damage(path)

    return apply


DAMAGE: dict[str, Callable[[Path], None]] = {
    "sqlite garbage": _sqlite_garbage,
    "sqlite pages damaged": _sqlite_pages_damaged,
    "state truncated": _each("state-*.bin", lambda p: p.write_bytes(p.read_bytes()[:-999])),
    "state bytes flipped": _each("state-*.bin", lambda p: _flip(p, 0.5)),
    "state garbage": _each("state-*.bin", lambda p: p.write_bytes(os.urandom(999))),
    "journal garbage": _each(
        "state-*.journal", lambda p: p.write_bytes(p.read_bytes() + os.urandom(300))
    ),
    "journal bytes flipped": _each("state-*.journal", lambda p: _flip(p, 0.5)),
}


@pytest.mark.parametrize("kind", sorted(DAMAGE))
def test_a_damaged_cache_is_reported_rebuilt_and_changes_nothing(tmp_path: Path, kind: str) -> None:
    root = _small_site(tmp_path / "site")
    config = load_config(root / "sitegen.toml")
    build(config)
    (root / "content/cables/08BAKU2.txt").write_text(_small_cable(2, "JOURNALED"), "utf-8")
    Site(config).build()  # a small change: a journal record
    cache = root / ".sitegen-cache"
    assert list(cache.glob("state-*.journal")), "no journal to damage"
    DAMAGE[kind](cache)
    (root / "content/cables/08BAKU5.txt").write_text(_small_cable(5, "AFTER"), "utf-8")
    result = Site(load_config(root / "sitegen.toml")).build()
    notes = [d for d in result.diagnostics if d.code == "cache"]
    assert notes and all(d.severity == "info" for d in notes), result.diagnostics
    assert not [d for d in result.diagnostics if d.severity == "error"]
    assert_whole(root / "output")
    assert tree(root / "output") == tree(_clean_copy(root, tmp_path / "clean"))
    again = Site(load_config(root / "sitegen.toml")).build()
    assert again.rendered == 0 and not [d for d in again.diagnostics if d.code == "cache"]


def _limited(size: int) -> None:
    """In the child before it runs: files may grow to ``size`` bytes; past it a write
    fails with EFBIG (CPython ignores SIGXFSZ; ignoring it here says so)."""
    import resource

    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (size, size))


@pytest.mark.parametrize("size", [0, 2_000, 30_000])
def test_a_full_disk_is_one_clear_error_and_the_site_stays(tmp_path: Path, size: int) -> None:
    root = _small_site(tmp_path / "site")
    assert _run(root).returncode == 0
    before = tree(root / "output")
    for i in range(1, 9):
        (root / f"content/cables/08BAKU{i}.txt").write_text(
            cable(f"08BAKU{i}", subject=f"BIGGER {i}", body="1. (C) Words. " * 3000),
            encoding="utf-8",
        )
    child = subprocess.run(
        [*SITEGEN, "build", "--config", str(root / "sitegen.toml")],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        preexec_fn=lambda: _limited(size),
    )
    assert child.returncode == 1, child.stderr
    errors = [line for line in child.stderr.splitlines() if line.startswith("sitegen: error:")]
    assert len(errors) == 1 and str(root / "output") in errors[0], child.stderr
    assert "Traceback" not in child.stderr
    assert tree(root / "output") == before
    done = _run(root)
    assert done.returncode == 0, done.stderr
    assert tree(root / "output") == tree(_clean_copy(root, tmp_path / "clean"))


@contextlib.contextmanager
def _tmpfs(folder: Path, size: int) -> Iterator[Path]:
    folder.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)],
        capture_output=True,
        check=False,
    )
    if mounted.returncode != 0:
        pytest.skip("cannot mount a small tmpfs here (not root?)")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)


def test_a_really_full_disk_leaves_the_site(tmp_path: Path) -> None:
    """The output on a tmpfs with room for one site and a little: a rebuild that must
    rewrite every file runs out of space (ENOSPC) while staging."""
    root = _small_site(tmp_path / "site", 30)
    with _tmpfs(tmp_path / "disk", 4 * 1024 * 1024) as disk:
        (root / "sitegen.toml").write_text(
            f'search = false\noutput_dir = "{disk / "out"}"\n', encoding="utf-8"
        )
        assert _run(root).returncode == 0
        # Room left for half the site (counted in blocks: small files take a block each).
        space = os.statvfs(disk)
        used = (space.f_blocks - space.f_bfree) * space.f_frsize
        filler = disk / "filler"
        filler.write_bytes(b"\0" * max(0, space.f_bavail * space.f_frsize - used // 2))
        before = tree(disk / "out")
        for i in range(1, 31):
            (root / f"content/cables/08BAKU{i}.txt").write_text(
                cable(f"08BAKU{i}", subject=f"BIGGER {i}", body="1. (C) Words. " * 200),
                encoding="utf-8",
            )
        child = _run(root, "--clean")
        assert child.returncode == 1, child.stderr
        errors = [line for line in child.stderr.splitlines() if line.startswith("sitegen: error:")]
        assert len(errors) == 1 and str(disk / "out") in errors[0], child.stderr
        assert "No space left" in errors[0]
        assert tree(disk / "out") == before
        filler.unlink()
        assert _run(root).returncode == 0
        assert_whole(disk / "out")


@pytest.mark.parametrize("how", ["deleted", "fifo", "folder", "replaced", "grown"])
def test_a_file_that_changes_while_it_is_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, how: str
) -> None:
    """The moment a cable, a page and a note are read, each is deleted, made a named pipe
    or a folder, replaced, or grown past the limit: a diagnostic, no crash, and the next
    build (the files back) equals a clean build."""
    root = _small_site(tmp_path / "site")
    (root / "content/pages").mkdir()
    (root / "content/pages/about.md").write_text("# About\n", encoding="utf-8")
    (root / "content/notes").mkdir()
    (root / "content/notes/08BAKU1.md").write_text("A note.\n", encoding="utf-8")
    targets = {"08BAKU3.txt", "about.md", "08BAKU1.md"}
    paths = {p.name: p for p in (root / "content").rglob("*") if p.name in targets}
    saved = {name: path.read_bytes() for name, path in paths.items()}

    def racing(path: str, limit: int) -> bytes:
        name = Path(path).name
        if name in targets:
            os.unlink(path)
            if how == "fifo":
                os.mkfifo(path)
            elif how == "folder":
                os.mkdir(path)
            elif how == "replaced":
                Path(path).write_bytes(saved[name].replace(b"SUBJECT 3", b"SWAPPED"))
            elif how == "grown":
                Path(path).write_bytes(b"x" * (limit + 1))
        return read_limited(path, limit)

    monkeypatch.setattr(sitegen.content.parsing, "read_limited", racing)
    monkeypatch.setattr(sitegen.content.pages, "read_limited", racing)
    result = build(load_config(root / "sitegen.toml"), jobs=1)
    monkeypatch.undo()
    codes = {d.path.rsplit("/", 1)[-1]: d.code for d in result.diagnostics}
    if how != "replaced":
        assert {codes.get(t) for t in targets} <= {"unreadable", "not-a-file", "too-large"}
        assert all(t in codes for t in targets), result.diagnostics
    assert_whole(root / "output")
    for name, data in saved.items():
        path = paths[name]
        if path.is_dir():
            path.rmdir()
        else:
            path.unlink(missing_ok=True)
        path.write_bytes(data)
    again = build(load_config(root / "sitegen.toml"), jobs=1)
    assert not [d for d in again.diagnostics if d.severity == "error"]
    assert tree(root / "output") == tree(_clean_copy(root, tmp_path / "clean"))
