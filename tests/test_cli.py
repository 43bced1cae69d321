"""The command line: `sitegen parse` as CONTRACTS.md describes it, exit codes, both entry points."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from sitegen.cli.main import main

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "content" / "cables" / "08STATE19634.txt"
CONTRACT_KEYS = [
    "source",
    "id",
    "id_inferred",
    "created",
    "created_inferred",
    "released",
    "classification",
    "origin",
    "origin_code",
    "to",
    "info",
    "tags",
    "subject",
    "references",
    "declassify_on",
    "classified_by",
    "reasons",
    "signer",
    "paragraphs",
    "diagnostics",
]


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    status = main(list(args))
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def test_parse_json_one_object_per_file_per_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    other = tmp_path / "08BAKU129.txt"
    other.write_text(
        "C O N F I D E N T I A L BAKU 000129\n\nE.O. 12958: DECL: 02/27/2018\n"
        "TAGS: PREL AJ\nSUBJECT: TEST\n\n1. (C) Text.\n",
        encoding="utf-8",
    )
    status, out, _ = _run(capsys, "parse", "--json", str(EXAMPLE), str(other))
    lines = out.splitlines()
    assert status == 0
    assert len(lines) == 2
    first, second = (json.loads(line) for line in lines)
    assert list(first)[: len(CONTRACT_KEYS)] == CONTRACT_KEYS
    assert first["source"] == str(EXAMPLE)
    assert first["id"] == "08STATE19634"
    assert first["subject"] == "GUIDANCE FOR AZERBAIJANI UNGA RESOLUTION"
    assert first["references"] == [
        {"label": "A", "text": "USUN 178", "id": "08USUNNEWYORK178"},
        {"label": "B", "text": "BAKU 129", "id": "08BAKU129"},
    ]
    assert first["origin"] == "Secretary of State" and first["origin_code"] == "STATE"
    assert first["created"] == "2008-02-27" and first["created_inferred"] is True
    assert second["id"] == "08BAKU129" and second["origin"] == "Embassy Baku"


def test_parse_example_reads_every_field(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = _run(capsys, "parse", "--json", str(EXAMPLE))
    data = json.loads(out)
    assert status == 0
    assert data["tags"] == ["UNGA", "PREL", "AM", "AJ", "RU", "GE", "UP", "PBTS"]
    assert data["declassify_on"] == "2018-02-27"
    assert data["classified_by"] == "IO PDAS James B. Warlick"
    assert data["reasons"] == ["1.4(b)", "1.4(d)"]
    assert data["signer"] == "RICE"
    assert data["paragraphs"][0] == {"number": 1, "marking": "U", "line": 10}
    assert [p["number"] for p in data["paragraphs"]] == list(range(1, 10))
    assert data["repairs"]["apostrophe"] >= 10


def test_parse_text_output_and_diagnostics_on_stderr(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = _run(capsys, "parse", str(EXAMPLE))
    assert status == 0
    assert "08STATE19634 (inferred)" in out
    assert "A. USUN 178  ->  08USUNNEWYORK178" in out
    assert err.splitlines() == [
        f"{EXAMPLE}:1: info: created-estimated: no date-time group; created estimated as the "
        "declassification date minus 10 years"
    ]


def test_unreadable_file_gives_an_object_and_exit_1(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    missing = tmp_path / "missing.txt"
    status, out, err = _run(capsys, "parse", "--json", str(missing))
    data = json.loads(out)
    assert status == 1
    assert data["id"] is None and data["source"] == str(missing)
    assert data["diagnostics"][0]["code"] == "unreadable"
    assert f"{missing}:0: error: unreadable:" in err


def test_strict_turns_warnings_into_exit_1(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    cable = tmp_path / "07STATE5.txt"
    cable.write_text("UNCLAS STATE 000005\n\nTAGS: PREL\n\n1. (U) No subject line.\n")
    assert _run(capsys, "parse", str(cable))[0] == 0
    status, _, err = _run(capsys, "parse", "--strict", str(cable))
    assert status == 1
    assert "warning: no-subject:" in err


def test_repeated_diagnostics_are_collapsed(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    missing = tmp_path / "gone.txt"
    _, _, err = _run(capsys, "parse", str(missing), str(missing))
    assert err.splitlines() == [
        f"{missing}:0: error: unreadable: cannot read file: No such file or directory (x2)"
    ]


def test_bad_usage_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert _run(capsys, "parse")[0] == 2
    assert _run(capsys, "no-such-command")[0] == 2


def test_python_dash_m_and_console_script() -> None:
    for command in (
        [sys.executable, "-m", "sitegen"],
        [str(Path(sys.executable).parent / "sitegen")],
    ):
        done = subprocess.run(
            [*command, "parse", "--json", str(EXAMPLE)], capture_output=True, text=True, check=False
        )
        assert done.returncode == 0, done.stderr
        assert json.loads(done.stdout)["id"] == "08STATE19634"


def test_a_folder_stands_for_its_cable_files(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    (tmp_path / "2008").mkdir()
    for name in ("2008/08BAKU2.txt", "08BAKU1.txt"):
        (tmp_path / name).write_text("UNCLAS BAKU 000001\n\nSUBJECT: X\n", encoding="utf-8")
    (tmp_path / "notes.md").write_text("not a cable", encoding="utf-8")
    status, out, _ = _run(capsys, "parse", "--json", str(tmp_path))
    sources = [json.loads(line)["source"] for line in out.splitlines()]
    assert status == 0
    assert sources == [str(tmp_path / "08BAKU1.txt"), str(tmp_path / "2008" / "08BAKU2.txt")]
