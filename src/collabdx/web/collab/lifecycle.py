"""Data lifecycle: retention of respondents' data, and deleting what has expired.

Retention (``settings.RETENTION_DAYS``, default 365): a wave's responses, their
submission receipts, any drafts still on its links, and its private maturity
ratings (with their receipts) are deleted once the wave has been closed for that
many days. What stays is the facilitators' own record, which holds nothing a
respondent gave: the wave's name and dates, the partner links (they now say the
survey has closed), the levels the workshop agreed, events and the action plan.

``purge_expired`` also deletes expired save-and-resume drafts, expired sign-in
throttle counters, expired sessions (and the rows that list signed-in sessions),
and security log events older than the retention period. It is idempotent: run it daily (``manage.py
purge_expired``); a second run the same day deletes nothing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from collabdx.web.collab.models import Wave


def retention_days() -> int:
    return int(settings.RETENTION_DAYS)


def delete_after(wave: Wave) -> dt.date:
    """The first day on which the wave's responses and ratings are gone."""
    return wave.last_day + dt.timedelta(days=retention_days() + 1)


def expired_waves(today: dt.date) -> list[Wave]:
    """Waves that closed (as planned, or early) more than RETENTION_DAYS days before
    ``today``."""
    cutoff = today - dt.timedelta(days=retention_days())
    return list(
        Wave.objects.filter(
            Q(closed_on__isnull=True, closes_on__lt=cutoff) | Q(closed_on__lt=cutoff)
        )
    )


@dataclass(frozen=True)
class Purged:
    waves: int
    responses: int
    receipts: int
    drafts: int
    ratings: int
    rating_receipts: int
    expired_drafts: int
    throttle_counters: int
    sessions: int
    session_records: int = 0
    security_events: int = 0
    addresses: int = 0  # e-mail invitations' addresses of waves past their closing date
    packs: int = 0

    def total(self) -> int:
        return (
            self.responses + self.receipts + self.drafts + self.ratings
            + self.rating_receipts + self.expired_drafts + self.throttle_counters + self.sessions
            + self.session_records + self.security_events + self.packs
        )  # fmt: skip


def purge_expired(today: dt.date | None = None, now: dt.datetime | None = None) -> Purged:
    """Delete everything past its retention date, in one transaction."""
    from collabdx.web.invitations.models import Invitation
    from collabdx.web.invitations.services import forget_addresses_of_closed_waves
    from collabdx.web.results.pack_files import delete_packs
    from collabdx.web.security import session_records, throttle
    from collabdx.web.survey.models import Draft, Response, SubmissionReceipt
    from collabdx.web.survey.services import purge_expired_drafts
    from collabdx.web.workshop.models import MaturityRating, RatingReceipt

    today = today or timezone.localdate()
    with transaction.atomic():
        waves = expired_waves(today)
        ids = [w.pk for w in waves]
        held = _waves_holding_data(ids)
        responses, _ = Response.objects.filter(wave_id__in=ids).delete()
        receipts, _ = SubmissionReceipt.objects.filter(wave_id__in=ids).delete()
        drafts, _ = Draft.objects.filter(link__wave_id__in=ids).delete()
        ratings, _ = MaturityRating.objects.filter(wave_id__in=ids).delete()
        rating_receipts, _ = RatingReceipt.objects.filter(wave_id__in=ids).delete()
        expired_drafts = purge_expired_drafts(today)
        counters = throttle.purge_expired(now)
        # Expired sessions still hold a respondent's feedback or a draft's key until
        # deleted (Django leaves that to `clearsessions`): delete them here too.
        sessions, _ = Session.objects.filter(expire_date__lt=now or timezone.now()).delete()
        records = session_records.purge_expired(today)
        events = purge_security_events(now or timezone.now())
        # A wave that closed on its planned date (no click on "Close") keeps its
        # addresses until this daily run; its invitations go with its responses.
        addresses = forget_addresses_of_closed_waves(today)
        Invitation.objects.filter(wave_id__in=ids).delete()
    # Kept workshop pack PDFs and exports hold the wave's figures: they go with its responses.
    packs = delete_packs(ids)
    return Purged(
        waves=len(held), responses=responses, receipts=receipts, drafts=drafts,
        ratings=ratings, rating_receipts=rating_receipts, expired_drafts=expired_drafts,
        throttle_counters=counters, sessions=sessions, session_records=records,
        security_events=events, addresses=addresses, packs=packs,
    )  # fmt: skip


def purge_security_events(now: dt.datetime) -> int:
    """Security log events are kept for the retention period, counted from when they
    happened (they are about facilitators' accounts, never about respondents)."""
    from collabdx.web.security.models import SecurityEvent

    cutoff = now - dt.timedelta(days=retention_days())
    deleted, _ = SecurityEvent.objects.filter(at__lt=cutoff).delete()
    return deleted


def _waves_holding_data(ids: list[int]) -> set[int]:
    """Which of these waves still hold respondents' data (so a re-run reports 0)."""
    from collabdx.web.survey.models import Draft, Response, SubmissionReceipt
    from collabdx.web.workshop.models import MaturityRating, RatingReceipt

    held: set[int] = set()
    for model, field in (
        (Response, "wave_id"), (SubmissionReceipt, "wave_id"), (Draft, "link__wave_id"),
        (MaturityRating, "wave_id"), (RatingReceipt, "wave_id"),
    ):  # fmt: skip
        held.update(model.objects.filter(**{f"{field}__in": ids}).values_list(field, flat=True))
    return held
