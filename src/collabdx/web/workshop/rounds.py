"""Reading a wave's rating rounds: which one the pages show, and how each reads.

Only a *closed* round's ratings are ever read for figures (issue 12, attack 4): an
open round's ratings would change between two readings either side of one more
rating. Of an open round only the number of ratings received is shown; it says
nothing about the levels chosen.
"""

from __future__ import annotations

from dataclasses import dataclass

from collabdx.reports.fmt import long_date
from collabdx.web.collab.models import Wave
from collabdx.web.workshop.models import RatingRound


@dataclass(frozen=True)
class RoundView:
    number: int
    is_open: bool
    opened_on: str
    closed_on: str  # "" while open
    received: int  # ratings received: a count of raters, never of a level

    @property
    def label(self) -> str:
        return f"Round {self.number}"


def round_views(wave: Wave) -> list[RoundView]:
    rounds = RatingRound.objects.filter(wave=wave).order_by("number")
    return [
        RoundView(
            r.number,
            r.is_open,
            long_date(r.opened_on),
            long_date(r.closed_on) if r.closed_on else "",
            r.ratings.count(),
        )
        for r in rounds
    ]


def shown_round(wave: Wave, requested: int | None = None) -> RatingRound | None:
    """The closed round whose figures are shown: the one asked for if it is closed,
    otherwise the latest closed one; None when no round has closed."""
    closed = RatingRound.objects.filter(wave=wave, closed_on__isnull=False)
    if requested is not None:
        asked = closed.filter(number=requested).first()
        if asked is not None:
            return asked
    return closed.order_by("-number").first()


def closed_round_ratings(rnd: RatingRound | None) -> list[dict[str, str]] | None:
    """The ratings of a closed round (each a dict element -> level); None for none."""
    if rnd is None:
        return None
    assert rnd.closed_on is not None, "an open round's ratings are never read for figures"
    return [r for r in rnd.ratings.values_list("ratings", flat=True) if isinstance(r, dict)]
