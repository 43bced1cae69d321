"""Hostile content: whatever a cable, a page, a note or a file name holds, the build finishes
in bounded time, reports it, writes nothing outside the output and no page carries it
unescaped (issue 8, part 1). Each test names the promise it attacks; the checks shared by
all are in ``tests/payloads.py``.
"""

from __future__ import annotations

import html
import json
import os
import re
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from minisite import cable, make_site
from payloads import EVALUATED, PAYLOADS, scan_output, tree

from sitegen.cli.main import main
from sitegen.content.archive import DUPLICATES_LISTED
from sitegen.core.config import load_config
from sitegen.core.diagnostics import format_report
from sitegen.core.limits import MAX_CABLE_BYTES, MAX_MARKDOWN_BYTES
from sitegen.core.model import Diagnostic
from sitegen.site.build import build
from sitegen.site.result import BuildResult

NO_SEARCH = "search = false\n"
_SEGMENT = re.compile(r"^(?!\.\.?$)[A-Za-z0-9._-]{1,100}$")
_WINDOWS = re.compile(r"^(con|prn|aux|nul|com[1-9]|lpt[1-9])(\..*)?$", re.IGNORECASE)


def _build(root: Path) -> tuple[BuildResult, dict[str, bytes]]:
    """Build ``root`` (one process), check everything written and everything left alone."""
    outside = tree(root.parent, skip=(root / "output", root / ".sitegen-cache"))
    result = build(load_config(root / "sitegen.toml"), jobs=1)
    assert tree(root.parent, skip=(root / "output", root / ".sitegen-cache")) == outside
    files = scan_output(root / "output")
    bad = [
        name
        for name in files
        if not all(_SEGMENT.match(s) and not _WINDOWS.match(s) for s in name.split("/"))
    ]
    assert not bad, bad
    return result, files


def toml_string(text: str) -> str:
    """``text`` as a TOML basic string (JSON's escapes would write surrogate pairs, which
    TOML refuses, and leave DEL bare, which it refuses too)."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    return '"' + re.sub(r"[\x00-\x1f\x7f]", lambda m: f"\\u{ord(m.group()):04x}", escaped) + '"'


def _codes(result: BuildResult, source: str | None = None) -> set[str]:
    return {d.code for d in result.diagnostics if source is None or d.path == source}


def test_every_field_of_every_kind_of_file_carries_payloads_as_text(tmp_path: Path) -> None:
    """Each payload in the subject, TAGS, origin, classification, references and body of
    a cable, in its note, in a page's title, slug, description, date and body, and in the
    site's title and description."""
    files: dict[str, str] = {}
    for n, payload in enumerate(PAYLOADS, start=1):
        cid = f"08BAKU{n}"
        files[f"content/cables/{cid}.txt"] = cable(
            cid,
            subject=payload,
            tags=f"PREL, {payload}",
            origin=payload,
            refs=f"A. {payload} B. BAKU {n + 1}",
            body=f"1. (C) {payload}\n\n2. (S) {payload}",
        ).replace("Classification: CONFIDENTIAL", f"Classification: {payload}")
        files[f"content/notes/{cid}.md"] = f"{payload}\n\n[x](javascript:alert(1)) {payload}\n"
        files[f"content/pages/p{n}.md"] = (
            f"---\ntitle: {payload}\nslug: {payload}\ndescription: {payload}\n"
            f"date: {payload}\n---\n{payload}\n\n# {payload}\n\n* {payload}\n"
        )
    title = toml_string(" ".join(PAYLOADS[:8]))
    root = make_site(tmp_path / "site", files, f"title = {title}\ndescription = {title}\n")
    result, out = _build(root)
    assert result.cables == len(PAYLOADS)
    for n, payload in enumerate(PAYLOADS, start=1):
        cid = f"08BAKU{n}"
        data = json.loads(out[f"api/cables/{cid}.json"])
        assert data["subject"] == payload.strip(), cid
        assert data["origin"] == payload.strip(), cid
        assert f"1. (C) {payload}" in data["text"], cid
        page = html.unescape(out[f"cable/{cid}/index.html"].decode())
        assert payload.strip() in page, cid
    index = {c["id"]: c for c in json.loads(out["api/cables.json"])["cables"]}
    assert index["08BAKU1"]["subject"] == PAYLOADS[0]
    home = out["index.html"].decode()
    assert "{{ 7*7 }}" in html.unescape(home) and EVALUATED not in home


@pytest.mark.parametrize(
    "url", ["javascript:alert(1)//", "//x.org/", "x.org", 'https://x.org/"><xss-probe>']
)
def test_a_base_url_that_is_not_http_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], url: str
) -> None:
    root = make_site(tmp_path / "site", {"content/cables/08BAKU1.txt": cable("08BAKU1")})
    assert main(["build", "--config", str(root / "sitegen.toml"), "--base-url", url]) == 2
    assert "base_url must be an http:// or https:// URL" in capsys.readouterr().err
    assert not (root / "output").exists()


