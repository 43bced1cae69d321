"""Groups of pages: the unit the build plans, renders, hashes and re-renders.

A group is one cable's page (with its JSON and citation files), one list (a tag's pages,
an origin's...), or one single page; a list's pages can also be rendered one at a time
(:class:`PageKey`), when a change moves nothing in it.
"""

from __future__ import annotations

from dataclasses import dataclass

from sitegen.content.archive import Archive


@dataclass(frozen=True, slots=True, order=True)
class GroupKey:
    """A group of pages planned and rendered together: ``GroupKey("cable", "08BAKU129")``,
    ``GroupKey("tag", "PREL")``, ``GroupKey("home")``."""

    kind: str
    name: str = ""

    def page(self, number: int) -> PageKey:
        """The page of this group's list with that number (1 is the first)."""
        return PageKey(self, number)


@dataclass(frozen=True, slots=True, order=True)
class PageKey:
    """One page of a list group: ``PageKey(GroupKey("tag", "PREL"), 3)``."""

    group: GroupKey
    number: int


Touched = GroupKey | PageKey
"""What a change touches: a whole group, or one page of a list."""


def groups_of(a: Archive, search: bool = False) -> list[GroupKey]:
    """Every group of pages of an archive's site, in a stable order (``search``: with the
    search page)."""
    keys = [GroupKey("home")]
    keys += [GroupKey("cable", cid) for cid in a.cables]
    keys += [GroupKey("tags")] + [GroupKey("tag", code) for code in a.by_tag]
    keys += [GroupKey("origins")] + [GroupKey("origin", code) for code in a.by_origin]
    keys += [GroupKey("classifications")]
    keys += [GroupKey("classification", n) for n in a.by_classification]
    keys += [GroupKey("timeline")] + [GroupKey("year", str(y)) for y in a.by_year]
    keys += [GroupKey("month", f"{y:04d}-{m:02d}") for y, m in a.by_month]
    keys += [GroupKey("unresolved")]
    keys += [GroupKey("page", p.slug) for p in a.pages]
    keys += [GroupKey("search")] if search else []
    keys += [GroupKey("404")]
    return keys
