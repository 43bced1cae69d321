"""Shared fixtures: where the real-cable corpus lives (beside the checkout, never copied)."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus" / "cables"


@pytest.fixture(scope="session")
def corpus() -> Path:
    """The shared real-cable corpus (``../shared/corpus/cables``)."""
    if not CORPUS.is_dir():
        pytest.skip(f"the shared corpus is not beside the checkout ({CORPUS})")
    return CORPUS


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--regen-golden",
        action="store_true",
        help="rewrite tests/golden/expected from a fresh build of tests/golden/site",
    )
