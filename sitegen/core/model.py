"""Typed data that flows out of the parse stage.

Every later stage (index, resolve, render) consumes these dataclasses and nothing else, so
they are plain, frozen where possible, and serialisable with :func:`cable_to_json`.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any, Literal, TypeVar

Severity = Literal["error", "warning", "info"]


@dataclass(frozen=True, slots=True, order=True)
class Diagnostic:
    """One problem found in one file; ``line`` is 1-based, 0 when it concerns the whole file."""

    line: int
    severity: Severity
    code: str
    """Stable, kebab-case identifier users can grep and filter on."""
    message: str
    path: str = ""
    """The file (or folder) concerned, as the report names it: ``content/cables/X.txt``."""

    def at(self, path: str) -> Diagnostic:
        """The same problem, located in ``path``."""
        return Diagnostic(self.line, self.severity, self.code, self.message, path)


@dataclass(frozen=True, slots=True)
class Reference:
    """One entry of a REF block, in the order written."""

    label: str | None
    """The letter the cable gave the entry (``A``), or None for an unlabelled list."""
    text: str
    """The entry as written, whitespace collapsed."""
    id: str | None
    """Canonical cable ID when the entry cites a cable; None for e-mails, memos, telcons..."""
    line: int


@dataclass(frozen=True, slots=True)
class Paragraph:
    """A numbered paragraph of the body and where it starts."""

    number: int | None
    marking: str | None
    """Portion marking as written inside its parentheses: ``U``, ``C``, ``S/NF``, ``SBU``."""
    line: int


@dataclass(slots=True)
class Cable:
    """Everything the parser reads from one cable file.

    ``*_inferred`` flags say the value was inferred or estimated from the text rather than
    read from a metadata header, so pages can mark it as such.
    """

    source: str
    id: str | None = None
    id_inferred: bool = True
    aliases: list[str] = field(default_factory=list)
    """Other IDs this cable is known by (a malformed header ID, a file-name ID)."""
    created: str | None = None
    created_inferred: bool = True
    released: str | None = None
    classification: str | None = None
    classification_inferred: bool = True
    origin: str | None = None
    origin_code: str | None = None
    origin_inferred: bool = True
    to: list[str] = field(default_factory=list)
    info: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    subject: str | None = None
    references: list[Reference] = field(default_factory=list)
    declassify_on: str | None = None
    declassify_text: str | None = None
    """The DECL value as written (``OADR``, ``N/A``, ``1.6X1``) when it is not a date."""
    classified_by: str | None = None
    reasons: list[str] = field(default_factory=list)
    signer: str | None = None
    summary: str | None = None
    paragraphs: list[Paragraph] = field(default_factory=list)
    header: dict[str, str] = field(default_factory=dict)
    """Metadata-header keys the parser does not interpret, kept to be shown."""
    body_line: int = 1
    """First line of the cable text proper (after any metadata header)."""
    text: str = ""
    """The cable text exactly as in the file (after decoding), metadata header excluded."""
    reading: str = ""
    """The repaired reading text: same lines as ``text``, encoding damage undone."""
    repairs: dict[str, int] = field(default_factory=dict)
    """How many repairs of each kind produced ``reading``."""
    diagnostics: list[Diagnostic] = field(default_factory=list)


_T = TypeVar("_T")


def _fast_pickle(cls: type[_T]) -> type[_T]:
    """Pickle instances as their constructor's arguments: the state of a large archive is
    saved and loaded at every build, and the generic way for slotted dataclasses looks up
    the fields once per object (a third of the time)."""
    names = tuple(f.name for f in fields(cls))  # type: ignore[arg-type]

    def __reduce__(self: _T) -> tuple[type[_T], tuple[Any, ...]]:
        return cls, tuple([getattr(self, name) for name in names])

    cls.__reduce__ = __reduce__  # type: ignore[assignment,method-assign]
    return cls


for _cls in (Diagnostic, Reference, Paragraph, Cable):
    _fast_pickle(_cls)


def reference_to_json(ref: Reference) -> dict[str, Any]:
    return {"label": ref.label, "text": ref.text, "id": ref.id}


def cable_to_json(cable: Cable) -> dict[str, Any]:
    """The ``sitegen parse --json`` object: the contract's keys first, extensions after."""
    return {
        "source": cable.source,
        "id": cable.id,
        "id_inferred": cable.id_inferred,
        "created": cable.created,
        "created_inferred": cable.created_inferred,
        "released": cable.released,
        "classification": cable.classification,
        "origin": cable.origin,
        "origin_code": cable.origin_code,
        "to": list(cable.to),
        "info": list(cable.info),
        "tags": list(cable.tags),
        "subject": cable.subject,
        "references": [reference_to_json(r) for r in cable.references],
        "declassify_on": cable.declassify_on,
        "classified_by": cable.classified_by,
        "reasons": list(cable.reasons),
        "signer": cable.signer,
        "paragraphs": [
            {"number": p.number, "marking": p.marking, "line": p.line} for p in cable.paragraphs
        ],
        "diagnostics": [
            {"line": d.line, "severity": d.severity, "code": d.code, "message": d.message}
            for d in sorted(cable.diagnostics)
        ],
        "aliases": list(cable.aliases),
        "classification_inferred": cable.classification_inferred,
        "origin_inferred": cable.origin_inferred,
        "declassify_text": cable.declassify_text,
        "summary": cable.summary,
        "header": dict(sorted(cable.header.items())),
        "repairs": dict(sorted(cable.repairs.items())),
    }
