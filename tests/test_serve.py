"""`sitegen serve` as a user runs it: a real process, HTTP, the reload channel, Ctrl-C."""

from __future__ import annotations

import http.client
import json
import socket
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from minisite import SITEGEN, Server, cable, make_site


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    site = make_site(
        tmp_path / "site",
        {
            "content/cables/08BAKU1.txt": cable("08BAKU1", subject="FIRST"),
            "content/cables/08BAKU2.txt": cable("08BAKU2", subject="SECOND", refs="A. BAKU 1"),
        },
    )
    running = Server(site)
    try:
        yield running
    finally:
        running.close()


def _events(server: Server) -> Iterator[dict[str, object]]:
    """The states sent on the reload channel, as they come."""
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=20)
    conn.request("GET", "/__sitegen/events")
    response = conn.getresponse()
    assert response.status == 200
    assert response.getheader("Content-Type") == "text/event-stream"
    try:
        while True:
            line = response.readline().decode()
            if line.startswith("data: "):
                yield json.loads(line[6:])
    finally:
        conn.close()


def test_pages_types_and_missing_pages(server: Server) -> None:
    status, headers, body = server.get("/cable/08BAKU1/")
    assert status == 200 and headers["Content-Type"] == "text/html; charset=utf-8"
    assert b"FIRST" in body and b"/__sitegen/events" in body
    assert server.get("/static/style.css")[1]["Content-Type"] == "text/css; charset=utf-8"
    assert server.get("/api/cables.json")[1]["Content-Type"] == "application/json"
    status, _, body = server.get("/cable/08NOPE1/")
    assert status == 404 and b"Page not found" in body
    status, _, body = server.get("/static/")
    assert status == 404 and b"Page not found" in body  # no directory listing


@pytest.mark.parametrize(
    "path",
    ["/../sitegen.toml", "/%2e%2e/sitegen.toml", "/..%2fsitegen.toml", "//etc/passwd",
     "/static/..%5c..%5csitegen.toml", "/%00", "/content/cables/08BAKU1.txt"],
)  # fmt: skip
def test_nothing_outside_the_output_is_served(server: Server, path: str) -> None:
    status, _, body = server.get(path)
    assert status == 404
    assert b"Reference ID" not in body and b"root:" not in body


def test_an_edit_reaches_the_page_and_the_reload_channel(server: Server) -> None:
    events = _events(server)
    first = next(events)
    epoch = first["epoch"]
    assert isinstance(epoch, int)
    path = server.root / "content/cables/08BAKU1.txt"
    path.write_text(cable("08BAKU1", subject="EDITED OVER HTTP"), encoding="utf-8")
    state = next(events)
    assert state["epoch"] == epoch + 1 and not state["problems"]
    _, _, body = server.get("/cable/08BAKU1/")
    assert b"EDITED OVER HTTP" in body
    _, _, citing = server.get("/cable/08BAKU2/")
    assert b"EDITED OVER HTTP" in citing  # the citing cable shows the new subject too


def test_a_broken_template_is_shown_then_fixed(server: Server) -> None:
    events = _events(server)
    epoch = next(events)["epoch"]
    assert isinstance(epoch, int)
    theme = server.root / "themes" / "default" / "templates"
    theme.mkdir(parents=True)
    (theme / "tag.html").write_text("{% for %}", encoding="utf-8")
    state = next(events)
    assert state["epoch"] == epoch and "tag.html" in str(state["problems"])
    status, _, body = server.get("/cable/08BAKU1/")
    assert status == 200 and b"FIRST" in body and b"sitegen-problems" in body
    (theme / "tag.html").unlink()
    state = next(events)
    assert state["epoch"] == epoch + 1 and not state["problems"]


def test_ctrl_c_stops_cleanly(server: Server) -> None:
    assert server.get("/")[0] == 200
    code = server.stop()
    assert server.process.stderr is not None
    said = server.process.stderr.read()
    server.process.stderr.close()
    assert code == 0, said
    assert "stopping" in said


def test_binds_loopback_and_says_nothing_of_it(server: Server) -> None:
    said = "".join(server.log)
    assert "http://127.0.0.1:" in said and "warning" not in said


def test_bound_wider_it_warns(tmp_path: Path) -> None:
    site = make_site(tmp_path / "site", {"content/cables/08BAKU1.txt": cable("08BAKU1")})
    wide = Server(site, "--host", "0.0.0.0")
    try:
        said = "".join(wide.log)
        assert "warning: serving on every address of this machine" in said
        assert "http://0.0.0.0:" in said
        assert wide.get("/")[0] == 200
    finally:
        wide.close()


def test_a_port_in_use_is_a_clear_error(tmp_path: Path) -> None:
    site = make_site(tmp_path / "site", {"content/cables/08BAKU1.txt": cable("08BAKU1")})
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = str(taken.getsockname()[1])
        done = subprocess.run(
            [*SITEGEN, "serve", "--port", port, "--config", str(site / "sitegen.toml")],
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert done.returncode == 2
    assert f"sitegen: error: cannot serve on 127.0.0.1 port {port}" in done.stderr
    assert "Traceback" not in done.stderr
    assert not (site / "output").exists()  # refused before building
