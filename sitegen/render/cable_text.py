"""The cable text as HTML: escaped, paragraph numbers linked, portion markings styled, and
each repair of the text marked where it is (an aligner that keeps two readings in step).
"""

from __future__ import annotations

import html
import re

from sitegen.core.model import Cable
from sitegen.parse.body import NUMBERED

_MARKING_IN_LINE = re.compile(r"\(([A-Z][A-Z/ -]{0,15})\)")


def text_html(lines: list[str], cable: Cable, reading: list[str] | None = None) -> str:
    """The cable text as HTML lines: escaped, paragraph numbers linked to ``#p<N>`` anchors
    and portion markings styled. With ``reading`` (the repaired lines), each repair is
    marked where it is, ``<del>`` what the release has and ``<ins>`` the repair, so one
    text serves both readings (the stylesheet shows one or the other).

    The text is escaped in one piece and only the lines that start a paragraph or were
    repaired are made again: a long cable has a few dozen such lines among hundreds."""
    out = html.escape("\n".join(lines), quote=False).split("\n")
    changed = (
        {i for i, (a, b) in enumerate(zip(lines, reading, strict=False)) if a != b}
        if reading is not None and len(reading) == len(lines)
        else set()
    )
    for i in changed:
        out[i] = _marked(lines[i], reading[i]) if reading is not None else out[i]
    used: set[int] = set()
    for paragraph in cable.paragraphs:
        i = paragraph.line - cable.body_line
        number = paragraph.number
        if number is None or not 0 <= i < len(lines):
            continue
        line = lines[i]
        m = NUMBERED.match(line)
        if m is None:
            continue
        head_end = m.end("num") + 1 if m.end("num") < len(line) else m.end("num")
        mm = _MARKING_IN_LINE.search(line, head_end) if paragraph.marking else None
        kept = mm.end() if mm else head_end  # the part shown as it is: number and marking
        after = reading[i] if i in changed and reading is not None else line
        if after[:kept] != line[:kept]:
            continue  # a repair inside the number or marking: the line stays as it is
        anchor_id = f' id="p{number}"' if number not in used else ""
        used.add(number)
        pieces = [
            html.escape(line[: m.start("num")], quote=False),
            f'<a class="pnum" href="#p{number}"{anchor_id}>'
            + html.escape(line[m.start("num") : head_end], quote=False)
            + "</a>",
        ]
        if mm and paragraph.marking:
            css = _badge_marking(paragraph.marking)
            pieces.append(
                html.escape(line[head_end : mm.start()], quote=False)
                + f'<span class="marking {css}">{html.escape(mm.group(0), quote=False)}</span>'
            )
        rest, rest_after = line[kept:], after[kept:]
        pieces.append(
            _marked(rest, rest_after) if rest != rest_after else html.escape(rest, quote=False)
        )
        out[i] = "".join(pieces)
    return "\n".join(out)


def _marked(before: str, after: str) -> str:
    """One line as released and as repaired, its differences marked ``<del>``/``<ins>``."""
    pieces = []
    for same, old, new in _aligned(before, after):
        if same:
            pieces.append(html.escape(old, quote=False))
            continue
        if old:
            pieces.append(f"<del>{html.escape(old, quote=False)}</del>")
        if new:
            pieces.append(f"<ins>{html.escape(new, quote=False)}</ins>")
    return "".join(pieces)


_RESYNC = 6
"""Characters that must agree again after a difference (a repair changes one or two)."""
_REACH = 6
"""How far a repair may reach on either side (``)`` becomes `` --``)."""


def _aligned(a: str, b: str) -> list[tuple[bool, str, str]]:
    """``a`` and ``b`` as runs of (same, part of a, part of b), in linear time.

    Repairs change a few characters here and there and keep the rest in step, so after a
    difference the two lines agree again within a few characters; a general diff (difflib)
    is quadratic on the long lines some cables have."""
    out: list[tuple[bool, str, str]] = []
    i = j = 0
    n, m = len(a), len(b)
    while i < n and j < m:
        k = _agree(a, i, b, j)
        if k:
            out.append((True, a[i : i + k], ""))
            i, j = i + k, j + k
            if i >= n or j >= m:
                break
        step = _resync(a, i, b, j)
        if step is None:
            break
        p, q = step
        out.append((False, a[i : i + p], b[j : j + q]))
        i, j = i + p, j + q
    if i < n or j < m:
        out.append((False, a[i:], b[j:]))
    return out


def _agree(a: str, i: int, b: str, j: int) -> int:
    """How many characters agree from ``a[i]`` and ``b[j]`` on: halving the span that
    differs, comparing slices (in C) rather than characters one by one."""
    n = min(len(a) - i, len(b) - j)
    if a[i : i + n] == b[j : j + n]:
        return n
    lo, hi = 0, n  # a[i:i+lo] == b[j:j+lo] and a[i:i+hi] != b[j:j+hi]
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if a[i + lo : i + mid] == b[j + lo : j + mid]:
            lo = mid
        else:
            hi = mid
    return lo


def _resync(a: str, i: int, b: str, j: int) -> tuple[int, int] | None:
    """The smallest (p, q) after which ``a[i + p:]`` and ``b[j + q:]`` agree again for
    :data:`_RESYNC` characters (or both end)."""
    n, m = len(a), len(b)
    for total in range(1, 2 * _REACH + 1):
        for p in range(max(0, total - _REACH), min(total, _REACH) + 1):
            q = total - p
            x, y = a[i + p : i + p + _RESYNC], b[j + q : j + q + _RESYNC]
            if x == y and (len(x) == _RESYNC or (i + p + len(x) == n and j + q + len(y) == m)):
                return p, q
    return None


def _badge_marking(marking: str) -> str:
    """The CSS class of a portion marking, by its level (``S/NF`` -> ``m-secret``)."""
    head = marking.upper().split("/")[0].strip()
    return {"S": "m-secret", "TS": "m-secret", "C": "m-confidential", "SBU": "m-fouo"}.get(
        head, "m-unclassified"
    )
