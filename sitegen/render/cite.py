"""Citations of a cable: the "Cite this cable" text of its page, the BibTeX, RIS and CSL-JSON
files beside the page, and the Highwire Press and Dublin Core tags of the page's head.

One :class:`Citation` is made per cable and every format is written from it, so they all say
the same. Nothing comes from the clock: the access date is left to the reader, and without
``base_url`` the files leave the URL out rather than guess it (the page's script fills it in
the text; see ``docs/themes.md``).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date
from typing import Literal

from sitegen.core.config import Config
from sitegen.core.model import Cable
from sitegen.core.urls import Urls
from sitegen.parse.dates import MONTH_NAMES
from sitegen.render.escape import html_safe_json

AUTHOR_UNKNOWN = "US Department of State"
"""The author when the post is unknown: every cable is a State Department telegram."""
UNTITLED = "(no subject)"
GENRE = "Diplomatic cable"
LANGUAGE = "en"
"""The cables' language (not the site's, which may be another)."""
ACCESSED = "accessed [date]"
"""Left for the reader to fill: a build date would be wrong and would change the bytes."""
DATE_NOTES = {
    "text": "Date read from the cable's text (it has no metadata header).",
    "estimate": "Date estimated by the archive: the cable states none.",
}
"""Why a date is not from a metadata header (see :attr:`Citation.date_source`)."""


@dataclass(frozen=True, slots=True)
class Download:
    """One citation file of a cable."""

    label: str
    name: str
    """Its name in the cable's folder (``cable/<ID>/cite.bib``): the same for every cable."""
    media_type: str
    suffix: str
    """Of the name it is saved under (``08BAKU129.bib``): tells one cable's from another's."""


FILES: dict[str, Download] = {
    "bib": Download("BibTeX", "cite.bib", "application/x-bibtex", ".bib"),
    "ris": Download("RIS", "cite.ris", "application/x-research-info-systems", ".ris"),
    "csl": Download(
        "CSL-JSON", "cite.json", "application/vnd.citationstyles.csl+json", ".csl.json"
    ),
}

_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")


def one_line(text: str) -> str:
    """``text`` on one line: runs of whitespace (line breaks included) made one space and
    control characters dropped, which no format here can hold as they are."""
    return " ".join(_CONTROL.sub(" ", text).split())


@dataclass(frozen=True, slots=True)
class Citation:
    """What a citation of one cable says, each value on one line and unescaped."""

    id: str
    title: str
    """The subject as written (capitals kept), or :data:`UNTITLED`."""
    author: str
    """The post the cable came from: an institution, never split into names."""
    created: date | None
    """The day the cable was written, as the parser has it (None: undated)."""
    date_source: Literal["header", "text", "estimate"]
    """Where the date comes from: a metadata header, the cable's text (its date-time group:
    as good, but said so), or the parser's estimate (``created-estimated``: often right,
    as it mostly counts back from the declassification date, but marked approximate)."""
    classification: str | None
    publisher: str
    """The archive: the site's title."""
    url: str | None
    """The absolute URL of the cable's page; None without ``base_url``."""

    @property
    def notes(self) -> list[str]:
        """What the formats carry as notes: the classification, where the date is from."""
        out = [f"Classification: {self.classification}."] if self.classification else []
        return out + ([DATE_NOTES[self.date_source]] if self.date_source in DATE_NOTES else [])

    @property
    def estimated(self) -> bool:
        """The date is the parser's estimate: every form marks it approximate."""
        return self.created is not None and self.date_source == "estimate"


def citation_of(cable: Cable, cable_id: str, config: Config, urls: Urls) -> Citation:
    """The citation of the archive's cable ``cable_id``."""
    day: date | None = None
    if cable.created:
        try:
            day = date.fromisoformat(cable.created[:10])
        except ValueError:
            day = None
    source: Literal["header", "text", "estimate"] = "header"
    if day is not None and cable.created_inferred:
        estimated = any(d.code == "created-estimated" for d in cable.diagnostics)
        source = "estimate" if estimated else "text"
    page = urls.link(urls.cable(cable_id))
    return Citation(
        id=cable_id,
        title=one_line(cable.subject or "") or UNTITLED,
        author=one_line(cable.origin or "") or AUTHOR_UNKNOWN,
        created=day,
        date_source=source,
        classification=one_line(cable.classification or "") or None,
        publisher=one_line(config.title),
        url=f"{config.base_url}{page}" if config.base_url else None,
    )


