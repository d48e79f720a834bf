"""What moved (issue 14): the actions adopted in the previous wave's workshop, each
beside the change, between that wave and this one, in the scales of the maturity
elements it acts on. "The next wave measures again and the pack shows what moved."

The web app knows the previous wave and its adopted actions; it passes them in as
plain data (:class:`EarlierWave`), so this module, like the rest of ``reports``,
never imports the web app. Which elements an action acts on is collabdx's link
(derived): the elements whose mechanism the Table 10 statement names
(``core.maturity.linked_statements``, read the other way), narrowed to those agreed
weak in the previous workshop when any are (the ones it was adopted for); each
element's scale is the instrument's ``[[maturity]]`` link.

Privacy: a change is shown only between two values that are each shown under the
k rule in their own wave (``core.disclosure.wave_stat_visible``, the decision the
report and the trends use), so the comparison never shows more than the two reports
already do; a value hidden in either wave makes the change read "Not shown".
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from collabdx.core.disclosure import NOT_SHOWN, wave_stat_visible
from collabdx.core.maturity import is_weak
from collabdx.core.responses import ResponseSet
from collabdx.core.stats import group_stats
from collabdx.reports.fmt import long_date, num, signed

NOT_ASKED = "Not asked"
NO_SCALE = "No survey scale"
NO_SCALE_ROW = "No survey scale measures this element, so there is nothing to compare."


@dataclass(frozen=True)
class AdoptedAction:
    """One action adopted in the previous wave's workshop, as the action plan holds it."""

    action_id: str
    name: str  # the action's name, as the web app's action plan words it
    owner: str = ""
    due_on: dt.date | None = None


@dataclass(frozen=True)
class EarlierWave:
    """What the web app passes in about the wave before this one."""

    name: str
    actions: tuple[AdoptedAction, ...]
    # None when its results are not released or cannot be read: nothing of it is shown.
    responses: ResponseSet | None
    agreed: Mapping[str, str] = field(default_factory=dict)  # element id -> level id
    agreed_now: Mapping[str, str] = field(default_factory=dict)  # the same, this wave


@dataclass(frozen=True)
class Target:
    element: str
    scale: str  # the scale's name; "" when no survey scale stands for the element
    before: float | None  # None: not shown (or not asked)
    after: float | None
    asked_before: bool
    asked_after: bool
    agreed_before: str
    agreed_now: str


@dataclass(frozen=True)
class MovedAction:
    action: AdoptedAction
    targets: tuple[Target, ...]


@dataclass(frozen=True)
class Moved:
    earlier: str  # the previous wave's name
    actions: tuple[MovedAction, ...]


def rule_text(earlier: str, k: int) -> str:
    return (
        f"Each action adopted in {earlier}’s workshop is shown with the maturity elements it "
        "acts on (those agreed weak in that workshop, when any were) and the survey scale "
        "that gives each element its starting point, beside the scale's mean in both waves. "
        f"A change is shown only when both means are shown: the wave has at least {k} "
        f"responses and at least {k} people answered the scale; otherwise it reads "
        f"“{NOT_SHOWN}”. A change in a mean shows what moved, not that the action moved it. "
        "The links from actions to elements and scales are collabdx's own (derived)."
    )


def _shown_means(responses: ResponseSet | None, k: int) -> dict[str, float | None] | None:
    """Each scale's mean where the wave's report shows it, else None; None for a wave
    that shows nothing."""
    if responses is None:
        return None
    out: dict[str, float | None] = {}
    for scale_id, s in group_stats(responses).scales.items():
        visible = s.mean is not None and wave_stat_visible(responses.n, s.n, k)
        out[scale_id] = s.mean if visible else None
    return out


def _targets(theory: Any, action_id: str, weak_before: set[str]) -> list[Any]:
    st = theory.action_statements.get(action_id)
    if st is None:
        return []
    acts_on = [
        e for e in theory.maturity_elements.values() if e.mechanism and e.mechanism in st.mechanisms
    ]
    return [e for e in acts_on if e.id in weak_before] or acts_on


def what_moved(
    earlier: EarlierWave | None, responses: ResponseSet, k: int, theory: Any
) -> Moved | None:
    """The section's data; None (the section is left out) without an earlier wave or
    when no action was adopted in it."""
    if earlier is None or not earlier.actions:
        return None
    before = _shown_means(earlier.responses, k)
    after = _shown_means(responses, k)
    scale_of = {link.element: link.scale for link in responses.instrument.maturity}
    names = {s.id: s.name for s in responses.instrument.scales.values()}
    weak_before = {e for e, level in earlier.agreed.items() if is_weak(level)}
    rows = []
    for action in earlier.actions:
        targets = []
        for element in _targets(theory, action.action_id, weak_before):
            scale = scale_of.get(element.id)
            targets.append(Target(
                element.name, names.get(scale, "") if scale else "",
                before.get(scale) if before and scale else None,
                after.get(scale) if after and scale else None,
                before is None or (scale in before), after is None or (scale in after),
                earlier.agreed.get(element.id, ""), earlier.agreed_now.get(element.id, ""),
            ))  # fmt: skip
        rows.append(MovedAction(action, tuple(targets)))
    return Moved(earlier.name, tuple(rows))


# ------------------------------------------------------------------ the view


@dataclass(frozen=True)
class TargetRow:
    element: str
    scale: str  # the scale's name, or NO_SCALE
    before: str
    after: str
    change: str
    agreed: str
    has_scale: bool = True


@dataclass(frozen=True)
class ActionView:
    name: str
    action_id: str
    owner: str
    due: str
    rows: tuple[TargetRow, ...]


@dataclass(frozen=True)
class MovedView:
    earlier: str
    rule: str
    actions: tuple[ActionView, ...]
    no_scale_row: str = NO_SCALE_ROW


def _value(mean: float | None, asked: bool, scale: str) -> str:
    if not scale:
        return NO_SCALE
    if not asked:
        return NOT_ASKED
    return NOT_SHOWN if mean is None else num(mean)


def _change(t: Target) -> str:
    if not t.scale:
        return NO_SCALE
    if t.before is None or t.after is None:
        return NOT_SHOWN if t.asked_before and t.asked_after else NOT_ASKED
    # The difference of the two means as printed, so the three numbers agree.
    return signed(round(t.after, 2) - round(t.before, 2))


def _agreed(t: Target, earlier: str) -> str:
    then = t.agreed_before.capitalize() or "Not agreed"
    now = t.agreed_now.lower() or "not agreed yet"
    return f"{then} in {earlier}; {now} in this wave"


def moved_view(moved: Moved, k: int) -> MovedView:
    actions = []
    for m in moved.actions:
        a = m.action
        rows = tuple(
            TargetRow(
                t.element, t.scale or NO_SCALE,
                _value(t.before, t.asked_before, t.scale), _value(t.after, t.asked_after, t.scale),
                _change(t), _agreed(t, moved.earlier), bool(t.scale),
            )
            for t in m.targets
        )  # fmt: skip
        due = long_date(a.due_on) if a.due_on else "Not set"
        actions.append(ActionView(a.name, a.action_id, a.owner or "Not set", due, rows))
    return MovedView(moved.earlier, rule_text(moved.earlier, k), tuple(actions))
