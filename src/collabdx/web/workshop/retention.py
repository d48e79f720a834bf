"""The workshop's share of the daily purge (``collab.lifecycle.purge_expired``).

An expired wave's private maturity ratings and their receipts are deleted in the
purge's transaction; the levels the workshop agreed stay (the facilitators' own
record). Registered in ``WorkshopConfig.ready()`` (``collab.hooks``).
"""

from __future__ import annotations

import datetime as dt

from collabdx.web.collab.hooks import Purge
from collabdx.web.collab.lifecycle import waves_holding
from collabdx.web.workshop.models import MaturityRating, RatingReceipt


def purge_expired_waves(ids: list[int], today: dt.date) -> Purge:
    held = waves_holding(ids, (MaturityRating, "wave_id"), (RatingReceipt, "wave_id"))
    ratings, _ = MaturityRating.objects.filter(wave_id__in=ids).delete()
    rating_receipts, _ = RatingReceipt.objects.filter(wave_id__in=ids).delete()
    return Purge({"ratings": ratings, "rating_receipts": rating_receipts}, held)
