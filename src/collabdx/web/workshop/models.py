"""The maturity matrix workshop (Table 11): private ratings in rounds, then the agreed level.

A ``MaturityRating`` holds one participant's levels and the date, nothing else: no
IP address, user agent, time of day, session or account, and its primary key is
random. ``RatingReceipt`` makes submission idempotent (a replayed form stores
nothing) without any link to the rating it guarded.

Ratings are collected in ``RatingRound``s (issue 12, attack 4): while a round is
open nothing about the levels chosen is shown, so reading the page before and after
one more rating tells nothing; once closed, the round accepts no more ratings, so
its figures never change again. A wave may have several rounds (a second workshop),
at most one open at a time.
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


class RatingRound(models.Model):
    """One collection of private ratings in a wave's workshop. Dates only."""

    wave = models.ForeignKey(Wave, on_delete=models.CASCADE, related_name="rating_rounds")
    number = models.PositiveSmallIntegerField()  # 1, 2, ... within the wave
    opened_on = models.DateField()
    closed_on = models.DateField(null=True, blank=True)  # None while open

    class Meta:
        ordering = ["wave", "number"]
        constraints = [
            models.UniqueConstraint(fields=["wave", "number"], name="one_round_number_per_wave"),
            models.UniqueConstraint(
                fields=["wave"],
                condition=models.Q(closed_on__isnull=True),
                name="one_open_round_per_wave",
            ),
        ]

    @property
    def is_open(self) -> bool:
        return self.closed_on is None


class MaturityRating(models.Model):
    """One participant's private ratings of the nine elements; no link to who gave them.

    ``ratings`` maps element id to level for the elements the participant rated;
    an element left unrated is absent.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    wave = models.ForeignKey(Wave, on_delete=models.CASCADE, related_name="maturity_ratings")
    round = models.ForeignKey(RatingRound, on_delete=models.CASCADE, related_name="ratings")
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
