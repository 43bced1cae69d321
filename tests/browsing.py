"""What the real-browser tests share (``test_browser.py``, ``test_quality.py``): Debian's
chromium driven by Playwright, a built site served over HTTP on 127.0.0.1 by the standard
library, and tabs that fail the test on anything the browser reports.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

from playwright.sync_api import (
    Browser,
    ConsoleMessage,
    Page,
    Request,
    Response,
    Route,
    sync_playwright,
)
from playwright.sync_api import Error as PlaywrightError

CHROMIUM = Path("/usr/bin/chromium")
"""Debian's chromium (the tests that need it skip without it; CI installs it)."""
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
TIMEOUT_MS = 10_000


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextmanager
def served(folder: Path) -> Iterator[str]:
    """``folder`` served on 127.0.0.1 at a free port, from a thread; shut down at the end."""
    handler = partial(_QuietHandler, directory=str(folder))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, name="site-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


@contextmanager
def launched() -> Iterator[Browser]:
    """Debian's chromium, headless, for the length of the block."""
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            yield browser
        finally:
            browser.close()


@dataclass  # no slots: Playwright stores a wrapper on the object of a bound handler
class Watch:
    """What went wrong in a tab: console errors and warnings, page errors, failed or foreign
    requests."""

    problems: list[str] = field(default_factory=list)

    def console(self, message: ConsoleMessage) -> None:
        # A warning is a problem too: the browser says it for a deprecated API, a blocked
        # resource or a misused attribute, which a published page should not have.
        if message.type in ("error", "warning"):
            self.problems.append(f"console {message.type}: {message.text} ({message.location})")

    def page_error(self, error: PlaywrightError) -> None:
        self.problems.append(f"page error: {error}")

    def response(self, response: Response) -> None:
        if response.status >= 400:
            self.problems.append(f"HTTP {response.status}: {response.url}")

    def failed(self, request: Request) -> None:
        # A load the test's own next navigation cut short (the icon of a page just left)
        # is not a failure of the site.
        if request.failure != "net::ERR_ABORTED":
            self.problems.append(f"request failed: {request.url} ({request.failure})")

    def route(self, route: Route) -> None:
        host = urlsplit(route.request.url).hostname
        if host != "127.0.0.1":
            self.problems.append(f"request to another host: {route.request.url}")
            route.abort()
        else:
            route.continue_()

    def take(self) -> list[str]:
        """The problems seen since the last call, and forget them (to tell pages apart)."""
        seen, self.problems = self.problems, []
        return seen


@contextmanager
def watched(
    browser: Browser,
    viewport: dict[str, int],
    scheme: Literal["light", "dark"] = "light",
    *,
    javascript: bool = True,
) -> Iterator[tuple[Page, Watch]]:
    """A fresh page at ``viewport`` in a colour ``scheme`` (``javascript``: with scripts
    running) and the ``Watch`` that listens to it; the caller decides what to do with the
    problems."""
    context = browser.new_context(
        viewport={"width": viewport["width"], "height": viewport["height"]},
        color_scheme=scheme,
        java_script_enabled=javascript,
    )
    watch = Watch()
    context.route("**/*", watch.route)
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    page.on("console", watch.console)
    page.on("pageerror", watch.page_error)
    page.on("response", watch.response)
    page.on("requestfailed", watch.failed)
    try:
        yield page, watch
    finally:
        context.close()


@contextmanager
def tab(browser: Browser, viewport: dict[str, int], *, javascript: bool = True) -> Iterator[Page]:
    """A fresh page at ``viewport`` (``javascript``: with scripts running); on a clean exit,
    fails the test on anything ``Watch`` saw."""
    with watched(browser, viewport, javascript=javascript) as (page, watch):
        yield page
        assert not watch.problems, "the browser reported:\n" + "\n".join(watch.problems)
