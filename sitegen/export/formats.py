"""Export: the parsed archive and its reference graph as data files (``sitegen export``).

A stage beside render: it reads the resolved :class:`Archive` (light cables, references
resolved both ways) and yields the text of one file a piece at a time, so an archive of
250,000 cables is written while it is made and never held whole. Every format lists the
archive's cables in ID order, and the same archive gives the same bytes.

- ``jsonl``: one object per cable per line: the ``sitegen parse --json`` object, each
  reference with its ``target`` and ``in_archive``, plus ``url``, ``referenced_by`` and
  ``repaired``;
- ``json``: the same objects as one JSON array, one element per line;
- ``csv``: one row per cable, flat columns (:data:`COLUMNS`), lists joined by ``;``;
- ``graphml``: the reference graph, a node per cable held and per cable cited but missing,
  an edge from each citing cable to each cable it cites (:func:`edges`).

``docs/export.md`` describes the formats for their users.
"""

from __future__ import annotations

import csv
import io
import json
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, BinaryIO, Literal

from sitegen.content.archive import Archive
from sitegen.content.cable_store import CableStore
from sitegen.content.reader import ContentReader
from sitegen.core.config import Config
from sitegen.core.diagnostics import Report
from sitegen.core.model import Cable, Reference, cable_to_json
from sitegen.core.progress import progress
from sitegen.core.urls import Urls
from sitegen.render.feeds import escape, quoteattr

Format = Literal["json", "jsonl", "csv", "graphml"]
FORMATS: tuple[Format, ...] = ("json", "jsonl", "csv", "graphml")

Whole = Callable[[Cable], Cable]
"""The whole cable (paragraphs, unknown header keys) of a light one from the archive."""


@dataclass(frozen=True, slots=True)
class Edge:
    """One edge of the reference graph: ``citing`` cites ``cited`` in its REF entries
    ``refs`` (several entries may name one cable)."""

    citing: str
    cited: str
    """The archive's ID of the cited cable when it holds it (an alias resolved), else the
    ID cited."""
    held: bool
    refs: tuple[Reference, ...]

    @property
    def label(self) -> str:
        """The entries' labels, ``A`` or ``A,C`` (empty for an unlabelled list)."""
        return ",".join(r.label for r in self.refs if r.label)

    @property
    def text(self) -> str:
        """The entries as written, joined by `` | ``."""
        return " | ".join(r.text for r in self.refs)


def edges(archive: Archive, cable: Cable) -> list[Edge]:
    """The cables ``cable`` cites, each once, in the order first cited: the graph the site
    shows ("references", "referenced by", the missing cables), so a cable citing itself
    is left out as there. Their count over the archive is that of ``cited_by`` plus
    ``unresolved``."""
    cited: dict[str, list[Reference]] = {}
    for ref in cable.references:
        if ref.id is None:
            continue
        target = archive.resolve(ref.id) or ref.id
        if target != cable.id:
            cited.setdefault(target, []).append(ref)
    citing = cable.id or ""
    return [
        Edge(citing, target, target in archive.cables, tuple(refs))
        for target, refs in cited.items()
    ]


def _cables(archive: Archive) -> Iterator[Cable]:
    """The archive's cables in ID order, with a progress bar on a terminal."""
    return progress(archive.cables.values(), len(archive.cables), "export")


def reference_count(archive: Archive) -> int:
    """How many edges the graph of ``archive`` has (without walking its cables)."""
    return sum(map(len, archive.cited_by.values())) + sum(map(len, archive.unresolved.values()))


# -- JSON ------------------------------------------------------------------------------------


def record(archive: Archive, cable: Cable, urls: Urls) -> dict[str, Any]:
    """A cable's export object: the parse object (``cable``: the whole cable) with what only
    the archive knows, named as in ``/api/cables/<ID>.json``."""
    cid = cable.id or ""
    data = cable_to_json(cable)
    for ref, item in zip(cable.references, data["references"], strict=True):
        target = archive.resolve(ref.id)
        item["target"] = target
        item["in_archive"] = target is not None
    data["url"] = urls.link(urls.cable(cid))
    data["referenced_by"] = list(archive.cited_by.get(cid, []))
    data["repaired"] = any(cable.repairs.values())
    return data


