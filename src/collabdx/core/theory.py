"""Load, validate and query the programme theory of Millar et al. 2023.

The theory lives as data in ``collabdx/data/theory/millar2023.toml`` so that it can
be versioned, reviewed and cited entry by entry; this module turns it into the
frozen dataclasses of :mod:`collabdx.core.theory_model` and refuses data that would
let the rest of collabdx silently mislead (dangling links, missing levels, ...).
The causal web built from the CMOCs is in :mod:`collabdx.core.theory_web`.
"""

from __future__ import annotations

import functools
import hashlib
import json
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, replace
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from collabdx.core import theory_parse as tp
from collabdx.core.theory_model import (
    CMOC,
    ActionStatement,
    CollaborationType,
    Driver,
    Edge,
    LifeCycleStage,
    MaturityElement,
    Mechanism,
    Node,
    PerformanceMechanism,
)
from collabdx.core.theory_parse import TheoryError
from collabdx.core.theory_web import build_edges, build_graph, to_json_dict, write_graphml

if TYPE_CHECKING:
    import networkx as nx

__all__ = [
    "Theory",
    "TheoryError",
    "load_theory",
    "parse_theory",
    "to_json_dict",
    "write_graphml",
]

DEFAULT_THEORY = "millar2023.toml"
# Kept beside the packaged theory by `python -m collabdx.core.theory_routes`: its TOML
# as JSON and the causal web's routes, with the TOML's SHA-256 (issue 15).
KEPT_FILE = DEFAULT_THEORY.removesuffix(".toml") + ".kept.json"


@dataclass(frozen=True)
class Theory:
    """The whole programme theory. Every mapping keeps the data file's order."""

    id: str
    version: str
    citation: str
    mechanisms: dict[str, Mechanism]
    nodes: dict[str, Node]
    cmocs: dict[str, CMOC]
    performance_mechanisms: dict[str, PerformanceMechanism]
    action_statements: dict[str, ActionStatement]
    maturity_elements: dict[str, MaturityElement]
    collaboration_types: dict[str, CollaborationType]
    drivers: dict[str, Driver]
    life_cycle_stages: dict[str, LifeCycleStage]
    edges: tuple[Edge, ...]
    title: str = ""
    licence: str = ""
    doi: str = ""
    maturity_instruction: str = ""

    def __hash__(self) -> int:
        # The dict fields are unhashable; id and version identify a theory, and
        # equal theories share them, so callers can use a Theory as a cache key.
        return hash((self.id, self.version))

    @functools.cached_property
    def _graph(self) -> nx.MultiDiGraph:
        # cached_property writes to __dict__ directly, so it works on a frozen
        # dataclass; the graph is built once and only copies are handed out.
        return build_graph(self.nodes, self.cmocs, self.edges)

    def graph(self) -> nx.MultiDiGraph:
        """The signed causal web: one edge per (source, target, sign), keyed by sign."""
        return self._graph.copy()

    def _check_node(self, node_id: str) -> None:
        if node_id not in self.nodes:
            raise TheoryError(f"unknown node {node_id!r}")

    def upstream(self, node_id: str) -> set[str]:
        """Every node from which ``node_id`` can be reached, directly or via a chain."""
        import networkx as nx  # here: the workshop pack does without it (issue 15)

        self._check_node(node_id)
        return set(nx.ancestors(self._graph, node_id))

    def downstream(self, node_id: str) -> set[str]:
        """Every node reachable from ``node_id``, directly or via a chain."""
        import networkx as nx

        self._check_node(node_id)
        return set(nx.descendants(self._graph, node_id))

    def cmocs_for_mechanism(self, mech_id: str) -> list[CMOC]:
        """CMOCs whose mechanism part is about a node of Table 7 mechanism ``mech_id``.

        Only the mechanism part counts, because the seed codes each CMOC by the
        mechanism its context activates.
        """
        if mech_id not in self.mechanisms:
            raise TheoryError(f"unknown mechanism {mech_id!r}")
        return [
            cmoc
            for cmoc in self.cmocs.values()
            if any(self.nodes[t.node].mechanism == mech_id for t in cmoc.mechanism)
        ]