# -- the text on the page ----------------------------------------------------------------


def long_date(day: date) -> str:
    """``February 27, 2008``: the date as US citation styles write it."""
    return f"{MONTH_NAMES[day.month - 1]} {day.day}, {day.year}"


def lead(c: Citation) -> str:
    """The citation up to its URL: ``Embassy Baku, “SUBJECT,” telegram 08BAKU129
    (CONFIDENTIAL), February 27, 2008, Archive, ``."""
    comma = "" if c.title[-1:] in ".?!" else ","  # “IS IT OVER?” telegram...
    kind = f"telegram {c.id}" + (f" ({c.classification})" if c.classification else "")
    when = long_date(c.created) if c.created else "undated"
    if c.estimated:
        when += " (date estimated)"
    return f"{c.author}, \u201c{c.title}{comma}\u201d {kind}, {when}, {c.publisher}, "


def tail() -> str:
    """The citation after its URL."""
    return f" ({ACCESSED})."


def text(c: Citation, shown_url: str) -> str:
    """The whole citation as plain text, with ``shown_url`` where the URL goes."""
    return f"{lead(c)}{shown_url}{tail()}"


def _slashed(day: date) -> str:
    """``2008/02/27``: the form Highwire tags and RIS ask for."""
    return f"{day.year:04d}/{day.month:02d}/{day.day:02d}"


# -- the tags of the page's head ---------------------------------------------------------


def meta_tags(c: Citation) -> list[tuple[str, str]]:
    """(name, content) of the page's ``<meta>`` tags: Highwire Press (read by Zotero, Google
    Scholar) and Dublin Core; the template escapes them."""
    tags = [
        ("citation_title", c.title),
        ("citation_author", c.author),
    ]
    if c.created:
        slashed = _slashed(c.created)
        tags += [("citation_date", slashed), ("citation_publication_date", slashed)]
    tags += [
        ("citation_publisher", c.publisher),
        ("citation_technical_report_number", c.id),
        ("citation_language", LANGUAGE),
    ]
    if c.url:
        tags += [("citation_public_url", c.url), ("citation_fulltext_html_url", c.url)]
    tags += [("DC.title", c.title), ("DC.creator", c.author)]
    if c.created:
        tags.append(("DC.date", c.created.isoformat()))
    tags += [
        ("DC.identifier", c.id),
        ("DC.publisher", c.publisher),
        ("DC.type", "Text"),
        ("DC.format", "text/html"),
        ("DC.language", LANGUAGE),
    ]
    return tags


# -- BibTeX ------------------------------------------------------------------------------

_TEX = str.maketrans(
    {
        "\\": r"\textbackslash{}",
        "{": r"\{",
        "}": r"\}",
        "%": r"\%",
        "&": r"\&",
        "$": r"\$",
        "#": r"\#",
        "_": r"\_",
        "~": r"\textasciitilde{}",
        "^": r"\textasciicircum{}",
        "<": r"\textless{}",  # LaTeX's default font encoding prints "<", ">", "|" as
        ">": r"\textgreater{}",  # other signs
        "|": r"\textbar{}",
    }
)
# Pairs LaTeX typesets as one sign (``--`` a dash, two quotes a curly quote): kept apart.
_LIGATURE = re.compile(r"(?<=-)(?=-)|(?<=`)(?=`)|(?<=')(?=')|(?<=[!?])(?=`)|(?<=,)(?=,)")


def tex(value: str) -> str:
    """``value`` for a braced BibTeX field: LaTeX's special characters escaped (so braces
    always balance and ``%`` starts no comment) and ligatures broken, so LaTeX prints the
    characters as written."""
    return _LIGATURE.sub("{}", value.translate(_TEX))


def _bib_url(url: str) -> str:
    """A URL for the ``url`` field, which biblatex and the url package read verbatim: only
    what could unbalance the braces or break the line is percent-encoded."""
    return re.sub(r"[{}\\\s]", lambda m: f"%{ord(m.group()):02X}", url)


