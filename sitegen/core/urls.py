"""The URL layout of the built site, and the one place output paths are computed.

A *site path* is a URL path relative to the site root, without a leading slash: ``""`` for
the home page, ``cable/08BAKU129/`` for a cable. Pages link to each other with paths made
relative to the linking page, so the site works under any sub-path; with
``pretty_urls = false`` every link names its ``index.html`` so it also works from disk.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sitegen.core.limits import MAX_SEGMENT

_UNSAFE = re.compile(r"[^A-Za-z0-9]+")
_DEVICE = re.compile(r"CON|PRN|AUX|NUL|COM[1-9]|LPT[1-9]", re.IGNORECASE)
"""Names Windows gives to devices: a folder so named cannot be copied there (nor checked
out of git, nor unzipped)."""

# First path segments the site uses itself: a Markdown page may not take them.
RESERVED = frozenset(
    {
        "cable",
        "tag",
        "tags",
        "origin",
        "origins",
        "classification",
        "timeline",
        "references",
        "search",
        "pagefind",
        "api",
        "static",
        "page",
        "feed.xml",
        "sitemap.xml",
        "404.html",
        "robots.txt",
        "manifest.json",
        "index.html",
    }
)


def slug(text: str) -> str:
    """A path segment for a TAGS code, post code or classification: ``CLINTON, HILLARY`` ->
    ``CLINTON-HILLARY``, ``SECRET//NOFORN`` -> ``secret-noforn`` (classifications lower).

    ASCII letters, digits and ``-`` only, at most :data:`MAX_SEGMENT` of them, and never a
    Windows device name (``CON`` -> ``CON_``): whatever the content, a safe file name
    everywhere. Distinct texts may share a slug; their callers number them apart."""
    out = _UNSAFE.sub("-", text).strip("-")[:MAX_SEGMENT].rstrip("-") or "-"
    return f"{out}_" if _DEVICE.fullmatch(out) else out


@dataclass(frozen=True, slots=True)
class Urls:
    """Site paths of every kind of page."""

    pretty: bool = True

    def _dir(self, path: str) -> str:
        return path if self.pretty or path.endswith(".html") else path + "index.html"

    def link(self, path: str) -> str:
        """How a link names a page's site path (``tag/PREL/`` or ``tag/PREL/index.html``)."""
        if path.endswith("/") or path == "":
            return self._dir(path)
        return path

    @staticmethod
    def output_file(path: str) -> str:
        """The file a site path is written to, relative to the output folder."""
        if path == "" or path.endswith("/"):
            return path + "index.html"
        return path

    @staticmethod
    def paginated(path: str, page: int) -> str:
        return path if page <= 1 else f"{path}page/{page}/"

    # The pages of the URL table.
    home = ""
    tags = "tags/"
    origins = "origins/"
    classifications = "classification/"
    timeline = "timeline/"
    unresolved = "references/unresolved/"
    search = "search/"
    api_index = "api/cables.json"
    feed = "feed.xml"
    sitemap = "sitemap.xml"
    not_found = "404.html"
    robots = "robots.txt"
    manifest = "manifest.json"

    @staticmethod
    def cable(cable_id: str) -> str:
        return f"cable/{cable_id}/"

    @staticmethod
    def cable_file(cable_id: str, name: str) -> str:
        """A file in a cable's folder, beside its page (``cable/08BAKU129/cite.bib``)."""
        return f"cable/{cable_id}/{name}"

    @staticmethod
    def api_cable(cable_id: str) -> str:
        return f"api/cables/{cable_id}.json"

    @staticmethod
    def tag(tag_slug: str) -> str:
        return f"tag/{tag_slug}/"

    @staticmethod
    def origin(code: str) -> str:
        return f"origin/{slug(code)}/"

    @staticmethod
    def classification(class_slug: str) -> str:
        return f"classification/{class_slug}/"

    @staticmethod
    def year(year: int) -> str:
        return f"timeline/{year:04d}/"

    @staticmethod
    def month(year: int, month: int) -> str:
        return f"timeline/{year:04d}/{month:02d}/"

    @staticmethod
    def page(page_slug: str) -> str:
        return f"{page_slug}/"

    @staticmethod
    def static(name: str) -> str:
        return f"static/{name}"


def relative(from_path: str, to_link: str) -> str:
    """The relative URL from the page at site path ``from_path`` to ``to_link``.

    ``to_link`` may carry a ``#fragment``. The result climbs to the site root and back down
    (``../../tag/PREL/``): simple, and right under any sub-path.
    """
    target, _, fragment = to_link.partition("#")
    if fragment and target == from_path:
        return f"#{fragment}"
    folder = from_path.rsplit("/", 1)[0] if "/" in from_path else ""
    up = "../" * (folder.count("/") + 1) if folder else ""
    link = up + target or "./"
    return f"{link}#{fragment}" if fragment else link
