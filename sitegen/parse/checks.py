"""What ``sitegen check`` adds to the build's diagnostics: where a cable's metadata header
and its text disagree (the header wins in the site; the disagreement may be worth a look)."""

from __future__ import annotations

from sitegen.core.model import Cable, Diagnostic
from sitegen.parse import parse_cable


def header_disagreements(cable: Cable) -> list[Diagnostic]:
    """Compare the header's ID, created day, classification and origin with the text's."""
    if cable.id_inferred and cable.created_inferred and cable.origin_inferred:
        return []  # no metadata header to compare with
    text = parse_cable(cable.text + "\n", cable.source)
    pairs = [
        ("ID", cable.id, text.id, not cable.id_inferred),
        (
            "created day",
            (cable.created or "")[:10] or None,
            (text.created or "")[:10] or None,
            not cable.created_inferred,
        ),
        (
            "classification",
            cable.classification,
            text.classification,
            not cable.classification_inferred,
        ),
        ("origin", cable.origin, text.origin, not cable.origin_inferred),
    ]
    out = []
    for name, header, inferred, from_header in pairs:
        if from_header and inferred is not None and header != inferred:
            out.append(
                Diagnostic(
                    0,
                    "info",
                    "header-disagrees",
                    f"the header says {name} {header!r}, the text says {inferred!r}",
                )
            )
    return out
