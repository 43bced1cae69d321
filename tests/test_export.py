"""`sitegen export`: the archive as JSON, JSON Lines, CSV and GraphML (docs/export.md).

On the real corpus: known cables with exact values, the three formats agreeing with each
other and with the archive, GraphML read by networkx. On mini-sites: hostile strings, the
exit codes, stdout, the atomic write of ``--out``.
"""

from __future__ import annotations

import csv
import io
import json
import subprocess
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import networkx as nx
import pytest
from minisite import SITEGEN, cable, make_site
from test_cli import CONTRACT_KEYS

from sitegen.cli.main import main
from sitegen.content.archive import build_archive
from sitegen.content.discover import discover
from sitegen.content.reader import index_content
from sitegen.core.config import load_config
from sitegen.core.model import Cable, Reference, cable_to_json
from sitegen.export import formats as export_module
from sitegen.export.formats import COLUMNS, FORMATS, Format, export, graphml, reference_count
from sitegen.parse import parse_file

ROOT = Path(__file__).resolve().parents[1]
HOSTILE = "A <B> & \"C\" 'D', x\x01y\x08z\x1b =SUM(1)"
"""A subject with what XML escapes, what CSV quotes, and what XML 1.0 cannot hold."""


def _records(data: bytes) -> list[dict[str, Any]]:
    return [json.loads(line) for line in data.decode("utf-8").splitlines()]


