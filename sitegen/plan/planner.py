"""Plan: which pages the site has, at which paths, and the flat data each template gets.

Templates receive plain dicts and lists (no internal objects), so a theme can be written
against this module's documented shapes alone. Links are site paths; templates turn them
into relative URLs with ``url(path)``.
"""

from __future__ import annotations

import html
import json
import math
import re
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

from markupsafe import Markup

from sitegen.content.archive import Archive
from sitegen.core.config import Config
from sitegen.core.model import Cable
from sitegen.core.urls import Urls, relative
from sitegen.parse.body import NUMBERED
from sitegen.parse.dates import MONTH_NAMES
from sitegen.plan.groups import GroupKey, groups_of
from sitegen.render import cite, search
from sitegen.render.markdown import render_markdown
from sitegen.render.svg import Bar, histogram
from sitegen.tables.glossary import KIND_TITLES, KINDS, Glossary
from sitegen.tables.posts import load_posts

CLASSIFICATION_ORDER = [
    "SECRET//NOFORN",
    "SECRET",
    "CONFIDENTIAL//NOFORN",
    "CONFIDENTIAL",
    "UNCLASSIFIED//FOR OFFICIAL USE ONLY",
    "UNCLASSIFIED",
]


@dataclass(slots=True)
class PagePlan:
    """One page to render: where, with which template, with what data."""

    path: str
    template: str
    context: dict[str, Any]


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


def _badge(name: str | None) -> str:
    """The CSS class of a classification badge."""
    if not name:
        return "unknown"
    if name.startswith("SECRET"):
        return "secret"
    if name.startswith("CONFIDENTIAL"):
        return "confidential"
    return "fouo" if "OFFICIAL USE" in name else "unclassified"