def _json_line(data: dict[str, Any]) -> str:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def json_lines(archive: Archive, urls: Urls, whole: Whole) -> Iterator[str]:
    """JSON Lines: one object per cable, one per line."""
    for cable in _cables(archive):
        yield _json_line(record(archive, whole(cable), urls)) + "\n"


def json_array(archive: Archive, urls: Urls, whole: Whole) -> Iterator[str]:
    """One JSON array, one element per line (so it still diffs and greps well)."""
    yield "["
    separator = "\n"
    for cable in _cables(archive):
        yield separator + _json_line(record(archive, whole(cable), urls))
        separator = ",\n"
    yield "\n]\n"


# -- CSV -------------------------------------------------------------------------------------

COLUMNS = (
    "id", "aliases", "created", "created_inferred", "released", "classification", "origin",
    "origin_code", "tags", "subject", "references", "missing_references", "other_references",
    "referenced_by", "signer", "classified_by", "declassify_on", "url", "source", "repairs",
    "errors", "warnings",
)  # fmt: skip

_FORMULA = ("=", "+", "-", "@", "\t", "\r")
"""What starts a formula in a spreadsheet (OWASP's list)."""


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def row(archive: Archive, cable: Cable, urls: Urls) -> list[str]:
    """A cable's CSV row, in the order of :data:`COLUMNS`; ``references`` are the cables it
    cites (the edges of the graph), ``missing_references`` those the archive lacks,
    ``other_references`` the REF entries that name no cable."""
    cid = cable.id or ""
    cited = edges(archive, cable)
    severities = [d.severity for d in cable.diagnostics]
    values: list[object] = [
        cid,
        ";".join(cable.aliases),
        cable.created,
        cable.created_inferred,
        cable.released,
        cable.classification,
        cable.origin,
        cable.origin_code,
        ";".join(cable.tags),
        cable.subject,
        ";".join(e.cited for e in cited),
        ";".join(e.cited for e in cited if not e.held),
        " | ".join(r.text for r in cable.references if r.id is None),
        ";".join(archive.cited_by.get(cid, [])),
        cable.signer,
        cable.classified_by,
        cable.declassify_on or cable.declassify_text,
        urls.link(urls.cable(cid)),
        cable.source,
        sum(cable.repairs.values()),
        severities.count("error"),
        severities.count("warning"),
    ]
    return [_cell(v) for v in values]


def defused(cell: str) -> str:
    """A cell a spreadsheet shows as text: a ``'`` before a leading formula character."""
    return "'" + cell if cell.startswith(_FORMULA) else cell


