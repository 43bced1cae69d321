"""Index and resolve: the one index every later stage asks (by ID, tag, origin, month...).

Built after every cable is parsed, so references resolve both ways ("references" and
"referenced by") and what the archive is missing is known before a page is rendered.
"""

from __future__ import annotations

import heapq
from collections import defaultdict
from dataclasses import dataclass, field, replace

from sitegen.core.ids import is_safe_id
from sitegen.core.model import Cable, Diagnostic
from sitegen.core.urls import slug


@dataclass(slots=True)
class MarkdownPage:
    """A page of ``content/pages``."""

    source: str
    slug: str
    title: str
    body: str
    order: int = 0
    date: str | None = None
    description: str | None = None


@dataclass(slots=True)
class Note:
    """A note on a cable, ``content/notes/<ID>.md``."""

    source: str
    cable_id: str
    body: str


@dataclass(slots=True)
class Archive:
    """Every cable and page, and every lookup the site needs, sorted."""

    cables: dict[str, Cable] = field(default_factory=dict)
    chronological: list[str] = field(default_factory=list)
    """IDs oldest first: by created date, then ID; undated cables last."""
    aliases: dict[str, str] = field(default_factory=dict)
    by_tag: dict[str, list[str]] = field(default_factory=dict)
    tag_slugs: dict[str, str] = field(default_factory=dict)
    """The path segment of each TAGS code, unique (``tag/<slug>/``)."""
    by_origin: dict[str, list[str]] = field(default_factory=dict)
    origin_names: dict[str, str] = field(default_factory=dict)
    by_classification: dict[str, list[str]] = field(default_factory=dict)
    class_slugs: dict[str, str] = field(default_factory=dict)
    """The path segment of each classification, unique (``classification/<slug>/``): two
    unusual classifications may slug alike (``<S>`` and ``S``)."""
    by_year: dict[int, list[str]] = field(default_factory=dict)
    by_month: dict[tuple[int, int], list[str]] = field(default_factory=dict)
    cited_by: dict[str, list[str]] = field(default_factory=dict)
    unresolved: dict[str, list[str]] = field(default_factory=dict)
    notes: dict[str, Note] = field(default_factory=dict)
    pages: list[MarkdownPage] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)

    def resolve(self, cable_id: str | None) -> str | None:
        """The archive's ID for a cited ID (itself or through an alias), None if missing."""
        if cable_id is None:
            return None
        if cable_id in self.cables:
            return cable_id
        return self.aliases.get(cable_id)

    def newest_position(self, ids: list[str], cable_id: str) -> int | None:
        """Where ``cable_id`` stands in ``newest_first(ids)``, without making that list (a
        list of the archive's largest tag is a hundred thousand IDs). Dated IDs come first
        in ``ids``, so the boundary is found by halving."""
        try:
            at = ids.index(cable_id)
        except ValueError:
            return None
        lo, hi = 0, len(ids)  # the first undated ID is in [lo, hi]
        while lo < hi:
            mid = (lo + hi) // 2
            if self.cables[ids[mid]].created:
                lo = mid + 1
            else:
                hi = mid
        return lo - 1 - at if at < lo else at

    def latest(self, count: int) -> list[str]:
        """The ``count`` cables released last, latest first (by release date, then creation
        date, then ID): what the home page and the feed show."""

        def key(cable_id: str) -> tuple[str, str, str]:
            c = self.cables[cable_id]
            return (c.released or "", c.created or "", cable_id)

        return heapq.nlargest(count, self.cables, key=key)

    def newest_first(self, ids: list[str]) -> list[str]:
        """``ids`` (given oldest first) newest first; undated cables stay last."""
        dated = [i for i in ids if self.cables[i].created]
        undated = [i for i in ids if not self.cables[i].created]
        return dated[::-1] + undated


def _index_key(cable: Cable) -> tuple[object, ...]:
    """Everything of a cable that the archive's indexes depend on."""
    references = tuple(r.id for r in cable.references)
    return (
        cable.id, cable.source, tuple(cable.aliases), cable.created, tuple(cable.tags),
        cable.origin_code, cable.origin, cable.classification, references,
    )  # fmt: skip


def replaced(previous: Archive, swaps: list[tuple[Cable, Cable]]) -> Archive | None:
    """``previous`` with each ``(before, after)`` cable swapped, when no index changes (an
    edit of a subject, a summary or the text): the indexes are shared, not built again.
    None when a swap changes an index (build the archive again then)."""
    cables = dict(previous.cables)
    for before, after in swaps:
        if (
            before.id is None
            or previous.cables.get(before.id) is not before
            or _index_key(before) != _index_key(after)
        ):
            return None
        cables[before.id] = after
    return replace(previous, cables=cables)


DUPLICATES_LISTED = 10
"""Files skipped for one ID that are reported one by one; the rest are counted in one line,
so 50,000 copies of a cable make a report of a dozen lines."""