class Planner:
    """Turns the archive into page plans."""

    def __init__(
        self,
        archive: Archive,
        config: Config,
        glossary: Glossary,
        whole: Callable[[str], Cable] | None = None,
    ) -> None:
        self.archive = archive
        self.whole = whole or archive.cables.__getitem__
        """The whole cable of an ID, text included (the archive may hold light ones)."""
        self.config = config
        self.glossary = glossary
        self.urls = Urls(config.pretty_urls)
        self._summaries: dict[str, dict[str, Any]] = {}
        self._only: int | None = None
        self._year_counts: dict[int, tuple[list[str], Counter[int]]] = {}
        self._positions: dict[str, dict[str, int]] = {}

    # -- shared pieces -------------------------------------------------------------------

    def summary(self, cable_id: str) -> dict[str, Any]:
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
                "badge": _badge(c.classification),
            }
        return self._summaries[cable_id]

    def _origin_positions(self, code: str) -> dict[str, int]:
        """Where each cable of a post stands in its list (a list's ``index`` per cable is
        quadratic over a post of tens of thousands)."""
        if code not in self._positions:
            self._positions[code] = {
                cid: n for n, cid in enumerate(self.archive.by_origin.get(code, []))
            }
        return self._positions[code]

    def tag_link(self, code: str) -> dict[str, Any]:
        info = self.glossary.lookup(code)
        return {
            "code": code,
            "title": info.title,
            "kind": info.kind,
            "path": self.urls.tag(self.archive.tag_slugs[code]),
            "count": len(self.archive.by_tag.get(code, [])),
        }

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

    def _paginate(
        self, items: list[Any], base: str
    ) -> Iterator[tuple[str, list[Any], dict[str, Any]]]:
        """(path, items of the page, pagination data) for every page of a long list."""
        size = self.config.page_size
        total = max(1, math.ceil(len(items) / size))
        for n in range(1, total + 1):
            path = self.urls.paginated(base, n)
            pager = {
                "number": n,
                "total": total,
                "count": len(items),
                "first_index": (n - 1) * size + 1,
                "prev": self.urls.paginated(base, n - 1) if n > 1 else None,
                "next": self.urls.paginated(base, n + 1) if n < total else None,
                "pages": [
                    (k, self.urls.paginated(base, k) if k else None) for k in page_window(n, total)
                ],
            }
            yield path, items[(n - 1) * size : n * size], pager

    # -- the plan ------------------------------------------------------------------------

    def groups(self) -> list[GroupKey]:
        """Every group of pages of the site, in a stable order."""
        return groups_of(self.archive, self.config.search)

    def plan_group(self, key: GroupKey, only: int | None = None) -> list[PagePlan]:
        """The pages of one group, or (``only``) at least its page of that number: a list
        then skips the data of its other pages."""
        self._only = only
        try:
            return self._plan_group(key)
        finally:
            self._only = None

    def _plan_group(self, key: GroupKey) -> list[PagePlan]:
        kind = key.kind
        if kind == "cable":
            return [self.cable_page(key.name)]
        if kind == "tag":
            return self.tag_group(key.name)
        if kind == "origin":
            return self.origin_group(key.name)
        if kind == "classification":
            return self.classification_group(key.name)
        if kind == "year":
            return [self.year_page(int(key.name))]
        if kind == "month":
            year, month = key.name.split("-")
            return self.month_group(int(year), int(month))
        if kind == "page":
            return [self.markdown_page(key.name)]
        single: dict[str, Any] = {
            "home": self.home,
            "tags": self.tags_index,
            "origins": self.origins_index,
            "classifications": self.classifications_index,
            "timeline": self.timeline_index,
            "unresolved": self.unresolved_pages,
            "404": self.not_found,
            "search": self.search_page,
        }
        plans = single[kind]()
        return plans if isinstance(plans, list) else [plans]

    def plan(self) -> list[PagePlan]:
        """Every HTML page of the site, in a stable order."""
        return [plan for key in self.groups() for plan in self.plan_group(key)]

    def search_page(self) -> PagePlan:
        """``/search/``: the page the search runs in (its script reads the query from the
        URL); the titles of the archive's tags label the tag filter."""
        titles = {code: self.glossary.lookup(code).title or "" for code in self.archive.by_tag}
        return PagePlan(
            self.urls.search,
            "search.html",
            {
                "title": "Search",
                "description": f"Search the full text of the {len(self.archive.cables)} cables.",
                "tag_titles": Markup(_script_json(titles)),
                "cable_link": self.urls.link(self.urls.cable("ID")),
                "bundles": [
                    relative(self.urls.link(self.urls.search), search.bundle_folder(n))
                    for n in range(len(search.shards(self.archive)))
                ],
            },
        )

    def not_found(self) -> PagePlan:
        return PagePlan(
            self.urls.not_found,
            "404.html",
            {"title": "Page not found", "description": "This page is not in the archive."},
        )

    def home(self) -> PagePlan:
        a = self.archive
        path = self.urls.home
        latest = sorted(
            a.cables,
            key=lambda i: (a.cables[i].released or "", a.cables[i].created or "", i),
            reverse=True,
        )[:10]
        tags = sorted(a.by_tag, key=lambda t: (-len(a.by_tag[t]), t))[:24]
        origins = sorted(a.by_origin, key=lambda o: (-len(a.by_origin[o]), o))[:16]
        years = list(a.by_year)
        in_archive = sum(len(v) for v in a.cited_by.values())
        return PagePlan(
            path,
            "home.html",
            {
                "title": self.config.title,
                "description": self.config.description,
                "counts": {
                    "cables": len(a.cables),
                    "origins": len(a.by_origin),
                    "tags": len(a.by_tag),
                    "links": in_archive,
                    "missing": len(a.unresolved),
                    "first_year": years[0] if years else None,
                    "last_year": years[-1] if years else None,
                },
                "timeline_svg": self.year_histogram(a.chronological, "Cables per year", path),
                "top_tags": [self.tag_link(t) for t in tags],
                "top_origins": [self.origin_link(o) for o in origins],
                "latest": [self.summary(i) | {"released": a.cables[i].released} for i in latest],
                "classifications": self.classification_links(),
            },
        )

    def origin_link(self, code: str) -> dict[str, Any]:
        return {
            "code": code,
            "name": self.archive.origin_names.get(code, code),
            "path": self.urls.origin(code),
            "count": len(self.archive.by_origin.get(code, [])),
        }

    def classification_links(self) -> list[dict[str, Any]]:
        names = sorted(
            self.archive.by_classification,
            key=lambda n: (CLASSIFICATION_ORDER.index(n) if n in CLASSIFICATION_ORDER else 99, n),
        )
        return [
            {
                "name": n,
                "badge": _badge(n),
                "path": self.urls.classification(self.archive.class_slugs[n]),
                "count": len(self.archive.by_classification[n]),
            }
            for n in names
        ]

    # -- cable pages ---------------------------------------------------------------------

    def cable_page(self, cable_id: str) -> PagePlan:
        a = self.archive
        c = a.cables[cable_id]
        path = self.urls.cable(cable_id)
        same_origin = a.by_origin.get(c.origin_code or "", [])
        position = self._origin_positions(c.origin_code or "").get(cable_id, -1)
        previous = same_origin[position - 1] if position > 0 else None
        following = same_origin[position + 1] if 0 <= position < len(same_origin) - 1 else None
        references = []
        for ref in c.references:
            target = a.resolve(ref.id)
            entry: dict[str, Any] = {
                "label": ref.label,
                "text": ref.text,
                "id": ref.id,
                "status": "text",
            }
            if target:
                entry |= {"status": "linked", "cable": self.summary(target)}
            elif ref.id:
                entry["status"] = "missing"
            references.append(entry)
        note = a.notes.get(cable_id)
        body = self.whole(cable_id)
        reading_lines = body.reading.split("\n") if body.reading else body.text.split("\n")
        original_lines = body.text.split("\n")
        repaired = self.config.repair_text and reading_lines != original_lines
        post = load_posts().get(c.origin_code or "")
        return PagePlan(
            path,
            "cable.html",
            {
                "title": c.subject or cable_id,
                "description": _description(c),
                "cable": {
                    "id": cable_id,
                    "id_inferred": c.id_inferred,
                    "aliases": c.aliases,
                    "subject": c.subject,
                    "created": c.created,
                    "created_label": human_date(c.created),
                    "created_time": c.created[11:16] if c.created and len(c.created) > 10 else None,
                    "created_inferred": c.created_inferred,
                    "released": c.released,
                    "released_label": human_date(c.released),
                    "classification": c.classification,
                    "classification_inferred": c.classification_inferred,
                    "classification_path": self.urls.classification(a.class_slugs[c.classification])
                    if c.classification in a.class_slugs
                    else None,
                    "badge": _badge(c.classification),
                    "origin": c.origin,
                    "origin_code": c.origin_code,
                    "origin_inferred": c.origin_inferred,
                    "origin_path": self.urls.origin(c.origin_code)
                    if c.origin_code in a.by_origin
                    else None,
                    "country": post.country if post else None,
                    "to": c.to,
                    "info": c.info,
                    "tags": [self.tag_link(t) for t in c.tags],
                    "declassify_on": c.declassify_on,
                    "declassify_label": human_date(c.declassify_on)
                    if c.declassify_on
                    else c.declassify_text,
                    "classified_by": c.classified_by,
                    "reasons": c.reasons,
                    "signer": c.signer,
                    "summary": c.summary,
                    "header": sorted(body.header.items()),
                    "references": references,
                    "cited_by": [self.summary(i) for i in a.cited_by.get(cable_id, [])],
                    "text_html": text_html(
                        original_lines, body, reading_lines if repaired else None
                    ),
                    "repaired": repaired,
                    "repairs": sum(c.repairs.values()),
                    "note_html": render_markdown(note.body, self._cable_resolver(path))
                    if note
                    else None,
                    "previous": self.summary(previous) if previous else None,
                    "next": self.summary(following) if following else None,
                    "json_path": self.urls.api_cable(cable_id),
                    "cite": self.citation(cable_id),
                },
            },
        )

    def _cable_resolver(self, from_path: str) -> Any:
        def resolve(cable_id: str) -> str | None:
            target = self.archive.resolve(cable_id)
            return relative(from_path, self.urls.link(self.urls.cable(target))) if target else None

        return resolve

    def citation(self, cable_id: str) -> dict[str, Any]:
        """The "Cite this cable" block and the head's citation tags. Without ``base_url`` the
        text shows the page's path in place of its URL (a script in the page puts the
        address it was opened at there)."""
        entry = cite.citation_of(self.archive.cables[cable_id], cable_id, self.config, self.urls)
        shown = entry.url or self.urls.link(self.urls.cable(cable_id))
        return {
            "text": cite.text(entry, shown),
            "lead": cite.lead(entry),
            "url": entry.url,
            "shown_url": shown,
            "path": self.urls.cable(cable_id),
            "tail": cite.tail(),
            "meta": cite.meta_tags(entry),
            "files": [
                {
                    "format": f.label,
                    "path": self.urls.cable_file(cable_id, f.name),
                    "download": f"{cable_id}{f.suffix}",
                    "type": f.media_type,
                }
                for f in cite.FILES.values()
            ],
        }

    # -- tags ----------------------------------------------------------------------------

    def tags_index(self) -> PagePlan:
        a = self.archive
        groups: dict[str, list[dict[str, Any]]] = {k: [] for k in KINDS}
        for code in a.by_tag:
            link = self.tag_link(code)
            groups[link["kind"]].append(link)
        return PagePlan(
            self.urls.tags,
            "tags.html",
            {
                "title": "Tags",
                "description": f"All {len(a.by_tag)} TAGS codes of the archive, by kind.",
                "groups": [
                    {"kind": k, "title": KIND_TITLES[k], "tags": groups[k]}
                    for k in KINDS
                    if groups[k]
                ],
            },
        )

    def _list_pages(
        self,
        ids: list[str],
        base: str,
        template: str,
        title: str,
        description: str,
        chart: str,
        data: dict[str, Any],
    ) -> list[PagePlan]:
        """The pages of a list of cables (newest first): one group's pages share their
        title, description, histogram and ``data``; only the cables and pager differ."""
        plans = []
        for path, items, pager in self._paginate(self.archive.newest_first(ids), base):
            number = pager["number"]
            if self._only is not None and number != self._only:
                continue
            page_data = {
                "title": title if number == 1 else f"{title} (page {number})",
                "description": description,
                "histogram": self.year_histogram(ids, chart, path),
                "cables": [self.summary(i) for i in items],
                "pager": pager,
            }
            plans.append(PagePlan(path, template, page_data | data))
        return plans

    def tag_group(self, code: str) -> list[PagePlan]:
        a = self.archive
        ids = a.by_tag[code]
        info = self.glossary.lookup(code)
        tag = {
            "code": code,
            "title": info.title,
            "kind": info.kind,
            "kind_title": KIND_TITLES[info.kind],
            "source": info.source,
            "count": len(ids),
        }
        return self._list_pages(
            ids,
            self.urls.tag(a.tag_slugs[code]),
            "tag.html",
            f"{code}: {info.title}" if info.title else code,
            f"{len(ids)} cables tagged {code}" + (f" ({info.title})" if info.title else "") + ".",
            f"Cables tagged {code} per year",
            {"tag": tag},
        )

    # -- origins -------------------------------------------------------------------------

    def origins_index(self) -> PagePlan:
        a = self.archive
        links = sorted(
            (self.origin_link(c) for c in a.by_origin), key=lambda o: (o["name"], o["code"])
        )
        return PagePlan(
            self.urls.origins,
            "origins.html",
            {
                "title": "Origins",
                "description": f"The {len(links)} posts the archive's cables come from.",
                "origins": links,
            },
        )

    def origin_group(self, code: str) -> list[PagePlan]:
        ids = self.archive.by_origin[code]
        name = self.archive.origin_names.get(code, code)
        post = load_posts().get(code)
        origin = {
            "code": code,
            "name": name,
            "count": len(ids),
            "country": post.country if post else None,
        }
        return self._list_pages(
            ids,
            self.urls.origin(code),
            "origin.html",
            name,
            f"{len(ids)} cables from {name}.",
            f"Cables from {name} per year",
            {"origin": origin},
        )

    # -- classifications -----------------------------------------------------------------

    def classifications_index(self) -> PagePlan:
        links = self.classification_links()
        return PagePlan(
            self.urls.classifications,
            "classifications.html",
            {
                "title": "Classifications",
                "description": "The archive's cables by classification.",
                "classifications": links,
            },
        )

    def classification_group(self, name: str) -> list[PagePlan]:
        link = next(k for k in self.classification_links() if k["name"] == name)
        ids = self.archive.by_classification[name]
        return self._list_pages(
            ids,
            link["path"],
            "classification.html",
            name,
            f"{len(ids)} cables classified {name}.",
            f"{name} cables per year",
            {"classification": link},
        )

    # -- timeline ------------------------------------------------------------------------

    def timeline_index(self) -> PagePlan:
        a = self.archive
        path = self.urls.timeline
        undated = [i for i in a.chronological if not a.cables[i].created]
        return PagePlan(
            path,
            "timeline.html",
            {
                "title": "Timeline",
                "description": "The archive's cables over time, by year and month.",
                "histogram": self.year_histogram(a.chronological, "Cables per year", path),
                "years": [
                    {"year": y, "count": len(ids), "path": self.urls.year(y)}
                    for y, ids in a.by_year.items()
                ],
                "undated": [self.summary(i) for i in undated],
            },
        )

    def year_page(self, year: int) -> PagePlan:
        a = self.archive
        ids = a.by_year[year]
        ypath = self.urls.year(year)
        months = [(m, a.by_month.get((year, m), [])) for m in range(1, 13)]
        bars = [
            Bar(
                MONTH_NAMES[m - 1][:3],
                len(mids),
                relative(ypath, self.urls.link(self.urls.month(year, m))),
            )
            for m, mids in months
        ]
        return PagePlan(
            ypath,
            "timeline_year.html",
            {
                "title": f"{year}",
                "description": f"{len(ids)} cables of {year}, by month.",
                "year": year,
                "count": len(ids),
                "histogram": histogram(bars, f"Cables per month, {year}"),
                "months": [
                    {
                        "month": m,
                        "name": MONTH_NAMES[m - 1],
                        "count": len(mids),
                        "path": self.urls.month(year, m),
                    }
                    for m, mids in months
                    if mids
                ],
                "previous": self.urls.year(year - 1) if year - 1 in a.by_year else None,
                "next": self.urls.year(year + 1) if year + 1 in a.by_year else None,
            },
        )

    def month_group(self, year: int, month: int) -> list[PagePlan]:
        a = self.archive
        plans = []
        keys = list(a.by_month)
        n = keys.index((year, month))
        ids = a.by_month[(year, month)]
        base = self.urls.month(year, month)
        name = f"{MONTH_NAMES[month - 1]} {year}"
        days = Counter(int(d[8:10]) for i in ids if (d := a.cables[i].created))
        for path, items, pager in self._paginate(ids, base):
            grouped: list[dict[str, Any]] = []
            for cid in items:
                label = human_date(a.cables[cid].created)
                if not grouped or grouped[-1]["date"] != label:
                    grouped.append({"date": label, "cables": []})
                grouped[-1]["cables"].append(self.summary(cid))
            prev_key = keys[n - 1] if n > 0 else None
            next_key = keys[n + 1] if n + 1 < len(keys) else None
            plans.append(
                PagePlan(
                    path,
                    "timeline_month.html",
                    {
                        "title": name
                        if pager["number"] == 1
                        else f"{name} (page {pager['number']})",
                        "description": f"{len(ids)} cables of {name}, day by day.",
                        "year": year,
                        "year_path": self.urls.year(year),
                        "month_name": name,
                        "count": len(ids),
                        "histogram": histogram(
                            [
                                Bar(str(d), days.get(d, 0))
                                for d in range(1, _days_in(year, month) + 1)
                            ],
                            f"Cables per day, {name}",
                            bar_width=12,
                        ),
                        "days": grouped,
                        "pager": pager,
                        "previous": {
                            "path": self.urls.month(*prev_key),
                            "name": f"{MONTH_NAMES[prev_key[1] - 1]} {prev_key[0]}",
                        }
                        if prev_key
                        else None,
                        "next": {
                            "path": self.urls.month(*next_key),
                            "name": f"{MONTH_NAMES[next_key[1] - 1]} {next_key[0]}",
                        }
                        if next_key
                        else None,
                    },
                )
            )
        return plans

    # -- what the archive is missing -----------------------------------------------------

    def unresolved_pages(self) -> list[PagePlan]:
        a = self.archive
        missing = sorted(a.unresolved, key=lambda m: (-len(a.unresolved[m]), m))
        plans = []
        for path, items, pager in self._paginate(missing, self.urls.unresolved):
            if self._only is not None and pager["number"] != self._only:
                continue
            rows = [
                {
                    "id": m,
                    "count": len(a.unresolved[m]),
                    "citing": [self.summary(c) for c in a.unresolved[m]],
                }
                for m in items
            ]
            plans.append(
                PagePlan(
                    path,
                    "unresolved.html",
                    {
                        "title": "Missing cables"
                        if pager["number"] == 1
                        else f"Missing cables (page {pager['number']})",
                        "description": f"{len(missing)} cited cables the archive does not hold.",
                        "missing": rows,
                        "pager": pager,
                    },
                )
            )
        return plans

    def markdown_page(self, page_slug: str) -> PagePlan:
        page = next(p for p in self.archive.pages if p.slug == page_slug)
        path = self.urls.page(page.slug)
        return PagePlan(
            path,
            "page.html",
            {
                "title": page.title,
                "description": page.description or page.title,
                "page": {
                    "title": page.title,
                    "date": page.date,
                    "html": render_markdown(page.body, self._cable_resolver(path)),
                },
            },
        )


