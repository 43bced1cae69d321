"""Pages of the mirrored Cablegate web site: one HTML page per cable
(``cable/YYYY/MM/<ID>.html``), read back into the text the site showed.

A cable page has a metadata table (``<table class="cable">``: Reference ID, Created,
Released, Classification, Origin, each value inside a link), then the transmission header
in a ``<pre>`` and the body in a second one (a partial extract has only the body). Only
the site's own HTML is undone: its line breaks (``&#x000A;``, real newlines, stray
``<br>``), the links it put around TAGS codes and paragraph marks, a few stray inline and
table tags, and the character references it wrote. The site left ``&`` raw in the text
(the release writes quotes as ``&either ... our own8``), so only numeric references and a
few named ones with their semicolon are decoded; ``&not``, ``&reg`` or ``&para`` without a
semicolon stay as written, and so does a ``<`` that starts no tag of the list below.
Quoting, case and spacing of tags and attributes may vary (other people's re-creations).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

from sitegen.core.model import Diagnostic, Severity
from sitegen.importer.record import Problem, Record, is_safe_file_id, normal_date
from sitegen.parse.metadata import KNOWN_KEYS

SUFFIXES = (".html", ".htm")

_NAMED = {
    "amp": "&", "AMP": "&", "lt": "<", "LT": "<", "gt": ">", "GT": ">", "quot": '"',
    "QUOT": '"', "apos": "'", "nbsp": "\u00a0", "para": "¶", "sect": "§", "middot": "·",
    "ndash": "–", "mdash": "—", "lsquo": "‘", "rsquo": "’", "ldquo": "“", "rdquo": "”",
    "hellip": "…", "laquo": "«", "raquo": "»", "bull": "•", "deg": "°", "copy": "©",
    "reg": "®", "shy": "\u00ad",
}  # fmt: skip
_REFERENCE = re.compile(
    r"&(?:#([0-9]{1,7})|#[xX]([0-9a-fA-F]{1,6})|(" + "|".join(sorted(_NAMED)) + r"));"
)
_ATTRIBUTES = r"""(?:[^>"']|"[^"]*"|'[^']*')*"""
_TABLE = re.compile(r"<table\b" + _ATTRIBUTES + ">", re.I)
_TABLE_END = re.compile(r"</[tT][aA][bB][lL][eE]\s*>")
_CELL = re.compile(
    r"<(t[hd])\b" + _ATTRIBUTES + r">(.*?)(?=<t[hd]\b|</t[hdr]\s*>|<tr\b|</table|$)", re.I | re.S
)
_PRE = re.compile(r"<pre\b" + _ATTRIBUTES + ">", re.I)
# Spelt out rather than re.I: a pattern that starts with a literal is found much faster.
_PRE_END = re.compile(r"</[pP][rR][eE]\s*>")
_ANY_TAG = re.compile(r"<[/!?]?[A-Za-z]" + _ATTRIBUTES + ">")
_COMMENT = re.compile(r"<!--.*?-->", re.S)
# The markup the site (and re-creations) put inside the text: links, inline emphasis,
# stray table tags. Any other ``<`` is text.
_MARKUP = re.compile(
    r"</?(?:a|b|i|u|em|strong|span|font|code|tt|small|big|sub|sup|"
    r"table|tbody|thead|tfoot|tr|td|th|caption|col|colgroup)\b" + _ATTRIBUTES + ">",
    re.I,
)
_BR = re.compile(r"<br\b" + _ATTRIBUTES + ">", re.I)
# A <br> followed by a line break stands for nothing more: the break is there already.
_BR_BEFORE_BREAK = re.compile(r"<br\b" + _ATTRIBUTES + r">(?=\n|&#[xX]0*[aA];|&#0*10;)", re.I)
_KEY_OF_NAME = {
    "id": "Reference ID",
    "created": "Created",
    "released": "Released",
    "classification": "Classification",
    "origin": "Origin",
}


def unescape(text: str) -> str:
    """``text`` with the character references the site wrote decoded, and only those."""
    if "&" not in text:
        return text
    # The site's line breaks first, at C speed (no other reference contains this one).
    return _REFERENCE.sub(_decode_reference, text.replace("&#x000A;", "\n"))


def _decode_reference(m: re.Match[str]) -> str:
    decimal, hexadecimal, name = m.groups()
    if name is not None:
        return _NAMED[name]
    point = int(decimal) if decimal is not None else int(hexadecimal, 16)
    if point == 0 or 0xD800 <= point <= 0xDFFF or point > 0x10FFFF:
        return m.group(0)  # no character: left as written
    return chr(point)


def pre_text(inner: str) -> str:
    """The text a ``<pre>`` element's source shows, exactly (see the module's notes)."""
    text = inner.replace("\r\n", "\n").replace("\r", "\n")
    if text.startswith("\n"):
        text = text[1:]  # HTML drops the line break right after <pre>
    text = _COMMENT.sub("", text)
    text = _MARKUP.sub("", text)
    text = _BR_BEFORE_BREAK.sub("", text)
    text = _BR.sub("\n", text)
    return unescape(text)


def cell_text(inner: str) -> str:
    """A table cell's text: tags dropped, references decoded, blanks collapsed."""
    return " ".join(unescape(_ANY_TAG.sub("", _COMMENT.sub("", inner))).split())


def metadata(html: str) -> tuple[dict[str, str], int] | None:
    """The metadata table of a cable page (by key of the cable files) and where it ends;
    None when the page has none. Header cells name the values in order (a row of
    headers over a row of values, or a header beside each value)."""
    for table, table_end in _elements(html, _TABLE, _TABLE_END):
        cells = [(m.group(1).lower(), cell_text(m.group(2))) for m in _CELL.finditer(table)]
        names = [text for kind, text in cells if kind == "th"]
        values = [text for kind, text in cells if kind == "td"]
        if not names:  # no header cells: label and value side by side
            names, values = values[0::2], values[1::2]
        found: dict[str, str] = {}
        for name, value in zip(names, values, strict=False):
            key = _KEY_OF_NAME.get(KNOWN_KEYS.get(" ".join(name.rstrip(":").lower().split()), ""))
            if key is not None and key not in found:
                found[key] = value
        if "Reference ID" in found:
            return found, table_end
    return None


def read_page(html: str, display: str) -> list[Record | Problem]:
    """One page: its record, or why it was skipped; a page with more than two ``<pre>``
    blocks after its table also gets a warning (the first two are read)."""
    read = metadata(html)
    if read is None:
        return [_problem(display, "warning", "not-a-cable", "no cable metadata table; skipped")]
    table, end = read
    cable_id = table["Reference ID"]
    if not cable_id:
        return [_problem(display, "error", "import-page", "no reference ID; skipped")]
    if not is_safe_file_id(cable_id):
        message = f"ID {cable_id!r} cannot name a cable file; skipped"
        return [_problem(display, "error", "unsafe-id", message)]
    values = {"Reference ID": cable_id}
    for key, with_time in (("Created", True), ("Released", False)):
        if table.get(key):
            value = normal_date(table[key], with_time=with_time)
            if value is None:
                message = f"{key.lower()} {table[key]!r} is not a date; skipped"
                return [_problem(display, "error", "import-page", message)]
            values[key] = value
    for key in ("Classification", "Origin"):
        if table.get(key):
            values[key] = table[key]
    blocks = [pre_text(content) for content, _ in _elements(html, _PRE, _PRE_END, end)]
    if not blocks:
        return [_problem(display, "error", "import-page", "no cable text (<pre>); skipped")]
    header, body = ("", blocks[0]) if len(blocks) == 1 else (blocks[0], blocks[1])
    found: list[Record | Problem] = [Record(cable_id, values, header.strip("\n"), body, display, 0)]
    if len(blocks) > 2:
        message = f"{len(blocks)} <pre> blocks; the first two read as header and body"
        found.insert(0, _problem(display, "warning", "import-page", message))
    return found


def _elements(
    html: str, start: re.Pattern[str], end: re.Pattern[str], pos: int = 0
) -> Iterator[tuple[str, int]]:
    """The content of each element opened by ``start`` and closed by ``end`` (an unclosed
    one is left out), with the position past its end tag."""
    while (opened := start.search(html, pos)) is not None:
        closed = end.search(html, opened.end())
        if closed is None:
            return
        yield html[opened.end() : closed.start()], closed.end()
        pos = closed.end()


def find_pages(folder: Path) -> list[Path]:
    """The HTML files under ``folder``, sorted by path (hidden ones left out)."""
    found: list[Path] = []
    for directory, subfolders, names in os.walk(folder):
        subfolders[:] = sorted(d for d in subfolders if not d.startswith("."))
        found.extend(
            Path(directory) / name
            for name in sorted(names)
            if name.lower().endswith(SUFFIXES) and not name.startswith(".")
        )
    return sorted(found)


def read_pages(pages: list[Path]) -> Iterator[Record | Problem]:
    """Each page's record, or why it was skipped (and warnings), in the order given."""
    for path in pages:
        display = path.as_posix()
        try:
            html = path.read_bytes().decode("utf-8")
        except OSError as exc:
            yield _problem(display, "error", "import-page", f"cannot read: {exc.strerror}")
            continue
        except UnicodeDecodeError as exc:
            yield _problem(display, "error", "import-page", f"not valid UTF-8 ({exc.reason})")
            continue
        yield from read_page(html, display)


def _problem(display: str, severity: Severity, code: str, message: str) -> Problem:
    return Problem(display, Diagnostic(0, severity, code, message))
