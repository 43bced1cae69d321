"""`sitegen import`: the release's cables.csv and the mirrored site's pages into cable files.

Round trips export the shared corpus the way it was published (``cable_export``) and import
it back; the other tests guard one behaviour each (bad rows, re-imports, unsafe IDs, the
HTML the site wrote, the command line).
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest
from cable_export import (
    Cable,
    Quotes,
    csv_row,
    mirror_page,
    read_cable_file,
    without_released,
    write_csv,
    write_mirror,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sitegen.cli.main import main
from sitegen.importer import import_cables
from sitegen.importer.mirror import pre_text, read_page, unescape
from sitegen.importer.record import Record, is_safe_file_id
from sitegen.importer.release_csv import sniff

OLD = 1_000_000_000  # a modification time long past, to see which files an import wrote


@pytest.fixture(scope="module")
def originals(corpus: Path) -> dict[str, bytes]:
    """Every corpus file's bytes by ID."""
    return {path.stem: path.read_bytes() for path in sorted(corpus.glob("*.txt"))}


@pytest.fixture(scope="module")
def cables(corpus: Path) -> list[Cable]:
    return [read_cable_file(path) for path in sorted(corpus.glob("*.txt"))]


def _cable(cable_id: str = "08BAKU129", body: str = "TAGS: PREL AJ\n\n1. (C) Text.") -> Cable:
    return Cable(
        id=cable_id,
        created="2008-02-27 13:45",
        released="2011-08-30",
        classification="CONFIDENTIAL",
        origin="Embassy Baku",
        header="VZCZCXRO4567\nOO RUEHAG\nDE RUEHKB #0129/01 0581345",
        body=body,
    )


def _expected(cable: Cable, released: bool = False) -> str:
    """The cable file an import writes for ``cable``."""
    lines = [f"Reference ID: {cable.id}", f"Created: {cable.created}"]
    if released and cable.released:
        lines.append(f"Released: {cable.released}")
    lines += [f"Classification: {cable.classification}", f"Origin: {cable.origin}"]
    header = cable.header.strip("\n")
    text = f"{header}\n\n{cable.body}" if header else cable.body
    return "\n".join(lines) + "\n\n" + text + ("" if text.endswith("\n") else "\n")


def _import(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, list[str]]:
    """Run ``sitegen import`` and return its status and stderr lines."""
    status = main(["import", *args])
    return status, capsys.readouterr().err.splitlines()


def _mtimes(folder: Path) -> dict[str, int]:
    return {p.name: p.stat().st_mtime_ns for p in folder.iterdir()}


# --- round trips of the corpus ----------------------------------------------------------


def test_the_corpus_survives_export_to_csv_and_import(
    tmp_path: Path, cables: list[Cable], originals: dict[str, bytes]
) -> None:
    source = write_csv(tmp_path / "cables.csv", cables)
    result = import_cables(source, tmp_path / "out")
    assert result.diagnostics == []
    assert (result.read, result.counts.added, result.skipped) == (2800, 2800, 0)
    assert result.source == "CSV, quotes doubled, LF line ends"
    imported = {p.stem: p.read_bytes() for p in (tmp_path / "out").iterdir()}
    assert imported.keys() == originals.keys()
    differing = [i for i, data in originals.items() if imported[i] != without_released(data)]
    assert differing == []
    assert b"Released: " not in imported["05NEWDELHI9527"]
    assert "\u2028" in imported["08MEXICO2187"].decode("utf-8")


def test_csv_with_crlf_between_rows_only_keeps_the_fields_exactly(
    tmp_path: Path, cables: list[Cable], originals: dict[str, bytes]
) -> None:
    sample = [*cables[:150], replace(cables[150], body="line\r\nwith CR LF\rand CR")]
    source = write_csv(tmp_path / "cables.csv", sample, "backslash", "records")
    assert source.read_bytes().count(b"\r\n") == 151 + 1  # every row end, one in a body
    result = import_cables(source, tmp_path / "out")
    assert result.source == "CSV, quotes escaped with a backslash, LF line ends"
    for cable in sample[:150]:
        written = (tmp_path / "out" / f"{cable.id}.txt").read_bytes()
        assert written == without_released(originals[cable.id])
    last = (tmp_path / "out" / f"{sample[150].id}.txt").read_bytes().decode("utf-8")
    assert last.endswith("\n\nline\r\nwith CR LF\rand CR\n")


