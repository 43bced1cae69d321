"""The saved build state in plain values, so it is written and read with :mod:`marshal`.

A large archive's state (a light cable per file, the archive's indexes, the hash of every
page) is saved after each build and loaded at the start of the next: with pickle, most of
that time went to rebuilding objects one attribute at a time. Here every cable becomes a
tuple of builtins, stored once in a table and referred to by its place in it (a cable
appears in the parsed files, in the archive and in the index cache), and the archive's
indexes, already lists and dicts of strings, are written as they are.

A build that changed a few cables does not write all of it again: it appends to a journal
beside it what changed (:func:`delta` and :func:`record`: files read again, page groups
made again, the cables swapped in the archive), which the next load applies in order. A
record names the base it applies to and carries a checksum, so a record cut short by a
crash, or one left from an older base, is ignored.

The file starts with a mark and the format's number, and every chunk carries a CRC-32: a
state of another version is told from a damaged one (reported), and damaged bytes are
never read as a wrong page hash or a wrong subject.
"""

from __future__ import annotations

import hashlib
import io
import marshal
import zlib
from dataclasses import fields
from typing import IO, Any

from sitegen.content.archive import Archive, MarkdownPage, Note
from sitegen.core.model import Cable, Diagnostic, Paragraph, Reference
from sitegen.plan.groups import GroupKey

FORMAT = 4
MAGIC = b"sitegen state\x00"
_CHUNK = 10_000
"""Cables per marshalled chunk: the state is written and read a chunk at a time, so
neither holds a second copy of every cable at once."""
_CABLE_FIELDS = tuple(f.name for f in fields(Cable))
_REFERENCES = _CABLE_FIELDS.index("references")
_PARAGRAPHS = _CABLE_FIELDS.index("paragraphs")
_DIAGNOSTICS = _CABLE_FIELDS.index("diagnostics")
_ARCHIVE_PLAIN = (
    "chronological", "aliases", "by_tag", "tag_slugs", "by_origin", "origin_names",
    "by_classification", "class_slugs", "by_year", "by_month", "cited_by", "unresolved",
)  # fmt: skip


def _plain_groups(groups: dict[GroupKey, Any]) -> dict[tuple[str, str], Any]:
    return {(key.kind, key.name): value for key, value in groups.items()}


def _keyed_groups(groups: dict[Any, Any]) -> dict[GroupKey, Any]:
    return {GroupKey(*key): value for key, value in groups.items()}


def _diagnostic(d: Diagnostic) -> tuple[Any, ...]:
    return (d.line, d.severity, d.code, d.message, d.path)


class _Table:
    """Cables by identity: each is encoded once, written out by chunks, and referred to by
    number."""

    def __init__(self, handle: IO[bytes]) -> None:
        self.rows: list[tuple[Any, ...]] = []
        self.count = 0
        self._seen: dict[int, int] = {}
        self._handle = handle

    def flush(self) -> None:
        if self.rows:
            _write(self._handle, ("rows", self.rows))
            self.rows = []

    def ref(self, cable: Cable) -> int:
        key = id(cable)
        number = self._seen.get(key)
        if number is None:
            values = [getattr(cable, name) for name in _CABLE_FIELDS]
            values[_REFERENCES] = [(r.label, r.text, r.id, r.line) for r in cable.references]
            values[_PARAGRAPHS] = [(p.number, p.marking, p.line) for p in cable.paragraphs]
            values[_DIAGNOSTICS] = [_diagnostic(d) for d in cable.diagnostics]
            number = self._seen[key] = self.count
            self.count += 1
            self.rows.append(tuple(values))
            if len(self.rows) >= _CHUNK:
                self.flush()
        return number


def _cable(row: tuple[Any, ...]) -> Cable:
    values = list(row)
    values[_REFERENCES] = [Reference(*r) for r in row[_REFERENCES]]
    values[_PARAGRAPHS] = [Paragraph(*p) for p in row[_PARAGRAPHS]]
    values[_DIAGNOSTICS] = [Diagnostic(*d) for d in row[_DIAGNOSTICS]]
    return Cable(*values)


def dumps(state: dict[str, Any]) -> bytes:
    """``state`` as bytes (see :func:`dump`)."""
    buffer = io.BytesIO()
    dump(state, buffer)
    return buffer.getvalue()


def loads(data: bytes) -> dict[str, Any]:
    """The state :func:`dumps` wrote (see :func:`load`)."""
    return load(io.BytesIO(data))


class OtherFormat(ValueError):
    """A state written by another version of sitegen: not damaged, only not readable."""


