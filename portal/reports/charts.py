"""Charts drawn on the server as SVG: no script, readable by screen readers as one image with a
title and a description, and always followed on the page by the table that holds its figures.

Colours are SVG presentation attributes, not style attributes, so the strict
Content-Security-Policy (no inline style) allows them.
"""

from __future__ import annotations

from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from portal.reports.tables import Table

WIDTH = 720
BAR_HEIGHT = 22
BAR_GAP = 8
LABEL_WIDTH = 300
LABEL_CHARACTERS = 42
INK = "#1b1b1b"
BAR = "#005ea2"
GRID = "#adadad"


def chart_points(table: Table) -> list[tuple[str, int | None]]:
    """One (label, total) per distinct label, in the table's order. A total over a suppressed
    cell is None: adding the other cells to it would give the small count away."""
    if table.chart is None:
        return []
    totals: dict[str, int | None] = {}
    for row in table.rows:
        label = str(row[table.chart.label_column])
        if label not in totals:
            totals[label] = 0
        for index in table.chart.value_columns:
            value = row[index]
            known = isinstance(value, int) and not isinstance(value, bool)
            if totals[label] is None or not known:
                totals[label] = None
            else:
                totals[label] += value
    return list(totals.items())


def _short(label: str) -> str:
    return label if len(label) <= LABEL_CHARACTERS else label[: LABEL_CHARACTERS - 1] + "…"


def _description(table: Table, points: list[tuple[str, int | None]]) -> str:
    known = [(label, value) for label, value in points if value is not None]
    if not known:
        return f"{table.title}: no figures to draw. The table below gives the figures."
    label, value = max(known, key=lambda point: point[1])
    kind = "Line chart" if table.chart and table.chart.kind == "line" else "Bar chart"
    chart = table.chart
    column = (chart.measure or table.columns[chart.value_columns[0]].label) if chart else ""
    return (
        f"{kind} of {column.lower()}, {len(points)} "
        f"{'points' if len(points) != 1 else 'point'}. Highest: {label}, {value}. "
        "The table below gives every figure."
    )


def _open(table: Table, height: int, points: list[tuple[str, int | None]]) -> SafeString:
    return format_html(
        '<svg class="chart" xmlns="http://www.w3.org/2000/svg" role="img" viewBox="0 0 {} {}" '
        'width="100%" preserveAspectRatio="xMinYMin meet" '
        'aria-labelledby="chart-{}-title chart-{}-desc">'
        '<title id="chart-{}-title">{}</title><desc id="chart-{}-desc">{}</desc>',
        WIDTH,
        height,
        table.slug,
        table.slug,
        table.slug,
        table.title,
        table.slug,
        _description(table, points),
    )


def bar_chart(table: Table) -> SafeString:
    points = chart_points(table)
    height = max(1, len(points)) * (BAR_HEIGHT + BAR_GAP) + BAR_GAP
    largest = max([value for _label, value in points if value] or [1])
    room = WIDTH - LABEL_WIDTH - 60
    parts = [_open(table, height, points)]
    for index, (label, value) in enumerate(points):
        y = BAR_GAP + index * (BAR_HEIGHT + BAR_GAP)
        middle = y + BAR_HEIGHT * 0.7
        parts.append(
            format_html(
                '<text x="{}" y="{}" text-anchor="end" font-size="13" fill="{}">{}</text>',
                LABEL_WIDTH - 8,
                middle,
                INK,
                _short(label),
            )
        )
        if value is None:
            parts.append(
                format_html(
                    '<text x="{}" y="{}" font-size="13" fill="{}">not shown</text>',
                    LABEL_WIDTH,
                    middle,
                    INK,
                )
            )
            continue
        length = round(room * value / largest) if value else 0
        parts.append(
            format_html(
                '<rect x="{}" y="{}" width="{}" height="{}" fill="{}"></rect>'
                '<text x="{}" y="{}" font-size="13" fill="{}">{}</text>',
                LABEL_WIDTH,
                y,
                length,
                BAR_HEIGHT,
                BAR,
                LABEL_WIDTH + length + 6,
                middle,
                INK,
                value,
            )
        )
    parts.append(mark_safe("</svg>"))
    return mark_safe("".join(parts))  # noqa: S308 - every part above is escaped by format_html


def line_chart(table: Table) -> SafeString:
    points = chart_points(table)
    height = 260
    left, right, top, bottom = 50, 20, 20, 50
    plot_width = WIDTH - left - right
    plot_height = height - top - bottom
    largest = max([value for _label, value in points if value] or [1])
    step = plot_width / max(1, len(points) - 1)
    parts = [_open(table, height, points)]
    # The axis is marked at zero and at the highest point only: a mark between could read as a
    # count outside the staff area.
    highest = max([value for _label, value in points if value] or [0])
    for fraction in (0, 1) if highest else (0,):
        y = top + plot_height * (1 - fraction)
        parts.append(
            format_html(
                '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}" stroke-width="1"></line>'
                '<text x="{}" y="{}" text-anchor="end" font-size="12" fill="{}">{}</text>',
                left,
                y,
                WIDTH - right,
                y,
                GRID,
                left - 6,
                y + 4,
                INK,
                round(largest * fraction),
            )
        )
    coordinates = []
    label_every = max(1, len(points) // 6)
    for index, (label, value) in enumerate(points):
        x = left + index * step if len(points) > 1 else left + plot_width / 2
        if index % label_every == 0 or index == len(points) - 1:
            # The end labels are anchored inside the chart, so neither is cut off at the edge.
            anchor = "middle"
            if len(points) > 1 and index == 0:
                anchor = "start"
            elif len(points) > 1 and index == len(points) - 1:
                anchor = "end"
            parts.append(
                format_html(
                    '<text x="{}" y="{}" text-anchor="{}" font-size="12" fill="{}">{}</text>',
                    round(x, 1),
                    height - bottom + 20,
                    anchor,
                    INK,
                    label,
                )
            )
        if value is None:
            continue
        y = top + plot_height * (1 - value / largest)
        coordinates.append(f"{x:.1f},{y:.1f}")
        parts.append(
            format_html(
                '<circle cx="{}" cy="{}" r="4" fill="{}"></circle>', round(x, 1), round(y, 1), BAR
            )
        )
    if len(coordinates) > 1:
        parts.append(
            format_html(
                '<polyline points="{}" fill="none" stroke="{}" stroke-width="2"></polyline>',
                " ".join(coordinates),
                BAR,
            )
        )
    parts.append(mark_safe("</svg>"))
    return mark_safe("".join(parts))  # noqa: S308 - every part above is escaped by format_html


def chart_svg(table: Table) -> SafeString | None:
    """The table's chart, or None when it has none or nothing to draw."""
    if table.chart is None or not table.rows:
        return None
    if table.chart.kind == "line":
        return line_chart(table)
    return bar_chart(table)
