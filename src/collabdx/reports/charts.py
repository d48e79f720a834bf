"""Server-drawn SVG charts for the report: no scripts, no external fonts, no inline CSS.

Every chart has a <title> and <desc> and is paired, in the templates, with a data
table. Colour is never the only cue: values are printed on the marks, favourable
answers always sit to the right, and bands are labelled in words. The palette is
ColorBrewer's PuOr (orange for unfavourable, purple for favourable), which readers
with the common colour-vision deficiencies can tell apart.

Only SVG presentation attributes are used (fill, stroke, font-size...), because the
app's Content Security Policy forbids inline ``style`` attributes.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape

FONT = "Arial, Helvetica, sans-serif"
TEXT = "#212b32"
MUTED = "#4c6272"
# Keyed answer 1..5: strongly unfavourable .. strongly favourable (PuOr, 5 classes).
KEYED_COLOURS = ("#e66101", "#fdb863", "#e8e8e8", "#b2abd2", "#5e3c99")
KEYED_TEXT = ("#ffffff", TEXT, TEXT, TEXT, "#ffffff")
KEYED_LABELS = (
    "Most unfavourable (1)",
    "Unfavourable (2)",
    "Neutral (3)",
    "Favourable (4)",
    "Most favourable (5)",
)
_ids = itertools.count(1)


def _esc(text: str) -> str:
    return escape(str(text), {'"': "&quot;"})


def _wrap(text: str, width: int) -> list[str]:
    words, lines, line = text.split(), [], ""
    for word in words:
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    if line:
        lines.append(line)
    return lines or [""]


def _open(width: float, height: float, title: str, desc: str) -> tuple[str, str]:
    n = next(_ids)
    tid, did = f"chart-{n}-title", f"chart-{n}-desc"
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width:.0f} {height:.0f}" '
        f'width="100%" role="img" aria-labelledby="{tid} {did}" class="cdx-chart" '
        f'font-family="{FONT}" preserveAspectRatio="xMinYMin meet">'
        f'<title id="{tid}">{_esc(title)}</title><desc id="{did}">{_esc(desc)}</desc>'
    )
    return head, "</svg>"


@dataclass(frozen=True)
class Distribution:
    """Shares (0–100) of keyed answers 1..5 for one item or scale."""

    label: str
    shares: tuple[float, float, float, float, float]
    n: int


def diverging_bars(rows: Sequence[Distribution], title: str, desc: str) -> str:
    """Diverging stacked bars centred on the neutral answer; favourable to the right."""
    label_w, bar_w, row_h, top = 330.0, 520.0, 34.0, 56.0
    wrapped = [_wrap(r.label, 44) for r in rows]
    heights = [max(row_h, 15.0 * len(w) + 12) for w in wrapped]
    height = top + sum(heights) + 30
    width = label_w + bar_w + 20
    head, tail = _open(width, height, title, desc)
    centre = label_w + bar_w / 2
    scale = bar_w / 200.0  # 100% either side of the centre
    out = [head, _legend(label_w, 10.0)]
    out.append(
        f'<line x1="{centre}" y1="{top - 6}" x2="{centre}" y2="{height - 24}" '
        f'stroke="{MUTED}" stroke-width="1"/>'
    )
    for x_pct in (-100, -50, 50, 100):
        x = centre + x_pct * scale
        out.append(
            f'<text x="{x:.1f}" y="{height - 8}" font-size="11" fill="{MUTED}" '
            f'text-anchor="middle">{abs(x_pct)}%</text>'
        )
    out.append(
        f'<text x="{centre - 8}" y="{top - 10}" font-size="12" fill="{TEXT}" '
        f'text-anchor="end">◀ Unfavourable</text>'
        f'<text x="{centre + 8}" y="{top - 10}" font-size="12" fill="{TEXT}">Favourable ▶</text>'
    )
    y = top
    for row, lines, h in zip(rows, wrapped, heights, strict=True):
        for i, line in enumerate(lines):
            out.append(
                f'<text x="0" y="{y + 16 + 15 * i:.1f}" font-size="12" fill="{TEXT}">'
                f"{_esc(line)}</text>"
            )
        s1, s2, s3, s4, _ = row.shares
        # Neutral straddles the centre; the rest stack outwards.
        starts = [
            centre - (s3 / 2 + s2 + s1) * scale,
            centre - (s3 / 2 + s2) * scale,
            centre - (s3 / 2) * scale,
            centre + (s3 / 2) * scale,
            centre + (s3 / 2 + s4) * scale,
        ]
        bar_y, bar_h = y + 4, 22.0
        for k in range(5):
            w = row.shares[k] * scale
            if w <= 0:
                continue
            out.append(
                f'<rect x="{starts[k]:.1f}" y="{bar_y:.1f}" width="{w:.1f}" height="{bar_h}" '
                f'fill="{KEYED_COLOURS[k]}" stroke="#ffffff" stroke-width="0.5"/>'
            )
            if w >= 26:
                out.append(
                    f'<text x="{starts[k] + w / 2:.1f}" y="{bar_y + 15:.1f}" font-size="11" '
                    f'fill="{KEYED_TEXT[k]}" text-anchor="middle">{row.shares[k]:.0f}%</text>'
                )
        y += h
    out.append(tail)
    return "".join(out)


def _legend(x: float, y: float) -> str:
    parts = []
    for k, label in enumerate(KEYED_LABELS):
        lx = x + k * 104
        parts.append(
            f'<rect x="{lx:.0f}" y="{y}" width="12" height="12" fill="{KEYED_COLOURS[k]}" '
            f'stroke="{MUTED}" stroke-width="0.5"/>'
            f'<text x="{lx + 16:.0f}" y="{y + 10}" font-size="10" fill="{TEXT}">'
            f"{_esc(label)}</text>"
        )
    return "".join(parts)


@dataclass(frozen=True)
class ProfileRow:
    label: str
    mean: float | None
    ci: tuple[float, float] | None
    band_label: str | None


def scale_profile(rows: Sequence[ProfileRow], title: str, desc: str) -> str:
    """Means with 95% CIs on the 1–5 scale, over the three labelled bands."""
    label_w, plot_w, row_h, top = 230.0, 520.0, 30.0, 40.0
    height = top + row_h * len(rows) + 34
    head, tail = _open(label_w + plot_w + 90, height, title, desc)

    def x(v: float) -> float:
        return label_w + (v - 1) / 4 * plot_w

    out = [head]
    bands = (
        (1.0, 3.0, "#fbe3d6", "Needs attention"),
        (3.0, 4.0, "#f3f0e6", "Mixed"),
        (4.0, 5.0, "#e5e1f0", "Strength"),
    )
    for lo, hi, fill, name in bands:
        out.append(
            f'<rect x="{x(lo):.1f}" y="{top - 4}" width="{x(hi) - x(lo):.1f}" '
            f'height="{row_h * len(rows) + 4}" fill="{fill}"/>'
            f'<text x="{(x(lo) + x(hi)) / 2:.1f}" y="{top - 10}" font-size="11" '
            f'fill="{MUTED}" text-anchor="middle">{name}</text>'
        )
    for v in range(1, 6):
        out.append(
            f'<line x1="{x(v):.1f}" y1="{top - 4}" x2="{x(v):.1f}" '
            f'y2="{top + row_h * len(rows)}" stroke="#ffffff" stroke-width="1"/>'
            f'<text x="{x(v):.1f}" y="{height - 12}" font-size="11" fill="{MUTED}" '
            f'text-anchor="middle">{v}</text>'
        )
    for i, row in enumerate(rows):
        cy = top + row_h * i + row_h / 2
        out.append(
            f'<text x="0" y="{cy + 4:.1f}" font-size="12" fill="{TEXT}">{_esc(row.label)}</text>'
        )
        if row.mean is None:
            out.append(
                f'<text x="{label_w + 6}" y="{cy + 4:.1f}" font-size="11" fill="{MUTED}">'
                "not shown (too few answers)</text>"
            )
            continue
        if row.ci is not None:
            lo, hi = max(1.0, row.ci[0]), min(5.0, row.ci[1])
            out.append(
                f'<line x1="{x(lo):.1f}" y1="{cy:.1f}" x2="{x(hi):.1f}" y2="{cy:.1f}" '
                f'stroke="{TEXT}" stroke-width="2"/>'
                f'<line x1="{x(lo):.1f}" y1="{cy - 5:.1f}" x2="{x(lo):.1f}" y2="{cy + 5:.1f}" '
                f'stroke="{TEXT}" stroke-width="2"/>'
                f'<line x1="{x(hi):.1f}" y1="{cy - 5:.1f}" x2="{x(hi):.1f}" y2="{cy + 5:.1f}" '
                f'stroke="{TEXT}" stroke-width="2"/>'
            )
        out.append(
            f'<circle cx="{x(row.mean):.1f}" cy="{cy:.1f}" r="6" fill="{KEYED_COLOURS[4]}" '
            f'stroke="#ffffff" stroke-width="1.5"/>'
            f'<text x="{label_w + plot_w + 8}" y="{cy + 4:.1f}" font-size="12" fill="{TEXT}">'
            f"{row.mean:.2f}</text>"
        )
    out.append(tail)
    return "".join(out)


@dataclass(frozen=True)
class HeatCell:
    value: float | None  # None: suppressed or missing
    note: str = ""  # e.g. "fewer than 5"


def heatmap(
    row_labels: Sequence[str],
    col_labels: Sequence[str],
    cells: Sequence[Sequence[HeatCell]],
    title: str,
    desc: str,
) -> str:
    """Scale means by group; each cell prints its value, so colour is only a second cue."""
    label_w, cell_w, cell_h, top = 250.0, 96.0, 34.0, 70.0
    width = label_w + cell_w * len(col_labels) + 10
    height = top + cell_h * len(row_labels) + 10
    head, tail = _open(width, height, title, desc)
    out = [head]
    for j, col in enumerate(col_labels):
        lines = _wrap(col, 14)[:3]
        for i, line in enumerate(lines):
            out.append(
                f'<text x="{label_w + cell_w * j + cell_w / 2:.1f}" '
                f'y="{top - 10 - 13 * (len(lines) - 1 - i):.1f}" font-size="11" fill="{TEXT}" '
                f'text-anchor="middle">{_esc(line)}</text>'
            )
    for i, row in enumerate(row_labels):
        y = top + cell_h * i
        out.append(
            f'<text x="0" y="{y + 21:.1f}" font-size="12" fill="{TEXT}">{_esc(row[:40])}</text>'
        )
        for j, cell in enumerate(cells[i]):
            cx = label_w + cell_w * j
            if cell.value is None:
                out.append(
                    f'<rect x="{cx:.1f}" y="{y:.1f}" width="{cell_w - 2}" height="{cell_h - 2}" '
                    f'fill="#ffffff" stroke="#d8dde0"/>'
                    f'<text x="{cx + cell_w / 2:.1f}" y="{y + 21:.1f}" font-size="10" '
                    f'fill="{MUTED}" text-anchor="middle">{_esc(cell.note or "–")}</text>'
                )
                continue
            k = 0 if cell.value < 2.5 else 1 if cell.value < 3.0 else 2 if cell.value < 3.5 else 3
            k = 4 if cell.value >= 4.0 else k
            out.append(
                f'<rect x="{cx:.1f}" y="{y:.1f}" width="{cell_w - 2}" height="{cell_h - 2}" '
                f'fill="{KEYED_COLOURS[k]}"/>'
                f'<text x="{cx + cell_w / 2:.1f}" y="{y + 21:.1f}" font-size="12" '
                f'fill="{KEYED_TEXT[k]}" text-anchor="middle">{cell.value:.2f}</text>'
            )
    out.append(tail)
    return "".join(out)