def dump(state: dict[str, Any], handle: IO[bytes]) -> None:
    """Write ``state`` (the fields of a :class:`~sitegen.site.state.SavedState` and its
    header, by name) to ``handle``:
    the mark, chunks of cables, then the rest, which refers to them by number."""
    handle.write(MAGIC + FORMAT.to_bytes(2, "little"))
    table = _Table(handle)
    out = dict(state)
    out["parsed"] = {
        name: (stamp, key, table.ref(cable))
        for name, (stamp, key, cable) in state["parsed"].items()
    }
    archive: Archive | None = state.get("archive")
    if archive is not None:
        plain: dict[str, Any] = {name: getattr(archive, name) for name in _ARCHIVE_PLAIN}
        plain["cables"] = {cid: table.ref(c) for cid, c in archive.cables.items()}
        plain["notes"] = {cid: (n.source, n.cable_id, n.body) for cid, n in archive.notes.items()}
        plain["pages"] = [
            (p.source, p.slug, p.title, p.body, p.order, p.date, p.description)
            for p in archive.pages
        ]
        plain["diagnostics"] = [_diagnostic(d) for d in archive.diagnostics]
        out["archive"] = plain
    if "index_cache" in state:
        out["index_cache"] = {
            cid: (table.ref(c), text) for cid, (c, text) in state["index_cache"].items()
        }
    if "groups" in state:
        out["groups"] = _plain_groups(state["groups"])
    table.flush()
    _write(handle, ("state", FORMAT, out))


def _write(handle: IO[bytes], item: Any) -> None:
    # Length-prefixed: marshal reading from a file object goes a few bytes at a time.
    data = marshal.dumps(item)
    handle.write(len(data).to_bytes(8, "little") + zlib.crc32(data).to_bytes(4, "little"))
    handle.write(data)


def _read(handle: IO[bytes]) -> Any:
    head = handle.read(12)
    size = int.from_bytes(head[:8], "little")
    data = handle.read(size) if len(head) == 12 else b""
    if len(data) != size or size == 0:
        raise EOFError("the state ends early")
    if zlib.crc32(data).to_bytes(4, "little") != head[8:]:
        raise ValueError("a damaged chunk")
    return marshal.loads(data)


def _items(handle: IO[bytes], kind: str) -> tuple[list[Cable], dict[str, Any]]:
    """The chunks of cables, then the body of a ``kind`` item ("state" or "delta")."""
    cables: list[Cable] = []
    try:
        while True:
            item = _read(handle)
            if not isinstance(item, tuple) or not item:
                raise ValueError("not a saved state")
            if item[0] == "rows":
                cables.extend(_cable(row) for row in item[1])
                continue
            name, version, body = item
            break
    except (EOFError, TypeError, ValueError, IndexError, KeyError) as exc:
        raise ValueError(f"not a saved state: {exc}") from exc
    if name != kind or version != FORMAT or not isinstance(body, dict):
        raise ValueError("a state of another format")
    return cables, body


def load(handle: IO[bytes]) -> dict[str, Any]:
    """The state :func:`dump` wrote; raises :class:`OtherFormat` when another version
    wrote it, ValueError when it is not one (damaged, cut short)."""
    head = handle.read(len(MAGIC) + 2)
    if not head.startswith(MAGIC):
        raise ValueError("not a saved state")
    if int.from_bytes(head[len(MAGIC) :], "little") != FORMAT:
        raise OtherFormat("a state of another format")
    cables, state = _items(handle, "state")
    state["parsed"] = {
        name: (tuple(stamp), key, cables[n]) for name, (stamp, key, n) in state["parsed"].items()
    }
    plain = state.get("archive")
    if plain is not None:
        state["archive"] = Archive(
            cables={cid: cables[n] for cid, n in plain["cables"].items()},
            notes={cid: Note(*n) for cid, n in plain["notes"].items()},
            pages=[MarkdownPage(*p) for p in plain["pages"]],
            diagnostics=[Diagnostic(*d) for d in plain["diagnostics"]],
            **{name: plain[name] for name in _ARCHIVE_PLAIN},
        )
    if "index_cache" in state:
        state["index_cache"] = {
            cid: (cables[n], text) for cid, (n, text) in state["index_cache"].items()
        }
    if "groups" in state:
        state["groups"] = _keyed_groups(state["groups"])
    return state


# -- the journal ---------------------------------------------------------------------------

JOURNALED = ("parsed", "groups", "index_cache")
"""The large dicts a journal record carries by entry: those changed and those removed."""


