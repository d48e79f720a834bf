"""Trends across waves: geometry for the line chart, numbers in, coordinates out.

Pure Python (no Django), so both the web trends page and the workshop pack (HTML
and PDF, from the command line or the web) draw the same chart.

No markup here: the template ``pack/_trend_chart.jinja`` draws the SVG from
these values with autoescaping on, so user text (wave names, event descriptions)
can never inject markup. Colours, dash patterns and marker shapes are SVG
presentation attributes, which the strict CSP allows (it forbids ``style=``).

The palette is Okabe and Ito's colour-blind-safe set, without its two light
colours (yellow, sky blue) that have under 3:1 contrast on white, plus a dark
ochre and a wine. Every series also has its own marker shape and dash pattern,
so colour is never the only way to tell lines apart.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass

from collabdx.reports.fmt import ci, num

PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#000000", "#997700", "#882255")
DASHES = ("", "8 4", "2 3", "10 3 2 3", "4 4", "12 3", "1 3")
SHAPES = ("circle", "square", "triangle", "diamond", "triangle_down", "cross", "star")
SHAPE_NAMES = {
    "circle": "circle",
    "square": "square",
    "triangle": "triangle",
    "diamond": "diamond",
    "triangle_down": "downward triangle",
    "cross": "cross",
    "star": "star",
}
EVENT_COLOUR = "#4c6272"

# Canvas (SVG user units; the CSS scales it to the column width).
WIDTH = 640
LEFT, RIGHT = 56, 24
PLOT_HEIGHT = 260
Y_MIN, Y_MAX = 1.0, 5.0


@dataclass(frozen=True)
class Point:
    wave: str
    day: dt.date
    mean: float
    ci: tuple[float, float] | None


@dataclass(frozen=True)
class SeriesIn:
    name: str
    points: tuple[Point, ...]


@dataclass(frozen=True)
class PointOut:
    x: float
    y: float
    marker: str  # SVG path data
    ci_y: tuple[float, float] | None
    label: str  # for the <title> tooltip


@dataclass(frozen=True)
class SeriesOut:
    name: str
    colour: str
    dash: str
    shape: str
    shape_name: str
    line: str  # polyline points, "" for a single point
    points: tuple[PointOut, ...]
    legend_x: float
    legend_y: float
    legend_marker: str


@dataclass(frozen=True)
class Tick:
    pos: float
    label: str


@dataclass(frozen=True)
class EventMark:
    number: int
    x: float
    y: float  # centre of the numbered badge above the plot
    label: str


@dataclass(frozen=True)
class WaveMark:
    x: float
    y: float
    label: str


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    left: float
    right: float
    top: float
    bottom: float
    y_ticks: tuple[Tick, ...]
    x_ticks: tuple[Tick, ...]
    series: tuple[SeriesOut, ...]
    events: tuple[EventMark, ...]
    waves: tuple[WaveMark, ...]
    event_legend_y: float


def marker_path(shape: str, x: float, y: float, r: float = 5.0) -> str:
    """Path data for a marker of ``shape`` centred on (x, y)."""

    def poly(points: Sequence[tuple[float, float]]) -> str:
        return "M" + " L".join(f"{px:.1f} {py:.1f}" for px, py in points) + " Z"

    if shape == "square":
        s = r * 0.85
        return poly([(x - s, y - s), (x + s, y - s), (x + s, y + s), (x - s, y + s)])
    if shape == "triangle":
        return poly([(x, y - r * 1.15), (x + r, y + r * 0.75), (x - r, y + r * 0.75)])
    if shape == "triangle_down":
        return poly([(x, y + r * 1.15), (x + r, y - r * 0.75), (x - r, y - r * 0.75)])
    if shape == "diamond":
        return poly([(x, y - r * 1.2), (x + r, y), (x, y + r * 1.2), (x - r, y)])
    if shape == "cross":
        t = r * 0.4
        return poly([
            (x - t, y - r), (x + t, y - r), (x + t, y - t), (x + r, y - t), (x + r, y + t),
            (x + t, y + t), (x + t, y + r), (x - t, y + r), (x - t, y + t), (x - r, y + t),
            (x - r, y - t), (x - t, y - t),
        ])  # fmt: skip
    if shape == "star":
        pts = []
        for i in range(10):
            radius = r * 1.2 if i % 2 == 0 else r * 0.5
            angle = -math.pi / 2 + i * math.pi / 5
            pts.append((x + radius * math.cos(angle), y + radius * math.sin(angle)))
        return poly(pts)
    # circle, drawn as two arcs so every marker is a <path>
    return (
        f"M{x - r:.1f} {y:.1f} A{r:.1f} {r:.1f} 0 1 0 {x + r:.1f} {y:.1f} "
        f"A{r:.1f} {r:.1f} 0 1 0 {x - r:.1f} {y:.1f} Z"
    )


def _month_ticks(start: dt.date, end: dt.date) -> list[dt.date]:
    """First days of months between start and end, thinned to at most 8 ticks."""
    months = (end.year - start.year) * 12 + end.month - start.month + 1
    step = next((s for s in (1, 2, 3, 6, 12, 24, 60) if months / s <= 8), 120)
    ticks = []
    y, m = start.year, start.month
    # Begin on a month that is a multiple of the step, so labels look regular.
    while (m - 1) % step:
        m += 1
        if m > 12:
            y, m = y + 1, 1
    while dt.date(y, m, 1) <= end:
        day = dt.date(y, m, 1)
        if day >= start:
            ticks.append(day)
        m += step
        while m > 12:
            y, m = y + 1, m - 12
    return ticks


def _fmt_month(day: dt.date) -> str:
    return day.strftime("%b %Y")


def _rows_for_labels(xs: Sequence[float], min_gap: float) -> list[int]:
    """Row (0, 1, 2, ...) for each label so that labels in one row keep ``min_gap`` apart."""
    last_in_row: list[float] = []
    rows = []
    for x in xs:
        for row, last in enumerate(last_in_row):
            if x - last >= min_gap:
                last_in_row[row] = x
                rows.append(row)
                break
        else:
            last_in_row.append(x)
            rows.append(len(last_in_row) - 1)
    return rows


def line_chart(
    series: Sequence[SeriesIn],
    events: Sequence[tuple[int, dt.date, str]],
    waves: Sequence[tuple[dt.date, str]],
) -> Chart:
    """A 1–5 line chart over time with 95% CI bars, wave labels and numbered events.

    ``events`` are (number, date, label), numbered as in the events table.
    """
    days = [p.day for s in series for p in s.points] + [d for _, d, _ in events]
    days += [d for d, _ in waves]
    first = min(days) if days else dt.date.today()
    last = max(days) if days else first
    span = max((last - first).days, 30)
    pad = max(span * 0.06, 7)
    lo = first.toordinal() - pad
    hi = last.toordinal() + pad
    if (last - first).days < 30:
        mid = (first.toordinal() + last.toordinal()) / 2
        lo, hi = mid - 15 - pad, mid + 15 + pad

    def x_of(day: dt.date) -> float:
        return LEFT + (day.toordinal() - lo) / (hi - lo) * (plot_right - LEFT)

    # Numbered event badges above the plot, in extra rows where they would collide.
    plot_right = WIDTH - RIGHT
    events = sorted(events, key=lambda e: (e[1], e[0]))
    event_xs = [x_of(day) for _, day, _ in events]
    event_rows = _rows_for_labels(event_xs, 22)
    n_event_rows = (max(event_rows) + 1) if event_rows else 0
    top = 16 + 22 * max(n_event_rows, 1)
    plot_bottom = top + PLOT_HEIGHT
    marks = tuple(
        EventMark(number, x, top - 14 - row * 22, label)
        for (number, _, label), x, row in zip(events, event_xs, event_rows, strict=True)
    )

    def y_of(v: float) -> float:
        v = min(max(v, Y_MIN), Y_MAX)
        return plot_bottom - (v - Y_MIN) / (Y_MAX - Y_MIN) * PLOT_HEIGHT

    y_ticks = tuple(Tick(y_of(v), f"{v:.0f}") for v in (1, 2, 3, 4, 5))
    x_ticks = tuple(
        Tick(x_of(d), _fmt_month(d))
        for d in _month_ticks(dt.date.fromordinal(math.ceil(lo)), dt.date.fromordinal(int(hi)))
    )

    # Wave names under the month labels, in extra rows where they would collide.
    wave_sorted = sorted(waves)
    wave_xs = [x_of(d) for d, _ in wave_sorted]
    wave_rows = _rows_for_labels(wave_xs, 120)
    wave_top = plot_bottom + 44
    wave_marks = tuple(
        WaveMark(x, wave_top + row * 18, name)
        for x, row, (_, name) in zip(wave_xs, wave_rows, wave_sorted, strict=True)
    )
    n_wave_rows = (max(wave_rows) + 1) if wave_rows else 0

    # Series are nudged sideways a little so their CI bars do not sit on each other.
    n = len(series)
    dodge = 5.0 if n <= 4 else 3.5
    legend_top = wave_top + n_wave_rows * 18 + 20
    col_width = (WIDTH - LEFT) / 2
    out = []
    for i, s in enumerate(series):
        colour, dash, shape = (
            PALETTE[i % len(PALETTE)], DASHES[i % len(DASHES)], SHAPES[i % len(SHAPES)]
        )
        offset = (i - (n - 1) / 2) * dodge
        pts = []
        for p in sorted(s.points, key=lambda p: p.day):
            x, y = x_of(p.day) + offset, y_of(p.mean)
            ci_y = (y_of(p.ci[0]), y_of(p.ci[1])) if p.ci else None
            interval = f", 95% CI {ci(p.ci)}" if p.ci else ""
            pts.append(
                PointOut(x, y, marker_path(shape, x, y), ci_y,
                         f"{s.name}, {p.wave}: {num(p.mean)}{interval}")
            )  # fmt: skip
        line = " ".join(f"{p.x:.1f},{p.y:.1f}" for p in pts) if len(pts) > 1 else ""
        lx = LEFT + (i % 2) * col_width
        ly = legend_top + (i // 2) * 24
        out.append(
            SeriesOut(
                s.name, colour, dash, shape, SHAPE_NAMES[shape], line, tuple(pts),
                lx, ly, marker_path(shape, lx + 16, ly),
            )
        )
    event_legend_y = legend_top + ((n + 1) // 2) * 24 if events else legend_top
    height = int(event_legend_y + (22 if events else 0) + 8)
    return Chart(
        WIDTH, height, LEFT, plot_right, top, plot_bottom, y_ticks, x_ticks, tuple(out),
        marks, wave_marks, event_legend_y,
    )


# ---- The trends section as data (built by the web app, drawn by the pack) -------------


@dataclass(frozen=True)
class TableCell:
    mean: str
    ci: str
    n: str


@dataclass(frozen=True)
class TrendScale:
    id: str
    name: str
    selected: bool


@dataclass(frozen=True)
class TrendChart:
    instrument_id: str
    title: str
    versions_note: str
    chart: Chart | None
    scales: list[TrendScale]
    waves: list[tuple[str, str, str]]  # name, dates, n
    table: list[tuple[str, list[TableCell]]]  # scale name, one cell per wave
    dom_id: str
    default_note: str


@dataclass(frozen=True)
class EventRow:
    number: int
    date: str
    kind: str
    description: str


@dataclass(frozen=True)
class SkippedWave:
    name: str
    reason: str


@dataclass(frozen=True)
class Trends:
    """What the pack's trends section shows: charts, the event timeline, waves left out."""

    charts: tuple[TrendChart, ...]
    events: tuple[EventRow, ...]
    skipped: tuple[SkippedWave, ...]
