"""Write operations for the maturity matrix workshop. Views call these; nothing else writes.

Each function takes already-parsed values, checks them again against Table 11
(defence in depth: the forms check first) and runs in one transaction.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Mapping

from django.db import IntegrityError, transaction
from django.utils import timezone

from collabdx.core.theory import load_theory
from collabdx.core.theory_model import LEVELS
from collabdx.web.collab.models import Wave
from collabdx.web.workshop.models import MaturityAgreement, MaturityRating, RatingReceipt


class WorkshopError(ValueError):
    """Values that Table 11 does not allow (an unknown element or level)."""


def receipt_key(form_token: str) -> str:
    """What is stored of a rating form's one-time token: its SHA-256, never the token."""
    return hashlib.sha256(form_token.encode("utf-8")).hexdigest()


def _check_element(element_id: str) -> None:
    if element_id not in load_theory().maturity_elements:
        raise WorkshopError(f"There is no maturity matrix element called {element_id!r}")


def _check_level(level: str) -> None:
    if level not in LEVELS:
        raise WorkshopError(f"{level!r} is not a level of the maturity matrix")


def clean_ratings(ratings: Mapping[str, str]) -> dict[str, str]:
    """Element id -> level in Table 11 order; unrated elements (empty or absent) dropped."""
    for element_id, level in ratings.items():
        _check_element(element_id)
        if level:
            _check_level(level)
    order = load_theory().maturity_elements
    return {e: ratings[e] for e in order if ratings.get(e)}


def submit_rating(
    wave: Wave,
    ratings: Mapping[str, str],
    *,
    form_token: str,
    today: dt.date | None = None,
) -> MaturityRating | None:
    """Store one participant's private ratings, or nothing if this form was already sent.

    Returns None when the form's one-time token has been used before (a replayed
    or doubled POST). The rating keeps the date only.
    """
    clean = clean_ratings(ratings)
    if not clean:
        raise WorkshopError("Rate at least one element")
    if not form_token:
        raise WorkshopError("The form has no one-time token")
    key = receipt_key(form_token)
    try:
        with transaction.atomic():
            RatingReceipt.objects.create(key=key, wave=wave)
            return MaturityRating.objects.create(
                wave=wave, ratings=clean, submitted_on=today or timezone.localdate()
            )
    except IntegrityError:
        if RatingReceipt.objects.filter(key=key).exists():
            return None  # this form was already submitted: store nothing more
        raise


@transaction.atomic
def record_agreement(
    wave: Wave,
    element_id: str,
    *,
    level: str,
    rationale: str = "",
    actions: str = "",
    today: dt.date | None = None,
) -> MaturityAgreement:
    """Record (or replace) the level the workshop agreed for one element in this wave."""
    _check_element(element_id)
    _check_level(level)
    agreement, _ = MaturityAgreement.objects.update_or_create(
        wave=wave,
        element_id=element_id,
        defaults={
            "agreed_level": level,
            "rationale": rationale.strip(),
            "actions": actions.strip(),
            "recorded_on": today or timezone.localdate(),
        },
    )
    return agreement