def bibtex(c: Citation) -> str:
    """A ``@misc`` entry keyed by the cable ID. The author and title are double-braced: the
    author is an institution (not "Baku, Embassy") and the title keeps its capitals. An
    estimated date is marked approximate in ``date`` as biblatex reads it."""
    fields: list[tuple[str, str]] = [
        ("author", f"{{{{{tex(c.author)}}}}}"),
        ("title", f"{{{{{tex(c.title)}}}}}"),
        ("type", f"{{{GENRE}}}"),
        ("number", f"{{{c.id}}}"),
    ]
    if c.created:
        approximate = "~" if c.estimated else ""  # biblatex reads EDTF: 2008-02-27~
        fields += [
            ("date", f"{{{c.created.isoformat()}{approximate}}}"),
            ("year", f"{{{c.created.year}}}"),
            # The styles' macro (``feb``): printed as the month's name.
            ("month", MONTH_NAMES[c.created.month - 1][:3].lower()),
        ]
    fields += [
        ("organization", f"{{{tex(c.publisher)}}}"),  # what biblatex prints for @misc
        ("publisher", f"{{{tex(c.publisher)}}}"),  # what reference managers import
    ]
    if c.url:
        fields.append(("url", f"{{{_bib_url(c.url)}}}"))
    if c.notes:
        fields.append(("note", f"{{{tex(' '.join(c.notes))}}}"))
    fields.append(("langid", "{english}"))
    width = max(len(name) for name, _ in fields)
    body = "".join(f"  {name.ljust(width)} = {value},\n" for name, value in fields)
    return f"@misc{{{c.id},\n{body}}}\n"


# -- RIS ---------------------------------------------------------------------------------


def ris(c: Citation) -> str:
    """A ``GOVDOC`` (government document) record: one tag per line, every value on one line
    (:func:`one_line` made them so), ``ER`` last."""
    lines = [("TY", "GOVDOC"), ("ID", c.id), ("TI", c.title), ("AU", c.author)]
    if c.created:
        lines += [("PY", str(c.created.year)), ("DA", _slashed(c.created))]
    lines += [("PB", c.publisher), ("DB", c.publisher), ("M3", GENRE), ("AN", c.id)]
    if c.url:
        lines.append(("UR", c.url))
    lines += [("N1", note) for note in c.notes]
    lines += [("LA", LANGUAGE), ("ER", "")]
    return "".join(f"{tag}  - {value}\n" for tag, value in lines)


# -- CSL-JSON ----------------------------------------------------------------------------


def csl(c: Citation) -> dict[str, object]:
    """The CSL-JSON item (what citeproc-js, pandoc and Zotero read). An estimated date is
    marked ``circa``; ``note`` says where a date not from a header comes from."""
    item: dict[str, object] = {
        "id": c.id,
        "type": "document",
        "title": c.title,
        "author": [{"literal": c.author}],
    }
    if c.created:
        issued: dict[str, object] = {
            "date-parts": [[c.created.year, c.created.month, c.created.day]]
        }
        if c.estimated:
            issued["circa"] = True
        item["issued"] = issued
    item |= {"publisher": c.publisher, "number": c.id, "genre": GENRE, "language": LANGUAGE}
    if c.url:
        item["URL"] = c.url
    if c.notes:
        item["note"] = " ".join(c.notes)
    return item


def csl_json(c: Citation) -> str:
    """A CSL-JSON file: a list of one item, a key a line (these files are for people too;
    laid out here because ``json``'s indenting encoder is slow, and they are many).
    ``<``, ``>`` and ``&`` are escaped like in every JSON file of the site, so no string in
    it reads as markup should it end up inside a page."""
    keys = ",\n".join(
        f"    {json.dumps(key)}: {json.dumps(value, ensure_ascii=False)}"
        for key, value in csl(c).items()
    )
    text = f"[\n  {{\n{keys}\n  }}\n]\n"
    return html_safe_json(text)


def files(c: Citation, urls: Urls) -> dict[str, bytes]:
    """The downloads of a cable by output path (in the cable's folder), UTF-8."""
    made = {"bib": bibtex(c), "ris": ris(c), "csl": csl_json(c)}
    return {urls.cable_file(c.id, FILES[k].name): made[k].encode("utf-8") for k in FILES}
