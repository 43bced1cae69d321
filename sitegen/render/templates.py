"""Render: Jinja2 templates from the theme, the user's theme overriding the default file by
file. Autoescaping is on, and an undefined name in a template is an error, not a blank."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from importlib import resources
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup, escape

from sitegen.core.config import Config
from sitegen.core.errors import BuildError
from sitegen.core.urls import Urls, relative


def default_theme() -> Path:
    """The default theme folder shipped with sitegen."""
    return Path(str(resources.files("sitegen.themes").joinpath("default")))


def theme_folders(config: Config) -> list[Path]:
    """Theme folders in order of precedence: the site's theme, then the default."""
    folders = []
    if config.theme != "default":
        own = config.root / "themes" / config.theme
        if not own.is_dir():
            raise BuildError(f"theme {config.theme!r} not found: no folder {own}")
        folders.append(own)
    elif (config.root / "themes" / "default").is_dir() and (
        (config.root / "themes" / "default").resolve() != default_theme().resolve()
    ):
        folders.append(config.root / "themes" / "default")
    folders.append(default_theme())
    return folders


class Renderer:
    """Renders pages with the theme's templates; ``site`` is given to every template."""

    def __init__(self, config: Config, site: Mapping[str, Any], urls: Urls | None = None) -> None:
        self.urls = urls or Urls(config.pretty_urls)
        loader = jinja2.FileSystemLoader([str(f / "templates") for f in theme_folders(config)])
        self.env = _Environment(
            loader=loader,
            bytecode_cache=_bytecode_cache(config.cache / "templates"),
            autoescape=True,
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
            auto_reload=False,  # a changed template makes a new Renderer (see Site.build)
        )
        self.env.globals.update(badge=badge, inferred=inferred, cable_rows=cable_rows)
        self.site = site

    def render(self, template: str, path: str, context: Mapping[str, Any]) -> str:
        """The HTML of the page at site ``path``."""
        here = self.urls.link(path)
        link_of = self.urls.link
        absolute = path == self.urls.not_found and self.site.get("base_url")

        def url(target: str) -> str:
            target_path, _, fragment = target.partition("#")
            link = link_of(target_path) + (f"#{fragment}" if fragment else "")
            if absolute:
                # 404.html is served at any depth: its links must not be relative.
                return f"{self.site['base_url']}{link}"
            return relative(here, link)

        try:
            return self.env.get_template(template).render(
                context, site=self.site, path=path, url=url, canonical=self._canonical(path)
            )
        except jinja2.TemplateSyntaxError as exc:
            raise BuildError(
                f"{exc.filename or exc.name}:{exc.lineno}: template error: {exc.message}"
            ) from exc
        except jinja2.TemplateError as exc:
            raise BuildError(f"template {template}: {exc}") from exc

    def _canonical(self, path: str) -> str | None:
        base = self.site.get("base_url") or ""
        return f"{base}{self.urls.link(path)}" if base else None


def _bytecode_cache(folder: Path) -> jinja2.BytecodeCache | None:
    """Compiled templates kept in the cache folder (keyed by their source): a new process
    does not compile them again."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    return jinja2.FileSystemBytecodeCache(str(folder))


class _Environment(jinja2.Environment):
    """Jinja reading a plain dict's keys as attributes (``c.id``) first: plans are dicts,
    and Jinja's own order (an attribute, then an item) answers each of a page's hundreds
    of lookups with a failed attribute first. A key named like a dict method (``items``)
    hides the method from templates."""

    def getattr(self, obj: Any, attribute: str) -> Any:
        if type(obj) is dict:
            try:
                return obj[attribute]
            except KeyError:
                pass
        return super().getattr(obj, attribute)


def badge(name: str | None, css: str) -> Markup:
    """A classification badge (a function, not a macro: lists call it once per row)."""
    return Markup(f'<span class="badge badge-{escape(css)}">{escape(name or "unknown")}</span>')


def inferred(flag: object, what: str = "inferred from the text") -> Markup:
    """The mark of a value inferred or estimated rather than read from a header."""
    if not flag:
        return Markup("")
    return Markup(f' <span class="inferred" title="{escape(what)}">inferred</span>')


def cable_rows(cables: list[Any], url: Callable[[str], str]) -> Markup:
    """The rows of a list of cables (``cable_list`` in ``_macros.html``): written here, not
    in the template, because list pages are most of a site's rows and a row made by the
    template costs several times more. A theme changes rows by overriding the macro."""
    rows = []
    for c in cables:
        if c["date"]:
            when = (
                f'<time datetime="{escape(c["created"][:10])}">{escape(c["date"])}</time>'
                f"{inferred(c['date_inferred'], 'date estimated')}"
            )
        else:
            when = "undated"
        origin = f" · {escape(c['origin'])}" if c["origin"] else ""
        rows.append(
            f'  <li>\n    <a class="subject" href="{escape(url(c["path"]))}">'
            f"{escape(c['subject'])}</a>\n"
            f'    <span class="meta"><span class="cable-id">{escape(c["id"])}</span> · '
            f"{when}{origin} · {badge(c['classification'], c['badge'])}</span>\n  </li>\n"
        )
    return Markup("".join(rows))


SEARCH_ASSETS = frozenset({"search.js"})
"""Static files of a theme that only a site with search uses."""


def static_files(config: Config) -> dict[str, bytes]:
    """The theme's ``static/`` files, the site's theme over the default."""
    files: dict[str, bytes] = {}
    for folder in reversed(theme_folders(config)):
        static = folder / "static"
        if not static.is_dir():
            continue
        for path in sorted(static.rglob("*")):
            name = path.relative_to(static).as_posix()
            if not config.search and name in SEARCH_ASSETS:
                continue
            if path.is_file() and not path.is_symlink() and not path.name.startswith("."):
                files[f"static/{name}"] = path.read_bytes()
    return files