def test_importing_the_csv_over_the_corpus_changes_nothing(
    tmp_path: Path, corpus: Path, cables: list[Cable], originals: dict[str, bytes]
) -> None:
    folder = shutil.copytree(corpus, tmp_path / "cables")
    for path in folder.iterdir():
        os.utime(path, ns=(OLD * 10**9, OLD * 10**9))
    before = _mtimes(folder)
    # The other quoting, as a MySQL dump writes it, with every line end converted to CRLF.
    source = write_csv(tmp_path / "cables.csv", cables, "backslash", "all", escape_newlines=True)
    result = import_cables(source, folder)
    assert result.source == "CSV, quotes escaped with a backslash, CRLF line ends"
    assert result.diagnostics == []
    counts = result.counts
    assert (counts.added, counts.changed, counts.unchanged) == (0, 0, 2800)
    assert _mtimes(folder) == before
    assert {p.stem: p.read_bytes() for p in folder.iterdir()} == originals


def test_the_corpus_survives_export_to_mirror_pages_and_import(
    tmp_path: Path, cables: list[Cable], originals: dict[str, bytes]
) -> None:
    pages = write_mirror(tmp_path / "mirror", cables)
    (tmp_path / "mirror" / "index.html").write_text("<html><p>Cablegate</p></html>\n")
    sample = pages[0].read_text(encoding="utf-8")
    assert "&#x000A;" in sample and '<table class="cable">' in sample
    result = import_cables(tmp_path / "mirror", tmp_path / "out")
    assert [(d.path, d.code) for d in result.diagnostics] == [
        (f"{tmp_path}/mirror/index.html", "not-a-cable")
    ]
    assert (result.read, result.counts.added, result.skipped) == (2800, 2800, 0)
    imported = {p.stem: p.read_bytes() for p in (tmp_path / "out").iterdir()}
    assert imported.keys() == originals.keys()
    assert [i for i, data in originals.items() if imported[i] != data] == []


# --- rows that cannot be read ----------------------------------------------------------

BAD_ROWS: dict[str, tuple[Callable[[str], str], str]] = {
    "columns": (
        lambda row: row.rsplit(",", 1)[0],
        "row 3: 7 columns, expected 8",
    ),
    "date": (
        lambda row: row.replace('"02/27/2008 13:45"', '"2008/27/02"'),
        "row 3: created '2008/27/02' is not a date",
    ),
    "empty id": (
        lambda row: row.replace('"08BAKU3"', '"  "'),
        "row 3: no reference ID",
    ),
}


@pytest.mark.parametrize("damage", [*BAD_ROWS, "undecodable"])
def test_a_bad_row_is_reported_with_its_number_and_the_rows_around_it_import(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], damage: str
) -> None:
    sample = [_cable(f"08BAKU{n}", f"Body {n}\nsecond line\n\nthird") for n in range(1, 6)]
    rows = [csv_row(n, cable) + "\n" for n, cable in enumerate(sample, 1)]
    data = [row.encode("utf-8") for row in rows]
    if damage == "undecodable":
        data[2] = data[2].replace(b"Body 3", b"Body \xff3")
        message = "row 3: not valid UTF-8"
    else:
        change, message = BAD_ROWS[damage]
        data[2] = (change(rows[2].rstrip("\n")) + "\n").encode("utf-8")
    source = tmp_path / "cables.csv"
    source.write_bytes(b"".join(data))
    status, err = _import(capsys, str(source), "--to", str(tmp_path / "out"))
    line = 1 + b"".join(data[:2]).count(b"\n")
    assert line == 13  # each row spans six lines
    assert err[0] == f"{source}:{line}: error: import-row: {message}"
    assert err[1].startswith("4 cables read (CSV, quotes doubled, LF line ends): 4 added, ")
    assert ", 1 skipped, 1 errors, 0 warnings, " in err[1]
    assert status == 1
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        "08BAKU1.txt",
        "08BAKU2.txt",
        "08BAKU4.txt",
        "08BAKU5.txt",
    ]
    assert (tmp_path / "out" / "08BAKU4.txt").read_text(encoding="utf-8") == _expected(sample[3])


