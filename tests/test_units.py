"""Unit tests of the small site modules: URLs, slugs, configuration, histograms, glossary, and
the archive's incremental helpers."""

from __future__ import annotations

import io
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from sitegen.content.archive import build_archive, replaced
from sitegen.core.config import load_config
from sitegen.core.errors import ConfigError
from sitegen.core.ids import is_safe_id
from sitegen.core.model import Cable
from sitegen.core.urls import Urls, relative, slug
from sitegen.parse import parse_bytes
from sitegen.render.svg import Bar, histogram
from sitegen.tables.tags import Glossary, kind_of


@pytest.mark.parametrize(
    ("page", "target", "expected"),
    [
        ("", "tag/PREL/", "tag/PREL/"),
        ("", "", "./"),
        ("cable/08BAKU1/", "tag/PREL/", "../../tag/PREL/"),
        ("cable/08BAKU1/", "", "../../"),
        ("cable/08BAKU1/", "cable/08BAKU1/#p3", "#p3"),
        ("tag/PREL/page/2/", "tag/PREL/", "../../../../tag/PREL/"),
        ("cable/08BAKU1/index.html", "index.html", "../../index.html"),
        ("404.html", "static/style.css", "static/style.css"),
    ],
)
def test_relative_links(page: str, target: str, expected: str) -> None:
    assert relative(page, target) == expected


def test_links_name_their_file_without_pretty_urls() -> None:
    assert Urls(pretty=False).link("tag/PREL/") == "tag/PREL/index.html"
    assert Urls(pretty=False).link("") == "index.html"
    assert Urls(pretty=True).link("tag/PREL/") == "tag/PREL/"
    assert Urls.output_file("cable/08BAKU1/") == "cable/08BAKU1/index.html"
    assert Urls.paginated("tag/PREL/", 3) == "tag/PREL/page/3/"


def test_slugs_and_safe_ids() -> None:
    assert slug("CLINTON, HILLARY") == "CLINTON-HILLARY"
    assert slug("SECRET//NOFORN").lower() == "secret-noforn"
    assert slug("../..") == "-"
    assert is_safe_id("08BAKU129")
    assert not is_safe_id("../08BAKU129") and not is_safe_id("08baku1") and not is_safe_id("AUX")


