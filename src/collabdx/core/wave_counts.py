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
is safe against exactly that attacker (see ``disclosure``).

Counts are of the responses the results use, after the data-quality check has set
some aside (``data_quality``): the same rows every figure comes from, so counts
never go down and the open statuses agree with the closed report.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from collabdx.core.disclosure import check_min_group_size, protect


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


def closed_wave_counts(counts: Mapping[str, int], k: int) -> ClosedCounts:
    """The partner list is fixed in advance, so a partner may have 0: lower bound 0."""
    protected = protect(dict(counts), k, lower_bound=0)
    total = sum(counts.values())
    return ClosedCounts(
        {name: n if protected.visible(name) else None for name, n in counts.items()},
        total if total >= k else None,
    )