def _days_in(year: int, month: int) -> int:
    if month == 12:
        return 31
    return (date(year, month + 1, 1) - date(year, month, 1)).days


def _description(c: Cable) -> str:
    text = c.summary or c.subject or c.id or ""
    text = " ".join(text.split())
    return text if len(text) <= 200 else text[:197].rsplit(" ", 1)[0] + "..."


_MARKING_IN_LINE = re.compile(r"\(([A-Z][A-Z/ -]{0,15})\)")


def text_html(lines: list[str], cable: Cable, reading: list[str] | None = None) -> str:
    """The cable text as HTML lines: escaped, paragraph numbers linked to ``#p<N>`` anchors
    and portion markings styled. With ``reading`` (the repaired lines), each repair is
    marked where it is, ``<del>`` what the release has and ``<ins>`` the repair, so one
    text serves both readings (the stylesheet shows one or the other).

    The text is escaped in one piece and only the lines that start a paragraph or were
    repaired are made again: a long cable has a few dozen such lines among hundreds."""
    out = html.escape("\n".join(lines), quote=False).split("\n")
    changed = (
        {i for i, (a, b) in enumerate(zip(lines, reading, strict=False)) if a != b}
        if reading is not None and len(reading) == len(lines)
        else set()
    )
    for i in changed:
        out[i] = _marked(lines[i], reading[i]) if reading is not None else out[i]
    used: set[int] = set()
    for paragraph in cable.paragraphs:
        i = paragraph.line - cable.body_line
        number = paragraph.number
        if number is None or not 0 <= i < len(lines):
            continue
        line = lines[i]
        m = NUMBERED.match(line)
        if m is None:
            continue
        head_end = m.end("num") + 1 if m.end("num") < len(line) else m.end("num")
        mm = _MARKING_IN_LINE.search(line, head_end) if paragraph.marking else None
        kept = mm.end() if mm else head_end  # the part shown as it is: number and marking
        after = reading[i] if i in changed and reading is not None else line
        if after[:kept] != line[:kept]:
            continue  # a repair inside the number or marking: the line stays as it is
        anchor_id = f' id="p{number}"' if number not in used else ""
        used.add(number)
        pieces = [
            html.escape(line[: m.start("num")], quote=False),
            f'<a class="pnum" href="#p{number}"{anchor_id}>'
            + html.escape(line[m.start("num") : head_end], quote=False)
            + "</a>",
        ]
        if mm and paragraph.marking:
            css = _badge_marking(paragraph.marking)
            pieces.append(
                html.escape(line[head_end : mm.start()], quote=False)
                + f'<span class="marking {css}">{html.escape(mm.group(0), quote=False)}</span>'
            )
        rest, rest_after = line[kept:], after[kept:]
        pieces.append(
            _marked(rest, rest_after) if rest != rest_after else html.escape(rest, quote=False)
        )
        out[i] = "".join(pieces)
    return "\n".join(out)


