"""The golden tree: a small site whose whole output is kept in tests/golden/expected.

Any change to the output shows up here as a diff to review. Regenerate after an intended
change with: .venv/bin/pytest tests/test_golden.py --regen-golden
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from sitegen.core.config import load_config
from sitegen.site.build import build

GOLDEN = Path(__file__).parent / "golden"


def _tree(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def test_golden_tree(tmp_path: Path, request: pytest.FixtureRequest) -> None:
    site = tmp_path / "site"
    shutil.copytree(GOLDEN / "site", site)
    result = build(load_config(site / "sitegen.toml"))
    assert not [d for d in result.diagnostics if d.severity != "info"], result.diagnostics
    built = _tree(site / "output")
    expected_dir = GOLDEN / "expected"
    if request.config.getoption("--regen-golden"):
        shutil.rmtree(expected_dir, ignore_errors=True)
        shutil.copytree(site / "output", expected_dir)
        pytest.skip("golden tree regenerated: review the diff with git")
    expected = _tree(expected_dir)
    assert sorted(built) == sorted(expected)
    changed = [name for name in built if built[name] != expected[name]]
    assert not changed, f"output differs from tests/golden/expected in: {changed[:10]}"