def test_an_unclosed_quote_costs_the_rows_it_swallows_not_the_import(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sample = [_cable(f"08BAKU{n}", f"Body {n}") for n in range(1, 4)]
    rows = [csv_row(n, cable) for n, cable in enumerate(sample, 1)]
    rows[1] = rows[1][:-1]  # the body's closing quote lost: row 3 is read into it
    source = tmp_path / "cables.csv"
    source.write_text("\n".join(rows) + "\n", encoding="utf-8")
    status, err = _import(capsys, str(source), "--to", str(tmp_path / "out"))
    assert status == 1
    assert err[0].startswith(f"{source}:4: error: import-row: row 2: ")
    assert [p.name for p in (tmp_path / "out").iterdir()] == ["08BAKU1.txt"]


# --- re-imports -----------------------------------------------------------------------


def test_a_reimport_rewrites_only_the_cable_that_changed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], cables: list[Cable]
) -> None:
    sample = cables[:30]
    source = write_csv(tmp_path / "cables.csv", sample)
    out = tmp_path / "out"
    assert _import(capsys, str(source), "--to", str(out))[0] == 0
    for path in out.iterdir():
        os.utime(path, ns=(OLD * 10**9, OLD * 10**9))
    edited = replace(sample[7], body=sample[7].body + "\nADDED LINE")
    write_csv(source, [*sample[:7], edited, *sample[8:]])
    status, err = _import(capsys, str(source), "--to", str(out))
    assert status == 0
    assert err[-1].startswith(
        "30 cables read (CSV, quotes doubled, LF line ends): 0 added, 1 changed, 29 unchanged, "
        "0 skipped, 0 errors, 0 warnings, "
    )
    assert [n for n, t in _mtimes(out).items() if t != OLD * 10**9] == [f"{edited.id}.txt"]
    assert (out / f"{edited.id}.txt").read_text(encoding="utf-8") == _expected(edited)


def test_keys_the_source_lacks_are_kept_from_the_existing_file(tmp_path: Path) -> None:
    cable = _cable()
    out = tmp_path / "out"
    out.mkdir()
    existing = _expected(cable, released=True).replace(
        "Origin: Embassy Baku\n", "Origin: Embassy Baku\nTags: PREL AJ\nNote: checked by hand\n"
    )
    (out / "08BAKU129.txt").write_text(existing, encoding="utf-8")
    source = write_csv(tmp_path / "cables.csv", [cable])
    assert import_cables(source, out).counts.unchanged == 1

    write_csv(source, [replace(cable, classification="SECRET", body="New body.")])
    assert import_cables(source, out).counts.changed == 1
    assert (out / "08BAKU129.txt").read_text(encoding="utf-8") == (
        "Reference ID: 08BAKU129\nCreated: 2008-02-27 13:45\nReleased: 2011-08-30\n"
        "Classification: SECRET\nOrigin: Embassy Baku\nTags: PREL AJ\nNote: checked by hand\n"
        f"\n{cable.header}\n\nNew body.\n"
    )

    write_mirror(tmp_path / "mirror", [replace(cable, released="2011-09-01")])
    assert import_cables(tmp_path / "mirror", out).counts.changed == 1
    text = (out / "08BAKU129.txt").read_text(encoding="utf-8")
    assert "\nReleased: 2011-09-01\nClassification: CONFIDENTIAL\n" in text
    assert "\nTags: PREL AJ\nNote: checked by hand\n\nVZCZCXRO4567\n" in text


def test_a_cable_kept_in_a_year_folder_is_updated_where_it_is(tmp_path: Path) -> None:
    cable = _cable()
    year = tmp_path / "out" / "2008"
    year.mkdir(parents=True)
    (year / "08BAKU129.txt").write_text("Reference ID: 08BAKU129\n\nOld text.\n")
    source = write_csv(tmp_path / "cables.csv", [cable])
    assert import_cables(source, tmp_path / "out").counts.changed == 1
    assert [p.relative_to(tmp_path).as_posix() for p in (tmp_path / "out").rglob("*")] == [
        "out/2008",
        "out/2008/08BAKU129.txt",
    ]
    assert (year / "08BAKU129.txt").read_text(encoding="utf-8") == _expected(cable)


