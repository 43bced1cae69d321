"""The metadata header (``Key: Value`` lines, then a blank line) and the release's record block.

A block is a metadata header only when every line before the first blank one is ``Key: Value``
and one of the keys identifies a cable (``Reference ID``, ``Created``...): a bare body that
starts with ``TAGS:`` and ``SUBJECT:`` is not mistaken for one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_KEY_LINE = re.compile(r"^\s*([A-Za-z][A-Za-z0-9 _-]{0,40}?)\s*:[ \t]?(.*)$")
KNOWN_KEYS = {
    "reference id": "id",
    "referenceid": "id",
    "refid": "id",
    "id": "id",
    "created": "created",
    "date": "created",
    "released": "released",
    "classification": "classification",
    "origin": "origin",
    "tags": "tags",
    "subject": "subject",
    "references": "references",
}
_IDENTIFYING = {"reference id", "referenceid", "created", "released", "classification", "origin"}


@dataclass(slots=True)
class Metadata:
    """Values read from a metadata header, by field name (``id``, ``created``...)."""

    values: dict[str, str] = field(default_factory=dict)
    lines: dict[str, int] = field(default_factory=dict)
    """1-based line of each value."""
    extra: dict[str, str] = field(default_factory=dict)
    """Keys the parser does not interpret, as written."""
    body_start: int = 0
    """Index of the first line of the cable text."""


def read_metadata(lines: list[str]) -> Metadata | None:
    """The metadata header at the top of ``lines``, or None when the file has none."""
    start = 0
    while start < len(lines) and not lines[start].strip():
        start += 1
    pairs: list[tuple[int, str, str]] = []
    end = start
    while end < len(lines) and lines[end].strip():
        m = _KEY_LINE.match(lines[end])
        if not m:
            return None
        pairs.append((end + 1, m.group(1).strip(), m.group(2).strip()))
        end += 1
    if not any(key.lower() in _IDENTIFYING for _, key, _ in pairs):
        return None
    meta = Metadata(body_start=end + 1 if end < len(lines) else end)
    for line, key, value in pairs:
        name = KNOWN_KEYS.get(key.lower())
        if name is None or name in meta.values:
            meta.extra[key] = value
            continue
        meta.values[name] = value
        meta.lines[name] = line
    return meta


_RECORD_KEYS = {"id", "date", "refid", "origin", "classification", "destination", "header"}


_CSV_RECORD = re.compile(
    r"^\s*(?P<created>\d{4}-\d{2}-\d{2} \d{2}:\d{2})(?::\d{2})?\t(?P<id>[0-9A-Z]+)\t"
    r"(?P<origin>[^\t]*)\t(?P<classification>[^\t]*)\t(?P<references>[^\t]*)"
)


def read_csv_record(text: str, line: int) -> Metadata | None:
    """A row of the release's CSV quoted in a cable: created, ID, origin, classification."""
    m = _CSV_RECORD.match(text)
    if not m:
        return None
    meta = Metadata()
    for key in ("created", "id", "origin", "classification"):
        if m.group(key).strip():
            meta.values[key], meta.lines[key] = m.group(key).strip(), line
    return meta


def read_record_block(lines: list[str], start: int, limit: int) -> tuple[Metadata, int] | None:
    """The release's record block (``id: 24456`` / ``refid:`` ... ``header ends``).

    Returns its values and the index just past it, or None when ``start`` does not begin one.
    """
    i = start
    while i < limit and not lines[i].strip():
        i += 1
    if i >= limit or not re.match(r"^\s*id:\s*\d+\s*$", lines[i]):
        return None
    meta = Metadata()
    j = i
    while j < limit:
        m = _KEY_LINE.match(lines[j])
        if not m or m.group(1).lower() not in _RECORD_KEYS:
            break
        key, value = m.group(1).lower(), m.group(2).strip()
        if key == "refid":
            meta.values["id"], meta.lines["id"] = value, j + 1
        elif key in ("date", "origin", "classification") and value:
            name = "created" if key == "date" else key
            meta.values[name], meta.lines[name] = value, j + 1
        j += 1
        if key == "header":
            break
    # Skip the block's free text down to its end marker, when there is one nearby.
    for k in range(j, min(limit, j + 40)):
        if "header ends" in lines[k]:
            return meta, k + 1
    return meta, j
