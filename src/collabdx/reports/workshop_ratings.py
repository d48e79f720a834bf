"""The maturity matrix workshop's private ratings and agreed levels in the pack.

The web app loads them as plain data (:class:`WorkshopRatings`: the latest closed
rating round's ratings and the agreed levels) and passes them into
``reports.model.build_report``, which fills in the maturity grid here. What may be
shown of a closed round is ``core.rating_disclosure``'s decision; this module only
words it. An open round's ratings never reach it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from collabdx.core.disclosure import NOT_SHOWN
from collabdx.core.rating_disclosure import rating_split
from collabdx.core.theory_model import LEVELS
from collabdx.reports.fmt import long_date
from collabdx.reports.sections import MaturityCell, MaturityGrid, RatingSummary

# Table 11's three levels as the pages name them.
LEVEL_LABELS: dict[str, str] = {lvl: lvl.capitalize() for lvl in LEVELS}


@dataclass(frozen=True)
class ClosedRound:
    """One closed rating round: its number, when it closed, and one mapping of
    element id to level per person who rated."""

    number: int
    closed_on: dt.date
    ratings: tuple[Mapping[str, str], ...]


@dataclass(frozen=True)
class AgreedLevel:
    level: str  # a Table 11 level id
    recorded_on: dt.date
    rationale: str = ""


@dataclass(frozen=True)
class WorkshopRatings:
    """What the wave's workshop holds for the pack: the latest closed round (None
    while no round has closed) and the agreed levels by element id."""

    closed: ClosedRound | None
    agreed: Mapping[str, AgreedLevel]


# --- disclosure control for the private ratings -----------------------------------


@dataclass(frozen=True)
class RatingDistribution:
    """How one element's private ratings in one closed round may be shown.

    ``kind``: "counts" (at least one level's count shown), "not_shown" (nothing of
    the split over levels) or "no_round" (no round has closed yet).
    """

    kind: str
    n: int | None  # people who rated the element; None when under k
    counts: tuple[tuple[str, int | None], ...] = ()  # (level label, count or None)
    summary: str = ""
    explanation: str = ""
    split: bool | None = None  # SPLIT_RULE; None when not every count is shown


# The room is split when no level has a clear majority of the private ratings. A
# stated rule (issue 14), derived by collabdx, so a facilitator can explain the flag.
SPLIT_AGREEMENT = 0.6
SPLIT_RULE = (
    "The room is split on an element when no level has at least 60% of the private "
    "ratings: discuss it before agreeing a level. (collabdx's rule, derived; shown only "
    "when every level's count is shown, so the flag reveals nothing the counts do not.)"
)


def split_room(counts: Sequence[int | None]) -> bool | None:
    """:data:`SPLIT_RULE` over one element's shown counts; None when any is hidden."""
    if any(c is None for c in counts):
        return None
    shown = [int(c) for c in counts if c is not None]
    total = sum(shown)
    return None if not total else max(shown) < SPLIT_AGREEMENT * total


def distribution(levels: Iterable[str], k: int) -> RatingDistribution:
    """The shown form of one element's ratings (``levels``: one level per rating);
    what may be shown is ``core.rating_disclosure.rating_split``'s decision."""
    split = rating_split(levels, k)
    if split.under_k:
        return RatingDistribution(
            "not_shown", None, summary=NOT_SHOWN,
            explanation=f"{NOT_SHOWN}: an element's ratings need at least {k} people.",
        )  # fmt: skip
    n = split.n
    if split.withheld:
        return RatingDistribution(
            "not_shown", n, summary=NOT_SHOWN,
            explanation=(
                f"{n} people rated this element. How many chose each level is not shown: "
                "showing it could reveal how individuals rated."
            ),
        )  # fmt: skip
    shown = tuple((LEVEL_LABELS[lvl], c) for lvl, c in split.counts)
    summary = ", ".join(f"{label} {NOT_SHOWN.lower() if c is None else c}" for label, c in shown)
    return RatingDistribution(
        "counts", n, shown, summary, f"{n} people rated this element.",
        split_room([c for _, c in shown]),
    )  # fmt: skip


NO_ROUND = RatingDistribution(
    "no_round", None, summary="No round closed yet",
    explanation="Private ratings are shown here once a rating round has closed.",
)  # fmt: skip


def element_ratings(
    ratings: Sequence[Mapping[str, str]] | None, element_id: str, k: int
) -> RatingDistribution:
    """One element's shown ratings in a closed round (``NO_ROUND`` without one)."""
    if ratings is None:
        return NO_ROUND
    return distribution([r[element_id] for r in ratings if r.get(element_id) in LEVELS], k)


def workshop_grid(
    grid: MaturityGrid, workshop: WorkshopRatings, k: int, elements: Iterable[str]
) -> MaturityGrid:
    """The survey's starting points (``grid``) with the workshop's private ratings
    (the latest closed round) and agreed levels, for the Table 11 ``elements``."""
    known = set(elements)
    closed = workshop.closed
    ratings = closed.ratings if closed is not None else None
    rows: list[MaturityCell] = []
    for row in grid.rows:
        if row.element_id not in known:
            rows.append(row)
            continue
        d = element_ratings(ratings, row.element_id, k)
        now = workshop.agreed.get(row.element_id)
        rows.append(
            dataclasses.replace(
                row,
                ratings=RatingSummary(d.kind, d.n, d.summary, d.counts),
                agreed_level=LEVEL_LABELS[now.level] if now else None,
                agreed_on=long_date(now.recorded_on) if now else "",
                rationale=now.rationale if now else "",
            )
        )
    if closed is None:
        note = (
            "Private ratings appear here once a rating round of this wave's workshop has "
            "closed: nothing about them is shown while people are still rating."
        )
        return MaturityGrid(False, note, tuple(rows))
    note = (
        f"{len(closed.ratings)} people rated the elements in private in round {closed.number} "
        f"of this wave's workshop (closed {long_date(closed.closed_on)}). A level's "
        f"count is shown only when at least {k} people chose it, and other levels are not "
        "shown with it where needed, so that no hidden count can be worked out; when "
        f"everyone chose the same level no count is shown. Hidden counts read “{NOT_SHOWN}”."
    )
    return MaturityGrid(True, note, tuple(rows))
