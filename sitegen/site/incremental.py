"""Incremental builds: what a change touches, so only those pages are rendered again.

The first build renders everything. A later one compares the archive just read with the
one the output shows: a changed cable's own page, the pages of the cables it cites and that
cite it (before and after the change), its neighbours, its tags, origin, classification,
year and month, and the site-wide indexes. A changed template re-renders the pages made
from it; a changed page title, a changed set of cables seen by Markdown pages, or a changed
tag slug re-renders everything, as explained where each is detected. The test of all this
is that the output always equals a clean full build.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from sitegen.content.archive import Archive
from sitegen.core.config import Config
from sitegen.core.model import Cable
from sitegen.plan.groups import GroupKey, Touched, groups_of
from sitegen.site.state import SavedState


@dataclass(slots=True)
class Change:
    """What one build found changed since the previous one."""

    everything: bool = False
    reason: str = ""


def decide(
    last: SavedState,
    new: Archive,
    changed: set[str],
    theme: dict[str, bytes],
    config: Config,
    templates: Mapping[str, str],
) -> tuple[Change, set[Touched]]:
    """What changed since the ``last`` build (``changed``: the IDs of the cables read
    again), and which groups (or single pages) to render; ``templates``: the template of
    each kind of group."""
    old = last.archive
    nav = [(p.slug, p.title, p.order) for p in new.pages]
    if old is None:
        return Change(True, "first build"), set()
    if nav != last.pages_nav:
        return Change(True, "Markdown pages added, removed or renamed"), set()
    if old.tag_slugs != {c: s for c, s in new.tag_slugs.items() if c in old.tag_slugs}:
        return Change(True, "tag paths changed"), set()
    if old.class_slugs != {c: s for c, s in new.class_slugs.items() if c in old.class_slugs}:
        return Change(True, "classification paths changed"), set()
    changed_templates = {
        name for name in set(theme) | set(last.theme)
        if name.startswith("templates/") and theme.get(name) != last.theme.get(name)
    }  # fmt: skip
    by_template = {f"templates/{t}": k for k, t in templates.items()}
    if any(name not in by_template for name in changed_templates):
        return Change(True, "a shared template changed"), set()
    keys = affected(old, new, changed, config.page_size) if changed else set()
    if changed and (set(old.cables) != set(new.cables) or set(old.aliases) != set(new.aliases)):
        keys |= {GroupKey("page", p.slug) for p in new.pages}  # their cable links may change
    kinds = {by_template[name] for name in changed_templates}
    keys |= {k for k in groups_of(new, config.search) if k.kind in kinds}
    bodies = {p.slug: p.body for p in new.pages}
    keys |= {GroupKey("page", s) for s, b in bodies.items() if last.page_bodies.get(s) != b}
    notes = {cid: n.body for cid, n in new.notes.items()}
    for cid in set(notes) | set(last.notes):
        if notes.get(cid) != last.notes.get(cid):
            keys.add(GroupKey("cable", cid))
    return Change(False, ""), keys


def affected(old: Archive, new: Archive, changed: set[str], page_size: int) -> set[Touched]:
    """The groups (or single pages of list groups) that show something of ``changed``.

    A cable that stays in the same lists at the same place (its tags, origin,
    classification and date unchanged) touches one page of each list; one that moves
    changes counts and histograms, so every page of its lists.
    """
    keys: set[Touched] = {GroupKey("home"), GroupKey("search")}  # (counts, tag titles)
    for cid in changed:
        before, after = old.cables.get(cid), new.cables.get(cid)
        moved = before is None or after is None or _list_key(before) != _list_key(after)
        for archive in (old, new):
            keys |= _groups_of_cable(archive, cid, moved, page_size)
        if moved:
            keys |= {GroupKey(k) for k in ("tags", "origins", "classifications", "timeline")}
        elif after is not None and not after.created:
            keys.add(GroupKey("timeline"))  # lists the undated cables
    if old.unresolved != new.unresolved:
        keys.add(GroupKey("unresolved"))
    else:
        # The pages of the missing IDs the changed cables cite (they list their citers).
        wanted = {
            ref.id
            for cid in changed
            if (cable := new.cables.get(cid)) is not None
            for ref in cable.references
            if ref.id in new.unresolved
        }
        if wanted:
            rows = sorted(new.unresolved, key=lambda m: (-len(new.unresolved[m]), m))
            for n, missing in enumerate(rows):
                if missing in wanted:
                    keys.add(GroupKey("unresolved").page(n // page_size + 1))
    return keys | _neighbour_months(old, new)


def _list_key(cable: Cable) -> tuple[object, ...]:
    """What decides where a cable stands in the lists: a change of it moves the cable."""
    return (sorted(cable.tags), cable.origin_code, cable.classification, cable.created)


def _page_of(archive: Archive, ids: list[str], cid: str, page_size: int) -> int:
    """The page of a newest-first list of ``ids`` that shows ``cid``."""
    at = archive.newest_position(ids, cid)
    return at // page_size + 1 if at is not None else 1


def _groups_of_cable(archive: Archive, cid: str, moved: bool, page_size: int) -> set[Touched]:
    """Every group (or, when the cable did not move, every list page) of ``archive`` that
    shows something of cable ``cid``."""
    keys: set[Touched] = set()
    cable = archive.cables.get(cid)
    keys |= {GroupKey("cable", c) for c in archive.unresolved.get(cid, [])}
    if cable is None:
        return keys
    keys.add(GroupKey("cable", cid))
    for ref in cable.references:
        target = archive.resolve(ref.id)
        if target:
            keys.add(GroupKey("cable", target))
    keys |= {GroupKey("cable", c) for c in archive.cited_by.get(cid, [])}
    for alias in cable.aliases:
        keys |= {GroupKey("cable", c) for c in archive.unresolved.get(alias, [])}

    def listed(kind: str, name: str, ids: list[str], newest: bool = True) -> None:
        group = GroupKey(kind, name)
        if moved:
            keys.add(group)
        elif newest:
            keys.add(group.page(_page_of(archive, ids, cid, page_size)))
        else:
            at = ids.index(cid) if cid in ids else 0
            keys.add(group.page(at // page_size + 1))

    if cable.origin_code:
        same = archive.by_origin.get(cable.origin_code, [])
        if cid in same:
            at = same.index(cid)
            keys |= {GroupKey("cable", c) for c in same[max(0, at - 1) : at + 2]}
        listed("origin", cable.origin_code, same)
    for tag in cable.tags:
        listed("tag", tag, archive.by_tag.get(tag, []))
    if cable.classification:
        ids = archive.by_classification.get(cable.classification, [])
        listed("classification", cable.classification, ids)
    if cable.created:
        year, month = cable.created[:4], cable.created[:7]
        if moved:
            keys.add(GroupKey("year", year))  # it shows counts only
        listed("month", month, archive.by_month.get((int(year), int(month[5:])), []), False)
    return keys


def _neighbour_months(old: Archive, new: Archive) -> set[Touched]:
    """Year and month pages link their neighbours: when a year or month appears or goes,
    the ones beside it change too."""
    out: set[Touched] = set()
    for kind, old_keys, new_keys in (
        (
            "month",
            [f"{y:04d}-{m:02d}" for y, m in old.by_month],
            [f"{y:04d}-{m:02d}" for y, m in new.by_month],
        ),
        ("year", [str(y) for y in old.by_year], [str(y) for y in new.by_year]),
    ):
        if old_keys == new_keys:
            continue
        appeared = set(old_keys) ^ set(new_keys)
        for listing in (old_keys, new_keys):
            for i, value in enumerate(listing):
                near = listing[max(0, i - 1) : i + 2]
                if appeared & set(near):
                    out.add(GroupKey(kind, value))
    return out
