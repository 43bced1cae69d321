"""The state of a build in plain values, so it is saved and loaded with :mod:`marshal`.

A large archive's state (a light cable per file, the archive's indexes, the hash of every
page) is saved after each build and loaded at the start of the next: with pickle, most of
that time went to rebuilding objects one attribute at a time. Here every cable becomes a
tuple of builtins, stored once in a table and referred to by its place in it (a cable
appears in the parsed files, in the archive and in the index cache), and the archive's
indexes, already lists and dicts of strings, are written as they are.
"""

from __future__ import annotations

import marshal
from dataclasses import fields
from typing import Any

from sitegen.archive import Archive, MarkdownPage, Note
from sitegen.model import Cable, Diagnostic, Paragraph, Reference

FORMAT = 1
_CABLE_FIELDS = tuple(f.name for f in fields(Cable))
_REFERENCES = _CABLE_FIELDS.index("references")
_PARAGRAPHS = _CABLE_FIELDS.index("paragraphs")
_DIAGNOSTICS = _CABLE_FIELDS.index("diagnostics")
_ARCHIVE_PLAIN = (
    "chronological", "aliases", "by_tag", "tag_slugs", "by_origin", "origin_names",
    "by_classification", "by_year", "by_month", "cited_by", "unresolved",
)  # fmt: skip


def _diagnostic(d: Diagnostic) -> tuple[Any, ...]:
    return (d.line, d.severity, d.code, d.message)


class _Table:
    """Cables by identity: each is encoded once and referred to by number."""

    def __init__(self) -> None:
        self.rows: list[tuple[Any, ...]] = []
        self._seen: dict[int, int] = {}

    def ref(self, cable: Cable) -> int:
        key = id(cable)
        number = self._seen.get(key)
        if number is None:
            values = [getattr(cable, name) for name in _CABLE_FIELDS]
            values[_REFERENCES] = [(r.label, r.text, r.id, r.line) for r in cable.references]
            values[_PARAGRAPHS] = [(p.number, p.marking, p.line) for p in cable.paragraphs]
            values[_DIAGNOSTICS] = [_diagnostic(d) for d in cable.diagnostics]
            number = self._seen[key] = len(self.rows)
            self.rows.append(tuple(values))
        return number


def _cable(row: tuple[Any, ...]) -> Cable:
    values = list(row)
    values[_REFERENCES] = [Reference(*r) for r in row[_REFERENCES]]
    values[_PARAGRAPHS] = [Paragraph(*p) for p in row[_PARAGRAPHS]]
    values[_DIAGNOSTICS] = [Diagnostic(*d) for d in row[_DIAGNOSTICS]]
    return Cable(*values)


def dumps(state: dict[str, Any]) -> bytes:
    """``state`` (the fields a :class:`sitegen.build.Site` saves) as bytes."""
    table = _Table()
    out = dict(state)
    out["_parsed"] = {
        name: (stamp, key, table.ref(cable))
        for name, (stamp, key, cable) in state["_parsed"].items()
    }
    archive: Archive | None = state.get("_archive")
    if archive is not None:
        plain: dict[str, Any] = {name: getattr(archive, name) for name in _ARCHIVE_PLAIN}
        plain["cables"] = {cid: table.ref(c) for cid, c in archive.cables.items()}
        plain["notes"] = {cid: (n.source, n.cable_id, n.body) for cid, n in archive.notes.items()}
        plain["pages"] = [
            (p.source, p.slug, p.title, p.body, p.order, p.date, p.description)
            for p in archive.pages
        ]
        plain["diagnostics"] = [(src, _diagnostic(d)) for src, d in archive.diagnostics]
        out["_archive"] = plain
    if "_index_cache" in state:
        out["_index_cache"] = {
            cid: (table.ref(c), text) for cid, (c, text) in state["_index_cache"].items()
        }
    return marshal.dumps((FORMAT, table.rows, out))


def loads(data: bytes) -> dict[str, Any]:
    """The state :func:`dumps` wrote; raises ValueError when it is not one."""
    try:
        version, rows, state = marshal.loads(data)
    except (EOFError, TypeError, ValueError) as exc:
        raise ValueError(f"not a saved state: {exc}") from exc
    if version != FORMAT or not isinstance(state, dict):
        raise ValueError("a state of another format")
    cables = [_cable(row) for row in rows]
    state["_parsed"] = {
        name: (tuple(stamp), key, cables[n]) for name, (stamp, key, n) in state["_parsed"].items()
    }
    plain = state.get("_archive")
    if plain is not None:
        archive = Archive()
        for name in _ARCHIVE_PLAIN:
            setattr(archive, name, plain[name])
        archive.cables = {cid: cables[n] for cid, n in plain["cables"].items()}
        archive.notes = {cid: Note(*n) for cid, n in plain["notes"].items()}
        archive.pages = [MarkdownPage(*p) for p in plain["pages"]]
        archive.diagnostics = [(src, Diagnostic(*d)) for src, d in plain["diagnostics"]]
        state["_archive"] = archive
    if "_index_cache" in state:
        state["_index_cache"] = {
            cid: (cables[n], text) for cid, (n, text) in state["_index_cache"].items()
        }
    return state
