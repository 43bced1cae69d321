"""The preview server: the output folder over HTTP, with live reload and an error overlay.

Standard library only, and made for the author's own browser: the built site is published by
any static host, never by this server. What it promises (``tests/test_serve_attacks.py``
attacks each point over raw sockets):

- **The output folder and nothing else.** A request target is decoded once, strictly (UTF-8,
  so overlong forms fail; NUL, control characters, backslashes and ``:`` refused), and no
  segment may start with a dot: ``..``, the build's ``.sitegen-staging``, temporary files and
  ``.git`` are never served. Folders the caller names private (the cache and the content,
  should they lie inside the output) are refused too. The file is then opened one segment at
  a time from the output folder with ``O_NOFOLLOW``, so a symbolic link is never followed,
  not even to a file inside the output: the build never writes one, and a link put there by
  hand is not served, whatever a static host would do with it. Only a regular file is read (a
  FIFO or a device never blocks a thread). A folder is never listed; named without its slash
  it is redirected to it, so the page's relative links work. ``manifest.json`` is served: it
  is part of the published site. Anything else refused is answered with ``404.html``.
- **Bounded.** A thread per connection, at most ``MAX_CONNECTIONS``; more are answered 503 at
  once. The request line and headers must arrive within ``HEAD_SECONDS`` (a client trickling
  a byte a second is cut, and so is a keep-alive connection left idle), a response must be
  sent within ``SEND_SECONDS``, and any single read or write stalled ``IO_SECONDS`` ends the
  connection. A request line over 64 KB gets 414, a header line over 64 KB or more than 100
  headers get 431 (the standard library's limits), with the connection closed after the
  client's excess was drained a moment, so it reads the answer. The live-reload streams stay
  open by design: they are exempt from the deadlines, but at most ``MAX_STREAMS`` at once.
- **Loopback.** It binds 127.0.0.1 unless told otherwise (the command line warns when the
  address it bound is not a loopback one: :func:`exposed`). While bound to loopback it answers
  only requests whose ``Host`` is ``localhost``, a ``*.localhost`` name, an address, or the
  name it was asked to bind: a web page cannot read the preview by DNS rebinding.
- GET and HEAD only (405 otherwise, nothing of the request echoed, the connection closed);
  every answer carries ``Cache-Control: no-store`` and ``X-Content-Type-Options: nosniff``
  and a type from the file's suffix; a Range header is ignored (200, the whole file).
- **Never half a site.** A file is opened while no build writes (the build's write lock) and sent
  after the lock is released: a build replaces files by renaming, so an open file never
  changes under a reader, and a slow client never holds a build back.

Open tabs learn through Server-Sent Events when a rebuild succeeded (reload, or swap the
stylesheets when only CSS changed) or failed (the diagnostics shown over the page, the last
good site kept).
"""

from __future__ import annotations

import html
import ipaddress
import json
import math
import mimetypes
import os
import select
import socket
import socketserver
import stat
import sys
import threading
import time
from collections.abc import Iterable, Sequence
from contextlib import suppress
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, BinaryIO, NamedTuple
from urllib.parse import quote, unquote_to_bytes, urlsplit

from sitegen.output.lock import WriteLock

EVENTS_PATH = "/__sitegen/events"
HEAD_SECONDS = 10.0
"""Time a connection has to send a whole request line and its headers (idle time included)."""
SEND_SECONDS = 60.0
"""Time an answer may take to send before the connection is cut."""
IO_SECONDS = 10.0
"""A single read or write stalled this long ends the connection."""
MAX_CONNECTIONS = 256
"""Connections (threads) served at once; beyond, 503 at once."""
MAX_STREAMS = 32
"""Live-reload streams open at once (one per tab); beyond, 503."""
KEEP_ALIVE = 10.0
"""A live-reload stream with nothing to say sends a comment this often."""
LINGER_SECONDS, LINGER_BYTES = 1.0, 4 << 20
"""After an error answer: how long and how much of the client's excess to read before the
close (closing with unread input resets the connection, and the answer can be lost)."""

