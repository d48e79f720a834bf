"""Server-drawn SVG charts for the workshop pack: no scripts, no external fonts, no CSS.

Every chart has a <title> and <desc> (named by ``aria-labelledby``) and is paired,
in the templates, with a data table. Colour is never the only cue: values are
printed on the marks, favourable answers always sit to the right of the centre
line, and bands and colour bins are labelled in words. The palette is
ColorBrewer's PuOr (orange for unfavourable, purple for favourable), which readers
with the common colour-vision deficiencies can tell apart.

Only SVG presentation attributes are used (fill, stroke, font-size...), because the
app's Content Security Policy forbids inline ``style`` attributes. Text is SVG
text, so it stays selectable (and searchable) in the PDF. Ids come from the
caller's ``id_prefix``, so a page's ids are unique and the same on every render.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup

from collabdx.reports.fmt import num
from collabdx.reports.svg import el, join

FONT = "Arial, Helvetica, Liberation Sans, sans-serif"
TEXT = "#212b32"
MUTED = "#4c6272"
WIDTH = 760.0
# Keyed answer 1..5: strongly unfavourable .. strongly favourable (PuOr, 5 classes).
KEYED_COLOURS = ("#e66101", "#fdb863", "#e8e8e8", "#b2abd2", "#5e3c99")
KEYED_TEXT = ("#ffffff", TEXT, TEXT, TEXT, "#ffffff")
KEYED_LABELS = ("1 least favourable", "2", "3 neutral", "4", "5 most favourable")


def _wrap(text: str, width: int) -> list[str]:
    lines: list[str] = []
    line = ""
    for word in text.split():
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    if line:
        lines.append(line)
    return lines or [""]


def _f(value: float) -> str:
    """A coordinate to one decimal place."""
    return f"{value:.1f}"


def _svg(
    body: Sequence[Markup], height: float, title: str, desc: str, id_prefix: str,
    width: float = WIDTH,
) -> Markup:
    tid, did = f"{id_prefix}-title", f"{id_prefix}-desc"
    return el(
        "svg", el("title", title, id=tid), el("desc", desc, id=did), *body,
        xmlns="http://www.w3.org/2000/svg", viewBox=f"0 0 {width:.0f} {height:.0f}",
        role="img", aria_labelledby=f"{tid} {did}", class_="cdx-chart", focusable="false",
        font_family=FONT, preserveAspectRatio="xMinYMin meet",
    )  # fmt: skip


def _text(x: float, y: float, s: str, size: int = 12, fill: str = TEXT, **attrs: str) -> Markup:
    """An SVG text element; keyword attributes are written with dashes (text_anchor)."""
    return el("text", s, x=_f(x), y=_f(y), font_size=size, fill=fill, **attrs)


def _swatches(x: float, y: float, entries: Sequence[tuple[str, str]], step: float) -> Markup:
    out = []
    for k, (colour, label) in enumerate(entries):
        lx = x + k * step
        out.append(
            el("rect", x=_f(lx), y=_f(y), width=12, height=12, fill=colour, stroke=MUTED,
               stroke_width=0.5) + _text(lx + 16, y + 10, label, 11)
        )  # fmt: skip
    return join(out)


# ---- Diverging stacked bars (one row per question) ------------------------------------


@dataclass(frozen=True)
class AnswerShares:
    """Shares (0–100) of keyed answers 1..5 for one question; None when not shown."""

    label: str
    shares: tuple[float, float, float, float, float] | None
    n: int | None


def diverging_bars(
    rows: Sequence[AnswerShares], *, title: str, desc: str, id_prefix: str, hidden: str
) -> Markup:
    """Diverging stacked bars: neutral straddles the centre line, favourable answers
    (keyed 4–5) always extend to the right, unfavourable (1–2) to the left.
    ``hidden`` is the text for a row whose shares are not shown."""
    label_w, bar_w, top, line_h = 250.0, 440.0, 62.0, 14.0
    wrapped = [_wrap(r.label, 38) for r in rows]
    heights = [max(32.0, line_h * len(w) + 10) for w in wrapped]
    height = top + sum(heights) + 28
    centre = label_w + bar_w / 2
    scale = bar_w / 200.0  # 100% either side of the centre
    entries = list(zip(KEYED_COLOURS, KEYED_LABELS, strict=True))
    out = [_swatches(0, 4, entries, 140)]
    out.append(_text(centre - 8, top - 12, "◀ unfavourable", 12, text_anchor="end"))
    out.append(_text(centre + 8, top - 12, "favourable ▶", 12))
    out.append(_text(WIDTH, top - 12, "answered", 11, text_anchor="end", fill=MUTED))
    # The centre line goes under the bars, so it never crosses a printed percentage.
    out.append(
        el("line", x1=_f(centre), y1=_f(top - 4), x2=_f(centre), y2=_f(top + sum(heights) + 4),
           stroke=TEXT, stroke_width=1.5)
    )  # fmt: skip
    y = top
    for row, lines, h in zip(rows, wrapped, heights, strict=True):
        out.append(el("line", x1=0, y1=_f(y), x2=f"{WIDTH:.0f}", y2=_f(y), stroke="#d8dde0"))
        for i, line in enumerate(lines):
            out.append(_text(0, y + 15 + line_h * i, line, 12))
        bar_y = y + (h - 22) / 2
        if row.shares is None:
            out.append(_text(centre, bar_y + 15, hidden, 11, text_anchor="middle", fill=MUTED))
            y += h
            continue
        s1, s2, s3, s4, _s5 = row.shares
        starts = (
            centre - (s3 / 2 + s2 + s1) * scale,
            centre - (s3 / 2 + s2) * scale,
            centre - (s3 / 2) * scale,
            centre + (s3 / 2) * scale,
            centre + (s3 / 2 + s4) * scale,
        )
        for k in range(5):
            w = row.shares[k] * scale
            if w <= 0:
                continue
            out.append(
                el("rect", x=_f(starts[k]), y=_f(bar_y), width=_f(w), height=22,
                   fill=KEYED_COLOURS[k], stroke="#ffffff", stroke_width=0.5)
            )  # fmt: skip
            if w >= 22:
                out.append(
                    _text(starts[k] + w / 2, bar_y + 15, f"{row.shares[k]:.0f}%", 11,
                          text_anchor="middle", fill=KEYED_TEXT[k])
                )  # fmt: skip
        out.append(_text(WIDTH, bar_y + 15, str(row.n), 11, text_anchor="end"))
        y += h
    for pct_at in (-100, -50, 50, 100):
        out.append(
            _text(centre + pct_at * scale, y + 20, f"{abs(pct_at)}%", 11, text_anchor="middle",
                  fill=MUTED)
        )  # fmt: skip
    return _svg(out, height, title, desc, id_prefix)


# ---- Scale profile: means with 95% CIs over the bands ---------------------------------


@dataclass(frozen=True)
class ProfileRow:
    label: str
    mean: float | None
    ci: tuple[float, float] | None


def _whiskers(lo: float, hi: float, cy: float) -> Markup:
    """A 95% confidence interval's line with an end bar at each bound."""
    return el(
        "path",
        d=f"M{lo:.1f} {cy - 6:.1f} V{cy + 6:.1f} M{lo:.1f} {cy:.1f} H{hi:.1f} "
        f"M{hi:.1f} {cy - 6:.1f} V{cy + 6:.1f}",
        fill="none", stroke=TEXT, stroke_width=2,
    )  # fmt: skip