def _marked(before: str, after: str) -> str:
    """One line as released and as repaired, its differences marked ``<del>``/``<ins>``."""
    pieces = []
    for same, old, new in _aligned(before, after):
        if same:
            pieces.append(html.escape(old, quote=False))
            continue
        if old:
            pieces.append(f"<del>{html.escape(old, quote=False)}</del>")
        if new:
            pieces.append(f"<ins>{html.escape(new, quote=False)}</ins>")
    return "".join(pieces)


_RESYNC = 6
"""Characters that must agree again after a difference (a repair changes one or two)."""
_REACH = 6
"""How far a repair may reach on either side (``)`` becomes `` --``)."""


def _aligned(a: str, b: str) -> list[tuple[bool, str, str]]:
    """``a`` and ``b`` as runs of (same, part of a, part of b), in linear time.

    Repairs change a few characters here and there and keep the rest in step, so after a
    difference the two lines agree again within a few characters; a general diff (difflib)
    is quadratic on the long lines some cables have."""
    out: list[tuple[bool, str, str]] = []
    i = j = 0
    n, m = len(a), len(b)
    while i < n and j < m:
        k = _agree(a, i, b, j)
        if k:
            out.append((True, a[i : i + k], ""))
            i, j = i + k, j + k
            if i >= n or j >= m:
                break
        step = _resync(a, i, b, j)
        if step is None:
            break
        p, q = step
        out.append((False, a[i : i + p], b[j : j + q]))
        i, j = i + p, j + q
    if i < n or j < m:
        out.append((False, a[i:], b[j:]))
    return out


