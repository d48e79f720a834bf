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
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone

from collabdx.web.collab import hooks
from collabdx.web.collab.models import Wave
from collabdx.web.security import session_records, throttle
from collabdx.web.security.models import SecurityEvent


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
    responses: int = 0
    receipts: int = 0
    drafts: int = 0
    ratings: int = 0
    rating_receipts: int = 0
    expired_drafts: int = 0
    throttle_counters: int = 0
    sessions: int = 0
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
    """Delete everything past its retention date, in one transaction.

    Each app built on this one deletes its own respondents' data (``hooks.Purger``,
    registered in its ``AppConfig.ready()``: survey responses, receipts and drafts;
    workshop ratings; e-mail invitations), inside this transaction; files on disk
    (kept packs) go once it has committed."""
    today = today or timezone.localdate()
    counts: dict[str, int] = {}
    held: set[int] = set()

    def add(part: hooks.Purge) -> None:
        held.update(part.held)
        for name, n in part.counts.items():
            counts[name] = counts.get(name, 0) + n

    with transaction.atomic():
        ids = [w.pk for w in expired_waves(today)]
        for purge in hooks.purgers():
            add(purge(ids, today))
        counters = throttle.purge_expired(now)
        # Expired sessions still hold a respondent's feedback or a draft's key until
        # deleted (Django leaves that to `clearsessions`): delete them here too.
        sessions, _ = Session.objects.filter(expire_date__lt=now or timezone.now()).delete()
        records = session_records.purge_expired(today)
        events = purge_security_events(now or timezone.now())
    for purge_files in hooks.file_purgers():
        add(purge_files(ids))
    return Purged(
        waves=len(held), throttle_counters=counters, sessions=sessions,
        session_records=records, security_events=events, **counts,
    )  # fmt: skip


def purge_security_events(now: dt.datetime) -> int:
    """Security log events are kept for the retention period, counted from when they
    happened (they are about facilitators' accounts, never about respondents)."""
    cutoff = now - dt.timedelta(days=retention_days())
    deleted, _ = SecurityEvent.objects.filter(at__lt=cutoff).delete()
    return deleted


def waves_holding(ids: list[int], *where: tuple[type[models.Model], str]) -> frozenset[int]:
    """Which of these waves still hold rows of these models (``(model, wave id field)``),
    so a purger can say which waves it found data in."""
    held: set[int] = set()
    for model, field in where:
        held.update(
            model._default_manager.filter(**{f"{field}__in": ids}).values_list(field, flat=True)
        )
    return frozenset(held)
