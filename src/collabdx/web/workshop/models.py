"""The maturity matrix workshop (Table 11): private ratings, then the agreed level."""

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
    """One participant's private ratings of all nine elements; no link to who gave them."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    wave = models.ForeignKey(Wave, on_delete=models.CASCADE, related_name="maturity_ratings")
    ratings = models.JSONField()  # element id -> level
    submitted_on = models.DateField()


class MaturityAgreement(models.Model):
    wave = models.ForeignKey(Wave, on_delete=models.CASCADE, related_name="maturity_agreements")
    element_id = models.CharField(max_length=40)
    agreed_level = models.CharField(max_length=20, choices=LEVEL_CHOICES)
    rationale = models.TextField(blank=True)
    actions = models.TextField(blank=True)
    recorded_on = models.DateField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["wave", "element_id"], name="one_agreement_per_element")
        ]
