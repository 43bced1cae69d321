"""JSON that is safe inside HTML: the one rule every JSON the site writes follows.

A ``<script type="application/json">`` ends at the first ``</script>``, and a JSON file
may be pasted into a page; with ``<``, ``>`` and ``&`` written as ``\\u003c``... no
string in the JSON can close an element or start an entity, and the JSON means the same.
"""

from __future__ import annotations


def html_safe_json(text: str) -> str:
    """``text`` (JSON) with ``<``, ``>`` and ``&`` as JSON escapes."""
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
