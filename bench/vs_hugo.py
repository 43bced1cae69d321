"""Time sitegen and Hugo side by side on the same synthetic archive, alternating, and print
the median ratio (sitegen's time over Hugo's; below 1 sitegen is faster).

Usage: python bench/vs_hugo.py [--cables 20000] [--rounds 3] [--search] [--work DIR]

The archive is made by ``bench/synth.py`` (seed 1) and kept in the work folder between
runs. For Hugo, each cable is read once with sitegen's parser (not timed) and written as a
Markdown page with its ID, date, subject, tags, origin and classification in the front
matter and its text as a code block; a small theme gives a page per cable, a page per tag,
origin and classification (paginated by 50, as sitegen's lists), the indexes of those, and
the home page. Both build from nothing in each round (output and caches removed), on all
cores. With ``--search``, sitegen builds with its search on (its default) and Hugo is
followed by Pagefind over Hugo's output (the ``pagefind-bin`` package's binary, when
installed).

Hugo comes from Debian (``apt-get install hugo``); the script stops with a message when it
is missing. A round's figures are wall seconds of the whole processes.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from synth import generate, write_config

from sitegen.parse import parse_file

ROOT = Path(__file__).resolve().parent.parent

_LAYOUTS = {
    "_default/baseof.html": (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        "<title>{{ .Title }}</title></head><body><nav>"
        '<a href="{{ "" | relURL }}">Home</a> <a href="{{ "tags/" | relURL }}">Tags</a> '
        '<a href="{{ "origins/" | relURL }}">Origins</a></nav>'
        '<main data-pagefind-body>{{ block "main" . }}{{ end }}</main></body></html>\n'
    ),
    "_default/single.html": (
        '{{ define "main" }}<h1>{{ .Title }}</h1><dl><dt>ID</dt><dd>{{ .Params.cable_id }}</dd>'
        '<dt>Date</dt><dd>{{ .Date.Format "2 January 2006" }}</dd>'
        '<dt>Origin</dt><dd>{{ range .GetTerms "origins" }}'
        '<a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a>{{ end }}</dd>'
        '<dt>Classification</dt><dd>{{ range .GetTerms "classifications" }}'
        '<a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a>{{ end }}</dd>'
        '<dt>Tags</dt><dd>{{ range .GetTerms "tags" }}'
        '<a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a> {{ end }}</dd></dl>'
        "{{ .Content }}"
        '{{ with .PrevInSection }}<a href="{{ .RelPermalink }}">previous</a>{{ end }}'
        '{{ with .NextInSection }}<a href="{{ .RelPermalink }}">next</a>{{ end }}'
        "{{ end }}\n"
    ),
    "_default/list.html": (
        '{{ define "main" }}<h1>{{ .Title }}</h1><ul>'
        "{{ range (.Paginate .Pages.ByDate.Reverse 50).Pages }}"
        '<li><a href="{{ .RelPermalink }}">{{ .Title }}</a> {{ .Params.cable_id }} · '
        '{{ .Date.Format "2 January 2006" }}</li>{{ end }}</ul>'
        '{{ template "_internal/pagination.html" . }}{{ end }}\n'
    ),
    "_default/terms.html": (
        '{{ define "main" }}<h1>{{ .Title }}</h1><ul>{{ range .Data.Terms.ByCount }}'
        '<li><a href="{{ .Page.RelPermalink }}">{{ .Page.Title }}</a> {{ .Count }}</li>'
        "{{ end }}</ul>{{ end }}\n"
    ),
    "index.html": (
        '{{ define "main" }}<h1>{{ .Site.Title }}</h1><ul>'
        '{{ range first 10 (where .Site.RegularPages "Section" "cable").ByDate.Reverse }}'
        '<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ul>{{ end }}\n'
    ),
}


def _hugo_site(cables: Path, site: Path) -> int:
    """The Hugo site of the cable files under ``cables``: a page per cable."""
    content = site / "content" / "cable"
    content.mkdir(parents=True)
    count = 0
    for path in sorted(cables.rglob("*.txt")):
        cable = parse_file(path, path.name)
        if not cable.id:
            continue
        front = {
            "title": cable.subject or cable.id,
            "date": (cable.created or "2000-01-01")[:10],
            "cable_id": cable.id,
            "tags": cable.tags,
            "origins": [cable.origin_code] if cable.origin_code else [],
            "classifications": [cable.classification] if cable.classification else [],
        }
        text = cable.text.replace("```", "'''")
        page = f"{json.dumps(front, ensure_ascii=False)}\n\n```\n{text}\n```\n"
        (content / f"{cable.id}.md").write_text(page, encoding="utf-8")
        count += 1
    (site / "hugo.toml").write_text(
        'baseURL = "/"\ntitle = "Cable archive"\nrelativeURLs = true\n'
        "disableKinds = ['RSS', 'sitemap', 'robotsTXT']\n"
        "[pagination]\npagerSize = 50\n"
        "[taxonomies]\ntag = 'tags'\norigin = 'origins'\nclassification = 'classifications'\n",
        encoding="utf-8",
    )
    for name, text in _LAYOUTS.items():
        target = site / "layouts" / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    return count


def _pagefind() -> Path | None:
    try:
        from pagefind_bin import get_executable  # type: ignore[import-untyped]
    except ImportError:
        return None
    return Path(get_executable())


def _timed(command: list[str], cwd: Path) -> float:
    start = time.perf_counter()
    done = subprocess.run(command, cwd=cwd, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if done.returncode not in (0, 1):
        sys.exit(f"{' '.join(command)} failed ({done.returncode}):\n{done.stderr[-3000:]}")
    return seconds


def _sitegen_round(site: Path) -> float:
    for name in ("output", ".sitegen-cache"):
        shutil.rmtree(site / name, ignore_errors=True)
    return _timed([sys.executable, "-m", "sitegen", "build"], site)


def _hugo_round(site: Path, pagefind: Path | None) -> float:
    for name in ("public", "resources"):
        shutil.rmtree(site / name, ignore_errors=True)
    seconds = _timed(["hugo", "--quiet"], site)
    if pagefind is not None:
        seconds += _timed([str(pagefind), "--site", "public"], site)
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--cables", type=int, default=20_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument(
        "--search", action="store_true", help="sitegen with search, Hugo + Pagefind"
    )
    parser.add_argument("--work", type=Path, default=ROOT / "test-artifacts" / "vs-hugo")
    args = parser.parse_args()
    if shutil.which("hugo") is None:
        sys.exit("hugo is not installed (Debian: apt-get install hugo)")
    pagefind = _pagefind() if args.search else None
    if args.search and pagefind is None:
        sys.exit("--search needs Pagefind for Hugo: pip install pagefind-bin")
    work = args.work / str(args.cables)
    ours, theirs = work / "sitegen", work / "hugo"
    if not (ours / "content").is_dir():
        generate(ours, args.cables, 1)
    write_config(ours, args.cables, search=args.search)
    if not (theirs / "content").is_dir():
        shutil.rmtree(theirs, ignore_errors=True)
        made = _hugo_site(ours / "content" / "cables", theirs)
        print(f"Hugo site: {made} cable pages", flush=True)
    version = subprocess.run(["hugo", "version"], capture_output=True, text=True).stdout.strip()
    label = "Hugo + Pagefind" if pagefind else "Hugo"
    print(f"{args.cables:,} cables, search {'on' if args.search else 'off'}; {version}")
    ratios = []
    for number in range(1, args.rounds + 1):
        a = _sitegen_round(ours)
        b = _hugo_round(theirs, pagefind)
        ratios.append(a / b)
        print(
            f"round {number}: sitegen {a:.1f} s, {label} {b:.1f} s, ratio {a / b:.2f}", flush=True
        )
    print(f"median ratio sitegen / {label}: {statistics.median(ratios):.2f}")


if __name__ == "__main__":
    main()
