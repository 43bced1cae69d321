"""A cable's page: its header with links, its references both ways, its text (with the
repairs marked), its note, its neighbours from the same post, and how to cite it."""

from __future__ import annotations

from sitegen.core.model import Cable
from sitegen.plan.context import CableContext, CableData, CiteContext, ReferenceEntry
from sitegen.plan.pieces import Page, Pieces, badge, human_date
from sitegen.render import cite
from sitegen.render.cable_text import text_html
from sitegen.tables.posts import load_posts


def cable_page(p: Pieces, cable_id: str, only: int | None = None) -> list[Page]:
    """The page of one cable (a cable has one page: ``only`` changes nothing)."""
    c = p.archive.cables[cable_id]
    path = p.urls.cable(cable_id)
    context: CableContext = {
        "title": c.subject or cable_id,
        "description": description(c),
        "cable": cable_data(p, cable_id, path),
    }
    return [Page(path, context)]


def cable_data(p: Pieces, cable_id: str, path: str) -> CableData:
    """``cable`` of the page: the header as read, with links, labels, text and citation."""
    a, urls = p.archive, p.urls
    c = a.cables[cable_id]
    previous, following = _neighbours(p, c, cable_id)
    note = a.notes.get(cable_id)
    body = p.whole(cable_id)
    reading_lines = body.reading.split("\n") if body.reading else body.text.split("\n")
    original_lines = body.text.split("\n")
    repaired = p.config.repair_text and reading_lines != original_lines
    post = load_posts().get(c.origin_code or "")
    return {
        "id": cable_id,
        "id_inferred": c.id_inferred,
        "aliases": c.aliases,
        "subject": c.subject,
        "created": c.created,
        "created_label": human_date(c.created),
        "created_time": c.created[11:16] if c.created and len(c.created) > 10 else None,
        "created_inferred": c.created_inferred,
        "released": c.released,
        "released_label": human_date(c.released),
        "classification": c.classification,
        "classification_inferred": c.classification_inferred,
        "classification_path": urls.classification(a.class_slugs[c.classification])
        if c.classification in a.class_slugs
        else None,
        "badge": badge(c.classification),
        "origin": c.origin,
        "origin_code": c.origin_code,
        "origin_inferred": c.origin_inferred,
        "origin_path": urls.origin(c.origin_code) if c.origin_code in a.by_origin else None,
        "country": post.country if post else None,
        "to": c.to,
        "info": c.info,
        "tags": [p.tag_link(t) for t in c.tags],
        "declassify_on": c.declassify_on,
        "declassify_label": human_date(c.declassify_on) if c.declassify_on else c.declassify_text,
        "classified_by": c.classified_by,
        "reasons": c.reasons,
        "signer": c.signer,
        "summary": c.summary,
        "header": sorted(body.header.items()),
        "references": _references(p, c),
        "cited_by": [p.summary(i) for i in a.cited_by.get(cable_id, [])],
        "text_html": text_html(original_lines, body, reading_lines if repaired else None),
        "repaired": repaired,
        "repairs": sum(c.repairs.values()),
        "note_html": p.markdown_html(note.body, path) if note else None,
        "previous": p.summary(previous) if previous else None,
        "next": p.summary(following) if following else None,
        "json_path": urls.api_cable(cable_id),
        "cite": citation(p, cable_id),
    }


def _neighbours(p: Pieces, c: Cable, cable_id: str) -> tuple[str | None, str | None]:
    """The cables before and after this one from the same post."""
    same_origin = p.archive.by_origin.get(c.origin_code or "", [])
    position = p.origin_positions(c.origin_code or "").get(cable_id, -1)
    previous = same_origin[position - 1] if position > 0 else None
    following = same_origin[position + 1] if 0 <= position < len(same_origin) - 1 else None
    return previous, following


def _references(p: Pieces, c: Cable) -> list[ReferenceEntry]:
    """The cable's references, each linked to the archive's cable when it holds it."""
    entries: list[ReferenceEntry] = []
    for ref in c.references:
        target = p.archive.resolve(ref.id)
        entry: ReferenceEntry = {"label": ref.label, "text": ref.text, "id": ref.id}
        entry["status"] = "text"
        if target:
            entry["status"] = "linked"
            entry["cable"] = p.summary(target)
        elif ref.id:
            entry["status"] = "missing"
        entries.append(entry)
    return entries


def citation(p: Pieces, cable_id: str) -> CiteContext:
    """The "Cite this cable" block and the head's citation tags. Without ``base_url`` the
    text shows the page's path in place of its URL (a script in the page puts the
    address it was opened at there)."""
    urls = p.urls
    entry = cite.citation_of(p.archive.cables[cable_id], cable_id, p.config, urls)
    shown = entry.url or urls.link(urls.cable(cable_id))
    return {
        "text": cite.text(entry, shown),
        "lead": cite.lead(entry),
        "url": entry.url,
        "shown_url": shown,
        "path": urls.cable(cable_id),
        "tail": cite.tail(),
        "meta": cite.meta_tags(entry),
        "files": [
            {
                "format": f.label,
                "path": urls.cable_file(cable_id, f.name),
                "download": f"{cable_id}{f.suffix}",
                "type": f.media_type,
            }
            for f in cite.FILES.values()
        ],
    }


def description(c: Cable) -> str:
    """The page's ``<meta name="description">``: the summary or subject, at most 200
    characters, cut at a word."""
    text = c.summary or c.subject or c.id or ""
    text = " ".join(text.split())
    return text if len(text) <= 200 else text[:197].rsplit(" ", 1)[0] + "..."
