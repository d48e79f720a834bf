"""Each node's route through the causal web to collaborative behaviour (derived by collabdx).

The report's overlay follows, from every weak mechanism, a shortest path in the web
to collaborative behaviour, and names the factors with an arrow into it. Both
depend on the theory alone, never on a collaboration's answers, so for the packaged
theory they are worked out once with networkx and kept beside its data file, with
the theory's TOML as JSON (``data/theory/millar2023.kept.json``, read by
:func:`collabdx.core.theory.kept_document`), as a ``.pyc`` is kept beside its
source: importing networkx and parsing the TOML cost `collabdx report` more than
the routes' own work (issue 15).

The kept file records the SHA-256 of the theory file it was made from. When the
theory is not the packaged one, or the file was made from other bytes (the TOML
was edited and the file not remade), the routes are computed with networkx and the
TOML parsed as before, so a stale file can slow a report but never change it; and
``tests/core/test_theory_routes.py`` fails until the file is remade with
``python -m collabdx.core.theory_routes``.
"""

from __future__ import annotations

import functools
import hashlib
import json
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from collabdx.core.theory import (
    KEPT_FILE,
    Theory,
    kept_document,
    load_theory,
    packaged_bytes,
    parse_theory,
)

TARGET = "collaborative_behaviour"


@dataclass(frozen=True)
class NodeRoute:
    path: tuple[str, ...]  # node ids from the node to TARGET; the node alone when none
    predecessors: tuple[str, ...]  # nodes with an arrow into it, in the web's order


def compute_routes(theory: Theory, target: str = TARGET) -> dict[str, NodeRoute]:
    """Every node's shortest path to ``target`` and its predecessors, with networkx."""
    import networkx as nx

    graph = theory.graph()
    routes = {}
    for node in theory.nodes:
        try:
            path = nx.shortest_path(graph, node, target) if node != target else [node]
        except (nx.NetworkXNoPath, nx.NodeNotFound):
            path = [node]
        preds = list(dict.fromkeys(graph.predecessors(node))) if node in graph else []
        routes[node] = NodeRoute(tuple(path), tuple(preds))
    return routes


def kept_contents(source: bytes, target: str = TARGET) -> dict[str, Any]:
    """What the kept file holds for the theory file ``source``: its hash, its tables
    as JSON, and every node's route to ``target``."""
    data = tomllib.loads(source.decode("utf-8"))
    theory = parse_theory(data)
    return {
        "derived": "collabdx: the theory's TOML as JSON and the shortest paths in its "
        "causal web (networkx); remade by `python -m collabdx.core.theory_routes`",
        "theory": theory.id,
        "version": theory.version,
        "theory_sha256": hashlib.sha256(source).hexdigest(),
        "target": target,
        "routes": {
            n: {"path": list(r.path), "predecessors": list(r.predecessors)}
            for n, r in compute_routes(theory, target).items()
        },
        "data": data,
    }


@functools.lru_cache(maxsize=1)
def _kept() -> dict[str, NodeRoute] | None:
    """The kept routes of the packaged theory, or None when there are none of its bytes."""
    doc = kept_document()
    if doc is None or doc.get("target") != TARGET or not isinstance(doc.get("routes"), dict):
        return None
    return {
        n: NodeRoute(tuple(r["path"]), tuple(r["predecessors"]))
        for n, r in doc["routes"].items()
    }


def node_routes(theory: Theory) -> Mapping[str, NodeRoute]:
    """Every node's route to collaborative behaviour: kept for the packaged theory
    (the cached object :func:`load_theory` returns), computed for any other."""
    if theory is load_theory():
        kept = _kept()
        if kept is not None and kept.keys() == theory.nodes.keys():
            return kept
    return compute_routes(theory)


def write_kept(path: Path | None = None) -> Path:
    """Remake what is kept beside the packaged theory (after editing its TOML)."""
    if path is None:
        path = Path(str(resources.files("collabdx.data").joinpath("theory", KEPT_FILE)))
    doc = kept_contents(packaged_bytes())
    path.write_text(json.dumps(doc, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


if __name__ == "__main__":  # pragma: no cover
    print(f"Wrote {write_kept()}")
