"""Pages and notes: the Markdown files of a site read into :class:`MarkdownPage` and
:class:`Note`, their front matter checked (rendering them is the render layer's job)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import PurePath

from sitegen.content.archive import MarkdownPage, Note
from sitegen.content.discover import Source
from sitegen.core.diagnostics import Report
from sitegen.core.limits import MAX_MARKDOWN_BYTES, ContentError, read_limited
from sitegen.core.model import Diagnostic
from sitegen.core.urls import RESERVED, slug
from sitegen.parse.source import decode

_FRONT_KEYS = {"title", "slug", "order", "date", "description"}


@dataclass(slots=True)
class Document:
    """A Markdown file split into its front matter and its body."""

    meta: dict[str, str] = field(default_factory=dict)
    body: str = ""
    body_line: int = 1
    diagnostics: list[Diagnostic] = field(default_factory=list)


def split_front_matter(text: str) -> Document:
    """``---`` / ``key: value`` lines / ``---`` at the top, then the Markdown."""
    text = text.removeprefix("\ufeff").replace("\r\n", "\n")
    doc = Document(body=text)
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        return doc
    for end in range(1, len(lines)):
        if lines[end].strip() in ("---", "..."):
            break
    else:
        doc.diagnostics.append(
            Diagnostic(1, "warning", "front-matter", "front matter never closed by ---")
        )
        return doc
    for number in range(1, end):
        line = lines[number]
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        key, sep, value = line.partition(":")
        key = key.strip().lower()
        if not sep or not key:
            doc.diagnostics.append(
                Diagnostic(
                    number + 1,
                    "warning",
                    "front-matter",
                    f"not a 'key: value' line: {line.strip()[:60]!r}",
                )
            )
            continue
        if key not in _FRONT_KEYS:
            doc.diagnostics.append(
                Diagnostic(
                    number + 1, "warning", "front-matter", f"unknown front matter key {key!r}"
                )
            )
            continue
        doc.meta[key] = value.strip().strip("\"'")
    doc.body = "\n".join(lines[end + 1 :])
    doc.body_line = end + 2
    return doc


def _read(source: Source, report: Report) -> str | None:
    """A page or note's text; None (reported) when it cannot be read within the limits."""
    try:
        data = read_limited(source.path, MAX_MARKDOWN_BYTES)
    except ContentError as exc:
        report.append(Diagnostic(0, "error", exc.code, exc.message, source.name))
        return None
    text, problems = decode(data)
    report.extend(d.at(source.name) for d in problems)
    return text


def read_pages(sources: list[Source], report: Report) -> list[MarkdownPage]:
    pages: list[MarkdownPage] = []
    taken: dict[str, str] = {}
    for source in sources:
        text = _read(source, report)
        if text is None:
            continue
        doc = split_front_matter(text)
        report.extend(d.at(source.name) for d in doc.diagnostics)
        page_slug = slug(doc.meta.get("slug") or PurePath(source.name).stem).lower()
        if page_slug in RESERVED:
            report.append(
                Diagnostic(
                    1,
                    "error",
                    "page-slug-taken",
                    f"slug {page_slug!r} is used by the site itself; page skipped",
                    source.name,
                )
            )
            continue
        if page_slug in taken:
            report.append(
                Diagnostic(
                    1,
                    "error",
                    "page-slug-taken",
                    f"slug {page_slug!r} is also {taken[page_slug]}; page skipped",
                    source.name,
                )
            )
            continue
        taken[page_slug] = source.name
        try:
            order = int(doc.meta.get("order", "0"))
        except ValueError:
            report.append(
                Diagnostic(
                    1, "warning", "front-matter", "order must be a whole number", source.name
                )
            )
            order = 0
        title = doc.meta.get("title") or PurePath(source.name).stem.replace("-", " ").capitalize()
        pages.append(
            MarkdownPage(
                source.name,
                page_slug,
                title,
                doc.body,
                order,
                doc.meta.get("date"),
                doc.meta.get("description"),
            )
        )
    return pages


def read_notes(sources: list[Source], report: Report) -> list[Note]:
    notes = []
    for source in sources:
        text = _read(source, report)
        if text is not None:
            doc = split_front_matter(text)
            report.extend(d.at(source.name) for d in doc.diagnostics)
            notes.append(Note(source.name, PurePath(source.name).stem.upper(), doc.body))
    return notes
