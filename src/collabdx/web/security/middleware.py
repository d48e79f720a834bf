"""Two middlewares: the facilitator gate and the default cache headers.

``FacilitatorGateMiddleware`` (after auth, OTP and messages middleware), for a
signed-in user only:

1. ends the session past its idle or absolute limit (``sessions.py``), or ended
   from another session (``session_records.py``);
2. when a second factor is needed (``COLLABDX_REQUIRE_2FA``, or the user turned
   it on) and this session has not passed it, sends every page except a short
   allow-list to verification (or to enrolment when there is no device yet).
   The allow-list names what an unverified session may reach: sign-out, the
   two-factor pages, and the public and respondent pages. Everything else is
   closed by default, so a new facilitator URL is protected without anyone
   remembering to protect it.

``NoStoreMiddleware`` marks every dynamic response ``Cache-Control: no-store``
unless the view chose its own caching: pages show answers, results, links and
tokens, which must not stay in a shared computer's cache or a proxy. Static
files are served by WhiteNoise earlier in the chain and keep their long caching.
It also sends a Permissions-Policy that switches off powerful browser features
the service never uses.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from collabdx.web.security import session_records, sessions, twofactor

# URL names an unverified, signed-in session may still use.
UNVERIFIED_ALLOWED = frozenset(
    {
        "logout",
        "two_factor",
        "two_factor_start",
        "two_factor_confirm",
        "verify",
        # Enrolment asks for a recent password (reauth.py); confirming it reveals nothing.
        "confirm_password",
        "about",
        "privacy",
        "accessibility",
        "workshop:rate",
        "workshop:thanks",
    }
)
# Whole namespaces that never show facilitator data: respondents and the theory.
UNVERIFIED_ALLOWED_NAMESPACES = frozenset({"survey", "explorer"})

PERMISSIONS_POLICY = (
    "camera=(), microphone=(), geolocation=(), payment=(), usb=(), "
    "interest-cohort=(), browsing-topics=()"
)


def allowed_unverified(view_name: str) -> bool:
    namespace = view_name.rpartition(":")[0]
    return view_name in UNVERIFIED_ALLOWED or namespace in UNVERIFIED_ALLOWED_NAMESPACES


def _to(name: str, request: HttpRequest) -> HttpResponse:
    target = reverse(name)
    if request.method in ("GET", "HEAD"):
        target += "?" + urlencode({"next": request.get_full_path()})
    return redirect(target)


class FacilitatorGateMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view: Callable[..., Any], args: Any, kwargs: Any
    ) -> HttpResponse | None:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        if sessions.expired(request.session):
            logout(request)
            messages.info(request, "You were signed out because the session timed out.")
            return _to("login", request)
        if not session_records.still_signed_in(request):
            # Ended from another session ("sign out everywhere else", a password change).
            logout(request)
            messages.info(request, "You were signed out from another session.")
            return _to("login", request)
        sessions.touch(request.session)
        match = request.resolver_match
        view_name = match.view_name if match else ""
        if allowed_unverified(view_name) or not twofactor.required_for(user):
            return None
        if user.is_verified():
            return None
        if twofactor.has_totp(user):
            return _to("verify", request)
        return _to("two_factor", request)


class NoStoreMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not response.has_header("Cache-Control"):
            response["Cache-Control"] = "no-store, private"
        elif "no-store" not in response["Cache-Control"] and request.user.is_authenticated:
            # A signed-in page never goes to a shared cache, whatever the view said.
            response["Cache-Control"] = "no-store, private"
        response.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response
