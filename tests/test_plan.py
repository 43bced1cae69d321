"""The plan layer's table of page kinds: every group the site has is planned by it, and
every template it names is in the default theme (a template missing from the table would
silently make every change of it rebuild the whole site)."""

from __future__ import annotations

from sitegen.content.archive import MarkdownPage, build_archive
from sitegen.parse import parse_cable
from sitegen.plan.groups import groups_of
from sitegen.plan.kinds import KINDS
from sitegen.render.templates import default_theme

CABLE = """\
Reference ID: 08BAKU129
Created: 2008-02-07 10:00
Classification: CONFIDENTIAL
Origin: Embassy Baku

TAGS: PREL, AJ
SUBJECT: A SUBJECT

1. (C) Text.
"""


def test_every_kind_of_group_has_a_row_and_every_row_a_template() -> None:
    cable = parse_cable(CABLE, "content/cables/08BAKU129.txt")
    page = MarkdownPage("content/pages/about.md", "about", "About", "Text.")
    archive = build_archive([cable], [], [page])
    kinds = {key.kind for key in groups_of(archive, search=True)}
    assert kinds == set(KINDS)
    templates = default_theme() / "templates"
    for kind in KINDS.values():
        assert (templates / kind.template).is_file(), kind.template
