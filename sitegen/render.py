"""Render: Jinja2 templates from the theme, the user's theme overriding the default file by
file. Autoescaping is on, and an undefined name in a template is an error, not a blank."""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Any

import jinja2

from sitegen.config import Config
from sitegen.errors import BuildError
from sitegen.urls import Urls, relative


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

    def __init__(self, config: Config, site: dict[str, Any]) -> None:
        self.urls = Urls(config.pretty_urls)
        loader = jinja2.FileSystemLoader([str(f / "templates") for f in theme_folders(config)])
        self.env = jinja2.Environment(
            loader=loader,
            autoescape=True,
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
        )
        self.site = site

    def render(self, template: str, path: str, context: dict[str, Any]) -> str:
        """The HTML of the page at site ``path``."""

        def url(target: str) -> str:
            target_path, _, fragment = target.partition("#")
            link = self.urls.link(target_path) + (f"#{fragment}" if fragment else "")
            if path == self.urls.not_found and self.site.get("base_url"):
                # 404.html is served at any depth: its links must not be relative.
                return f"{self.site['base_url']}{link}"
            return relative(self.urls.link(path), link)

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


def static_files(config: Config) -> dict[str, bytes]:
    """The theme's ``static/`` files, the site's theme over the default."""
    files: dict[str, bytes] = {}
    for folder in reversed(theme_folders(config)):
        static = folder / "static"
        if not static.is_dir():
            continue
        for path in sorted(static.rglob("*")):
            if path.is_file() and not path.is_symlink() and not path.name.startswith("."):
                files["static/" + path.relative_to(static).as_posix()] = path.read_bytes()
    return files
