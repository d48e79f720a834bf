"""The maturity matrix workshop (Table 11): private ratings, then the agreed level.

A ``MaturityRating`` holds one participant's levels and the date, nothing else: no
IP address, user agent, time of day, session or account, and its primary key is
random. ``RatingReceipt`` makes submission idempotent (a replayed form stores
nothing) without any link to the rating it guarded.
"""

from __future__ import annotations

import uuid

from django.db import models

from collabdx.web.collab.models import Wave

LEVEL_CHOICES = [
    ("pathological", "Pathological"),
    ("bureaucratic", "Bureaucratic"),
    ("generative", "Generative"),
]


class MaturityRating(models.Model):
    """One participant's private ratings of the nine elements; no link to who gave them.

    ``ratings`` maps element id to level for the elements the participant rated;
    an element left unrated is absent.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    wave = models.ForeignKey(Wave, on_delete=models.CASCADE, related_name="maturity_ratings")
    ratings = models.JSONField()  # element id -> level
    submitted_on = models.DateField()  # the date only, never the time


class RatingReceipt(models.Model):
    """The hash of a rating form's one-time token, written with the rating.

    The unique key makes a replayed or doubled POST of the same form store
    nothing. It has no link to the rating, and the token itself is never stored.
    """

    key = models.CharField(max_length=64, unique=True)  # sha256 hex of the form token
    wave = models.ForeignKey(Wave, on_delete=models.CASCADE, related_name="+")


class MaturityAgreement(models.Model):
    """The level a workshop agreed for one element in one wave, with why and what next."""

    wave = models.ForeignKey(Wave, on_delete=models.CASCADE, related_name="maturity_agreements")
    element_id = models.CharField(max_length=40)
    agreed_level = models.CharField(max_length=20, choices=LEVEL_CHOICES)
    rationale = models.TextField(blank=True)
    actions = models.TextField(blank=True)
    recorded_on = models.DateField()  # the date only

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["wave", "element_id"], name="one_agreement_per_element")
        ]
