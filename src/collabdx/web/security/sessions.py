"""Facilitator session limits: an idle timeout and an absolute lifetime.

Respondents' sessions (save and resume, workshop "already rated") keep Django's
long SESSION_COOKIE_AGE so a draft survives a few weeks; a *signed-in* session
is shorter: it ends after ``FACILITATOR_IDLE_MINUTES`` without a request and
``FACILITATOR_SESSION_HOURS`` after sign-in, whatever happens. Django itself
rotates the session key at sign-in (``login``) and deletes the session at
sign-out (``logout``).
"""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpRequest

AUTH_AT = "cdx_auth_at"  # when the password was checked (epoch seconds)
SEEN_AT = "cdx_seen_at"  # last request, refreshed at most every SEEN_GRANULARITY
SEEN_GRANULARITY = 60  # seconds: do not write the session on every request


def idle_seconds() -> int:
    return int(settings.FACILITATOR_IDLE_MINUTES) * 60


def max_seconds() -> int:
    return int(settings.FACILITATOR_SESSION_HOURS) * 3600


@receiver(user_logged_in)
def stamp_sign_in(sender: object, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    if request is None or not hasattr(request, "session"):
        return
    now = int(time.time())
    request.session[AUTH_AT] = now
    request.session[SEEN_AT] = now
    # The cookie itself goes when the session can no longer be valid.
    request.session.set_expiry(max_seconds())


def expired(session: Any, now: int | None = None) -> bool:
    """True when a signed-in session is past either limit, or was never stamped."""
    now = int(time.time()) if now is None else now
    auth_at, seen_at = session.get(AUTH_AT), session.get(SEEN_AT)
    if not isinstance(auth_at, int) or not isinstance(seen_at, int):
        return True
    return now - auth_at > max_seconds() or now - seen_at > idle_seconds()


def touch(session: Any, now: int | None = None) -> None:
    now = int(time.time()) if now is None else now
    if now - int(session.get(SEEN_AT, 0)) >= SEEN_GRANULARITY:
        session[SEEN_AT] = now
