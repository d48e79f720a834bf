"""The causal web of the programme theory as a self-contained SVG.

A pure function of a :class:`~collabdx.core.theory.Theory`, so the web page and the
PDF report draw the same picture. The page's Content Security Policy forbids
``style=`` attributes and ``<style>`` blocks, so everything is set with SVG
presentation attributes; no script, no external font, no external reference.

Positive and negative edges differ in line style (solid/dashed) *and* colour (the
Okabe-Ito blue/vermillion pair, distinguishable with the common colour-vision
deficiencies), and a highlighted node carries a text badge, so colour is never the
only cue. The layout is in :mod:`collabdx.reports.causal_web_layout`.
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass

from markupsafe import Markup

from collabdx.core.theory import Theory
from collabdx.reports.causal_web_layout import (
    FONT,
    GHOST_GAP,
    LINE,
    Box,
    Layout,
    Metrics,
    Route,
    layout,
    text_width,
)
from collabdx.reports.causal_web_legend import (
    DASH,
    EMPHASIS_WIDTH,
    FADED,
    FONT_FAMILY,
    MARGIN,
    MARK,
    NEGATIVE,
    NODE_STYLE,
    POSITIVE,
    TEXT,
    _badge,
    _legend,
    _legend_items,
    _n,
    badge_width,
)
from collabdx.reports.svg import el, join

__all__ = ["HIGHLIGHTS", "SIGN_WORDS", "EdgeRow", "edge_rows", "svg"]

SIGN_WORDS = {1: "increases", -1: "decreases"}
HIGHLIGHTS = ("weak", "strong")



@dataclass(frozen=True)
class EdgeRow:
    """One line of the data-table alternative to the drawing."""

    source: str
    source_label: str
    target: str
    target_label: str
    sign: int
    sign_word: str
    cmocs: tuple[str, ...]


def edge_rows(theory: Theory) -> list[EdgeRow]:
    """Every edge of the web in data order, labelled for a table."""
    return [
        EdgeRow(
            e.source,
            theory.nodes[e.source].label,
            e.target,
            theory.nodes[e.target].label,
            e.sign,
            SIGN_WORDS[e.sign],
            e.cmocs,
        )
        for e in theory.edges
    ]


@functools.lru_cache(maxsize=8)
def _cached_layout(
    theory: Theory, metrics: Metrics | None = None, marked: frozenset[str] = frozenset()
) -> Layout:
    return layout(theory, metrics, marked)


def _ports(lay: Layout) -> dict[tuple[int, str], float]:
    """y of each edge end on a box side, spread in the order of the far ends.

    Keyed by (route index, "out"/"in"). Sorting by where the other end lies keeps
    edges leaving one box from crossing each other at the box.
    """
    sides: dict[tuple[str, str], list[tuple[float, int]]] = {}
    for i, r in enumerate(lay.routes):
        first, last = lay.boxes[r.chain[0]], lay.boxes[r.chain[-1]]
        if first.real:
            sides.setdefault((first.id, "out"), []).append((lay.boxes[r.chain[1]].cy, i))
        sides.setdefault((last.id, "in"), []).append((lay.boxes[r.chain[-2]].cy, i))
    trunk_ids = [i for i, r in enumerate(lay.routes) if r.trunk_from]
    for node in dict.fromkeys(lay.routes[i].trunk_from for i in trunk_ids):
        # The trunk leaves at the bottom of the side: it heads down to the next band.
        sides.setdefault((str(node), "out"), []).append((float("inf"), -1))
    ports: dict[tuple[int, str], float] = {}
    for (node, side), ends in sides.items():
        box = lay.boxes[node]
        ends.sort()
        for k, (_y, i) in enumerate(ends):
            y = box.y + box.h * (k + 1) / (len(ends) + 1)
            if i == -1:
                for t in trunk_ids:
                    if lay.routes[t].trunk_from == node:
                        ports[(t, "trunk")] = y
            else:
                ports[(i, side)] = y
    return ports


def _points(
    lay: Layout, i: int, r: Route, ports: Mapping[tuple[int, str], float]
) -> list[tuple[float, float]]:
    boxes = lay.boxes
    pts: list[tuple[float, float]] = []
    first = boxes[r.chain[0]]
    if first.real:
        pts.append((first.x + first.w, ports[(i, "out")]))
    for name in r.chain[1:-1]:
        d = boxes[name]
        pts += [(d.x, d.cy), (d.x + d.w, d.cy)]
    last = boxes[r.chain[-1]]
    pts.append((last.x, ports[(i, "in")]))
    if r.trunk_from:
        # Down the trunk, then a comb: each branch leaves it level with its target.
        src = boxes[r.trunk_from]
        drop, channel = _trunk(lay, src)
        y0 = ports[(i, "trunk")]
        pts[:0] = [
            (src.x + src.w, y0),
            (drop, y0),
            (drop, channel),
            (first.x, channel),
            (first.x, pts[0][1]),
        ]
    return pts[::-1] if r.reversed else pts


def _trunk(lay: Layout, src: Box) -> tuple[float, float]:
    """Where a trunk to the next band turns down (x) and runs left (y, between bands)."""
    channel = next(b.top for b in lay.bands[1:] if b.top > src.y) - LINE * 0.6
    return src.x + src.w + lay.metrics.col_gap * 0.4, channel


def _path(pts: list[tuple[float, float]]) -> str:
    """Straight where axis-aligned, else an S-curve with horizontal ends.

    Horizontal tangents make every arrowhead meet its box square on.
    """
    d = [f"M{_n(pts[0][0])} {_n(pts[0][1])}"]
    for (x0, y0), (x1, y1) in itertools.pairwise(pts):
        if abs(y0 - y1) < 0.05 or abs(x0 - x1) < 0.05:
            d.append(f"L{_n(x1)} {_n(y1)}")
        else:
            xm = (x0 + x1) / 2
            d.append(f"C{_n(xm)} {_n(y0)} {_n(xm)} {_n(y1)} {_n(x1)} {_n(y1)}")
    return " ".join(d)


def _edge(
    lay: Layout, theory: Theory, i: int, ports: Mapping[tuple[int, str], float], prefix: str,
    emphasis: frozenset[tuple[str, str]] = frozenset(), number: int | None = None,
) -> tuple[Markup, Markup]:  # fmt: skip
    """The edge's path, and its number's plate (drawn later, over every line)."""
    r = lay.routes[i]
    pts = _points(lay, i, r, ports)
    e = r.edge
    pos = e.sign > 0
    label = (
        f"{theory.nodes[e.source].label} {SIGN_WORDS[e.sign]} "
        f"{theory.nodes[e.target].label} (CMOC {', '.join(e.cmocs)})"
    )
    attrs: dict[str, object] = {
        "d": _path(pts),
        "fill": "none",
        "stroke": POSITIVE if pos else NEGATIVE,
        "stroke_width": "1.6",
        "stroke_dasharray": None if pos else DASH,
        "marker_end": f"url(#{prefix}-arrow-{'pos' if pos else 'neg'})",
        "class_": f"cw-edge cw-{'pos' if pos else 'neg'}",
        "data_from": e.source,
        "data_to": e.target,
        "data_sign": e.sign,
    }
    if emphasis:
        # The report's overlay: routes through weak mechanisms are drawn thick, the
        # rest faded, so the route stands out by weight as well as by contrast.
        on = (e.source, e.target) in emphasis
        attrs.update({"data_route": "1"} if on else {"stroke_opacity": FADED})
        attrs["stroke_width"] = EMPHASIS_WIDTH if on else "1.6"
    path = el("path", el("title", label), **attrs)
    return path, (_number(pts, number, r.reversed) if number is not None else Markup(""))


def _number(pts: list[tuple[float, float]], number: int, feedback: bool) -> Markup:
    """The link's number in the key, on the straight end before its arrowhead.

    A feedback edge (drawn right to left) has its number where it leaves the left side
    of its source instead: before its arrowhead, on the right side of its target, the
    number sat in the gap where the next column's numbers are, and they covered it
    (issue 14: number 18 in Box 1). So every number is on the left of a box, beside
    one of its ports; ports are ``Metrics.port_step`` apart, more than a number's
    height, and a white plate keeps it legible over the lines it crosses.
    """
    x1, y1 = pts[0] if feedback else pts[-1]
    w = text_width(str(number), FONT) + 4
    x = x1 - 10 - w
    # A white plate, not a stroke halo: WeasyPrint ignores paint-order, and a halo
    # drawn over the glyphs hid them in the PDF.
    return el(
        "g",
        el("rect", x=_n(x), y=_n(y1 - FONT * 0.55), width=_n(w), height=_n(FONT * 1.1),
           fill="#ffffff", fill_opacity="0.85"),
        el("text", str(number), x=_n(x + w / 2), y=_n(y1 + FONT * 0.36), font_size=FONT,
           fill=TEXT, text_anchor="middle"),
        class_="cw-link-no",
    )  # fmt: skip


# Mechanisms where more is worse: a low (unfavourable) score means a lot of it, so
# "weak" would say the opposite of what is meant (issue 14: "Perceived task
# complexity" marked weak when complexity is high). Their badges say high / low.
MORE_IS_WORSE = frozenset({"task_complexity"})
INVERSE_WORD = {"weak": "high", "strong": "low"}


def _node(
    box: Box, label: str, level: str | None, href: str | None, prefix: str,
    inverse: bool = False, badge_row: float = 0.0,
) -> Markup:
    fill, stroke, width, weight = NODE_STYLE[box.kind]
    if level:
        stroke, width = MARK[level][0], "4"
    block = len(box.lines) * LINE
    row = badge_row if level else 0.0  # the layout made the box taller by this
    top = box.y + (box.h - row - block) / 2
    spans = join(
        el("tspan", s, x=_n(box.x + box.w / 2), y=_n(top + LINE * (k + 0.76)))
        for k, s in enumerate(box.lines)
    )
    parts = [
        el("title",
           label + (f" ({INVERSE_WORD[level] if inverse else level})" if level else "")),
        el("rect", class_="cw-box", x=_n(box.x), y=_n(box.y), width=_n(box.w),
           height=_n(box.h), rx=4, fill=fill, stroke=stroke, stroke_width=width),
        el("text", spans, font_size=FONT, font_weight=weight, fill=TEXT,
           text_anchor="middle"),
    ]  # fmt: skip
    if level:
        # Never over the name: over the corner it covered "of" in "Sharedness of vision"
        # (issue 14). In print, in a row of its own at the foot of the box; on the web,
        # in the column gap beside the box (COL_GAP leaves room for it).
        word = INVERSE_WORD[level] if inverse else None
        if row:
            parts.append(_badge(box.x + box.w - 3, box.y + box.h - row, level, word))
        else:
            parts.append(_badge(box.x + box.w + 1 + badge_width(level, word), box.y, level, word))
    g = el("g", *parts, class_=f"cw-node cw-{box.kind}", id=f"{prefix}-node-{box.id}",
           data_node=box.id)  # fmt: skip
    return el("a", g, href=href) if href else g


def svg(
    theory: Theory,
    highlight: Mapping[str, str] | None = None,
    *,
    node_href: Callable[[str], str] | None = None,
    id_prefix: str = "cw",
    emphasise: Collection[tuple[str, str]] = (),
    metrics: Metrics | None = None,
    numbered: bool = False,
) -> str:
    """The causal web as an ``<svg>`` string.

    ``highlight`` maps node id to "weak" or "strong" (the report's overlay);
    ``node_href`` makes each node a link; ``id_prefix`` keeps element ids unique when
    two drawings share a page; ``emphasise`` lists (source, target) edges to draw
    thick, fading the others (the report's routes through weak mechanisms);
    ``metrics`` sets box and gap sizes (``causal_web_layout.PRINT`` for print);
    ``numbered`` writes each link's number (its position in ``theory.edges``, from 1)
    before its arrowhead, for a key of the links and their CMOC conditions.
    """
    emphasis = frozenset(emphasise)
    highlight = dict(highlight or {})
    for node, level in highlight.items():
        if node not in theory.nodes:
            raise ValueError(f"highlight: unknown node {node!r}")
        if level not in HIGHLIGHTS:
            raise ValueError(f"highlight: {node!r}: level must be one of {HIGHLIGHTS}")
    # Marks change the print layout only (a badge row); the web's layout stays cached.
    marked = frozenset(highlight) if metrics is not None and metrics.badge_row else frozenset()
    lay = _cached_layout(theory, metrics, marked)
    gap = lay.metrics.col_gap
    p = id_prefix
    levels = [lv for lv in HIGHLIGHTS if lv in highlight.values()]
    # The legend goes in the free space right of the last band when there is room
    # (it saves height, which is what limits the print size); else in a row on top.
    route = bool(emphasis)
    widest = max(text_width(t, FONT) + sh + 28 for _g, t, sh in _legend_items(levels, p, route))
    last = lay.bands[-1] if lay.bands else None
    beside = last is not None and last.right + gap + widest <= lay.width
    legend, legend_h = _legend(levels, lay.width, p, column=beside, route=route)
    top = 0.0 if beside else legend_h + 8
    width, height = lay.width + 2 * MARGIN, lay.height + top + 2 * MARGIN
    legend_at = (last.right + gap, last.top + LINE * 2) if last and beside else (0.0, -top)
    boxes_named = sorted({c.source for c in theory.cmocs.values()})
    desc = (
        f"{sum(b.real for b in lay.boxes.values())} factors and {len(lay.routes)} links, "
        "drawn by collabdx from the context-mechanism-outcome configurations of "
        f"{' and '.join(boxes_named)} of Millar et al. 2023 (derived, not a figure from the "
        "report). Arrows run "
        "from cause to effect. Solid blue arrows: more of one leads to more of the other. "
        "Dashed orange arrows: more of one leads to less of the other. "
        "A table of every link accompanies the drawing."
    )
    def marker(id_: str, colour: str) -> Markup:
        return el("marker", el("polygon", points="0,0 10,5 0,10", fill=colour), id=id_,
                  viewBox="0 0 10 10", refX=10, refY=5, markerWidth=9, markerHeight=9,
                  markerUnits="userSpaceOnUse", orient="auto")  # fmt: skip

    # With links on the nodes the drawing is interactive, and an interactive element
    # inside role="img" is hidden from assistive technology (axe: nested-interactive),
    # so it becomes a labelled group; a static drawing stays an image.
    role = "group" if node_href is not None else "img"
    drawing = [
        el("g", legend, class_="cw-legend",
           transform=f"translate({_n(legend_at[0])} {_n(legend_at[1])})"),
    ]  # fmt: skip
    drawing += _band_titles(lay, theory)
    order = sorted(range(len(lay.routes)), key=lambda i: theory.edges.index(lay.routes[i].edge))
    ports = _ports(lay)
    edges = [
        _edge(lay, theory, i, ports, p, emphasis,
              theory.edges.index(lay.routes[i].edge) + 1 if numbered else None)
        for i in order
    ]  # fmt: skip
    drawing.append(el("g", *(path for path, _ in edges), class_="cw-edges"))
    if numbered:  # after all the lines: a later line drawn across a number half hid it
        drawing.append(el("g", *(no for _, no in edges), class_="cw-link-nos"))
    nodes = []
    for node in theory.nodes:
        box = lay.boxes.get(node)
        if box is not None:
            href = node_href(node) if node_href else None
            inverse = theory.nodes[node].mechanism in MORE_IS_WORSE
            nodes.append(
                _node(box, theory.nodes[node].label, highlight.get(node), href, p, inverse,
                      lay.metrics.badge_row)
            )  # fmt: skip
    drawing.append(el("g", *nodes, class_="cw-nodes"))
    return str(el(
        "svg",
        el("title", "Causal web of the programme theory", id=f"{p}-title"),
        el("desc", desc, id=f"{p}-desc"),
        el("defs", marker(f"{p}-arrow-pos", POSITIVE), marker(f"{p}-arrow-neg", NEGATIVE)),
        el("rect", x=0, y=0, width=_n(width), height=_n(height), fill="#ffffff"),
        el("g", *drawing, transform=f"translate({MARGIN} {_n(MARGIN + top)})"),
        xmlns="http://www.w3.org/2000/svg", viewBox=f"0 0 {_n(width)} {_n(height)}",
        width=_n(width), height=_n(height), role=role, aria_labelledby=f"{p}-title",
        aria_describedby=f"{p}-desc", class_="cdx-causal-web", font_family=FONT_FAMILY,
    ))  # fmt: skip


def _band_titles(lay: Layout, theory: Theory) -> list[Markup]:
    """Each band's heading, and a label naming the node each trunk comes from."""
    out = [
        el("text", band.title, x=_n(GHOST_GAP * 0.5 + 12), y=_n(band.top + LINE),
           font_size=FONT + 2, font_weight="bold", fill=TEXT)
        for band in lay.bands
        if band.title
    ]  # fmt: skip
    for node in dict.fromkeys(r.trunk_from for r in lay.routes if r.trunk_from):
        drop, channel = _trunk(lay, lay.boxes[str(node)])
        label = f"from {theory.nodes[str(node)].label}"
        out.append(
            el("text", label, x=_n(drop - 8), y=_n(channel + LINE), font_size=FONT, fill=TEXT,
               text_anchor="end")
        )  # fmt: skip
    return out