def test_a_repeated_id_later_row_wins_with_a_warning_naming_both(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    first, other, later = _cable(body="First."), _cable("08BAKU130"), _cable(body="Later.")
    source = write_csv(tmp_path / "cables.csv", [first, other, later])
    status, err = _import(capsys, str(source), "--to", str(tmp_path / "out"))
    assert err[0] == (
        f"{source}:9: warning: duplicate-id: row 3: 08BAKU129 is also row 1 (line 1); "
        "the later one is kept"
    )
    assert err[1].startswith("3 cables read (CSV, quotes doubled, LF line ends): 2 added, 0 ch")
    assert status == 0
    assert (tmp_path / "out" / "08BAKU129.txt").read_text(encoding="utf-8") == _expected(later)

    # Over that result, the same rows: the file ends as it was, so nothing changed.
    assert _import(capsys, str(source), "--to", str(tmp_path / "out"))[1][1].startswith(
        "3 cables read (CSV, quotes doubled, LF line ends): 0 added, 0 changed, 2 unchanged"
    )


def test_a_repeated_id_in_pages_the_later_page_wins(tmp_path: Path) -> None:
    first, later = _cable(body="First."), _cable(body="Later.")
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    (tmp_path / "a" / "08BAKU129.html").write_text(mirror_page(first), encoding="utf-8")
    (tmp_path / "b" / "08BAKU129.html").write_text(mirror_page(later, 1), encoding="utf-8")
    result = import_cables(tmp_path, tmp_path / "out")
    assert [(d.path, d.severity, d.message) for d in result.diagnostics] == [
        (
            f"{tmp_path}/b/08BAKU129.html",
            "warning",
            f"08BAKU129 is also {tmp_path}/a/08BAKU129.html; the later one is kept",
        )
    ]
    written = (tmp_path / "out" / "08BAKU129.txt").read_text(encoding="utf-8")
    assert written == _expected(later, released=True)


# --- unsafe IDs -----------------------------------------------------------------------

UNSAFE = [
    "../escape",
    "08BAKU129/../../escape",
    "/absolute/08BAKU129",
    "08BAKU129.txt",
    "08 BAKU 129",
    "08baku129",
    "..",
    ".08BAKU129",
    "08BAKU129\\x",
    "CON",
    "08BAKU",
]


def test_unsafe_ids_are_refused_and_nothing_is_written_outside(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = [_cable(cable_id) for cable_id in UNSAFE] + [_cable("08BAKU129")]
    source = write_csv(tmp_path / "cables.csv", rows)
    status, err = _import(capsys, str(source), "--to", str(tmp_path / "out"))
    assert status == 1
    refused = [line for line in err if ": error: unsafe-id: " in line]
    assert len(refused) == len(UNSAFE)
    assert f"{source}:6: error: unsafe-id: row 2: ID '08BAKU129/../../escape' cannot " in err[1]
    assert sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*")) == [
        "cables.csv",
        "out",
        "out/08BAKU129.txt",
    ]


def test_an_unsafe_id_in_a_page_is_refused(tmp_path: Path) -> None:
    (tmp_path / "page.html").write_text(mirror_page(_cable("../../x")), encoding="utf-8")
    result = import_cables(tmp_path / "page.html", tmp_path / "out")
    assert [(d.code, d.message) for d in result.diagnostics] == [
        ("unsafe-id", "ID '../../x' cannot name a cable file; skipped")
    ]
    assert result.skipped == 1 and list((tmp_path / "out").iterdir()) == []


def test_file_ids_accept_what_the_build_accepts_as_is_or_repaired() -> None:
    assert is_safe_file_id("08BAKU129")
    assert is_safe_file_id("09SECTION01OF03SANJOSE525")  # a real ID of the release
    assert not any(is_safe_file_id(cable_id) for cable_id in UNSAFE)


# --- CSV quoting, decided and guarded --------------------------------------------------


def test_sniff_tells_the_quote_styles_apart(cables: list[Cable]) -> None:
    rows = [cable for cable in cables[:200] if '"' in cable.body]
    doubled = "".join(csv_row(n, c, "double") + "\n" for n, c in enumerate(rows, 1))
    escaped = "".join(csv_row(n, c, "backslash") + "\n" for n, c in enumerate(rows, 1))
    assert sniff(doubled.encode()).backslash is False
    assert sniff(escaped.encode()).backslash is True
    assert sniff(escaped.replace("\n", "\r\n").encode()).crlf is True
    assert sniff(escaped.encode()).crlf is False
    no_quotes = csv_row(1, _cable(body="a \\ b"), "backslash") + "\n"
    assert sniff(no_quotes.encode()).backslash is False  # undecidable: doubled, the standard


def test_quotes_option_overrides_the_sniffing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cable = _cable(body="C:\\\\TEMP and a backslash: \\")
    source = write_csv(tmp_path / "cables.csv", [cable], "backslash")
    status, err = _import(
        capsys, str(source), "--to", str(tmp_path / "out"), "--quotes", "backslash"
    )
    assert status == 0 and "quotes escaped with a backslash" in err[-1]
    assert (tmp_path / "out" / "08BAKU129.txt").read_text(encoding="utf-8") == _expected(cable)


BODY_TEXT = st.lists(
    st.one_of(
        st.sampled_from(
            ['"', '""', "\\", '\\"', "&", "&amp;", "\u2028", "\r", "\n", " ", ",", "¶"]
        ),
        st.characters(exclude_categories=["Cs"]),
    ),
    max_size=40,
).map("".join)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    body=BODY_TEXT,
    header=st.lists(st.sampled_from(["VZCZC", "\n", " ", '"', "\\", "x"]), max_size=8).map("".join),
    style=st.sampled_from([("double", False), ("backslash", False), ("backslash", True)]),
)
def test_any_text_survives_csv_export_and_import(
    body: str, header: str, style: tuple[Quotes, bool]
) -> None:
    quotes, escape_newlines = style
    cable = replace(_cable(body=body), header=header)
    with tempfile.TemporaryDirectory() as folder:
        source = write_csv(Path(folder) / "c.csv", [cable], quotes, "lf", escape_newlines)
        result = import_cables(source, Path(folder) / "out", quotes=quotes)
        assert result.diagnostics == []
        written = (Path(folder) / "out" / "08BAKU129.txt").read_bytes()
    assert written.decode("utf-8") == _expected(cable)


