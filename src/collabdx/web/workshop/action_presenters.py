"""Display of the workshop's last steps: weak elements, their action statements, adoption.

Reads only. Which elements are weak and which statements each is linked to are
``core.maturity``'s rule (``WEAK_RULE``); their order is the pack's ranking
(``reports.pack_core.element_groups``); here they are only worded. Nothing here
comes from the private ratings; the agreed level is the group's own, recorded
openly. The only survey figures are the statements the wave's released report
already shows as selected (with its own disclosure control applied), passed in.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from collabdx.core.maturity import WEAK_RULE, is_weak, linked_statements
from collabdx.core.rules_model import Recommendation
from collabdx.core.theory import load_theory
from collabdx.core.theory_model import ActionStatement, MaturityElement
from collabdx.reports import pack_core
from collabdx.reports.fmt import long_date
from collabdx.web.collab.models import ActionPlanItem, Wave
from collabdx.web.collab.presenters import action_name
from collabdx.web.workshop.models import LEVEL_CHOICES, MaturityAgreement

__all__ = [
    "RANK_RULE", "WEAK_RULE", "OfferedAction", "OfferedCard", "WeakElement", "offered",
    "weak_elements",
]  # fmt: skip
RANK_RULE = pack_core.ELEMENT_RANK_RULE

LEVEL_LABELS = dict(LEVEL_CHOICES)


@dataclass(frozen=True)
class OfferedAction:
    id: str
    name: str  # collab.presenters.action_name
    task: str  # the Table 10 theme
    if_text: str
    then_text: str
    because_text: str
    in_plan: bool
    owner: str = ""  # when in the plan
    due: str = ""


@dataclass(frozen=True)
class OfferedCard:
    """One card: a statement, with any others chosen by the same survey answer."""

    lead: OfferedAction
    also: tuple[OfferedAction, ...]
    evidence: tuple[str, ...]  # the answers that chose it, as the report words them


@dataclass(frozen=True)
class WeakElement:
    id: str
    name: str
    agreed_label: str
    actions: tuple[OfferedAction, ...]  # every linked statement, Table 10 order
    cards: tuple[OfferedCard, ...] = ()  # the first five, ranked (pack_core.ELEMENT_RANK_RULE)
    more: tuple[OfferedCard, ...] = ()  # the rest, under "Show all"


def _offered(st: ActionStatement, item: ActionPlanItem | None) -> OfferedAction:
    return OfferedAction(
        st.id, action_name(st), st.task, st.if_text, st.then_text, st.because_text,
        in_plan=item is not None,
        owner=(item.owner_name or "Not set") if item else "",
        due=(long_date(item.due_on) if item.due_on else "Not set") if item else "",
    )  # fmt: skip


@dataclass(frozen=True)
class AgreedSoFar:
    """How far the workshop has got: elements agreed, and how many of them are weak."""

    agreed: int
    weak: list[WeakElement]


def weak_elements(wave: Wave, selected: Sequence[Recommendation] = ()) -> AgreedSoFar:
    """The elements agreed weak in this wave, each with its linked statements, Table 11
    order; each statement says whether it is in the collaboration's plan already.

    ``selected`` are the statements the wave's survey chose, as its report shows them
    (none before release or under k); they rank the cards as the pack ranks its own
    (``pack_core.element_groups``), so the room sees the report's order."""
    theory = load_theory()
    agreed = {a.element_id: a for a in MaturityAgreement.objects.filter(wave=wave)}
    plan = {
        i.action_id: i for i in ActionPlanItem.objects.filter(collaboration=wave.collaboration_id)
    }
    weak = []
    for element in theory.maturity_elements.values():
        a = agreed.get(element.id)
        if a is None or not is_weak(a.agreed_level):
            continue
        actions = tuple(
            _offered(st, plan.get(st.id)) for st in linked_statements(theory, element.id)
        )
        by_id = {o.id: o for o in actions}
        cards = tuple(
            OfferedCard(by_id[g[0].action_id], tuple(by_id[r.action_id] for r in g[1:]),
                        pack_core.merged_evidence(g))
            for g in pack_core.element_groups(theory, element.id, selected)
        )  # fmt: skip
        weak.append(WeakElement(
            element.id, element.name, LEVEL_LABELS[a.agreed_level], actions,
            cards[: pack_core.TOP_N], cards[pack_core.TOP_N :],
        ))  # fmt: skip
    return AgreedSoFar(len(agreed), weak)


@dataclass(frozen=True)
class Offer:
    """One statement offered for one element: the adopt page's subject."""

    element: MaturityElement
    action: OfferedAction
    weak: bool  # the element is agreed weak in this wave and the statement linked to it


def offered(wave: Wave, element_id: str, action_id: str) -> Offer | None:
    """The statement as offered for the element; None when either does not exist."""
    theory = load_theory()
    element = theory.maturity_elements.get(element_id)
    st = theory.action_statements.get(action_id)
    if element is None or st is None:
        return None
    a = MaturityAgreement.objects.filter(wave=wave, element_id=element_id).first()
    linked = any(s.id == action_id for s in linked_statements(theory, element_id))
    item = ActionPlanItem.objects.filter(
        collaboration=wave.collaboration_id, action_id=action_id
    ).first()
    return Offer(element, _offered(st, item), bool(a and is_weak(a.agreed_level) and linked))
