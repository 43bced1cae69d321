"""Incremental rebuilds are exact: after any sequence of edits, the output of a site kept
alive between builds, or started again from the cache, equals a clean full build of the
same content."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from sitegen.core.config import load_config
from sitegen.site.build import Site, build

POSTS = [("BAKU", "AMEMBASSY BAKU"), ("ANKARA", "AMEMBASSY ANKARA"), ("STATE", "SECSTATE WASHDC")]
TAGS = ["PREL", "PGOV", "AJ", "TU", "KNNP", "ECON"]
MONTHS = ["JAN", "FEB", "MAR"]


def telegram(
    post: int, serial: int, day: int, month: int, tags: list[str], refs: list[str], subject: str
) -> str:
    code, station = POSTS[post]
    ref_block = (
        "REF: " + " ".join(f"{chr(65 + i)}. {r}" for i, r in enumerate(refs)) + "\n\n"
        if refs
        else ""
    )
    return (
        f"O {day:02d}1200Z {MONTHS[month]} 08\nFM {station}\n"
        "TO RUEHC/SECSTATE WASHDC IMMEDIATE\nBT\n"
        f"C O N F I D E N T I A L {code} {serial:06d}\n\nE.O. 12958: DECL: 01/01/2018\n"
        f"TAGS: {', '.join(tags)}\nSUBJECT: {subject}\n\n{ref_block}"
        f"1. (C) Azerbaijan,s text for {subject.lower()}.\n"
    )


cable_spec = st.fixed_dictionaries(
    {
        "post": st.integers(0, len(POSTS) - 1),
        "serial": st.integers(1, 6),
        "day": st.integers(1, 28),
        "month": st.integers(0, 2),
        "tags": st.lists(st.sampled_from(TAGS), min_size=1, max_size=3, unique=True),
        "refs": st.lists(st.tuples(st.integers(0, len(POSTS) - 1), st.integers(1, 6)), max_size=3),
        "subject": st.sampled_from(["FIRST SUBJECT", "SECOND SUBJECT", "THIRD <SUBJECT>"]),
    }
)
operation = st.one_of(
    st.tuples(st.just("write"), st.integers(0, 7), cable_spec),
    st.tuples(st.just("delete"), st.integers(0, 7), st.none()),
    st.tuples(st.just("rename"), st.integers(0, 7), st.integers(0, 7)),
    st.tuples(st.just("note"), st.integers(0, 7), st.sampled_from(["A note.", "Another note."])),
    st.tuples(st.just("page"), st.integers(0, 1), st.sampled_from(["Body one.", "Body two."])),
    st.tuples(st.just("title"), st.integers(0, 1), st.sampled_from(["About", "Sources"])),
)


class Clock:
    """Strictly increasing modification times, so every edit is seen as one."""

    def __init__(self) -> None:
        self.now = 1_700_000_000_000_000_000

    def touch(self, path: Path) -> None:
        self.now += 1_000_000
        os.utime(path, ns=(self.now, self.now))


def _apply(root: Path, op: tuple[str, int, object], clock: Clock) -> None:
    kind, n, arg = op
    cables = root / "content" / "cables"
    cables.mkdir(parents=True, exist_ok=True)
    files = sorted(cables.glob("*.txt"))
    if kind == "write":
        assert isinstance(arg, dict)
        refs = [f"{POSTS[p][0]} {s}" for p, s in arg["refs"]]
        path = cables / f"file{n}.txt"
        path.write_text(
            telegram(
                arg["post"],
                arg["serial"],
                arg["day"],
                arg["month"],
                arg["tags"],
                refs,
                arg["subject"],
            ),
            encoding="utf-8",
        )
        clock.touch(path)
    elif kind == "delete" and files:
        files[n % len(files)].unlink()
    elif kind == "rename" and files:
        assert isinstance(arg, int)
        target = cables / f"file{arg}.txt"
        files[n % len(files)].replace(target)
        clock.touch(target)
    elif kind == "note":
        notes = root / "content" / "notes"
        notes.mkdir(parents=True, exist_ok=True)
        path = notes / f"08{POSTS[n % 3][0]}{n % 6 + 1}.md"
        path.write_text(str(arg), encoding="utf-8")
        clock.touch(path)
    elif kind in ("page", "title"):
        pages = root / "content" / "pages"
        pages.mkdir(parents=True, exist_ok=True)
        path = pages / f"page{n}.md"
        old = (
            path.read_text(encoding="utf-8") if path.exists() else "---\ntitle: About\n---\nBody.\n"
        )
        head, _, body = old.partition("---\n")[2].partition("---\n")
        if kind == "page":
            body = f"{arg} Mentions 08BAKU1.\n"
        else:
            head = f"title: {arg}\n"
        path.write_text(f"---\n{head}---\n{body}", encoding="utf-8")
        clock.touch(path)


def _tree(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@settings(
    max_examples=15,
    deadline=None,
    phases=[Phase.explicit, Phase.reuse, Phase.generate],  # report, do not spend minutes shrinking
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(st.lists(st.tuples(operation, st.booleans()), min_size=1, max_size=8))
def test_incremental_output_equals_a_clean_build(
    steps: list[tuple[tuple[str, int, object], bool]],
) -> None:
    """``anew``: the step's build starts in a new :class:`Site`, as a new ``sitegen build``
    process does, from the state the previous one saved in the cache."""
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "site"
        root.mkdir()
        (root / "sitegen.toml").write_text('title = "Live"\npage_size = 2\n', encoding="utf-8")
        clock = Clock()
        _apply(
            root,
            (
                "write",
                0,
                {
                    "post": 0,
                    "serial": 1,
                    "day": 5,
                    "month": 0,
                    "tags": ["PREL"],
                    "refs": [],
                    "subject": "FIRST SUBJECT",
                },
            ),
            clock,
        )
        site = Site(load_config(root / "sitegen.toml"), jobs=1)
        site.build()
        for op, anew in steps:
            _apply(root, op, clock)
            if anew:
                site = Site(load_config(root / "sitegen.toml"), jobs=1)
            site.build()
            clean_root = Path(tmp) / "clean"
            shutil.rmtree(clean_root, ignore_errors=True)
            shutil.copytree(root / "content", clean_root / "content")
            shutil.copy(root / "sitegen.toml", clean_root / "sitegen.toml")
            build(load_config(clean_root / "sitegen.toml"), jobs=1)
            live, clean = _tree(root / "output"), _tree(clean_root / "output")
            assert sorted(live) == sorted(clean), op
            assert [n for n in live if live[n] != clean[n]] == [], op