# --- the site's HTML -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "text"),
    [
        ("A&#x000A;B&#10;C\nD", "A\nB\nC\nD"),
        ("\n\nstarts with one blank line", "\nstarts with one blank line"),
        (
            "TAGS: <a href='/tag/PREL_0.html'>PREL</a>, <A HREF=\"/tag/AJ_0.html\">AJ</A>",
            "TAGS: PREL, AJ",
        ),
        ('<a href="#par1" id="par1">&para;1.</a> (C) Text', "¶1. (C) Text"),
        ("<a\nhref = #par2 >2.</a > (S)", "2. (S)"),
        (
            "<strong>SUBJECT:</strong> <em>X</em><!-- a note --><table><tr><td>Y</td></tr></table>",
            "SUBJECT: XY",
        ),
        ("&either wait for our own8 proposals", "&either wait for our own8 proposals"),
        (
            "&not &reg &para &copy &lt &amp ; &foo; &processes8;",
            "&not &reg &para &copy &lt &amp ; &foo; &processes8;",
        ),
        ("&amp;lt; &lt;b&gt; &quot;&#39;&apos; &nbsp;", "&lt; <b> \"'' \u00a0"),
        ("&#182; &#xB6; &#x2028; &#0; &#xD800;", "¶ ¶ \u2028 &#0; &#xD800;"),
        ("<<237579>> a < b > c <SECRET> <p>", "<<237579>> a < b > c <SECRET> <p>"),
        ("one<br>&#x000A;two<BR/>\nthree<br />four<br>", "one\ntwo\nthree\nfour\n"),
        ("trailing blanks  &#x000A; kept\u2028here ", "trailing blanks  \n kept\u2028here "),
        ("Azerbaijan,s &ldquo;curly&rdquo; “as is”", "Azerbaijan,s “curly” “as is”"),
        ("CR LF\r\nin the page", "CR LF\nin the page"),
    ],
)
def test_only_the_sites_html_is_undone(source: str, text: str) -> None:
    assert pre_text(source) == text


def test_unescape_decodes_one_level_only() -> None:
    assert unescape("&amp;amp; &amp;#x000A;") == "&amp; &#x000A;"


PAGE = """<HTML><body>
<TABLE CLASS=cable><tbody>
<tr><th>Reference ID:</th><td><A HREF="/cable/2008/02/08BAKU129.html">08BAKU129</A></td></tr>
<tr><th>Created</th><td><a href='/reldate/x'>2008-02-27  13:45</a></td></tr>
<tr><th>Released</th><td><a href='/reldate/y'>2011-08-30 00:00</a></td></tr>
<tr><th> Classification </th><td><a href=/c>CONFIDENTIAL//NOFORN</a></td></tr>
<tr><th>Origin</th><td><a href=/o>Embassy Baku &amp; Co</a></td></tr>
</tbody></TABLE>
<PRE class="header">VZCZCXRO4567&#x000A;OO RUEHAG</PRE>
<code><pre>C O N F I D E N T I A L BAKU 000129 &#x000A;&#x000A;TEXT &quoted8</pre></code>
</body></HTML>"""


