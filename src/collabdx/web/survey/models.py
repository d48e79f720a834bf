"""Responses and save-and-resume drafts.

A ``Response`` holds only what scoring and breakdowns need: the wave, the partner
whose link was used, the instrument id and version, the answers and the date.
There is no IP address, user agent, time of day, account or device key on it, and
its primary key is random, so row order says nothing about who answered when.
"""

from __future__ import annotations

import uuid

from django.db import models

from collabdx.web.collab.models import Partner, Wave


class Response(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    wave = models.ForeignKey(Wave, on_delete=models.CASCADE, related_name="responses")
    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="responses")
    instrument_id = models.CharField(max_length=60)
    instrument_version = models.CharField(max_length=20)
    answers = models.JSONField()  # item id -> code (int) or text
    submitted_on = models.DateField()  # the date only, never the time


class SubmissionReceipt(models.Model):
    """Makes submission idempotent without linking a response to a device.

    ``key`` is a hash of the draft's secret. It is written in the same transaction
    as the response, so a replayed or parallel submit of the same draft hits the
    unique constraint and stores nothing. It has no link to the response.
    """

    key = models.CharField(max_length=64, unique=True)
    wave = models.ForeignKey(Wave, on_delete=models.CASCADE, related_name="+")


class Draft(models.Model):
    """Answers saved so far on one device, found by the secret kept in its session.

    Deleted on submission; ignored once ``expires_on`` has passed and deleted by the
    next write (``services.purge_expired_drafts``).
    """

    key = models.CharField(max_length=64, unique=True)  # sha256 of the device's secret
    link = models.ForeignKey(
        "collab.PartnerLink", on_delete=models.CASCADE, related_name="drafts"
    )
    answers = models.JSONField(default=dict)  # item id -> code (int) or text
    updated_on = models.DateField()  # dates only, like everything else here
    expires_on = models.DateField(db_index=True)  # updated_on + settings.DRAFT_DAYS
