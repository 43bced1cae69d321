"""Citations: the BibTeX, RIS and CSL-JSON files beside every cable page read back by the
standard parsers of their formats (bibtexparser, rispy, citeproc-py), with hostile strings
(quotes, braces, ``%``, ``\\``, ``&``, ``<script>``, LaTeX ligatures) in the subject, the
post and the archive's title; the page's Highwire and Dublin Core tags, the "Cite this
cable" text and its links, with and without ``base_url`` and pretty URLs; the same bytes
twice; an edit followed by an incremental build; and every cable of the real corpus.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
import rispy
from bibtexparser.entrypoint import parse_string
from citeproc import (
    Citation,
    CitationItem,
    CitationStylesBibliography,
    CitationStylesStyle,
    formatter,
)
from citeproc.source.json import CiteProcJSON
from minisite import cable, make_site, output_files
from pylatexenc.latex2text import LatexNodes2Text, MacroTextSpec, get_default_latex_context_db
from sitecheck import Site, corpus_site, target_of

from sitegen.core.config import load_config
from sitegen.core.model import Cable as ModelCable
from sitegen.core.urls import Urls
from sitegen.parse.dates import MONTH_NAMES
from sitegen.render import cite
from sitegen.site.build import Site as Builder

GOLDEN_CABLES = Path(__file__).parent / "golden" / "site" / "content" / "cables"

SUBJECT = (
    "A \"QUOTED\" {BRACED} 100% \\BACKSLASH & <script>alert(1)</script> ~^$#_| -- ''X'' `Y` CAFÉ"
)
ORIGIN = 'Embassy {Baku} & "Co" 50% \\ <i>'
TITLE = 'Archive {of} "cables" & 100% <b>'
BASE = "https://example.org/a_b/"

CABLES = {
    # A metadata header: the date as written.
    "content/cables/08BAKU1.txt": cable("08BAKU1", subject=SUBJECT, origin=ORIGIN),
    "content/cables/08BAKU2.txt": cable("08BAKU2", subject="IS IT OVER?", created="2008-01-15"),
    # No header: the date read from the date-time group, and one estimated.
    "content/cables/08BAKU129.txt": (GOLDEN_CABLES / "08BAKU129.txt").read_text("utf-8"),
    "content/cables/08STATE19634.txt": (GOLDEN_CABLES / "08STATE19634.txt").read_text("utf-8"),
}


@dataclass(frozen=True, slots=True)
class Known:
    """What the citation of a cable must say."""

    title: str
    author: str
    date: tuple[int, int, int]
    source: str = "header"
    classification: str = "CONFIDENTIAL"


KNOWN = {
    "08BAKU1": Known(SUBJECT, ORIGIN, (2008, 2, 27)),
    "08BAKU2": Known("IS IT OVER?", "Embassy Baku", (2008, 1, 15)),
    "08BAKU129": Known(
        "AZERBAIJAN: FOREIGN MINISTER ON THE UNGA RESOLUTION AND KOSOVO",
        "Embassy Baku",
        (2008, 2, 27),
        "text",
    ),
    "08STATE19634": Known(
        "GUIDANCE FOR AZERBAIJANI UNGA RESOLUTION",
        "Secretary of State",
        (2008, 2, 27),
        "estimate",
    ),
}


def build_site(root: Path, config: str) -> dict[str, bytes]:
    site = make_site(root, CABLES, f"title = {json.dumps(TITLE)}\nsearch = false\n{config}")
    result = Builder(load_config(site / "sitegen.toml")).build()
    return output_files(site / "output", result)


@pytest.fixture(scope="module")
def with_base(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    return build_site(tmp_path_factory.mktemp("cite") / "site", f'base_url = "{BASE}"\n')


@pytest.fixture(scope="module")
def without_base(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    return build_site(tmp_path_factory.mktemp("cite") / "site", "")


# -- reading the files back with the parsers of their formats ----------------------------


def _latex() -> LatexNodes2Text:
    """pylatexenc, told the text-mode macros its defaults read otherwise (it drops
    ``\\textless`` and makes ``\\textasciicircum`` a modifier letter)."""
    context = get_default_latex_context_db()
    signs = {"textless": "<", "textgreater": ">", "textbar": "|", "textasciicircum": "^"}
    macros = [MacroTextSpec(name, text) for name, text in signs.items()]
    context.add_context_category("ascii", macros=macros, prepend=True)
    return LatexNodes2Text(latex_context=context)


LATEX = _latex()
_SPECIAL = re.compile(r"[\\{}~$%&#_^]|--|''|``|[?!]`|,,")


@cache
def from_latex(value: str) -> str:
    """A field's value as LaTeX prints it. pylatexenc takes a millisecond a field, and text
    with none of LaTeX's special characters reads as itself: only the rest goes to it."""
    inner = value[1:-1] if value[:1] == "{" and value[-1:] == "}" else value
    return inner if not _SPECIAL.search(inner) else str(LATEX.latex_to_text(value))


