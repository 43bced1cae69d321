"""The manifest a build writes (every output file with its SHA-256) and ``sitegen verify``,
which a mirror runs to prove its copy is the site the build made."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from pathlib import Path

import pytest
from minisite import cable, make_site

from sitegen.cli.main import main
from sitegen.core.config import load_config
from sitegen.core.errors import BuildError
from sitegen.output.verify import verify
from sitegen.site.build import build


def _site(root: Path) -> Path:
    files = {
        "content/cables/08BAKU1.txt": cable("08BAKU1", subject="PIPELINE"),
        "content/cables/08BAKU2.txt": cable("08BAKU2", subject="BALLOTS", refs="A. BAKU 1"),
        "content/pages/about.md": "---\ntitle: About\n---\nAbout 08BAKU1.\n",
    }
    root = make_site(root, files, 'title = "Verify"\nsearch = false\n')
    build(load_config(root / "sitegen.toml"))
    return root / "output"


def test_the_manifest_lists_every_file_with_its_sha256(tmp_path: Path) -> None:
    output = _site(tmp_path / "site")
    listed = json.loads((output / "manifest.json").read_text("utf-8"))["files"]
    on_disk = {
        p.relative_to(output).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in output.rglob("*")
        if p.is_file() and p.name != "manifest.json"
    }
    assert listed == on_disk
    assert "cable/08BAKU1/index.html" in listed and "api/cables.json" in listed


def test_an_intact_copy_verifies_and_a_damaged_one_does_not(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    output = _site(tmp_path / "site")
    mirror = tmp_path / "mirror"
    shutil.copytree(output, mirror)
    found = verify(mirror)
    assert found.intact and found.checked > 10 and not found.unlisted
    assert main(["verify", str(mirror)]) == 0
    # A page altered, one removed, one file the host added.
    page = mirror / "cable/08BAKU1/index.html"
    page.write_text(page.read_text("utf-8").replace("PIPELINE", "PIPELINE!"), "utf-8")
    (mirror / "cable/08BAKU2/index.html").unlink()
    (mirror / ".htaccess").write_text("Options -Indexes\n", "utf-8")
    found = verify(mirror)
    assert found.changed == ["cable/08BAKU1/index.html"]
    assert found.missing == ["cable/08BAKU2/index.html"]
    assert found.unlisted == [".htaccess"]
    capsys.readouterr()
    assert main(["verify", str(mirror)]) == 1
    err = capsys.readouterr().err
    assert f"{mirror / 'cable/08BAKU1/index.html'}: differs from the manifest" in err
    assert f"{mirror / 'cable/08BAKU2/index.html'}: missing" in err


def test_a_link_in_place_of_a_file_does_not_verify(tmp_path: Path) -> None:
    output = _site(tmp_path / "site")
    outside = tmp_path / "outside.html"
    page = output / "cable/08BAKU1/index.html"
    outside.write_bytes(page.read_bytes())  # the same bytes, but not the file itself
    page.unlink()
    os.symlink(outside, page)
    assert verify(output).missing == ["cable/08BAKU1/index.html"]


def test_a_manifest_that_names_a_path_outside_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "copy"
    folder.mkdir()
    (tmp_path / "secret").write_text("x", "utf-8")
    digest = hashlib.sha256(b"x").hexdigest()
    (folder / "manifest.json").write_text(json.dumps({"files": {"../secret": digest}}), "utf-8")
    with pytest.raises(BuildError, match="outside the output folder"):
        verify(folder)
    assert main(["verify", str(folder)]) == 1


def test_no_manifest_is_a_clear_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["verify", str(tmp_path)]) == 2
    assert "no manifest" in capsys.readouterr().err
