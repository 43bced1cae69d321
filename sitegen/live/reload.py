"""Live reload: what the open tabs are told after each build, and how.

Open tabs learn through Server-Sent Events when a rebuild succeeded (reload, or swap the
stylesheets when only CSS changed) or failed (the diagnostics shown over the page, the last
good site kept). Every HTML page served carries a small script that listens to the stream,
and the overlay of the last problems, so a page loaded between two events shows them too.
"""

from __future__ import annotations

import html
import json
import select
import socket
import threading
from dataclasses import dataclass, field
from io import BufferedIOBase
from typing import Any

EVENTS_PATH = "/__sitegen/events"
"""The event stream's URL (answered before any file of the output is looked up)."""
KEEP_ALIVE = 10.0
"""A live-reload stream with nothing to say sends a comment this often."""

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
class ReloadState:
    """What the open tabs should know: the epoch of the last good build and any problems
    (the ``state`` event of the stream); ``changed`` wakes the streams."""

    epoch: int = 0
    css_only: bool = False
    problems: str = ""
    closing: bool = False
    changed: threading.Condition = field(default_factory=threading.Condition)

    def update(
        self, *, epoch: int | None = None, css_only: bool = False, problems: str = ""
    ) -> None:
        """A build's news: a new epoch after a success (None: the last good one stays)."""
        with self.changed:
            if epoch is not None:
                self.epoch = epoch
                self.css_only = css_only
            self.problems = problems
            self.changed.notify_all()

    def close(self) -> None:
        """The server stops: every stream ends."""
        with self.changed:
            self.closing = True
            self.changed.notify_all()

    def snapshot(self) -> dict[str, Any]:
        """What a tab is sent (the caller holds ``changed`` when it must be consistent)."""
        return {"epoch": self.epoch, "css_only": self.css_only, "problems": self.problems}


def inject(body: bytes, state: ReloadState) -> bytes:
    """An HTML page with the live-reload script, and the overlay of the current problems,
    before its ``</body>`` (at its end when it has none)."""
    now = state.snapshot()
    script = LIVE_SCRIPT % {"epoch": now["epoch"], "events": EVENTS_PATH, "style": OVERLAY_STYLE}
    overlay = ""
    if now["problems"]:
        problems = html.escape(now["problems"])
        overlay = (
            f'<pre id="sitegen-problems" role="alert" style="{OVERLAY_STYLE}">{problems}</pre>'
        )
    insert = (overlay + script).encode("utf-8")
    at = body.rfind(b"</body>")
    return body[:at] + insert + body[at:] if at >= 0 else body + insert


def stream(out: BufferedIOBase, connection: socket.socket, state: ReloadState) -> None:
    """Send ``state`` to ``out`` whenever it changes, a comment every ``KEEP_ALIVE`` seconds,
    until the client goes (looked for every second, so its slot is soon free) or the server
    closes."""
    sent: dict[str, Any] | None = None
    quiet = 0.0
    out.write(b"retry: 500\n\n")
    while True:
        with state.changed:
            if state.snapshot() == sent and not state.closing:
                state.changed.wait(timeout=1.0)
            if state.closing:
                return
            now = state.snapshot()
        if now != sent:
            data = json.dumps(now).replace("\n", "\\n")
            out.write(f"event: state\ndata: {data}\n\n".encode())
            sent, quiet = now, 0.0
        elif _gone(connection):
            return
        elif (quiet := quiet + 1.0) >= KEEP_ALIVE:
            out.write(b": keep-alive\n\n")
            quiet = 0.0


def _gone(connection: socket.socket) -> bool:
    """True when the client closed its side (a stream's client never sends anything)."""
    try:
        if hasattr(select, "poll"):  # select.select fails on descriptors past 1023
            poller = select.poll()
            poller.register(connection, select.POLLIN)
            readable = bool(poller.poll(0))
        else:
            readable = bool(select.select([connection], [], [], 0)[0])
        return readable and not connection.recv(1, socket.MSG_PEEK)
    except (OSError, ValueError):
        return True