def test_a_page_written_differently_is_read_all_the_same() -> None:
    (record,) = read_page(PAGE, "page.html")
    assert record == Record(
        "08BAKU129",
        {
            "Reference ID": "08BAKU129",
            "Created": "2008-02-27 13:45",
            "Released": "2011-08-30",
            "Classification": "CONFIDENTIAL//NOFORN",
            "Origin": "Embassy Baku & Co",
        },
        "VZCZCXRO4567\nOO RUEHAG",
        "C O N F I D E N T I A L BAKU 000129 \n\nTEXT &quoted8",
        "page.html",
        0,
    )


def test_pages_that_cannot_be_imported_are_reported(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "tag.html").write_text("<html><table><tr><td>PREL</td></tr></table>")
    (tmp_path / "site" / "bad-date.html").write_text(PAGE.replace("2008-02-27  13:45", "soon"))
    latin1 = PAGE.replace("Baku &amp;", "B\u00e1ku").encode("latin-1")
    (tmp_path / "site" / "latin1.html").write_bytes(latin1)
    (tmp_path / "site" / "no-text.html").write_text(PAGE.split("<PRE")[0])
    (tmp_path / "site" / "three.html").write_text(PAGE.replace("</HTML>", "<pre>x</pre>"))
    status, err = _import(capsys, str(tmp_path / "site"), "--to", str(tmp_path / "out"))
    site = tmp_path / "site"
    assert err[:-1] == [
        f"{site}/bad-date.html:0: error: import-page: created 'soon' is not a date; skipped",
        f"{site}/latin1.html:0: error: import-page: not valid UTF-8 (invalid continuation byte)",
        f"{site}/no-text.html:0: error: import-page: no cable text (<pre>); skipped",
        f"{site}/tag.html:0: warning: not-a-cable: no cable metadata table; skipped",
        f"{site}/three.html:0: warning: import-page: 3 <pre> blocks; the first two read as "
        "header and body",
    ]
    assert err[-1].startswith("1 cables read (mirror pages): 1 added, 0 changed, 0 unchanged, ")
    assert ", 3 skipped, 3 errors, 2 warnings, " in err[-1]
    assert status == 1


# --- the command line ----------------------------------------------------------------


def test_cli_exit_codes_and_default_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    source = write_csv(tmp_path / "cables.csv", [_cable()])
    assert _import(capsys, "cables.csv", "--quotes", "single")[0] == 2
    assert main(["import"]) == 2
    capsys.readouterr()
    status, err = _import(capsys, "cables.csv")
    assert status == 0
    assert (tmp_path / "content" / "cables" / "08BAKU129.txt").is_file()
    assert err[0].startswith(
        "1 cables read (CSV, quotes doubled, LF line ends): 1 added, 0 changed, 0 unchanged, "
        "0 skipped, 0 errors, 0 warnings, "
    )
    (tmp_path / "sitegen.toml").write_text('content_dir = "archive"\n')
    assert _import(capsys, str(source))[0] == 0
    assert (tmp_path / "archive" / "cables" / "08BAKU129.txt").is_file()
    assert _import(capsys, "cables.csv", "--to", "cables.csv") == (
        2,
        ["sitegen: error: cables.csv: not a folder"],
    )
    assert _import(capsys, "missing.csv") == (
        2,
        ["sitegen: error: missing.csv: no such file or folder"],
    )


def test_a_repeated_id_that_undoes_an_earlier_change_counts_as_unchanged(tmp_path: Path) -> None:
    cable = _cable()
    out = tmp_path / "out"
    out.mkdir()
    (out / "08BAKU129.txt").write_text(_expected(cable), encoding="utf-8")
    source = write_csv(tmp_path / "cables.csv", [_cable(body="Changed."), cable])
    result = import_cables(source, out)
    counts = result.counts
    assert (result.read, counts.added, counts.changed, counts.unchanged) == (2, 0, 0, 1)
    assert [d.code for d in result.diagnostics] == ["duplicate-id"]
    assert (out / "08BAKU129.txt").read_text(encoding="utf-8") == _expected(cable)
