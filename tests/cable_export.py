"""Cables exported the way they were published, for import round trips: rows of the
release's ``cables.csv`` (quotes doubled or backslash-escaped, LF or CRLF line ends) and
pages of the mirrored web site, with that site's quirks (line breaks as ``&#x000A;``, links
around TAGS codes and paragraph marks, ``&`` left raw, stray ``<br>``, ``<strong>``,
``<em>`` and table tags, varying quoting and case).

Made from cable files in the corpus shape; importing what this writes must give those
files back (the CSV has no ``Released`` line).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

Quotes = Literal["double", "backslash"]
LineEnds = Literal["lf", "records", "all"]
"""``records``: ``\\r\\n`` between rows only; ``all``: every line end (a converted file)."""


@dataclass(frozen=True, slots=True)
class Cable:
    """A cable file split into what the sources carry."""

    id: str
    created: str
    """``YYYY-MM-DD HH:MM``."""
    released: str | None
    classification: str
    origin: str
    header: str
    body: str
    """The text after the header's blank line, without the final newline the cable files
    add (kept when the text ends with a blank line: the import adds only a missing one)."""


# The first line of a partial extract: the classification line, no transmission header.
_CAPTION = re.compile(r'^"?S?(?:C O N F|S E C R E T|UNCLAS|CONFIDENTIAL|SECRET|LIMITED)')


def read_cable_file(path: Path) -> Cable:
    """A corpus-shaped file (metadata lines, a blank line, the text) split for export."""
    head, _, text = path.read_text(encoding="utf-8").partition("\n\n")
    meta = dict(line.split(": ", 1) for line in head.split("\n"))
    cut = text.find("\n\n")
    if cut < 0 or _CAPTION.match(text):
        header, body = "", text
    else:
        header, body = text[:cut], text[cut + 2 :]
    if body.endswith("\n") and not body.endswith("\n\n"):
        body = body[:-1]
    return Cable(
        id=meta["Reference ID"],
        created=meta["Created"],
        released=meta.get("Released"),
        classification=meta["Classification"],
        origin=meta["Origin"],
        header=header,
        body=body,
    )


def without_released(data: bytes) -> bytes:
    """A cable file as an import of the CSV writes it: no ``Released`` line."""
    return re.sub(rb"(?m)^Released: [^\n]*\n", b"", data, count=1)


# --- the release's CSV ---------------------------------------------------------------


_CITED = re.compile(r"\b\d{2}[A-Z]{3,}\d{1,6}\b")


def csv_field(value: str, quotes: Quotes, escape_newlines: bool = False) -> str:
    """One quoted field: ``"`` doubled, or ``\\"`` and ``\\\\`` (and, in a MySQL dump,
    ``\\`` before each line end)."""
    if quotes == "double":
        return '"' + value.replace('"', '""') + '"'
    value = value.replace("\\", "\\\\").replace('"', '\\"')
    if escape_newlines:
        value = value.replace("\n", "\\\n")
    return '"' + value + '"'


def csv_row(
    number: int, cable: Cable, quotes: Quotes = "double", escape_newlines: bool = False
) -> str:
    """A row without its line end: number, created ``MM/DD/YYYY HH:MM``, ID, origin,
    classification, references (IDs named in the body, comma-separated), header, body."""
    day, time = cable.created.split(" ")
    year, month, date = day.split("-")
    cited = ",".join(dict.fromkeys(_CITED.findall(cable.body[:2000])))
    fields = [
        str(number),
        f"{month}/{date}/{year} {time}",
        cable.id,
        cable.origin,
        cable.classification,
        cited,
        cable.header,
        cable.body,
    ]
    return ",".join(csv_field(f, quotes, escape_newlines) for f in fields)


def csv_text(
    cables: Iterable[Cable],
    quotes: Quotes = "double",
    line_ends: LineEnds = "lf",
    escape_newlines: bool = False,
) -> Iterator[str]:
    """The rows of a ``cables.csv``, each with its line end."""
    for number, cable in enumerate(cables, 1):
        row = csv_row(number, cable, quotes, escape_newlines)
        if line_ends == "all":
            yield row.replace("\n", "\r\n") + "\r\n"
        else:
            yield row + ("\r\n" if line_ends == "records" else "\n")


def write_csv(
    path: Path,
    cables: Iterable[Cable],
    quotes: Quotes = "double",
    line_ends: LineEnds = "lf",
    escape_newlines: bool = False,
) -> Path:
    with open(path, "w", encoding="utf-8", newline="") as out:
        out.writelines(csv_text(cables, quotes, line_ends, escape_newlines))
    return path


# --- the mirrored web site -------------------------------------------------------------

_DECODABLE = re.compile(r"&(?=#\d+;|#[xX][0-9a-fA-F]+;|[A-Za-z]+;)")
_TAGS_LINE = re.compile(r"^(TAGS?:?\s+)(.*)$")
_TAG_CODE = re.compile(r"\b[A-Z][A-Z0-9]+\b")
_MARK = re.compile(r"^(¶\s?)?(\d{1,3})\.(?=\s|\()")


def html_text(text: str) -> str:
    """Text as the site wrote it inside ``<pre>``: ``<`` and ``>`` escaped, ``&`` left raw
    (but where it would read as a character reference), a CR as a reference."""
    text = _DECODABLE.sub("&amp;", text)
    return text.replace("<", "&lt;").replace(">", "&gt;").replace("\r", "&#x000D;")


def _tags_links(line: str) -> str:
    m = _TAGS_LINE.match(line)
    if not m:
        return line
    linked = _TAG_CODE.sub(lambda c: f"<a href='/tag/{c.group(0)}_0.html'>{c.group(0)}</a>", m[2])
    return m[1] + linked


def _mark_link(line: str) -> str:
    m = _MARK.match(line)
    if not m:
        return line
    mark = m.group(0).replace("¶", "&para;")
    anchor = f'<a href="#par{m[2]}" id="par{m[2]}">{mark}</a>'
    return anchor + line[m.end() :]


def pre_content(text: str, seed: int, real_newlines: bool = False) -> str:
    """A ``<pre>`` element's source for ``text``, with the site's quirks (which ones
    depends on ``seed``): TAGS and paragraph-mark links, ``<strong>`` around ``SUBJECT:``,
    ``<em>`` around the last line, a ``<br>`` before a line break or instead of one."""
    lines = [html_text(line) for line in text.split("\n")]
    lines = [_mark_link(_tags_links(line)) for line in lines]
    if seed % 3 == 0:
        lines = [
            "<strong>SUBJECT:</strong>" + line[8:] if line.startswith("SUBJECT:") else line
            for line in lines
        ]
    if seed % 4 == 1 and lines[-1]:
        lines[-1] = f"<em>{lines[-1]}</em>"
    newline = "\n" if real_newlines else "&#x000A;"
    breaks = [newline] * (len(lines) - 1)
    if breaks and seed % 5 == 2:
        breaks[0] = "<br>" + newline  # stray: the line break is there already
    if seed % 5 == 3:
        # A line break written as <br> alone, before a line with text (before an empty
        # line it would read as a stray <br>, like the one above).
        filled = [i for i in range(1, len(breaks)) if lines[i + 1]]
        if filled:
            breaks[filled[0]] = "<BR />"
    return lines[0] + "".join(b + line for b, line in zip(breaks, lines[1:], strict=True))


def mirror_page(cable: Cable, seed: int = 0) -> str:
    """A cable page of the mirrored site: the metadata table, then the header block and
    the body in two ``<pre>`` (only the body for a partial extract)."""
    q = "'" if seed % 2 else '"'
    upper = seed % 11 == 5
    real_newlines = seed % 4 == 3
    created_day = cable.created.split(" ")[0]
    cells = [
        ("Reference ID", f"/cable/{created_day[:4]}/{created_day[5:7]}/{cable.id}.html", cable.id),
        ("Created", f"/reldate/{created_day}_0.html", cable.created),
    ]
    if cable.released is not None:
        cells.append(("Released", f"/reldate/{cable.released}_0.html", f"{cable.released} 00:00"))
    cells += [
        ("Classification", f"/classification/{cable.classification}_0.html", cable.classification),
        ("Origin", f"/origin/{seed % 200}_0.html", html_text(cable.origin)),
    ]
    heads = "\n".join(f"<th>{name}</th>" for name, _, _ in cells)
    values = "\n".join(f"<td><a href={q}{link}{q}>{text}</a></td>" for _, link, text in cells)
    table = f"<table class={q}cable{q}>\n<tr>\n{heads}\n</tr>\n<tr>\n{values}\n</tr>\n</table>"
    # A serializer writes a line break after <pre> when real ones are used: HTML drops it.
    first = "\n" if real_newlines else ""
    body = pre_content(cable.body, seed, real_newlines)
    if seed % 7 == 4:
        body = f"<table><tr><td>{body}</td></tr></table>"
    blocks = f"<code><pre style={q}white-space: pre-wrap{q}>{first}{body}</pre></code>"
    if cable.header:
        header = pre_content(cable.header, seed + 1, real_newlines)
        blocks = f"<pre>{first}{header}</pre>\n" + blocks
    page = (
        '<!DOCTYPE html>\n<html>\n<head>\n<meta charset="utf-8">\n'
        f"<title>Cable reference id: #{cable.id}</title>\n</head>\n<body>\n"
        f'<div id="header"><a href="/">Cablegate</a> <a href="/tag/index.html">Tags</a></div>\n'
        f"<div class='pane big'>\n<h3>Viewing cable {cable.id}</h3>\n{table}\n"
        f"<div class='pane big'>\n{blocks}\n</div>\n</div>\n</body>\n</html>\n"
    )
    if upper:
        page = re.sub(r"<(/?)(table|tr|th|td|pre|a)\b", lambda m: f"<{m[1]}{m[2].upper()}", page)
    return page


def write_mirror(folder: Path, cables: Iterable[Cable]) -> list[Path]:
    """One page per cable at ``cable/YYYY/MM/<ID>.html`` under ``folder``."""
    written = []
    for seed, cable in enumerate(cables):
        year, month = cable.created[:4], cable.created[5:7]
        path = folder / "cable" / year / month / f"{cable.id}.html"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(mirror_page(cable, seed), encoding="utf-8", newline="")
        written.append(path)
    return written
