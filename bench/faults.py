"""Kill builds of a large synthetic site at random points and print what each kill left.

Usage: python bench/faults.py [--cables 20000] [--rounds 10] [--seed 8] [--work DIR]
                              [--search]

The site (``bench/synth.py``, seed 1) is built once whole; then, each round, twenty cables
are edited and one renamed, and ``sitegen build`` (every other round with
``--clean``, which rewrites every file) is killed with SIGKILL after a random delay up to
the time a whole build took. After each kill ``sitegen verify`` checks the output against
its manifest (a build killed while moving its files into place leaves a move pending,
whole file by whole file, which the next build completes). At the end one more build
runs, and its output is compared with a clean build of the same content elsewhere.
``tests/test_faults.py`` runs the same at 800 cables.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import random
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]  # the sitegen beside this script
from synth import generate, write_config  # noqa: E402

from sitegen.output.verify import verify  # noqa: E402

ENV = dict(os.environ, PYTHONPATH=str(ROOT))
"""The builds run the sitegen beside this script."""


def build(site: Path, *args: str) -> tuple[int, float]:
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "sitegen", "build", *args], cwd=site, capture_output=True, env=ENV
    )
    return done.returncode, time.perf_counter() - started


def edit(site: Path, rng: random.Random) -> None:
    files = sorted((site / "content/cables").rglob("*.txt"))
    for path in rng.sample(files, 20):
        text = path.read_text(encoding="utf-8")
        path.write_text(text.replace("SUBJECT: ", f"SUBJECT: EDIT {rng.random():.6f} ", 1), "utf-8")
    gone = rng.choice(files)
    shutil.copy(gone, gone.with_name(f"{gone.stem}0.txt"))  # (an ID the file name gives)
    gone.unlink()


def tree(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in folder.rglob("*")
        if p.is_file()
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--cables", type=int, default=20_000)
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--seed", type=int, default=8)
    parser.add_argument("--work", type=Path, default=Path("bench-work/faults"))
    parser.add_argument("--search", action="store_true")
    args = parser.parse_args()
    site = args.work / f"synth-{args.cables}"
    shutil.rmtree(site, ignore_errors=True)
    generate(site, args.cables, seed=1)
    write_config(site, args.cables, search=args.search)
    code, whole = build(site)
    assert code == 0, "the first build failed"
    print(
        f"{args.cables} cables, search {'on' if args.search else 'off'}: first build {whole:.1f} s"
    )
    print(f"{'round':>5} {'kind':>6} {'kill s':>7} {'running':>8} {'left':>8} {'next s':>7}")
    rng = random.Random(args.seed)
    broken = 0
    for n in range(1, args.rounds + 1):
        edit(site, rng)
        extra = ["--clean"] if n % 2 == 0 else []
        process = subprocess.Popen(
            [sys.executable, "-m", "sitegen", "build", *extra],
            cwd=site,
            env=ENV,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        delay = rng.uniform(0.2, whole)
        time.sleep(delay)
        running = process.poll() is None
        process.kill()
        process.wait()
        found = verify(site / "output")
        if found.pending:
            left = "pending"
        elif found.intact:
            left = "whole"
        else:
            left = "BROKEN"
            broken += 1
        if n % 3 == 0:  # now and then the next build runs before the next kill
            _, again = build(site)
            next_build = f"{again:7.1f}"
        else:
            next_build = f"{'-':>7}"
        kind = "clean" if extra else "edits"
        print(f"{n:5d} {kind:>6} {delay:7.1f} {running!s:>8} {left:>8} {next_build}", flush=True)
    code, last = build(site)
    clean_site = args.work / "clean"
    shutil.rmtree(clean_site, ignore_errors=True)
    clean_site.mkdir(parents=True)
    shutil.copy(site / "sitegen.toml", clean_site / "sitegen.toml")
    shutil.copytree(site / "content", clean_site / "content")
    _, clean = build(clean_site)
    same = tree(site / "output") == tree(clean_site / "output")
    print(
        f"last build {last:.1f} s (exit {code}); clean build {clean:.1f} s; "
        f"{'identical' if same else 'DIFFERENT'}; {broken} kills left a broken site"
    )
    shutil.rmtree(clean_site, ignore_errors=True)


if __name__ == "__main__":
    main()
