"""What may be shown of a wave's response counts per partner: while it is open, and
once it has closed. Pure functions, so any page (and any attacker test) can call them.

**While a wave is open** a facilitator can read the counts after every submission.
Exact counts for the partners at or above k, with the total, pin a small partner
(issue 12, attack 3: at 12 responses "A 7, B and C fewer than 5", at 13 "A 7, B
hidden to protect, C fewer than 5", so C = 1). Merging the hidden partners into
one line does not help either: when a partner crosses k and appears, the pool left
behind shrinks by a known amount, and at close the exact total minus the last
reading's exact counts gives the pool's count. Even per-partner statuses with the
exact total leak: partner A turning "enough" at a known total fixes B = total - k
in a two-partner wave. So an open wave shows, per partner, only whether it has
enough answers for its own results (at least k), how many partners have, and the
total only once every partner has (no hidden group is left to pin then).

**Once a wave has closed** its counts are those of the report: ``protect`` over the
fixed list of partners (lower bound 0), the total when it reaches k. The statuses
read while it was open tell an attacker which hidden partners were under k; protect
is safe against exactly that attacker (see ``disclosure``), and the audit in
``disclosure_audit`` against one who also knows how protect picks what to hide.

One more case: when *every* partner was still under k at the last reading, the
statuses bound each count by k - 1, and the closed wave's exact total can then fix
them (two partners, total 8, k = 5: both 4). ``results_may_show`` says so, and the
web app then shows nothing of that wave, not even its total.

Counts are of the responses the results use, after the data-quality check has set
some aside (``data_quality``): the same rows every figure comes from, so counts
never go down and the open statuses agree with the closed report.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from collabdx.core.disclosure import Protected, check_min_group_size
from collabdx.core.disclosure_audit import audited_protect


@dataclass(frozen=True)
class OpenCounts:
    """An open wave: per partner whether it has at least k responses, no counts."""

    enough: Mapping[str, bool]  # partner -> has at least k, in the order given
    partners_with_enough: int
    total: int | None  # only when every partner has at least k

    @property
    def partners(self) -> int:
        return len(self.enough)


@dataclass(frozen=True)
class ClosedCounts:
    """A closed wave: the report's counts. None means not shown."""

    per_partner: Mapping[str, int | None]
    total: int | None


def open_wave_counts(counts: Mapping[str, int], k: int) -> OpenCounts:
    check_min_group_size(k)
    enough = {name: n >= k for name, n in counts.items()}
    with_enough = sum(enough.values())
    total = sum(counts.values()) if with_enough == len(enough) else None
    return OpenCounts(enough, with_enough, total)


def total_pins_a_partner(counts: Mapping[str, int], k: int) -> bool:
    """Whether the exact total, with each partner known to be under k or not (the
    open wave's statuses), fixes some partner's count at a value from 1 to k - 1.

    With a partner at or above k (no upper bound) any small partner could have 0.
    With every partner under k, each lies in [total - (p - 1)(k - 1), k - 1], a
    single value exactly when the total is p(k - 1): every partner at k - 1."""
    if not counts or any(n >= k for n in counts.values()):
        return False
    return sum(counts.values()) == len(counts) * (k - 1)


def results_may_show(counts: Mapping[str, int], k: int) -> bool:
    """Whether a closed wave's results (and its total) may be shown at all."""
    return sum(counts.values()) >= k and not total_pins_a_partner(counts, k)


def partner_protection(counts: Mapping[str, int], k: int) -> Protected:
    """Which partners of a closed wave may be shown: the one decision behind the wave
    page, the report's partner table, the organisation column of downloads and the
    research section, so they always agree.

    The partner list is fixed in advance, so a partner may have 0: lower bound 0.
    The open wave's statuses told which partners are under k, so the decision is
    audited against an attacker who knows that and how protect chooses."""
    return audited_protect(dict(counts), k, lower_bound=0, reasons_known=True)


def closed_wave_counts(counts: Mapping[str, int], k: int) -> ClosedCounts:
    if not results_may_show(counts, k):
        return ClosedCounts(dict.fromkeys(counts), None)
    protected = partner_protection(counts, k)
    return ClosedCounts(
        {name: n if protected.visible(name) else None for name, n in counts.items()},
        sum(counts.values()),
    )
