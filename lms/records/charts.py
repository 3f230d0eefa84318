"""Charts drawn on the server as SVG: no JavaScript, nothing fetched, printable.

A chart scales with its container (a viewBox, width 100 %), with type large enough in
viewBox units to stay readable when a phone shrinks it to a third. Colours and sizes are
SVG presentation attributes, which the Content-Security-Policy allows (style attributes it
does not). Every chart is shown with its figures as a table beside it (see the template),
so nothing is said only by the drawing.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from markupsafe import Markup, escape

WIDTH, HEIGHT = 600, 300
LEFT, RIGHT, TOP, BOTTOM = 64, 12, 16, 48
FONT = 20
# Distinct in colour and lightness (readable by most colour-blind readers as well).
PALETTE = ("#0f5e9c", "#e08a00", "#2a9d5c", "#c0392b", "#7b4fb5", "#5c6b7a", "#1aa3b8", "#b5651d")


@dataclass(frozen=True)
class ChartSeries:
    name: str
    values: Sequence[Decimal | float | None]
    colour: str = PALETTE[0]


@dataclass(frozen=True)
class Chart:
    title: str
    svg: Markup
    labels: list[str]
    series: list[ChartSeries]


def _nice_max(value: float) -> float:
    """A round top for an axis of four steps: each step 1, 2, 2.5 or 5 times a power of ten."""
    if value <= 0:
        return 4.0
    quarter = value / 4
    power = 10 ** math.floor(math.log10(quarter))
    step = next(s * power for s in (1, 2, 2.5, 5, 10) if quarter <= s * power)
    return 4 * step


def _fmt(value: float) -> str:
    return f"{value:.0f}" if float(value).is_integer() else f"{value:.1f}"


def _frame(title: str, y_max: float, labels: Sequence[str], unit: str) -> list[str]:
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    parts = [
        f'<svg class="chart-svg" viewBox="0 0 {WIDTH} {HEIGHT}" width="100%" role="img" '
        f'aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg" '
        f'font-family="system-ui, sans-serif">',
        f"<title>{escape(title)}</title>",
    ]
    for step in range(5):
        value = y_max * step / 4
        y = TOP + plot_h - plot_h * step / 4
        parts.append(
            f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}" '
            f'stroke="#d5dde6" stroke-width="1"/>'
        )
        parts.append(
            f'<text x="{LEFT - 6}" y="{y + 5:.1f}" text-anchor="end" font-size="{FONT}" '
            f'fill="#4a5866">{_fmt(value)}{escape(unit)}</text>'
        )
    # Every second label when twelve do not fit; the table has them all.
    every = 1 if len(labels) <= 6 else 2
    slot = plot_w / max(len(labels), 1)
    for index, label in enumerate(labels):
        if (len(labels) - 1 - index) % every:
            continue
        x = LEFT + slot * (index + 0.5)
        parts.append(
            f'<text x="{x:.1f}" y="{HEIGHT - BOTTOM + 24}" text-anchor="middle" '
            f'font-size="{FONT}" fill="#4a5866">{escape(label)}</text>'
        )
    return parts


def bar_chart(
    title: str,
    labels: Sequence[str],
    series: ChartSeries,
    unit: str = "",
    y_max: float | None = None,
) -> Chart:
    """One bar per label; a missing value (no data that month) draws no bar."""
    values = [float(v) for v in series.values if v is not None]
    top = y_max if y_max is not None else _nice_max(max(values, default=0))
    parts = _frame(title, top, labels, unit)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    slot = plot_w / max(len(labels), 1)
    for index, (label, value) in enumerate(zip(labels, series.values, strict=True)):
        if value is None:
            continue
        height = plot_h * min(float(value), top) / top
        x = LEFT + slot * index + slot * 0.15
        parts.append(
            f'<rect class="chart-bar" x="{x:.1f}" y="{TOP + plot_h - height:.1f}" '
            f'width="{slot * 0.7:.1f}" height="{max(height, 1):.1f}" fill="{series.colour}" '
            f'data-value="{_fmt(float(value))}"><title>{escape(label)}: '
            f"{_fmt(float(value))}{escape(unit)}</title></rect>"
        )
    parts.append("</svg>")
    return Chart(title, Markup("".join(parts)), list(labels), [series])


def line_chart(
    title: str, labels: Sequence[str], series: Sequence[ChartSeries], unit: str = ""
) -> Chart:
    """One line per series, a point per value; a missing value breaks the line."""
    values = [float(v) for s in series for v in s.values if v is not None]
    top = _nice_max(max(values, default=0))
    parts = _frame(title, top, labels, unit)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    slot = plot_w / max(len(labels), 1)
    lines, dots = [], []
    for s in series:
        runs: list[list[tuple[float, float]]] = [[]]
        for index, (label, value) in enumerate(zip(labels, s.values, strict=True)):
            if value is None:
                runs.append([])
                continue
            x = LEFT + slot * (index + 0.5)
            y = TOP + plot_h - plot_h * float(value) / top
            runs[-1].append((x, y))
            dots.append(
                f'<circle class="chart-point" cx="{x:.1f}" cy="{y:.1f}" r="4.5" '
                f'fill="{s.colour}" data-value="{_fmt(float(value))}"><title>{escape(s.name)}, '
                f"{escape(label)}: {_fmt(float(value))}{escape(unit)}</title></circle>"
            )
        for run in runs:
            if len(run) > 1:
                path = " ".join(f"{x:.1f},{y:.1f}" for x, y in run)
                lines.append(
                    f'<polyline points="{path}" fill="none" stroke="{s.colour}" '
                    f'stroke-width="3" stroke-linejoin="round"/>'
                )
    # Lines first, so every point stays on top where its tooltip can be reached.
    parts += lines + dots
    parts.append("</svg>")
    return Chart(title, Markup("".join(parts)), list(labels), list(series))


def swatch(colour: str) -> Markup:
    """A small square of ``colour`` for a legend (an SVG: inline styles are not allowed)."""
    return Markup(
        '<svg width="12" height="12" aria-hidden="true" class="chart-swatch">'
        f'<rect width="12" height="12" rx="2" fill="{escape(colour)}"/></svg>'
    )


def coloured(series: Sequence[tuple[str, Sequence[Decimal | float | None]]]) -> list[ChartSeries]:
    return [
        ChartSeries(name, values, PALETTE[index % len(PALETTE)])
        for index, (name, values) in enumerate(series)
    ]