VERBATIM = {"url", "date", "month"}
"""Fields read as they are: biblatex reads url and date verbatim, month is a macro."""


def read_bibtex(text: str) -> dict[str, dict[str, str]]:
    """Every entry by key: its type (``ENTRYTYPE``) and fields, LaTeX decoded."""
    library = parse_string(text)
    assert not library.failed_blocks, [b.error for b in library.failed_blocks]
    out: dict[str, dict[str, str]] = {}
    for entry in library.entries:
        fields = {
            f.key: f.value if f.key in VERBATIM else from_latex(f.value) for f in entry.fields
        }
        out[entry.key] = fields | {"ENTRYTYPE": entry.entry_type}
    return out


def read_ris(text: str) -> list[dict[str, Any]]:
    lines = text.split("\n")
    assert lines[-1] == "", "a RIS file ends with a line break"
    for line in lines[:-1]:
        assert re.fullmatch(r"[A-Z][A-Z0-9]  - .*", line), f"not a RIS line: {line!r}"
    entries: list[dict[str, Any]] = rispy.loads(text)
    return entries


def read_csl(items: list[dict[str, Any]]) -> CiteProcJSON:
    return CiteProcJSON(items)


def render_csl(source: CiteProcJSON, keys: Iterable[str]) -> list[str]:
    """The bibliography citeproc-py renders with the style it ships."""
    style = CitationStylesStyle("harvard-cite-them-right", validate=False)
    bibliography = CitationStylesBibliography(style, source, formatter.plain)
    for key in keys:
        bibliography.register(Citation([CitationItem(key)]))
    return [str(item) for item in bibliography.bibliography()]


# -- the page ------------------------------------------------------------------------------


@dataclass
class CitePage:
    """What a cable page says for citations."""

    meta: dict[str, list[str]] = field(default_factory=dict)
    citation: str = ""
    cite_links: list[dict[str, str]] = field(default_factory=list)
    """Every ``<a>`` of the "Cite this cable" block, with its attributes."""
    scripts: list[str] = field(default_factory=list)


class _CiteParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.page = CitePage()
        self.in_cite = 0  # depth of <section> inside the citation block
        self.in_citation = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        if tag == "meta" and "name" in values:
            self.page.meta.setdefault(values["name"], []).append(values.get("content", ""))
        elif tag == "script" and "src" in values:
            self.page.scripts.append(values["src"])
        elif tag == "section":
            if self.in_cite or "data-cite" in values:
                self.in_cite += 1
        elif tag == "p" and "citation" in values.get("class", "").split():
            self.in_citation = True
        elif tag == "a" and self.in_cite:
            self.page.cite_links.append(values)

    def handle_endtag(self, tag: str) -> None:
        if tag == "section" and self.in_cite:
            self.in_cite -= 1
        elif tag == "p":
            self.in_citation = False

    def handle_data(self, data: str) -> None:
        if self.in_citation:
            self.page.citation += data


def read_page(data: bytes) -> CitePage:
    parser = _CiteParser()
    parser.feed(data.decode("utf-8"))
    parser.close()
    return parser.page


def us_date(day: tuple[int, int, int]) -> str:
    return f"{MONTH_NAMES[day[1] - 1]} {day[2]}, {day[0]}"


# -- the tests -----------------------------------------------------------------------------


