"""Disclosure control: no figure and no count for a group under the minimum size k.

Primary suppression hides every group with fewer than k respondents. That alone is
not enough: anyone who sees the total and the other groups can subtract. So a
breakdown also gets *complementary* suppression, strong enough against this
attacker:

* they see the total, every visible group's count, and for each hidden group
  whether it is "fewer than k" (primary) or hidden to protect another group
  (complementary, so at least k);
* they know every listed group has at least ``lower_bound`` respondents.

From that, each hidden group's count lies in an interval. We keep hiding more
groups, smallest first, until every hidden group's interval holds at least two
values, so no hidden count can be worked out, and until the hidden groups together
hold at least k people: their pooled figures equal the total's minus the visible
groups', so together they form a group that must not be under k either. When that is
impossible without hiding every group, or when the total itself is under k, the whole
breakdown is withheld.

The attacker above is assumed to know which hidden groups are under k (for example
from the open wave's "enough answers" statuses), so the decision stays safe then.
But no reader is *told*: every hidden group, whatever the reason, reads
``NOT_SHOWN`` (issue 12). Two wordings ("fewer than 5" beside "hidden to protect a
smaller group") bounded each hidden group's size; one wording bounds nothing.
``reasons`` stay in ``Protected`` for the decision and for tests, never for display.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

DEFAULT_MIN_GROUP_SIZE = 5
MIN_GROUP_SIZE_FLOOR = 3


class DisclosureError(ValueError):
    pass


def check_min_group_size(k: int) -> int:
    """Validate a configured k; it may never go below 3."""
    if not isinstance(k, int) or isinstance(k, bool):
        raise DisclosureError(f"minimum group size must be a whole number, got {k!r}")
    if k < MIN_GROUP_SIZE_FLOOR:
        raise DisclosureError(
            f"minimum group size must be at least {MIN_GROUP_SIZE_FLOOR}, got {k}"
        )
    return k


NOT_SHOWN = "Not shown"
"""The one wording for every hidden group, figure or count, whatever the reason."""


def rule_text(k: int) -> str:
    """The disclosure rule in one sentence pair, for every page and the pack."""
    return (
        f"Figures and counts are shown only for groups of at least {k} people. Some "
        "larger groups are not shown as well, so that no hidden group can be worked out "
        "by subtraction; every group that is not shown reads “Not shown”, whatever the reason."
    )


@dataclass(frozen=True)
class Protected:
    """Which groups of a breakdown may be shown.

    ``withheld`` means nothing of the breakdown may be shown, not even its groups'
    counts. Otherwise ``suppressed`` lists the groups shown only as ``NOT_SHOWN``;
    ``reasons`` says, per suppressed group, whether it was under k (primary) or
    hidden to protect another group (complementary). The reasons are for deciding
    and testing only: a reader is never told them.
    """

    withheld: bool
    suppressed: frozenset[str]
    reasons: Mapping[str, str]

    def visible(self, label: str) -> bool:
        return not self.withheld and label not in self.suppressed


def protect(counts: Mapping[str, int], k: int, *, lower_bound: int = 1) -> Protected:
    """Decide suppression for one breakdown.

    ``counts`` maps every group label to its respondent count and must cover the
    whole population (include a "Not answered" group), so that the groups add up
    to the total. ``lower_bound`` is the smallest count an outsider can assume a
    listed group has: 1 when groups only appear if someone is in them, 0 when the
    list of groups is fixed in advance (e.g. a collaboration's partners).
    """
    check_min_group_size(k)
    total = sum(counts.values())
    if total < k:
        return Protected(True, frozenset(counts), {g: "total under k" for g in counts})
    reasons = {g: "primary" for g, n in counts.items() if n < k}
    if not reasons:
        return Protected(False, frozenset(), {})
    # Smallest first, label as tie-break so the outcome is deterministic.
    candidates = sorted((n, g) for g, n in counts.items() if g not in reasons)
    while not _safe(counts, reasons, k, lower_bound, total):
        if not candidates:
            return Protected(True, frozenset(counts), {g: "withheld" for g in counts})
        _, g = candidates.pop(0)
        reasons[g] = "complementary"
    if len(reasons) == len(counts):
        # Every group hidden: showing the labels alone tells nothing useful.
        return Protected(True, frozenset(counts), {g: "withheld" for g in counts})
    return Protected(False, frozenset(reasons), reasons)


def hidden_bounds(reason: str, k: int, lower_bound: int, total: int) -> tuple[int, int]:
    """What an outsider knows of one hidden group's count from how it is shown."""
    return (lower_bound, k - 1) if reason == "primary" else (k, total)


def _safe(
    counts: Mapping[str, int], reasons: Mapping[str, str], k: int, lower_bound: int, total: int
) -> bool:
    if len(reasons) < 2:
        return False
    hidden_sum = sum(counts[g] for g in reasons)
    # The hidden groups together form a group whose figures anyone can work out
    # (overall figure minus the visible groups), so together they must reach k too.
    if hidden_sum < k:
        return False
    bounds = {g: hidden_bounds(r, k, lower_bound, total) for g, r in reasons.items()}
    lo_all = sum(lo for lo, _ in bounds.values())
    hi_all = sum(hi for _, hi in bounds.values())
    for lo, hi in bounds.values():
        # The group's feasible range given the others' bounds and the hidden sum.
        low = max(lo, hidden_sum - (hi_all - hi))
        high = min(hi, hidden_sum - (lo_all - lo))
        if high <= low:
            return False
    return True


def stat_visible(n: int, k: int) -> bool:
    """A single statistic (e.g. one item's mean in a visible group) needs n ≥ k."""
    return n >= k


def wave_stat_visible(wave_n: int, stat_n: int, k: int) -> bool:
    """A statistic of one wave is shown when the wave has at least k responses (under
    that nothing of it is shown, not even the count) and the statistic rests on at least
    k answers. The one decision behind the report's scale and item means, the trends
    across waves, and what moved between two waves: a comparison over time may use only
    values that are shown in both waves, so it never shows more than the two reports."""
    return wave_n >= k and stat_visible(stat_n, k)
