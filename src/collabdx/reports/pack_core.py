"""The core of the workshop pack (issue 14): what a group uses in a two-hour room.

Five action cards, de-duplicated and ranked by a rule stated in plain words, each
with discussion questions; the context disagreements worth discussing; Table 11
in full with the survey's starting points; a private rating sheet. Everything
else is an annex. The questions, the ranking and the grouping are collabdx's own
(derived) and the pack says so.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from collabdx.core.maturity import linked_statements
from collabdx.core.rules_model import Recommendation
from collabdx.reports.model import ReportModel
from collabdx.reports.sections import CollaborationContext

TOP_N = 5
LEVELS = ("pathological", "bureaucratic", "generative")

# The ranking in plain words, shared by the pack's cards and the workshop's
# statements for a weak element (both ranked by :func:`ranked_groups`).
RANK_ORDER = (
    "Statements chosen by the same answer are shown as one card. Cards are ranked by how "
    "many different survey answers chose them (more first), then by how many of the "
    "report's mechanisms they act on (more first), then in Table 10 order."
)
RANK_RULE = (
    RANK_ORDER + " The first five "
    "are shown here; every selected statement is in the annex “What to do next”."
)
ELEMENT_RANK_RULE = (
    RANK_ORDER + " A statement no survey answer chose counts none. At most five cards "
    "are shown for each weak element; the others are under “Show all”."
)
SELECTION_RULES = (
    (
        "The one-third trigger",
        "A question about how people see the collaboration selects a statement when at least "
        "a third (33%) of those who answered it gave the answer the rule looks for (agree is 4 "
        "or 5, disagree 1 or 2; “neither” never counts). So 7 of 21 is enough: a concern held "
        "by about a third of a team is worth discussing.",
    ),
    (
        "The majority rule for context questions",
        "Questions that describe the collaboration itself rather than a view of it (Q12, Q13, "
        "Q19 and Q23) select a statement when at least half of those who answered give that "
        "answer. With an exact tie both readings count, which is itself worth discussing.",
    ),
    (
        "Scale rules",
        "A rule on a whole scale selects a statement when the group's mean score on that scale "
        "is below the threshold the rule names (for example 3.00).",
    ),
    (
        "Context conditions",
        "Some rules apply only in a context (for example a mandated collaboration); for a "
        "group the condition holds when at least half of those who answered meet it.",
    ),
    ("Ranking the action cards", RANK_RULE),
    (
        "Discussion questions",
        "Each card's questions are collabdx's own (derived), built from the card's task and "
        "the questions whose answers chose it.",
    ),
    (
        "Where views differ",
        "A question shows split opinion when at least 30% answered favourably and at least "
        "30% unfavourably. Groups are compared with Welch 95% confidence intervals; partners "
        "are never ranked against each other (Appendix 4: the survey is not for comparisons "
        "between organisations).",
    ),
)


@dataclass(frozen=True)
class CardStatement:
    action_id: str
    task: str
    then_text: str


@dataclass(frozen=True)
class CoreCard:
    rank: int
    ids: str  # "t10.21–t10.25" or "t10.05"
    task: str
    if_text: str
    then_text: str
    because_text: str
    because_derived: bool
    more: str  # the rest of a statement the split leaves out (t10.31's second sentence)
    evidence: tuple[str, ...]
    also: tuple[CardStatement, ...]
    questions: tuple[str, ...]


@dataclass(frozen=True)
class MatrixRow:
    element: str
    definition: str
    cells: tuple[tuple[str, str, bool], ...]  # (level, descriptor, suggested?)
    basis: str


@dataclass
class Core:
    cards: list[CoreCard] = field(default_factory=list)
    n_selected: int = 0
    rank_rule: str = RANK_RULE
    disagreements: list[str] = field(default_factory=list)
    instruction: str = ""
    matrix: list[MatrixRow] = field(default_factory=list)
    rules: tuple[tuple[str, str], ...] = SELECTION_RULES
    discuss: list[str] = field(default_factory=list)


def remainder(text: str, if_text: str, then_text: str, because_text: str) -> str:
    """What a statement says beyond its if/then/because split, verbatim, or "".

    The split covers the first sentence; t10.31's second sentence (on external
    funding, the one its Q19 trigger is about) must not be lost."""
    last = because_text or then_text
    at = text.find(last) if last else -1
    if at < 0:
        return ""
    rest = text[at + len(last) :].strip().lstrip(".").strip()
    return rest + ("." if rest and not rest.endswith(".") else "")


def _questions_cited(evidence: tuple[str, ...]) -> str:
    ids: list[str] = []
    for e in evidence:
        for q in re.findall(r"Q\d+", e):
            if q not in ids:
                ids.append(q)
    return ", ".join(ids)


def discussion_questions(task: str, evidence: tuple[str, ...]) -> tuple[str, ...]:
    cited = _questions_cited(evidence)
    third = (
        f"If this worked, how would the answers to {cited} change by the next survey?"
        if cited
        else "If this worked, what would we see change by the next survey?"
    )
    return (
        f"Where do we see “{task.lower()}” going well or badly in our own work today?",
        "What is one step we could take in the next three months, and who would own it?",
        third,
    )


def _span(ids: list[str]) -> str:
    return ids[0] if len(ids) == 1 else f"{ids[0]}–{ids[-1]}" if len(ids) > 2 else " and ".join(ids)


def ranked_groups(recs: Any, order: list[str]) -> list[list[Any]]:
    """Recommendations grouped by the rule that chose them first (t10.21–t10.25 share
    Q13's), each group in Table 10 order, groups ranked by :data:`RANK_RULE`.

    A record with no rule (``rule_id == ""``: a statement offered for another reason,
    such as the workshop's weak element, that no answer chose) is a group of its own
    and counts no answers."""
    groups: dict[str, list[Any]] = {}
    for rec in recs:
        if rec.action_id in order:
            groups.setdefault(rec.rule_id or f"unchosen {rec.action_id}", []).append(rec)

    def key(group: list[Any]) -> tuple[int, int, int]:
        rules = {r for rec in group for r in (rec.rule_ids or (rec.rule_id,)) if r}
        mechs = {m for rec in group for m in rec.mechanisms}
        return (-len(rules), -len(mechs), min(order.index(rec.action_id) for rec in group))

    return [
        sorted(g, key=lambda r: order.index(r.action_id)) for g in sorted(groups.values(), key=key)
    ]


def element_groups(theory: Any, element_id: str, recs: Any) -> list[list[Any]]:
    """The statements linked to a workshop element (``core.maturity.linked_statements``),
    grouped and ranked as the pack's cards are: ``recs`` are the wave's selected
    statements (empty when its results are not shown), the rest count no answers."""
    chosen = {r.action_id: r for r in recs}
    records = [
        chosen.get(st.id)
        or Recommendation("", st.id, st.task, st.text, st.if_text, st.then_text,
                          st.because_text, (), (), tuple(st.mechanisms), "")
        for st in linked_statements(theory, element_id)
    ]  # fmt: skip
    return ranked_groups(records, list(theory.action_statements))


def merged_evidence(group: list[Any]) -> tuple[str, ...]:
    evidence: list[str] = []
    for rec in group:
        evidence += [e for e in rec.evidence if e not in evidence]
    return tuple(evidence)


def cards(model: ReportModel, theory: Any) -> tuple[list[CoreCard], int]:
    """Every selected statement grouped by the rule that chose it first, ranked."""
    order = list(theory.action_statements)
    out = []
    for rank, recs in enumerate(ranked_groups(model.recommendations, order), start=1):
        lead = theory.action_statements[recs[0].action_id]
        evidence = merged_evidence(recs)
        also = tuple(
            CardStatement(r.action_id, theory.action_statements[r.action_id].task,
                          theory.action_statements[r.action_id].then_text)
            for r in recs[1:]
        )  # fmt: skip
        out.append(CoreCard(
            rank, _span([r.action_id for r in recs]), lead.task, lead.if_text,
            lead.then_text, lead.because_text, lead.because_derived,
            remainder(lead.text, lead.if_text, lead.then_text, lead.because_text),
            evidence, also, discussion_questions(lead.task, evidence),
        ))  # fmt: skip
    return out[:TOP_N], len(model.recommendations)


def disagreements(ctx: CollaborationContext, fired: set[str]) -> list[str]:
    """Where what the facilitator recorded and what most respondents answered differ
    (Q13 mandated, Q23 cross-sector): a point for discussion, not an error."""
    out = []
    says_mandated = "mandated" in fired
    if ctx.mandated is not None and ctx.mandated != says_mandated:
        out.append(
            "The collaboration is recorded as "
            + ("mandated, but fewer than half of those who answered Q13 describe it as "
               "mandated." if ctx.mandated else
               "voluntary, but most of those who answered Q13 describe it as mandated.")
            + " Why do people see it differently, and does it matter for how we work?"
        )  # fmt: skip
    says_cross = "cross-sector" in fired
    if ctx.cross_sector is not None and ctx.cross_sector != says_cross:
        out.append(
            "The collaboration is recorded as "
            + ("cross-sector, but fewer than half of those who answered Q23 say it involves "
               "organisations from several sectors." if ctx.cross_sector else
               "within one sector, but most of those who answered Q23 say it involves "
               "organisations from several sectors.")
            + " Do people know who the partners are?"
        )  # fmt: skip
    return out


def matrix(model: ReportModel, theory: Any) -> list[MatrixRow]:
    grid = {c.element_id: c for c in (model.maturity_grid.rows if model.maturity_grid else ())}
    rows = []
    for el in theory.maturity_elements.values():
        cell = grid.get(el.id)
        suggested = cell.suggested_level if cell else None
        basis = ""
        if cell is not None and suggested:
            basis = f"Suggested starting point: {suggested} ({cell.suggested_basis})."
        elif cell is not None:
            basis = "No starting point from the survey."
        rows.append(MatrixRow(
            el.name, el.definition,
            tuple((lvl, el.levels.get(lvl, ""), lvl == suggested) for lvl in LEVELS), basis,
        ))  # fmt: skip
    return rows


def build(model: ReportModel, theory: Any) -> Core:
    core = Core(instruction=theory.maturity_instruction)
    core.matrix = matrix(model, theory)
    if model.withheld:
        return core
    core.cards, core.n_selected = cards(model, theory)
    fired = {r for rec in model.recommendations for r in (rec.rule_ids or (rec.rule_id,))}
    core.disagreements = disagreements(model.context, fired)
    core.discuss = [f"{c.task} (action card {c.rank})" for c in core.cards[:3]]
    return core