def _check_refs(theory: Theory) -> None:
    def ref(
        kind: str, ident: str, field: str, target: str | None, pool: Mapping[str, object], what: str
    ) -> None:
        if target is not None and target not in pool:
            raise TheoryError(f"{kind} {ident!r}: field {field!r}: unknown {what} {target!r}")

    for node in theory.nodes.values():
        ref("node", node.id, "mechanism", node.mechanism, theory.mechanisms, "mechanism")
        ref(
            "node",
            node.id,
            "performance_mechanism",
            node.performance_mechanism,
            theory.performance_mechanisms,
            "performance mechanism",
        )
    for cmoc in theory.cmocs.values():
        for part in ("context", "mechanism", "outcome"):
            for i, term in enumerate(getattr(cmoc, part), 1):
                ref("cmoc", cmoc.id, f"{part}[{i}]", term.node, theory.nodes, "node")
    for st in theory.action_statements.values():
        if not st.mechanisms:
            raise TheoryError(
                f"action_statement {st.id!r}: field 'mechanisms': "
                "must link at least one Table 7 mechanism"
            )
        if not st.cmocs:
            raise TheoryError(
                f"action_statement {st.id!r}: field 'cmocs': must link at least one CMOC"
            )
        for m in st.mechanisms:
            ref("action_statement", st.id, "mechanisms", m, theory.mechanisms, "mechanism")
        for c in st.cmocs:
            ref("action_statement", st.id, "cmocs", c, theory.cmocs, "CMOC")
    for el in theory.maturity_elements.values():
        ref("maturity_element", el.id, "mechanism", el.mechanism, theory.mechanisms, "mechanism")


def parse_theory(data: Mapping[str, Any]) -> Theory:
    """Build and validate a :class:`Theory` from the parsed TOML mapping."""
    tp.check_top_level(data)
    cmocs = tp.read_cmocs(data)
    theory = Theory(
        id=tp.top_str(data, "id", required=True),
        version=tp.top_str(data, "version", required=True),
        citation=tp.top_str(data, "citation", required=True),
        title=tp.top_str(data, "title", required=False),
        licence=tp.top_str(data, "licence", required=False),
        doi=tp.top_str(data, "doi", required=False),
        maturity_instruction=tp.top_str(data, "maturity_instruction", required=False),
        mechanisms=tp.read_mechanisms(data),
        nodes=tp.read_nodes(data),
        cmocs=cmocs,
        performance_mechanisms=tp.read_performance_mechanisms(data),
        action_statements=tp.read_action_statements(data),
        maturity_elements=tp.read_maturity_elements(data),
        collaboration_types=tp.read_collaboration_types(data),
        drivers=tp.read_drivers(data),
        life_cycle_stages=tp.read_life_cycle_stages(data),
        edges=(),
    )
    _check_refs(theory)
    # Edges are built only once every term's node is known to exist.
    return replace(theory, edges=build_edges(cmocs))


def _parse_bytes(raw: bytes, origin: str) -> Theory:
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise TheoryError(f"{origin}: not valid UTF-8 TOML: {exc}") from exc
    return parse_theory(data)


def packaged_bytes() -> bytes:
    """The packaged theory file, as read from the package."""
    return resources.files("collabdx.data").joinpath("theory", DEFAULT_THEORY).read_bytes()


@functools.lru_cache(maxsize=1)
def kept_document() -> dict[str, Any] | None:
    """What is kept beside the packaged theory, or None when it was not made from the
    packaged TOML's bytes (edited since, and not remade) or cannot be read.

    Like a ``.pyc`` beside its source: JSON parses in a thirtieth of the time tomllib
    takes over the 100 kB theory, and the routes need no networkx. It is used only when
    its hash matches, so a stale file costs time, never a wrong pack;
    ``tests/core/test_theory_routes.py`` fails until it is remade.
    """
    try:
        raw = resources.files("collabdx.data").joinpath("theory", KEPT_FILE).read_bytes()
        doc = json.loads(raw)
    except (OSError, ValueError):
        return None
    if not isinstance(doc, dict):
        return None
    if doc.get("theory_sha256") != hashlib.sha256(packaged_bytes()).hexdigest():
        return None
    return doc


@functools.lru_cache(maxsize=1)
def _load_default() -> Theory:
    kept = kept_document()
    if kept is not None and isinstance(kept.get("data"), dict):
        return parse_theory(kept["data"])
    return _parse_bytes(packaged_bytes(), f"collabdx/data/theory/{DEFAULT_THEORY}")


def load_theory(path: Path | None = None) -> Theory:
    """Load the packaged theory (cached), or the theory file at ``path`` (not cached)."""
    if path is None:
        return _load_default()
    return _parse_bytes(Path(path).read_bytes(), str(path))
