"""Print the watch loop's latency and the time of a build with nothing changed.

Usage: python bench/watch.py [SITE_DIR] [--cables N] [--edits K]

Without SITE_DIR a synthetic site of N cables (default 20,000) is generated in a temporary
folder (bench/synth.py). Figures: the first build; for K edits of one cable, the time from
saving the file to the reload event (the end of the rebuild) as watch mode sees it, and,
with search on, the time the search index of the edited shard takes after it; and the
wall time of a separate ``sitegen build`` process when nothing changed.
"""

from __future__ import annotations

import argparse
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from sitegen.core.config import load_config
from sitegen.live.watch import QUIET_SECONDS, Outcome, Watcher

sys.path.insert(0, str(Path(__file__).parent))
from synth import generate


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("site", nargs="?", type=Path)
    parser.add_argument("--cables", type=int, default=20_000)
    parser.add_argument("--edits", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        site = args.site or Path(tmp) / "site"
        if args.site is None:
            generate(site, args.cables, seed=1)
        run(site, args.edits)


def run(site: Path, edits: int) -> None:
    done = threading.Event()
    outcomes: list[Outcome] = []

    def record(outcome: Outcome) -> None:
        outcomes.append(outcome)
        done.set()

    config = load_config(site / "sitegen.toml")
    start = time.perf_counter()
    watcher = Watcher(site / "sitegen.toml", config, on_build=record)
    first = watcher.start()
    assert first.result is not None
    print(f"{first.result.cables} cables: first build {time.perf_counter() - start:.2f} s")
    thread = threading.Thread(target=watcher.run)
    thread.start()
    files = sorted((site / "content" / "cables").rglob("*.txt"))
    latencies: list[float] = []
    searches: list[float] = []
    try:
        for n in range(edits):
            path = files[(n * 7919) % len(files)]
            text = path.read_text(encoding="utf-8")
            edited = re.sub(r"SUBJECT: ", f"SUBJECT: EDITED {n} ", text, count=1)
            done.clear()
            watcher.searched.clear()
            saved = time.perf_counter()
            path.write_text(edited, encoding="utf-8")
            if not done.wait(timeout=120):
                raise SystemExit("no rebuild within 120 s")
            reloaded = time.perf_counter()
            latencies.append(reloaded - saved)
            assert outcomes[-1].ok, outcomes[-1].error
            if config.search:  # the index follows the reload; the next edit waits for it
                if not watcher.searched.wait(timeout=600):
                    raise SystemExit("no search index within 600 s")
                searches.append(time.perf_counter() - reloaded)
    finally:
        watcher.close()
        thread.join()
    print(
        f"save to reload event, {edits} one-cable edits: "
        f"median {statistics.median(latencies) * 1000:.0f} ms, max {max(latencies) * 1000:.0f} ms "
        f"(includes the {QUIET_SECONDS * 1000:.0f} ms quiet period)"
    )
    if searches:
        print(
            f"then the search index of the edited shard: median "
            f"{statistics.median(searches):.1f} s, max {max(searches):.1f} s"
        )
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "sitegen", "build"], cwd=site, check=True, capture_output=True
    )
    print(
        f"sitegen build with nothing changed (a new process): {time.perf_counter() - start:.2f} s"
    )


if __name__ == "__main__":
    main()
