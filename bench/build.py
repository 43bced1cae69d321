"""Print the build's figures at several sizes: clean, no-op and one-cable rebuilds.

Usage: python bench/build.py [--sizes 2000,20000,250000] [--jobs N] [--work DIR] [--keep]
                             [--corpus ../shared/corpus/cables] [--search]

For each size a synthetic site is generated (``bench/synth.py``, seed 1, kept between runs
in the work folder), then three ``sitegen build`` processes are timed: a clean build (no
output, no cache), a build with nothing changed, and a build after one cable's subject was
edited. Each line gives the wall time, cables per second, the peak resident memory (of the
largest process: the build or one of its workers, which share most of their pages by fork),
the peak of the memory summed over all the build's processes (PSS: a page shared by fork
counted once; ``bench/measure.py``), and the output's size and file count. The sample corpus
is built the same way (by its path; it is never copied). The one-cable rebuild's output is
compared with a clean build of the edited folder. The sites are built without the search
index unless ``--search`` is given (``bench/search.py`` times the index alone).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from measure import Measured, failed, sitegen
from synth import generate, write_config

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", default="2000,20000,250000")
    parser.add_argument("--jobs", type=int, default=None)
    parser.add_argument("--work", type=Path, default=Path("bench-work"))
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared/corpus/cables")
    parser.add_argument("--keep", action="store_true", help="keep the outputs")
    parser.add_argument("--no-compare", action="store_true", help="skip the clean comparison")
    parser.add_argument(
        "--search", action="store_true", help="build the search index too (off by default)"
    )
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    print(f"{os.cpu_count()} cores, Python {sys.version.split()[0]}, jobs {args.jobs or 'all'}")
    print(
        f"{'site':>16} {'build':>9} {'wall s':>8} {'cables/s':>9} {'peak MB':>8} {'sum MB':>7}"
        f" {'output':>9} {'files':>9}"
    )
    for size in [int(s) for s in args.sizes.split(",") if s]:
        site = args.work / f"synth-{size}"
        if not (site / "sitegen.toml").is_file():
            started = time.perf_counter()
            generate(site, size, seed=1)
            print(f"{'':>16} generated {size} cables in {time.perf_counter() - started:.1f} s")
        write_config(site, size, search=args.search)
        run_site(f"synthetic {size}", site, size, args)
    if args.corpus.is_dir():
        site = args.work / "corpus"
        site.mkdir(exist_ok=True)
        content = json.dumps(str(args.corpus.resolve().parent))
        (site / "sitegen.toml").write_text(
            f'title = "Sample corpus"\ncontent_dir = {content}\n'
            f"search = {str(args.search).lower()}\n",
            encoding="utf-8",
        )
        run_site("corpus", site, len(list(args.corpus.glob("*.txt"))), args, edit=False)


def run_site(
    label: str, site: Path, cables: int, args: argparse.Namespace, edit: bool = True
) -> None:
    for folder in ("output", ".sitegen-cache"):
        shutil.rmtree(site / folder, ignore_errors=True)
    report(label, "clean", timed(site, args.jobs), cables, site)
    report(label, "no-op", timed(site, args.jobs), cables, site)
    if not edit:
        return
    files = sorted((site / "content" / "cables").rglob("*.txt"))
    target = files[len(files) // 2]
    original = target.read_text(encoding="utf-8")
    target.write_text(re.sub(r"SUBJECT: ", "SUBJECT: EDITED ", original, count=1), encoding="utf-8")
    try:
        report(label, "one cable", timed(site, args.jobs), cables, site)
        if not args.no_compare:
            compare(site, args.jobs)
    finally:
        target.write_text(original, encoding="utf-8")
    if not args.keep:
        for folder in ("output", ".sitegen-cache"):
            shutil.rmtree(site / folder, ignore_errors=True)


def timed(site: Path, jobs: int | None, *extra: str) -> Measured:
    """One build in ``site``, measured."""
    arguments = ["build", *extra, *(["--jobs", str(jobs)] if jobs else [])]
    done = sitegen(*arguments, cwd=site)
    if done.returncode not in (0, 1):
        raise failed(f"build in {site}", done)
    return done


def report(label: str, kind: str, done: Measured, cables: int, site: Path) -> None:
    files = [p for p in (site / "output").rglob("*") if p.is_file()]
    size = sum(p.stat().st_size for p in files)
    print(
        f"{label:>16} {kind:>9} {done.wall:8.2f} {cables / done.wall:9.0f} {done.peak_mb:8.0f}"
        f" {done.summed_pss_mb:7.0f} {size / 1e6:8.0f}M {len(files):9d}   {done.summary}",
        flush=True,
    )


def tree(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in folder.rglob("*")
        if p.is_file()
    }


def compare(site: Path, jobs: int | None) -> None:
    """The incremental output against a clean build of the same folder, elsewhere."""
    incremental = tree(site / "output")
    clean_out = site / "output-clean"
    command = [sys.executable, "-m", "sitegen", "build", "--output", str(clean_out.resolve())]
    if jobs:
        command += ["--jobs", str(jobs)]
    subprocess.run(command, cwd=site, capture_output=True, check=False)
    clean = tree(clean_out)
    shutil.rmtree(clean_out, ignore_errors=True)
    differ = sorted(p for p in set(clean) | set(incremental) if clean.get(p) != incremental.get(p))
    verdict = "identical" if not differ else f"{len(differ)} files differ: {differ[:5]}"
    print(f"{'':>16} one-cable rebuild vs a clean build: {verdict}", flush=True)


if __name__ == "__main__":
    main()
