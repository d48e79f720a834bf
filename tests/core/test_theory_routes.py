"""The causal web's routes kept beside the packaged theory (core/theory_routes.py).

The pack reads them instead of importing networkx (issue 15); they must be exactly
what networkx computes from the packaged theory file, or be ignored.
"""

from __future__ import annotations

import hashlib
import json
from importlib import resources
from pathlib import Path

import networkx as nx

from collabdx.core import theory_routes as tr
from collabdx.core.theory import load_theory

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "theory"


def _packaged(name: str) -> bytes:
    return resources.files("collabdx.data").joinpath("theory", name).read_bytes()


def test_kept_routes_are_in_sync_with_the_packaged_theory():
    """Fails after the theory TOML is edited until the routes are remade with
    `python -m collabdx.core.theory_routes`."""
    kept = json.loads(_packaged(tr.ROUTES_FILE))
    assert kept["theory_sha256"] == hashlib.sha256(_packaged("millar2023.toml")).hexdigest()
    assert kept == json.loads(
        json.dumps(tr.routes_document(load_theory(), _packaged("millar2023.toml")))
    )


def test_packaged_theory_uses_the_kept_routes_and_they_match_networkx():
    theory = load_theory()
    routes = tr.node_routes(theory)
    assert routes is tr._kept()  # read from the file, not computed
    assert routes == tr.compute_routes(theory)
    graph = theory.graph()
    # Independent of compute_routes: each path is a path of the web, as short as
    # networkx's, and ends at collaborative behaviour whenever one exists.
    for node, route in routes.items():
        assert route.path[0] == node
        for a, b in zip(route.path, route.path[1:], strict=False):
            assert graph.has_edge(a, b)
        if nx.has_path(graph, node, tr.TARGET):
            assert route.path[-1] == tr.TARGET
            assert len(route.path) - 1 == nx.shortest_path_length(graph, node, tr.TARGET)
        else:
            assert route.path == (node,)
        assert set(route.predecessors) == set(graph.predecessors(node))
    assert routes["trust"].path[-1] == tr.TARGET


def test_stale_routes_file_is_ignored(monkeypatch):
    """A routes file made from other bytes of the theory is not used."""
    tr._kept.cache_clear()
    monkeypatch.setattr(tr, "_theory_bytes", lambda: b"an edited theory")
    try:
        assert tr._kept() is None
        theory = load_theory()
        assert tr.node_routes(theory) == tr.compute_routes(theory)
    finally:
        tr._kept.cache_clear()


def test_other_theory_is_computed_not_read():
    other = load_theory(FIXTURES / "valid_minimal.toml")
    routes = tr.node_routes(other)
    assert routes.keys() == other.nodes.keys()
    assert routes == tr.compute_routes(other)


def test_target_route_is_the_target_alone():
    assert tr.node_routes(load_theory())[tr.TARGET].path == (tr.TARGET,)
