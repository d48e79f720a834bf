"""The survey's share of the daily purge (``collab.lifecycle.purge_expired``).

An expired wave's responses, submission receipts and the drafts still on its links
are deleted, and every save-and-resume draft past its own expiry, in the purge's
transaction. Registered in ``SurveyConfig.ready()`` (``collab.hooks``).
"""

from __future__ import annotations

import datetime as dt

from collabdx.web.collab.hooks import Purge
from collabdx.web.collab.lifecycle import waves_holding
from collabdx.web.survey.models import Draft, Response, SubmissionReceipt
from collabdx.web.survey.services import purge_expired_drafts


def purge_expired_waves(ids: list[int], today: dt.date) -> Purge:
    held = waves_holding(
        ids, (Response, "wave_id"), (SubmissionReceipt, "wave_id"), (Draft, "link__wave_id")
    )
    responses, _ = Response.objects.filter(wave_id__in=ids).delete()
    receipts, _ = SubmissionReceipt.objects.filter(wave_id__in=ids).delete()
    drafts, _ = Draft.objects.filter(link__wave_id__in=ids).delete()
    expired_drafts = purge_expired_drafts(today)
    return Purge(
        {"responses": responses, "receipts": receipts, "drafts": drafts,
         "expired_drafts": expired_drafts},
        held,
    )  # fmt: skip
