"""Helpers for the tests of the built site (``test_site_links.py``, ``test_browser.py``).

The corpus site is built once per test session (``corpus_site``), whichever module asks
first; pages are read with the standard library's ``html.parser`` into ``Page`` records
(links, ids, headings, the section each link sits in), and links are resolved the way a
browser resolves them against the page's own path.
"""

from __future__ import annotations

import json
import posixpath
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import pytest
from minisite import output_files

from sitegen.core.config import load_config
from sitegen.site.build import build
from sitegen.site.result import BuildResult

# Elements whose attribute names a resource the page loads or links to.
LINK_ATTRS: dict[str, tuple[str, ...]] = {
    "a": ("href", "xlink:href"),
    "link": ("href",),
    "script": ("src",),
    "img": ("src",),
    "iframe": ("src",),
    "source": ("src",),
    "video": ("src", "poster"),
    "audio": ("src",),
    "embed": ("src",),
    "object": ("data",),
    "use": ("href", "xlink:href"),
    "image": ("href", "xlink:href"),
    "form": ("action",),
}


@dataclass(frozen=True, slots=True)
class Link:
    """One URL of a page: where it is written and what it says."""

    tag: str
    attr: str
    value: str
    line: int
    section: str | None
    """The heading text of the innermost ``<section>`` (with a heading) around the link."""
    rel: str | None = None


@dataclass(slots=True)
class Page:
    """What the checks need of one HTML page."""

    path: str
    lang: str | None = None
    titles: list[str] = field(default_factory=list)
    """Texts of the document's ``<title>`` elements (not those inside SVG)."""
    descriptions: list[str] = field(default_factory=list)
    h1: list[str] = field(default_factory=list)
    mains: int = 0
    ids: set[str] = field(default_factory=set)
    duplicate_ids: set[str] = field(default_factory=set)
    links: list[Link] = field(default_factory=list)


class _PageParser(HTMLParser):
    def __init__(self, page: Page) -> None:
        super().__init__(convert_charrefs=True)
        self.page = page
        self.svg_depth = 0
        self.sections: list[str | None] = []  # the heading of each open <section>
        self.capture: str | None = None  # "title", "h1" or "h2" while inside one
        self.text: list[str] = []

    def _section(self) -> str | None:
        for heading in reversed(self.sections):
            if heading is not None:
                return heading
        return None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v for k, v in attrs if v is not None}
        page = self.page
        for key in ("id", "name") if tag == "a" else ("id",):
            if key in values:
                if values[key] in page.ids and key == "id":
                    page.duplicate_ids.add(values[key])
                page.ids.add(values[key])
        if tag == "svg":
            self.svg_depth += 1
        elif tag == "html" and page.lang is None:
            page.lang = values.get("lang", "")
        elif tag == "meta" and values.get("name", "").lower() == "description":
            page.descriptions.append(values.get("content", ""))
        elif tag == "main":
            page.mains += 1
        elif tag == "section":
            self.sections.append(None)
        elif tag in ("title", "h1", "h2") and not (tag == "title" and self.svg_depth):
            self.capture, self.text = tag, []
        for attr in LINK_ATTRS.get(tag, ()):
            if attr in values:
                page.links.append(
                    Link(
                        tag,
                        attr,
                        values[attr],
                        self.getpos()[0],
                        self._section(),
                        values.get("rel"),
                    )
                )

    def handle_endtag(self, tag: str) -> None:
        if tag == "svg":
            self.svg_depth = max(0, self.svg_depth - 1)
        elif tag == "section" and self.sections:
            self.sections.pop()
        elif tag == self.capture:
            text = " ".join("".join(self.text).split())
            if tag == "title":
                self.page.titles.append(text)
            elif tag == "h1":
                self.page.h1.append(text)
            elif self.sections and self.sections[-1] is None:
                self.sections[-1] = text
            self.capture = None

    def handle_data(self, data: str) -> None:
        if self.capture:
            self.text.append(data)