def test_markdown_links_and_raw_html_do_nothing(tmp_path: Path) -> None:
    """Markdown's raw HTML is shown as text; links and images to script URLs, however
    spelled, are not links (markdown-it's link validation, html=False)."""
    links = [
        "[a](javascript:alert(1))",
        "[b](JaVaScRiPt:alert(1))",
        "[c](jav&#97;script:alert(1))",
        "[d](java&#x09;script:alert(1))",
        "[e](<javascript:alert(1)>)",
        "[f](vbscript:msgbox(1))",
        "[g](data:text/html;base64,PHNjcmlwdD4=)",
        "![h](javascript:alert(1))",
        "<javascript:alert(1)>",
        "[i]: javascript:alert(1)\n\n[i]",
        '[j](http://x.org/" onmouseover="alert(1))',
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        "<a href='javascript:alert(1)'>k</a>",
        "<!-- <xss-probe> -->",
    ]
    body = "\n\n".join(links)
    root = make_site(
        tmp_path / "site",
        {
            "content/cables/08BAKU1.txt": cable("08BAKU1"),
            "content/pages/links.md": f"---\ntitle: Links\n---\n{body}\n",
            "content/notes/08BAKU1.md": body,
        },
        NO_SEARCH,
    )
    _, out = _build(root)
    page = out["links/index.html"].decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page


HOSTILE_IDS = [
    "../../etc/passwd",
    "08BAKU1/../../../x",
    "08BAKU1\\..\\x",
    "０８ＢＡＫＵ１",  # fullwidth
    "08BAKU１２",  # a fullwidth serial
    "٠٨BAKU١",  # Arabic-Indic digits
    "08BAKU∕1",  # U+2215 division slash
    "08BAKU1\u202e",  # right-to-left override
    "08BAKU．．1",  # fullwidth full stops
    "CON",
    "NUL.txt",
    "aux",
    "08" + "A" * 300 + "1",
    "08" + "BAKU" * 75,
]


@pytest.mark.parametrize("written", HOSTILE_IDS)
def test_an_unsafe_id_in_a_header_is_reported_and_never_a_path(
    tmp_path: Path, written: str
) -> None:
    root = make_site(
        tmp_path / "site",
        {"content/cables/x.txt": cable("08BAKU2").replace("08BAKU2", written, 1)},
        NO_SEARCH,
    )
    result, out = _build(root)
    reported = _codes(result, "content/cables/x.txt")
    assert reported & {"bad-id", "unsafe-id", "id-repaired"}, result.diagnostics
    assert all(name.isascii() for name in out)


HOSTILE_NAMES = [
    "０８ＢＡＫＵ１.txt",
    "٠٨BAKU١.txt",
    "08BAKU∕1.txt",
    "08BAKU1\u202e.txt",
    "08BAKU1\u202etxt.exe.txt",
    "．．.txt",
    "...txt",
    "CON.txt",
    "NUL.txt",
    "aux.txt",
    "new\nline.txt",
    "esc\x1b[31mred.txt",
    "08" + "A" * 240 + "1.txt",
]