def _dot(cx: float, cy: float) -> Markup:
    return el("circle", cx=_f(cx), cy=_f(cy), r=6, fill=KEYED_COLOURS[4], stroke="#ffffff",
              stroke_width=1.5)  # fmt: skip


BANDS = ((1.0, 3.0, "#fbe3d6", "Needs attention"), (3.0, 4.0, "#f3f3f3", "Mixed"),
         (4.0, 5.0, "#e8e4f2", "Strength"))  # fmt: skip


def scale_profile(
    rows: Sequence[ProfileRow], *, title: str, desc: str, id_prefix: str, hidden: str
) -> Markup:
    """Each scale's mean (dot, value printed) and 95% CI (whiskers) on 1 to 5, over the
    three labelled bands."""
    label_w, plot_w, row_h, top = 210.0, 490.0, 30.0, 34.0
    height = top + row_h * len(rows) + 30
    bottom = top + row_h * len(rows)

    def x(v: float) -> float:
        return label_w + (min(max(v, 1.0), 5.0) - 1) / 4 * plot_w

    out: list[Markup] = []
    for lo, hi, fill, name in BANDS:
        out.append(
            el("rect", x=_f(x(lo)), y=_f(top - 4), width=_f(x(hi) - x(lo)),
               height=_f(bottom - top + 4), fill=fill)
            + _text((x(lo) + x(hi)) / 2, top - 12, name, 11, text_anchor="middle")
        )  # fmt: skip
    for v in range(1, 6):
        out.append(
            el("line", x1=_f(x(v)), y1=_f(top - 4), x2=_f(x(v)), y2=_f(bottom),
               stroke="#ffffff", stroke_width=1.5)
            + _text(x(v), bottom + 16, str(v), 11, text_anchor="middle", fill=MUTED)
        )  # fmt: skip
    for i, row in enumerate(rows):
        cy = top + row_h * i + row_h / 2
        out.append(_text(0, cy + 4, row.label, 12))
        if row.mean is None:
            out.append(_text(label_w + 8, cy + 4, hidden, 11, fill=MUTED))
            continue
        if row.ci is not None:
            lo, hi = x(row.ci[0]), x(row.ci[1])
            out.append(_whiskers(lo, hi, cy))
        out.append(
            _dot(x(row.mean), cy)
            + _text(label_w + plot_w + 10, cy + 4, num(row.mean), 12, font_weight="bold")
        )
    return _svg(out, height, title, desc, id_prefix)


