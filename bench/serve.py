"""Print the preview server's throughput, latency percentiles and memory under load.

Usage: python bench/serve.py [SITE_DIR] [--cables N] [--requests R] [--clients C] [--rounds K]

Without SITE_DIR a synthetic site of N cables (default 2,000) is generated in a temporary
folder (``bench/synth.py``, seed 1). A real ``sitegen serve`` process is started on a free
port; each round sends R requests (default 3,000) from C client threads (default 50), half of
them keeping their connection alive and half opening one per request, over a mix of pages,
assets, JSON, HEAD, Range, 404 and redirect requests drawn from the site's manifest. Per
round: requests/s, latency percentiles, errors, and the server's resident memory and threads
after it (read from ``/proc``, so Linux only). The clients are Python threads in this
process: on a small machine they, not the server, may be what limits the rate.

:func:`load` and :func:`plan` are also what ``tests/test_serve_attacks.py`` drives the server
with, in process.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import random
import re
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True, slots=True)
class Ask:
    """One request of a round and the status it must get."""

    method: str
    path: str
    status: int
    headers: tuple[tuple[str, str], ...] = ()


@dataclass(slots=True)
class Round:
    """What a round measured: wall time, each request's latency, each failure."""

    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def percentile(self, share: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else 0.0

    def summary(self) -> str:
        rate = len(self.latencies) / self.seconds if self.seconds else 0.0
        ms = {q: self.percentile(q) * 1000 for q in (0.5, 0.9, 0.99, 1.0)}
        return (
            f"{len(self.latencies)} requests in {self.seconds:.2f} s, {rate:,.0f}/s; latency "
            f"p50 {ms[0.5]:.1f} ms, p90 {ms[0.9]:.1f}, p99 {ms[0.99]:.1f}, max {ms[1.0]:.1f}; "
            f"{len(self.errors)} errors"
        )


def plan(output: Path, pages: int = 200, seed: int = 1) -> list[Ask]:
    """A shuffled mix for the site in ``output``: ``pages`` of its files (GET, every fourth
    HEAD, every tenth with a Range header, which is ignored), and for each ten of them a
    missing page, a missing asset and a folder named without its slash (a redirect)."""
    files = sorted(json.loads((output / "manifest.json").read_text(encoding="utf-8"))["files"])
    step = max(1, len(files) // pages)
    asks: list[Ask] = []
    for n, name in enumerate(files[::step][:pages]):
        url = "/" + name.removesuffix("index.html")
        if n % 4 == 3:
            asks.append(Ask("HEAD", url, 200))
        elif n % 10 == 5:
            asks.append(Ask("GET", url, 200, (("Range", "bytes=0-99"),)))
        else:
            asks.append(Ask("GET", url, 200))
        if n % 10 == 0:
            asks.append(Ask("GET", f"/cable/08NOPE{n}/", 404))
            asks.append(Ask("HEAD", f"/static/missing{n}.css", 404))
            if url.endswith("/") and url != "/":
                asks.append(Ask("GET", url.rstrip("/"), 301))
    random.Random(seed).shuffle(asks)
    return asks


def load(
    port: int,
    asks: Sequence[Ask],
    *,
    requests: int = 3000,
    clients: int = 50,
    host: str = "127.0.0.1",
) -> Round:
    """Send ``requests`` of ``asks`` (in turn) from ``clients`` threads, the even ones over
    one kept-alive connection each, the odd ones over a connection per request; check each
    answer. The client is a few lines over a socket: a library would cost more time than
    the server."""
    result = Round()
    lock = threading.Lock()
    numbers = itertools.count()

    def client(keep_alive: bool) -> None:
        sock: socket.socket | None = None
        reader: BinaryIO | None = None
        while (n := next(numbers)) < requests:
            ask = asks[n % len(asks)]
            start = time.perf_counter()
            try:
                if sock is None or reader is None:
                    sock = socket.create_connection((host, port), timeout=30)
                    reader = sock.makefile("rb")
                sock.sendall(_request(ask, host, keep_alive))
                status, headers, body = _answer(reader, ask.method == "HEAD")
                error = _check(ask, status, headers, body)
                if not keep_alive or headers.get("connection") == "close":
                    reader.close()
                    sock.close()
                    sock = reader = None
            except (OSError, ValueError) as exc:
                error = f"{ask.method} {ask.path}: {exc!r}"
                if sock is not None:
                    sock.close()
                sock = reader = None
            elapsed = time.perf_counter() - start
            with lock:
                result.latencies.append(elapsed)
                if error:
                    result.errors.append(error)
        if sock is not None:
            sock.close()

    threads = [threading.Thread(target=client, args=(n % 2 == 0,)) for n in range(clients)]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    result.seconds = time.perf_counter() - start
    return result


def _request(ask: Ask, host: str, keep_alive: bool) -> bytes:
    lines = [f"{ask.method} {ask.path} HTTP/1.1", f"Host: {host}"]
    lines += [f"{name}: {value}" for name, value in ask.headers]
    lines += [] if keep_alive else ["Connection: close"]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


def _answer(reader: BinaryIO, head: bool) -> tuple[int, dict[str, str], bytes]:
    """Status, headers (lower-case names) and body of one answer."""
    status_line = reader.readline()
    if not status_line:
        raise ValueError("connection closed before an answer")
    headers: dict[str, str] = {}
    while (line := reader.readline()) not in (b"\r\n", b"\n", b""):
        name, _, value = line.decode("latin-1").partition(":")
        headers[name.strip().lower()] = value.strip()
    length = int(headers.get("content-length", "0"))
    body = b"" if head else reader.read(length)
    return int(status_line.split()[1]), headers, body


def _check(ask: Ask, status: int, headers: dict[str, str], body: bytes) -> str:
    """What is wrong with an answer ("" when nothing)."""
    where = f"{ask.method} {ask.path}"
    if status != ask.status:
        return f"{where}: status {status}, expected {ask.status}"
    length = headers.get("content-length")
    if length is None or (ask.method == "GET" and int(length) != len(body)):
        return f"{where}: {len(body)} bytes, Content-Length {length}"
    if ask.status == 301 and headers.get("location") != ask.path + "/":
        return f"{where}: redirected to {headers.get('location')}"
    if headers.get("x-content-type-options") != "nosniff":
        return f"{where}: no nosniff"
    return ""


def process_status(pid: int) -> dict[str, str]:
    """A process's ``/proc/<pid>/status`` lines (VmRSS, Threads...), empty off Linux."""
    try:
        lines = Path(f"/proc/{pid}/status").read_text(encoding="utf-8").splitlines()
    except OSError:
        return {}
    return {key: value.strip() for key, _, value in (line.partition(":") for line in lines)}


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("site", nargs="?", type=Path)
    parser.add_argument("--cables", type=int, default=2000)
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        site = args.site or Path(tmp) / "site"
        if args.site is None:
            sys.path.insert(0, str(Path(__file__).parent))
            from synth import generate

            generate(site, args.cables, seed=1)
        run(site, args.requests, args.clients, args.rounds)


def run(site: Path, requests: int, clients: int, rounds: int) -> None:
    server = subprocess.Popen(
        [sys.executable, "-m", "sitegen", "serve", "--port", "0", "--config", "sitegen.toml"],
        cwd=site,
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},  # this checkout's sitegen
    )
    assert server.stderr is not None
    try:
        port = 0
        for line in server.stderr:
            found = re.search(r"http://127\.0\.0\.1:(\d+)/", line)
            if found:
                port = int(found.group(1))
                break
        assert port, "sitegen serve did not start"
        asks = plan(site / "output")
        status = process_status(server.pid)
        print(
            f"{len(asks)} distinct requests; server RSS {status.get('VmRSS', '?')}, "
            f"{status.get('Threads', '?')} threads at start"
        )
        for number in range(1, rounds + 1):
            result = load(port, asks, requests=requests, clients=clients)
            time.sleep(0.5)  # the last connections' threads end
            status = process_status(server.pid)
            print(
                f"round {number}: {result.summary()}; server RSS {status.get('VmRSS', '?')}, "
                f"{status.get('Threads', '?')} threads"
            )
            for error in result.errors[:5]:
                print(f"  {error}")
    finally:
        server.send_signal(signal.SIGINT)
        server.wait(timeout=15)
        server.stderr.close()


if __name__ == "__main__":
    main()
