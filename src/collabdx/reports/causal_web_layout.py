"""Deterministic layered layout of the causal web (used by :mod:`causal_web`).

A small Sugiyama-style layout, written here rather than taken from Graphviz so the
report needs no system binary and the drawing is identical on every machine:

1. Nodes only mentioned in Box 2 CMOCs go in a second band (collaborative
   performance) under the first (collaborative functioning). One long left-to-right
   web would have 16 columns, too many to read on A4 landscape; two bands of at most
   ten columns print at about 5.5 pt. Edges into the lower band leave their source
   as one trunk, run along the gap between the bands and fan out as a comb (the
   "ghost" box marks where the comb stands).
2. Feedback edges (found by a depth-first search in data order) are reversed so each
   band is acyclic, then layered by longest path; pure contexts move right to sit
   next to what they affect, which keeps their edges short.
3. Edges that skip layers get dummy points, so they run in reserved slots and never
   through a box. Barycentre sweeps order each layer to reduce crossings, and an
   isotonic-regression pass pulls boxes level with their neighbours without overlap.

Nothing here iterates over a set: str hashing is salted per process, and the output
must not change between runs.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from dataclasses import dataclass, field

from collabdx.core.theory import Theory
from collabdx.core.theory_model import Edge
from collabdx.reports.causal_web_text import BADGE_H, FONT, PREFIXES, text_width, wrap

__all__ = ["FONT", "PREFIXES", "PRINT", "Layout", "Metrics", "layout", "text_width", "wrap"]

# Sizes in SVG user units (FONT, the node text, is in causal_web_text). Tuned so the
# whole web fits a wide screen; the pack's print figures, one Box each, use PRINT.
LINE = 15
NODE_W = 132
PAD_X = 7
PAD_Y = 4
COL_GAP = 54
V_GAP = 12
DUMMY_H = 6
PORT_STEP = 8  # minimum vertical distance between two edge ends on one side of a box
GHOST_GAP = 40
CENTRE_PULL = 0.08
MIN_WIDTH = 640  # from the trunk's drop point in band 2 to the band's first column


@dataclass(frozen=True)
class Metrics:
    """Box width, column gap and port spacing of one drawing.

    The whole web (web page, explorer) uses the defaults. The print figures of one Box
    each (issue 14) use narrower boxes and gaps, so ten columns fit A4 landscape with
    node text at 7 pt or more, and wider port spacing, so each link's number fits
    beside its arrowhead. ``badge_row``, if not 0, is the height a marked box gains to
    hold its badge inside it: print's column gaps hold the links' numbers, and a badge
    there covered them (issue 14); the web page puts badges in its wider gaps.
    """

    node_w: float = NODE_W
    col_gap: float = COL_GAP
    port_step: float = PORT_STEP
    badge_row: float = 0.0


PRINT = Metrics(node_w=102, col_gap=44, port_step=15, badge_row=BADGE_H + 2)

BAND_TITLES = ("Collaborative functioning (Box 1)", "Collaborative performance (Box 2)")

@dataclass
class Box:
    """A node of the web, or a dummy/ghost point an edge passes through."""

    id: str
    band: int
    layer: int
    h: float
    real: bool = True
    lines: tuple[str, ...] = ()
    kind: str = "factor"
    x: float = 0.0
    y: float = 0.0
    w: float = 0.0
    pos: int = 0
    ups: list[str] = field(default_factory=list)
    downs: list[str] = field(default_factory=list)

    @property
    def cy(self) -> float:
        return self.y + self.h / 2


@dataclass(frozen=True)
class Route:
    """One edge of the web: its chain of boxes in layout direction and how to draw it."""

    edge: Edge
    chain: tuple[str, ...]  # box ids from the layout source to the layout target
    reversed: bool  # drawn against the layout direction (a feedback edge)
    trunk_from: str | None = None  # band-0 node feeding a band-2 ghost, if cross-band


@dataclass(frozen=True)
class Band:
    title: str  # empty when the web has one band
    top: float
    bottom: float
    right: float  # x of the band's right edge


@dataclass
class Layout:
    boxes: dict[str, Box]
    routes: list[Route]
    bands: list[Band]
    width: float = 0.0
    height: float = 0.0
    metrics: Metrics = field(default_factory=Metrics)


def _bands(theory: Theory, used: list[str]) -> dict[str, int]:
    sources: dict[str, list[str]] = {n: [] for n in used}
    for cmoc in theory.cmocs.values():
        for term in (*cmoc.context, *cmoc.mechanism, *cmoc.outcome):
            if term.node in sources:
                sources[term.node].append(cmoc.source)
    return {n: int(bool(s) and all(x == "Box 2" for x in s)) for n, s in sources.items()}


def _feedback_edges(order: list[str], succ: dict[str, list[str]]) -> list[tuple[str, str]]:
    """Edges closing a cycle in a depth-first search from the sources, in data order."""
    state: dict[str, int] = {}
    back: list[tuple[str, str]] = []
    has_pred = {v for vs in succ.values() for v in vs}
    starts = [n for n in order if n not in has_pred] + order
    for start in starts:
        if start in state:
            continue
        stack = [(start, iter(succ[start]))]
        state[start] = 1
        while stack:
            node, it = stack[-1]
            nxt = next(it, None)
            if nxt is None:
                state[node] = 2
                stack.pop()
            elif state.get(nxt) == 1:
                back.append((node, nxt))
            elif nxt not in state:
                state[nxt] = 1
                stack.append((nxt, iter(succ[nxt])))
    return back


def _layers(order: list[str], dag: list[tuple[str, str]], fixed: Iterable[str]) -> dict[str, int]:
    """Longest-path layers; nodes with no predecessor move next to their successors."""
    preds: dict[str, list[str]] = {n: [] for n in order}
    succs: dict[str, list[str]] = {n: [] for n in order}
    for a, b in dag:
        preds[b].append(a)
        succs[a].append(b)
    layer: dict[str, int] = {}
    remaining = list(order)
    while remaining:  # Kahn's algorithm, always taking the earliest ready node
        # A self-loop is the only cycle left after reversing feedback edges; ignore it.
        node = next(
            (n for n in remaining if all(p in layer or p == n for p in preds[n])), remaining[0]
        )
        layer[node] = max((layer[p] + 1 for p in preds[node] if p in layer), default=0)
        remaining.remove(node)
    pinned = set(fixed)
    for node in reversed(order):
        if not preds[node] and succs[node] and node not in pinned:
            layer[node] = min(layer[s] for s in succs[node]) - 1
    return layer


def _crossings(layers: list[list[str]], boxes: dict[str, Box]) -> int:
    total = 0
    for upper in layers[:-1]:
        pairs = [(boxes[a].pos, boxes[b].pos) for a in upper for b in boxes[a].downs]
        total += sum(
            1
            for i, (a1, b1) in enumerate(pairs)
            for a2, b2 in pairs[i + 1 :]
            if (a1 - a2) * (b1 - b2) < 0
        )
    return total


def _order(layers: list[list[str]], boxes: dict[str, Box], sweeps: int = 12) -> None:
    def renumber() -> None:
        for lay in layers:
            for i, b in enumerate(lay):
                boxes[b].pos = i

    def sweep(indices: Iterable[int], side: str) -> None:
        for i in indices:

            def key(b: str) -> tuple[float, int]:
                nbrs = getattr(boxes[b], side)
                bary = sum(boxes[n].pos for n in nbrs) / len(nbrs) if nbrs else boxes[b].pos
                return (bary, boxes[b].pos)

            layers[i].sort(key=key)
            renumber()

    renumber()
    best = (_crossings(layers, boxes), [list(lay) for lay in layers])
    for _ in range(sweeps):
        sweep(range(1, len(layers)), "ups")
        sweep(range(len(layers) - 2, -1, -1), "downs")
        score = _crossings(layers, boxes)
        if score < best[0]:
            best = (score, [list(lay) for lay in layers])
    layers[:] = best[1]
    renumber()


def _place_column(items: list[Box], wanted: list[float]) -> None:
    """Tops as close as possible (least squares) to ``wanted`` keeping order and gaps.

    With offsets o_i the minimal distance from the first top, z_i = y_i - o_i must
    not decrease: an isotonic regression, solved by pooling adjacent violators.
    """
    offsets, acc = [], 0.0
    for i, box in enumerate(items):
        offsets.append(acc)
        gap = V_GAP if box.real and (i + 1 < len(items) and items[i + 1].real) else DUMMY_H
        acc += box.h + gap
    blocks: list[list[float]] = []  # [mean, weight]
    for w, o in zip(wanted, offsets, strict=True):
        blocks.append([w - o, 1.0])
        while len(blocks) > 1 and blocks[-2][0] > blocks[-1][0]:
            m2, w2 = blocks.pop()
            m1, w1 = blocks.pop()
            blocks.append([(m1 * w1 + m2 * w2) / (w1 + w2), w1 + w2])
    z = [m for m, w in blocks for _ in range(int(w))]
    for box, zi, o in zip(items, z, offsets, strict=True):
        box.y = zi + o


def _coordinates(layers: list[list[str]], boxes: dict[str, Box], rounds: int = 40) -> None:
    """Pull each box level with the mean of its neighbours, a little towards the middle.

    The pull to the middle (weight CENTRE_PULL) keeps unrelated clusters from drifting
    apart, which would make the band, and so the printed text, taller than needed.
    """
    for lay in layers:
        _place_column([boxes[b] for b in lay], [0.0] * len(lay))
    for r in range(rounds):
        centres = [boxes[b].cy for lay in layers for b in lay]
        middle = (min(centres) + max(centres)) / 2
        indices = list(range(len(layers)))
        for i in indices if r % 2 == 0 else reversed(indices):
            items = [boxes[b] for b in layers[i]]
            wanted = []
            for box in items:
                nbrs = box.ups + box.downs
                centre = sum(boxes[n].cy for n in nbrs) / len(nbrs) if nbrs else box.cy
                centre += CENTRE_PULL * (middle - centre)
                wanted.append(centre - box.h / 2)
            _place_column(items, wanted)


def layout(theory: Theory, metrics: Metrics | None = None, marked: Iterable[str] = ()) -> Layout:
    """Boxes and routes of the web; ``marked`` nodes get a badge row if metrics say so."""
    m = metrics or Metrics()
    badged = frozenset(marked) if m.badge_row else frozenset()
    used = [n for n in theory.nodes if any(n in (e.source, e.target) for e in theory.edges)]
    band = _bands(theory, used)
    succ: dict[str, list[str]] = {n: [] for n in used}
    for e in theory.edges:
        if band[e.source] == band[e.target] and e.target not in succ[e.source]:
            succ[e.source].append(e.target)
    back = _feedback_edges(used, succ)

    boxes: dict[str, Box] = {}
    routes: list[Route] = []
    band_layers: list[list[list[str]]] = []
    for b in sorted(set(band.values())):
        order = [n for n in used if band[n] == b]
        ghosts = [e.source for e in theory.edges if band[e.target] == b and band[e.source] != b]
        ghosts = [f"^{g}" for g in dict.fromkeys(ghosts)]
        dag = list(
            dict.fromkeys(
                (t, s) if (s, t) in back else (s, t)
                for s, t in [(e.source, e.target) for e in theory.edges]
                if band[s] == b and band[t] == b
            )
        )
        dag += [
            (f"^{e.source}", e.target)
            for e in theory.edges
            if band[e.target] == b and band[e.source] != b
        ]
        layer = _layers(ghosts + order, list(dict.fromkeys(dag)), ghosts)
        for node in ghosts:
            boxes[node] = Box(node, b, 0, 0.0, real=False)
        for node in order:
            kind = _kind(theory, node)
            lines = wrap(theory.nodes[node].label, m.node_w - 2 * PAD_X, bold=kind == "mechanism")
            h = len(lines) * LINE + 2 * PAD_Y + (m.badge_row if node in badged else 0.0)
            boxes[node] = Box(node, b, layer[node], h, lines=lines, kind=kind)
        routes += _routes(theory, band, b, back, boxes)
        layers: list[list[str]] = [
            [] for _ in range(max(x.layer for x in boxes.values() if x.band == b) + 1)
        ]
        for box in boxes.values():
            if box.band == b:
                layers[box.layer].append(box.id)
        _order(layers, boxes)
        band_layers.append(layers)
    _port_heights(routes, boxes, m.port_step)
    for layers in band_layers:
        _coordinates(layers, boxes)
    return _stack(band_layers, boxes, routes, m)


def _kind(theory: Theory, node: str) -> str:
    n = theory.nodes[node]
    if n.mechanism is not None:
        return "mechanism"
    return "performance" if n.performance_mechanism is not None else "factor"


def _routes(
    theory: Theory,
    band: dict[str, int],
    b: int,
    back: list[tuple[str, str]],
    boxes: dict[str, Box],
) -> list[Route]:
    """Chains of boxes for every edge ending in band ``b``, adding dummy boxes."""
    routes = []
    for k, e in enumerate(theory.edges):
        if band[e.target] != b:
            continue
        cross = band[e.source] != b
        rev = not cross and (e.source, e.target) in back
        start = f"^{e.source}" if cross else (e.target if rev else e.source)
        end = e.source if rev else e.target
        chain = [start]
        for lay in range(boxes[start].layer + 1, boxes[end].layer):
            dummy = f"~{k}.{lay}"
            boxes[dummy] = Box(dummy, b, lay, 0.0, real=False)
            chain.append(dummy)
        chain.append(end)
        for u, v in itertools.pairwise(chain):
            boxes[u].downs.append(v)
            boxes[v].ups.append(u)
        routes.append(Route(e, tuple(chain), rev, e.source if cross else None))
    return routes


def _port_heights(routes: list[Route], boxes: dict[str, Box], step: float) -> None:
    """Grow a box so that the edge ends on each of its sides stay PORT_STEP apart."""
    sides: dict[tuple[str, str], int] = {}
    # All edges leaving a node for the other band share one port (they run as a trunk).
    trunks = dict.fromkeys(r.trunk_from for r in routes if r.trunk_from)
    for r in routes:
        for key in ((r.chain[0], "out"), (r.chain[-1], "in")):
            sides[key] = sides.get(key, 0) + 1
    for node in trunks:
        if node is not None:
            sides[(node, "out")] = sides.get((node, "out"), 0) + 1
    for (node, _side), count in sides.items():
        box = boxes.get(node)
        if box is not None and box.real:
            box.h = max(box.h, (count + 1) * step)


def _stack(
    band_layers: list[list[list[str]]], boxes: dict[str, Box], routes: list[Route], m: Metrics
) -> Layout:
    """Give each band its x columns and shift it below the previous one."""
    out = Layout(boxes, routes, [], metrics=m)
    top = 0.0
    for b, layers in enumerate(band_layers):
        has_ghost = any(not boxes[x].real and x.startswith("^") for x in layers[0])
        x = GHOST_GAP * 0.5 if has_ghost else 0.0
        for i, lay in enumerate(layers):
            ghost_col = has_ghost and i == 0
            width = 0.0 if ghost_col else m.node_w
            for name in lay:
                boxes[name].x, boxes[name].w = x, width
            x += width + (GHOST_GAP if ghost_col else m.col_gap)
        members = [boxes[n] for lay in layers for n in lay]
        low = min(box.y for box in members)
        heading = LINE * 2 if len(band_layers) > 1 else 0.0
        for box in members:
            box.y += top + heading - low
        bottom = max(box.y + box.h for box in members)
        title = BAND_TITLES[b] if len(band_layers) > 1 else ""
        out.bands.append(Band(title, top, bottom, x - m.col_gap))
        out.width = max(out.width, x - m.col_gap)
        top = bottom + LINE * 2.5
    out.height = max(top - LINE * 2.5, 0.0)
    out.width = max(out.width, MIN_WIDTH)  # room for the legend even if the web is tiny
    return out
