"""Display shaping for the programme theory explorer. Reads the theory, never writes.

Everything here works on the packaged theory (``load_theory()``, cached), so pages
are cheap; the causal-web drawing is cached per theory in ``reports.causal_web``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.urls import reverse

from collabdx.core.theory import Theory
from collabdx.core.theory_model import CMOC, ActionStatement, Edge
from collabdx.reports.causal_web import SIGN_WORDS

MAX_QUERY = 100
ROLE_WORDS = {"context": "Context", "mechanism": "Mechanism", "outcome": "Outcome"}
DIRECTION_WORDS = {1: "more", -1: "less"}


def node_url(node_id: str) -> str:
    return reverse("explorer:node", args=[node_id])


def mechanism_node(theory: Theory, mech_id: str) -> str | None:
    """The causal-web node standing for a Table 7 mechanism (same id first)."""
    if mech_id in theory.nodes and theory.nodes[mech_id].mechanism == mech_id:
        return mech_id
    return next((n.id for n in theory.nodes.values() if n.mechanism == mech_id), None)


def mechanism_url(theory: Theory, mech_id: str) -> str:
    node = mechanism_node(theory, mech_id)
    return node_url(node) if node else reverse("explorer:mechanisms") + f"#mech-{mech_id}"


# --- the causal web around one node -------------------------------------------------


@dataclass(frozen=True)
class EdgeLink:
    """A direct edge seen from one of its ends: the node at the other end."""

    node: str
    label: str
    url: str
    sign: int
    sign_word: str
    cmocs: tuple[str, ...]


def _edge_link(theory: Theory, edge: Edge, other: str) -> EdgeLink:
    return EdgeLink(
        other,
        theory.nodes[other].label,
        node_url(other),
        edge.sign,
        SIGN_WORDS[edge.sign],
        edge.cmocs,
    )


def upstream_links(theory: Theory, node_id: str) -> list[EdgeLink]:
    return [_edge_link(theory, e, e.source) for e in theory.edges if e.target == node_id]


def downstream_links(theory: Theory, node_id: str) -> list[EdgeLink]:
    return [_edge_link(theory, e, e.target) for e in theory.edges if e.source == node_id]


def _in_data_order(theory: Theory, ids: Iterable[str], skip: Iterable[str]) -> list[dict[str, str]]:
    wanted, skipped = set(ids), set(skip)
    return [
        {"id": n.id, "label": n.label, "url": node_url(n.id)}
        for n in theory.nodes.values()
        if n.id in wanted and n.id not in skipped
    ]


def cmocs_mentioning(theory: Theory, node_id: str) -> list[dict[str, object]]:
    rows = []
    for cmoc in theory.cmocs.values():
        roles = [
            ROLE_WORDS[part]
            for part in ("context", "mechanism", "outcome")
            if any(t.node == node_id for t in getattr(cmoc, part))
        ]
        if roles:
            rows.append({"cmoc": cmoc, "roles": roles, "url": cmoc_url(cmoc.id)})
    return rows


def actions_for_node(theory: Theory, node_id: str) -> list[dict[str, object]]:
    """Action statements linked to the node's mechanism, or to a CMOC that mentions it."""
    node = theory.nodes[node_id]
    mentioning = {c.id for c in theory.cmocs.values() if _mentions(c, node_id)}
    rows = []
    for st in theory.action_statements.values():
        via_mech = node.mechanism is not None and node.mechanism in st.mechanisms
        via_cmoc = [c for c in st.cmocs if c in mentioning]
        if via_mech or via_cmoc:
            reason = []
            if via_mech and node.mechanism:
                reason.append(f"mechanism: {theory.mechanisms[node.mechanism].name}")
            if via_cmoc:
                reason.append("CMOC " + ", ".join(via_cmoc))
            rows.append({"st": st, "url": action_url(st.id), "reason": "; ".join(reason)})
    return rows


def _mentions(cmoc: CMOC, node_id: str) -> bool:
    return any(t.node == node_id for t in (*cmoc.context, *cmoc.mechanism, *cmoc.outcome))


