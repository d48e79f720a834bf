"""Tests for the programme theory data (millar2023.toml) and its loader."""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

import networkx as nx
import pytest

from collabdx.core.theory import Theory, TheoryError, load_theory, to_json_dict, write_graphml
from collabdx.core.theory_model import LEVELS

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "theory"

MECHANISM_IDS = [
    "effectiveness",
    "collaborative_behaviour",
    "risk_threshold",
    "faith",
    "perception_of_progress",
    "conflict",
    "conflict_resolution",
    "trust",
    "confidence",
    "initial_trust",
    "cultural_assimilation",
    "interpersonal_communication",
    "task_complexity",
    "vision",
    "perceived_legitimacy",
]
MATURITY_IDS = [
    "trust",
    "faith",
    "confidence",
    "cultural_integration",
    "perceived_legitimacy",
    "interpersonal_communication",
    "clarity_of_vision",
    "shared_vision",
    "risk_tolerance",
]
TYPE_IDS = [
    "informal_partnering",
    "buddying",
    "federation",
    "clinical_network",
    "joint_venture",
    "provider_collaborative",
    "pcn",
    "service_level_chain",
    "multiservice_chain",
    "management_contract",
    "ics",
    "merger",
    "acquisition",
]
DRIVER_IDS = [
    "expansion",
    "consolidation",
    "participation",
    "learning",
    "sustenance",
    "mimicry",
    "coercion",
]
STAGE_IDS = [
    "contemplating",
    "connecting",
    "planning",
    "implementation",
    "maintenance_or_dissolution",
]
BOX1_SECTIONS = [
    "Synergy and collaborative inertia",
    "Perception of progress and performance",
    "Conflict",
    "Trust",
    "Confidence",
    "Power",
    "Faith",
    "Interpersonal communication/coordination",
    "Leadership (context)",
    "Cultural integration",
    "Perception of task complexity",
]


@pytest.fixture(scope="module")
def theory() -> Theory:
    return load_theory()


# --- counts and ids -------------------------------------------------------------


def test_metadata(theory: Theory) -> None:
    assert theory.id == "millar2023"
    assert theory.version == "1"
    assert theory.licence == "CC BY 4.0"
    assert theory.doi == "10.3310/KPLT1423"
    assert "Millar R" in theory.citation
    assert theory.maturity_instruction == (
        "Rate for each element according to which type of culture you perceive your "
        "organisation to have."
    )


def test_mechanisms_in_table_order(theory: Theory) -> None:
    assert list(theory.mechanisms) == MECHANISM_IDS
    assert theory.mechanisms["faith"].kind == "cognitive process"
    assert theory.mechanisms["interpersonal_communication"].kind == "behaviour"
    assert theory.mechanisms["perception_of_progress"].most_frequent_outcome == "Faith"
    assert theory.mechanisms["effectiveness"].most_frequent_outcome == "N/A"


def test_cmoc_ids_and_sections(theory: Theory) -> None:
    box1 = [c for c in theory.cmocs.values() if c.source == "Box 1"]
    box2 = [c for c in theory.cmocs.values() if c.source == "Box 2"]
    assert [c.id for c in box1] == [f"box1.{i:02d}" for i in range(1, 40)]
    assert [c.id for c in box2] == [f"box2.{i:02d}" for i in range(1, 18)]
    assert list(dict.fromkeys(c.section for c in box1)) == BOX1_SECTIONS
    assert Counter(c.section for c in box2) == {
        "Cultural efficacy": 6,
        "Organisational efficiency": 7,
        "Technological effectiveness": 4,
    }
    assert theory.cmocs["box1.04"].section == "Perception of progress and performance"
    assert theory.cmocs["box1.23"].section == "Confidence"


def test_performance_mechanisms(theory: Theory) -> None:
    perf = theory.performance_mechanisms
    assert len(perf) == 17
    assert all(pid.startswith("perf.") for pid in perf)
    assert perf["perf.improved_communication"].domain == "Cultural efficacy"
    assert perf["perf.improved_communication"].improvement == (
        "Greater communication occurring between organisations in local health system"
    )
    assert perf["perf.loss_of_geographical_proximity"].domain == "Organisational efficiency"
    assert Counter(p.domain for p in perf.values()) == {
        "Cultural efficacy": 6,
        "Technological effectiveness": 3,
        "Organisational efficiency": 8,
    }


