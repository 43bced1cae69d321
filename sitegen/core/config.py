"""``sitegen.toml``: every key has a default; an unknown key is an error naming file and key."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from sitegen.core.errors import ConfigError

CONFIG_NAME = "sitegen.toml"


@dataclass(frozen=True, slots=True)
class Config:
    """The settings of one site; paths are resolved against ``root``."""

    root: Path
    """The site folder (where ``sitegen.toml`` is, or the current folder)."""
    title: str = "Cable archive"
    description: str = "An archive of diplomatic cables."
    base_url: str = ""
    """Absolute URL the site is published at: for the feed, the sitemap, canonical links and
    citations (which leave the URL out without it)."""
    content_dir: str = "content"
    output_dir: str = "output"
    cache_dir: str = ".sitegen-cache"
    """Parsed cables and the state of the last build, so the next build (a new process
    included) parses and renders only what changed. Safe to delete."""
    theme: str = "default"
    page_size: int = 50
    """Entries per page of a long list; later pages are ``<list>/page/<N>/``."""
    pretty_urls: bool = True
    """False: every link names its ``index.html``, so the site works opened from disk."""
    search: bool = True
    repair_text: bool = True
    """Show the repaired reading of a cable's text by default (the original stays one click
    away)."""
    feed_size: int = 50
    language: str = "en"
    glossary: dict[str, str] = field(default_factory=dict)
    """TAGS titles that add to or override the shipped glossary."""

    @property
    def content(self) -> Path:
        return self.root / self.content_dir

    @property
    def output(self) -> Path:
        return self.root / self.output_dir

    @property
    def cache(self) -> Path:
        return self.root / self.cache_dir


_TYPES: dict[str, type] = {
    "title": str,
    "description": str,
    "base_url": str,
    "content_dir": str,
    "output_dir": str,
    "cache_dir": str,
    "theme": str,
    "page_size": int,
    "pretty_urls": bool,
    "search": bool,
    "repair_text": bool,
    "feed_size": int,
    "language": str,
    "glossary": dict,
}


def load_config(path: Path | None = None, root: Path | None = None, **overrides: Any) -> Config:
    """Read ``path`` (default: ``sitegen.toml`` in ``root`` if it exists), then apply
    ``overrides`` (command-line options; None values are ignored)."""
    root = root or (path.parent if path else Path.cwd())
    if path is None and (root / CONFIG_NAME).is_file():
        path = root / CONFIG_NAME
    values: dict[str, Any] = {}
    if path is not None:
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except OSError as exc:
            raise ConfigError(f"{path}: cannot read: {exc.strerror or exc}") from exc
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise ConfigError(f"{path}: not valid TOML: {exc}") from exc
        values = _check(path, data)
    values.update({k: v for k, v in overrides.items() if v is not None})
    config = Config(root=root, **values)
    if config.page_size < 1 or config.feed_size < 1:
        raise ConfigError(f"{path or CONFIG_NAME}: page_size and feed_size must be at least 1")
    if config.base_url:
        if not re.match(r"https?://[^\s\"'<>]+$", config.base_url, re.IGNORECASE):
            # It becomes links in every page, the feed and the sitemap: a script URL or
            # stray quotes there would be a trap for every reader.
            raise ConfigError(
                f"{path or CONFIG_NAME}: base_url must be an http:// or https:// URL, "
                f"not {config.base_url!r}"
            )
        config = replace(config, base_url=config.base_url.rstrip("/") + "/")
    return config


def _check(path: Path, data: dict[str, Any]) -> dict[str, Any]:
    known = {f.name for f in fields(Config)} - {"root"}
    out: dict[str, Any] = {}
    for key, value in data.items():
        if key not in known:
            raise ConfigError(f"{path}: unknown key {key!r}")
        expected = _TYPES[key]
        if not isinstance(value, expected) or (expected is int and isinstance(value, bool)):
            raise ConfigError(f"{path}: {key!r} must be a {expected.__name__}")
        if isinstance(value, dict):
            bad = [k for k, v in value.items() if not isinstance(v, str)]
            if bad:
                raise ConfigError(f"{path}: glossary title of {bad[0]!r} must be a string")
            value = {str(k).upper(): v for k, v in value.items()}
        out[key] = value
    return out
