"""Write operations for the maturity matrix workshop. Views call these; nothing else writes.

Each function takes already-parsed values, checks them again against Table 11
(defence in depth: the forms check first) and runs in one transaction.

Ratings go into the wave's open rating round only (issue 12, attack 4): a rating
is refused when no round is open, so a closed round's figures never change. The
round row is locked while a rating is stored and while the round is closed, so a
rating cannot slip into a round in the moment it closes.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from django.db import IntegrityError, transaction
from django.utils import timezone

from collabdx.core.maturity import is_weak, linked_statements
from collabdx.core.theory import load_theory
from collabdx.core.theory_model import LEVELS
from collabdx.web.collab.models import ActionPlanItem, Wave
from collabdx.web.workshop.models import (
    MaturityAgreement,
    MaturityRating,
    RatingReceipt,
    RatingRound,
)


class WorkshopError(ValueError):
    """Values that Table 11 does not allow (an unknown element or level)."""


class NoOpenRound(WorkshopError):
    """No rating round is open in this wave: ratings are not being collected."""


class RoundAlreadyOpen(WorkshopError):
    """A round is open already; there is at most one at a time."""


def open_round_of(wave: Wave) -> RatingRound | None:
    return RatingRound.objects.filter(wave=wave, closed_on__isnull=True).first()


@transaction.atomic
def open_round(wave: Wave, *, today: dt.date | None = None) -> RatingRound:
    """Start collecting ratings: the next round of this wave.

    The wave row is locked so two facilitators pressing the button together get one
    round (the partial unique constraint would refuse the second anyway)."""
    Wave.objects.select_for_update().filter(pk=wave.pk).first()
    if open_round_of(wave) is not None:
        raise RoundAlreadyOpen(f"A rating round is already open in {wave.name}")
    last = RatingRound.objects.filter(wave=wave).order_by("-number").first()
    return RatingRound.objects.create(
        wave=wave, number=(last.number + 1) if last else 1,
        opened_on=today or timezone.localdate(),
    )  # fmt: skip


@transaction.atomic
def close_round(wave: Wave, *, today: dt.date | None = None) -> RatingRound:
    """Stop collecting: the open round takes no more ratings and its figures appear."""
    current = (
        RatingRound.objects.select_for_update().filter(wave=wave, closed_on__isnull=True).first()
    )
    if current is None:
        raise NoOpenRound(f"No rating round is open in {wave.name}")
    current.closed_on = today or timezone.localdate()
    current.save(update_fields=["closed_on"])
    return current


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
    or doubled POST). The rating keeps the date only. Raises ``NoOpenRound`` when
    ratings are not being collected (before the first round, or after it closed).
    """
    clean = clean_ratings(ratings)
    if not clean:
        raise WorkshopError("Rate at least one element")
    if not form_token:
        raise WorkshopError("The form has no one-time token")
    key = receipt_key(form_token)
    try:
        with transaction.atomic():
            current = (
                RatingRound.objects.select_for_update()
                .filter(wave=wave, closed_on__isnull=True)
                .first()
            )
            if current is None:
                raise NoOpenRound(f"Ratings are not being collected in {wave.name}")
            RatingReceipt.objects.create(key=key, wave=wave)
            return MaturityRating.objects.create(
                wave=wave, round=current, ratings=clean,
                submitted_on=today or timezone.localdate(),
            )  # fmt: skip
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


class NotWeak(WorkshopError):
    """The element is not agreed weak in this wave, or the statement is not linked to it."""


@dataclass(frozen=True)
class Adoption:
    """What ``adopt_for_element`` did: ``added`` a new plan item, or found the
    statement ``already`` in the plan (left as it was: its owner and date are
    changed on the action plan, where the change is seen)."""

    item: ActionPlanItem
    outcome: Literal["added", "already"]


@transaction.atomic
def adopt_for_element(
    wave: Wave,
    element_id: str,
    action_id: str,
    *,
    owner_name: str,
    due_on: dt.date,
) -> Adoption:
    """Adopt a Table 10 statement offered for a weak element into the action plan,
    with its owner and due date in the same write.

    Checked again here, not only by the page: the element must be agreed weak in
    this wave (``core.maturity.WEAK_RULE``) and the statement linked to it, so a
    crafted POST cannot adopt through the workshop what the workshop never offered.
    """
    _check_element(element_id)
    owner = owner_name.strip()
    if not owner:
        raise WorkshopError("Enter who owns this action")
    if len(owner) > 120:
        raise WorkshopError("Owner must be 120 characters or fewer")
    agreed = MaturityAgreement.objects.filter(wave=wave, element_id=element_id).first()
    element = load_theory().maturity_elements[element_id]
    if agreed is None or not is_weak(agreed.agreed_level):
        raise NotWeak(f"{element.name} is not agreed as weak in {wave.name}")
    if action_id not in {st.id for st in linked_statements(load_theory(), element_id)}:
        raise NotWeak(f"That action statement is not linked to {element.name}")
    # The wave row is locked so two people adopting at once wait for each other.
    Wave.objects.select_for_update().filter(pk=wave.pk).first()
    item, created = ActionPlanItem.objects.get_or_create(
        collaboration_id=wave.collaboration_id,
        action_id=action_id,
        defaults={"adopted_in": wave, "owner_name": owner, "due_on": due_on},
    )
    return Adoption(item, "added" if created else "already")
