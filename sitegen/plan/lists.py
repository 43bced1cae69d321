"""The lists of cables: every tag and a tag's cables, every origin and an origin's cables,
every classification and a classification's cables, and the cited cables the archive is
missing.

A list's pages are planned together; ``only`` asks for one page of a list (the build
re-renders one page when a change moves nothing else in the list), and the others'
data is then not made.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from sitegen.plan.context import (
    ClassificationContext,
    ClassificationsContext,
    ListContext,
    MissingCable,
    OriginContext,
    OriginInfo,
    OriginsContext,
    TagContext,
    TagGroup,
    TagInfo,
    TagLink,
    TagsContext,
    UnresolvedContext,
)
from sitegen.plan.pieces import Page, Pieces, titled
from sitegen.tables.posts import load_posts
from sitegen.tables.tags import KIND_TITLES, KINDS


def tags_index(p: Pieces) -> Page:
    """``/tags/``: every tag of the archive, by kind of tag."""
    a = p.archive
    groups: dict[str, list[TagLink]] = {k: [] for k in KINDS}
    for code in a.by_tag:
        link = p.tag_link(code)
        groups[link["kind"]].append(link)
    shown: list[TagGroup] = [
        {"kind": k, "title": KIND_TITLES[k], "tags": groups[k]} for k in KINDS if groups[k]
    ]
    context: TagsContext = {
        "title": "Tags",
        "description": f"All {len(a.by_tag)} TAGS codes of the archive, by kind.",
        "groups": shown,
    }
    return Page(p.urls.tags, context)


def tag_pages(p: Pieces, code: str, only: int | None = None) -> list[Page]:
    """The pages of a tag's cables, newest first."""
    a = p.archive
    ids = a.by_tag[code]
    info = p.glossary.lookup(code)
    tag: TagInfo = {
        "code": code,
        "title": info.title,
        "kind": info.kind,
        "kind_title": KIND_TITLES[info.kind],
        "source": info.source,
        "count": len(ids),
    }
    about = f" ({info.title})" if info.title else ""
    shown = _List(
        f"{code}: {info.title}" if info.title else code,
        f"{len(ids)} cables tagged {code}{about}.",
        f"Cables tagged {code} per year",
    )
    pages: list[Page] = []
    for path, page in shown.pages(p, ids, p.urls.tag(a.tag_slugs[code]), only):
        context: TagContext = {**page, "tag": tag}
        pages.append(Page(path, context))
    return pages


def origins_index(p: Pieces) -> Page:
    """``/origins/``: every post the archive's cables come from, by name."""
    links = sorted(
        (p.origin_link(c) for c in p.archive.by_origin), key=lambda o: (o["name"], o["code"])
    )
    context: OriginsContext = {
        "title": "Origins",
        "description": f"The {len(links)} posts the archive's cables come from.",
        "origins": links,
    }
    return Page(p.urls.origins, context)


def origin_pages(p: Pieces, code: str, only: int | None = None) -> list[Page]:
    """The pages of a post's cables, newest first."""
    ids = p.archive.by_origin[code]
    name = p.archive.origin_names.get(code, code)
    post = load_posts().get(code)
    origin: OriginInfo = {
        "code": code,
        "name": name,
        "count": len(ids),
        "country": post.country if post else None,
    }
    shown = _List(name, f"{len(ids)} cables from {name}.", f"Cables from {name} per year")
    pages: list[Page] = []
    for path, page in shown.pages(p, ids, p.urls.origin(code), only):
        context: OriginContext = {**page, "origin": origin}
        pages.append(Page(path, context))
    return pages


def classifications_index(p: Pieces) -> Page:
    """``/classifications/``: every classification, the most restricted first."""
    context: ClassificationsContext = {
        "title": "Classifications",
        "description": "The archive's cables by classification.",
        "classifications": p.classification_links(),
    }
    return Page(p.urls.classifications, context)


def classification_pages(p: Pieces, name: str, only: int | None = None) -> list[Page]:
    """The pages of a classification's cables, newest first."""
    link = next(k for k in p.classification_links() if k["name"] == name)
    ids = p.archive.by_classification[name]
    shown = _List(name, f"{len(ids)} cables classified {name}.", f"{name} cables per year")
    pages: list[Page] = []
    for path, page in shown.pages(p, ids, link["path"], only):
        context: ClassificationContext = {**page, "classification": link}
        pages.append(Page(path, context))
    return pages


def unresolved_pages(p: Pieces, only: int | None = None) -> list[Page]:
    """``/references/unresolved/``: the cited cables the archive does not hold, the most
    cited first, with the cables citing them."""
    a = p.archive
    missing = sorted(a.unresolved, key=lambda m: (-len(a.unresolved[m]), m))
    pages: list[Page] = []
    for path, items, pager in p.paginate(missing, p.urls.unresolved):
        if only is not None and pager["number"] != only:
            continue
        rows: list[MissingCable] = [
            {
                "id": m,
                "count": len(a.unresolved[m]),
                "citing": [p.summary(c) for c in a.unresolved[m]],
            }
            for m in items
        ]
        context: UnresolvedContext = {
            "title": titled("Missing cables", pager["number"]),
            "description": f"{len(missing)} cited cables the archive does not hold.",
            "missing": rows,
            "pager": pager,
        }
        pages.append(Page(path, context))
    return pages


@dataclass(frozen=True, slots=True)
class _List:
    """What the pages of one list of cables share: only the cables and the pager differ."""

    title: str
    description: str
    chart: str
    """The title of the histogram of the list's cables per year."""

    def pages(
        self, p: Pieces, ids: list[str], base: str, only: int | None
    ) -> Iterator[tuple[str, ListContext]]:
        """(path, context) of each page of the list, newest first (or of page ``only``)."""
        for path, items, pager in p.paginate(p.archive.newest_first(ids), base):
            if only is not None and pager["number"] != only:
                continue
            yield (
                path,
                {
                    "title": titled(self.title, pager["number"]),
                    "description": self.description,
                    "histogram": p.year_histogram(ids, self.chart, path),
                    "cables": [p.summary(i) for i in items],
                    "pager": pager,
                },
            )
