"""The preview server attacked: traversal, oversized and slow requests, methods, hosts, load.

Requests go over raw sockets (a client library would normalise the paths), to a server run in
this process so its threads and memory can be counted. A secret file lies beside the output
folder (and in the configuration): no answer may ever contain it.
"""

from __future__ import annotations

import os
import socket
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

import pytest
from minisite import cable, make_site

from sitegen.core.config import load_config
from sitegen.live import files
from sitegen.live.files import File, Redirect, open_request
from sitegen.live.reload import ReloadState
from sitegen.live.server import PreviewServer, exposed
from sitegen.site.build import build

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
from serve import load, plan  # the load of bench/serve.py

SECRET = b"SECRET-beside-the-output-5e1f"


@pytest.fixture(scope="module")
def output(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A built site, with traps: a secret beside it, links out of and inside the output,
    a staging folder, a .git folder and a FIFO in it."""
    site = make_site(
        tmp_path_factory.mktemp("attacks") / "site",
        {
            "content/cables/08BAKU1.txt": cable("08BAKU1", subject="FIRST"),
            "content/cables/08BAKU2.txt": cable("08BAKU2", subject="SECOND", refs="A. BAKU 1"),
        },
        config=f"# {SECRET.decode()}\n",
    )
    build(load_config(site / "sitegen.toml"))
    out = site / "output"
    (site / "secret.txt").write_bytes(SECRET)
    os.symlink(site / "secret.txt", out / "leak.txt")
    os.symlink(site, out / "leakdir")
    os.symlink("style.css", out / "static" / "alias.css")  # a link inside the output
    for hidden in (".sitegen-staging/page.html", ".git/config"):
        (out / hidden).parent.mkdir()
        (out / hidden).write_bytes(SECRET)
    os.mkfifo(out / "fifo.html")
    return out


@contextmanager
def serving(root: Path, host: str = "127.0.0.1", **limits: float) -> Iterator[PreviewServer]:
    """A preview server of ``root`` in a thread; ``limits`` shorten its deadlines."""
    server = PreviewServer((host, 0), root, ReloadState())
    for name, value in limits.items():
        assert hasattr(server, name)
        setattr(server, name, value)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        yield server
    finally:
        server.state.close()
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture(scope="module")
def server(output: Path) -> Iterator[PreviewServer]:
    with serving(output) as running:
        yield running


def port_of(server: PreviewServer) -> int:
    return int(server.server_address[1])


def exchange(port: int, data: bytes, *, timeout: float = 5.0) -> bytes:
    """Send raw bytes, read until the server closes; the secret never comes back."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        with suppress(OSError):  # the server may answer and close before reading it all
            sock.sendall(data)
        chunks = []
        try:
            while chunk := sock.recv(65536):
                chunks.append(chunk)
        except ConnectionResetError:
            pass
    reply = b"".join(chunks)
    assert SECRET not in reply
    return reply


def ask(port: int, target: bytes, method: bytes = b"GET", headers: bytes = b"") -> bytes:
    """One request, ``Connection: close``."""
    return exchange(
        port,
        method + b" " + target + b" HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        b"Connection: close\r\n" + headers + b"\r\n",
    )


def status(reply: bytes) -> int:
    return int(reply.split(b" ", 2)[1]) if reply.startswith(b"HTTP/1.") else 0


def headers(reply: bytes) -> dict[str, str]:
    lines = reply.split(b"\r\n\r\n", 1)[0].decode("latin-1").split("\r\n")[1:]
    return {k.lower(): v.strip() for k, _, v in (line.partition(":") for line in lines)}


def body(reply: bytes) -> bytes:
    return reply.split(b"\r\n\r\n", 1)[1]


def threads_settle(limit: int, seconds: float = 5.0) -> int:
    """The thread count once it is at most ``limit`` (or when ``seconds`` ran out)."""
    deadline = time.monotonic() + seconds
    while threading.active_count() > limit and time.monotonic() < deadline:
        time.sleep(0.05)
    return threading.active_count()


# Path traversal and what lies beside or inside the output without being the site.

TRAVERSALS = [
    b"/../secret.txt", b"/../../secret.txt", b"/static/../../secret.txt",
    b"/%2e%2e/secret.txt", b"/%2E%2E%2Fsecret.txt", b"/%2e%2e%2f%2e%2e%2fsecret.txt",
    b"/.%2e/secret.txt", b"/%252e%252e/secret.txt", b"/%252e%252e%252fsecret.txt",
    b"/..%2fsecret.txt", b"/static%2f..%2f..%2fsecret.txt", b"/..%5csecret.txt",
    b"/static\\..\\..\\secret.txt", b"/static/..%5c..%5csecret.txt",
    b"//etc/passwd", b"///etc/passwd", b"/%2fetc%2fpasswd", b"//..//secret.txt",
    b"/C:/Windows/win.ini", b"/C:%5cWindows%5cwin.ini", b"/c:",
    b"/%00", b"/secret.txt%00.html", b"/index.html%00", b"/static/style.css%00.html",
    b"/%c0%ae%c0%ae/secret.txt", b"/%c0%ae%c0%ae%c0%afsecret.txt", b"/%c0%2e%c0%2e/secret.txt",
    b"/%e0%80%ae%e0%80%ae/secret.txt", b"/\xc0\xae\xc0\xae/secret.txt", b"/%ef%bc%8e%ef%bc%8e/",
    b"/leak.txt", b"/leakdir/secret.txt", b"/leakdir/", b"/leakdir",
    b"/.sitegen-staging/page.html", b"/%2esitegen-staging/page.html", b"/.git/config",
    b"/fifo.html", b"*", b"secret.txt", b"../secret.txt",
    b"http://127.0.0.1/../secret.txt", b"http://127.0.0.1/%2e%2e/secret.txt", b"http://[",
    b"/sitegen.toml", b"/../sitegen.toml", b"/content/cables/08BAKU1.txt",
    b"/../.sitegen-cache/cables.sqlite", b"/%0d%0aSet-Cookie:%20x=1",
]  # fmt: skip


@pytest.mark.parametrize("target", TRAVERSALS)
def test_nothing_but_the_site_is_served(server: PreviewServer, target: bytes) -> None:
    reply = ask(port_of(server), target)
    assert status(reply) == 404, reply[:200]
    assert b"Page not found" in body(reply)  # the site's own 404 page
    assert "set-cookie" not in headers(reply)


def test_links_are_never_followed_even_inside_the_output(server: PreviewServer) -> None:
    """Decided: the build never writes a link, and one put in the output by hand is not
    served, even when it points inside (only a walk without links can be proven not to
    escape)."""
    port = port_of(server)
    assert status(ask(port, b"/static/style.css")) == 200
    assert status(ask(port, b"/static/alias.css")) == 404


@pytest.mark.parametrize("walk", [True, False])
def test_open_request_with_and_without_descriptor_walks(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, walk: bool
) -> None:
    """The same answers where ``O_NOFOLLOW`` walks exist (POSIX) and where they do not."""
    monkeypatch.setattr(files, "_WALK", walk)
    root = tmp_path / "out"
    (root / "cable" / "X").mkdir(parents=True)
    (root / "cable" / "X" / "index.html").write_text("x", encoding="utf-8")
    (root / "cache").mkdir()
    (root / "cache" / "state.bin").write_text("state", encoding="utf-8")
    (tmp_path / "secret.txt").write_text("secret", encoding="utf-8")
    os.symlink(tmp_path / "secret.txt", root / "link.txt")
    os.symlink(root / "cable" / "X" / "index.html", root / "inner.html")
    os.symlink(root / "cable", root / "folder")

    def opened(target: str) -> str | None:
        found = open_request(root, target, [("cache",)])
        if isinstance(found, File):
            with found.handle:
                return f"{found.name}: {found.handle.read().decode()}"
        return found.location if isinstance(found, Redirect) else None

    assert opened("/cable/X/") == "index.html: x"
    assert opened("/cable/X/?q=a%20b") == "index.html: x"
    assert opened("/cable/X") == "/cable/X/"  # relative links need the slash
    assert opened("/cable/X?q=1") == "/cable/X/?q=1"
    assert opened("/cable/") is None  # no index: never a listing
    assert opened("/cable/X/index.html/") is None
    for refused in ("/../secret.txt", "/link.txt", "/inner.html", "/folder/X/", "/folder/X"):
        assert opened(refused) is None, refused
    assert opened("/cache/state.bin") is None  # private
    assert opened("/CACHE/state.bin") is None  # private on a case-insensitive disk too


def test_a_cache_folder_inside_the_output_is_not_served(tmp_path: Path) -> None:
    out = tmp_path / "out"
    (out / "cache").mkdir(parents=True)
    (out / "cache" / "cables.sqlite").write_bytes(SECRET)
    (out / "index.html").write_text("<body>home</body>", encoding="utf-8")
    server = PreviewServer(("127.0.0.1", 0), out, ReloadState(), private=[out / "cache"])
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        assert status(ask(port_of(server), b"/")) == 200
        assert status(ask(port_of(server), b"/cache/cables.sqlite")) == 404
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def test_a_folder_without_its_slash_is_redirected_and_never_listed(
    server: PreviewServer,
) -> None:
    port = port_of(server)
    reply = ask(port, b"/cable/08BAKU1?from=x")
    assert status(reply) == 301 and headers(reply)["location"] == "/cable/08BAKU1/?from=x"
    for folder in (b"/static/", b"/static", b"/pagefind/", b"/cable/"):
        assert status(ask(port, folder)) == 404, folder


# Oversized requests.


@pytest.mark.parametrize(
    ("request_bytes", "code"),
    [
        (b"GET /" + b"a" * 70_000 + b" HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", 414),
        (b"GET / HTTP/1.1\r\n" + b"".join(b"X-%d: y\r\n" % n for n in range(200)) + b"\r\n", 431),
        (b"GET / HTTP/1.1\r\nX-Big: " + b"a" * 1_000_000 + b"\r\n\r\n", 431),
        (b"GET / HTTP/9.9\r\n\r\n", 505),
        (b"GET / HTTP/1.1 extra\r\n\r\n", 400),
        (b"GET / HTTP/x\r\n\r\n", 400),
    ],
    ids=["70KB-line", "200-headers", "1MB-header", "HTTP-9", "four-words", "bad-version"],
)
def test_oversized_or_malformed_requests_are_refused_and_closed(
    server: PreviewServer, request_bytes: bytes, code: int
) -> None:
    reply = exchange(port_of(server), request_bytes)  # returns only once the server closed
    assert status(reply) == code
    assert headers(reply)["connection"] == "close"
    assert headers(reply)["x-content-type-options"] == "nosniff"
    assert b"aaaa" not in reply
    assert status(ask(port_of(server), b"/")) == 200  # and the server serves on


# Methods, headers, bodies.


@pytest.mark.parametrize(
    "method",
    [b"POST", b"PUT", b"DELETE", b"PATCH", b"OPTIONS", b"TRACE", b"CONNECT", b"PROPFIND",
     b"FOO", b"get"],
)  # fmt: skip
def test_only_get_and_head(server: PreviewServer, method: bytes) -> None:
    reply = ask(
        port_of(server),
        b"/index.html",
        method,
        b"X-Echo: ECHO-ME\r\nContent-Length: 11\r\n\r\nECHO-BODY!!",
    )
    assert status(reply) == 405
    assert headers(reply)["allow"] == "GET, HEAD"
    assert headers(reply)["connection"] == "close"
    assert body(reply) == b"Only GET and HEAD.\n"  # no page, nothing of the request echoed


def test_a_request_body_is_never_taken_for_the_next_request(server: PreviewServer) -> None:
    smuggled = b"GET /404.html HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
    for method in (b"POST", b"GET"):
        reply = exchange(
            port_of(server),
            method + b" / HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            b"Content-Length: %d\r\n\r\n" % len(smuggled) + smuggled,
        )
        assert reply.count(b"HTTP/1.1 ") == 1, reply[:300]


def test_types_and_headers_of_every_answer(server: PreviewServer) -> None:
    port = port_of(server)
    types = {
        b"/": "text/html; charset=utf-8",
        b"/static/style.css": "text/css; charset=utf-8",
        b"/static/search.js": "text/javascript; charset=utf-8",
        b"/api/cables.json": "application/json",
        b"/feed.xml": "application/xml",
        b"/robots.txt": "text/plain; charset=utf-8",
        b"/manifest.json": "application/json",
        b"/nope/": "text/html; charset=utf-8",
    }
    for target, kind in types.items():
        reply = ask(port, target)
        assert headers(reply)["content-type"] == kind, target
    svg = next(n for n in (Path(server.root) / "static").iterdir() if n.suffix == ".svg")
    assert headers(ask(port, f"/static/{svg.name}".encode()))["content-type"] == "image/svg+xml"
    pagefind = next((Path(server.root) / "pagefind").rglob("*.pf_meta"))
    reply = ask(port, b"/" + pagefind.relative_to(server.root).as_posix().encode())
    assert headers(reply)["content-type"] == "application/octet-stream"
    answers = [ask(port, t) for t in (b"/", b"/static/style.css", b"/nope", b"/cable/08BAKU1")]
    answers += [ask(port, b"/", b"POST"), exchange(port, b"GET /" + b"a" * 70_000 + b"\r\n\r\n")]
    for reply in answers:
        assert headers(reply)["x-content-type-options"] == "nosniff"
        assert headers(reply)["cache-control"] == "no-store"
        assert headers(reply)["server"] == "sitegen"


def test_head_and_range(server: PreviewServer) -> None:
    port = port_of(server)
    whole = ask(port, b"/static/style.css")
    head = ask(port, b"/static/style.css", b"HEAD")
    assert body(head) == b"" and headers(head)["content-length"] == str(len(body(whole)))
    ranged = ask(port, b"/static/style.css", headers=b"Range: bytes=0-9\r\n")
    assert status(ranged) == 200 and body(ranged) == body(whole)  # a Range is ignored


# Binding and hosts.


@pytest.mark.parametrize(
    ("host", "wide"),
    [("127.0.0.1", False), ("127.0.0.2", False), ("::1", False), ("::ffff:127.0.0.1", False),
     ("0.0.0.0", True), ("::", True), ("192.168.1.20", True), ("10.0.0.5", True),
     ("fe80::1%eth0", True), ("example.org", True)],
)  # fmt: skip
def test_exposed(host: str, wide: bool) -> None:
    assert exposed(host) is wide


def _exchange_v6(port: int, data: bytes) -> bytes:
    with socket.create_connection(("::1", port), timeout=5) as sock:
        sock.sendall(data)
        return sock.recv(100)


def test_binds_loopback_by_default_and_ipv6_when_asked(output: Path) -> None:
    with serving(output) as server:
        assert server.server_address[0] == "127.0.0.1" and server.names is not None
    try:
        with serving(output, host="::1") as server:
            reply = _exchange_v6(port_of(server), b"GET / HTTP/1.0\r\nHost: [::1]\r\n\r\n")
            assert status(reply) == 200
    except OSError as exc:  # a machine without an IPv6 loopback
        pytest.skip(f"no IPv6 loopback: {exc}")


@pytest.mark.parametrize(
    ("host", "code"),
    [(b"127.0.0.1", 200), (b"127.0.0.1:8000", 200), (b"localhost:8000", 200),
     (b"LOCALHOST.", 200), (b"[::1]:8000", 200), (b"cables.localhost", 200),
     (b"192.168.1.20", 200), (b"evil.example", 403), (b"evil.example:8000", 403),
     (b"localhost.evil.example", 403), (b"127.0.0.1.nip.io", 403)],
)  # fmt: skip
def test_bound_to_loopback_only_local_host_names(
    server: PreviewServer, host: bytes, code: int
) -> None:
    """DNS rebinding: a page of evil.example, its name now resolving to 127.0.0.1, must not
    read the preview."""
    reply = exchange(
        port_of(server), b"GET / HTTP/1.1\r\nHost: " + host + b"\r\nConnection: close\r\n\r\n"
    )
    assert status(reply) == code
    if code == 403:
        assert b"<html" not in reply


def test_without_host_header_and_bound_wide_any_host(output: Path) -> None:
    with serving(output) as server:
        assert status(exchange(port_of(server), b"GET / HTTP/1.0\r\n\r\n")) == 200
    with serving(output, host="0.0.0.0") as server:
        assert server.names is None
        assert status(ask(port_of(server), b"/", headers=b"Host: cables.example\r\n")) == 200


# Slow clients, deadlines, limits.


def test_slow_clients_do_not_starve_the_others(server: PreviewServer) -> None:
    """Slowloris: 120 connections each sending a header byte a second, never done."""
    port, before = port_of(server), threading.active_count()
    slow = [socket.create_connection(("127.0.0.1", port), timeout=5) for _ in range(120)]
    try:
        for sock in slow:
            sock.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
        for _ in range(2):
            for sock in slow:
                sock.send(b"z")
            start = time.monotonic()
            assert status(ask(port, b"/cable/08BAKU1/")) == 200
            assert time.monotonic() - start < 2.0
            time.sleep(1.0)
        assert threading.active_count() <= before + 121
    finally:
        for sock in slow:
            sock.close()
    assert threads_settle(before) <= before  # every thread ended with its client


def test_a_trickling_client_is_cut_at_its_deadline(output: Path) -> None:
    with serving(output, head_seconds=1.0) as server:
        before = threading.active_count()
        with socket.create_connection(("127.0.0.1", port_of(server)), timeout=5) as sock:
            sock.sendall(b"GET /index.html HTTP/1.1\r\n")
            start, reply = time.monotonic(), b""
            try:
                while time.monotonic() - start < 5:
                    sock.sendall(b"X-A: b\r\n")  # headers, never the end of them
                    time.sleep(0.1)
            except OSError:
                pass
            with suppress(OSError):
                reply = sock.recv(1000)
            assert time.monotonic() - start < 3.0  # cut after about a second
            assert reply == b""  # and never answered: the request was not complete
        assert threads_settle(before) <= before


def test_an_idle_keep_alive_connection_is_closed(output: Path) -> None:
    with (
        serving(output, head_seconds=1.0) as server,
        socket.create_connection(("127.0.0.1", port_of(server)), timeout=5) as sock,
    ):
        sock.sendall(b"GET /robots.txt HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        start, received = time.monotonic(), b""
        while chunk := sock.recv(65536):
            received += chunk
        assert status(received) == 200 and 0.8 < time.monotonic() - start < 3.0


def test_a_client_that_never_reads_is_cut(output: Path) -> None:
    big = output / "static" / "big.bin"
    big.write_bytes(os.urandom(1024) * 16 * 1024)  # 16 MB
    try:
        with serving(output, send_seconds=1.0) as server:
            before = threading.active_count()
            with socket.socket() as sock:
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
                sock.settimeout(5)
                sock.connect(("127.0.0.1", port_of(server)))
                sock.sendall(b"GET /static/big.bin HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
                time.sleep(1.5)
                received = 0
                try:
                    while chunk := sock.recv(1 << 20):
                        received += len(chunk)
                except OSError:
                    pass
                assert received < big.stat().st_size
            assert threads_settle(before) <= before
    finally:
        big.unlink()


def test_connections_beyond_the_limit_get_503_at_once(output: Path) -> None:
    with serving(output, max_connections=10) as server:
        port, before = port_of(server), threading.active_count()
        idle = [socket.create_connection(("127.0.0.1", port), timeout=5) for _ in range(10)]
        try:
            deadline = time.monotonic() + 5
            while threading.active_count() < before + 10 and time.monotonic() < deadline:
                time.sleep(0.05)  # the ten are accepted, each by a thread of its own
            start = time.monotonic()
            reply = ask(port, b"/")
            assert status(reply) == 503 and time.monotonic() - start < 2.0
            assert threading.active_count() <= before + 10
        finally:
            for sock in idle:
                sock.close()
        threads_settle(before)
        assert status(ask(port, b"/")) == 200


def _stream(port: int) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", port), timeout=5)
    sock.sendall(b"GET /__sitegen/events HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
    return sock


def test_reload_streams_outlive_the_deadlines_but_are_bounded(output: Path) -> None:
    with serving(output, head_seconds=0.5, max_streams=3) as server:
        port = port_of(server)
        streams = [_stream(port) for _ in range(3)]
        for sock in streams:
            assert status(sock.recv(1000)) == 200
        assert status(exchange(port, b"GET /__sitegen/events HTTP/1.1\r\n\r\n")) == 503
        time.sleep(1.0)  # past the deadline of a request head
        server.state.update(epoch=7)
        for sock in streams:
            data = b""
            while b'"epoch": 7' not in data:
                chunk = sock.recv(1000)
                assert chunk, "a stream was cut"
                data += chunk
        streams.pop().close()  # a tab closed: its slot frees within a second or two
        deadline, code = time.monotonic() + 4, 0
        while code != 200 and time.monotonic() < deadline:
            time.sleep(0.2)
            with _stream(port) as sock:
                code = status(sock.recv(1000))
        assert code == 200
        for sock in streams:
            sock.close()


# Load and memory.


def _rss_kb() -> int:
    """The resident memory of this process now (peak where /proc is missing)."""
    try:
        for line in Path("/proc/self/status").read_text(encoding="utf-8").splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def test_load_without_errors_and_flat_memory(server: PreviewServer) -> None:
    """3,000 requests from 50 clients (half keeping their connection), twice: no error, the
    threads gone after each round, and memory no higher after the second."""
    port, before = port_of(server), threading.active_count()
    asks = plan(server.root)
    assert {a.status for a in asks} == {200, 301, 404} and {a.method for a in asks} == {
        "GET",
        "HEAD",
    }
    first = load(port, asks, requests=3000, clients=50)
    assert first.errors == [] and len(first.latencies) == 3000
    threads_settle(before)
    rss = _rss_kb()
    second = load(port, asks, requests=3000, clients=50)
    assert second.errors == []
    assert threads_settle(before) <= before
    assert _rss_kb() - rss < 4096, f"{_rss_kb() - rss} KB more after the second round"
