"""The build state: what the last successful build into an output folder knew.

Kept in memory between the builds of ``watch`` and ``serve``, and saved in the cache
folder (:mod:`sitegen.site.state_store`) so the next ``sitegen build`` decides what a
change touches as the watch loop does, instead of rendering everything again.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any

from sitegen.content.archive import Archive
from sitegen.content.reader import ParsedFile
from sitegen.plan.groups import GroupKey
from sitegen.render.feeds import IndexCache


@dataclass(slots=True)
class SavedState:
    """The build state, one field per thing a build compares with or reuses."""

    parsed: dict[str, ParsedFile] = field(default_factory=dict)
    """Each cable file as last read (the content reader's table)."""
    archive: Archive | None = None
    """The archive the output shows (None before the first build)."""
    pages_nav: list[tuple[str, str, int]] | None = None
    """The Markdown pages' (slug, title, order): every page's navigation shows them."""
    page_bodies: dict[str, str] = field(default_factory=dict)
    notes: dict[str, str] = field(default_factory=dict)
    """Each note's body, by cable ID."""
    theme: dict[str, bytes] = field(default_factory=dict)
    """Every theme file by its place (``templates/cable.html``) and a hash of its bytes."""
    groups: dict[GroupKey, dict[str, str]] = field(default_factory=dict)
    """The files of each group of pages and their SHA-256, as in the output."""
    extra: dict[str, str] = field(default_factory=dict)
    """The files that are not pages (feeds, static files, the search bundle) and hashes."""
    index_cache: IndexCache = field(default_factory=dict)
    sitemap_pages: list[str] = field(default_factory=list)
    templates: dict[str, bytes] = field(default_factory=dict)
    search: dict[str, str] = field(default_factory=dict)
    """Each search shard's hash of the cable pages its bundle in the output indexes."""

    def files(self) -> dict[str, str]:
        """Every file the build put in the output, with its hash (as the manifest)."""
        out = {name: digest for group in self.groups.values() for name, digest in group.items()}
        return out | self.extra

    def as_fields(self) -> dict[str, Any]:
        """The fields by name, as the codec writes them."""
        return {f.name: getattr(self, f.name) for f in fields(self)}

    @classmethod
    def from_fields(cls, values: dict[str, Any]) -> SavedState:
        """The state of the fields the codec read (other names are the header's)."""
        return cls(**{f.name: values[f.name] for f in fields(cls) if f.name in values})