def node_detail(theory: Theory, node_id: str) -> dict[str, object]:
    node = theory.nodes[node_id]
    mech = theory.mechanisms.get(node.mechanism) if node.mechanism else None
    perf = (
        theory.performance_mechanisms.get(node.performance_mechanism)
        if node.performance_mechanism
        else None
    )
    siblings = [
        {"label": n.label, "url": node_url(n.id)}
        for n in theory.nodes.values()
        if mech is not None and n.mechanism == mech.id and n.id != node_id
    ]
    up, down = upstream_links(theory, node_id), downstream_links(theory, node_id)
    return {
        "node": node,
        "mechanism": mech,
        "performance": perf,
        "siblings": siblings,
        "maturity": [
            m
            for m in theory.maturity_elements.values()
            if mech is not None and m.mechanism == mech.id
        ],
        "upstream": up,
        "downstream": down,
        "further_up": _in_data_order(theory, theory.upstream(node_id), [e.node for e in up]),
        "further_down": _in_data_order(theory, theory.downstream(node_id), [e.node for e in down]),
        "cmocs": cmocs_mentioning(theory, node_id),
        "actions": actions_for_node(theory, node_id),
    }


# --- CMOCs and action statements ----------------------------------------------------


def cmoc_url(cmoc_id: str) -> str:
    return reverse("explorer:cmoc", args=[cmoc_id])


def action_url(action_id: str) -> str:
    return reverse("explorer:action", args=[action_id])


@dataclass
class Group:
    title: str
    items: list[object] = field(default_factory=list)
    subtitle: str = ""


def cmoc_groups(theory: Theory) -> list[tuple[str, list[Group]]]:
    """Box -> sections in data order; Box 1 sections carry their higher heading."""
    boxes: dict[str, dict[str, Group]] = {}
    for cmoc in theory.cmocs.values():
        sections = boxes.setdefault(cmoc.source, {})
        key = f"{cmoc.group}|{cmoc.section}"
        sections.setdefault(key, Group(cmoc.section, subtitle=cmoc.group)).items.append(cmoc)
    return [(box, list(sections.values())) for box, sections in boxes.items()]


def cmoc_parts(theory: Theory, cmoc: CMOC) -> list[dict[str, object]]:
    return [
        {
            "role": ROLE_WORDS[part],
            "text": term.text,
            "node": theory.nodes[term.node],
            "url": node_url(term.node),
            "direction": DIRECTION_WORDS[term.direction],
        }
        for part in ("context", "mechanism", "outcome")
        for term in getattr(cmoc, part)
    ]


def cmoc_detail(theory: Theory, cmoc_id: str) -> dict[str, object]:
    cmoc = theory.cmocs[cmoc_id]
    return {
        "cmoc": cmoc,
        "parts": cmoc_parts(theory, cmoc),
        "edges": [
            {"from": _edge_link(theory, e, e.source), "to": _edge_link(theory, e, e.target)}
            for e in theory.edges
            if cmoc_id in e.cmocs
        ],
        "actions": [
            {"st": st, "url": action_url(st.id)}
            for st in theory.action_statements.values()
            if cmoc_id in st.cmocs
        ],
    }


def action_groups(theory: Theory) -> list[Group]:
    groups: dict[str, Group] = {}
    for st in theory.action_statements.values():
        groups.setdefault(st.task, Group(st.task)).items.append(st)
    return list(groups.values())


def action_detail(theory: Theory, st: ActionStatement) -> dict[str, object]:
    return {
        "st": st,
        "mechanisms": [
            {"mech": theory.mechanisms[m], "url": mechanism_url(theory, m)} for m in st.mechanisms
        ],
        "cmocs": [{"cmoc": theory.cmocs[c], "url": cmoc_url(c)} for c in st.cmocs],
    }


def mechanism_rows(theory: Theory) -> list[dict[str, object]]:
    return [
        {
            "mech": m,
            "url": mechanism_url(theory, m.id),
            "cmocs": len(theory.cmocs_for_mechanism(m.id)),
            "actions": sum(m.id in st.mechanisms for st in theory.action_statements.values()),
        }
        for m in theory.mechanisms.values()
    ]


