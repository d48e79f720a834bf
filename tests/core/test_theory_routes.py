"""What is kept beside the packaged theory (core/theory_routes.py): its TOML as JSON
and the causal web's routes.

The pack reads them instead of parsing the TOML and importing networkx (issue 15);
they must be exactly what tomllib and networkx make of the packaged theory file, or
be ignored.
"""

from __future__ import annotations

import hashlib
import json
import tomllib
from importlib import resources
from pathlib import Path

import networkx as nx

from collabdx.core import theory as theory_module
from collabdx.core import theory_routes as tr
from collabdx.core.theory import load_theory, parse_theory

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "theory"


def _packaged(name: str) -> bytes:
    return resources.files("collabdx.data").joinpath("theory", name).read_bytes()


def test_kept_file_is_in_sync_with_the_packaged_theory():
    """Fails after the theory TOML is edited until the kept file is remade with
    `python -m collabdx.core.theory_routes`."""
    toml = _packaged("millar2023.toml")
    kept = json.loads(_packaged(theory_module.KEPT_FILE))
    assert kept["theory_sha256"] == hashlib.sha256(toml).hexdigest()
    assert kept["data"] == tomllib.loads(toml.decode("utf-8"))
    assert kept == json.loads(json.dumps(tr.kept_contents(toml)))


def test_packaged_theory_is_read_from_the_kept_file_and_equals_the_toml():
    assert theory_module.kept_document() is not None
    from_toml = parse_theory(tomllib.loads(_packaged("millar2023.toml").decode("utf-8")))
    assert load_theory() == from_toml
    assert load_theory().edges == from_toml.edges


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
    assert routes[tr.TARGET].path == (tr.TARGET,)


def test_stale_kept_file_is_ignored(monkeypatch):
    """A kept file made from other bytes of the theory is not used: the theory is
    parsed from its TOML and the routes computed."""
    theory_module.kept_document.cache_clear()
    theory_module._load_default.cache_clear()
    tr._kept.cache_clear()
    real = _packaged("millar2023.toml")
    edited = real + b"\n# edited\n"
    monkeypatch.setattr(theory_module, "packaged_bytes", lambda: edited)
    try:
        assert theory_module.kept_document() is None
        assert tr._kept() is None
        theory = load_theory()
        assert theory == parse_theory(tomllib.loads(edited.decode("utf-8")))
        assert tr.node_routes(theory) == tr.compute_routes(theory)
    finally:
        theory_module.kept_document.cache_clear()
        theory_module._load_default.cache_clear()
        tr._kept.cache_clear()


def test_other_theory_is_computed_not_read():
    other = load_theory(FIXTURES / "valid_minimal.toml")
    routes = tr.node_routes(other)
    assert routes.keys() == other.nodes.keys()
    assert routes == tr.compute_routes(other)
