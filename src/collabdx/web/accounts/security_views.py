"""Account security pages: confirm your password, your security log, your sessions.

Confirming the password (re-authentication) is throttled like sign-in, by the same
(username, client) counters, so it cannot be used to guess a password faster. Ending
sessions needs a recent password (ASVS 5.0 V7.5.2), as do two-factor changes.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from collabdx.web.accounts.forms import ConfirmPasswordForm
from collabdx.web.accounts.views import next_url, wait_text
from collabdx.web.collab.lifecycle import retention_days
from collabdx.web.forms import error_list
from collabdx.web.security import presenters, reauth, session_records, throttle
from collabdx.web.security.events import Kind, record


def _next(request: HttpRequest) -> str:
    """Where to return after confirming: the page that asked (local only), else the account."""
    if request.POST.get("next") or request.GET.get("next"):
        return next_url(request)
    return reverse("account")


@never_cache
@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def confirm_password(request: HttpRequest) -> HttpResponse:
    user = request.user
    form = ConfirmPasswordForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST" and form.is_valid():
        username = user.get_username()
        client = throttle.client_address(request)
        wait = throttle.wait_seconds(username, client)
        if wait:
            form.add_error(None, f"Too many wrong passwords. Try again in {wait_text(wait)}")
            status = 429
        elif not user.check_password(form.cleaned_data["password"]):
            throttle.record_failure(username, client)
            record(Kind.REAUTH_FAILED, request=request, user=user)
            form.add_error("password", "Your password is not right")
        else:
            reauth.stamp(request)
            request.session.cycle_key()  # a new session key at re-authentication (V7.2.4)
            record(Kind.REAUTHENTICATED, request=request, user=user)
            return redirect(_next(request))
    return render(
        request,
        "accounts/confirm_password.jinja",
        {
            "form": form, "form_errors": error_list(form), "next": _next(request),
            "minutes": reauth.window_seconds() // 60,
        },
        status=status,
    )  # fmt: skip


@never_cache
@login_required
@require_safe
def security_log(request: HttpRequest) -> HttpResponse:
    """The signed-in account's own security events, newest first."""
    page = presenters.page_of(request.user.security_events.all(), request.GET.get("page"))
    return render(
        request,
        "accounts/security_log.jinja",
        {
            "rows": presenters.event_rows(list(page.object_list)),
            "page": page,
            "pagination": presenters.pagination(page, reverse("security_log")),
            "retention_days": retention_days(),
        },
    )


@never_cache
@login_required
@require_POST
@reauth.required(return_to="account")
def session_end(request: HttpRequest, session_pk: int) -> HttpResponse:
    if session_records.end_session(request, session_pk):
        messages.success(request, "That session is signed out.")
    else:
        messages.info(request, "That session had already ended.")
    return redirect(reverse("account") + "#sessions")


@never_cache
@login_required
@require_POST
@reauth.required(return_to="account")
def sessions_end_others(request: HttpRequest) -> HttpResponse:
    ended = session_records.end_other_sessions(request)
    text = "1 other session" if ended == 1 else f"{ended} other sessions"
    messages.success(request, f"Signed out {text}. This one is still signed in.")
    return redirect(reverse("account") + "#sessions")
