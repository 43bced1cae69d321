"""The preview server: the output folder over HTTP, with live reload and an error overlay.

Standard library only. It binds 127.0.0.1 unless told otherwise, serves files of the output
folder and nothing else (no path escapes, no directory listings, ``404.html`` for what is
missing), reads files only while no build is writing, and tells open tabs through
Server-Sent Events when a rebuild succeeded (reload, or swap the stylesheet when only CSS
changed) or failed (show the diagnostics over the page, keep the last good site).
"""

from __future__ import annotations

import html
import json
import mimetypes
import posixpath
import threading
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from sitegen.write import WRITING

EVENTS_PATH = "/__sitegen/events"
TYPES = {
    ".html": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".json": "application/json",
    ".xml": "application/xml",
    ".svg": "image/svg+xml",
    ".txt": "text/plain; charset=utf-8",
    ".bib": "application/x-bibtex; charset=utf-8",
    ".ris": "application/x-research-info-systems; charset=utf-8",
    ".png": "image/png",
    ".ico": "image/x-icon",
    ".woff2": "font/woff2",
}

OVERLAY_STYLE = (
    "position:fixed;left:0;right:0;bottom:0;max-height:50vh;overflow:auto;margin:0;"
    "padding:1em;background:#3b0d0d;color:#fff;font:13px/1.4 monospace;z-index:99999;"
    "white-space:pre-wrap;border-top:4px solid #f66"
)

# Injected before </body> of every HTML page served: reload once per successful rebuild,
# swap stylesheets when only CSS changed, show (or clear) the diagnostics of a failed one.
LIVE_SCRIPT = """<script>
(function () {
  var epoch = %(epoch)d, box = document.getElementById("sitegen-problems");
  function show(text) {
    if (!box) {
      box = document.createElement("pre");
      box.id = "sitegen-problems";
      box.setAttribute("role", "alert");
      box.style.cssText = "%(style)s";
      document.body.appendChild(box);
    }
    box.textContent = text;
  }
  function hide() { if (box) { box.remove(); box = null; } }
  var source = new EventSource("%(events)s");
  source.addEventListener("state", function (e) {
    var s = JSON.parse(e.data);
    if (s.problems) { show(s.problems); } else { hide(); }
    if (s.epoch > epoch) {
      if (s.css_only) {
        epoch = s.epoch;
        document.querySelectorAll('link[rel="stylesheet"]').forEach(function (link) {
          var url = new URL(link.href); url.searchParams.set("v", s.epoch); link.href = url.href;
        });
      } else {
        source.close(); location.reload();
      }
    }
  });
})();
</script>
"""


@dataclass(slots=True)
class LiveState:
    """What the open tabs should know: the epoch of the last good build and any problems."""

    epoch: int = 0
    css_only: bool = False
    problems: str = ""
    closing: bool = False
    changed: threading.Condition = field(default_factory=threading.Condition)

    def update(
        self, *, epoch: int | None = None, css_only: bool = False, problems: str = ""
    ) -> None:
        with self.changed:
            if epoch is not None:
                self.epoch = epoch
                self.css_only = css_only
            self.problems = problems
            self.changed.notify_all()

    def close(self) -> None:
        with self.changed:
            self.closing = True
            self.changed.notify_all()

    def snapshot(self) -> dict[str, Any]:
        return {"epoch": self.epoch, "css_only": self.css_only, "problems": self.problems}


def resolve_request(root: Path, url_path: str) -> Path | None:
    """The file a URL path names inside ``root``, or None (missing, or outside the folder)."""
    path = (
        unquote(urlsplit(url_path).path, errors="strict")
        if "%" in url_path
        else urlsplit(url_path).path
    )
    if "\x00" in path or "\\" in path:
        return None
    normal = posixpath.normpath("/" + path.lstrip("/"))
    if any(part == ".." for part in normal.split("/")):
        return None
    candidate = root / normal.lstrip("/")
    if path.endswith("/") or candidate.is_dir():
        candidate = candidate / "index.html"
    try:
        real = candidate.resolve()
    except (OSError, RuntimeError):
        return None
    if not real.is_relative_to(root.resolve()) or not real.is_file():
        return None
    return real


class PreviewServer(ThreadingHTTPServer):
    """A threading HTTP server bound to one output folder and one live state."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], root: Path, state: LiveState) -> None:
        self.root = root
        self.state = state
        super().__init__(address, Handler)


class Handler(BaseHTTPRequestHandler):
    server: PreviewServer
    server_version = "sitegen"
    sys_version = ""
    timeout = 30

    def log_message(self, format: str, *args: Any) -> None:
        return  # quiet: the terminal shows builds, not requests

    def do_HEAD(self) -> None:
        self._serve(head=True)

    def do_GET(self) -> None:
        if urlsplit(self.path).path == EVENTS_PATH:
            self._events()
            return
        self._serve(head=False)

    def _serve(self, *, head: bool) -> None:
        try:
            target = resolve_request(self.server.root, self.path)
        except UnicodeDecodeError:
            target = None
        status = HTTPStatus.OK
        if target is None:
            status = HTTPStatus.NOT_FOUND
            target = resolve_request(self.server.root, "/404.html")
        with WRITING:  # wait while a build writes: never a half-written site
            try:
                body = target.read_bytes() if target is not None else b"Not found\n"
            except OSError:
                body, status = b"Not found\n", HTTPStatus.NOT_FOUND
        suffix = target.suffix.lower() if target is not None else ".txt"
        content_type = (
            TYPES.get(suffix) or mimetypes.guess_type(str(target))[0] or "application/octet-stream"
        )
        if suffix == ".html":
            body = self._inject(body)
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        self.end_headers()
        if not head:
            self.wfile.write(body)

    def _inject(self, body: bytes) -> bytes:
        state = self.server.state.snapshot()
        script = LIVE_SCRIPT % {
            "epoch": state["epoch"],
            "events": EVENTS_PATH,
            "style": OVERLAY_STYLE,
        }
        overlay = ""
        if state["problems"]:
            problems = html.escape(state["problems"])
            overlay = (
                f'<pre id="sitegen-problems" role="alert" style="{OVERLAY_STYLE}">{problems}</pre>'
            )

        insert = (overlay + script).encode("utf-8")
        at = body.rfind(b"</body>")
        return body[:at] + insert + body[at:] if at >= 0 else body + insert

    def _events(self) -> None:
        state = self.server.state
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-store")
        self.send_header("Connection", "keep-alive")
        self.end_headers()
        sent: dict[str, Any] | None = None
        try:
            self.wfile.write(b"retry: 500\n\n")
            while True:
                with state.changed:
                    if state.closing:
                        return
                    now = state.snapshot()
                    if now == sent:
                        state.changed.wait(timeout=10)
                        now = state.snapshot()
                        if state.closing:
                            return
                if now == sent:
                    self.wfile.write(b": keep-alive\n\n")
                else:
                    data = json.dumps(now).replace("\n", "\\n")
                    self.wfile.write(f"event: state\ndata: {data}\n\n".encode())
                    sent = now
                self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError, TimeoutError, OSError):
            return
