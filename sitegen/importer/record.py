"""What every import source yields: one cable's metadata, header block and body, or a problem.

The readers (``release_csv``, ``mirror``) only read; the cable folder decides what to write.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from sitegen.core.ids import is_safe_id, repair_id
from sitegen.core.model import Diagnostic, Severity

KEYS = ("Reference ID", "Created", "Released", "Classification", "Origin")
"""The metadata keys an import writes, in the order of the corpus files."""


@dataclass(frozen=True, slots=True)
class Record:
    """One cable as a source carries it."""

    id: str
    values: dict[str, str]
    """Metadata the source carries, by key of :data:`KEYS`; a key it lacks is absent (and
    kept from the existing file)."""
    header: str
    """The transmission header block without surrounding newlines; empty for a partial
    extract."""
    body: str
    """The cable text exactly as the source has it."""
    path: str
    """The file it was read from, as diagnostics name it."""
    line: int
    """Where in that file it starts (1-based; 0 for a whole page)."""
    row: int | None = None
    """Its row number in a CSV (the first row is 1), None for a page."""

    @property
    def where(self) -> str:
        """How another message names it: ``row 12 (line 40)``, or the page's path."""
        return f"row {self.row} (line {self.line})" if self.row is not None else self.path

    def problem(self, severity: Severity, code: str, message: str) -> Problem:
        """A diagnostic about this record, at its place (a CSV's messages name the row)."""
        prefix = f"row {self.row}: " if self.row is not None else ""
        return Problem(self.path, Diagnostic(self.line, severity, code, prefix + message))


@dataclass(frozen=True, slots=True)
class Problem:
    """Something read that cannot be imported (or a warning about it), where it was found."""

    path: str
    diagnostic: Diagnostic


def is_safe_file_id(cable_id: str) -> bool:
    """An ID that may name a cable file: capitals and digits only (no separator, dot or
    space, so ``<ID>.txt`` stays in its folder), and an ID the build accepts as it is or
    once repaired (``09SECTION01OF03SANJOSE525``, a real ID of the release, is kept under
    its own name; the parser reads it as ``09SANJOSE525``)."""
    if is_safe_id(cable_id):
        return True
    if not _FILE_ID.match(cable_id):
        return False
    repaired = repair_id(cable_id)
    return repaired is not None and is_safe_id(repaired)


_FILE_ID = re.compile(r"^[0-9A-Z]{1,64}$")
_US_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})(?:\s+(\d{1,2}):(\d{2})(?::\d{2})?)?$")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::\d{2})?)?$")


def normal_date(text: str, *, with_time: bool = True) -> str | None:
    """``YYYY-MM-DD HH:MM`` (or ``YYYY-MM-DD`` when the source gives no time, or when
    ``with_time`` is false) from the release's ``MM/DD/YYYY HH:MM`` or the site's
    ``YYYY-MM-DD HH:MM``; seconds are dropped. None when it is no valid date."""
    text = " ".join(text.split())
    m = _US_DATE.match(text)
    if m:
        month, day, year, hour, minute = m.groups()
    else:
        m = _ISO_DATE.match(text)
        if not m:
            return None
        year, month, day, hour, minute = m.groups()
    try:
        moment = datetime(int(year), int(month), int(day), int(hour or 0), int(minute or 0))
    except ValueError:
        return None
    day_text = f"{moment.year:04d}-{moment.month:02d}-{moment.day:02d}"
    if with_time and hour is not None:
        return f"{day_text} {moment.hour:02d}:{moment.minute:02d}"
    return day_text