def test_action_statements(theory: Theory) -> None:
    statements = theory.action_statements
    assert list(statements) == [f"t10.{i:02d}" for i in range(1, 35)]
    assert statements["t10.01"].task == "Leadership behaviours and attributes"
    assert statements["t10.34"].task == "Cultural integration"
    assert Counter(s.task for s in statements.values())["Faith and initial faith"] == 8
    for st in statements.values():
        assert st.mechanisms and st.cmocs, st.id
        assert st.if_text in st.text and st.then_text in st.text, st.id
        if not st.because_derived:
            assert " because" in st.text and st.because_text in st.text, st.id


def test_maturity_matrix(theory: Theory) -> None:
    elements = theory.maturity_elements
    assert list(elements) == MATURITY_IDS
    for el in elements.values():
        assert tuple(el.levels) == LEVELS
        assert all(text.strip() for text in el.levels.values())
    assert elements["cultural_integration"].name == "Ease of cultural integration"
    assert elements["cultural_integration"].definition == ""
    assert elements["faith"].definition == "a motivation or 'energy' to work on the collaboration"
    assert elements["confidence"].definition.startswith("the belief that your partner(s)")


def test_types_drivers_stages(theory: Theory) -> None:
    assert list(theory.collaboration_types) == TYPE_IDS
    assert theory.collaboration_types["acquisition"].definition == (
        "The subsumption of one organisation by another"
    )
    assert list(theory.drivers) == DRIVER_IDS
    coercion = theory.drivers["coercion"]
    assert (coercion.domain, coercion.driver) == ("Coercion", "Mandated pressures to conform")
    assert theory.drivers["learning"].theories.startswith("Absorptive capacity:")
    assert list(theory.life_cycle_stages) == STAGE_IDS
    assert {s.source for s in theory.life_cycle_stages.values()} == {"Chapter 2, Figure 7"}


