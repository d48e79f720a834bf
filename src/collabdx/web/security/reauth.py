"""Re-authentication: a recent password check before changing how an account signs in.

ASVS 5.0 V7.5.1 asks for full re-authentication before changing multi-factor
settings, and V7.5.2 for authenticating again before ending sessions. A password
checked at sign-in, at a password change or on the "confirm your password" page
counts for ``REAUTH_MINUTES``; after that those pages send the user to confirm it.
The time is kept in the session, so it belongs to this browser only.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

REAUTH_AT = "cdx_reauth_at"


def window_seconds() -> int:
    return int(getattr(settings, "REAUTH_MINUTES", 10)) * 60


def stamp(request: HttpRequest, now: int | None = None) -> None:
    request.session[REAUTH_AT] = int(time.time()) if now is None else now


def recent(request: HttpRequest, now: int | None = None) -> bool:
    at = request.session.get(REAUTH_AT)
    now = int(time.time()) if now is None else now
    return isinstance(at, int) and 0 <= now - at <= window_seconds()


@receiver(user_logged_in, dispatch_uid="collabdx.security.reauth.stamp")
def _signed_in(sender: object, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    # Signing in with the password is itself a fresh authentication.
    if request is not None and hasattr(request, "session"):
        stamp(request)


def confirm_url(next_path: str) -> str:
    return reverse("confirm_password") + "?" + urlencode({"next": next_path})


View = Callable[..., HttpResponse]


def required(return_to: str) -> Callable[[View], View]:
    """Send the user to confirm their password first unless they did so recently.

    ``return_to`` (a URL name) is where they come back to afterwards: a POST cannot be
    replayed after a redirect, so they land on the page that has the button and press
    it again.
    """

    def decorate(view: View) -> View:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not recent(request):
                target = request.get_full_path() if request.method == "GET" else reverse(return_to)
                return redirect(confirm_url(target))
            return view(request, *args, **kwargs)

        return wrapped

    return decorate
