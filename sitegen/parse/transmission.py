"""The transmission header: routing lines, date-time group, FM, TO and INFO, the caption.

Everything here precedes the E.O./TAGS/SUBJECT block. The scan is forgiving: any of these
lines may be missing, repeated (a caption both before and after the routing block) or
damaged; the first good value of each kind wins.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from sitegen.parse import dates
from sitegen.parse.caption import Caption, caveats_of_line, read_caption
from sitegen.parse.metadata import Metadata, read_csv_record, read_record_block

_FM = re.compile(r"^\s*FM\s+(?P<who>\S.*?)\s*$")
_TO = re.compile(r"^\s*TO\s+(?P<who>\S.*?)\s*$")
_INFO = re.compile(r"^\s*INFO\s+(?P<who>\S.*?)\s*$")
_DE = re.compile(
    r"^\s*DE\s+[A-Z0-9]{4,8}\s+#\s?(?P<serial>\d{1,6})(?:/\d+)?\s+(?P<jday>\d{3})(?P<hhmm>\d{4})"
)
_ZNY = re.compile(r"^\s*ZN[YR]\s+(?P<cls>[A-Z])(?P=cls){3,4}\b")
_ROUTING = re.compile(r"^(?:VZCZC|ZZ\w|[OPRZ]{2}\s+RUE|BT\s*$|NNNN|ZEN/|#\d+)")
_DISTRIBUTION = re.compile(r"\b[A-Z]{1,5}-\d{2}\b")
# Lines that end the header: the first field of the cable text.
FIELD_START = re.compile(
    r"^\s*(?:E\.?\s?O\.?\s*1\d{4}|EO\s*1\d{4}|TAGS?\b|TAGES\b|SUBJ(?:ECT)?\s*:|¶\s*\d|\d{1,2}\.\s+\(|"
    r"REF(?:S|TELS?|\(S\)|ERENCES?|ERENCE\(S\))?(?:\s*[:.;-]|\s+(?-i:[A-Z0-9(]))|"
    r"DECL(?:ASSIFY)?(?:\s+ON)?\s*:)",
    re.IGNORECASE,
)
_PRECEDENCE = re.compile(
    r"\s+(?:NIACT\s+)?(?:IMMEDIATE|PRIORITY|ROUTINE|FLASH|IMMED)(?:\s+\d+)?\s*$|\s+\d{1,5}\s*$"
)
_RI = re.compile(r"^[A-Z0-9]{4,8}/")

_DTG_START = set("OPRZ0123456789")
_DAY_START = {"Mo", "Tu", "We", "Th", "Fr", "Sa", "Su"}
_ENDS_NOISE = ("IMMEDIATE", "PRIORITY", "ROUTINE", "FLASH", "IMMED")
ZNY_LEVELS = {"C": "CONFIDENTIAL", "S": "SECRET", "U": "UNCLASSIFIED", "E": "UNCLASSIFIED"}


@dataclass(slots=True)
class Transmission:
    """What the header lines say; every value is optional."""

    record: Metadata | None = None
    dtg: str | None = None
    dtg_line: int = 0
    de_serial: int | None = None
    de_serials: list[int] = field(default_factory=list)
    """Serials of every ``DE`` line, the first one's included (quoted cables have their own)."""
    de_julian: tuple[int, int, int] | None = None
    """(day of year, hour, minute) from the ``DE`` line."""
    zny_level: str | None = None
    fm: str | None = None
    fm_line: int = 0
    to: list[str] = field(default_factory=list)
    info: list[str] = field(default_factory=list)
    dated: str | None = None
    """A date-time from the release's own date line (``Wednesday, 02 July 2008, 06:27``)."""
    dated_line: int = 0
    captions: list[Caption] = field(default_factory=list)
    noforn: bool = False
    fouo: bool = False
    end: int = 0
    """Index of the first line after the header (the first E.O./TAGS/SUBJECT line or so)."""


def recipient_name(text: str) -> str | None:
    """``RUEHC/SECSTATE WASHDC IMMEDIATE 4812`` -> ``SECSTATE WASHDC``."""
    text = _RI.sub("", text.strip())
    if text.startswith("XMT "):
        return None
    while text and (text[-1].isdigit() or text.endswith(_ENDS_NOISE)):
        trimmed = _PRECEDENCE.sub("", text).strip()
        if trimmed == text:
            break
        text = trimmed
    return text or None


