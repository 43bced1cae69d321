r"""The release's ``cables.csv``: eight columns and no header row (row number, created
``MM/DD/YYYY HH:MM``, reference ID, origin, classification, references, header, body),
every field quoted, fields spanning lines.

Two ways of escaping circulate: quotes doubled (``""``, RFC 4180) and, as in a MySQL dump,
a backslash before a quote (``\"``), before a backslash (``\\``) and sometimes before a line
end inside a field. :func:`sniff` tells them apart from the first MiB (a quote in the text
is written ``\"`` in one, ``""`` in the other); a file whose every line ends in ``\r\n`` has
had its line ends converted, so ``\r\n`` inside its fields is read as ``\n`` (elsewhere a
``\r`` is text and kept).

The file is streamed a row at a time (the csv module over a text stream), so memory never
grows with its size; a field over :data:`FIELD_LIMIT` (an unclosed quote) is a bad row,
not a reason to read on to the end of the file.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from sitegen.core.model import Diagnostic
from sitegen.importer.record import Problem, Record, is_safe_file_id, normal_date

COLUMNS = 8
SAMPLE = 1 << 20
"""Bytes read to tell the escaping and the line ends."""
FIELD_LIMIT = 16 << 20
"""Characters in one field at most (the longest cable of the release is far shorter)."""
REPORT_EVERY = 256
"""Rows between two reports of the position (for the progress bar)."""

# Backslash pairs read left to right (so ``\\\\"`` is an escaped backslash, then a quote).
_BACKSLASH_PAIR = re.compile(r'\\[\\"]')
# A doubled quote inside a field (not an empty field ``,"",``, not after a backslash).
_DOUBLED_QUOTE = re.compile(r'[^,\n\\]""(?![,\r\n])')


@dataclass(frozen=True, slots=True)
class CsvShape:
    """How a file escapes quotes and ends its lines."""

    backslash: bool
    """Quotes escaped as ``\\"`` (a MySQL dump) rather than doubled."""
    crlf: bool
    """Every line ends in ``\\r\\n``: inside fields too, where it is read as ``\\n``."""

    def describe(self) -> str:
        quotes = "quotes escaped with a backslash" if self.backslash else "quotes doubled"
        return f"CSV, {quotes}, {'CRLF' if self.crlf else 'LF'} line ends"


def sniff(sample: bytes) -> CsvShape:
    """The shape of a file from its first bytes: the escaping seen more often wins (doubled
    quotes when there is no quote at all)."""
    text = sample.decode("utf-8", "replace")
    backslashed = _BACKSLASH_PAIR.findall(text).count('\\"')
    doubled = len(_DOUBLED_QUOTE.findall(text))
    ends = text.count("\n")
    return CsvShape(backslash=backslashed > doubled, crlf=ends > 0 and text.count("\r\n") == ends)


def shape_of(path: Path, quotes: str = "auto") -> CsvShape:
    """The shape of the file at ``path``; ``quotes`` (``double`` or ``backslash``) overrides
    what the sample suggests."""
    with open(path, "rb") as handle:
        found = sniff(handle.read(SAMPLE))
    if quotes == "auto":
        return found
    return CsvShape(backslash=quotes == "backslash", crlf=found.crlf)


def read_csv(
    path: Path, shape: CsvShape, display: str, moved: Callable[[int], None] | None = None
) -> Iterator[Record | Problem]:
    """The rows of ``path`` as records, in order; a row that cannot be read is a problem
    naming its row number (the first row is 1) and line. ``moved`` hears the byte
    position now and then."""
    previous_limit = csv.field_size_limit(FIELD_LIMIT)
    try:
        with open(path, "rb") as raw:
            # newline="\n": lines end at \n only, so line numbers are what an editor shows
            # and a \r stays in its field; utf-8-sig drops a byte-order mark.
            text = io.TextIOWrapper(
                raw, encoding="utf-8-sig", errors="surrogateescape", newline="\n"
            )
            yield from _rows(text, shape, display, raw.tell if moved else None, moved)
            if moved:
                moved(raw.tell())
    finally:
        csv.field_size_limit(previous_limit)


def _rows(
    text: io.TextIOWrapper,
    shape: CsvShape,
    display: str,
    tell: Callable[[], int] | None,
    moved: Callable[[int], None] | None,
) -> Iterator[Record | Problem]:
    reader = csv.reader(
        text,
        delimiter=",",
        quotechar='"',
        doublequote=not shape.backslash,
        escapechar="\\" if shape.backslash else None,
        strict=False,
    )
    number = 0
    end = 0
    while True:
        start = end + 1
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            number += 1
            end = reader.line_num
            yield _bad(display, start, number, f"cannot be read: {exc}")
            continue
        end = reader.line_num
        if not row:
            continue  # a blank line between rows
        number += 1
        if tell is not None and moved is not None and number % REPORT_EVERY == 0:
            moved(tell())
        yield _record(row, shape, display, start, number)


def _record(
    row: list[str], shape: CsvShape, display: str, line: int, number: int
) -> Record | Problem:
    if len(row) != COLUMNS:
        return _bad(display, line, number, f"{len(row)} columns, expected {COLUMNS}")
    if not all(map(_encodes, row)):
        return _bad(display, line, number, "not valid UTF-8")
    _, created_text, cable_id, origin, classification, _references, header, body = row
    cable_id = cable_id.strip()
    if not cable_id:
        return _bad(display, line, number, "no reference ID")
    created = normal_date(created_text)
    if created is None:
        return _bad(display, line, number, f"created {created_text!r} is not a date")
    if not is_safe_file_id(cable_id):
        return Problem(
            display,
            Diagnostic(
                line,
                "error",
                "unsafe-id",
                f"row {number}: ID {cable_id!r} cannot name a cable file; skipped",
            ),
        )
    values = {"Reference ID": cable_id, "Created": created}
    for key, value in (("Classification", classification), ("Origin", origin)):
        value = value.strip()
        if "\n" in value or "\r" in value:
            return _bad(display, line, number, f"the {key.lower()} spans lines")
        if value:
            values[key] = value
    if shape.crlf:
        header, body = header.replace("\r\n", "\n"), body.replace("\r\n", "\n")
    return Record(cable_id, values, header.strip("\n"), body, display, line, number)


def _encodes(field: str) -> bool:
    """False for a field with bytes that were not UTF-8 (decoded as lone surrogates)."""
    if field.isascii():
        return True
    try:
        field.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _bad(display: str, line: int, number: int, message: str) -> Problem:
    return Problem(display, Diagnostic(line, "error", "import-row", f"row {number}: {message}"))
