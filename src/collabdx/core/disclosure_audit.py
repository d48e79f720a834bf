"""``protect``, checked against an attacker who knows how it chooses what to hide.

``protect`` hides the groups under k, then the smallest other groups (label as the
tie-break) until the hidden ones are safe by interval arithmetic. An attacker who
knows that rule learns more than the intervals: a group hidden to protect another
was the smallest of those not under k, so it is no larger than any group shown.
Example (found by the workshop's brute-force test, issue 12): partners A 3, B 5,
C 5, total 13. protect hides A (under k) and B (B and C tie, B's label is first)
and shows C = 5. Knowing that A was under k (the open wave's statuses said so),
B is at least 5 and at most C = 5, so B = 5 and A = 3.

``audited_protect`` enumerates every count vector the attacker cannot rule out
from what is shown (the same visible counts, the same hidden groups, hidden counts
within what the attacker knows of them) and keeps those for which ``protect``
would show exactly this. If that leaves a hidden group's count fixed at a value
from 1 to k - 1, the whole breakdown is withheld instead. The decision depends
only on what is shown, so every vector that would have shown the same is withheld
alike: the vectors that do show it are exactly those enumerated, and none is
pinned; a withheld breakdown shows nothing but its total.

The enumeration is capped; past the cap the breakdown is withheld (safe, and only
reachable with many hidden groups and a large hidden total).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence

from collabdx.core.disclosure import Protected, protect

ENUMERATION_CAP = 200_000


def _withheld(counts: Mapping[str, int]) -> Protected:
    return Protected(True, frozenset(counts), {g: "withheld" for g in counts})


def _vectors(ranges: Sequence[tuple[int, int]], total: int) -> Iterator[tuple[int, ...]]:
    """Every vector with ``ranges[i][0] <= v[i] <= ranges[i][1]`` summing to ``total``."""
    if not ranges:
        if total == 0:
            yield ()
        return
    (lo, hi), rest = ranges[0], ranges[1:]
    rest_lo = sum(r[0] for r in rest)
    rest_hi = sum(r[1] for r in rest)
    for v in range(max(lo, total - rest_hi), min(hi, total - rest_lo) + 1):
        for tail in _vectors(rest, total - v):
            yield (v, *tail)


def audited_protect(
    counts: Mapping[str, int], k: int, *, lower_bound: int = 1, reasons_known: bool = False
) -> Protected:
    """``protect``, or the whole breakdown withheld when an attacker who knows
    ``protect``'s rule could pin a hidden group under k.

    ``reasons_known``: the attacker knows which hidden groups are under k (for a
    wave's partners, the open wave's "enough answers" statuses tell them).
    """
    raw = protect(counts, k, lower_bound=lower_bound)
    if raw.withheld or not raw.suppressed:
        return raw
    hidden = sorted(raw.suppressed)
    hidden_sum = sum(counts[g] for g in hidden)
    ranges = []
    for g in hidden:
        if not reasons_known:
            ranges.append((lower_bound, hidden_sum))
        elif raw.reasons[g] == "primary":
            ranges.append((lower_bound, k - 1))
        else:
            ranges.append((k, hidden_sum))
    possible: dict[str, set[int]] = {g: set() for g in hidden}
    for n, values in enumerate(_vectors(ranges, hidden_sum)):
        if n >= ENUMERATION_CAP:
            return _withheld(counts)
        candidate = {**counts, **dict(zip(hidden, values, strict=True))}
        shown = protect(candidate, k, lower_bound=lower_bound)
        if shown.withheld or shown.suppressed != raw.suppressed:
            continue
        for g, v in zip(hidden, values, strict=True):
            possible[g].add(v)
    for seen in possible.values():
        if len(seen) == 1 and 0 < next(iter(seen)) < k:
            return _withheld(counts)
    return raw