NARROW_WIDTH = 360.0


def scale_profile_narrow(
    rows: Sequence[ProfileRow], *, title: str, desc: str, id_prefix: str, hidden: str
) -> Markup:
    """The scale profile for a phone: each scale's name on a line of its own above its
    dot and whiskers, so the 1 to 5 axis gets the whole width. 360 units wide, it is
    drawn at about the width of a 375-pixel screen, text at its full size; the wide
    version would scroll, showing only 1 to 2.5 of its axis at first (issue 17)."""
    left, right, row_h, top = 8.0, 300.0, 46.0, 40.0
    plot_w = right - left
    height = top + row_h * len(rows) + 26
    bottom = top + row_h * len(rows)

    def x(v: float) -> float:
        return left + (min(max(v, 1.0), 5.0) - 1) / 4 * plot_w

    out: list[Markup] = []
    for lo, hi, _, name in BANDS:
        out.append(_text((x(lo) + x(hi)) / 2, 14, name, 11, text_anchor="middle"))
    for i, row in enumerate(rows):
        y = top + row_h * i
        out.append(_text(left, y + 4, row.label, 13))
        cy = y + 24
        for lo, hi, fill, _ in BANDS:
            out.append(
                el("rect", x=_f(x(lo)), y=_f(cy - 10), width=_f(x(hi) - x(lo)), height=20,
                   fill=fill)
            )  # fmt: skip
        for v in range(1, 6):
            out.append(
                el("line", x1=_f(x(v)), y1=_f(cy - 10), x2=_f(x(v)), y2=_f(cy + 10),
                   stroke="#ffffff", stroke_width=1.5)
            )  # fmt: skip
        if row.mean is None:
            out.append(_text(left + 6, cy + 4, hidden, 11, fill=MUTED))
            continue
        if row.ci is not None:
            lo, hi = x(row.ci[0]), x(row.ci[1])
            out.append(_whiskers(lo, hi, cy))
        out.append(
            _dot(x(row.mean), cy) + _text(right + 12, cy + 5, num(row.mean), 13, font_weight="bold")
        )
    for v in range(1, 6):
        out.append(_text(x(v), bottom + 14, str(v), 11, text_anchor="middle", fill=MUTED))
    return _svg(out, height, title, desc, id_prefix, width=NARROW_WIDTH)


