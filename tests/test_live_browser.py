"""The open page reloads itself after an edit (a real browser on ``sitegen serve``)."""

from __future__ import annotations

from pathlib import Path

import pytest
from minisite import Server, cable, make_site

CHROMIUM = Path("/usr/bin/chromium")
if not CHROMIUM.exists():
    pytest.skip(f"no chromium at {CHROMIUM} (CI installs it in .ci/run)", allow_module_level=True)
try:
    from playwright.sync_api import sync_playwright
except ImportError:  # pragma: no cover - the test extra installs it
    pytest.skip("playwright is not installed (pip install -e '.[test]')", allow_module_level=True)

ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip


def test_the_open_page_reloads_after_an_edit_and_shows_errors(tmp_path: Path) -> None:
    site = make_site(
        tmp_path / "site", {"content/cables/08BAKU1.txt": cable("08BAKU1", subject="BEFORE")}
    )
    server = Server(site)
    errors: list[str] = []
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
            page = browser.new_page()
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.goto(f"http://127.0.0.1:{server.port}/cable/08BAKU1/")
            assert page.locator("h1").inner_text() == "BEFORE"
            page.evaluate("window.sitegenMarker = 1")  # gone once the page reloads
            (site / "content/cables/08BAKU1.txt").write_text(
                cable("08BAKU1", subject="AFTER"), encoding="utf-8"
            )
            page.wait_for_function(
                "document.querySelector('h1').textContent === 'AFTER'", timeout=15000
            )
            assert page.evaluate("window.sitegenMarker === undefined")
            # A broken template: the page shows the problem, and stays.
            templates = site / "themes/default/templates"
            templates.mkdir(parents=True)
            (templates / "tag.html").write_text("{% for %}", encoding="utf-8")
            page.wait_for_selector("#sitegen-problems", timeout=15000)
            assert "tag.html" in page.locator("#sitegen-problems").inner_text()
            (templates / "tag.html").unlink()
            page.wait_for_selector("#sitegen-problems", state="detached", timeout=15000)
            browser.close()
    finally:
        server.close()
    assert errors == []