def test_config_types_are_checked(tmp_path: Path) -> None:
    path = tmp_path / "sitegen.toml"
    path.write_text("page_size = true\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="'page_size' must be a int"):
        load_config(path)
    path.write_text('base_url = "https://x.org/a"\n[glossary]\nprel = "Mine"\n', encoding="utf-8")
    config = load_config(path)
    assert config.base_url == "https://x.org/a/"
    assert config.glossary == {"PREL": "Mine"}
    assert load_config(path, output_dir="public").output == tmp_path / "public"
    path.write_text("title = [", encoding="utf-8")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_config(path)


def test_histogram_is_escaped_static_svg() -> None:
    svg = histogram([Bar("<2008>", 3, "a&b/"), Bar("2009", 0)], 'Per "year"')
    assert svg.startswith("<svg") and "<script" not in svg
    assert "&lt;2008&gt;: 3" in svg and 'href="a&amp;b/"' in svg
    assert 'aria-label="Per &quot;year&quot;"' in svg
    assert histogram([], "empty") == ""


def test_a_histogram_of_links_is_a_group_of_named_links() -> None:
    """axe's nested-interactive: links inside an ``img`` are hidden from a screen reader
    yet take the focus."""
    linked = histogram([Bar("2008", 3, "2008/"), Bar("2009", 1, "2009/")], "Per year")
    assert 'role="group"' in linked
    assert '<a href="2008/"><title>2008: 3 cables</title><rect ' in linked
    assert "<title>2009: 1 cable</title>" in linked
    assert '<text x="17" y="115" text-anchor="middle" aria-hidden="true">2008</text>' in linked
    assert 'role="img"' in histogram([Bar("1", 2), Bar("2", 0, "2/")], "Per day")


def test_tag_kinds_and_titles() -> None:
    assert kind_of("CLINTON, HILLARY") == "person"
    assert kind_of("AJ") == "country"
    assert kind_of("KNNP") == "program"
    assert kind_of("PREL") == "subject"
    assert kind_of("UNGA") == "organisation"
    glossary = Glossary({"PREL": "Mine"})
    assert glossary.lookup("PREL").title == "Mine"
    assert glossary.lookup("PREL").source == "sitegen.toml"
    assert glossary.lookup("AJ").title == "Azerbaijan"


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_draws_a_bar_on_a_terminal_only(monkeypatch: pytest.MonkeyPatch) -> None:
    from sitegen.core import progress as progress_module

    terminal = _Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    monkeypatch.setattr(progress_module, "DELAY", 0.0)
    monkeypatch.setenv("COLUMNS", "100")
    assert list(progress_module.progress(range(50), 50, "parse")) == list(range(50))
    drawn = terminal.getvalue()
    assert "parse:" in drawn and "/50 [" in drawn and "cables/s" in drawn
    assert drawn.endswith("\r")  # the bar is cleared when the work is done
    pipe = io.StringIO()
    monkeypatch.setattr(sys, "stderr", pipe)
    assert list(progress_module.progress(range(5), 5, "parse")) == list(range(5))
    assert pipe.getvalue() == ""


def test_a_pager_links_a_bounded_window_of_pages() -> None:
    from sitegen.plan.pieces import page_window

    assert page_window(1, 1) == [1]
    assert page_window(1, 5) == [1, 2, 3, 4, 5]
    assert page_window(1, 100) == [1, 2, 3, 0, 100]
    assert page_window(50, 100) == [1, 0, 48, 49, 50, 51, 52, 0, 100]
    assert page_window(5, 100) == [1, 2, 3, 4, 5, 6, 7, 0, 100]
    assert page_window(100, 100) == [1, 0, 98, 99, 100]
    assert max(len(page_window(n, 5000)) for n in range(1, 5001)) == 9


def _parsed(cable_id: str, **fields: str) -> Cable:
    from minisite import cable

    return parse_bytes(cable(cable_id, **fields).encode(), f"{cable_id}.txt")


def test_an_edit_that_keeps_the_lists_swaps_the_cable_and_shares_the_indexes() -> None:
    cables = [
        _parsed("08BAKU1", subject="ONE"),
        _parsed("08BAKU2", subject="TWO", refs="A. BAKU 1", tags="PGOV"),
    ]
    archive = build_archive(cables, [], [])
    edited = _parsed("08BAKU1", subject="ONE, EDITED", body="1. (C) Other text.")
    swapped = replaced(archive, [(cables[0], edited)])
    assert swapped is not None
    assert swapped.cables["08BAKU1"] is edited and swapped.cables["08BAKU2"] is cables[1]
    assert swapped.by_tag is archive.by_tag and swapped.cited_by is archive.cited_by
    assert swapped == build_archive([edited, cables[1]], [], [])
    assert archive.cables["08BAKU1"] is cables[0]  # the earlier archive is left as it was
    # Anything an index depends on makes a new archive necessary.
    for change in ({"tags": "KNNP"}, {"created": "2008-05-01 10:00"}, {"refs": "A. BAKU 9"}):
        assert replaced(archive, [(cables[0], _parsed("08BAKU1", **change))]) is None
    # ... and so does a cable the archive does not hold.
    assert replaced(archive, [(edited, _parsed("08BAKU1"))]) is None


def test_a_place_in_a_newest_first_list_is_found_without_making_the_list() -> None:
    cables = [
        _parsed("08BAKU1", created="2008-01-01 10:00"),
        _parsed("08BAKU2", created="2008-03-01 10:00"),
        _parsed("08BAKU3", created="2008-02-01 10:00"),
    ]
    undated = [
        replace(cables[0], id=f"08BAKU{n}", source=f"08BAKU{n}.txt", created=None) for n in (8, 9)
    ]
    archive = build_archive([*cables, *undated], [], [])
    assert archive.by_tag["PREL"][-2:] == ["08BAKU8", "08BAKU9"]
    for tag, ids in archive.by_tag.items():
        newest = archive.newest_first(ids)
        for cid in ids:
            assert archive.newest_position(ids, cid) == newest.index(cid), (tag, cid)
    assert archive.newest_position(archive.by_tag["PREL"], "NOT-THERE") is None
