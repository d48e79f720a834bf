"""The causal web of the programme theory, and its JSON/GraphML export.

Each CMOC asserts two steps, context -> mechanism and mechanism -> outcome. Read as
signed edges between nodes, the CMOCs chain into one web: the outcome of one CMOC
("trust") is the context of another. The sign of an edge is the product of the
directions of its two terms, so "less perception of progress -> less faith" is a
positive edge, as in a causal-loop diagram. The web is collabdx's reading of the
seed's CMOCs, not a figure from the seed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import asdict, fields, is_dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from collabdx.core.theory_model import CMOC, Direction, Edge, Node, Term

if TYPE_CHECKING:
    import networkx as nx

    from collabdx.core.theory import Theory

ROLES = ("context", "mechanism", "outcome")


def _pairs(cmoc: CMOC) -> Iterable[tuple[Term, Term]]:
    for c in cmoc.context:
        for m in cmoc.mechanism:
            yield c, m
    for m in cmoc.mechanism:
        for o in cmoc.outcome:
            yield m, o


def build_edges(cmocs: Mapping[str, CMOC]) -> tuple[Edge, ...]:
    """Signed edges, merged by (source, target, sign), in order of first assertion.

    Opposite signs between the same two nodes stay separate edges: the seed does
    assert both (box1.31: communication "can increase or decrease trust").
    """
    merged: dict[tuple[str, str, Direction], list[str]] = {}
    for cmoc in cmocs.values():
        for a, b in _pairs(cmoc):
            sign: Direction = 1 if a.direction * b.direction > 0 else -1
            ids = merged.setdefault((a.node, b.node, sign), [])
            if cmoc.id not in ids:
                ids.append(cmoc.id)
    return tuple(
        Edge(source=s, target=t, sign=sign, cmocs=tuple(ids))
        for (s, t, sign), ids in merged.items()
    )


def node_kind(node: Node) -> str:
    """Classify a node: "mechanism" (Table 7), "performance" (Table 9) or "factor"."""
    if node.mechanism is not None:
        return "mechanism"
    if node.performance_mechanism is not None:
        return "performance"
    return "factor"


def node_roles(node_id: str, cmocs: Mapping[str, CMOC]) -> tuple[str, ...]:
    """The CMOC parts (context, mechanism, outcome) in which a node appears."""
    return tuple(
        role
        for role in ROLES
        if any(t.node == node_id for cmoc in cmocs.values() for t in getattr(cmoc, role))
    )


def build_graph(
    nodes: Mapping[str, Node], cmocs: Mapping[str, CMOC], edges: Iterable[Edge]
) -> nx.MultiDiGraph:
    """A MultiDiGraph keyed by sign, so +1 and -1 edges between two nodes coexist."""
    # networkx is imported here, not at the top: the workshop pack reads the routes
    # it needs from core.theory_routes and never builds the graph (issue 15).
    import networkx as nx

    graph = nx.MultiDiGraph()
    for node in nodes.values():
        graph.add_node(
            node.id,
            label=node.label,
            kind=node_kind(node),
            mechanism=node.mechanism or "",
            performance_mechanism=node.performance_mechanism or "",
            roles=node_roles(node.id, cmocs),
        )
    for edge in edges:
        graph.add_edge(edge.source, edge.target, key=edge.sign, sign=edge.sign, cmocs=edge.cmocs)
    return graph


def _plain(value: Any) -> Any:
    """Dataclasses, tuples and dicts as JSON-ready dicts and lists."""
    if is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def to_json_dict(theory: Theory) -> dict[str, Any]:
    """The theory as plain JSON-serialisable data, for ``collabdx theory export``."""
    out: dict[str, Any] = {
        "id": theory.id,
        "version": theory.version,
        "title": theory.title,
        "citation": theory.citation,
        "licence": theory.licence,
        "doi": theory.doi,
        "maturity_instruction": theory.maturity_instruction,
    }
    for name in (
        "mechanisms",
        "nodes",
        "cmocs",
        "performance_mechanisms",
        "action_statements",
        "maturity_elements",
        "collaboration_types",
        "drivers",
        "life_cycle_stages",
    ):
        out[name] = [_plain(item) for item in getattr(theory, name).values()]
    out["edges"] = [asdict(edge) | {"cmocs": list(edge.cmocs)} for edge in theory.edges]
    return out


def write_graphml(theory: Theory, path: Path | str) -> None:
    """Write the causal web as GraphML (edge ``cmocs`` joined by ";")."""
    import networkx as nx

    # GraphML attributes must be scalars, so tuples are flattened to strings.
    graph = nx.MultiDiGraph(id=theory.id, version=theory.version, citation=theory.citation)
    for node_id, data in theory.graph().nodes(data=True):
        graph.add_node(node_id, **{**data, "roles": ";".join(data["roles"])})
    for edge in theory.edges:
        graph.add_edge(
            edge.source, edge.target, key=edge.sign, sign=edge.sign, cmocs=";".join(edge.cmocs)
        )
    nx.write_graphml(graph, str(path))
