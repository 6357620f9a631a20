"""Bar charts as inline SVG, drawn at build time: no JavaScript, no network.

Each chart is a list of groups (a header line, then one labelled bar per figure). Every bar
carries a ``<title>`` (its tooltip and accessible name) and a text label with its value, so
the figures can be read without hovering and by a screen reader.
"""

from __future__ import annotations

from dataclasses import dataclass

from japus_data.render import html as escape

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
    parts: list[str] = []
    # Grid and axes.
    for value in range(0, y_top + 1, y_step):
        parts.append(
            f'<line class="grid" x1="{PLOT_LEFT}" x2="{PLOT_LEFT + plot_width}" '
            f'y1="{y(value):.1f}" y2="{y(value):.1f}" stroke="currentColor" '
            f'stroke-opacity="{0.5 if value == 0 else 0.15}"/>'
        )
        parts.append(
            f'<text class="tick" x="{PLOT_LEFT - 6}" y="{y(value) + 4:.1f}" font-size="11" '
            f'text-anchor="end">{number(value, lang)}</text>'
        )
    x_step = next((s for s in (1, 2, 5, 10, 20, 25, 50) if (x1 - x0) / s <= 12), 100)
    first_tick = -(-x0 // x_step) * x_step
    for year in range(first_tick, x1 + 1, x_step):
        parts.append(
            f'<line class="grid" x1="{x(year):.1f}" x2="{x(year):.1f}" y1="{PLOT_TOP}" '
            f'y2="{bottom}" stroke="currentColor" stroke-opacity="0.08"/>'
        )
        parts.append(
            f'<text class="tick" x="{x(year):.1f}" y="{bottom + 16}" font-size="11" '
            f'text-anchor="middle">{year}</text>'
        )
    parts.append(
        f'<text class="axis" x="{PLOT_LEFT + plot_width / 2:.1f}" y="{bottom + 34}" '
        f'font-size="12" text-anchor="middle">{escape(words.x_axis)}</text>'
    )
    parts.append(
        f'<text class="axis" x="{LEFT}" y="{PLOT_TOP - 22}" font-size="12">'
        f"{escape(words.y_axis)}</text>"
    )
    # Breaks: a vertical marker and its label.
    for brk in breaks:
        bx = x(brk.year)
        anchor, dx = ("end", -4) if bx > PLOT_LEFT + plot_width * 0.6 else ("start", 4)
        parts.append(
            f'<g class="break"><line x1="{bx:.1f}" x2="{bx:.1f}" y1="{PLOT_TOP - 14}" '
            f'y2="{bottom}" stroke="currentColor" stroke-width="1.5" stroke-dasharray="2 3"/>'
            f'<text x="{bx + dx:.1f}" y="{PLOT_TOP - 4}" font-size="11" font-weight="bold" '
            f'text-anchor="{anchor}">{escape(brk.label)}</text></g>'
        )
    # Lines: predecessors first, under the series itself.
    end_labels: list[tuple[float, float, str, str]] = []
    for line in sorted(lines, key=lambda line: not line.predecessor):
        role = "predecessor" if line.predecessor else "series"
        stroke = colour[line.key]
        dash = ' stroke-dasharray="6 4"' if line.predecessor else ""
        by_year = {p.year: p for p in line.points}
        for run in runs(list(by_year)):
            if len(run) < 2:
                continue  # a lone year is a dot only
            coords = " ".join(f"{x(yr):.1f},{y(by_year[yr].value):.1f}" for yr in run)
            parts.append(
                f'<polyline class="segment" data-role="{role}" data-line="{escape(line.key)}" '
                f'points="{coords}" fill="none" stroke="{stroke}" stroke-width="2"{dash}/>'
            )
        for p in sorted(line.points, key=lambda p: p.year):
            klass = "point secondary" if p.hollow else "point"
            fill = "#ffffff" if p.hollow else stroke
            parts.append(
                f'<circle class="{klass}" data-role="{role}" data-line="{escape(line.key)}" '
                f'cx="{x(p.year):.1f}" cy="{y(p.value):.1f}" r="{3 if line.predecessor else 4}" '
                f'fill="{fill}" stroke="{stroke}" stroke-width="1.5">'
                f"<title>{escape(p.tip)}</title></circle>"
            )
        if line.points and not line.predecessor:  # a predecessor's figures: in the tooltips
            last = max(line.points, key=lambda p: p.year)
            end_labels.append((x(last.year), y(last.value), number(last.value, lang), stroke))
    # The value at the end of each line, moved apart where labels would overlap.
    placed: list[tuple[float, float]] = []
    for lx, ly, shown, stroke in sorted(end_labels, key=lambda e: (round(e[0]), -e[1])):
        ty = ly + 4
        for px, py in placed:
            if abs(px - lx) < 40 and ty > py - 11:
                ty = py - 11
        placed.append((lx, ty))
        parts.append(
            f'<text class="value" x="{lx + 7:.1f}" y="{ty:.1f}" font-size="11" '
            f'fill="{stroke}">{shown}</text>'
        )
    # Legend: one entry per line colour, then the styles.
    entries: list[str] = []
    for key in keys:
        label = next(line.label for line in lines if line.key == key)
        entries.append(
            f'<line x1="0" x2="22" y1="-4" y2="-4" stroke="{colour[key]}" stroke-width="3"/>'
            f'<text x="28" y="0" font-size="12">{escape(label)}</text>'
            f"\0{28 + text_width(label)}"
        )
    styles = [
        (
            '<line x1="0" x2="22" y1="-4" y2="-4" stroke="currentColor" stroke-width="2"/>',
            words.this_series,
        ),
    ]
    if any(line.predecessor for line in lines):
        styles.append(
            (
                '<line x1="0" x2="22" y1="-4" y2="-4" stroke="currentColor" stroke-width="2" '
                'stroke-dasharray="6 4"/>',
                words.predecessor,
            )
        )
    styles += [
        ('<circle cx="11" cy="-4" r="4" fill="currentColor"/>', words.filled),
        (
            '<circle class="secondary" cx="11" cy="-4" r="4" fill="#ffffff" '
            'stroke="currentColor" stroke-width="1.5"/>',
            words.hollow,
        ),
        (
            '<line x1="0" x2="7" y1="-4" y2="-4" stroke="currentColor" stroke-width="2"/>'
            '<line x1="15" x2="22" y1="-4" y2="-4" stroke="currentColor" stroke-width="2"/>',
            words.gap,
        ),
    ]
    for mark, label in styles:
        entries.append(
            f'{mark}<text x="28" y="0" font-size="12">{escape(label)}</text>'
            f"\0{28 + text_width(label)}"
        )
    legend: list[str] = []
    lx, ly = float(LEFT), bottom + AXIS_ROOM + LEGEND_ROW
    for entry in entries:
        body, _, width_text = entry.partition("\0")
        width = float(width_text) + 18
        if lx > LEFT and lx + width > WIDTH:
            lx, ly = float(LEFT), ly + LEGEND_ROW
        legend.append(f'<g class="legend-item" transform="translate({lx:.1f},{ly:.1f})">{body}</g>')
        lx += width
    height = ly + 12
    attrs = "".join(f' data-{escape(k)}="{escape(v)}"' for k, v in (data or {}).items())
    cid = escape(chart_id)
    return (
        f'<svg class="japus-chart japus-line-chart" id="{cid}"{attrs} role="img" '
        f'aria-labelledby="{cid}-title {cid}-desc" '
        f'viewBox="0 0 {WIDTH} {height:.0f}" width="100%" '
        f'xmlns="http://www.w3.org/2000/svg" font-family="sans-serif" fill="currentColor">'
        f'<title id="{cid}-title">{escape(title)}</title>'
        f'<desc id="{cid}-desc">{escape(desc)}</desc>'
        + "".join(parts)
        + f'<g class="legend">{"".join(legend)}</g></svg>'
    )
