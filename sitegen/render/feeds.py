"""The machine-readable files: the JSON API, the Atom feed, the sitemap, robots.txt.

Dates in them come from the cables, never from the clock, so two builds of one archive are
byte-identical.
"""

from __future__ import annotations

import json
import re
from typing import Any
from xml.sax.saxutils import escape as _xml_escape
from xml.sax.saxutils import quoteattr as _xml_quoteattr

from sitegen.content.archive import Archive
from sitegen.core.config import Config
from sitegen.core.model import Cable, cable_to_json
from sitegen.core.urls import Urls
from sitegen.render.escape import html_safe_json

_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def escape(text: str) -> str:
    """XML-escaped text without the characters XML 1.0 cannot hold (a cable may have them)."""
    return _xml_escape(_NOT_XML.sub("\ufffd", text))


def quoteattr(text: str) -> str:
    return _xml_quoteattr(_NOT_XML.sub("\ufffd", text))


def _json(data: Any) -> bytes:
    # Compact: the C encoder is only used without indentation, and these files are many.
    text = html_safe_json(json.dumps(data, ensure_ascii=False, separators=(",", ":")))
    return (text + "\n").encode("utf-8")


def cable_json(archive: Archive, cable_id: str, urls: Urls, whole: Cable | None = None) -> bytes:
    """``/api/cables/<ID>.json``: what the parser read, references resolved, the texts
    (``whole``: the cable with its text, when the archive holds a light one)."""
    cable = whole or archive.cables[cable_id]
    data = cable_to_json(cable)
    data.pop("source", None)
    data.pop("diagnostics", None)
    data["url"] = urls.link(urls.cable(cable_id))
    data["references"] = [
        {**ref, "in_archive": archive.resolve(ref["id"]) is not None} for ref in data["references"]
    ]
    data["referenced_by"] = archive.cited_by.get(cable_id, [])
    data["text"] = cable.text
    data["reading"] = cable.reading if cable.reading != cable.text else None
    return _json(data)


IndexCache = dict[str, tuple[Cable, str]]
"""Each cable's record of ``api/cables.json``, kept with the cable it was made from."""


def index_json(archive: Archive, urls: Urls, cache: IndexCache | None = None) -> bytes:
    """``/api/cables.json``: one record per cable, oldest first (records of cables that did
    not change since the last call with the same ``cache`` are reused)."""
    cache = cache if cache is not None else {}
    parts = []
    for cid in archive.chronological:
        c = archive.cables[cid]
        known = cache.get(cid)
        if known is None or known[0] is not c:
            record = {
                "id": cid,
                "subject": c.subject,
                "created": c.created,
                "created_inferred": c.created_inferred,
                "released": c.released,
                "classification": c.classification,
                "origin": c.origin,
                "origin_code": c.origin_code,
                "tags": c.tags,
                "references": [r.id for r in c.references if r.id],
                "url": urls.link(urls.cable(cid)),
                "json": urls.api_cable(cid),
            }
            known = cache[cid] = (c, _json(record).decode("utf-8").rstrip("\n"))
        parts.append(known[1])
    for gone in set(cache) - set(archive.cables):
        del cache[gone]
    text = f'{{"count":{len(parts)},"cables":[\n' + ",\n".join(parts) + "\n]}\n"
    return text.encode("utf-8")


def _absolute(config: Config, urls: Urls, path: str) -> str:
    return f"{config.base_url}{urls.link(path)}"


def atom_feed(archive: Archive, config: Config, urls: Urls) -> bytes:
    """``/feed.xml``: the latest cables, by release date then creation date."""
    ids = archive.latest(config.feed_size)

    def stamp(value: str | None) -> str:
        if not value:
            return "1970-01-01T00:00:00Z"
        return (
            f"{value[:10]}T{value[11:16] or '00:00'}:00Z"
            if len(value) > 10
            else f"{value[:10]}T00:00:00Z"
        )

    updated = max(
        (stamp(archive.cables[i].released or archive.cables[i].created) for i in ids),
        default=stamp(None),
    )
    home = _absolute(config, urls, urls.home) or "./"
    lines = [
        '<?xml version="1.0" encoding="utf-8"?>',
        f'<feed xmlns="http://www.w3.org/2005/Atom" xml:lang={quoteattr(config.language)}>',
        f"<title>{escape(config.title)}</title>",
        f"<subtitle>{escape(config.description)}</subtitle>",
        f"<id>{escape(home)}</id>",
        f'<link rel="alternate" href={quoteattr(home)}/>',
        f'<link rel="self" href={quoteattr(_absolute(config, urls, urls.feed))}/>',
        f"<updated>{updated}</updated>",
        "<author><name>" + escape(config.title) + "</name></author>",
    ]
    for cid in ids:
        c = archive.cables[cid]
        link = _absolute(config, urls, urls.cable(cid))
        lines += [
            "<entry>",
            f"<title>{escape(f'{cid}: {c.subject or cid}')}</title>",
            f"<id>{escape(link)}</id>",
            f'<link rel="alternate" href={quoteattr(link)}/>',
            f"<updated>{stamp(c.released or c.created)}</updated>",
            f"<published>{stamp(c.created)}</published>",
        ]
        lines += [f"<category term={quoteattr(t)}/>" for t in c.tags]
        summary = c.summary or c.subject
        if summary:
            lines.append(f"<summary>{escape(summary)}</summary>")
        lines.append("</entry>")
    lines.append("</feed>")
    return ("\n".join(lines) + "\n").encode("utf-8")


def sitemap(paths: list[str], config: Config, urls: Urls) -> bytes:
    """``/sitemap.xml``: every HTML page (absolute URLs when ``base_url`` is set)."""
    lines = [
        '<?xml version="1.0" encoding="utf-8"?>',
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">',
    ]
    for path in sorted(paths):
        lines.append(f"<url><loc>{escape(_absolute(config, urls, path) or './')}</loc></url>")
    lines.append("</urlset>")
    return ("\n".join(lines) + "\n").encode("utf-8")


def robots(config: Config, urls: Urls) -> bytes:
    text = "User-agent: *\nAllow: /\n"
    if config.base_url:
        text += f"Sitemap: {config.base_url}{urls.sitemap}\n"
    return text.encode("utf-8")