def performance_groups(theory: Theory) -> list[Group]:
    nodes = {n.performance_mechanism: n for n in theory.nodes.values() if n.performance_mechanism}
    groups: dict[str, Group] = {}
    for pm in theory.performance_mechanisms.values():
        node = nodes.get(pm.id)
        groups.setdefault(pm.domain, Group(pm.domain)).items.append(
            {"pm": pm, "node": node, "url": node_url(node.id) if node else ""}
        )
    return list(groups.values())


# --- search ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Hit:
    title: str
    url: str
    source: str
    before: str  # the snippet around the first match, split so the match can be marked
    match: str
    after: str


def normalise_query(raw: str) -> str:
    return " ".join(raw.split())[:MAX_QUERY]


def _entries(theory: Theory) -> Iterable[tuple[str, str, str, str, list[str]]]:
    """(kind, title, url, source, searchable texts) for every entry of the theory."""
    listing = reverse
    for m in theory.mechanisms.values():
        yield (
            "Mechanisms (Table 7)",
            m.name,
            mechanism_url(theory, m.id),
            m.source,
            [m.name, m.kind, m.explanation, m.most_frequent_outcome],
        )
    for n in theory.nodes.values():
        yield ("Factors in the causal web", n.label, node_url(n.id), n.source, [n.label])
    for c in theory.cmocs.values():
        yield (
            f"Context–mechanism–outcome configurations ({c.source})",
            f"Configuration {c.id} ({c.section})",
            cmoc_url(c.id),
            c.source,
            [c.text, c.section, c.group],
        )
    for st in theory.action_statements.values():
        yield (
            "Action statements (Table 10)",
            f"Statement {st.id.removeprefix('t10.')} ({st.task})",
            action_url(st.id),
            st.source,
            [st.text, st.task, st.note, st.because_text],
        )
    for p in theory.performance_mechanisms.values():
        yield (
            "Performance mechanisms (Table 9)",
            p.name,
            listing("explorer:performance") + f"#{p.id}",
            p.source,
            [p.name, p.domain, p.improvement],
        )
    for e in theory.maturity_elements.values():
        yield (
            "Maturity matrix elements (Table 11)",
            e.name,
            listing("explorer:maturity") + f"#mat-{e.id}",
            e.source,
            [e.name, e.definition, *e.levels.values()],
        )
    for t in theory.collaboration_types.values():
        yield (
            "Collaboration types (Table 2)",
            t.name,
            listing("explorer:types") + f"#{t.id}",
            t.source,
            [t.name, t.definition],
        )
    for d in theory.drivers.values():
        yield (
            "Drivers of collaboration (Table 3)",
            d.driver,
            listing("explorer:drivers") + f"#{d.id}",
            d.source,
            [d.driver, d.domain, d.theories],
        )
    for s in theory.life_cycle_stages.values():
        yield (
            "Life-cycle stages",
            s.name,
            listing("explorer:stages") + f"#{s.id}",
            s.source,
            [s.name, s.description],
        )


def _snippet(texts: list[str], word: str, width: int = 90) -> tuple[str, str, str]:
    for text in texts:
        m = re.search(re.escape(word), text, flags=re.IGNORECASE)
        if m:
            start, end = max(0, m.start() - width), min(len(text), m.end() + width)
            before = ("…" if start else "") + text[start : m.start()]
            after = text[m.end() : end] + ("…" if end < len(text) else "")
            return before, text[m.start() : m.end()], after
    return texts[0][: width * 2], "", ""


def search(theory: Theory, query: str) -> list[Group]:
    """Entries containing every word of ``query`` (case-insensitive), grouped by kind."""
    words = normalise_query(query).casefold().split()
    if not words:
        return []
    groups: dict[str, Group] = {}
    for kind, title, url, source, texts in _entries(theory):
        haystack = " ".join(texts).casefold()
        if all(w in haystack for w in words):
            phrase = " ".join(words)
            before, match, after = _snippet(texts, phrase if phrase in haystack else words[0])
            hit = Hit(title, url, source, before, match, after)
            groups.setdefault(kind, Group(kind)).items.append(hit)
    return list(groups.values())
