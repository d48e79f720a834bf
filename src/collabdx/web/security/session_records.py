"""Signed-in sessions a facilitator can see and end (ASVS 5.0 V7.5.2).

Every sign-in makes a ``SignedInSession`` row and keeps its id in the session. On
every signed-in request ``FacilitatorGateMiddleware`` asks ``still_signed_in``: a
session whose row is gone (ended from another session, or by a password change)
is signed out there and then. Django rotates the session key at sign-in, at the
second factor and at a password change; the row id travels with the session's
data, so the link survives every rotation.

The row holds two dates and nothing about the device, on purpose: a list of
addresses and browsers would be a record of where each facilitator works from.
The cost is that sessions can only be told apart by those dates and by "this
session"; ending all the others is the reliable way to throw out an unknown one.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.db import transaction
from django.db.models import Q
from django.dispatch import receiver
from django.http import HttpRequest
from django.utils import timezone

from collabdx.web.security.models import SignedInSession

RECORD = "cdx_session_record"


def _today() -> dt.date:
    return timezone.localdate()


def longest_days() -> int:
    """Days a session can span at most (its absolute limit), rounded up."""
    return max(1, math.ceil(int(settings.FACILITATOR_SESSION_HOURS) / 24))


@receiver(user_logged_in, dispatch_uid="collabdx.security.session_records.start")
def _start(sender: object, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    if request is None or not hasattr(request, "session"):
        return
    old = request.session.get(RECORD)
    if old is not None:  # signing in again in the same browser replaces its row
        SignedInSession.objects.filter(pk=old, user=user).delete()
    today = _today()
    row = SignedInSession.objects.create(user=user, created_on=today, last_seen_on=today)
    request.session[RECORD] = row.pk


@receiver(user_logged_out, dispatch_uid="collabdx.security.session_records.stop")
def _stop(sender: object, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    if request is None or user is None or not hasattr(request, "session"):
        return
    SignedInSession.objects.filter(pk=request.session.get(RECORD), user=user).delete()


def still_signed_in(request: HttpRequest) -> bool:
    """False when this session was ended elsewhere; refreshes its last-seen date."""
    user = request.user
    record_id = request.session.get(RECORD)
    today = _today()
    if record_id is None:
        # Signed in before session records existed: give it one rather than sign it out.
        row = SignedInSession.objects.create(user=user, created_on=today, last_seen_on=today)
        request.session[RECORD] = row.pk
        return True
    row = SignedInSession.objects.filter(pk=record_id, user=user).first()
    if row is None:
        return False
    if row.last_seen_on != today:
        SignedInSession.objects.filter(pk=row.pk).update(last_seen_on=today)
    return True


def current_id(request: HttpRequest) -> int | None:
    value = request.session.get(RECORD)
    return value if isinstance(value, int) else None


@dataclass(frozen=True)
class SessionRow:
    id: int
    created_on: dt.date
    last_seen_on: dt.date
    current: bool


def listed(request: HttpRequest) -> list[SessionRow]:
    """The account's sessions that may still be live, this one first."""
    cutoff = _today() - dt.timedelta(days=longest_days())
    mine = current_id(request)
    rows = SignedInSession.objects.filter(
        user=request.user, created_on__gte=cutoff, last_seen_on__gte=cutoff
    ).order_by("-last_seen_on", "-created_on", "-id")
    out = [SessionRow(r.pk, r.created_on, r.last_seen_on, r.pk == mine) for r in rows]
    return sorted(out, key=lambda r: not r.current)


@transaction.atomic
def end_session(request: HttpRequest, record_id: int) -> bool:
    """End one of this account's *other* sessions. False if there is no such session."""
    from collabdx.web.security.events import Kind, record

    if record_id == current_id(request):
        return False
    deleted, _ = SignedInSession.objects.filter(pk=record_id, user=request.user).delete()
    if deleted:
        record(Kind.SESSION_ENDED, request=request, user=request.user)
    return bool(deleted)


@transaction.atomic
def end_other_sessions(request: HttpRequest, *, event: bool = True) -> int:
    """End every session of this account but this one; how many were ended."""
    from collabdx.web.security.events import Kind, record

    others = SignedInSession.objects.filter(user=request.user).exclude(pk=current_id(request))
    deleted, _ = others.delete()
    if event:
        record(Kind.OTHER_SESSIONS_ENDED, request=request, user=request.user,
               detail=f"{deleted} session(s)")  # fmt: skip
    return deleted


def purge_expired(today: dt.date | None = None) -> int:
    """Rows of sessions that cannot be live any more (past the absolute limit)."""
    cutoff = (today or _today()) - dt.timedelta(days=longest_days())
    stale = Q(last_seen_on__lt=cutoff) | Q(created_on__lt=cutoff)
    deleted, _ = SignedInSession.objects.filter(stale).delete()
    return deleted
