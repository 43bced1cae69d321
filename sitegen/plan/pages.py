"""The single pages: the home page, a Markdown page, the 404 page and the search page."""

from __future__ import annotations

import json

from markupsafe import Markup

from sitegen.core.urls import relative
from sitegen.plan.context import HomeContext, PageContext, SearchContext, TemplateContext
from sitegen.plan.pieces import Page, Pieces
from sitegen.render import search
from sitegen.render.escape import html_safe_json

LATEST = 10
"""How many of the latest cables the home page lists."""


def home(p: Pieces) -> Page:
    """``/``: what the archive holds, its most used tags and posts, its latest cables."""
    a = p.archive
    path = p.urls.home
    tags = sorted(a.by_tag, key=lambda t: (-len(a.by_tag[t]), t))[:24]
    origins = sorted(a.by_origin, key=lambda o: (-len(a.by_origin[o]), o))[:16]
    years = list(a.by_year)
    context: HomeContext = {
        "title": p.config.title,
        "description": p.config.description,
        "counts": {
            "cables": len(a.cables),
            "origins": len(a.by_origin),
            "tags": len(a.by_tag),
            "links": sum(len(v) for v in a.cited_by.values()),
            "missing": len(a.unresolved),
            "first_year": years[0] if years else None,
            "last_year": years[-1] if years else None,
        },
        "timeline_svg": p.year_histogram(a.chronological, "Cables per year", path),
        "top_tags": [p.tag_link(t) for t in tags],
        "top_origins": [p.origin_link(o) for o in origins],
        "latest": [{**p.summary(i), "released": a.cables[i].released} for i in a.latest(LATEST)],
        "classifications": p.classification_links(),
    }
    return Page(path, context)


def markdown_page(p: Pieces, slug: str) -> Page:
    """A page of ``content/pages``, its cable IDs linked."""
    page = next(m for m in p.archive.pages if m.slug == slug)
    path = p.urls.page(page.slug)
    context: PageContext = {
        "title": page.title,
        "description": page.description or page.title,
        "page": {
            "title": page.title,
            "date": page.date,
            "html": p.markdown_html(page.body, path),
        },
    }
    return Page(path, context)


def not_found(p: Pieces) -> Page:
    """``/404.html``, served for any path the site does not have."""
    context: TemplateContext = {
        "title": "Page not found",
        "description": "This page is not in the archive.",
    }
    return Page(p.urls.not_found, context)


def search_page(p: Pieces) -> Page:
    """``/search/``: the page the search runs in (its script reads the query from the
    URL); the titles of the archive's tags label the tag filter."""
    a, urls = p.archive, p.urls
    titles = {code: p.glossary.lookup(code).title or "" for code in a.by_tag}
    context: SearchContext = {
        "title": "Search",
        "description": f"Search the full text of the {len(a.cables)} cables.",
        "tag_titles": Markup(_script_json(titles)),
        "cable_link": urls.link(urls.cable("ID")),
        "bundles": [
            relative(urls.link(urls.search), search.bundle_folder(n))
            for n in range(len(search.shards(a)))
        ],
    }
    return Page(urls.search, context)


def _script_json(value: object) -> str:
    """JSON for a ``<script type="application/json">``, sorted and compact."""
    return html_safe_json(
        json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    )
