"""Plan: which pages the site has, at which paths, and the flat data each template gets.

The planner is a façade: each kind of page is planned by its module (``cable_page``,
``lists``, ``timeline``, ``pages``) through the one table of kinds (``kinds.KINDS``),
from the pieces they share (``pieces.Pieces``). What each template receives is written
down in ``context``.
"""

from __future__ import annotations

from collections.abc import Callable

from sitegen.content.archive import Archive
from sitegen.core.config import Config
from sitegen.core.model import Cable
from sitegen.core.urls import Urls
from sitegen.plan.context import NavLink, SiteContext
from sitegen.plan.groups import GroupKey, groups_of
from sitegen.plan.kinds import KINDS
from sitegen.plan.pieces import PagePlan, Pieces
from sitegen.render.markdown import Markdown
from sitegen.tables.tags import Glossary

__all__ = ["PagePlan", "Planner", "site_context"]


class Planner:
    """Turns the archive into page plans, one group of pages at a time."""

    def __init__(
        self,
        archive: Archive,
        config: Config,
        glossary: Glossary,
        whole: Callable[[str], Cable] | None = None,
        urls: Urls | None = None,
        markdown: Markdown | None = None,
    ) -> None:
        self.archive = archive
        self.config = config
        self.urls = urls or Urls(config.pretty_urls)
        self.whole = whole or archive.cables.__getitem__
        """The whole cable of an ID, text included (the archive may hold light ones)."""
        self.pieces = Pieces(
            archive, config, glossary, self.whole, self.urls, markdown or Markdown()
        )

    def groups(self) -> list[GroupKey]:
        """Every group of pages of the site, in a stable order."""
        return groups_of(self.archive, self.config.search)

    def plan_group(self, key: GroupKey, only: int | None = None) -> list[PagePlan]:
        """The pages of one group, or (``only``) at least its page of that number: a list
        then skips the data of its other pages."""
        return KINDS[key.kind].plan(self.pieces, key.name, only)

    def plan(self) -> list[PagePlan]:
        """Every HTML page of the site, in a stable order."""
        return [plan for key in self.groups() for plan in self.plan_group(key)]


def site_context(config: Config, archive: Archive, urls: Urls | None = None) -> SiteContext:
    """What every template gets as ``site``."""
    urls = urls or Urls(config.pretty_urls)
    nav: list[NavLink] = [
        {"title": "Timeline", "path": urls.timeline},
        {"title": "Tags", "path": urls.tags},
        {"title": "Origins", "path": urls.origins},
        {"title": "Classifications", "path": urls.classifications},
        {"title": "Missing", "path": urls.unresolved},
    ]
    nav += [{"title": p.title, "path": urls.page(p.slug)} for p in archive.pages]
    return {
        "title": config.title,
        "description": config.description,
        "base_url": config.base_url,
        "language": config.language,
        "nav": nav,
        "home": urls.home,
        "feed": urls.feed,
        "api": urls.api_index,
        "css": urls.static("style.css"),
        "icon": urls.static("favicon.svg"),
        "search": urls.search if config.search else None,
        "search_js": urls.static("search.js"),
        "cite_js": urls.static("cite.js"),
        "cables": len(archive.cables),
    }