def _recipients(lines: list[str], i: int, limit: int, first: str, out: list[str]) -> int:
    """Read a TO or INFO list starting at line ``i``; returns the index after it."""
    excluded = first.startswith("XMT ")
    if not excluded and (name := recipient_name(first)):
        out.append(name)
    i += 1
    while i < limit:
        text = lines[i].strip()
        if (
            not text
            or _INFO.match(text)
            or _ROUTING.match(text)
            or read_caption(text, 0) is not None
            or FIELD_START.match(text)
            or dates.DAY_LINE.match(text)
        ):
            break
        if text.startswith("XMT ") or "/XMT " in text:
            excluded = True  # the stations after XMT are exempted from a collective
        if not excluded and (name := recipient_name(text)):
            out.append(name)
        i += 1
    return i


def scan_transmission(lines: list[str], start: int, limit: int) -> Transmission:
    """Read the header lines from ``start`` up to the first field of the cable text."""
    result = Transmission()
    i = start
    record = read_record_block(lines, start, limit)
    if record:
        result.record, i = record
    caption_seen_at = -1
    while i < limit:
        text = lines[i]
        stripped = text.strip()
        if FIELD_START.match(text):
            break
        if caption_seen_at >= 0 and i - caption_seen_at > 25:
            break  # far below the caption with no field yet: the body has begun
        if not stripped:
            i += 1
            continue
        head = stripped[:2]
        if result.dtg is None and head[:1] in _DTG_START and (found := dates.parse_dtg(stripped)):
            result.dtg, result.dtg_line = found, i + 1
        elif head == "FM" and (m := _FM.match(text)):
            if result.fm is None:
                result.fm, result.fm_line = m.group("who"), i + 1
        elif head == "TO" and (m := _TO.match(text)):
            i = _recipients(lines, i, limit, m.group("who"), result.to)
            continue
        elif head == "IN" and (m := _INFO.match(text)):
            if _DISTRIBUTION.search(m.group("who")):
                i = _skip_distribution(lines, i, limit)
                continue
            i = _recipients(lines, i, limit, m.group("who"), result.info)
            continue
        elif result.record is None and "\t" in text and (row := read_csv_record(text, i + 1)):
            result.record = row
        elif head == "DE" and (m := _DE.match(text)):
            result.de_serials.append(int(m.group("serial")))
            if result.de_serial is not None:
                i += 1
                continue
            result.de_serial = int(m.group("serial"))
            hhmm = m.group("hhmm")
            result.de_julian = (int(m.group("jday")), int(hhmm[:2]), int(hhmm[2:]))
        elif head == "ZN" and (m := _ZNY.match(text)):
            result.zny_level = ZNY_LEVELS.get(m.group("cls"))
        elif (head in _DAY_START or "Cable dated" in text) and (
            found := dates.parse_day_line(text) or dates.parse_cable_dated(text)
        ):
            if result.dated is None:
                result.dated, result.dated_line = found, i + 1
            caption = read_caption(dates.CABLE_DATED_PREFIX.sub("", text), i + 1)
            if caption:
                result.captions.append(caption)
                caption_seen_at = i
        elif caption := read_caption(text, i + 1):
            result.captions.append(caption)
            caption_seen_at = i
            result.noforn = result.noforn or "NOFORN" in caption.caveats
            result.fouo = result.fouo or any(
                c in caption.caveats for c in ("SENSITIVE", "SBU", "FOR OFFICIAL USE ONLY")
            )
        elif caption_seen_at >= 0:
            noforn, fouo = caveats_of_line(text)
            result.noforn = result.noforn or noforn
            result.fouo = result.fouo or fouo
        i += 1
    result.end = i
    if result.record and result.de_serial is not None:
        # A record quoted in the text may describe another cable: the DE line decides.
        written = result.record.values.get("id", "")
        serial = re.search(r"(\d+)$", written)
        if serial and int(serial.group(1)) % 10000 != result.de_serial % 10000:
            result.record = None
    return result


def _skip_distribution(lines: list[str], i: int, limit: int) -> int:
    """Skip an ``INFO  LOG-00 EEB-00 ...`` office distribution block."""
    i += 1
    while i < limit and lines[i].strip() and _DISTRIBUTION.search(lines[i]):
        i += 1
    if i < limit and re.match(r"^\s*/\d+W\s*$", lines[i]):
        i += 1
    return i