# ---- Heatmap: scale means by group -----------------------------------------------------


@dataclass(frozen=True)
class HeatRow:
    label: str
    values: tuple[float | None, ...]  # one per column; None: not shown
    note: str = ""  # printed across the row when the whole group is hidden


# The same three bands as the scale table and profile (core.stats.BANDS, 3 and 4), so
# a cell's colour never says something its band does not (issue 14). Colours are the
# diverging scale's ends and centre.
HEAT_BINS = (
    (3.0, "below 3.00: needs attention"), (4.0, "3.00 to below 4.00: mixed"),
    (99.0, "4.00 and above: strength"),
)  # fmt: skip
HEAT_COLOUR = (0, 2, 4)  # index into KEYED_COLOURS / KEYED_TEXT for each bin


def _bin(value: float) -> int:
    return HEAT_COLOUR[next(i for i, (upper, _) in enumerate(HEAT_BINS) if value < upper)]


def heatmap(
    sections: Sequence[tuple[str, Sequence[HeatRow]]],
    columns: Sequence[str],
    *,
    title: str,
    desc: str,
    id_prefix: str,
    hidden: str,
) -> Markup:
    """Scale means by group, one block of rows per breakdown. Each cell prints its
    value; colour (the three bands) is only a second cue."""
    label_w, top = 210.0, 86.0
    cell_w = (WIDTH - label_w) / max(len(columns), 1)
    cell_h, head_h = 32.0, 24.0
    n_rows = sum(len(rows) for _, rows in sections)
    height = top + cell_h * n_rows + head_h * len(sections) + 8
    entries = [(KEYED_COLOURS[HEAT_COLOUR[i]], label) for i, (_, label) in enumerate(HEAT_BINS)]
    # A step that fits the longest label ("3.00 to below 4.00: mixed", 11 px) and its swatch.
    out = [_swatches(0, 2, entries, 175)]
    for j, col in enumerate(columns):
        lines = _wrap(col, 13)[:3]
        for i, line in enumerate(lines):
            out.append(
                _text(label_w + cell_w * (j + 0.5), top - 8 - 13 * (len(lines) - 1 - i), line, 11,
                      text_anchor="middle")
            )  # fmt: skip
    y = top
    for heading, rows in sections:
        out.append(_text(0, y + 17, heading, 12, font_weight="bold"))
        y += head_h
        for row in rows:
            lines = _wrap(row.label, 30)
            if len(lines) > 2:
                lines = [lines[0], lines[1][:28] + "…"]
            for i, line in enumerate(lines):
                out.append(_text(8, y + (20 if len(lines) == 1 else 13 + 13 * i), line, 11))
            if row.note:
                out.append(
                    el("rect", x=_f(label_w), y=_f(y), width=_f(WIDTH - label_w - 2),
                       height=_f(cell_h - 2), fill="#ffffff", stroke="#d8dde0")
                    + _text((label_w + WIDTH) / 2, y + 20, row.note, 11, text_anchor="middle",
                            fill=MUTED)
                )  # fmt: skip
                y += cell_h
                continue
            for j, value in enumerate(row.values):
                cx = label_w + cell_w * j
                if value is None:
                    out.append(
                        el("rect", x=_f(cx), y=_f(y), width=_f(cell_w - 2),
                           height=_f(cell_h - 2), fill="#ffffff", stroke="#d8dde0")
                        + _text(cx + cell_w / 2, y + 20, hidden, 10, text_anchor="middle",
                                fill=MUTED)
                    )  # fmt: skip
                    continue
                k = _bin(value)
                out.append(
                    el("rect", x=_f(cx), y=_f(y), width=_f(cell_w - 2), height=_f(cell_h - 2),
                       fill=KEYED_COLOURS[k])
                    + _text(cx + cell_w / 2, y + 20, num(value), 12, text_anchor="middle",
                            fill=KEYED_TEXT[k])
                )  # fmt: skip
            y += cell_h
    return _svg(out, height, title, desc, id_prefix)