def delta(saved: dict[str, Any], state: dict[str, Any]) -> dict[str, Any] | None:
    """What changed from ``saved`` (a :func:`snapshot`) to ``state``, or None when the
    archive was indexed again (a journal record would be as large as the state: write it
    whole). Entries are compared by identity: a build replaces what it changes."""
    old, new = saved["archive"], state["archive"]
    if new is not old and (
        old is None
        or new is None
        or any(getattr(new, name) is not getattr(old, name) for name in _ARCHIVE_PLAIN)
        or new.notes is not old.notes
        or new.pages is not old.pages
    ):
        return None
    out: dict[str, Any] = {}
    for name, value in state.items():
        if name in JOURNALED:
            before = saved[name]
            out[name] = {k: v for k, v in value.items() if before.get(k) is not v}
            out[name + "-"] = [k for k in before if k not in value]
        elif name != "archive" and (name not in saved or saved[name] != value):
            out[name] = value
    if new is not old:
        out["swaps"] = {cid: c for cid, c in new.cables.items() if old.cables.get(cid) is not c}
        out["swaps-"] = [cid for cid in old.cables if cid not in new.cables]
    return out


def snapshot(state: dict[str, Any]) -> dict[str, Any]:
    """``state`` as saved: the journaled dicts copied (a build changes them in place)."""
    return {k: dict(v) if k in JOURNALED else v for k, v in state.items()}


def record(change: dict[str, Any], base: str) -> bytes:
    """A journal record of ``change`` (from :func:`delta`) for the base ``base``: its own
    chunk of the cables it refers to, then the change; length and checksum first."""
    buffer = io.BytesIO()
    table = _Table(buffer)
    out = dict(change, base=base)
    out["parsed"] = {
        name: (stamp, key, table.ref(cable))
        for name, (stamp, key, cable) in change["parsed"].items()
    }
    out["index_cache"] = {
        cid: (table.ref(c), text) for cid, (c, text) in change["index_cache"].items()
    }
    out["groups"] = _plain_groups(change["groups"])
    out["groups-"] = [(key.kind, key.name) for key in change["groups-"]]
    if "swaps" in change:
        out["swaps"] = {cid: table.ref(c) for cid, c in change["swaps"].items()}
    table.flush()
    _write(buffer, ("delta", FORMAT, out))
    body = buffer.getvalue()
    return len(body).to_bytes(8, "little") + _checksum(body) + body


def _checksum(body: bytes) -> bytes:
    return hashlib.blake2b(body, digest_size=16).digest()


def replay(state: dict[str, Any], journal: bytes) -> tuple[int, bool]:
    """Apply to ``state`` (from :func:`load`) the records of ``journal`` made for its base,
    in order, up to the first damaged one; returns how many applied, and whether the
    journal was intact (False: it ends in a damaged record, or garbage)."""
    applied, at = 0, 0
    while at < len(journal):
        size = int.from_bytes(journal[at : at + 8], "little")
        body = journal[at + 24 : at + 24 + size]
        if len(body) != size or _checksum(body) != journal[at + 8 : at + 24]:
            return applied, False  # cut short by a crash: what follows is not trusted
        at += 24 + size
        try:
            cables, change = _items(io.BytesIO(body), "delta")
        except ValueError:
            return applied, False
        if change.get("base") != state.get("base"):
            continue  # a record of an earlier base
        _apply(state, cables, change)
        applied += 1
    return applied, True


def _apply(state: dict[str, Any], cables: list[Cable], change: dict[str, Any]) -> None:
    for name in JOURNALED:
        entries = change.pop(name, {})
        if name == "parsed":
            entries = {k: (tuple(st), key, cables[n]) for k, (st, key, n) in entries.items()}
        elif name == "index_cache":
            entries = {cid: (cables[n], text) for cid, (n, text) in entries.items()}
        gone_keys = change.pop(name + "-", [])
        if name == "groups":
            entries = _keyed_groups(entries)
            gone_keys = [GroupKey(*key) for key in gone_keys]
        target = state.setdefault(name, {})
        for gone in gone_keys:
            target.pop(gone, None)
        target.update(entries)
    swaps = change.pop("swaps", None)
    gone_cables = change.pop("swaps-", [])
    archive = state.get("archive")
    if swaps is not None and archive is not None:
        for cid in gone_cables:
            archive.cables.pop(cid, None)
        archive.cables.update({cid: cables[n] for cid, n in swaps.items()})
    change.pop("base", None)
    state.update(change)