def test_files_read_back_by_their_parsers_say_what_the_cable_says(
    with_base: dict[str, bytes],
) -> None:
    for cid, known in KNOWN.items():
        url = f"{BASE}cable/{cid}/"
        y, m, d = known.date
        bib = read_bibtex(with_base[f"cable/{cid}/cite.bib"].decode())
        assert list(bib) == [cid]
        entry = bib[cid]
        assert entry["ENTRYTYPE"] == "misc"
        assert (entry["title"], entry["author"]) == (known.title, known.author)
        assert (entry["number"], entry["type"]) == (cid, "Diplomatic cable")
        assert (entry["year"], entry["month"]) == (str(y), MONTH_NAMES[m - 1][:3].lower())
        approximate = "~" if known.source == "estimate" else ""
        assert entry["date"] == f"{y:04d}-{m:02d}-{d:02d}{approximate}"
        assert entry["publisher"] == entry["organization"] == TITLE
        assert entry["url"] == url
        assert f"Classification: {known.classification}." in entry["note"]

        (ris,) = read_ris(with_base[f"cable/{cid}/cite.ris"].decode())
        assert ris["type_of_reference"] == "GOVDOC"
        assert (ris["id"], ris["accession_number"]) == (cid, cid)
        assert (ris["title"], ris["authors"]) == (known.title, [known.author])
        assert (ris["year"], ris["date"]) == (str(y), f"{y:04d}/{m:02d}/{d:02d}")
        assert (ris["publisher"], ris["name_of_database"]) == (TITLE, TITLE)
        assert (ris["urls"], ris["type_of_work"]) == ([url], "Diplomatic cable")

        items = json.loads(with_base[f"cable/{cid}/cite.json"])
        assert [item["id"] for item in items] == [cid]
        item = items[0]
        assert (item["type"], item["genre"], item["number"]) == (
            "document",
            "Diplomatic cable",
            cid,
        )
        assert (item["title"], item["author"]) == (known.title, [{"literal": known.author}])
        assert (item["publisher"], item["URL"]) == (TITLE, url)
        assert item["issued"]["date-parts"] == [[y, m, d]]
        source = read_csl(items)
        (key,) = source.keys()
        reference = source[key]
        assert str(reference["title"]) == known.title
        assert str(reference["publisher"]) == TITLE
        assert str(reference["number"]) == cid and str(reference["URL"]) == url
        assert reference["author"][0]["literal"] == known.author
        issued = reference["issued"]
        assert (issued.year, issued.month, issued.day) == known.date
        assert bool(getattr(issued, "circa", False)) == (known.source == "estimate")
        (rendered,) = render_csl(source, [key])
        assert known.title in rendered and known.author in rendered and url in rendered


def test_the_date_of_a_cable_without_header_is_explained(with_base: dict[str, bytes]) -> None:
    """A date read from the text is given as it is, with a note; an estimated one is marked
    approximate everywhere a format can mark it."""
    for cid, note in (("08BAKU129", "text"), ("08STATE19634", "estimate")):
        said = cite.DATE_NOTES[note]
        assert said in read_bibtex(with_base[f"cable/{cid}/cite.bib"].decode())[cid]["note"]
        assert said in read_ris(with_base[f"cable/{cid}/cite.ris"].decode())[0]["notes"]
        assert said in json.loads(with_base[f"cable/{cid}/cite.json"])[0]["note"]
    assert json.loads(with_base["cable/08STATE19634/cite.json"])[0]["issued"]["circa"] is True
    assert "circa" not in json.loads(with_base["cable/08BAKU129/cite.json"])[0]["issued"]
    assert "(date estimated)" in read_page(with_base["cable/08STATE19634/index.html"]).citation
    assert "estimated" not in read_page(with_base["cable/08BAKU129/index.html"]).citation
    assert json.loads(with_base["cable/08BAKU1/cite.json"])[0]["note"] == (
        "Classification: CONFIDENTIAL."
    )


def test_bibtex_escapes_every_special_character(with_base: dict[str, bytes]) -> None:
    """Read without a LaTeX decoder: no bare special character is left in the title."""
    text = with_base["cable/08BAKU1/cite.bib"].decode()
    (title,) = re.findall(r"^  title\s+= \{\{(.*)\}\},$", text, re.M)
    # What is left once the escapes and the ligature breaks ("-{}-") are taken out.
    bare = re.sub(r"\\(?:[{}%&$#_]|[a-z]+\{\})|(?<=[-'`!?,])\{\}", "", title)
    assert not re.search(r"[{}%&$#_\\~^<>|]", bare), title
    assert "--" not in title and "''" not in title and "``" not in title
    assert text.count("{") == text.count("}")


