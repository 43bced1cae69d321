"""The timeline: every year (and the undated cables), a year by month, a month day by day."""

from __future__ import annotations

from collections import Counter
from datetime import date

from sitegen.core.urls import relative
from sitegen.parse.dates import MONTH_NAMES
from sitegen.plan.context import (
    DayGroup,
    MonthContext,
    MonthLink,
    MonthNeighbour,
    TimelineContext,
    YearContext,
)
from sitegen.plan.pieces import Page, Pieces, human_date, titled
from sitegen.render.svg import Bar, histogram


def timeline_index(p: Pieces) -> Page:
    """``/timeline/``: cables per year, and the cables with no date."""
    a = p.archive
    path = p.urls.timeline
    undated = [i for i in a.chronological if not a.cables[i].created]
    context: TimelineContext = {
        "title": "Timeline",
        "description": "The archive's cables over time, by year and month.",
        "histogram": p.year_histogram(a.chronological, "Cables per year", path),
        "years": [
            {"year": y, "count": len(ids), "path": p.urls.year(y)} for y, ids in a.by_year.items()
        ],
        "undated": [p.summary(i) for i in undated],
    }
    return Page(path, context)


def year_page(p: Pieces, year: int) -> Page:
    """A year: cables per month, and links to its months."""
    a, urls = p.archive, p.urls
    ids = a.by_year[year]
    path = urls.year(year)
    months = [(m, a.by_month.get((year, m), [])) for m in range(1, 13)]
    bars = [
        Bar(MONTH_NAMES[m - 1][:3], len(mids), relative(path, urls.link(urls.month(year, m))))
        for m, mids in months
    ]
    links: list[MonthLink] = [
        {"month": m, "name": MONTH_NAMES[m - 1], "count": len(mids), "path": urls.month(year, m)}
        for m, mids in months
        if mids
    ]
    context: YearContext = {
        "title": f"{year}",
        "description": f"{len(ids)} cables of {year}, by month.",
        "year": year,
        "count": len(ids),
        "histogram": histogram(bars, f"Cables per month, {year}"),
        "months": links,
        "previous": urls.year(year - 1) if year - 1 in a.by_year else None,
        "next": urls.year(year + 1) if year + 1 in a.by_year else None,
    }
    return Page(path, context)


def month_pages(p: Pieces, year: int, month: int) -> list[Page]:
    """A month's cables, day by day, oldest first, with links to the months around it."""
    a = p.archive
    keys = list(a.by_month)
    n = keys.index((year, month))
    ids = a.by_month[(year, month)]
    name = f"{MONTH_NAMES[month - 1]} {year}"
    days = Counter(int(d[8:10]) for i in ids if (d := a.cables[i].created))
    chart = histogram(
        [Bar(str(d), days.get(d, 0)) for d in range(1, _days_in(year, month) + 1)],
        f"Cables per day, {name}",
        bar_width=12,
    )
    previous = _neighbour(p, keys[n - 1]) if n > 0 else None
    following = _neighbour(p, keys[n + 1]) if n + 1 < len(keys) else None
    pages: list[Page] = []
    for path, items, pager in p.paginate(ids, p.urls.month(year, month)):
        context: MonthContext = {
            "title": titled(name, pager["number"]),
            "description": f"{len(ids)} cables of {name}, day by day.",
            "year": year,
            "year_path": p.urls.year(year),
            "month_name": name,
            "count": len(ids),
            "histogram": chart,
            "days": _by_day(p, items),
            "pager": pager,
            "previous": previous,
            "next": following,
        }
        pages.append(Page(path, context))
    return pages


def _by_day(p: Pieces, ids: list[str]) -> list[DayGroup]:
    """``ids`` (in date order) in runs of one day."""
    grouped: list[DayGroup] = []
    for cid in ids:
        label = human_date(p.archive.cables[cid].created)
        if not grouped or grouped[-1]["date"] != label:
            grouped.append({"date": label, "cables": []})
        grouped[-1]["cables"].append(p.summary(cid))
    return grouped


def _neighbour(p: Pieces, key: tuple[int, int]) -> MonthNeighbour:
    year, month = key
    return {"path": p.urls.month(year, month), "name": f"{MONTH_NAMES[month - 1]} {year}"}


def _days_in(year: int, month: int) -> int:
    if month == 12:
        return 31
    return (date(year, month + 1, 1) - date(year, month, 1)).days
