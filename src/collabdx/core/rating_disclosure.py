"""Disclosure control for the maturity workshop's private ratings (issue 12).

One element's ratings in one closed round are a breakdown over the three Table 11
levels, decided by ``core.disclosure.protect`` with lower bound 0 (the list of
levels is fixed, so a level nobody chose is possible): a level under k is not shown,
with others as needed so that nothing can be worked out by subtraction, and the
whole split is withheld when someone who knows how protect chooses could still pin
a level under k (``core.disclosure_audit``). When everyone chose the same level,
every other level is 0, under k, so the whole split is withheld: "6 of 6 chose
bureaucratic" would tell each of them what the others chose. An element rated by
fewer than k people shows no count and no level.

Pure, so attacker tests can call it; the workshop page, the pack and the archive
only word its result (``reports.workshop_ratings.distribution``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from collabdx.core.disclosure_audit import audited_protect
from collabdx.core.theory_model import LEVELS


@dataclass(frozen=True)
class RatingSplit:
    n: int  # people who rated the element
    under_k: bool  # fewer than k: not even n may be shown
    withheld: bool  # at least k, but no count per level may be shown
    counts: tuple[tuple[str, int | None], ...] = ()  # (level, count or None: hidden)


def rating_split(levels: Iterable[str], k: int) -> RatingSplit:
    """What may be shown of one element's ratings (``levels``: one level per rating)."""
    chosen = list(levels)
    counts: dict[str, int] = {lvl: chosen.count(lvl) for lvl in LEVELS}
    n = sum(counts.values())
    if n < k:
        return RatingSplit(n, under_k=True, withheld=True)
    protected = audited_protect(counts, k, lower_bound=0)
    if protected.withheld:
        return RatingSplit(n, under_k=False, withheld=True)
    shown = tuple((lvl, counts[lvl] if protected.visible(lvl) else None) for lvl in LEVELS)
    return RatingSplit(n, under_k=False, withheld=False, counts=shown)
