"""This collaboration's scale results laid over the causal web (derived by collabdx).

A scale names its Table 7 mechanism in the instrument (``[[scale]] mechanism``);
the theory's nodes name theirs (``node.mechanism``). A scale marks every node of
its mechanism: "weak" when its mean is in the "Needs attention" band, "strong"
when in the "Strength" band, nothing when "Mixed" or not shown. When two scales
mark one node (clarity and sharedness of vision both map to "vision"), weak wins:
the pack is for finding what to work on.

For each weak node the overlay also gives the route the theory draws from it to
collaborative behaviour (a shortest path in the web) and the factors that act on
it directly, so the drawing can pick out contexts → weak mechanism → collaborative
behaviour. Both come from :mod:`collabdx.core.theory_routes` (kept for the packaged
theory, so the pack does not import networkx).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from collabdx.core.instruments import Instrument
from collabdx.core.theory import Theory
from collabdx.core.theory_routes import TARGET, NodeRoute, node_routes

SIGN_TEXT = {(1,): "increases", (-1,): "decreases", (-1, 1): "increases or decreases"}


@dataclass(frozen=True)
class MechanismMark:
    scale_id: str
    scale_name: str
    mechanism_id: str
    mechanism_name: str
    node_ids: tuple[str, ...]
    node_labels: tuple[str, ...]
    mean: float | None  # None when the scale is not shown
    band_label: str | None
    level: str | None  # "weak", "strong" or None


@dataclass(frozen=True)
class Step:
    source: str
    target: str
    effect: str  # "increases", "decreases" or "increases or decreases"


@dataclass(frozen=True)
class Route:
    node_id: str
    node_label: str
    path: tuple[str, ...]  # node labels from the weak node to collaborative behaviour
    steps: tuple[Step, ...]
    acted_on_by: tuple[Step, ...]  # the factors with an arrow into the weak node


@dataclass(frozen=True)
class Overlay:
    marks: tuple[MechanismMark, ...]
    highlight: Mapping[str, str] = field(hash=False)  # node id -> "weak" | "strong"
    routes: tuple[Route, ...] = ()
    target_label: str = ""

    @property
    def emphasised_edges(self) -> frozenset[tuple[str, str]]:
        """(source, target) of every edge on a route or into a weak node."""
        return frozenset(
            (s.source, s.target) for r in self.routes for s in (*r.steps, *r.acted_on_by)
        )


def _signs(theory: Theory) -> dict[tuple[str, str], set[int]]:
    signs: dict[tuple[str, str], set[int]] = {}
    for e in theory.edges:
        signs.setdefault((e.source, e.target), set()).add(int(e.sign))
    return signs


def _route(
    theory: Theory, signs: Mapping[tuple[str, str], set[int]], node: str, route: NodeRoute
) -> Route:
    labels = {n: theory.nodes[n].label for n in theory.nodes}

    def step(a: str, b: str) -> Step:
        return Step(a, b, SIGN_TEXT.get(tuple(sorted(signs[(a, b)])), "affects"))

    steps = tuple(step(a, b) for a, b in itertools.pairwise(route.path))
    acted = tuple(step(p, node) for p in route.predecessors if p != node)
    return Route(node, labels[node], tuple(labels[n] for n in route.path), steps, acted)


def causal_overlay(
    instrument: Instrument, theory: Theory, scale_rows: Iterable[Any]
) -> Overlay | None:
    """Marks and routes for ``scale_rows`` (the model's StatRows); None when no
    scale of this instrument names a mechanism that has a node in the web."""
    drawn = {n for e in theory.edges for n in (e.source, e.target)}
    marks: list[MechanismMark] = []
    highlight: dict[str, str] = {}
    for row in scale_rows:
        scale = instrument.scales.get(row.id)
        mech = scale.mechanism if scale is not None else None
        if mech is None or mech not in theory.mechanisms:
            continue
        nodes = tuple(n.id for n in theory.nodes.values() if n.mechanism == mech and n.id in drawn)
        if not nodes:
            continue
        s = row.summary
        band = s.band if s is not None else None
        level = {"attention": "weak", "strength": "strong"}.get(band.id) if band else None
        marks.append(
            MechanismMark(
                row.id, row.name, mech, theory.mechanisms[mech].name, nodes,
                tuple(theory.nodes[n].label for n in nodes),
                s.mean if s is not None else None, band.label if band else None, level,
            )
        )  # fmt: skip
        for n in nodes:
            if level == "weak" or (level == "strong" and highlight.get(n) != "weak"):
                highlight[n] = level
    if not marks:
        return None
    weak = [n for n in theory.nodes if highlight.get(n) == "weak"]  # the theory's order
    if weak:
        known, signs = node_routes(theory), _signs(theory)
        routes = tuple(_route(theory, signs, n, known[n]) for n in weak)
    else:
        routes = ()
    target = theory.nodes[TARGET].label if TARGET in theory.nodes else TARGET
    return Overlay(tuple(marks), highlight, routes, target)
