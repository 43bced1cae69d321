"""Mini-sites declared inline (a cable in the metadata-header shape, a site folder) and a
``sitegen serve`` process to test them live."""

from __future__ import annotations

import http.client
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

from sitegen.site.result import BuildResult

SITEGEN = [sys.executable, "-m", "sitegen"]


def cable(
    cable_id: str,
    *,
    subject: str = "TEST SUBJECT",
    tags: str = "PREL, AJ",
    refs: str = "",
    created: str = "2008-02-27 13:45",
    body: str = "1. (C) Text of the cable.",
    origin: str = "Embassy Baku",
) -> str:
    """A cable in the metadata-header shape."""
    ref_line = f"REF: {refs}\n\n" if refs else ""
    return (
        f"Reference ID: {cable_id}\nCreated: {created}\nReleased: 2011-08-30\n"
        f"Classification: CONFIDENTIAL\nOrigin: {origin}\n\n"
        f"C O N F I D E N T I A L BAKU 000001\n\nE.O. 12958: DECL: 02/27/2018\n"
        f"TAGS: {tags}\nSUBJECT: {subject}\n\n{ref_line}"
        f"Classified By: Ambassador Anne E. Derse, reasons 1.4 (b,d)\n\n{body}\nDERSE\n"
    )


def make_site(root: Path, files: dict[str, str], config: str = "") -> Path:
    """A site folder with ``sitegen.toml`` and the given files (relative path -> text)."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "sitegen.toml").write_text(config, encoding="utf-8")
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


class Server:
    """A ``sitegen serve`` process on a free port."""

    def __init__(self, root: Path, *args: str) -> None:
        self.root = root
        self.process = subprocess.Popen(
            [*SITEGEN, "serve", "--port", "0", "--config", str(root / "sitegen.toml"), *args],
            stderr=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            text=True,
        )
        assert self.process.stderr is not None
        self.log: list[str] = []
        deadline = time.monotonic() + 30
        self.port = 0
        while time.monotonic() < deadline:
            line = self.process.stderr.readline()
            self.log.append(line)
            found = re.search(r"http://\[?[0-9a-f.:]+\]?:(\d+)/", line)
            if found:
                self.port = int(found.group(1))
                break
        assert self.port, self.log

    def get(self, path: str) -> tuple[int, dict[str, str], bytes]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        try:
            conn.request("GET", path)
            response = conn.getresponse()
            return response.status, dict(response.getheaders()), response.read()
        finally:
            conn.close()

    def stop(self) -> int:
        self.process.send_signal(signal.SIGINT)
        try:
            return self.process.wait(timeout=15)
        finally:
            if self.process.poll() is None:
                self.process.kill()
                self.process.wait()

    def close(self) -> None:
        if self.process.poll() is None:
            self.stop()
        if self.process.stderr is not None:
            self.process.stderr.close()


def output_files(output: Path, result: BuildResult) -> dict[str, bytes]:
    """Every file a build made (``result.files`` holds their hashes), read from ``output``."""
    return {name: (output / name).read_bytes() for name in result.files}
