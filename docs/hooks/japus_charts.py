"""Bar charts as inline SVG, drawn at build time: no JavaScript, no network.

Each chart is a list of groups (a header line, then one labelled bar per figure). Every bar
carries a ``<title>`` (its tooltip and accessible name) and a text label with its value, so
the figures can be read without hovering and by a screen reader.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

WIDTH = 760
LEFT = 8
VALUE_ROOM = 70  # space kept right of the longest bar for its value label
HEADER = 24
LABEL = 16
BAR = 16
GAP = 8
PALETTE = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b")


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    series: str  # bars of the same series share a colour


@dataclass(frozen=True)
class Group:
    label: str
    bars: tuple[Bar, ...]


def number(value: int, lang: str) -> str:
    """A count with thousands separators (the same in English and Japanese)."""
    del lang
    return f"{value:,}"


def bar_chart(title: str, desc: str, groups: list[Group], lang: str, chart_id: str) -> str:
    """An SVG bar chart: one header per group, one labelled bar per figure."""
    series = list(dict.fromkeys(b.series for g in groups for b in g.bars))
    colour = {s: PALETTE[i % len(PALETTE)] for i, s in enumerate(series)}
    largest = max((b.value for g in groups for b in g.bars), default=0) or 1
    span = WIDTH - LEFT - VALUE_ROOM
    parts: list[str] = []
    y = 4
    for group in groups:
        y += HEADER
        parts.append(
            f'<text class="group" x="{LEFT}" y="{y - 6}" font-weight="bold">'
            f"{escape(group.label)}</text>"
        )
        for bar in group.bars:
            width = max(1.0, span * bar.value / largest) if bar.value else 0.0
            shown = number(bar.value, lang)
            y += LABEL
            parts.append(
                f'<text class="label" x="{LEFT}" y="{y - 4}" font-size="12">'
                f"{escape(bar.label)}</text>"
            )
            parts.append(
                f'<rect class="bar" x="{LEFT}" y="{y}" width="{width:.1f}" height="{BAR}" '
                f'fill="{colour[bar.series]}"><title>{escape(group.label)} – '
                f"{escape(bar.label)}: {shown}</title></rect>"
            )
            parts.append(
                f'<text class="value" x="{LEFT + width + 6:.1f}" y="{y + BAR - 3}" '
                f'font-size="12">{shown}</text>'
            )
            y += BAR + GAP
    height = y + 8
    return (
        f'<svg class="japus-chart" id="{escape(chart_id)}" role="img" '
        f'aria-labelledby="{escape(chart_id)}-title {escape(chart_id)}-desc" '
        f'viewBox="0 0 {WIDTH} {height}" width="100%" '
        f'xmlns="http://www.w3.org/2000/svg" font-family="sans-serif" fill="currentColor">'
        f'<title id="{escape(chart_id)}-title">{escape(title)}</title>'
        f'<desc id="{escape(chart_id)}-desc">{escape(desc)}</desc>' + "".join(parts) + "</svg>"
    )