def test_hostile_file_names_are_reported_never_paths(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Cable, note and page files named with look-alikes, control characters, device names
    and 250 characters: no page takes such a name, and the report stays one line per
    problem."""
    body = "E.O. 12958: DECL: 02/27/2018\nTAGS: PREL\nSUBJECT: NAMED\n\n1. (C) Text.\n\nRICE\n"
    files = {f"content/cables/{name}": body for name in HOSTILE_NAMES}
    files |= {f"content/notes/{name[:-4]}.md": "A note." for name in HOSTILE_NAMES}
    files |= {f"content/pages/{name[:-4]}.md": "# A page" for name in HOSTILE_NAMES}
    files["content/cables/08BAKU1.txt"] = cable("08BAKU1")
    root = make_site(tmp_path / "site", files, NO_SEARCH)
    result, out = _build(root)
    assert "cable/08BAKU1/index.html" in out
    cables = {d.path for d in result.diagnostics if d.path.startswith("content/cables/")}
    visible = [n for n in HOSTILE_NAMES if not n.startswith(".")]  # (hidden files: skipped)
    assert len(cables) >= len(visible)
    code = main(["build", "--config", str(root / "sitegen.toml")])
    err = capsys.readouterr().err
    assert code == 1
    for line in err.splitlines():
        assert line.isprintable(), repr(line)
        assert "\u202e" not in line and "\x1b" not in line
    pattern = re.compile(r"^\S.*:\d+: (error|warning|info): [a-z-]+: .+")
    report = err.splitlines()[:-1]
    assert report and all(pattern.match(line) for line in report), report


def test_a_report_line_never_holds_a_control_character() -> None:
    lines = format_report(
        [Diagnostic(3, "error", "bad-id", "ID 'a\x1b[2J\u202eb\nc'", "content/x\n1.txt")]
    )
    assert lines == [
        "content/x\\n1.txt:3: error: bad-id: ID 'a\\x1b[2J\\u202eb\\nc'",
    ]


def test_sitegen_parse_prints_a_cable_without_terminal_controls(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "x.txt"
    path.write_text(cable("08BAKU1", subject="RED \x1b[31m\u202eTEXT\x9b2J"), encoding="utf-8")
    assert main(["parse", str(path)]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\u202e" not in out and "\x9b" not in out
    assert "RED \\x1b[31m\\u202eTEXT\\x9b2J" in out


def test_links_out_of_content_and_odd_files_are_reported_not_read(tmp_path: Path) -> None:
    """A link out of the content folder (from cables, notes and pages), a link loop, a
    dangling link, a named pipe (reading it would block the build) and a folder named like
    a cable: each reported, none read."""
    outside = tmp_path / "secret"
    outside.mkdir()
    (outside / "08BAKU9.txt").write_text(cable("08BAKU9", subject="SECRET"), encoding="utf-8")
    (outside / "n.md").write_text("SECRET NOTE", encoding="utf-8")
    root = make_site(tmp_path / "site", {"content/cables/08BAKU1.txt": cable("08BAKU1")}, NO_SEARCH)
    content = root / "content"
    (content / "notes").mkdir()
    (content / "pages").mkdir()
    (content / "cables/out.txt").symlink_to(outside / "08BAKU9.txt")
    (content / "notes/08BAKU1.md").symlink_to(outside / "n.md")
    (content / "pages/secret.md").symlink_to(outside / "n.md")
    (content / "pages/etc.md").symlink_to("/etc/passwd")
    (content / "cables/loop.txt").symlink_to(content / "cables/loop.txt")
    (content / "cables/dangling.txt").symlink_to(content / "cables/missing.txt")
    os.mkfifo(content / "cables/08BAKU5.txt")
    os.mkfifo(content / "pages/fifo.md")
    (content / "cables/08BAKU6.txt").mkdir()
    (content / "cables/zero.txt").symlink_to("/dev/zero")
    started = time.monotonic()
    result, out = _build(root)
    assert time.monotonic() - started < 60
    assert b"SECRET" not in b"".join(out.values())
    assert {"symlink-skipped", "not-a-file"} <= _codes(result)
    for name in ("out.txt", "loop.txt", "dangling.txt", "08BAKU5.txt", "zero.txt"):
        assert _codes(result, f"content/cables/{name}"), name
    assert _codes(result, "content/pages/fifo.md")
    assert "cable/08BAKU1/index.html" in out


def test_oversized_files_are_refused_before_they_are_read(tmp_path: Path) -> None:
    """A 200 MB cable (sparse: the size is what counts), a cable of one 10 MB line and an
    oversized page and note: refused at once with a diagnostic naming the limit."""
    root = make_site(tmp_path / "site", {"content/cables/08BAKU1.txt": cable("08BAKU1")}, NO_SEARCH)
    with open(root / "content/cables/08BAKU2.txt", "wb") as handle:
        handle.truncate(200 * 1024 * 1024)
    (root / "content/cables/08BAKU3.txt").write_bytes(b"TAGS: " + b"PREL " * (2 * 1024 * 1024))
    big = "x" * (MAX_MARKDOWN_BYTES + 1)
    (root / "content/pages").mkdir()
    (root / "content/pages/big.md").write_text(big, encoding="utf-8")
    (root / "content/notes").mkdir()
    (root / "content/notes/08BAKU1.md").write_text(big, encoding="utf-8")
    started = time.monotonic()
    result, out = _build(root)
    assert time.monotonic() - started < 30
    for name in ("cables/08BAKU2.txt", "cables/08BAKU3.txt", "pages/big.md", "notes/08BAKU1.md"):
        assert "too-large" in _codes(result, f"content/{name}"), name
    assert "cable/08BAKU2/index.html" not in out and "big/index.html" not in out
    assert b"x" * 1000 not in out["cable/08BAKU1/index.html"]


def test_one_long_line_under_the_limit_is_read_in_bounded_time(tmp_path: Path) -> None:
    """A cable of three lines of half a megabyte (TAGS, REF, a paragraph): the parser and
    the page are linear in a line's length (``bench/hostile.py`` builds one of 4 MB); tags
    and references per cable are capped."""
    size = min(MAX_CABLE_BYTES // 8, 512 * 1024)
    tags = " ".join(f"T{n}" for n in range(size // 4))[:size]
    text = cable("08BAKU1", tags=tags, refs="A. STATE 123 " * (size // 13), body="x" * size)
    assert len(text) < MAX_CABLE_BYTES
    root = make_site(tmp_path / "site", {"content/cables/08BAKU1.txt": text}, NO_SEARCH)
    started = time.monotonic()
    result, out = _build(root)
    assert time.monotonic() - started < 60
    assert {"too-many-tags", "too-many-references"} <= _codes(result)
    assert len([n for n in out if n.startswith("tag/")]) < 200


def test_a_binary_file_is_reported_and_read_as_text(tmp_path: Path) -> None:
    data = bytes(range(256)) * 64 + os.urandom(64 * 1024)
    root = make_site(tmp_path / "site", {"content/cables/08BAKU1.txt": cable("08BAKU1")}, NO_SEARCH)
    (root / "content/cables/08BAKU7.txt").write_bytes(data)
    (root / "content/pages").mkdir()
    (root / "content/pages/bin.md").write_bytes(data)
    result, _ = _build(root)
    assert {"binary-content", "invalid-utf8"} <= _codes(result, "content/cables/08BAKU7.txt")
    assert _codes(result, "content/pages/bin.md")


def test_thousands_of_cables_with_one_id_give_a_short_report(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """2,000 files with one ID (``bench/hostile.py`` runs 50,000): one page, a report of a
    few lines that counts the rest, and a bounded build."""
    n = 2000
    files = {f"content/cables/d{i:05d}.txt": cable("08BAKU1", subject=f"S{i}") for i in range(n)}
    root = make_site(tmp_path / "site", files, NO_SEARCH)
    started = time.monotonic()
    assert main(["build", "--config", str(root / "sitegen.toml")]) == 1
    assert time.monotonic() - started < 90
    err = capsys.readouterr().err.splitlines()
    dupes = [line for line in err if ": duplicate-id: " in line]
    assert len(dupes) == DUPLICATES_LISTED + 1, dupes
    counted = re.search(r"the ID of ([\d,]+) more files", dupes[0])
    assert counted and int(counted.group(1).replace(",", "")) == n - 1 - DUPLICATES_LISTED
    assert b"S0<" in (root / "output/cable/08BAKU1/index.html").read_bytes()


FIELDS = [
    "subject", "tags", "origin", "classification", "refs", "body", "note", "title", "slug",
    "site",
]  # fmt: skip
payload = st.one_of(
    st.sampled_from(PAYLOADS),
    st.lists(st.sampled_from(PAYLOADS), min_size=2, max_size=4).map(" ".join),
    st.text(alphabet=st.characters(codec="utf-8", exclude_characters="\r\n"), max_size=20),
)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(st.dictionaries(st.sampled_from(FIELDS), payload, min_size=1))
def test_any_mix_of_hostile_fields_builds_a_clean_site(
    tmp_path_factory: pytest.TempPathFactory, parts: dict[str, str]
) -> None:
    """Cables, a note and a page made of hostile parts (fields x payloads): the site builds,
    nothing outside the output changes, every file passes the scan, and the JSON holds the
    subject the parser read."""

    def one_line(key: str, default: str) -> str:
        return parts.get(key, default).replace("\n", " ").replace("\x00", "")

    text = cable(
        "08BAKU1",
        subject=one_line("subject", "S"),
        tags=f"PREL, {one_line('tags', 'AJ')}",
        origin=one_line("origin", "Embassy Baku"),
        refs=one_line("refs", "A. BAKU 2"),
        body=parts.get("body", "1. (C) Text.").replace("\x00", ""),
    ).replace("CONFIDENTIAL", one_line("classification", "CONFIDENTIAL"), 1)
    page = f"---\ntitle: {one_line('title', 'T')}\nslug: {one_line('slug', 's')}\n---\nBody\n"
    title = toml_string(parts.get("site", "Archive"))
    root = make_site(
        tmp_path_factory.mktemp("h") / "site",
        {
            "content/cables/08BAKU1.txt": text,
            "content/cables/08BAKU2.txt": cable("08BAKU2", refs="A. BAKU 1"),
            "content/notes/08BAKU1.md": parts.get("note", "note"),
            "content/pages/p.md": page,
        },
        f"title = {title}\n{NO_SEARCH}",
    )
    result, out = _build(root)
    if "cable/08BAKU1/index.html" in out:
        from sitegen.parse import parse_cable

        expected = parse_cable(text, "content/cables/08BAKU1.txt").subject
        assert json.loads(out["api/cables/08BAKU1.json"])["subject"] == expected
    assert result.cables >= 1