def _rows(data: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8"), newline="")))


def _graph(path: Path) -> nx.DiGraph:  # type: ignore[type-arg]
    graph = nx.read_graphml(path)
    assert isinstance(graph, nx.DiGraph) and not isinstance(graph, nx.MultiDiGraph)
    return graph


# -- the corpus ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory, corpus: Path) -> dict[str, Path]:
    """The corpus exported in every format, once (the site's folder holds only its
    configuration: the corpus is read where it is)."""
    folder = tmp_path_factory.mktemp("corpus-export")
    config_file = folder / "sitegen.toml"
    config_file.write_text(f"content_dir = {json.dumps(str(corpus.parent))}\n", encoding="utf-8")
    config = load_config(config_file)
    out: dict[str, Path] = {}
    for fmt in FORMATS:
        out[fmt] = folder / f"cables.{fmt}"
        with open(out[fmt], "wb") as sink:
            result = export(config, fmt, sink, jobs=1)
        assert result.cables == len(list(corpus.glob("*.txt")))
    return out


@pytest.fixture(scope="module")
def records(exported: dict[str, Path]) -> dict[str, dict[str, Any]]:
    return {r["id"]: r for r in _records(exported["jsonl"].read_bytes())}


def test_corpus_records_hold_known_values(records: dict[str, dict[str, Any]]) -> None:
    cairo = records["09CAIRO814"]
    assert cairo["subject"] == (
        "NATIONAL COUNCIL FOR HUMAN RIGHTS REPORT CRITICIZES GOE, OFFERS RECOMMENDATIONS"
    )
    assert (cairo["created"], cairo["created_inferred"]) == ("2009-05-13T07:07", False)
    assert (cairo["origin"], cairo["origin_code"]) == ("Embassy Cairo", "CAIRO")
    assert cairo["classification"] == "CONFIDENTIAL" and cairo["signer"] == "SCOBEY"
    assert cairo["tags"] == ["PGOV", "PHUM", "KDEM", "KIRF", "EG"]
    assert cairo["references"] == [
        {"label": "A", "text": "CAIRO 79", "id": "09CAIRO79", "target": "09CAIRO79",
         "in_archive": True},
        {"label": "B", "text": "08 CAIRO 2152", "id": "08CAIRO2152", "target": "08CAIRO2152",
         "in_archive": True},
        {"label": "C", "text": "08 CAIRO 2122", "id": "08CAIRO2122", "target": "08CAIRO2122",
         "in_archive": True},
    ]  # fmt: skip
    assert cairo["referenced_by"] == [
        "09CAIRO1059", "09CAIRO1181", "09CAIRO1503", "09CAIRO1850", "09CAIRO1948",
        "09CAIRO2164", "09CAIRO2277",
    ]  # fmt: skip
    assert cairo["url"] == "cable/09CAIRO814/" and cairo["source"].endswith("/09CAIRO814.txt")

    brasilia = records["08BRASILIA1226"]
    assert brasilia["subject"] == (
        "WHAT TO DO ABOUT BOLIVIA? BRAZIL'S PRESIDENCY, FOREIGN MINISTRY WONDER"
    )
    assert [(r["id"], r["target"], r["in_archive"]) for r in brasilia["references"]] == [
        (None, None, False),  # a telcon, not a cable
        ("08BRASILIA1224", "08BRASILIA1224", True),
        ("08STATE97316", None, False),  # a cable the archive does not hold
    ]
    assert brasilia["referenced_by"] == [] and brasilia["repaired"] is True

    baku = records["07BAKU1268"]
    assert baku["subject"] == (
        "AZERBAIJAN: SOCAR REFRAINS FROM “GOING KAZAKH” ON BP-LED CONSORTIUM"
    )
    assert baku["created"] == "2007-10-22T13:01" and baku["origin"] == "Embassy Baku"
    assert baku["references"] == [
        {"label": None, "text": "BAKU 1224", "id": "07BAKU1224", "target": None,
         "in_archive": False}
    ]  # fmt: skip
    assert records["09STATE34688"]["tags"] == ["OVIP", "CLINTON, HILLARY", "UAE"]


def test_corpus_records_extend_the_parse_object(
    corpus: Path, exported: dict[str, Path], records: dict[str, dict[str, Any]]
) -> None:
    """Sorted by ID; every key of ``sitegen parse --json`` first, with its value."""
    ids = [r["id"] for r in _records(exported["jsonl"].read_bytes())]
    assert ids == sorted(ids) and len(ids) == len(set(ids))
    for name in ("09CAIRO814.txt", "08BRASILIA1226.txt", "09SECTION01OF03SANJOSE525.txt"):
        parsed = cable_to_json(parse_file(str(corpus / name), str(corpus / name)))
        record = records[parsed["id"]]
        assert list(record)[: len(CONTRACT_KEYS)] == CONTRACT_KEYS
        for key, value in parsed.items():
            if key == "references":
                assert [{k: r[k] for k in ("label", "text", "id")} for r in record[key]] == value
            else:
                assert record[key] == value, key
    for record in records.values():
        for ref in record["references"]:  # a target is the ID cited, or the ID it is an alias of
            if ref["target"] is not None:
                target = records[ref["target"]]
                assert ref["id"] in (target["id"], *target["aliases"])
        for citing in record["referenced_by"]:
            assert record["id"] in {r["target"] for r in records[citing]["references"]}


def test_json_array_holds_the_same_records(exported: dict[str, Path]) -> None:
    data = exported["json"].read_bytes()
    assert data.startswith(b"[\n{") and data.endswith(b"}\n]\n")
    assert json.loads(data) == _records(exported["jsonl"].read_bytes())


def _edges(records: dict[str, dict[str, Any]]) -> list[tuple[str, str]]:
    """The reference graph as the JSON records describe it: each citing cable, each cable it
    cites once, itself left out."""
    pairs: list[tuple[str, str]] = []
    for cid, record in records.items():
        cited = [r["target"] or r["id"] for r in record["references"] if r["id"]]
        pairs += [(cid, t) for t in dict.fromkeys(cited) if t != cid]
    return pairs


def test_csv_reads_back_to_the_records(
    exported: dict[str, Path], records: dict[str, dict[str, Any]]
) -> None:
    data = exported["csv"].read_bytes()
    assert data.startswith((",".join(COLUMNS) + "\r\n").encode())
    rows = _rows(data)
    assert [r["id"] for r in rows] == list(records)
    cited: dict[str, list[str]] = {}
    for citing, target in _edges(records):
        cited.setdefault(citing, []).append(target)
    for row in rows:
        record = records[row["id"]]
        for key in ("created", "released", "classification", "origin", "origin_code"):
            assert row[key] == (record[key] or ""), key
        assert row["subject"] == (record["subject"] or "")
        assert row["tags"].split(";") == record["tags"] or (not row["tags"] and not record["tags"])
        assert row["created_inferred"] == str(record["created_inferred"]).lower()
        assert row["references"] == ";".join(cited.get(row["id"], []))
        assert row["missing_references"] == ";".join(
            t for t in cited.get(row["id"], []) if t not in records
        )
        assert row["other_references"] == " | ".join(
            r["text"] for r in record["references"] if r["id"] is None
        )
        assert row["referenced_by"] == ";".join(record["referenced_by"])
        assert row["url"] == record["url"] and row["source"] == record["source"]
    assert next(r for r in rows if r["id"] == "09STATE34688")["tags"] == "OVIP;CLINTON, HILLARY;UAE"


def test_graphml_is_the_reference_graph(
    exported: dict[str, Path], records: dict[str, dict[str, Any]]
) -> None:
    graph = _graph(exported["graphml"])
    pairs = _edges(records)
    missing = {t for _, t in pairs if t not in records}
    assert graph.number_of_nodes() == len(records) + len(missing)
    assert graph.number_of_edges() == len(pairs) == len(set(pairs))
    assert set(graph.edges) == set(pairs)
    assert sum(1 for _, held in graph.nodes(data="held") if held) == len(records)
    assert graph.nodes["09CAIRO814"] == {
        "id": "09CAIRO814", "held": True, "date": "2009-05-13T07:07", "date_inferred": False,
        "origin": "Embassy Cairo", "origin_code": "CAIRO", "classification": "CONFIDENTIAL",
        "subject": records["09CAIRO814"]["subject"], "tags": "PGOV;PHUM;KDEM;KIRF;EG",
    }  # fmt: skip
    assert graph.nodes["07BAKU1224"] == {"id": "07BAKU1224", "held": False}
    assert graph.edges["07BAKU1268", "07BAKU1224"] == {"text": "BAKU 1224"}
    assert graph.edges["09CAIRO814", "08CAIRO2122"] == {"label": "C", "text": "08 CAIRO 2122"}
    assert set(graph.predecessors("09CAIRO814")) == set(records["09CAIRO814"]["referenced_by"])


def test_corpus_edges_equal_the_archive_references(corpus: Path, exported: dict[str, Path]) -> None:
    """The edges are the archive's: every resolved citation ("referenced by") and every
    unresolved one (the missing cables' page)."""
    config_file = exported["jsonl"].parent / "sitegen.toml"
    config = load_config(config_file)
    found = discover(config.content, config.root)
    cables = [parse_file(s.path, s.name) for s in found.cables]
    archive = index_content(config, found, cables).archive
    graph = _graph(exported["graphml"])
    resolved = sum(len(v) for v in archive.cited_by.values())
    unresolved = sum(len(v) for v in archive.unresolved.values())
    assert graph.number_of_edges() == resolved + unresolved == reference_count(archive)
    assert {n for n, held in graph.nodes(data="held") if not held} == set(archive.unresolved)


def test_corpus_export_is_deterministic(
    tmp_path: Path, exported: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    """A second export (a new process's way: through the command, its cache warm) gives the
    same bytes as the first."""
    config = exported["jsonl"].parent / "sitegen.toml"
    for fmt in ("jsonl", "graphml"):
        again = tmp_path / f"again.{fmt}"
        status = main(["export", "--config", str(config), "--format", fmt, "--out", str(again)])
        assert status == 0
        assert again.read_bytes() == exported[fmt].read_bytes()
    capsys.readouterr()


# -- mini-sites ------------------------------------------------------------------------------


def _site(root: Path) -> Path:
    """Three cables citing each other, a missing cable and a non-cable reference; a subject
    with hostile characters; a cable whose header ID is malformed (an error)."""
    return make_site(
        root,
        {
            "content/cables/08BAKU1.txt": cable(
                "08BAKU1",
                subject='GAS TALKS, "ROUND TWO"',
                tags="PREL, AJ, CLINTON, HILLARY",
                refs="A. BAKU 2\n     B. STATE 99\n     C. E-MAIL FROM DESK; SEE ALSO",
            ),
            "content/cables/08BAKU2.txt": cable(
                "08BAKU2",
                subject=HOSTILE,
                tags='PREL, "ODD"',
                refs='A. BAKU 1\n     B. BAKU 2\n     C. 08 BAKU 1\n     D. <E-MAIL> & "X"\x01',
                created="2008-03-01 10:00",
            ),
            "content/cables/08BAKU5.txt": cable("08BAKU-5", subject="-MINUS", refs="BAKU 1"),
        },
    )


def _run(
    capsys: pytest.CaptureFixture[str], root: Path, fmt: str, *extra: str
) -> tuple[int, bytes, str]:
    """Export the site at ``root`` into a file; status, the file's bytes, stderr."""
    out = root / f"export.{fmt}"
    out.unlink(missing_ok=True)
    config = str(root / "sitegen.toml")
    status = main(["export", "--config", config, "--format", fmt, "--out", str(out), *extra])
    err = capsys.readouterr().err
    return status, out.read_bytes() if out.exists() else b"", err


def test_minisite_json_records(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = _site(tmp_path)
    status, data, err = _run(capsys, root, "jsonl")
    assert status == 1  # the malformed ID is an error; the cable is exported all the same
    assert "content/cables/08BAKU5.txt:1: error: bad-id:" in err
    records = {r["id"]: r for r in _records(data)}
    assert list(records) == ["08BAKU1", "08BAKU2", "08BAKU5"]
    first, second, fifth = records["08BAKU1"], records["08BAKU2"], records["08BAKU5"]
    assert first["source"] == "content/cables/08BAKU1.txt"
    assert first["subject"] == 'GAS TALKS, "ROUND TWO"'
    assert first["tags"] == ["PREL", "AJ", "CLINTON, HILLARY"]
    assert [(r["label"], r["id"], r["target"], r["in_archive"]) for r in first["references"]] == [
        ("A", "08BAKU2", "08BAKU2", True),
        ("B", "08STATE99", None, False),
        ("C", None, None, False),
    ]
    assert first["referenced_by"] == ["08BAKU5", "08BAKU2"]  # oldest first
    assert second["subject"] == HOSTILE  # JSON holds every character exactly
    assert second["references"][3]["text"] == '<E-MAIL> & "X"\x01'
    assert second["referenced_by"] == ["08BAKU1"]  # (itself left out)
    assert fifth["diagnostics"][0]["code"] == "bad-id" and fifth["url"] == "cable/08BAKU5/"
    status, array, _ = _run(capsys, root, "json")
    assert json.loads(array) == list(records.values())


def test_minisite_csv_is_exact_unless_made_spreadsheet_safe(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = _site(tmp_path)
    _, data, _ = _run(capsys, root, "csv")
    rows = {r["id"]: r for r in _rows(data)}
    assert rows["08BAKU1"]["subject"] == 'GAS TALKS, "ROUND TWO"'
    assert b'"GAS TALKS, ""ROUND TWO"""' in data  # RFC 4180 quoting
    assert rows["08BAKU1"]["tags"] == "PREL;AJ;CLINTON, HILLARY"
    assert rows["08BAKU1"]["references"] == "08BAKU2;08STATE99"
    assert rows["08BAKU1"]["missing_references"] == "08STATE99"
    assert rows["08BAKU1"]["other_references"] == "E-MAIL FROM DESK; SEE ALSO"
    assert rows["08BAKU1"]["referenced_by"] == "08BAKU5;08BAKU2"
    assert rows["08BAKU2"]["subject"] == HOSTILE
    assert rows["08BAKU2"]["tags"] == "PREL"  # ``"ODD"`` is no tag: dropped (bad-tag)
    assert rows["08BAKU2"]["references"] == "08BAKU1"
    assert rows["08BAKU5"]["subject"] == "-MINUS" and rows["08BAKU5"]["errors"] == "1"
    assert data.count(b"\r\n") == 4 and data.endswith(b"\r\n")

    _, safe, _ = _run(capsys, root, "csv", "--spreadsheet-safe")
    safe_rows = {r["id"]: r for r in _rows(safe)}
    assert safe_rows["08BAKU5"]["subject"] == "'-MINUS"
    assert safe_rows["08BAKU2"]["subject"] == HOSTILE  # (no formula at its start)
    assert safe_rows["08BAKU1"] == rows["08BAKU1"]


def test_minisite_graphml_replaces_what_xml_cannot_hold(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = _site(tmp_path)
    _, data, _ = _run(capsys, root, "graphml")
    ET.fromstring(data)  # well-formed for the standard library's parser too
    graph = _graph(root / "export.graphml")
    assert sorted(graph.nodes) == ["08BAKU1", "08BAKU2", "08BAKU5", "08STATE99"]
    assert graph.nodes["08BAKU2"]["subject"] == "A <B> & \"C\" 'D', x\ufffdy\ufffdz\ufffd =SUM(1)"
    assert graph.nodes["08BAKU2"]["tags"] == "PREL"
    assert graph.nodes["08BAKU1"]["tags"] == "PREL;AJ;CLINTON, HILLARY"
    assert graph.nodes["08STATE99"] == {"id": "08STATE99", "held": False}
    assert sorted(graph.edges) == [
        ("08BAKU1", "08BAKU2"), ("08BAKU1", "08STATE99"), ("08BAKU2", "08BAKU1"),
        ("08BAKU5", "08BAKU1"),
    ]  # fmt: skip
    # Two entries of 08BAKU2 cite 08BAKU1 (one as 08 BAKU 1): one edge, both labels.
    assert graph.edges["08BAKU2", "08BAKU1"] == {"label": "A,C", "text": "BAKU 1 | 08 BAKU 1"}
    assert graph.edges["08BAKU5", "08BAKU1"] == {"text": "BAKU 1"}


def test_graphml_of_hand_made_cables() -> None:
    """The stage alone, on cables made by hand: a carriage return survives as a character
    reference, NUL and the other C0 controls become U+FFFD, quotes in an ID stay quoted."""
    cables = [
        Cable(
            "a.txt", id="08BAKU1", subject="line\rfeed\x00nul\ttab", tags=["A&B", "<C>"],
            references=[Reference("A", 'x"y\r', "08BAKU2", 3)],
        ),
        Cable("b.txt", id="08BAKU2", created=None, references=[Reference(None, "q", "09X1", 4)]),
    ]  # fmt: skip
    text = "".join(graphml(build_archive(cables, [], [])))
    assert "&#13;" in text
    root = ET.fromstring(text)
    ns = {"g": "http://graphml.graphdrawing.org/xmlns"}
    keys = {k.get("id"): k.get("attr.type") for k in root.iterfind("g:key", ns)}
    assert keys["held"] == "boolean" and keys["subject"] == "string"
    subject = root.find(".//g:node[@id='08BAKU1']/g:data[@key='subject']", ns)
    assert subject is not None and subject.text == "line\rfeed\ufffdnul\ttab"
    tags = root.find(".//g:node[@id='08BAKU1']/g:data[@key='tags']", ns)
    assert tags is not None and tags.text == "A&B;<C>"
    edge = root.find(".//g:edge[@source='08BAKU1']/g:data[@key='text']", ns)
    assert edge is not None and edge.text == 'x"y\r'
    assert [n.get("id") for n in root.iterfind(".//g:node", ns)] == ["08BAKU1", "08BAKU2", "09X1"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_stdout_and_out_give_the_same_bytes_every_time(
    tmp_path: Path, fmt: Format, capsysbinary: pytest.CaptureFixture[bytes]
) -> None:
    root = _site(tmp_path / "site")
    config = str(root / "sitegen.toml")
    outputs = []
    for target in (None, "-", str(tmp_path / "a"), str(tmp_path / "b")):
        args = ["export", "--config", config, "--format", fmt]
        status = main([*args, "--out", target] if target else args)
        captured = capsysbinary.readouterr()
        assert status == 1  # (the malformed ID)
        outputs.append(Path(target).read_bytes() if target not in (None, "-") else captured.out)
        summary = captured.err.decode().splitlines()[-1]
        assert summary.startswith("3 cables, 4 references (1 cited cables not held) exported")
    assert outputs[0] and all(o == outputs[0] for o in outputs)
    assert sorted(p.name for p in tmp_path.iterdir() if not p.is_dir()) == ["a", "b"]


def test_exit_codes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    clean = make_site(tmp_path / "clean", {"content/cables/08BAKU1.txt": cable("08BAKU1")})
    assert _run(capsys, clean, "jsonl")[0] == 0
    warned = make_site(
        tmp_path / "warned",
        {"content/cables/08BAKU1.txt": cable("08BAKU1").replace("SUBJECT: TEST SUBJECT\n", "")},
    )
    status, data, err = _run(capsys, warned, "csv")
    assert status == 0 and "warning: no-subject:" in err and data
    status, data, _ = _run(capsys, warned, "csv", "--strict")
    assert status == 1 and data  # written all the same, as a build is
    config = str(clean / "sitegen.toml")
    assert main(["export", "--config", config, "--format", "xml"]) == 2
    assert main(["export", "--config", config]) == 2
    safe_json = ["export", "--config", config, "--format", "json", "--spreadsheet-safe"]
    assert main(safe_json) == 2
    assert main(["export", "--config", config, "--format", "csv", "--jobs", "0"]) == 2
    (tmp_path / "bad.toml").write_text("colour = 1\n", encoding="utf-8")
    assert main(["export", "--config", str(tmp_path / "bad.toml"), "--format", "csv"]) == 2
    nowhere = str(tmp_path / "no" / "such" / "folder" / "x.csv")
    assert main(["export", "--config", config, "--format", "csv", "--out", nowhere]) == 1
    assert "sitegen: error: cannot write" in capsys.readouterr().err


def test_out_is_written_atomically(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """An export that fails half-way leaves the previous file as it was, and no temporary
    file beside it."""
    root = _site(tmp_path / "site")
    out = tmp_path / "out"
    out.mkdir()
    target = out / "cables.csv"
    target.write_bytes(b"previous\n")

    def failing(*args: object, **kwargs: object) -> Iterator[str]:
        yield "id,subject\r\n" * 100_000  # (more than one write)
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(export_module, "csv_rows", failing)
    config = str(root / "sitegen.toml")
    with pytest.raises(RuntimeError, match="disk on fire"):
        main(["export", "--config", config, "--format", "csv", "--out", str(target)])
    assert target.read_bytes() == b"previous\n"
    assert [p.name for p in out.iterdir()] == ["cables.csv"]
    monkeypatch.undo()
    assert main(["export", "--config", config, "--format", "csv", "--out", str(target)]) == 1
    assert target.read_bytes().startswith(b"id,aliases,")
    assert [p.name for p in out.iterdir()] == ["cables.csv"]
    capsys.readouterr()


def test_a_closed_pipe_ends_the_export_quietly(tmp_path: Path) -> None:
    """``sitegen export ... | head``: no traceback when the reader goes away."""
    files = {
        f"content/cables/08BAKU{n}.txt": cable(f"08BAKU{n}", refs=f"BAKU {n + 1}")
        for n in range(1, 400)  # (more than a pipe holds)
    }
    root = make_site(tmp_path, files)
    process = subprocess.Popen(
        [*SITEGEN, "export", "--config", str(root / "sitegen.toml"), "--format", "jsonl"],
        cwd=ROOT,  # (the checkout's sitegen)
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert process.stdout is not None and process.stderr is not None
    assert process.stdout.read(100).startswith(b'{"source":')
    process.stdout.close()
    err = process.stderr.read().decode()
    process.stderr.close()
    assert process.wait(timeout=60) == 1
    assert "Traceback" not in err


def test_every_format_and_column_is_documented() -> None:
    docs = (ROOT / "docs" / "export.md").read_text(encoding="utf-8")
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "sitegen export --format" in readme and "docs/export.md" in readme
    for name in (*FORMATS, *COLUMNS, "--spreadsheet-safe", "--out"):
        assert f"`{name}`" in docs, name


def test_a_file_name_that_is_not_utf8_is_escaped(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The system gives such a name's bytes as lone surrogates, which UTF-8 cannot hold:
    JSON gets its ``\\udcXX`` escape (read back to the same name), no crash."""
    root = make_site(tmp_path, {})
    folder = root / "content" / "cables"
    folder.mkdir(parents=True)
    try:
        (folder / "08BAKU1\udcff.txt").write_text(cable("08BAKU1"), encoding="utf-8")
    except (OSError, UnicodeEncodeError):
        pytest.skip("this file system refuses a name that is not UTF-8")
    status, data, _ = _run(capsys, root, "jsonl")
    assert status == 0 and b'"content/cables/08BAKU1\\udcff.txt"' in data
    assert _records(data)[0]["source"] == "content/cables/08BAKU1\udcff.txt"
    for fmt in ("csv", "graphml"):
        assert _run(capsys, root, fmt)[0] == 0
    ET.fromstring(_run(capsys, root, "graphml")[1])