TYPES = {
    ".html": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".mjs": "text/javascript; charset=utf-8",
    ".json": "application/json",
    ".xml": "application/xml",
    ".svg": "image/svg+xml",
    ".txt": "text/plain; charset=utf-8",
    ".bib": "application/x-bibtex; charset=utf-8",
    ".ris": "application/x-research-info-systems; charset=utf-8",
    ".png": "image/png",
    ".ico": "image/x-icon",
    ".woff2": "font/woff2",
    ".wasm": "application/wasm",
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

_OPEN = (
    os.O_RDONLY
    | getattr(os, "O_NOFOLLOW", 0)
    | getattr(os, "O_NONBLOCK", 0)  # a FIFO opens at once (and is then refused)
    | getattr(os, "O_CLOEXEC", 0)
    | getattr(os, "O_BINARY", 0)
)
_WALK = os.open in os.supports_dir_fd and hasattr(os, "O_NOFOLLOW")
"""Open segment by segment with ``O_NOFOLLOW`` (POSIX); elsewhere a resolved path that
differs from the path asked (a link on the way) is refused."""
_BUSY = (
    b"HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain; charset=utf-8\r\n"
    b"Content-Length: 29\r\nRetry-After: 1\r\nConnection: close\r\nCache-Control: no-store\r\n"
    b"X-Content-Type-Options: nosniff\r\n\r\nToo many connections at once.\n"
)


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


class File(NamedTuple):
    """An open file of the output folder and its name (its suffix gives its type)."""

    handle: BinaryIO
    name: str


class Redirect(NamedTuple):
    """A folder named without its slash: where to send the browser."""

    location: str


def exposed(host: str) -> bool:
    """True when a server bound to ``host`` can be reached from other machines: any address
    but a loopback one (a name counts as reachable: it may resolve to anything)."""
    try:
        address = ipaddress.ip_address(host.split("%", 1)[0])
    except ValueError:
        return True
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return not address.ipv4_mapped.is_loopback
    return not address.is_loopback


def target_path(target: str) -> tuple[tuple[str, ...], bool] | None:
    """The path segments a request target names, and whether it ends with a slash; None when
    it is refused (not a path, not UTF-8, a control character, a backslash, a colon, or a
    segment starting with a dot)."""
    if target.startswith(("http://", "https://")):  # the absolute form a proxy sends
        try:
            target = urlsplit(target).path or "/"
        except ValueError:
            return None
    if not target.startswith("/"):
        return None
    raw = target.split("?", 1)[0].split("#", 1)[0]
    try:  # raw bytes and %-escapes alike are UTF-8, decoded once
        path = unquote_to_bytes(raw.encode("latin-1")).decode("utf-8")
    except UnicodeError:
        return None
    if any(char < " " or char == "\x7f" or char in "\\:" for char in path):
        return None
    parts = tuple(part for part in path.split("/") if part)
    if any(part.startswith(".") for part in parts):
        return None
    return parts, path.endswith("/")


def open_request(
    root: Path, target: str, private: Iterable[tuple[str, ...]] = ()
) -> File | Redirect | None:
    """The file a request target names inside ``root`` (open: the caller closes it), a
    redirect for a folder named without its slash, or None (missing or refused).
    ``private``: folders inside ``root``, as segments, never served."""
    named = target_path(target)
    if named is None:
        return None
    parts, slash = named
    folded = tuple(part.casefold() for part in parts)  # a case-insensitive disk, too
    if any(folded[: len(p)] == tuple(s.casefold() for s in p) for p in private):
        return None
    if slash or not parts:
        return _regular(_open(root, (*parts, "index.html")), "index.html")
    fd = _open(root, parts)
    if fd is None:
        return None
    if not stat.S_ISDIR(os.fstat(fd).st_mode):
        return _regular(fd, parts[-1])
    os.close(fd)
    index = _regular(_open(root, (*parts, "index.html")), "index.html")
    if index is None:
        return None
    index.handle.close()
    query = target.partition("?")[2]
    location = "/" + "/".join(quote(part) for part in parts) + "/"
    return Redirect(location + ("?" + quote(query, safe="=&;+%/?:@,!*'()~") if query else ""))


def _open(root: Path, parts: Sequence[str]) -> int | None:
    """A descriptor of ``root/parts`` reached without following a link, or None."""
    if not _WALK:
        path = root.resolve().joinpath(*parts)
        try:
            if path.resolve() != path:
                return None
            return os.open(path, _OPEN)
        except OSError:
            return None
    try:
        fd = os.open(root, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | os.O_CLOEXEC)
    except OSError:
        return None
    try:
        for part in parts:
            inner = os.open(part, _OPEN, dir_fd=fd)
            os.close(fd)
            fd = inner
    except OSError:
        os.close(fd)
        return None
    return fd


def _regular(fd: int | None, name: str) -> File | None:
    """``fd`` as a file when it is a regular file; otherwise closed (a folder, a FIFO...)."""
    if fd is None:
        return None
    if stat.S_ISREG(os.fstat(fd).st_mode):
        return File(os.fdopen(fd, "rb"), name)
    os.close(fd)
    return None


def content_type(name: str) -> str:
    suffix = os.path.splitext(name)[1].lower()
    return TYPES.get(suffix) or mimetypes.guess_type(name)[0] or "application/octet-stream"


def _inside(root: Path, folder: Path) -> tuple[str, ...] | None:
    """``folder``'s segments below ``root``, or None when it is not inside."""
    try:
        return folder.resolve().relative_to(root.resolve()).parts
    except ValueError:
        return None


def _host_name(header: str) -> str:
    """The name or address of a Host header, without port, brackets or final dot."""
    value = header.strip().lower()
    if value.startswith("["):
        return value[1:].partition("]")[0]
    return value.rpartition(":")[0].rstrip(".") if ":" in value else value.rstrip(".")


class PreviewServer(ThreadingHTTPServer):
    """A threading HTTP server bound to one output folder and one live state.

    The deadlines and limits are attributes (defaults from the module's constants) so tests
    can shorten them. ``private``: folders never served, should they lie inside ``root``.
    """

    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128  # the default 5 drops connections of a page's burst of requests

    def __init__(
        self,
        address: tuple[str, int],
        root: Path,
        state: LiveState,
        *,
        private: Iterable[Path] = (),
        writing: WriteLock | None = None,
    ) -> None:
        self.root = root
        self.writing: WriteLock = writing if writing is not None else threading.RLock()
        """The build's write lock: a file is opened while no build moves files into place."""
        self.state = state
        self.private = [p for p in (_inside(root, f) for f in private) if p is not None]
        self.head_seconds, self.send_seconds = HEAD_SECONDS, SEND_SECONDS
        self.max_connections, self.max_streams = MAX_CONNECTIONS, MAX_STREAMS
        self._connections = self._streams = 0
        self._deadlines: dict[socket.socket, float] = {}
        self._lock = threading.Lock()
        host, port = address
        # The address family of the host (ThreadingHTTPServer assumes IPv4: "::" failed).
        self.address_family = socket.getaddrinfo(
            host or None, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
        )[0][0]
        super().__init__(address, Handler)
        bound = str(self.server_address[0])
        self.names: frozenset[str] | None = (
            None if exposed(bound) else frozenset({"localhost", _host_name(host)})
        )
        """Host names answered (None: any, when bound beyond loopback)."""

    def server_bind(self) -> None:
        if self.address_family == socket.AF_INET6:
            with suppress(OSError, AttributeError):  # "::" takes IPv4 too, as other servers do
                self.socket.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
        # Not HTTPServer.server_bind: its reverse DNS lookup of the address can take seconds.
        socketserver.TCPServer.server_bind(self)
        self.server_name, self.server_port = str(self.server_address[0]), self.server_address[1]

    def process_request(self, request: Any, client_address: Any) -> None:
        with self._lock:
            busy = self._connections >= self.max_connections
            self._connections += not busy
        if busy:
            with suppress(OSError):
                request.setblocking(False)
                request.send(_BUSY)
            self.shutdown_request(request)
            return
        try:
            super().process_request(request, client_address)
        except BaseException:
            self._release()
            raise

    def process_request_thread(self, request: Any, client_address: Any) -> None:
        try:
            super().process_request_thread(request, client_address)
        finally:
            self._release()

    def _release(self) -> None:
        with self._lock:
            self._connections -= 1

    def handle_error(self, request: Any, client_address: Any) -> None:
        if isinstance(sys.exc_info()[1], OSError):
            return  # a client gone or cut: nothing to report
        super().handle_error(request, client_address)

    def expect(self, connection: socket.socket, seconds: float | None) -> float:
        """Give ``connection`` until ``seconds`` from now (None: no deadline); returns when."""
        with self._lock:
            if seconds is None:
                self._deadlines.pop(connection, None)
                return math.inf
            self._deadlines[connection] = deadline = time.monotonic() + seconds
            return deadline

    def service_actions(self) -> None:
        """Cut the connections past their deadline (the accept loop calls this at least
        twice a second): a blocked read or write returns, and the thread ends."""
        now = time.monotonic()
        with self._lock:
            late = [c for c, deadline in self._deadlines.items() if deadline <= now]
            for connection in late:
                del self._deadlines[connection]
                with suppress(OSError):
                    connection.shutdown(socket.SHUT_RDWR)

    def open_stream(self) -> bool:
        with self._lock:
            if self._streams >= self.max_streams:
                return False
            self._streams += 1
            return True

    def close_stream(self) -> None:
        with self._lock:
            self._streams -= 1


class Handler(BaseHTTPRequestHandler):
    server: PreviewServer
    protocol_version = "HTTP/1.1"  # keep-alive: a page's assets over a few connections
    default_request_version = "HTTP/1.0"  # never a bare HTTP/0.9 answer: no headers, no type
    server_version = "sitegen"
    timeout = IO_SECONDS
    disable_nagle_algorithm = True  # headers and body go out at once, not 40 ms apart
    _deadline = math.inf
    _linger = False

    def version_string(self) -> str:
        return self.server_version

    def log_message(self, format: str, *args: Any) -> None:
        return  # quiet: the terminal shows builds, not requests

    def handle_one_request(self) -> None:
        self._deadline = self.server.expect(self.connection, self.server.head_seconds)
        super().handle_one_request()

    def parse_request(self) -> bool:
        if not super().parse_request():
            return False
        if time.monotonic() >= self._deadline:  # cut at its deadline: the request is partial
            self.close_connection = True
            return False
        if self.command not in ("GET", "HEAD"):
            self._refuse(
                HTTPStatus.METHOD_NOT_ALLOWED, "Only GET and HEAD.\n", {"Allow": "GET, HEAD"}
            )
            return False
        if not self._host_allowed():
            self._refuse(
                HTTPStatus.FORBIDDEN,
                "This preview answers to localhost only; to use another name, bind it with "
                "--host.\n",
            )
            return False
        if self.headers.get("Content-Length", "0").strip() != "0" or self.headers.get(
            "Transfer-Encoding"
        ):
            self.close_connection = True  # a body is never read: the connection is spent
        self.server.expect(self.connection, self.server.send_seconds)
        return True

    def handle_expect_100(self) -> bool:
        return True  # no "100 Continue": a body is never read

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        self._linger = True
        super().send_error(code, message, explain)

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        super().end_headers()

    def finish(self) -> None:
        super().finish()
        self.server.expect(self.connection, None)
        if self._linger:
            _drain(self.connection)

    def do_HEAD(self) -> None:
        self._serve(head=True)

    def do_GET(self) -> None:
        if self.path.split("?", 1)[0] == EVENTS_PATH:
            self._events()
            return
        self._serve(head=False)

    def _host_allowed(self) -> bool:
        names, header = self.server.names, self.headers.get("Host")
        if names is None or header is None:
            return True
        name = _host_name(header)
        if name in names or name.endswith(".localhost"):
            return True
        try:
            ipaddress.ip_address(name)  # an address is not a name that can be rebound
        except ValueError:
            return False
        return True

    def _serve(self, *, head: bool) -> None:
        server = self.server
        status = HTTPStatus.OK
        with server.writing:  # wait while a build moves files into place: never a half-written site
            found = open_request(server.root, self.path, server.private)
            if found is None:
                status = HTTPStatus.NOT_FOUND
                missing = open_request(server.root, "/404.html")
                found = missing if isinstance(missing, File) else None
        if isinstance(found, Redirect):
            self._reply(
                HTTPStatus.MOVED_PERMANENTLY,
                "text/plain; charset=utf-8",
                b"",
                head=head,
                extra={"Location": found.location},
            )
            return
        if found is None:
            self._reply(status, "text/plain; charset=utf-8", b"Not found\n", head=head)
            return
        kind = content_type(found.name)
        with found.handle as handle:
            if kind.startswith("text/html"):
                self._reply(status, kind, self._inject(handle.read()), head=head)
                return
            size = os.fstat(handle.fileno()).st_size
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(size))
            self.end_headers()
            if not head and size and self.connection.sendfile(handle, 0, size) < size:
                self.close_connection = True  # shorter than announced: the client must know

    def _reply(
        self,
        status: HTTPStatus,
        kind: str,
        body: bytes,
        *,
        head: bool,
        extra: dict[str, str] | None = None,
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        for name, value in (extra or {}).items():
            self.send_header(name, value)
        self.end_headers()
        if not head:
            self.wfile.write(body)

    def _refuse(self, status: HTTPStatus, text: str, extra: dict[str, str] | None = None) -> None:
        """A short plain answer, then the connection closed (its input never read)."""
        self.close_connection = True
        self._linger = True
        headers = {"Connection": "close", **(extra or {})}
        self._reply(status, "text/plain; charset=utf-8", text.encode(), head=False, extra=headers)

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
        server, state = self.server, self.server.state
        if not server.open_stream():
            self._refuse(HTTPStatus.SERVICE_UNAVAILABLE, "Too many live-reload streams.\n")
            return
        try:
            server.expect(self.connection, None)  # open by design: no deadline
            self.close_connection = True  # the stream ends with the connection
            self.send_response(HTTPStatus.OK)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Connection", "close")
            self.end_headers()
            self._stream(state)
        except OSError:
            return
        finally:
            server.close_stream()

    def _stream(self, state: LiveState) -> None:
        """Send the state whenever it changes, a comment every ``KEEP_ALIVE`` seconds, until
        the client goes (looked for every second, so its slot is soon free) or we close."""
        sent: dict[str, Any] | None = None
        quiet = 0.0
        self.wfile.write(b"retry: 500\n\n")
        while True:
            with state.changed:
                if state.snapshot() == sent and not state.closing:
                    state.changed.wait(timeout=1.0)
                if state.closing:
                    return
                now = state.snapshot()
            if now != sent:
                data = json.dumps(now).replace("\n", "\\n")
                self.wfile.write(f"event: state\ndata: {data}\n\n".encode())
                sent, quiet = now, 0.0
            elif _gone(self.connection):
                return
            elif (quiet := quiet + 1.0) >= KEEP_ALIVE:
                self.wfile.write(b": keep-alive\n\n")
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


def _drain(connection: socket.socket) -> None:
    """Read and drop what the client still sends, a moment, after our last byte: closing
    with unread input resets the connection, and the client may lose our answer (the
    staged close of RFC 9112, section 9.6)."""
    with suppress(OSError):
        connection.shutdown(socket.SHUT_WR)
        end, received = time.monotonic() + LINGER_SECONDS, 0
        while received < LINGER_BYTES and (left := end - time.monotonic()) > 0:
            connection.settimeout(left)
            chunk = connection.recv(65536)
            if not chunk:
                return
            received += len(chunk)