def _duplicates(cid: str, kept: str, sources: list[str]) -> list[Diagnostic]:
    """The diagnostics of the files skipped because ``kept`` has their ID ``cid``."""
    out = [
        Diagnostic(
            0,
            "error",
            "duplicate-id",
            f"{cid} is also {kept}; that file is kept and this one skipped",
            source,
        )
        for source in sources[:DUPLICATES_LISTED]
    ]
    rest = sources[DUPLICATES_LISTED:]
    if rest:
        span = f"{rest[0]} ... {rest[-1]}" if len(rest) > 1 else rest[0]
        message = f"{cid} is also the ID of {len(rest):,} more files, skipped too ({span})"
        out.append(Diagnostic(0, "error", "duplicate-id", message, kept))
    return out


def _chronological_key(cable: Cable) -> tuple[int, str, str]:
    return (0 if cable.created else 1, cable.created or "", cable.id or "")


def build_archive(cables: list[Cable], notes: list[Note], pages: list[MarkdownPage]) -> Archive:
    """Index ``cables`` (given in source order) and resolve their references."""
    archive = Archive()
    winners: dict[str, Cable] = {}
    skipped: dict[str, list[str]] = {}
    for cable in cables:
        if cable.id is None:
            continue  # the parser reported it
        if not is_safe_id(cable.id):
            archive.diagnostics.append(
                Diagnostic(
                    0,
                    "error",
                    "unsafe-id",
                    f"ID {cable.id!r} cannot be a path segment; no page written",
                    cable.source,
                )
            )
            continue
        if cable.id in winners:
            skipped.setdefault(cable.id, []).append(cable.source)
            continue
        winners[cable.id] = cable
    for cid, sources in skipped.items():
        archive.diagnostics += _duplicates(cid, winners[cid].source, sources)
    ordered = sorted(winners.values(), key=_chronological_key)
    archive.chronological = [c.id for c in ordered if c.id]
    archive.cables = {c.id: c for c in sorted(ordered, key=lambda c: c.id or "") if c.id}

    for cable in ordered:
        for alias in cable.aliases:
            if alias not in archive.cables and is_safe_id(alias):
                archive.aliases.setdefault(alias, cable.id or "")

    by_tag: dict[str, list[str]] = defaultdict(list)
    by_origin: dict[str, list[str]] = defaultdict(list)
    by_class: dict[str, list[str]] = defaultdict(list)
    by_year: dict[int, list[str]] = defaultdict(list)
    by_month: dict[tuple[int, int], list[str]] = defaultdict(list)
    cited_by: dict[str, list[str]] = defaultdict(list)
    unresolved: dict[str, list[str]] = defaultdict(list)
    for cable in ordered:
        cid = cable.id or ""
        for tag in cable.tags:
            by_tag[tag].append(cid)
        if cable.origin_code:
            by_origin[cable.origin_code].append(cid)
            archive.origin_names.setdefault(cable.origin_code, cable.origin or cable.origin_code)
        if cable.classification:
            by_class[cable.classification].append(cid)
        if cable.created:
            year, month = int(cable.created[:4]), int(cable.created[5:7])
            by_year[year].append(cid)
            by_month[(year, month)].append(cid)
        seen: set[str] = set()
        for ref in cable.references:
            if ref.id is None or ref.id in seen:
                continue
            seen.add(ref.id)
            target = archive.resolve(ref.id)
            if target == cid:
                continue
            if target:
                if cid not in cited_by[target]:
                    cited_by[target].append(cid)
            else:
                unresolved[ref.id].append(cid)
    archive.by_tag = dict(sorted(by_tag.items()))
    archive.by_origin = dict(sorted(by_origin.items()))
    archive.by_classification = dict(sorted(by_class.items()))
    archive.by_year = dict(sorted(by_year.items()))
    archive.by_month = dict(sorted(by_month.items()))
    archive.cited_by = {k: v for k, v in sorted(cited_by.items())}
    archive.unresolved = dict(sorted(unresolved.items()))
    archive.tag_slugs = _unique_slugs(list(archive.by_tag))
    archive.class_slugs = _unique_slugs(list(archive.by_classification), lower=True)

    for note in notes:
        target = archive.resolve(note.cable_id)
        if target is None:
            archive.diagnostics.append(
                Diagnostic(
                    0,
                    "warning",
                    "note-without-cable",
                    f"no cable {note.cable_id} in the archive",
                    note.source,
                )
            )
        elif target in archive.notes:
            archive.diagnostics.append(
                Diagnostic(
                    0,
                    "warning",
                    "duplicate-note",
                    f"{target} already has a note ({archive.notes[target].source})",
                    note.source,
                )
            )
        else:
            archive.notes[target] = note
    archive.pages = sorted(pages, key=lambda p: (p.order, p.slug))
    return archive


def _unique_slugs(codes: list[str], *, lower: bool = False) -> dict[str, str]:
    """A path segment per code; codes that would share one get ``-2``, ``-3``..."""
    out: dict[str, str] = {}
    used: set[str] = set()
    for code in sorted(codes):
        base = slug(code).lower() if lower else slug(code)
        candidate, n = base, 1
        while candidate in used:
            n += 1
            candidate = f"{base}-{n}"
        used.add(candidate)
        out[code] = candidate
    return out