def test_every_entry_has_a_source(theory: Theory) -> None:
    for kind in (
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
        for entry_id, entry in getattr(theory, kind).items():
            assert entry.source.strip(), f"{kind} {entry_id}"
    expected = {
        "mechanisms": {"Table 7"},
        "performance_mechanisms": {"Table 9"},
        "action_statements": {"Table 10"},
        "maturity_elements": {"Table 11"},
        "collaboration_types": {"Table 2"},
        "drivers": {"Table 3"},
        "cmocs": {"Box 1", "Box 2"},
    }
    for kind, sources in expected.items():
        assert {e.source for e in getattr(theory, kind).values()} == sources


# --- verbatim text (snippets copied by hand from the seed report) -----------------


def test_verbatim_snippets(theory: Theory) -> None:
    assert theory.cmocs["box1.01"].text.startswith(
        "High partnership functioning characterised by high trust and faith (context) "
        "will enable collaborative behaviour to occur (mechanism)"
    )
    assert theory.action_statements["t10.34"].text == (
        "If IOCs perform cultural due diligence prior to implementing the collaboration and "
        "implement a plan for cultural integration, then they can improve trust because it "
        "avoids unforeseen conflicts occurring later in the process"
    )
    # Table 7 prints this in italics with a citation marker; both are stripped.
    assert theory.mechanisms["trust"].explanation == (
        "A psychological state comprising the intention to accept vulnerability based upon "
        "positive expectations of the intentions or behaviour of another"
    )
    assert theory.cmocs["box2.17"].text == (
        "Collaborative behaviour (context) can enable access to novel clinically useful "
        "equipment (mechanism), which can drive improved care quality and safety (outcome)."
    )
    assert (
        theory.maturity_elements["risk_tolerance"]
        .levels["pathological"]
        .startswith("Your organisation is not willing to engage in altruistic behaviour")
    )


def test_no_markup_left(theory: Theory) -> None:
    blob = json.dumps(to_json_dict(theory), ensure_ascii=False)
    for bad in ("<p>", "</p>", "<sup>", "<i>", "**"):
        assert bad not in blob


# --- causal web -----------------------------------------------------------------


def test_nodes_cover_every_mechanism(theory: Theory) -> None:
    linked = {n.mechanism for n in theory.nodes.values() if n.mechanism}
    assert linked == set(theory.mechanisms)
    assert all(n.derived for n in theory.nodes.values())


def test_term_text_is_the_seed_phrase(theory: Theory) -> None:
    for cmoc in theory.cmocs.values():
        for term in (*cmoc.context, *cmoc.mechanism, *cmoc.outcome):
            assert term.text in cmoc.text, (cmoc.id, term.text)


def _edge(theory: Theory, source: str, target: str, sign: int):
    found = [e for e in theory.edges if (e.source, e.target, e.sign) == (source, target, sign)]
    assert len(found) == 1, (source, target, sign)
    return found[0]


def test_box1_04_edges(theory: Theory) -> None:
    cmoc = theory.cmocs["box1.04"]
    assert [(t.node, t.direction) for t in cmoc.context] == [("intraorganisational_conflict", 1)]
    assert [(t.node, t.direction) for t in cmoc.mechanism] == [("perception_of_progress", -1)]
    assert [(t.node, t.direction) for t in cmoc.outcome] == [("faith", -1)]
    assert (
        "box1.04"
        in _edge(theory, "intraorganisational_conflict", "perception_of_progress", -1).cmocs
    )
    progress_faith = _edge(theory, "perception_of_progress", "faith", 1)
    # Merged: "enhanced progress -> increased faith" (box1.08) is the same edge.
    assert {"box1.04", "box1.08", "box1.29"} <= set(progress_faith.cmocs)


def test_hand_checked_edges(theory: Theory) -> None:
    # box1.11: accountability (+) reduces conflict (-), improving trust (+)
    assert "box1.11" in _edge(theory, "conflict_resolution", "conflict", -1).cmocs
    assert "box1.11" in _edge(theory, "conflict", "trust", -1).cmocs
    # box1.36: interoperable IT lowers complexity, which enhances faith
    assert _edge(theory, "interoperable_it", "perceived_task_complexity", -1).cmocs == ("box1.36",)
    assert "box1.36" in _edge(theory, "perceived_task_complexity", "faith", -1).cmocs
    # box1.31 says communication "can increase or decrease trust": both signs
    assert "box1.31" in _edge(theory, "interpersonal_communication", "trust", 1).cmocs
    assert "box1.31" in _edge(theory, "interpersonal_communication", "trust", -1).cmocs


def test_edges_are_merged_and_consistent(theory: Theory) -> None:
    keys = [(e.source, e.target, e.sign) for e in theory.edges]
    assert len(keys) == len(set(keys))
    for edge in theory.edges:
        assert edge.sign in (1, -1)
        assert edge.cmocs and len(set(edge.cmocs)) == len(edge.cmocs)
        for cid in edge.cmocs:
            cmoc = theory.cmocs[cid]
            pairs = [(c, m) for c in cmoc.context for m in cmoc.mechanism]
            pairs += [(m, o) for m in cmoc.mechanism for o in cmoc.outcome]
            assert any(
                (a.node, b.node, a.direction * b.direction) == (edge.source, edge.target, edge.sign)
                for a, b in pairs
            ), (edge, cid)


def test_chains_connect(theory: Theory) -> None:
    outcomes = {t.node for c in theory.cmocs.values() for t in c.outcome}
    contexts = {t.node for c in theory.cmocs.values() for t in c.context}
    assert {
        "trust",
        "faith",
        "collaborative_behaviour",
        "perception_of_progress",
        "conflict",
        "improved_coordination",
        "task_achievement",
        "shared_vision",
    } <= outcomes | contexts
    assert {"collaborative_behaviour", "conflict", "perception_of_progress"} <= (
        outcomes & contexts
    )
    # Functioning (Box 1) feeds performance (Box 2) through collaborative behaviour.
    assert "care_quality" in theory.downstream("trust")
    assert "stakeholder_involvement" in theory.upstream("collaborative_behaviour")


def test_upstream_downstream(theory: Theory) -> None:
    assert "perception_of_progress" in theory.upstream("faith")
    assert "intraorganisational_conflict" in theory.upstream("faith")
    assert "faith" in theory.downstream("perception_of_progress")
    assert theory.upstream("risk_threshold") == set()
    with pytest.raises(TheoryError, match="no_such_node"):
        theory.upstream("no_such_node")


def test_cmocs_for_mechanism(theory: Theory) -> None:
    faith = [c.id for c in theory.cmocs_for_mechanism("faith")]
    assert faith == ["box1.28", "box1.29"]
    complexity = [c.id for c in theory.cmocs_for_mechanism("task_complexity")]
    assert complexity == ["box1.36", "box1.37", "box1.38", "box1.39"]
    with pytest.raises(TheoryError, match="nope"):
        theory.cmocs_for_mechanism("nope")


def test_graph(theory: Theory) -> None:
    graph = theory.graph()
    assert set(graph.nodes) == set(theory.nodes)
    assert graph.number_of_edges() == len(theory.edges)
    assert graph.nodes["trust"]["kind"] == "mechanism"
    assert graph["perception_of_progress"]["faith"][1]["sign"] == 1
    graph.remove_node("faith")  # a copy: the theory's own graph is untouched
    assert "faith" in theory.graph()


def test_graphml_round_trip(theory: Theory, tmp_path: Path) -> None:
    path = tmp_path / "theory.graphml"
    write_graphml(theory, path)
    back = nx.read_graphml(path, force_multigraph=True)
    assert set(back.nodes) == set(theory.nodes)
    assert back.nodes["faith"]["label"] == "Faith"
    assert back.number_of_edges() == len(theory.edges)
    edges = {(s, t, d["sign"]): d["cmocs"] for s, t, d in back.edges(data=True)}
    assert "box1.04" in edges[("perception_of_progress", "faith", 1)].split(";")
    assert edges[("interoperable_it", "perceived_task_complexity", -1)] == "box1.36"


def test_json_export(theory: Theory) -> None:
    data = json.loads(json.dumps(to_json_dict(theory)))
    assert data["id"] == "millar2023"
    assert len(data["cmocs"]) == 56 and len(data["action_statements"]) == 34
    assert data["cmocs"][3]["mechanism"][0] == {
        "node": "perception_of_progress",
        "direction": -1,
        "text": "a lessened perception of progress",
    }
    assert len(data["edges"]) == len(theory.edges)


# --- loading and validation ------------------------------------------------------


def test_default_is_cached_and_matches_file() -> None:
    assert load_theory() is load_theory()
    packaged = Path(__file__).resolve().parents[2] / "src/collabdx/data/theory/millar2023.toml"
    assert load_theory(packaged) == load_theory()
    assert hash(load_theory(packaged)) == hash(load_theory())


def test_valid_minimal_fixture() -> None:
    theory = load_theory(FIXTURES / "valid_minimal.toml")
    assert [(e.source, e.target, e.sign) for e in theory.edges] == [
        ("conflict", "trust", -1),
        ("trust", "collaborative_behaviour", 1),
    ]


@pytest.mark.parametrize(
    ("fixture", "needles"),
    [
        ("broken_duplicate_id.toml", ["node 'trust'", "duplicate"]),
        ("broken_dangling_node.toml", ["cmoc 'box1.22'", "context[1]", "confict"]),
        ("broken_no_mechanism.toml", ["action_statement 't10.28'", "'mechanisms'"]),
        ("broken_missing_level.toml", ["maturity_element 'trust'", "'levels'", "generative"]),
        ("broken_direction.toml", ["cmoc 'box1.22'", "mechanism[1]", "direction"]),
        ("broken_missing_source.toml", ["mechanism 'trust'", "'source'"]),
        ("broken_dangling_cmoc.toml", ["action_statement 't10.28'", "'cmocs'", "box1.99"]),
    ],
)
def test_broken_fixtures(fixture: str, needles: list[str]) -> None:
    with pytest.raises(TheoryError) as info:
        load_theory(FIXTURES / fixture)
    for needle in needles:
        assert needle in str(info.value)


def test_invalid_toml(tmp_path: Path) -> None:
    path = tmp_path / "bad.toml"
    path.write_text("id = \n", encoding="utf-8")
    with pytest.raises(TheoryError, match=r"bad\.toml"):
        load_theory(path)


def test_unknown_field_is_rejected(tmp_path: Path) -> None:
    text = (FIXTURES / "valid_minimal.toml").read_text(encoding="utf-8")
    path = tmp_path / "typo.toml"
    text = text.replace('label = "Conflict"', 'label = "Conflict"\nlable = "C"')
    path.write_text(text, encoding="utf-8")
    with pytest.raises(TheoryError, match="node 'conflict': field 'lable'"):
        load_theory(path)


def test_core_does_not_import_django() -> None:
    code = (
        "import sys, collabdx.core.theory as t; t.load_theory().graph(); "
        "sys.exit('django' in sys.modules)"
    )
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0
