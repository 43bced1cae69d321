"""Write a synthetic corpus of raw telegrams, deterministic for a seed, for scale tests.

Usage: python bench/synth.py OUT_DIR [--cables N] [--seed S]

The shape is that of a released cable with its transmission header (see the formats notes):
routing lines, a date-time group, FM/TO/INFO, the caption, E.O./TAGS/SUBJECT/REF, numbered
paragraphs with portion markings, a signer. The statistics follow the real sample: years
skewed to 2005-2010, a few hundred posts with a heavy head, TAGS drawn Zipf-like, REF lines
in the real variety of forms citing earlier cables (about a third of them in the corpus),
2-20 KB bodies, and some encoding damage (``Azerbaijan,s``, ``&quoted8``). The output folder
is a ready site: ``sitegen.toml`` and ``content/cables/<YEAR>/<ID>.txt``.
"""

from __future__ import annotations

import argparse
import random
from bisect import bisect
from collections.abc import Iterator
from itertools import accumulate
from pathlib import Path

from sitegen.tables.posts import load_posts
from sitegen.tables.tags import _shipped

YEARS = {2003: 14, 2004: 74, 2005: 177, 2006: 349, 2007: 257, 2008: 627, 2009: 1025, 2010: 268}
MONTHS = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"]
LEVELS = [
    ("C O N F I D E N T I A L", "C", 50, ""), ("S E C R E T", "S", 20, "NOFORN"),
    ("UNCLAS", "SBU", 20, "SENSITIVE"), ("UNCLAS", "U", 10, ""),
]  # fmt: skip
# The most frequent codes of the real sample, most frequent first; the tail is drawn at random.
HEAD_TAGS = [
    "PREL", "PGOV", "ECON", "PHUM", "PTER", "PINR", "MARR", "ETRD", "CS", "EG", "EFIN", "IR",
    "SNAR", "BR", "PARM", "SOCI", "MOPS", "ENRG", "KDEM", "EINV", "IC", "CO", "KCRM", "ASEC",
]  # fmt: skip
WORDS = [
    "the",
    "minister",
    "said",
    "government",
    "would",
    "support",
    "talks",
    "with",
    "officials",
    "on",
    "energy",
    "security",
    "and",
    "trade",
    "while",
    "opposition",
    "leaders",
    "questioned",
    "reform",
    "budget",
    "elections",
    "parliament",
    "president",
    "ambassador",
    "embassy",
    "meeting",
    "discussed",
    "regional",
    "cooperation",
    "border",
    "agreement",
    "investment",
    "ministry",
    "foreign",
    "policy",
    "national",
    "council",
    "human",
    "rights",
    "press",
    "military",
    "economic",
    "development",
    "program",
    "visit",
    "delegation",
    "proposal",
    "concern",
    "position",
    "noted",
    "comment",
    "summary",
    "action",
    "request",
    "post",
    "will",
    "continue",
    "to",
    "follow",
    "closely",
]


class Weighted:
    """Draw from items with weights (a cumulative table and a bisection)."""

    def __init__(self, items: list[str], weights: list[float]) -> None:
        self.items = items
        self.cumulative = list(accumulate(weights))

    def pick(self, rng: random.Random) -> str:
        return self.items[bisect(self.cumulative, rng.random() * self.cumulative[-1])]


def _zipf(items: list[str], s: float = 1.1) -> Weighted:
    return Weighted(items, [1 / (rank + 1) ** s for rank in range(len(items))])


def _paragraph(rng: random.Random, number: int, marking: str, size: int) -> str:
    words = [rng.choice(WORDS) for _ in range(size)]
    if rng.random() < 0.3:
        at = rng.randrange(len(words))
        words[at] = "Azerbaijan,s"
    if rng.random() < 0.2 and len(words) > 6:
        at = rng.randrange(len(words) - 4)
        words[at] = "&" + words[at]
        words[at + 3] = words[at + 3] + "8"
    lines, line = [], f"{number}. ({marking})"
    for word in words:
        if len(line) + len(word) > 68:
            lines.append(line)
            line = word
        else:
            line += " " + word
    lines.append(line)
    return "\n".join(lines)


def _reference(rng: random.Random, earlier: list[str], year: int, posts: list[str]) -> str:
    """One REF entry, in one of the forms real cables use."""
    form = rng.random()
    if form < 0.12:
        return rng.choice(["E-MAIL 02/20/08 FROM DESK", "TELCON 3/11", "STATE-EMBASSY SVTC"])
    if earlier and rng.random() < 0.35:
        cited = rng.choice(earlier)
        yy, post, serial = (
            cited[:2],
            cited[2:].rstrip("0123456789"),
            cited[len(cited.rstrip("0123456789")) :],
        )
    else:
        yy, post, serial = f"{year % 100:02d}", rng.choice(posts), str(rng.randint(1, 9000))
    spaced = {"USUNNEWYORK": "USUN", "NEWDELHI": "NEW DELHI", "LAPAZ": "LA PAZ"}.get(post, post)
    if yy == f"{year % 100:02d}" and form < 0.6:
        text = f"{spaced} {serial}"
    else:
        text = f"{yy} {spaced} {serial}"
    if form > 0.9:
        text += " (NOTAL)"
    return text


