"""Search: the Pagefind bundle a build writes (what it indexes, byte-identical from one build
to the next, brought up to date by an incremental build) and a site without it."""

from __future__ import annotations

import gzip
import hashlib
import json
from pathlib import Path

import pytest
from minisite import cable, make_site

from sitegen.core.config import load_config
from sitegen.render import search
from sitegen.site.build import Site, build


def _site(root: Path, config: str = "") -> Path:
    files = {
        "content/cables/08BAKU1.txt": cable(
            "08BAKU1",
            subject="CASPIAN PIPELINE TALKS",
            tags="ENRG, AJ",
            body="1. (C) The minister,s view: the pipeline is &8secure8. Volumes fell.",
        ),
        "content/cables/08BAKU2.txt": cable(
            "08BAKU2",
            subject="ELECTION MONITORING",
            tags="PGOV, AJ",
            refs="A. BAKU 1",
            created="2009-03-02 10:00",
            body="1. (SBU) Observers counted ballots in Ganja.",
        ),
    }
    return make_site(root, files, f'title = "Search"\n{config}')


def _bundle(output: Path) -> dict[str, str]:
    folder = output / "pagefind"
    return {
        p.relative_to(output).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def _fragments(output: Path) -> dict[str, dict[str, object]]:
    """Each indexed page's record (Pagefind's fragment files of every shard), by URL."""
    out = {}
    for path in output.glob("pagefind/*/fragment/*"):
        data = gzip.decompress(path.read_bytes())
        record = json.loads(data[len(b"pagefind_dcd") :])
        out[record["url"]] = record
    return out


def test_the_cable_pages_are_indexed_with_their_filters(tmp_path: Path) -> None:
    root = _site(tmp_path / "site")
    result = build(load_config(root / "sitegen.toml"))
    output = root / "output"
    assert "pagefind/0/pagefind.js" in result.files
    assert not [n for n in result.files if "pagefind-ui" in n]  # Pagefind's own interface
    assert (output / "search/index.html").is_file()
    assert (output / "static/search.js").is_file()
    assert 'role="search"' in (output / "tags/index.html").read_text("utf-8")
    records = _fragments(output)
    assert sorted(records) == ["/cable/08BAKU1/", "/cable/08BAKU2/"]  # cable pages only
    first = records["/cable/08BAKU1/"]
    assert first["filters"] == {
        "classification": ["CONFIDENTIAL"],
        "origin": ["Embassy Baku"],
        "tag": ["ENRG", "AJ"],
        "year": ["2008"],
    }
    meta = first["meta"]
    assert isinstance(meta, dict)
    assert (meta["id"], meta["title"], meta["origin"]) == (
        "08BAKU1",
        "CASPIAN PIPELINE TALKS",
        "Embassy Baku",
    )
    content = str(first["content"])
    assert "minister's view" in content  # the repaired reading ...
    assert "minister,s" not in content  # ... not the released spelling beside it
    assert "ENRG" in content and "Embassy Baku" in content
    assert "Cite this cable" not in content and "Reference ID" not in content
    second = str(records["/cable/08BAKU2/"]["content"])
    assert "08BAKU1" in second  # the reference's ID ...
    assert "CASPIAN PIPELINE" not in second  # ... not the subject of the cable it cites


def test_the_bundle_is_the_same_bytes_every_build(tmp_path: Path) -> None:
    root = _site(tmp_path / "site")
    build(load_config(root / "sitegen.toml"))
    build(load_config(root / "sitegen.toml", output_dir="again", cache_dir="cache-2"))
    first, second = _bundle(root / "output"), _bundle(root / "again")
    assert first == second
    assert any(name.startswith("pagefind/0/filter/") for name in first)


def test_an_edit_is_searchable_after_the_next_build(tmp_path: Path) -> None:
    root = _site(tmp_path / "site")
    build(load_config(root / "sitegen.toml"))
    before = _bundle(root / "output")
    assert Site(load_config(root / "sitegen.toml")).build().rendered == 0
    assert _bundle(root / "output") == before  # nothing changed: the bundle is kept
    (root / "content/cables/08BAKU2.txt").write_text(
        cable("08BAKU2", subject="REFERENDUM MONITORING", created="2009-03-02 10:00"), "utf-8"
    )
    Site(load_config(root / "sitegen.toml")).build()
    after = _bundle(root / "output")
    assert after != before
    records = _fragments(root / "output")
    meta = records["/cable/08BAKU2/"]["meta"]
    assert isinstance(meta, dict) and meta["title"] == "REFERENDUM MONITORING"
    manifest = json.loads((root / "output/manifest.json").read_text("utf-8"))["files"]
    assert {n for n in manifest if n.startswith("pagefind/")} == set(after)
    build(load_config(root / "sitegen.toml", output_dir="clean", cache_dir="cache-2"))
    assert _bundle(root / "clean") == after


def test_a_site_without_search_has_no_search_assets(tmp_path: Path) -> None:
    root = _site(tmp_path / "site", "search = false\n")
    result = build(load_config(root / "sitegen.toml"))
    output = root / "output"
    assert not (output / "pagefind").exists()
    assert not (output / "search").exists()
    assert not (output / "static/search.js").exists()
    assert not [n for n in result.files if n.startswith(("pagefind/", "search/"))]
    for page in output.rglob("*.html"):
        text = page.read_text("utf-8")
        assert 'role="search"' not in text and "data-pagefind-body" not in text, page


def test_turning_search_off_removes_the_bundle(tmp_path: Path) -> None:
    root = _site(tmp_path / "site")
    build(load_config(root / "sitegen.toml"))
    assert (root / "output/pagefind").is_dir()
    build(load_config(root / "sitegen.toml", search=False))
    assert not (root / "output/pagefind").exists()
    assert not (root / "output/search").exists()


def test_a_hostile_string_stays_text_in_the_index_and_the_search_page(tmp_path: Path) -> None:
    hostile = '</script><script>alert(1)</script> "quoted" & {{ 7*7 }}'
    root = make_site(
        tmp_path / "site",
        {
            "content/cables/08BAKU1.txt": cable(
                "08BAKU1", subject=hostile, tags=f"PREL, {hostile}", body=f"1. (C) {hostile}"
            )
        },
    )
    build(load_config(root / "sitegen.toml"))
    record = _fragments(root / "output")["/cable/08BAKU1/"]
    meta = record["meta"]
    assert isinstance(meta, dict) and meta["title"] == hostile  # kept as text, in JSON
    assert hostile in str(record["content"])
    search_page = (root / "output/search/index.html").read_text("utf-8")
    titles = search_page.split('<script type="application/json" id="tag-titles">')[1]
    titles = titles.split("</script>")[0]
    assert "<" not in titles and ">" not in titles


def test_shards_are_indexed_again_only_when_their_pages_change(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(search, "SHARD_SIZE", 1)
    root = _site(tmp_path / "site")
    build(load_config(root / "sitegen.toml"))
    output = root / "output"
    page = (output / "search/index.html").read_text("utf-8")
    assert 'data-bundles="../pagefind/0/ ../pagefind/1/"' in page  # in date order
    first = _bundle(output)
    assert {n.split("/")[1] for n in first} == {"0", "1"}
    records = _fragments(output)
    assert sorted(records) == ["/cable/08BAKU1/", "/cable/08BAKU2/"]
    # The later cable (shard 1) edited: shard 0's bundle is left as it was.
    (root / "content/cables/08BAKU2.txt").write_text(
        cable("08BAKU2", subject="REFERENDUM MONITORING", created="2009-03-02 10:00"), "utf-8"
    )
    Site(load_config(root / "sitegen.toml")).build()
    after = _bundle(output)
    assert {n: d for n, d in after.items() if n.startswith("pagefind/0/")} == {
        n: d for n, d in first.items() if n.startswith("pagefind/0/")
    }
    assert {n: d for n, d in after.items() if n.startswith("pagefind/1/")} != {
        n: d for n, d in first.items() if n.startswith("pagefind/1/")
    }
    build(load_config(root / "sitegen.toml", output_dir="clean", cache_dir="cache-2"))
    assert _bundle(root / "clean") == after


def test_a_failed_index_keeps_the_previous_bundles_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Pagefind fails on the second shard after the first was made: the build reports it,
    nothing of the new bundles is put in place, the previous ones stay as they were."""
    monkeypatch.setattr(search, "SHARD_SIZE", 1)
    root = _site(tmp_path / "site")
    build(load_config(root / "sitegen.toml"))
    output = root / "output"
    before = _bundle(output)
    real = search.executable()
    failing = tmp_path / "pagefind-failing"
    failing.write_text(
        '#!/bin/sh\nif [ "$(basename "$PWD")" = 1 ]; then echo "disk on fire" >&2; exit 3; fi\n'
        f'exec "{real}" "$@"\n',
        encoding="utf-8",
    )
    failing.chmod(0o755)
    monkeypatch.setattr(search, "executable", lambda: failing)
    for name, subject in (("08BAKU1", "PIPELINE REVISED"), ("08BAKU2", "BALLOTS REVISED")):
        created = "2009-03-02 10:00" if name == "08BAKU2" else "2008-02-27 13:45"
        (root / f"content/cables/{name}.txt").write_text(
            cable(name, subject=subject, created=created), "utf-8"
        )
    result = build(load_config(root / "sitegen.toml"))
    problems = [d for d in result.diagnostics if d.code == "search"]
    assert [d.severity for d in problems] == ["error"]
    assert "disk on fire" in problems[0].message
    assert _bundle(output) == before
    assert not (output / ".sitegen-staging").exists()
    assert "PIPELINE REVISED" in (output / "cable/08BAKU1/index.html").read_text("utf-8")
    # The next build with a working Pagefind indexes both shards again.
    monkeypatch.setattr(search, "executable", lambda: real)
    build(load_config(root / "sitegen.toml"))
    records = _fragments(output)
    assert "PIPELINE REVISED" in json.dumps(records["/cable/08BAKU1/"])
    assert "BALLOTS REVISED" in json.dumps(records["/cable/08BAKU2/"])
