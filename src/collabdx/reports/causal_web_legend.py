"""Colours, line styles, badges and the legend of the causal web drawing.

Split out of :mod:`collabdx.reports.causal_web` to keep both modules short; the
drawing's rules (no colour-only cues, presentation attributes only) are there.
"""

from __future__ import annotations

from markupsafe import Markup

from collabdx.reports.causal_web_layout import FONT, text_width
from collabdx.reports.causal_web_text import BADGE_FONT, BADGE_H
from collabdx.reports.causal_web_text import badge_width as _word_width
from collabdx.reports.svg import el, join

FONT_FAMILY = "Arial, Helvetica, Liberation Sans, sans-serif"
TEXT = "#212b32"
POSITIVE = "#0072b2"  # Okabe-Ito blue
NEGATIVE = "#d55e00"  # Okabe-Ito vermillion
DASH = "7 4"
NODE_STYLE = {  # fill, stroke, stroke width, font weight
    "mechanism": ("#e8f1fa", "#005eb8", "2", "bold"),
    "performance": ("#f2edf7", "#6a3d9a", "1.5", "normal"),
    "factor": ("#ffffff", "#768692", "1", "normal"),
}
MARK = {"weak": ("#d5281b", "weak"), "strong": ("#007f3b", "strong")}
MARGIN = 12
EMPHASIS_WIDTH = "3.6"
FADED = "0.35"


def _n(v: float) -> str:
    return f"{v:.1f}".rstrip("0").rstrip(".")


def badge_width(level: str, word: str | None = None) -> float:
    return _word_width(word or MARK[level][1])


def _badge(x_right: float, y: float, level: str, word: str | None = None) -> Markup:
    colour, default = MARK[level]
    word = word or default
    w = badge_width(level, word)
    return el(
        "g",
        el("rect", x=_n(x_right - w), y=_n(y), width=_n(w), height=BADGE_H, rx=3, fill=colour),
        el(
            "text", word, x=_n(x_right - w / 2), y=_n(y + BADGE_H * 0.75), font_size=BADGE_FONT,
            font_weight="bold", fill="#ffffff", text_anchor="middle",
        ),
        class_="cw-badge",
    )  # fmt: skip


def _legend_items(
    levels: list[str], prefix: str, route: bool
) -> list[tuple[Markup, str, float]]:
    """(graphic, text, text x) for each legend entry."""

    # <line>, not <path>: every <path> in the drawing is an edge of the web.
    def arrow(c: str, dash: str | None, m: str) -> Markup:
        return el("line", x1=0, y1=9, x2=34, y2=9, stroke=c, stroke_width="1.6",
                  stroke_dasharray=dash, marker_end=f"url(#{m})")  # fmt: skip

    items = [
        (
            arrow(POSITIVE, None, f"{prefix}-arrow-pos"),
            "increases: more of one, more of the other",
            44.0,
        ),
        (
            arrow(NEGATIVE, DASH, f"{prefix}-arrow-neg"),
            "decreases: more of one, less of the other",
            44.0,
        ),
    ]
    for kind, text in (
        ("mechanism", "Table 7 mechanism"),
        ("performance", "Table 9 performance mechanism"),
        ("factor", "other factor"),
    ):
        fill, stroke, sw, _w = NODE_STYLE[kind]
        items.append(
            (
                el("rect", x=2, y=1, width=30, height=16, rx=3, fill=fill, stroke=stroke,
                   stroke_width=sw),
                text,
                44.0,
            )
        )
    if route:
        thick = el("line", x1=0, y1=9, x2=34, y2=9, stroke=TEXT, stroke_width=EMPHASIS_WIDTH)
        items.append((thick, "thick: route through a weak mechanism", 44.0))
    for level in levels:
        badge_w = badge_width(level)
        items.append(
            (
                el("rect", x=2, y=1, width=30, height=16, rx=3, fill="#ffffff",
                   stroke=MARK[level][0], stroke_width=4) + _badge(44 + badge_w, 1, level),
                # Task complexity is marked "high"/"low" (more of it is worse).
                f"rated {level} (task complexity: {'high' if level == 'weak' else 'low'})",
                52 + badge_w,
            )
        )
    return items


def _legend(
    levels: list[str], width: float, prefix: str, column: bool, route: bool
) -> tuple[Markup, float]:
    """Legend entries in a wrapped row, or in a column; returns markup and height."""
    out: list[Markup] = []
    x, y = 0.0, 0.0
    for graphic, text, shift in _legend_items(levels, prefix, route):
        w = shift + text_width(text, FONT) + 28
        if column and out:
            y += 24
        elif x and x + w > width:
            x, y = 0.0, y + 24
        out.append(
            el("g", graphic, el("text", text, x=_n(shift), y=14, font_size=FONT, fill=TEXT),
               transform=f"translate({_n(x)} {_n(y)})")
        )  # fmt: skip
        x = 0.0 if column else x + w
    return join(out), y + 24