def csv_rows(archive: Archive, urls: Urls, *, spreadsheet_safe: bool = False) -> Iterator[str]:
    """RFC 4180: a header row, then a row per cable, CRLF line ends, fields quoted when
    they hold a comma, quote or line break. Values are exact unless ``spreadsheet_safe``."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for cable in _cables(archive):
        cells = row(archive, cable, urls)
        writer.writerow([defused(c) for c in cells] if spreadsheet_safe else cells)
        if buffer.tell() >= 1 << 16:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


# -- GraphML ---------------------------------------------------------------------------------

NODE_KEYS = (
    ("id", "string"), ("held", "boolean"), ("date", "string"), ("date_inferred", "boolean"),
    ("origin", "string"), ("origin_code", "string"), ("classification", "string"),
    ("subject", "string"), ("tags", "string"),
)  # fmt: skip
EDGE_KEYS = (("label", "string"), ("text", "string"))


def _xml(value: str) -> str:
    """Element text: escaped, characters XML 1.0 cannot hold replaced by U+FFFD, a carriage
    return kept as a reference (a parser would make it a line feed)."""
    return escape(value).replace("\r", "&#13;")


def _data(key: str, value: object) -> str:
    if value is None or value == "":
        return ""
    return f'<data key="{key}">{_xml(_cell(value))}</data>'


def _node(archive: Archive, cid: str) -> str:
    cable = archive.cables.get(cid)
    if cable is None:
        return f"    <node id={quoteattr(cid)}>{_data('id', cid)}{_data('held', False)}</node>\n"
    values = (
        cid, True, cable.created, cable.created_inferred, cable.origin, cable.origin_code,
        cable.classification, cable.subject, ";".join(cable.tags),
    )  # fmt: skip
    data = "".join(_data(key, v) for (key, _), v in zip(NODE_KEYS, values, strict=True))
    return f"    <node id={quoteattr(cid)}>{data}</node>\n"


def graphml(archive: Archive) -> Iterator[str]:
    """The reference graph as GraphML: keys declared with their types, the nodes sorted by
    ID (held and missing together), then the edges by citing cable, in REF order."""
    yield (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<graphml xmlns="http://graphml.graphdrawing.org/xmlns"'
        ' xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"'
        ' xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns'
        ' http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">\n'
    )
    for kind, keys in (("node", NODE_KEYS), ("edge", EDGE_KEYS)):
        for name, kind_of in keys:
            yield (f'  <key id="{name}" for="{kind}" attr.name="{name}" attr.type="{kind_of}"/>\n')
    yield '  <graph id="references" edgedefault="directed">\n'
    for cid in sorted([*archive.cables, *archive.unresolved]):
        yield _node(archive, cid)
    for cable in _cables(archive):
        for edge in edges(archive, cable):
            data = _data("label", edge.label) + _data("text", edge.text)
            yield (
                f"    <edge source={quoteattr(edge.citing)} target={quoteattr(edge.cited)}>"
                f"{data}</edge>\n"
            )
    yield "  </graph>\n</graphml>\n"


# -- the command -----------------------------------------------------------------------------


def pieces(
    archive: Archive,
    fmt: Format,
    urls: Urls,
    whole: Whole,
    *,
    spreadsheet_safe: bool = False,
) -> Iterator[str]:
    """The text of the export of ``archive`` in ``fmt``, a piece at a time."""
    if fmt == "jsonl":
        return json_lines(archive, urls, whole)
    if fmt == "json":
        return json_array(archive, urls, whole)
    if fmt == "csv":
        return csv_rows(archive, urls, spreadsheet_safe=spreadsheet_safe)
    return graphml(archive)


@dataclass(slots=True)
class ExportResult:
    """What an export wrote, and the diagnostics of the content it read."""

    cables: int
    references: int
    """Edges of the graph: (citing, cited) pairs."""
    missing: int
    """Cables cited that the archive does not hold."""
    diagnostics: Report
    seconds: float


_FLUSH = 1 << 18
"""Characters gathered before a write: one system call per quarter megabyte."""


def _encode(text: list[str]) -> bytes:
    """UTF-8; a file name that is not UTF-8 (its bytes kept by the system as lone
    surrogates) is written with backslash escapes rather than failing the export."""
    return "".join(text).encode("utf-8", errors="backslashreplace")


def export(
    config: Config,
    fmt: Format,
    sink: BinaryIO,
    *,
    jobs: int | None = None,
    spreadsheet_safe: bool = False,
) -> ExportResult:
    """Read the site of ``config`` as a build does (the cable store gives back what an
    earlier build parsed) and write its export in ``fmt`` to ``sink``, UTF-8, as it is
    made."""
    start = time.perf_counter()
    reader = ContentReader(config, CableStore(config.cache), jobs)
    loaded, _ = reader.read()
    archive = loaded.archive
    made = pieces(
        archive, fmt, Urls(config.pretty_urls), reader.whole, spreadsheet_safe=spreadsheet_safe
    )
    gathered: list[str] = []
    size = 0
    for piece in made:
        gathered.append(piece)
        size += len(piece)
        if size >= _FLUSH:
            sink.write(_encode(gathered))
            gathered, size = [], 0
    sink.write(_encode(gathered))
    return ExportResult(
        len(archive.cables),
        reference_count(archive),
        len(archive.unresolved),
        loaded.diagnostics,
        time.perf_counter() - start,
    )
