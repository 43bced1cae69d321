"""The files of a site that are not pages: the index JSON, the feed, the sitemap, robots,
and the theme's static files; made again only when what they show changed."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping

from sitegen.content.archive import Archive
from sitegen.core.config import Config
from sitegen.core.urls import Urls
from sitegen.output.commit import Output
from sitegen.plan.groups import GroupKey
from sitegen.render import search
from sitegen.render.feeds import atom_feed, index_json, robots, sitemap
from sitegen.render.templates import static_files, theme_folders
from sitegen.site.incremental import Change
from sitegen.site.state import SavedState


def theme_stamps(config: Config) -> dict[str, bytes]:
    """Every theme file by its place (``templates/cable.html``) and a hash of its bytes."""
    stamps: dict[str, bytes] = {}
    for folder in reversed(theme_folders(config)):
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                try:
                    digest = hashlib.sha256(path.read_bytes()).digest()
                except OSError:
                    continue
                stamps[path.relative_to(folder).as_posix()] = digest
    return stamps


def extra_files(
    config: Config,
    urls: Urls,
    output: Output,
    last: SavedState,
    archive: Archive,
    pages: Mapping[GroupKey, dict[str, str]],
    theme: dict[str, bytes],
    change: Change,
    changed: set[str],
) -> tuple[dict[str, str | bytes], list[str]]:
    """The files that are not pages: bytes for those made again, hashes (from the ``last``
    build) for those unchanged; and the HTML pages the sitemap lists."""
    bundle = f"{search.FOLDER}/"
    extra: dict[str, str | bytes] = {
        name: digest
        for name, digest in last.extra.items()
        if config.search or not name.startswith(bundle)
    }
    if config.search and not any(name.startswith(bundle) for name in extra):
        # No saved state: the bundle in the output stays until the search is indexed
        # again (after the pages are in place), rather than being removed meanwhile.
        for name, digest in output.known.items():
            if name.startswith(bundle):
                extra[name] = digest
    if change.everything or changed or not extra:
        extra[urls.api_index] = index_json(archive, urls, last.index_cache)
        extra[urls.feed] = atom_feed(archive, config, urls)
        extra[urls.robots] = robots(config, urls)
    html = sorted(
        p for out in pages.values() for p in out if p.endswith(".html") and p != "404.html"
    )
    if change.everything or html != last.sitemap_pages or urls.sitemap not in extra:
        extra[urls.sitemap] = sitemap([site_path(p) for p in html], config, urls)
    statics = {k for k in theme if k.startswith("static/")}
    if (
        change.everything
        or statics != {k for k in last.theme if k.startswith("static/")}
        or any(theme.get(k) != last.theme.get(k) for k in statics)
    ):
        for name in [n for n in extra if n.startswith("static/")]:
            del extra[name]
        extra.update(static_files(config))
    return extra, html


def site_path(output_file: str) -> str:
    """``tag/PREL/index.html`` -> ``tag/PREL/``: the path a sitemap lists."""
    return output_file[: -len("index.html")] if output_file.endswith("index.html") else output_file
