"""``sitegen new DIR``: a ready-to-build site with the example cable and an about page."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from sitegen.core.errors import ConfigError

_FILES = {
    "sitegen.toml": "sitegen.toml",
    "content/cables/08STATE19634.txt": "08STATE19634.txt",
    "content/pages/about.md": "about.md",
    ".gitignore": "gitignore",
}


def new_site(folder: Path) -> list[Path]:
    """Create the site's files; refuses to overwrite any file that already exists."""
    targets = {folder / name: source for name, source in _FILES.items()}
    existing = [t for t in targets if t.exists()]
    if existing:
        raise ConfigError(f"{existing[0]} already exists; not overwriting anything")
    example = resources.files("sitegen").joinpath("data/example")
    created = []
    for target, source in targets.items():
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(example.joinpath(source).read_bytes())
        created.append(target)
    (folder / "content" / "notes").mkdir(exist_ok=True)
    return created
