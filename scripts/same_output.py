"""Build one site with the code of a git revision and with the working tree, and compare the
two outputs byte for byte: a change meant to keep behaviour must print "identical".

Usage: python scripts/same_output.py [--rev REV] [--against REV] [--content DIR]
[--option LINE ...]

``--rev`` (default ``HEAD``) is checked out in a temporary git worktree and run from there
with ``python -m sitegen``; the working tree's code (or ``--against``, checked out the same
way) is run the same way. Both build the
same content (a content folder, default ``../shared/corpus``, whose
``cables/`` holds the cables) with the same configuration, each into
a fresh folder with a fresh cache, so nothing of one build is seen by the other.
"""

from __future__ import annotations

import argparse
import filecmp
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _build(code: Path, site: Path, content: Path, options: list[str]) -> None:
    site.mkdir(parents=True)
    lines = ['title = "Comparison"', f"content_dir = {json.dumps(str(content))}", *options]
    (site / "sitegen.toml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    env = dict(os.environ, PYTHONPATH=str(code))
    done = subprocess.run(
        [sys.executable, "-m", "sitegen", "build", "--jobs", "2"],
        cwd=site,
        env=env,
        capture_output=True,
        text=True,
    )
    if done.returncode not in (0, 1):
        sys.exit(f"build with {code} failed ({done.returncode}):\n{done.stderr[-4000:]}")


def _files(folder: Path) -> list[str]:
    return sorted(
        p.relative_to(folder).as_posix()
        for p in folder.rglob("*")
        if p.is_file() and ".sitegen-staging" not in p.parts
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rev", default="HEAD")
    parser.add_argument("--against", help="a second revision (default: the working tree)")
    parser.add_argument("--content", type=Path, default=ROOT.parent / "shared/corpus")
    parser.add_argument(
        "--option", action="append", default=[], help="a sitegen.toml line, e.g. search=false"
    )
    args = parser.parse_args()
    content = args.content.resolve()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        trees = [(work / "old-code", args.rev)]
        if args.against:
            trees.append((work / "new-code", args.against))
        for folder, rev in trees:
            subprocess.run(
                ["git", "worktree", "add", "--detach", "-q", str(folder), rev], cwd=ROOT, check=True
            )
        try:
            _build(work / "old-code", work / "old", content, args.option)
            _build(work / "new-code" if args.against else ROOT, work / "new", content, args.option)
        finally:
            for folder, _ in trees:
                subprocess.run(["git", "worktree", "remove", "--force", str(folder)], cwd=ROOT)
        old, new = work / "old" / "output", work / "new" / "output"
        old_files, new_files = _files(old), _files(new)
        only_old = sorted(set(old_files) - set(new_files))
        only_new = sorted(set(new_files) - set(old_files))
        common = sorted(set(old_files) & set(new_files))
        differ = [n for n in common if not filecmp.cmp(old / n, new / n, shallow=False)]
        other = args.against or "the working tree"
        print(f"{len(old_files)} files with {args.rev}, {len(new_files)} with {other}")
        for label, names in (("only old", only_old), ("only new", only_new), ("differ", differ)):
            for name in names[:20]:
                print(f"{label}: {name}")
            if len(names) > 20:
                print(f"{label}: ... and {len(names) - 20} more")
        if only_old or only_new or differ:
            print("different")
            return 1
        print("identical")
        return 0


if __name__ == "__main__":
    sys.exit(main())
