"""The security event log (ASVS 5.0 V16): what happened to an account or a collaboration.

``record`` writes one ``SecurityEvent`` row (inside the caller's transaction, so a
wave close and its event are stored together or not at all) and the same event,
without any detail a person typed, to the ``collabdx.security`` logger, so an
operator can ship it to a separate log store (V16.4.3).

What is recorded, and what never is:

* account events (sign-in, failures, lockouts, second factor, password, sessions)
  go to the account they concern, shown to its holder on "Your security log";
* collaboration events (downloads, wave closes, access changes, refused access) go
  to the collaboration, shown to its owner;
* never anything about respondents (no survey or rating page records an event),
  never an address (``client`` is a keyed hash, like the sign-in throttle's), never
  a password or code, never a username typed at sign-in that matches no account.
"""

from __future__ import annotations

import logging
from enum import StrEnum
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest
from django.utils import timezone
from django.utils.crypto import salted_hmac

from collabdx.web.security.models import SecurityEvent

logger = logging.getLogger("collabdx.security")

_CLIENT_SALT = "collabdx.web.security.events.client"


class Kind(StrEnum):
    SIGNED_IN = "signed_in"
    SIGN_IN_FAILED = "sign_in_failed"
    SIGN_IN_BLOCKED = "sign_in_blocked"
    SIGNED_OUT = "signed_out"
    SECOND_FACTOR_PASSED = "second_factor_passed"
    SECOND_FACTOR_FAILED = "second_factor_failed"
    RECOVERY_CODE_USED = "recovery_code_used"
    TWO_FACTOR_ON = "two_factor_on"
    TWO_FACTOR_OFF = "two_factor_off"
    RECOVERY_CODES_MADE = "recovery_codes_made"
    PASSWORD_CHANGED = "password_changed"  # noqa: S105 - an event name, not a password
    REAUTHENTICATED = "reauthenticated"
    REAUTH_FAILED = "reauth_failed"
    SESSION_ENDED = "session_ended"
    OTHER_SESSIONS_ENDED = "other_sessions_ended"
    COLLABORATION_DELETED = "collaboration_deleted"
    DOWNLOAD = "download"
    WAVE_CLOSED = "wave_closed"
    RESPONSES_UPLOADED = "responses_uploaded"
    MEMBER_ADDED = "member_added"
    MEMBER_REMOVED = "member_removed"
    ROLE_CHANGED = "role_changed"
    ACCESS_REFUSED = "access_refused"


LABELS: dict[str, str] = {
    Kind.SIGNED_IN: "Signed in with password",
    Kind.SIGN_IN_FAILED: "Wrong password at sign-in",
    Kind.SIGN_IN_BLOCKED: "Sign-in refused: too many attempts",
    Kind.SIGNED_OUT: "Signed out",
    Kind.SECOND_FACTOR_PASSED: "Two-factor code accepted",
    Kind.SECOND_FACTOR_FAILED: "Wrong two-factor code",
    Kind.RECOVERY_CODE_USED: "Recovery code used",
    Kind.TWO_FACTOR_ON: "Two-factor authentication set up",
    Kind.TWO_FACTOR_OFF: "Two-factor authentication turned off",
    Kind.RECOVERY_CODES_MADE: "New recovery codes made",
    Kind.PASSWORD_CHANGED: "Password changed",
    Kind.REAUTHENTICATED: "Password confirmed",
    Kind.REAUTH_FAILED: "Wrong password when confirming",
    Kind.SESSION_ENDED: "Another session signed out",
    Kind.OTHER_SESSIONS_ENDED: "Signed out everywhere else",
    Kind.COLLABORATION_DELETED: "Collaboration deleted",
    Kind.DOWNLOAD: "Download",
    Kind.WAVE_CLOSED: "Wave closed",
    Kind.RESPONSES_UPLOADED: "Responses uploaded from a file",
    Kind.MEMBER_ADDED: "Access given",
    Kind.MEMBER_REMOVED: "Access removed",
    Kind.ROLE_CHANGED: "Role changed",
    Kind.ACCESS_REFUSED: "Access refused",
}


def client_tag(request: HttpRequest | None) -> str:
    """A keyed hash of the client's address (12 hex characters), never the address."""
    if request is None:
        return ""
    from collabdx.web.security.throttle import client_address

    address = client_address(request)
    if not address:
        return ""
    return salted_hmac(_CLIENT_SALT, address, algorithm="sha256").hexdigest()[:12]


def record(
    kind: Kind,
    *,
    request: HttpRequest | None = None,
    user: Any = None,
    collaboration: Any = None,
    actor: Any = None,
    detail: str = "",
) -> SecurityEvent:
    """Store one event. ``user``: the account it concerns; ``collaboration``: the
    collaboration it concerns; ``actor``: who did it (default: the signed-in user)."""
    if actor is None and request is not None:
        signed_in = getattr(request, "user", None)
        actor = signed_in if getattr(signed_in, "is_authenticated", False) else None
    event = SecurityEvent.objects.create(
        at=timezone.now(),
        kind=str(kind),
        user=user,
        collaboration=collaboration,
        actor=actor,
        actor_name=actor.get_username() if actor is not None else "",
        detail=detail[:300],
        client=client_tag(request),
    )
    logger.info(
        "security event %s user=%s collaboration=%s actor=%s",
        kind, getattr(user, "pk", None), getattr(collaboration, "pk", None),
        getattr(actor, "pk", None),
    )  # fmt: skip
    return event


def account_for(username: str) -> Any:
    """The account a sign-in attempt named, or None (then nothing is stored)."""
    model = get_user_model()
    try:
        return model._default_manager.get_by_natural_key(username)
    except model.DoesNotExist:
        return None


# Django sends these for every sign-in, failure and sign-out, whichever view did it.


@receiver(user_logged_in, dispatch_uid="collabdx.security.events.signed_in")
def _signed_in(sender: object, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    record(Kind.SIGNED_IN, request=request, user=user, actor=user)


@receiver(user_login_failed, dispatch_uid="collabdx.security.events.sign_in_failed")
def _sign_in_failed(
    sender: object, credentials: dict[str, Any], request: HttpRequest | None = None,
    **kwargs: Any,
) -> None:  # fmt: skip
    account = account_for(str(credentials.get("username", "")))
    if account is None:
        logger.info("security event %s for no account", Kind.SIGN_IN_FAILED)
        return
    record(Kind.SIGN_IN_FAILED, request=request, user=account, actor=account)


@receiver(user_logged_out, dispatch_uid="collabdx.security.events.signed_out")
def _signed_out(sender: object, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    if user is not None:
        record(Kind.SIGNED_OUT, request=request, user=user, actor=user)


def sign_in_blocked(request: HttpRequest, username: str) -> None:
    """A sign-in refused by the throttle, before any password check (a lockout)."""
    account = account_for(username)
    if account is None:
        logger.info("security event %s for no account", Kind.SIGN_IN_BLOCKED)
        return
    record(Kind.SIGN_IN_BLOCKED, request=request, user=account, actor=account)