def _agree(a: str, i: int, b: str, j: int) -> int:
    """How many characters agree from ``a[i]`` and ``b[j]`` on: halving the span that
    differs, comparing slices (in C) rather than characters one by one."""
    n = min(len(a) - i, len(b) - j)
    if a[i : i + n] == b[j : j + n]:
        return n
    lo, hi = 0, n  # a[i:i+lo] == b[j:j+lo] and a[i:i+hi] != b[j:j+hi]
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if a[i + lo : i + mid] == b[j + lo : j + mid]:
            lo = mid
        else:
            hi = mid
    return lo


def _resync(a: str, i: int, b: str, j: int) -> tuple[int, int] | None:
    """The smallest (p, q) after which ``a[i + p:]`` and ``b[j + q:]`` agree again for
    :data:`_RESYNC` characters (or both end)."""
    n, m = len(a), len(b)
    for total in range(1, 2 * _REACH + 1):
        for p in range(max(0, total - _REACH), min(total, _REACH) + 1):
            q = total - p
            x, y = a[i + p : i + p + _RESYNC], b[j + q : j + q + _RESYNC]
            if x == y and (len(x) == _RESYNC or (i + p + len(x) == n and j + q + len(y) == m)):
                return p, q
    return None


def _badge_marking(marking: str) -> str:
    head = marking.upper().split("/")[0].strip()
    return {"S": "m-secret", "TS": "m-secret", "C": "m-confidential", "SBU": "m-fouo"}.get(
        head, "m-unclassified"
    )


def _script_json(value: object) -> str:
    """JSON for a ``<script type="application/json">``: ``<``, ``>`` and ``&`` escaped, so
    no string in it can close the element."""
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def site_context(config: Config, archive: Archive) -> dict[str, object]:
    """What every template gets as ``site``."""
    urls = Urls(config.pretty_urls)
    nav = [
        {"title": "Timeline", "path": urls.timeline},
        {"title": "Tags", "path": urls.tags},
        {"title": "Origins", "path": urls.origins},
        {"title": "Classifications", "path": urls.classifications},
        {"title": "Missing", "path": urls.unresolved},
    ]
    nav += [{"title": p.title, "path": urls.page(p.slug)} for p in archive.pages]
    return {
        "title": config.title,
        "description": config.description,
        "base_url": config.base_url,
        "language": config.language,
        "nav": nav,
        "home": urls.home,
        "feed": urls.feed,
        "api": urls.api_index,
        "css": urls.static("style.css"),
        "icon": urls.static("favicon.svg"),
        "search": urls.search if config.search else None,
        "search_js": urls.static("search.js"),
        "cite_js": urls.static("cite.js"),
        "cables": len(archive.cables),
    }