def test_the_page_head_has_highwire_and_dublin_core_tags(with_base: dict[str, bytes]) -> None:
    for cid, known in KNOWN.items():
        y, m, d = known.date
        page = read_page(with_base[f"cable/{cid}/index.html"])
        url = f"{BASE}cable/{cid}/"
        expected = {
            "citation_title": [known.title],
            "citation_author": [known.author],
            "citation_date": [f"{y:04d}/{m:02d}/{d:02d}"],
            "citation_publication_date": [f"{y:04d}/{m:02d}/{d:02d}"],
            "citation_publisher": [TITLE],
            "citation_technical_report_number": [cid],
            "citation_language": ["en"],
            "citation_public_url": [url],
            "citation_fulltext_html_url": [url],
            "DC.title": [known.title],
            "DC.creator": [known.author],
            "DC.date": [f"{y:04d}-{m:02d}-{d:02d}"],
            "DC.identifier": [cid],
            "DC.publisher": [TITLE],
            "DC.type": ["Text"],
            "DC.format": ["text/html"],
            "DC.language": ["en"],
        }
        found = {k: v for k, v in page.meta.items() if k.startswith(("citation_", "DC."))}
        assert found == expected
    raw = with_base["cable/08BAKU1/index.html"].decode()
    assert "<script>alert" not in raw and "<i>" not in raw and "<b>" not in raw


def test_the_cite_block_says_it_in_one_sentence(with_base: dict[str, bytes]) -> None:
    page = read_page(with_base["cable/08BAKU1/index.html"])
    assert page.citation == (
        f"{ORIGIN}, \u201c{SUBJECT},\u201d telegram 08BAKU1 (CONFIDENTIAL), "
        f"February 27, 2008, {TITLE}, {BASE}cable/08BAKU1/ (accessed [date])."
    )
    # A subject ending in a question mark takes no comma after it.
    assert "\u201cIS IT OVER?\u201d telegram 08BAKU2 (CONFIDENTIAL), January 15, 2008" in (
        read_page(with_base["cable/08BAKU2/index.html"]).citation
    )
    for cid, known in KNOWN.items():
        text = read_page(with_base[f"cable/{cid}/index.html"]).citation
        assert text.startswith(f"{known.author}, \u201c{known.title}")
        assert us_date(known.date) in text and "accessed [date]" in text


def test_without_base_url_the_files_leave_the_url_out(without_base: dict[str, bytes]) -> None:
    """The build cannot know the site's address: the files hold none, the page shows the
    path (the script fills the address it is opened at), the head has no URL tags."""
    for cid in KNOWN:
        entry = read_bibtex(without_base[f"cable/{cid}/cite.bib"].decode())[cid]
        assert "url" not in entry
        (ris,) = read_ris(without_base[f"cable/{cid}/cite.ris"].decode())
        assert "urls" not in ris
        (item,) = json.loads(without_base[f"cable/{cid}/cite.json"])
        assert "URL" not in item
        page = read_page(without_base[f"cable/{cid}/index.html"])
        assert page.citation.endswith(f", {TITLE}, cable/{cid}/ (accessed [date]).")
        (own,) = [a for a in page.cite_links if "data-cite-url" in a]
        assert target_of(f"cable/{cid}/index.html", own["href"])[0] == f"cable/{cid}/index.html"
        assert "citation_public_url" not in page.meta
        assert page.scripts[-1] == "../../static/cite.js"
    assert "static/cite.js" in without_base


@pytest.mark.parametrize("pretty", [True, False])
def test_the_download_links_resolve(tmp_path: Path, pretty: bool) -> None:
    files = build_site(tmp_path / "site", f"pretty_urls = {str(pretty).lower()}\n")
    for cid in KNOWN:
        page_file = f"cable/{cid}/index.html"
        page = read_page(files[page_file])
        downloads = {a["download"]: a for a in page.cite_links if "download" in a}
        assert sorted(downloads) == sorted(f"{cid}{f.suffix}" for f in cite.FILES.values())
        for info in cite.FILES.values():
            link = downloads[f"{cid}{info.suffix}"]
            assert (link["type"], link["href"].rsplit("/", 1)[1]) == (info.media_type, info.name)
            assert target_of(page_file, link["href"]) == (f"cable/{cid}/{info.name}", None)
            assert f"cable/{cid}/{info.name}" in files
        for link in page.cite_links:
            target = target_of(page_file, link["href"])[0]
            assert target in files, link
            if not pretty:
                assert not link["href"].endswith("/"), link


def test_the_same_bytes_twice(tmp_path: Path, with_base: dict[str, bytes]) -> None:
    again = build_site(tmp_path / "site", f'base_url = "{BASE}"\n')
    assert again == with_base


