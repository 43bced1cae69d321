"""The table of diplomatic posts: code, human name, country and the ways cables write them.

The table is data (``data/posts.csv``); this module only loads it and answers lookups. Posts
missing from it still get a name by the general rules of :func:`general_name`.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

_NOT_LETTERS = re.compile(r"[^A-Z]")

# Words that introduce a post in FM/TO lines and say what kind of post it is.
KIND_PREFIXES: dict[str, str] = {
    "AMEMBASSY": "Embassy",
    "AMEMB": "Embassy",
    "AMEMBASSADY": "Embassy",
    "AMCONSUL": "Consulate",
    "AMCONSULATE": "Consulate",
    "AMCONGEN": "Consulate",
    "USMISSION": "US Mission",
    "USLO": "Embassy",
    "USOFFICE": "US Office",
    "USINT": "US Interests Section",
}
# Trailing words that add nothing to the post (``SECSTATE WASHDC``).
_SUFFIXES = ("WASHDC", "WASHINGTONDC", "WASHINGTON")


def post_key(text: str) -> str:
    """Lookup key of a written post name: upper case letters only (``La Paz`` -> ``LAPAZ``)."""
    return _NOT_LETTERS.sub("", text.upper())


@dataclass(frozen=True, slots=True)
class Post:
    """One row of the post table."""

    code: str
    """Post code as used in cable IDs: ``BAKU``, ``STATE``, ``USUNNEWYORK``."""
    name: str
    """Human name as the release gives it: ``Embassy Baku``."""
    country: str
    aliases: tuple[str, ...]
    id_code: str = ""
    """The code its cable IDs use when that differs from ``code`` (USEU cables: ``BRUSSELS``)."""

    @property
    def cable_code(self) -> str:
        return self.id_code or self.code


class PostTable:
    """Lookups over the post table: written form to code, code to post."""

    def __init__(self, posts: list[Post]) -> None:
        self.by_code: dict[str, Post] = {p.code: p for p in posts}
        self._by_key: dict[str, str] = {}
        for post in posts:
            self._by_key[post.code] = post.code
        for post in posts:
            for alias in post.aliases:
                self._by_key.setdefault(post_key(alias), post.code)
        self._by_name: dict[str, list[str]] = {}
        for post in posts:
            self._by_name.setdefault(post.name, []).append(post.code)
        self.max_words = max((len(a.split()) for p in posts for a in p.aliases), default=1)
        self._by_length: dict[int, list[str]] = {}
        for key in self._by_key:
            self._by_length.setdefault(len(key), []).append(key)

    def near_cable_code(self, key: str) -> str | None:
        """The cable code of the one post that ``key`` misspells or cuts short, else None.

        Cables misspell posts (``TBLISI``) and cut them short (``ADDIS``): a key of five
        letters or more one edit away from a known key, else the start of longer ones, names
        that post only when every such key names the same post; two posts that fit give
        None, never a guess.
        """
        if len(key) < 5 or key in self._by_key:
            return None
        found: set[str] = set()
        for size in (len(key) - 1, len(key), len(key) + 1):
            for known in self._by_length.get(size, ()):
                if size >= 5 and one_edit(key, known):
                    found.add(self.by_code[self._by_key[known]].cable_code)
        if not found:
            for size, keys in self._by_length.items():
                if size > len(key):
                    found.update(
                        self.by_code[self._by_key[k]].cable_code for k in keys if k.startswith(key)
                    )
        return found.pop() if len(found) == 1 else None

    def country_of(self, code: str) -> str | None:
        post = self.by_code.get(code)
        return post.country if post else None

    def code_for(self, written: str) -> str | None:
        """The code of a post written as in a cable (``USUN``, ``LA PAZ``), None if unknown."""
        return self._by_key.get(post_key(written))

    def cable_code_for_key(self, key: str) -> str | None:
        """The code that cable IDs of the post written as ``key`` use, None if unknown."""
        code = self._by_key.get(key)
        return self.by_code[code].cable_code if code else None

    def codes_named(self, name: str) -> list[str]:
        """Codes of the posts with this human name (``Embassy Kyiv``: KIEV and KYIV)."""
        return list(self._by_name.get(name, []))

    def is_known(self, written: str) -> bool:
        return post_key(written) in self._by_key

    def get(self, code: str) -> Post | None:
        return self.by_code.get(code)

    def resolve_station(self, written: str) -> tuple[str | None, str | None, str]:
        """Read an FM/TO station (``AMEMBASSY BAKU``, ``USEU BRUSSELS``, ``SECSTATE WASHDC``).

        Returns (code or None, kind word or None, the place as written without its kind word).
        """
        text = re.sub(r"//.*$", "", written).strip(" ./")
        text = re.sub(r"^[A-Z0-9]{5,8}/", "", text)
        code = self.code_for(text)
        words = text.split()
        kind = None
        if words and words[0] in KIND_PREFIXES:
            kind = KIND_PREFIXES[words[0]]
            words = words[1:]
        while words and post_key(words[-1]) in _SUFFIXES and len(words) > 1:
            words = words[:-1]
        place = " ".join(words)
        if code is None and place:
            code = self.code_for(place)
        return code, kind, place


def one_edit(a: str, b: str) -> bool:
    """One substitution, insertion, deletion or swap of neighbours turns ``a`` into ``b``."""
    if a == b:
        return False
    if len(a) == len(b):
        diff = [i for i in range(len(a)) if a[i] != b[i]]
        return len(diff) == 1 or (
            len(diff) == 2
            and diff[1] == diff[0] + 1
            and a[diff[0]] == b[diff[1]]
            and a[diff[1]] == b[diff[0]]
        )
    short, long = (a, b) if len(a) < len(b) else (b, a)
    if len(long) - len(short) != 1:
        return False
    i = 0
    while i < len(short) and short[i] == long[i]:
        i += 1
    return short[i:] == long[i + 1 :]


def general_name(place: str, kind: str | None = None) -> str:
    """A sensible name for a post missing from the table: ``Embassy Port Au Prince``."""
    words = [w.capitalize() if w.isupper() or w.islower() else w for w in place.split()]
    return f"{kind or 'Embassy'} {' '.join(words)}".strip()


@cache
def load_posts() -> PostTable:
    """The post table shipped in the package (read once per process)."""
    text = resources.files("sitegen").joinpath("data/posts.csv").read_text(encoding="utf-8")
    rows = csv.DictReader(text.splitlines())
    posts = [
        Post(
            code=row["code"].strip(),
            name=row["name"].strip(),
            country=row["country"].strip(),
            aliases=tuple(a.strip().upper() for a in row["aliases"].split("|") if a.strip()),
            id_code=(row.get("id_code") or "").strip(),
        )
        for row in rows
    ]
    return PostTable(posts)
