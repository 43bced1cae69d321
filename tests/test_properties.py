"""Property tests: whatever the input, the parser returns and the CLI prints an object."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sitegen.cli.main import main
from sitegen.core.model import Cable, cable_to_json
from sitegen.parse import parse_bytes, parse_cable

# Pieces of real cable syntax, so generated text reaches deep into the parser.
FRAGMENTS = [
    "Reference ID: ",
    "Created: 2008-02-27 13:45",
    "Classification: ",
    "Origin: ",
    "VZCZCXRO4567",
    "DE RUEHKB #0129/01 0581345",
    "ZNY CCCCC ZZH",
    "O 271345Z FEB 08",
    "FM AMEMBASSY BAKU",
    "TO RUEHC/SECSTATE WASHDC IMMEDIATE 4812",
    "INFO ",
    "BT",
    "C O N F I D E N T I A L SECTION 01 OF 02 BAKU 000129",
    "UNCLAS ",
    "S E C R E T",
    "NOFORN",
    "SENSITIVE",
    "E.O. 12958: DECL: 02/27/2018",
    "DECL: OADR",
    "TAGS: ",
    "PREL PGOV AJ",
    "OVIP (CLINTON, HILLARY)",
    "SUBJECT: ",
    "(C) ",
    "REF: ",
    "A. USUN 178",
    "B) 07 STATE 123 AND 456",
    "(NOTAL)",
    "¶",
    "1. (C) ",
    "2. (S/NF) ",
    "Classified By: ",
    "for reasons 1.4 (b) and (d).",
    "SUMMARY: ",
    "END SUMMARY",
    "RICE",
    "Azerbaijan,s",
    "&either",
    "own8",
    ")",
    "(",
    "BAKU 00000129 002 OF 003",
    "PAGE 02 ROME 01196 01 OF 02",
    "Wednesday, 02 July 2008, 06:27",
    "Cable dated:2005-11-16T09:53:00",
    "id: 1",
    "refid: ",
    "\u2028",
    "\t",
    "\r\n",
    "\r",
    "\ufeff",
    "\x00",
    " ",
    "\n",
    "\n\n",
]

text_of_fragments = st.lists(
    st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=12)), max_size=60
).map("".join)


def _check(cable: Cable) -> None:
    assert not [d for d in cable.diagnostics if d.code == "parser-failure"], cable.diagnostics
    data = json.loads(json.dumps(cable_to_json(cable)))
    assert set(data) >= {"source", "id", "created", "references", "diagnostics"}
    if cable.id is not None:
        assert cable.id.isalnum() and cable.id.isascii()
    for ref in cable.references:
        assert ref.id is None or (ref.id[:2].isdigit() and ref.id.isalnum())
    assert cable.text.count("\n") == cable.reading.count("\n")


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=2000))
def test_any_text(text: str) -> None:
    _check(parse_cable(text, "any.txt"))


@settings(max_examples=400, deadline=None)
@given(text_of_fragments)
def test_text_made_of_cable_pieces(text: str) -> None:
    _check(parse_cable(text, "pieces.txt"))


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=3000))
def test_any_bytes(data: bytes) -> None:
    _check(parse_bytes(data, "bytes.txt"))


@pytest.fixture(scope="module")
def sample_cables(corpus: Path) -> list[bytes]:
    return [p.read_bytes() for p in sorted(corpus.glob("*.txt"))[::70]]


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_corrupted_real_cables(sample_cables: list[bytes], data: st.DataObject) -> None:
    """Real cables with bytes flipped, cut, doubled and lines shuffled still parse."""
    raw = bytearray(data.draw(st.sampled_from(sample_cables)))
    for _ in range(data.draw(st.integers(0, 12))):
        if not raw:
            break
        at = data.draw(st.integers(0, len(raw) - 1))
        action = data.draw(st.sampled_from(["flip", "cut", "dup", "insert"]))
        if action == "flip":
            raw[at] = data.draw(st.integers(0, 255))
        elif action == "cut":
            del raw[at : at + data.draw(st.integers(1, 400))]
        elif action == "dup":
            raw[at:at] = raw[at : at + data.draw(st.integers(1, 400))]
        else:
            raw[at:at] = data.draw(st.sampled_from(FRAGMENTS)).encode()
    if data.draw(st.booleans()):
        lines = bytes(raw).split(b"\n")
        order = data.draw(st.permutations(range(min(len(lines), 40))))
        raw = bytearray(b"\n".join([lines[i] for i in order] + lines[40:]))
    _check(parse_bytes(bytes(raw), "corrupted.txt"))


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.binary(max_size=600))
def test_cli_always_prints_an_object(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], data: bytes
) -> None:
    path = tmp_path / "input.txt"
    path.write_bytes(data)
    status = main(["parse", "--json", str(path)])
    out = capsys.readouterr().out.splitlines()
    assert status in (0, 1)
    assert len(out) == 1
    assert json.loads(out[0])["source"] == str(path)


@given(st.text(alphabet="ab ,'&8)-“”", max_size=60), st.text(alphabet="ab ,'&8)-“”", max_size=60))
def test_a_marked_line_holds_both_readings(before: str, after: str) -> None:
    """The runs of a repaired line give back the line as released and as repaired."""
    from sitegen.render.cable_text import _aligned

    runs = _aligned(before, after)
    assert "".join(old for _, old, _ in runs) == before
    assert "".join(old if same else new for same, old, new in runs) == after
    assert all(old == "" or not same or new == "" for same, old, new in runs)


@given(st.text(max_size=80))
def test_manifest_names_are_quoted_as_json_quotes_them(text: str) -> None:
    from sitegen.output.manifest import _json_string

    assert _json_string(text) == json.dumps(text)
    assert json.loads(_json_string(text)) == text
