"""Behaviour of `sitegen build`, `check` and `new`, each on a mini-site declared inline."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from minisite import cable, make_site, output_files

from sitegen.cli.main import main
from sitegen.core.config import load_config
from sitegen.core.errors import BuildError, ConfigError
from sitegen.output.commit import write_site
from sitegen.site.build import build


def build_site(root: Path) -> dict[str, bytes]:
    result = build(load_config(root / "sitegen.toml"))
    return output_files(root / "output", result)


SITE = {
    "content/cables/08BAKU1.txt": cable("08BAKU1", refs="A. BAKU 2 B. BAKU 3"),
    "content/cables/08BAKU2.txt": cable("08BAKU2", created="2008-01-15 10:00"),
    "content/pages/about.md": "---\ntitle: About\n---\nSee 08BAKU1 and 08BAKU99.\n",
    "content/notes/08BAKU2.md": "Cited by 08BAKU1.\n",
}


def test_every_page_of_the_url_table(tmp_path: Path) -> None:
    files = build_site(make_site(tmp_path / "site", SITE))
    expected = [
        "index.html",
        "cable/08BAKU1/index.html",
        "cable/08BAKU2/index.html",
        "tags/index.html",
        "tag/PREL/index.html",
        "tag/AJ/index.html",
        "origins/index.html",
        "origin/BAKU/index.html",
        "classification/index.html",
        "classification/confidential/index.html",
        "timeline/index.html",
        "timeline/2008/index.html",
        "timeline/2008/01/index.html",
        "timeline/2008/02/index.html",
        "references/unresolved/index.html",
        "about/index.html",
        "api/cables/08BAKU1.json",
        "api/cables.json",
        "feed.xml",
        "sitemap.xml",
        "404.html",
        "robots.txt",
        "static/style.css",
    ]
    assert [name for name in expected if name not in files] == []
    assert (tmp_path / "site" / "output" / "manifest.json").is_file()


def test_references_are_linked_both_ways_and_missing_ones_listed(tmp_path: Path) -> None:
    files = build_site(make_site(tmp_path / "site", SITE))
    citing = files["cable/08BAKU1/index.html"].decode()
    cited = files["cable/08BAKU2/index.html"].decode()
    assert 'href="../../cable/08BAKU2/"' in citing
    assert "08BAKU3" in citing and "not in this archive" in citing
    assert 'id="cited-by"' in cited and 'href="../../cable/08BAKU1/"' in cited
    missing = files["references/unresolved/index.html"].decode()
    assert "08BAKU3" in missing and 'href="../../cable/08BAKU1/"' in missing
    data = json.loads(files["api/cables/08BAKU2.json"])
    assert data["referenced_by"] == ["08BAKU1"]


def test_markdown_pages_and_notes_link_cable_ids(tmp_path: Path) -> None:
    files = build_site(make_site(tmp_path / "site", SITE))
    about = files["about/index.html"].decode()
    assert '<a href="../cable/08BAKU1/" class="cable-id">08BAKU1</a>' in about
    assert "08BAKU99" in about and 'href="../cable/08BAKU99/"' not in about
    note_page = files["cable/08BAKU2/index.html"].decode()
    assert '<a href="../../cable/08BAKU1/" class="cable-id">08BAKU1</a>' in note_page


def test_every_cable_string_is_escaped(tmp_path: Path) -> None:
    hostile = "<script>alert(1)</script> {{ 7*7 }} {% raw %}"
    site = make_site(
        tmp_path / "site",
        {
            "content/cables/08BAKU1.txt": cable(
                "08BAKU1", subject=hostile, tags=f"PREL, {hostile}", refs=hostile, body=hostile
            ),
            "content/notes/08BAKU1.md": f"{hostile} [x](javascript:alert(1))\n",
            "content/pages/evil.md": f"---\ntitle: {hostile}\n---\n{hostile}\n",
        },
        config='title = "<b>Archive</b>"\n',
    )
    files = build_site(site)
    for name, data in files.items():
        if name.startswith("pagefind/"):
            continue  # Pagefind's own code, and the index compressed (tests/test_search.py)
        if name.endswith(".ris"):
            continue  # RIS has no escapes: strings as written (tests/test_cite.py)
        text = data.decode("utf-8", errors="replace")
        assert "<script>" not in text, name
        assert "javascript:" not in text.replace("javascript:alert(1))", ""), name
        assert "<b>Archive</b>" not in text, name
    page = files["cable/08BAKU1/index.html"].decode()
    assert "{{ 7*7 }}" in page and "49" not in page
    assert "&lt;script&gt;" in page


def test_two_builds_are_byte_identical(tmp_path: Path) -> None:
    first = build_site(make_site(tmp_path / "one", SITE))
    second = build_site(make_site(tmp_path / "two", SITE))
    assert first == second


def test_a_second_build_rewrites_nothing_and_stale_pages_go(tmp_path: Path) -> None:
    site = make_site(tmp_path / "site", SITE)
    config = load_config(site / "sitegen.toml")
    build(config)
    foreign = site / "output" / "keep-me.txt"
    foreign.write_text("not produced by sitegen", encoding="utf-8")
    again = build(config)
    assert again.written is not None
    assert again.written.written == 0 and again.written.removed == 0
    (site / "content/cables/08BAKU2.txt").unlink()
    third = build(config)
    assert third.written is not None and third.written.removed > 0
    assert not (site / "output/cable/08BAKU2/index.html").exists()
    assert not (site / "output/cable/08BAKU2").exists()
    assert foreign.read_text(encoding="utf-8") == "not produced by sitegen"
    manifest = json.loads((site / "output/manifest.json").read_text(encoding="utf-8"))
    assert "cable/08BAKU1/index.html" in manifest["files"]
    assert "cable/08BAKU2/index.html" not in manifest["files"]


def test_pretty_urls_false_names_every_file(tmp_path: Path) -> None:
    files = build_site(make_site(tmp_path / "site", SITE, "pretty_urls = false\n"))
    page = files["cable/08BAKU1/index.html"].decode()
    hrefs = re.findall(r'href="([^"#]+)', page)
    internal = [h for h in hrefs if not h.startswith("https:")]
    assert internal and all(
        h.endswith((".html", ".css", ".svg", ".json", ".xml", ".bib", ".ris")) for h in internal
    ), internal
    assert 'href="../../cable/08BAKU2/index.html"' in page


def test_two_cables_with_one_id(tmp_path: Path) -> None:
    site = make_site(
        tmp_path / "site",
        {
            "content/cables/a/08BAKU1.txt": cable("08BAKU1", subject="FIRST"),
            "content/cables/b/08BAKU1.txt": cable("08BAKU1", subject="SECOND"),
        },
    )
    result = build(load_config(site / "sitegen.toml"))
    dupes = [(d.path, d) for d in result.diagnostics if d.code == "duplicate-id"]
    assert len(dupes) == 1
    assert dupes[0][0] == "content/cables/b/08BAKU1.txt"
    assert "content/cables/a/08BAKU1.txt" in dupes[0][1].message
    assert b"FIRST" in (site / "output/cable/08BAKU1/index.html").read_bytes()


def test_a_failed_build_leaves_the_previous_site(tmp_path: Path) -> None:
    site = make_site(tmp_path / "site", SITE)
    config = load_config(site / "sitegen.toml")
    build(config)
    before = {p: p.read_bytes() for p in (site / "output").rglob("*") if p.is_file()}
    (site / "content/cables/08BAKU3.txt").write_text(cable("08BAKU3"), encoding="utf-8")
    theme = site / "themes" / "broken" / "templates"
    theme.mkdir(parents=True)
    (theme / "cable.html").write_text("{% if %}", encoding="utf-8")
    broken = load_config(site / "sitegen.toml", theme="broken")
    with pytest.raises(BuildError, match=r"cable\.html"):
        build(broken)
    after = {p: p.read_bytes() for p in (site / "output").rglob("*") if p.is_file()}
    assert after == before


def test_a_theme_overrides_templates_file_by_file(tmp_path: Path) -> None:
    site = make_site(tmp_path / "site", SITE, 'theme = "mine"\n')
    templates = site / "themes" / "mine" / "templates"
    templates.mkdir(parents=True)
    (templates / "404.html").write_text(
        '{% extends "base.html" %}{% block content %}<h1>Gone</h1>{% endblock %}', encoding="utf-8"
    )
    files = build_site(site)
    assert b"<h1>Gone</h1>" in files["404.html"]
    assert b'class="cable"' in files["cable/08BAKU1/index.html"]


def test_glossary_titles_can_be_overridden(tmp_path: Path) -> None:
    files = build_site(make_site(tmp_path / "site", SITE, '[glossary]\nPREL = "Foreign ties"\n'))
    assert b"Foreign ties" in files["tag/PREL/index.html"]


def test_long_lists_are_paginated(tmp_path: Path) -> None:
    cables = {
        f"content/cables/08BAKU{n}.txt": cable(f"08BAKU{n}", created=f"2008-02-{n:02d} 10:00")
        for n in range(1, 6)
    }
    files = build_site(make_site(tmp_path / "site", cables, "page_size = 2\n"))
    assert "tag/PREL/page/2/index.html" in files and "tag/PREL/page/3/index.html" in files
    assert "tag/PREL/page/4/index.html" not in files
    first = files["tag/PREL/index.html"].decode()
    assert first.index("08BAKU5") < first.index("08BAKU4")  # newest first
    assert "08BAKU3" not in first


def test_unknown_config_key_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    site = make_site(tmp_path / "site", SITE, 'titel = "typo"\n')
    with pytest.raises(ConfigError, match="unknown key 'titel'"):
        load_config(site / "sitegen.toml")
    assert main(["build", "--config", str(site / "sitegen.toml")]) == 2
    assert "sitegen.toml: unknown key 'titel'" in capsys.readouterr().err


def test_check_writes_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    site = make_site(tmp_path / "site", SITE)
    assert main(["check", "--config", str(site / "sitegen.toml")]) == 0
    err = capsys.readouterr().err
    assert not (site / "output").exists()
    # The header of 08BAKU2 says 15 January; its text (DECL 02/27/2018) suggests 27 February.
    assert (
        "content/cables/08BAKU2.txt:0: info: header-disagrees: the header says created day "
        "'2008-01-15', the text says '2008-02-27'" in err
    )
    assert "2 cables, " in err


def test_new_creates_a_site_that_builds(tmp_path: Path) -> None:
    folder = tmp_path / "archive"
    assert main(["new", str(folder)]) == 0
    assert (folder / "content/cables/08STATE19634.txt").is_file()
    ignored = (folder / ".gitignore").read_text(encoding="utf-8").split()
    assert "/output/" in ignored and "/.sitegen-cache/" in ignored
    assert main(["build", "--config", str(folder / "sitegen.toml")]) == 0
    page = (folder / "output/cable/08STATE19634/index.html").read_text(encoding="utf-8")
    assert "GUIDANCE FOR AZERBAIJANI UNGA RESOLUTION" in page
    assert "Azerbaijan's" in page and 'href="#original"' in page
    assert main(["new", str(folder)]) == 2  # never overwrites


def test_strict_turns_warnings_into_exit_1(tmp_path: Path) -> None:
    site = make_site(tmp_path / "site", SITE | {"content/notes/08NOPE1.md": "orphan"})
    assert main(["build", "--config", str(site / "sitegen.toml")]) == 0
    assert main(["build", "--config", str(site / "sitegen.toml"), "--strict"]) == 1


def test_a_page_cannot_take_a_site_path(tmp_path: Path) -> None:
    site = make_site(tmp_path / "site", SITE | {"content/pages/cable.md": "# Hijack\n"})
    result = build(load_config(site / "sitegen.toml"))
    assert [d.code for d in result.diagnostics if d.severity == "error"] == ["page-slug-taken"]
    assert "cable/index.html" not in result.files
    assert b"Hijack" not in b"".join(output_files(site / "output", result).values())


def test_symlinks_out_of_content_are_not_followed(tmp_path: Path) -> None:
    outside = tmp_path / "secret"
    outside.mkdir()
    (outside / "08BAKU9.txt").write_text(cable("08BAKU9"), encoding="utf-8")
    site = make_site(tmp_path / "site", SITE)
    (site / "content/cables/link.txt").symlink_to(outside / "08BAKU9.txt")
    (site / "content/cables/dir").symlink_to(outside)
    result = build(load_config(site / "sitegen.toml"))
    skipped = sorted(d.path for d in result.diagnostics if d.code == "symlink-skipped")
    assert skipped == ["content/cables/dir", "content/cables/link.txt"]
    assert "cable/08BAKU9/index.html" not in result.files


@pytest.mark.parametrize("name", ["../escape.html", "/abs.html", "a/../../b", "a\\b", "a/./b", ""])
def test_nothing_is_written_outside_the_output(tmp_path: Path, name: str) -> None:
    with pytest.raises(BuildError):
        write_site(tmp_path / "out", {name: b"x"})
    assert not (tmp_path / "escape.html").exists()


def test_a_link_loop_inside_content_is_listed_once(tmp_path: Path) -> None:
    site = make_site(tmp_path / "site", SITE)
    (site / "content/cables/loop").symlink_to(site / "content/cables")
    result = build(load_config(site / "sitegen.toml"))
    assert result.cables == 2
    assert not [d for d in result.diagnostics if d.code == "duplicate-id"]
