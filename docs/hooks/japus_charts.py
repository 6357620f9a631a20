"""Bar charts as inline SVG, drawn at build time: no JavaScript, no network.

Each chart is a list of groups (a header line, then one labelled bar per figure). Every bar
carries a ``<title>`` (its tooltip and accessible name) and a text label with its value, so
the figures can be read without hovering and by a screen reader.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from japus_render import block

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
    """An SVG bar chart: one header per group, one labelled bar per figure
    (``docs/templates/bar_chart.svg.j2``; this function places them)."""
    series = list(dict.fromkeys(b.series for g in groups for b in g.bars))
    colour = {s: PALETTE[i % len(PALETTE)] for i, s in enumerate(series)}
    largest = max((b.value for g in groups for b in g.bars), default=0) or 1
    span = WIDTH - LEFT - VALUE_ROOM
    placed: list[dict[str, Any]] = []
    y = 4
    for group in groups:
        y += HEADER
        header_y = y - 6
        bars = []
        for bar in group.bars:
            width = max(1.0, span * bar.value / largest) if bar.value else 0.0
            y += LABEL
            bars.append(
                {
                    "label": bar.label,
                    "label_y": y - 4,
                    "y": y,
                    "width": f"{width:.1f}",
                    "height": BAR,
                    "colour": colour[bar.series],
                    "shown": number(bar.value, lang),
                    "value_x": f"{LEFT + width + 6:.1f}",
                    "value_y": y + BAR - 3,
                }
            )
            y += BAR + GAP
        placed.append({"label": group.label, "y": header_y, "bars": bars})
    return block(
        "bar_chart.svg.j2",
        id=chart_id,
        title=title,
        desc=desc,
        width=WIDTH,
        height=y + 8,
        left=LEFT,
        groups=placed,
    )


# --------------------------------------------------------------------------------------------
# Line charts of yearly series
# --------------------------------------------------------------------------------------------

LINE_PALETTE = (
    "#1f77b4",
    "#ff7f0e",
    "#2ca02c",
    "#d62728",
    "#9467bd",
    "#8c564b",
    "#e377c2",
    "#7f7f7f",
    "#bcbd22",
    "#17becf",
    "#393b79",
    "#ad494a",
)
PLOT_LEFT = 64  # room for the y axis labels
PLOT_RIGHT = 64  # room for the value label at the end of each line
PLOT_TOP = 34  # room for the label of a break
PLOT_HEIGHT = 250
AXIS_ROOM = 40  # the x axis labels and title under the plot
LEGEND_ROW = 20


@dataclass(frozen=True)
class Point:
    year: int
    value: int
    hollow: bool  # drawn as an open circle (e.g. read in a single secondary source)
    tip: str  # the point's tooltip and accessible name


@dataclass(frozen=True)
class Line:
    key: str  # lines with the same key share a colour (e.g. a series and its predecessor)
    label: str
    points: tuple[Point, ...]
    predecessor: bool = False  # drawn dashed: a series this one continues across a break


@dataclass(frozen=True)
class Break:
    year: float  # where the vertical marker stands on the year axis
    label: str


@dataclass(frozen=True)
class LineText:
    """The words of a line chart's axes and legend, in the page's language."""

    x_axis: str
    y_axis: str
    this_series: str
    predecessor: str
    filled: str
    hollow: str
    gap: str


def runs(years: list[int]) -> list[list[int]]:
    """Maximal runs of consecutive years: a missing year starts a new run."""
    out: list[list[int]] = []
    for year in sorted(set(years)):
        if out and year == out[-1][-1] + 1:
            out[-1].append(year)
        else:
            out.append([year])
    return out


def text_width(text: str, size: float = 12) -> float:
    """The approximate drawn width of a text: wide for CJK characters, narrow otherwise."""
    return sum(size if ord(c) >= 0x2E80 else size * 0.56 for c in text)


def _nice_step(span: float, ticks: int = 5) -> int:
    raw = max(span / ticks, 1)
    magnitude = int(10 ** (len(str(int(raw))) - 1))
    for factor in (1, 2, 2.5, 5, 10):
        step = factor * magnitude
        if step >= raw and float(step).is_integer():
            return int(step)
    return 10 * magnitude


def line_chart(
    title: str,
    desc: str,
    lines: list[Line],
    breaks: list[Break],
    words: LineText,
    lang: str,
    chart_id: str,
    data: dict[str, str] | None = None,
) -> str:
    """An SVG line chart over years: a missing year breaks the line, nothing is interpolated.

    Each run of consecutive years is a ``polyline.segment``; every figure is a
    ``circle.point`` (open when ``hollow``) with its tooltip. Lines of a predecessor series are
    dashed; each break is a vertical marker with its label. ``data`` adds ``data-*``
    attributes to the ``<svg>``.
    """
    years = [p.year for line in lines for p in line.points] + [int(b.year) for b in breaks]
    x0, x1 = (min(years), max(years)) if years else (0, 1)
    if x0 == x1:
        x0, x1 = x0 - 1, x1 + 1
    largest = max((p.value for line in lines for p in line.points), default=0) or 1
    y_step = _nice_step(largest)
    y_top = -(-largest // y_step) * y_step
    plot_width = WIDTH - PLOT_LEFT - PLOT_RIGHT
    bottom = PLOT_TOP + PLOT_HEIGHT

    def x(year: float) -> float:
        return PLOT_LEFT + plot_width * (year - x0) / (x1 - x0)

    def y(value: float) -> float:
        return bottom - PLOT_HEIGHT * value / y_top

    keys = list(dict.fromkeys(line.key for line in lines))
    colour = {k: LINE_PALETTE[i % len(LINE_PALETTE)] for i, k in enumerate(keys)}
    # Grid and axes.
    y_grid = [
        {
            "x1": PLOT_LEFT,
            "x2": PLOT_LEFT + plot_width,
            "y": f"{y(value):.1f}",
            "opacity": 0.5 if value == 0 else 0.15,
            "text_x": PLOT_LEFT - 6,
            "text_y": f"{y(value) + 4:.1f}",
            "label": number(value, lang),
        }
        for value in range(0, y_top + 1, y_step)
    ]
    x_step = next((s for s in (1, 2, 5, 10, 20, 25, 50) if (x1 - x0) / s <= 12), 100)
    first_tick = -(-x0 // x_step) * x_step
    x_grid = [
        {"x": f"{x(year):.1f}", "y1": PLOT_TOP, "y2": bottom, "text_y": bottom + 16, "label": year}
        for year in range(first_tick, x1 + 1, x_step)
    ]
    x_axis = {"x": f"{PLOT_LEFT + plot_width / 2:.1f}", "y": bottom + 34, "label": words.x_axis}
    y_axis = {"x": LEFT, "y": PLOT_TOP - 22, "label": words.y_axis}
    # Breaks: a vertical marker and its label.
    marks = []
    for brk in breaks:
        bx = x(brk.year)
        anchor, dx = ("end", -4) if bx > PLOT_LEFT + plot_width * 0.6 else ("start", 4)
        marks.append(
            {
                "x": f"{bx:.1f}",
                "y1": PLOT_TOP - 14,
                "y2": bottom,
                "text_x": f"{bx + dx:.1f}",
                "text_y": PLOT_TOP - 4,
                "anchor": anchor,
                "label": brk.label,
            }
        )
    # Lines: predecessors first, under the series itself.
    drawn: list[dict[str, Any]] = []
    end_labels: list[tuple[float, float, str, str]] = []
    for line in sorted(lines, key=lambda line: not line.predecessor):
        stroke = colour[line.key]
        by_year = {p.year: p for p in line.points}
        drawn.append(
            {
                "key": line.key,
                "role": "predecessor" if line.predecessor else "series",
                "stroke": stroke,
                "dashed": line.predecessor,
                "radius": 3 if line.predecessor else 4,
                # A lone year is a dot only: no segment.
                "segments": [
                    " ".join(f"{x(yr):.1f},{y(by_year[yr].value):.1f}" for yr in run)
                    for run in runs(list(by_year))
                    if len(run) >= 2
                ],
                "points": [
                    {
                        "klass": "point secondary" if p.hollow else "point",
                        "x": f"{x(p.year):.1f}",
                        "y": f"{y(p.value):.1f}",
                        "fill": "#ffffff" if p.hollow else stroke,
                        "tip": p.tip,
                    }
                    for p in sorted(line.points, key=lambda p: p.year)
                ],
            }
        )
        if line.points and not line.predecessor:  # a predecessor's figures: in the tooltips
            last = max(line.points, key=lambda p: p.year)
            end_labels.append((x(last.year), y(last.value), number(last.value, lang), stroke))
    # The value at the end of each line, moved apart where labels would overlap.
    placed: list[tuple[float, float]] = []
    values = []
    for lx, ly, shown, stroke in sorted(end_labels, key=lambda e: (round(e[0]), -e[1])):
        ty = ly + 4
        for px, py in placed:
            if abs(px - lx) < 40 and ty > py - 11:
                ty = py - 11
        placed.append((lx, ty))
        values.append({"x": f"{lx + 7:.1f}", "y": f"{ty:.1f}", "stroke": stroke, "shown": shown})
    # Legend: one entry per line colour, then the styles, in rows as wide as the chart.
    entries = [
        ("line", colour[key], next(line.label for line in lines if line.key == key)) for key in keys
    ]
    entries.append(("series", "", words.this_series))
    if any(line.predecessor for line in lines):
        entries.append(("predecessor", "", words.predecessor))
    entries += [("filled", "", words.filled), ("hollow", "", words.hollow), ("gap", "", words.gap)]
    legend = []
    lx, ly = float(LEFT), bottom + AXIS_ROOM + LEGEND_ROW
    for kind, stroke, label in entries:
        width = 28 + text_width(label) + 18
        if lx > LEFT and lx + width > WIDTH:
            lx, ly = float(LEFT), ly + LEGEND_ROW
        legend.append(
            {"kind": kind, "colour": stroke, "label": label, "x": f"{lx:.1f}", "y": f"{ly:.1f}"}
        )
        lx += width
    return block(
        "line_chart.svg.j2",
        id=chart_id,
        data=list((data or {}).items()),
        width=WIDTH,
        height=f"{ly + 12:.0f}",
        title=title,
        desc=desc,
        y_grid=y_grid,
        x_grid=x_grid,
        x_axis=x_axis,
        y_axis=y_axis,
        breaks=marks,
        lines=drawn,
        end_labels=values,
        legend=legend,
    )
