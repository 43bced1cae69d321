"""Histograms drawn as static inline SVG: no script, no external request, printable."""

from __future__ import annotations

from dataclasses import dataclass
from html import escape


@dataclass(frozen=True, slots=True)
class Bar:
    label: str
    count: int
    href: str | None = None
    """Relative link of the bar (a timeline page), or None."""


def histogram(bars: list[Bar], title: str, *, height: int = 120, bar_width: int = 26) -> str:
    """An SVG bar chart with a tooltip per bar; a labelled axis for the first and last bars.

    A chart whose bars link is a ``group`` of named links (an ``img`` would hide them from
    assistive technologies while they still take the keyboard focus); one without links is
    an ``img``. The axis labels repeat the bars' names, so they are hidden from both."""
    if not bars:
        return ""
    gap = max(2, bar_width // 6)
    top = max(b.count for b in bars) or 1
    plot = height - 20
    width = len(bars) * (bar_width + gap) + gap
    role = "group" if any(bar.href and bar.count for bar in bars) else "img"
    parts = [
        f'<svg class="histogram" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'role="{role}" aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg">',
        f"<title>{escape(title)}</title>",
    ]
    for i, bar in enumerate(bars):
        x = gap + i * (bar_width + gap)
        h = 0 if bar.count == 0 else max(2, round(plot * bar.count / top))
        y = plot - h
        tip = f"{escape(bar.label)}: {bar.count} cable{'' if bar.count == 1 else 's'}"
        css, y, h = ("", y, h) if h else (' class="empty"', plot - 1, 1)
        box = f'x="{x}" y="{y}" width="{bar_width}" height="{h}"'
        if bar.href and bar.count:  # the link's own title names it
            parts.append(f'<a href="{escape(bar.href)}"><title>{tip}</title><rect{css} {box}/></a>')
        else:
            parts.append(f"<rect{css} {box}><title>{tip}</title></rect>")
        if len(bars) <= 12 or i % 5 == 0 or i == len(bars) - 1:
            middle = f"{x + bar_width / 2:g}"
            at = f'x="{middle}" y="{height - 5}" text-anchor="middle"'
            parts.append(f'<text {at} aria-hidden="true">{escape(bar.label)}</text>')
    parts.append("</svg>")
    return "".join(parts)