def test_an_edit_rewrites_the_files_of_that_cable(tmp_path: Path) -> None:
    """The citation files belong to their cable's group: an incremental build brings them
    up to date, the same as a clean build."""
    site = make_site(tmp_path / "site", CABLES, "search = false\n")
    builder = Builder(load_config(site / "sitegen.toml"))
    builder.build()
    path = site / "content/cables/08BAKU2.txt"
    path.write_text(cable("08BAKU2", subject="A NEW {SUBJECT}", created="2008-01-15"), "utf-8")
    result = builder.build()
    assert result.written is not None and 0 < result.written.written < 20
    files = output_files(site / "output", result)
    assert read_bibtex(files["cable/08BAKU2/cite.bib"].decode())["08BAKU2"]["title"] == (
        "A NEW {SUBJECT}"
    )
    edited = {**CABLES, "content/cables/08BAKU2.txt": path.read_text("utf-8")}
    clean = make_site(tmp_path / "clean", edited, "search = false\n")
    clean_files = output_files(
        clean / "output", Builder(load_config(clean / "sitegen.toml")).build()
    )
    assert files == clean_files


def test_a_cable_with_nothing_known_is_still_cited(tmp_path: Path) -> None:
    """No subject, post, date or classification: the fallbacks, in every form."""
    config = load_config(root=tmp_path, title="A")
    urls = Urls()
    entry = cite.citation_of(ModelCable(source="x.txt", created=None), "08X1", config, urls)
    assert cite.text(entry, "cable/08X1/") == (
        "US Department of State, \u201c(no subject),\u201d telegram 08X1, undated, A, "
        "cable/08X1/ (accessed [date])."
    )
    files = cite.files(entry, urls)
    bib = read_bibtex(files["cable/08X1/cite.bib"].decode())["08X1"]
    assert (bib["title"], bib["author"]) == ("(no subject)", "US Department of State")
    assert not {"date", "year", "month", "note", "url"} & set(bib)
    (ris,) = read_ris(files["cable/08X1/cite.ris"].decode())
    assert not {"year", "date", "notes"} & set(ris)
    (item,) = json.loads(files["cable/08X1/cite.json"])
    assert not {"issued", "note", "URL"} & set(item)
    assert render_csl(read_csl([item]), ["08x1"])
    assert [name for name, _ in cite.meta_tags(entry) if "date" in name.lower()] == []


def test_values_are_made_one_line_and_escaped() -> None:
    assert cite.one_line(" A\n B\r\n\tC\x00D\u2028E ") == "A B C D E"
    assert cite.tex("50% {a} \\b") == r"50\% \{a\} \textbackslash{}b"
    assert cite.tex("A -- B ''C'' ``D`` ?`") == "A -{}- B '{}'C'{}' `{}`D`{}` ?{}`"
    assert cite.tex("x---y") == "x-{}-{}-y"


# -- the real corpus -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def corpus_built(tmp_path_factory: pytest.TempPathFactory, corpus: Path) -> Site:
    return corpus_site(tmp_path_factory, corpus)


def test_every_cable_of_the_corpus_has_files_its_parsers_read(corpus_built: Site) -> None:
    """All the files at once: one parse per format for the whole corpus (quick)."""
    site = corpus_built
    ids = sorted(site.cables)
    bib = read_bibtex("\n".join(site.files[f"cable/{cid}/cite.bib"].decode() for cid in ids))
    ris = read_ris("".join(site.files[f"cable/{cid}/cite.ris"].decode() for cid in ids))
    items = [item for cid in ids for item in json.loads(site.files[f"cable/{cid}/cite.json"])]
    source = read_csl(items)
    assert sorted(bib) == ids
    assert [entry["id"] for entry in ris] == ids
    assert [item["id"] for item in items] == ids
    failures = []
    for n, cid in enumerate(ids):
        data = site.cables[cid]
        title = " ".join((data["subject"] or "").split()) or cite.UNTITLED
        author = data["origin"] or cite.AUTHOR_UNKNOWN
        day = data["created"][:10] if data["created"] else None
        entry, record, item = bib[cid], ris[n], items[n]
        said = {
            "bib": (entry["title"], entry["author"], entry.get("date", "").rstrip("~") or None),
            "ris": (
                record["title"],
                record["authors"][0],
                record["date"].replace("/", "-") if "date" in record else None,
            ),
            "csl": (
                str(source[cid.lower()]["title"]),
                source[cid.lower()]["author"][0]["literal"],
                "-".join(f"{p:02d}" for p in item["issued"]["date-parts"][0])
                if "issued" in item
                else None,
            ),
        }
        for fmt, values in said.items():
            if values != (title, author, day):
                failures.append(f"{cid} {fmt}: {values} != {(title, author, day)}")
    print(f"\n[cite] {len(ids)} cables: .bib, .ris and .json read back by their parsers")
    assert not failures, "\n".join(failures[:20])