def cable_text(
    rng: random.Random,
    cable_id: str,
    year: int,
    post: str,
    earlier: list[str],
    tags: Weighted,
    posts: list[str],
) -> str:
    """One synthetic raw telegram."""
    info = load_posts().get(post)
    station = (
        "SECSTATE WASHDC"
        if post == "STATE"
        else f"AMEMBASSY {' '.join((info.name if info else post).split()[1:]).upper() or post}"
    )
    month, day = rng.randint(1, 12), rng.randint(1, 28)
    hour, minute = rng.randint(0, 23), rng.randint(0, 59)
    level, marking, _, caveat = LEVELS[
        rng.choices(range(len(LEVELS)), [w for *_, w, _ in LEVELS])[0]
    ]
    serial = int(cable_id[2 + len(post) :])
    codes = list(dict.fromkeys(tags.pick(rng) for _ in range(rng.randint(2, 6))))
    refs = [_reference(rng, earlier, year, posts) for _ in range(rng.choice([0, 0, 1, 2, 3, 4]))]
    ref_block = ""
    if refs:
        ref_block = (
            "REF: " + "\n     ".join(f"{chr(65 + i)}. {r}" for i, r in enumerate(refs)) + "\n\n"
        )
    size = rng.choice([40, 60, 90, 140, 200])
    paragraphs = "\n\n".join(
        _paragraph(rng, n, marking, size) for n in range(1, rng.randint(3, 14))
    )
    caption = (
        f"{level} SECTION 01 OF 02 {post} {serial:06d}"
        if rng.random() < 0.3
        else f"{level} {post} {serial:06d}"
    )
    return (
        f"VZCZCXRO{serial % 10000:04d}\nPP RUEHXX\n"
        f"DE RUEHXX #{serial % 10000:04d}/01 {day:03d}{hour:02d}{minute:02d}\n"
        f"ZNY CCCCC ZZH\nP {day:02d}{hour:02d}{minute:02d}Z {MONTHS[month - 1]} {year % 100:02d}\n"
        f"FM {station}\nTO RUEHC/SECSTATE WASHDC PRIORITY {rng.randint(1000, 9999)}\n"
        f"INFO RUEHXX/AMEMBASSY PARIS {rng.randint(100, 999)}\nBT\n{caption}\n\n"
        + (f"{caveat}\n\n" if caveat else "")
        + f"SIPDIS\n\nE.O. 12958: DECL: {month:02d}/{day:02d}/{year + 10}\n"
        f"TAGS: {' '.join(codes)}\nSUBJECT: SYNTHETIC REPORT {serial} ON {codes[0]} MATTERS\n\n"
        f"{ref_block}Classified By: Ambassador A. Person, reasons 1.4 (b) and (d).\n\n"
        f"{paragraphs}\nPERSON\n"
    )


def synthetic_cables(cables: int, seed: int) -> Iterator[tuple[str, int, str, str]]:
    """``cables`` synthetic cables as (ID, year, post code, text), deterministic for ``seed``."""
    rng = random.Random(seed)
    posts_table = load_posts()
    posts = sorted(code for code in posts_table.by_code if code.isalpha() and len(code) <= 14)
    rng.shuffle(posts)
    post_weights = _zipf(posts[:300], 0.9)
    tag_codes = sorted(set(_shipped()) - set(HEAD_TAGS))
    rng.shuffle(tag_codes)
    tags = _zipf(HEAD_TAGS + tag_codes[: 400 - len(HEAD_TAGS)], 1.2)
    years = Weighted([str(y) for y in YEARS], [float(w) for w in YEARS.values()])
    serials: dict[tuple[int, str], int] = {}
    made: list[str] = []
    for _ in range(cables):
        year = int(years.pick(rng))
        post = post_weights.pick(rng)
        serials[(year, post)] = serial = serials.get(
            (year, post), rng.randint(1, 50)
        ) + rng.randint(1, 9)
        cable_id = f"{year % 100:02d}{post}{serial}"
        text = cable_text(rng, cable_id, year, post, made[-2000:], tags, posts[:300])
        made.append(cable_id)
        yield cable_id, year, post, text


def generate(out: Path, cables: int, seed: int) -> int:
    """Write ``cables`` synthetic cables into the site folder ``out``; returns the count."""
    folder = out / "content" / "cables"
    count = 0
    for cable_id, year, _, text in synthetic_cables(cables, seed):
        path = folder / str(year) / f"{cable_id}.txt"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        count += 1
    write_config(out, cables)
    return count


def write_config(out: Path, cables: int, search: bool = False) -> None:
    """The synthetic site's ``sitegen.toml``: search off unless asked (the build's
    benchmark times the pipeline; ``bench/search.py`` times the search index)."""
    (out / "sitegen.toml").write_text(
        f'title = "Synthetic archive ({cables} cables)"\nsearch = {str(search).lower()}\n',
        encoding="utf-8",
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("out", type=Path)
    parser.add_argument("--cables", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    count = generate(args.out, args.cables, args.seed)
    print(f"{count} synthetic cables written to {args.out / 'content' / 'cables'}")


if __name__ == "__main__":
    main()