def parse_page(path: str, data: bytes) -> Page:
    """The ``Page`` record of the HTML file at output path ``path``."""
    page = Page(path)
    parser = _PageParser(page)
    parser.feed(data.decode("utf-8"))
    parser.close()
    return page


def target_of(page_path: str, url: str) -> tuple[str, str | None]:
    """(output file, fragment or None) that relative ``url`` of the page at output path
    ``page_path`` names: resolved against the page's folder, ``x/`` meaning ``x/index.html``.
    Raises ValueError for a URL that is not a relative path inside the site."""
    parts = urlsplit(url)
    if parts.scheme or parts.netloc:
        raise ValueError("not a relative URL (scheme or host)")
    if parts.path.startswith("/"):
        raise ValueError("absolute path")
    fragment = unquote(parts.fragment) if "#" in url else None
    if parts.path == "":
        return page_path, fragment
    raw = unquote(parts.path)
    joined = posixpath.normpath(posixpath.join(posixpath.dirname(page_path), raw))
    if joined == ".." or joined.startswith("../"):
        raise ValueError("climbs above the site root")
    last = raw.rsplit("/", 1)[-1]
    if raw.endswith("/") or last in (".", ".."):
        return ("index.html" if joined == "." else joined + "/index.html"), fragment
    return joined, fragment


def tag_slug(code: str) -> str:
    """The path segment the URL table promises for a TAGS code (``CLINTON, HILLARY`` ->
    ``CLINTON-HILLARY``), before any ``-2`` that keeps colliding codes apart."""
    return re.sub(r"[^A-Za-z0-9]+", "-", code).strip("-") or "-"


@dataclass(slots=True)
class Site:
    """A built site: its folder, the build result and the data of its JSON API."""

    root: Path
    output: Path
    result: BuildResult
    cables: dict[str, dict[str, Any]]
    """``api/cables/<ID>.json`` of every cable, by ID."""
    files: dict[str, bytes]
    """Every file the build made, by output path."""

    def html_paths(self) -> list[str]:
        return sorted(p for p in self.result.files if p.endswith(".html"))


def build_corpus(folder: Path, content: Path) -> BuildResult:
    """Build the site of the cables folder ``content`` into ``folder/output``."""
    folder.mkdir(parents=True, exist_ok=True)
    config_file = folder / "sitegen.toml"
    config_file.write_text(f"content_dir = {json.dumps(str(content.parent))}\n", encoding="utf-8")
    return build(load_config(config_file))


_SITES: dict[Path, Site] = {}


def corpus_site(factory: pytest.TempPathFactory, corpus: Path) -> Site:
    """The corpus site, built once per test session whichever test module asks first."""
    if corpus not in _SITES:
        folder = factory.mktemp("corpus-site")
        result = build_corpus(folder, corpus)
        files = output_files(folder / "output", result)
        cables = {
            name[len("api/cables/") : -len(".json")]: json.loads(data)
            for name, data in files.items()
            if name.startswith("api/cables/") and name.endswith(".json")
        }
        _SITES[corpus] = Site(folder, folder / "output", result, cables, files)
    return _SITES[corpus]


def resolver(site: Site) -> dict[str, str]:
    """Cited ID -> the archive's ID: every cable's own ID and its aliases."""
    names: dict[str, str] = {}
    for cid, data in site.cables.items():
        for alias in data.get("aliases") or []:
            names.setdefault(alias, cid)
    names.update({cid: cid for cid in site.cables})
    return names


def in_archive_references(site: Site) -> list[tuple[str, str]]:
    """(citing ID, cited ID) for every reference the JSON API marks ``in_archive``, each pair
    once, self-citations left out."""
    names = resolver(site)
    pairs: dict[tuple[str, str], None] = {}
    for cid, data in sorted(site.cables.items()):
        for ref in data["references"]:
            if not ref.get("in_archive"):
                continue
            target = names.get(ref["id"], ref["id"])
            if target != cid:
                pairs[cid, target] = None
    return list(pairs)
