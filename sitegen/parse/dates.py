"""Dates as cables write them: date-time groups, DECL dates, the release's date lines."""

from __future__ import annotations

import re
from datetime import date, datetime

MONTHS = {
    m: i + 1
    for i, m in enumerate(
        ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"]
    )
}
_MONTH_ALT = "|".join(MONTHS)
MONTH_NAMES = [
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
]  # fmt: skip
"""English month names, as pages and citations write dates."""

# ``O 271345Z FEB 08``: precedence letters, day, hour, minute, zone, month, year.
DTG = re.compile(
    rf"^\s*(?:[OPRZ]{{1,2}}\s+(?:[OPRZ]\s+)?)?(\d{{2}})\s?(\d{{2}})(\d{{2}})\s?Z\s*"
    rf"({_MONTH_ALT})[A-Z]*\s*(\d{{2}}|\d{{4}})\b",
    re.IGNORECASE,
)
# ``Wednesday, 02 July 2008, 06:27`` (the release's own date line).
DAY_LINE = re.compile(
    r"^\s*(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day,\s+(\d{1,2})\s+([A-Za-z]+)\s+(\d{4}),?"
    r"\s+(\d{1,2}):(\d{2})"
)
# ``Cable dated:2005-11-16T09:53:00``
CABLE_DATED = re.compile(r"Cable dated:\s*(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})")
CABLE_DATED_PREFIX = re.compile(r"^\s*Cable dated:\s*\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2})?")
# ``MM/DD/YYYY`` (also 2-digit years, ``-`` or ``.`` separators).
# The end of a date is where its digits end: ``12/02/2019TAGS:`` is glued to the next field.
NUMERIC_DATE = re.compile(r"\b(\d{1,2})\s?[/.-]\s?(\d{1,2})\s?[/.-]\s?(\d{4}|\d{2})(?!\d)")
YEAR_FIRST_DATE = re.compile(r"\b((?:19|20)\d{2})\s?[/.-]\s?(\d{1,2})\s?[/.-]\s?(\d{1,2})(?!\d)")
WORD_DATE = re.compile(
    rf"\b(\d{{1,2}})(?:ST|ND|RD|TH)?\s*({_MONTH_ALT})[A-Z]*\.?,?\s*(\d{{4}}|\d{{2}})(?!\d)", re.I
)
# ``FEBRUARY 27, 2018``, ``FEB 27 18``
MONTH_FIRST_DATE = re.compile(
    rf"\b({_MONTH_ALT})[A-Z]*\.?\s*(\d{{1,2}})(?:ST|ND|RD|TH)?,?\s+(\d{{4}}|\d{{2}})(?!\d)", re.I
)
# ``20180227``
COMPACT_DATE = re.compile(r"\b((?:19|20)\d{2})(\d{2})(\d{2})(?!\d)")


def full_year(yy: int) -> int:
    """Two-digit years as the cable era uses them: 66-99 are 19xx, the rest 20xx."""
    if yy >= 100:
        return yy
    return 1900 + yy if yy >= 66 else 2000 + yy


def iso(
    year: int, month: int, day: int, hour: int | None = None, minute: int | None = None
) -> str | None:
    """``YYYY-MM-DD`` or ``YYYY-MM-DDTHH:MM``; None when the parts make no valid date."""
    try:
        if hour is None or minute is None:
            return date(year, month, day).isoformat()
        return datetime(year, month, day, hour, minute).strftime("%Y-%m-%dT%H:%M")
    except ValueError:
        return None


def parse_dtg(line: str) -> str | None:
    """``271345Z FEB 08`` -> ``2008-02-27T13:45``."""
    m = DTG.match(line)
    if not m:
        return None
    day, hour, minute = int(m.group(1)), int(m.group(2)), int(m.group(3))
    month = MONTHS[m.group(4).upper()[:3]]
    return iso(full_year(int(m.group(5))), month, day, hour, minute)


def parse_day_line(line: str) -> str | None:
    m = DAY_LINE.match(line)
    if not m:
        return None
    month = MONTHS.get(m.group(2)[:3].upper())
    if month is None:
        return None
    return iso(int(m.group(3)), month, int(m.group(1)), int(m.group(4)), int(m.group(5)))


def parse_cable_dated(line: str) -> str | None:
    m = CABLE_DATED.search(line)
    if not m:
        return None
    y, mo, d, h, mi = (int(g) for g in m.groups())
    return iso(y, mo, d, h, mi)


def parse_loose_date(text: str) -> str | None:
    """A calendar date written ``02/27/2018``, ``2/8/19``, ``2018/02/27``, ``27 FEB 2018``,
    ``FEBRUARY 27, 2018`` or ``20180227``."""
    m = YEAR_FIRST_DATE.search(text)
    if m and (found := iso(int(m.group(1)), int(m.group(2)), int(m.group(3)))):
        return found
    m = NUMERIC_DATE.search(text)
    if m:
        month, day, year = int(m.group(1)), int(m.group(2)), int(m.group(3))
        found = iso(full_year(year), month, day)
        if found is None and day <= 12:
            found = iso(full_year(year), day, month)
        if found:
            return found
    m = WORD_DATE.search(text)
    if m:
        return iso(full_year(int(m.group(3))), MONTHS[m.group(2).upper()[:3]], int(m.group(1)))
    m = MONTH_FIRST_DATE.search(text)
    if m:
        return iso(full_year(int(m.group(3))), MONTHS[m.group(1).upper()[:3]], int(m.group(2)))
    m = COMPACT_DATE.search(text)
    if m:
        return iso(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    return None


def shift_years(iso_date: str, years: int) -> str:
    """The same calendar day ``years`` earlier or later (29 Feb falls back to the 28th)."""
    d = date.fromisoformat(iso_date[:10])
    try:
        return d.replace(year=d.year + years).isoformat()
    except ValueError:
        return d.replace(year=d.year + years, day=28).isoformat()


_MONTH_NAMES = (
    "January|February|March|April|May|June|July|August|September|October|November|December|"
    "Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec"
)
_MONTH_DAY = re.compile(
    rf"\b(?P<month>{_MONTH_NAMES})\.?\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\b"
    r"(?:,?\s+(?P<year>(?:19|20)\d\d))?",
    re.IGNORECASE,
)
_DAY_MONTH = re.compile(
    rf"\b(?P<day>\d{{1,2}})\s+(?P<month>{_MONTH_NAMES})\b\.?(?:,?\s+(?P<year>(?:19|20)\d\d))?",
    re.IGNORECASE,
)


def mentioned_dates(text: str) -> list[tuple[int | None, int, int]]:
    """(year or None, month, day) of every date written in words in ``text``."""
    out: list[tuple[int | None, int, int]] = []
    for pattern in (_MONTH_DAY, _DAY_MONTH):
        for m in pattern.finditer(text):
            year = int(m.group("year")) if m.group("year") else None
            day = int(m.group("day"))
            if 1 <= day <= 31:
                out.append((year, MONTHS[m.group("month")[:3].upper()], day))
    return out
