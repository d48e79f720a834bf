"""A wave's maturity ratings and agreed levels in the collaboration archive.

Private ratings only as the facilitator pages show them (per closed round, under
the same disclosure control, nothing while a round is open) and the levels the
workshop agreed. Registered in ``WorkshopConfig.ready()`` (``collab.hooks``;
the archive itself is ``collab/archive.py``).
"""

from __future__ import annotations

from typing import Any

from collabdx.core.theory import load_theory
from collabdx.reports.workshop_ratings import distribution
from collabdx.web.collab.archive import iso_date
from collabdx.web.collab.models import Wave
from collabdx.web.workshop.models import MaturityAgreement, RatingRound
from collabdx.web.workshop.presenters import LEVEL_LABELS


def wave_maturity(wave: Wave, k: int, files: dict[str, bytes]) -> dict[str, Any]:
    record: dict[str, Any] = {}
    elements = load_theory().maturity_elements
    rounds = []
    for rnd in RatingRound.objects.filter(wave=wave).order_by("number"):
        entry: dict[str, Any] = {
            "round": rnd.number,
            "opened_on": iso_date(rnd.opened_on),
            "closed_on": iso_date(rnd.closed_on),
            "ratings_received": rnd.ratings.count(),
        }
        if rnd.is_open:  # nothing about the levels while people are still rating
            entry["elements"] = "Shown once the round has closed."
        else:
            ratings = [r for r in rnd.ratings.values_list("ratings", flat=True)
                       if isinstance(r, dict)]  # fmt: skip
            entry["elements"] = [
                {
                    "element": e.name,
                    "shown": distribution([r[e.id] for r in ratings if e.id in r], k).summary,
                }
                for e in elements.values()
            ]
        rounds.append(entry)
    record["maturity_ratings"] = {"rounds": rounds}
    record["maturity_agreed"] = [
        {
            "element": elements[a.element_id].name if a.element_id in elements else a.element_id,
            "level": LEVEL_LABELS.get(a.agreed_level, a.agreed_level),
            "rationale": a.rationale,
            "actions": a.actions,
            "recorded_on": iso_date(a.recorded_on),
        }
        for a in MaturityAgreement.objects.filter(wave=wave).order_by("element_id")
    ]
    return record
