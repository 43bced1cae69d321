"""Every kind of group of pages, in one table: the template its pages are made from and
the function that plans them.

The build asks this table which template each kind uses (a changed template re-renders
the groups of its kind), and the planner asks it for a group's pages, so a kind cannot
have a template the build does not know of.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sitegen.plan import lists, pages, timeline
from sitegen.plan.cable_page import cable_page
from sitegen.plan.pieces import Page, PagePlan, Pieces

PlanPages = Callable[[Pieces, str, int | None], list[Page]]
"""The pages of a group from its name and, for a list, the one page number asked for
(``None``: every page). Pages of a list other than that one may be left out."""


@dataclass(frozen=True, slots=True)
class PageKind:
    """A kind of group: its pages' template, and how its pages are planned."""

    template: str
    """The theme's template for the kind's pages (``cable.html``)."""
    pages: PlanPages

    def plan(self, pieces: Pieces, name: str, only: int | None = None) -> list[PagePlan]:
        """The plans of a group of this kind."""
        return [PagePlan(path, self.template, ctx) for path, ctx in self.pages(pieces, name, only)]


def _one(page: Callable[[Pieces], Page]) -> PlanPages:
    """A kind with one page, whatever its group's name."""
    return lambda p, name, only: [page(p)]


def _named(page: Callable[[Pieces, str], Page]) -> PlanPages:
    """A kind with one page per name (a Markdown page)."""
    return lambda p, name, only: [page(p, name)]


def _year(p: Pieces, name: str, only: int | None) -> list[Page]:
    return [timeline.year_page(p, int(name))]


def _month(p: Pieces, name: str, only: int | None) -> list[Page]:
    year, month = name.split("-")  # "2008-02"
    return timeline.month_pages(p, int(year), int(month))


def _unresolved(p: Pieces, name: str, only: int | None) -> list[Page]:
    return lists.unresolved_pages(p, only)


KINDS: dict[str, PageKind] = {
    "home": PageKind("home.html", _one(pages.home)),
    "cable": PageKind("cable.html", cable_page),
    "tags": PageKind("tags.html", _one(lists.tags_index)),
    "tag": PageKind("tag.html", lists.tag_pages),
    "origins": PageKind("origins.html", _one(lists.origins_index)),
    "origin": PageKind("origin.html", lists.origin_pages),
    "classifications": PageKind("classifications.html", _one(lists.classifications_index)),
    "classification": PageKind("classification.html", lists.classification_pages),
    "timeline": PageKind("timeline.html", _one(timeline.timeline_index)),
    "year": PageKind("timeline_year.html", _year),
    "month": PageKind("timeline_month.html", _month),
    "unresolved": PageKind("unresolved.html", _unresolved),
    "page": PageKind("page.html", _named(pages.markdown_page)),
    "404": PageKind("404.html", _one(pages.not_found)),
    "search": PageKind("search.html", _one(pages.search_page)),
}
"""Each kind of :class:`~sitegen.plan.groups.GroupKey` by its ``kind``."""
