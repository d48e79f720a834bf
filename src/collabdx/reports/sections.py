"""Small data-only parts of the report model: the collaboration's context, response
counts, perception gaps, split opinion, findings and the maturity matrix grid.

No formatting and no HTML: renderers (``reports.pack``) turn these into text. Every
figure in here has already passed disclosure control where it was computed.
"""

from __future__ import annotations

from dataclasses import dataclass

NOT_RECORDED = "not recorded"


@dataclass(frozen=True)
class CollaborationContext:
    """What the facilitator says about the collaboration; None means not recorded.

    ``collaboration_type`` and ``stage`` are ids from the theory (Table 2 and the
    life-cycle stages of Chapter 2); renderers look up their names.
    """

    name: str | None = None
    collaboration_type: str | None = None
    mandated: bool | None = None
    cross_sector: bool | None = None
    stage: str | None = None


@dataclass(frozen=True)
class CountRow:
    label: str
    n: int | None  # None when hidden
    reason: str | None = None  # "primary" (under k) or "complementary" when hidden


@dataclass(frozen=True)
class CountTable:
    """Responses per group of one breakdown (partner, role, staff group)."""

    by: str
    title: str
    withheld: bool
    rows: tuple[CountRow, ...]


@dataclass(frozen=True)
class Gap:
    """A difference in one scale's mean between two groups, each of at least k.

    ``diff`` is group a minus group b, with a Welch 95% CI (None with one answer).
    """

    by: str  # "role", "staff_group" or "organisation"
    group_a: str
    group_b: str
    scale_id: str
    scale_name: str
    n_a: int
    n_b: int
    mean_a: float
    mean_b: float
    diff: float
    ci95: tuple[float, float] | None

    @property
    def excludes_zero(self) -> bool:
        return self.ci95 is not None and (self.ci95[0] > 0 or self.ci95[1] < 0)


@dataclass(frozen=True)
class SplitItem:
    """A question on which a group is split: many favourable and many unfavourable."""

    group: str  # "All respondents" or e.g. "Role: Workforce"
    item_id: str
    item_text: str
    n: int
    pct_favourable: float
    pct_unfavourable: float


@dataclass(frozen=True)
class Finding:
    """One plain-English finding for the summary page, with the figure behind it."""

    rule: str  # which derived rule produced it (see reports.findings)
    text: str
    figure: str  # anchor of the figure or table that shows it


@dataclass(frozen=True)
class RatingSummary:
    """Private maturity ratings for one element in a closed rating round, as the
    workshop may show them.

    ``kind``: "counts", "not_shown" or "no_round" (see reports.workshop_ratings);
    a level's count is None when it is not shown.
    """

    kind: str
    n: int | None
    summary: str
    counts: tuple[tuple[str, int | None], ...] = ()


@dataclass(frozen=True)
class MaturityCell:
    """One row of the maturity matrix grid (Table 11 element)."""

    element_id: str
    element_name: str
    suggested_level: str | None  # the survey's starting point, or None
    suggested_basis: str  # how the survey suggests it, or why there is none
    ratings: RatingSummary | None  # None: private ratings not available here
    agreed_level: str | None = None
    agreed_on: str = ""
    rationale: str = ""


@dataclass(frozen=True)
class MaturityGrid:
    ratings_available: bool
    note: str
    rows: tuple[MaturityCell, ...]
