"""The preview server: the output folder over HTTP, with live reload and an error overlay.

Standard library only, and made for the author's own browser: the built site is published by
any static host, never by this server. What it promises (``tests/test_serve_attacks.py``
attacks each point over raw sockets):

- **The output folder and nothing else**, as :mod:`sitegen.live.files` opens it: no dot
  segment, no private folder, no link followed, regular files only, a folder never listed.
  ``manifest.json`` is served: it is part of the published site. Anything else refused is
  answered with ``404.html``.
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

The live reload (the script, the overlay, the event stream) is :mod:`sitegen.live.reload`.
"""

from __future__ import annotations

import ipaddress
import math
import os
import socket
import socketserver
import sys
import threading
import time
from collections.abc import Iterable
from contextlib import suppress
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from sitegen.live.files import File, Redirect, content_type, open_request, segments_inside
from sitegen.live.reload import EVENTS_PATH, ReloadState, inject, stream
from sitegen.output.lock import WriteLock

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
LINGER_SECONDS, LINGER_BYTES = 1.0, 4 << 20
"""After an error answer: how long and how much of the client's excess to read before the
close (closing with unread input resets the connection, and the answer can be lost)."""

_BUSY = (
    b"HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain; charset=utf-8\r\n"
    b"Content-Length: 29\r\nRetry-After: 1\r\nConnection: close\r\nCache-Control: no-store\r\n"
    b"X-Content-Type-Options: nosniff\r\n\r\nToo many connections at once.\n"
)


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


def _host_name(header: str) -> str:
    """The name or address of a Host header, without port, brackets or final dot."""
    value = header.strip().lower()
    if value.startswith("["):
        return value[1:].partition("]")[0]
    return value.rpartition(":")[0].rstrip(".") if ":" in value else value.rstrip(".")


class PreviewServer(ThreadingHTTPServer):
    """A threading HTTP server bound to one output folder and one reload state.

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
        state: ReloadState,
        *,
        private: Iterable[Path] = (),
        writing: WriteLock | None = None,
    ) -> None:
        self.root = root
        self.writing: WriteLock = writing if writing is not None else threading.RLock()
        """The build's write lock: a file is opened while no build moves files into place."""
        self.state = state
        """What the open tabs are told (the build's outcomes, sent down the event streams)."""
        self.private = [p for p in (segments_inside(root, f) for f in private) if p is not None]
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
                self._reply(status, kind, inject(handle.read(), self.server.state), head=head)
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
            stream(self.wfile, self.connection, state)
        except OSError:
            return
        finally:
            server.close_stream()


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
