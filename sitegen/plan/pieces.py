"""The pieces several kinds of page share: a page's plan, dates for people, the pager, a
cable's row in a list, links to tags, origins and classifications, the year histogram.

:class:`Pieces` holds what every kind of page is planned from (the archive, the settings,
the glossary, the URL scheme) and remembers what lists ask for again and again (a cable's
row, a list's counts per year), so each is made once per build.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import NamedTuple, TypeVar

from sitegen.content.archive import Archive
from sitegen.core.config import Config
from sitegen.core.model import Cable
from sitegen.core.urls import Urls, relative
from sitegen.parse.dates import MONTH_NAMES
from sitegen.plan.context import (
    CableSummary,
    ClassificationLink,
    Context,
    OriginLink,
    Pager,
    TagLink,
)
from sitegen.render.markdown import LinkResolver, Markdown
from sitegen.render.svg import Bar, histogram
from sitegen.tables.tags import Glossary

CLASSIFICATION_ORDER = [
    "SECRET//NOFORN",
    "SECRET",
    "CONFIDENTIAL//NOFORN",
    "CONFIDENTIAL",
    "UNCLASSIFIED//FOR OFFICIAL USE ONLY",
    "UNCLASSIFIED",
]
"""Classifications from the most restricted down; others follow, by name."""

_T = TypeVar("_T")


@dataclass(slots=True)
class PagePlan:
    """One page to render: where, with which template, with what data."""

    path: str
    template: str
    context: Context


class Page(NamedTuple):
    """A page as its kind plans it: the kind adds the template (see ``plan/kinds.py``)."""

    path: str
    context: Context


def human_date(value: str | None) -> str:
    """``2008-02-27T13:45`` -> ``27 February 2008``."""
    if not value:
        return ""
    try:
        d = date.fromisoformat(value[:10])
    except ValueError:
        return value
    return f"{d.day} {MONTH_NAMES[d.month - 1]} {d.year}"


def page_window(number: int, total: int, around: int = 2) -> list[int]:
    """The page numbers a pager links: the first, the last, and ``around`` on each side of
    the current one; 0 stands for a gap. A bounded list, so a list of thousands of pages
    costs each page the same (linking every page from every page is quadratic)."""
    shown = {1, total} | set(range(max(1, number - around), min(total, number + around) + 1))
    out: list[int] = []
    for k in sorted(shown):
        if out and k - out[-1] == 2:
            out.append(k - 1)  # a gap of one page: the page itself, not an ellipsis
        elif out and k - out[-1] > 2:
            out.append(0)
        out.append(k)
    return out


def badge(name: str | None) -> str:
    """The CSS class of a classification badge."""
    if not name:
        return "unknown"
    if name.startswith("SECRET"):
        return "secret"
    if name.startswith("CONFIDENTIAL"):
        return "confidential"
    return "fouo" if "OFFICIAL USE" in name else "unclassified"


def titled(title: str, number: int) -> str:
    """The title of a list's page: the list's own on the first, with the number after."""
    return title if number == 1 else f"{title} (page {number})"


class Pieces:
    """What the kinds of page are planned from, and the pieces they share."""

    def __init__(
        self,
        archive: Archive,
        config: Config,
        glossary: Glossary,
        whole: Callable[[str], Cable],
        urls: Urls,
        markdown: Markdown,
    ) -> None:
        self.archive = archive
        self.config = config
        self.glossary = glossary
        self.whole = whole
        """The whole cable of an ID, text included (the archive may hold light ones)."""
        self.urls = urls
        self.markdown = markdown
        self._summaries: dict[str, CableSummary] = {}
        self._year_counts: dict[int, tuple[list[str], Counter[int]]] = {}
        self._positions: dict[str, dict[str, int]] = {}

    def summary(self, cable_id: str) -> CableSummary:
        """What a list shows of a cable."""
        if cable_id not in self._summaries:
            c = self.archive.cables[cable_id]
            self._summaries[cable_id] = {
                "id": cable_id,
                "path": self.urls.cable(cable_id),
                "subject": c.subject or "(no subject)",
                "created": c.created,
                "date": human_date(c.created),
                "date_inferred": c.created_inferred and c.created is not None,
                "origin": c.origin,
                "classification": c.classification,
                "badge": badge(c.classification),
            }
        return self._summaries[cable_id]

    def origin_positions(self, code: str) -> dict[str, int]:
        """Where each cable of a post stands in its list (a list's ``index`` per cable is
        quadratic over a post of tens of thousands)."""
        if code not in self._positions:
            self._positions[code] = {
                cid: n for n, cid in enumerate(self.archive.by_origin.get(code, []))
            }
        return self._positions[code]

    def tag_link(self, code: str) -> TagLink:
        info = self.glossary.lookup(code)
        return {
            "code": code,
            "title": info.title,
            "kind": info.kind,
            "path": self.urls.tag(self.archive.tag_slugs[code]),
            "count": len(self.archive.by_tag.get(code, [])),
        }

    def origin_link(self, code: str) -> OriginLink:
        return {
            "code": code,
            "name": self.archive.origin_names.get(code, code),
            "path": self.urls.origin(code),
            "count": len(self.archive.by_origin.get(code, [])),
        }

    def classification_links(self) -> list[ClassificationLink]:
        """Every classification of the archive, the most restricted first."""
        a = self.archive
        names = sorted(
            a.by_classification,
            key=lambda n: (CLASSIFICATION_ORDER.index(n) if n in CLASSIFICATION_ORDER else 99, n),
        )
        return [
            {
                "name": n,
                "badge": badge(n),
                "path": self.urls.classification(a.class_slugs[n]),
                "count": len(a.by_classification[n]),
            }
            for n in names
        ]

    def year_histogram(self, ids: list[str], title: str, from_path: str) -> str:
        """Bars per year of ``ids``, linking to the timeline (counts kept for the next page of
        the same list, which draws the same bars)."""
        cached = self._year_counts.get(id(ids))
        if cached is None or cached[0] is not ids:
            counts = Counter(int(d[:4]) for i in ids if (d := self.archive.cables[i].created))
            cached = self._year_counts[id(ids)] = (ids, counts)
        counts = cached[1]
        if not counts:
            return ""
        first, last = min(counts), max(counts)
        bars = [
            Bar(str(y), counts.get(y, 0), relative(from_path, self.urls.link(self.urls.year(y))))
            for y in range(first, last + 1)
        ]
        return histogram(bars, title)

    def paginate(self, items: list[_T], base: str) -> Iterator[tuple[str, list[_T], Pager]]:
        """(path, items of the page, pager) for every page of a long list."""
        size = self.config.page_size
        total = max(1, math.ceil(len(items) / size))
        paginated = self.urls.paginated
        for n in range(1, total + 1):
            pager: Pager = {
                "number": n,
                "total": total,
                "count": len(items),
                "first_index": (n - 1) * size + 1,
                "prev": paginated(base, n - 1) if n > 1 else None,
                "next": paginated(base, n + 1) if n < total else None,
                "pages": [(k, paginated(base, k) if k else None) for k in page_window(n, total)],
            }
            yield paginated(base, n), items[(n - 1) * size : n * size], pager

    def markdown_html(self, body: str, from_path: str) -> str:
        """A page's or a note's HTML, its cable IDs linked from the page at ``from_path``."""
        return self.markdown.render(body, self._cable_resolver(from_path))

    def _cable_resolver(self, from_path: str) -> LinkResolver:
        def resolve(cable_id: str) -> str | None:
            target = self.archive.resolve(cable_id)
            return relative(from_path, self.urls.link(self.urls.cable(target))) if target else None

        return resolve
