"""What ``sitegen parse`` prints for a cable: the fields the parser read, one per line."""

from __future__ import annotations

from typing import TextIO

from sitegen.core.diagnostics import printable
from sitegen.core.model import Cable


def _mark(value: object, inferred: bool) -> str:
    """A field's value, ``-`` when empty, marked when the parser inferred it."""
    if value is None or value == "":
        return "-"
    return f"{value} (inferred)" if inferred else str(value)


def print_cable(cable: Cable, out: TextIO) -> None:
    """A human-readable summary of one parsed cable (what a terminal would act on in the
    cable's text escaped, as in the report)."""
    rows: list[tuple[str, str]] = [
        ("id", _mark(cable.id, cable.id_inferred)),
        ("created", _mark(cable.created, cable.created_inferred)),
        ("released", _mark(cable.released, False)),
        ("classification", _mark(cable.classification, cable.classification_inferred)),
        (
            "origin",
            _mark(
                f"{cable.origin} [{cable.origin_code}]" if cable.origin else None,
                cable.origin_inferred,
            ),
        ),
        ("to", "; ".join(cable.to) or "-"),
        ("info", "; ".join(cable.info) or "-"),
        ("tags", " ".join(cable.tags) or "-"),
        ("subject", cable.subject or "-"),
        ("declassify on", cable.declassify_on or cable.declassify_text or "-"),
        ("classified by", cable.classified_by or "-"),
        ("reasons", ", ".join(cable.reasons) or "-"),
        ("signer", cable.signer or "-"),
        ("paragraphs", str(len(cable.paragraphs))),
    ]
    if cable.aliases:
        rows.insert(1, ("aliases", ", ".join(cable.aliases)))
    out.write(f"{printable(cable.source)}\n")
    for key, value in rows:
        out.write(f"  {key:15} {printable(value)}\n")
    for ref in cable.references:
        label = f"{ref.label}." if ref.label else "-"
        target = ref.id or "(not a cable)"
        out.write(printable(f"  {'reference':15} {label} {ref.text}  ->  {target}") + "\n")
    if cable.summary:
        summary = cable.summary if len(cable.summary) <= 200 else cable.summary[:197] + "..."
        out.write(f"  {'summary':15} {printable(summary)}\n")
    out.write("\n")
