"""Sign-in, sign-out, sign-up, the account page and password change.

Sign-in checks the throttle *before* the password (``security.throttle``), so a
blocked (username, client) pair gets no answer about the password at all. After
the password, facilitators who need a second factor go to verification (or to
enrolment); ``security.middleware`` keeps every facilitator page closed until then.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, get_user_model, login, logout
from django.contrib.auth import update_session_auth_hash as keep_this_session
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from collabdx.web.accounts.forms import LoginForm, PasswordChangeForm, SignupForm
from collabdx.web.forms import error_list
from collabdx.web.security import session_records, throttle, twofactor
from collabdx.web.security.events import Kind, record, sign_in_blocked
from collabdx.web.security.presenters import date_text


def next_url(request: HttpRequest) -> str:
    """Where to go after signing in: a local path only (no open redirect)."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    ok = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return target if ok else reverse(settings.LOGIN_REDIRECT_URL)


def after_password(request: HttpRequest, target: str) -> HttpResponse:
    """Send a freshly signed-in user on to the second factor when they need one."""
    user = request.user
    if twofactor.has_totp(user):
        return redirect(reverse("verify") + "?" + urlencode({"next": target}))
    if settings.REQUIRE_2FA:
        return redirect(reverse("two_factor") + "?" + urlencode({"next": target}))
    return redirect(target)


def wait_text(seconds: int) -> str:
    minutes = max(1, -(-seconds // 60))
    return "1 minute" if minutes == 1 else f"{minutes} minutes"


@never_cache
@require_http_methods(["GET", "POST"])
def login_view(request: HttpRequest) -> HttpResponse:
    form = LoginForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        username = form.cleaned_data["username"]
        client = throttle.client_address(request)
        wait = throttle.wait_seconds(username, client)
        if wait:
            # Same words whether or not the account exists.
            form.add_error(
                None,
                "There have been too many attempts to sign in to this account. "
                f"Try again in {wait_text(wait)}",
            )
            status = 429
            sign_in_blocked(request, username)
        else:
            user = authenticate(request, username=username, password=form.cleaned_data["password"])
            if user is not None:
                throttle.record_success(username, client)
                login(request, user)  # Django rotates the session key here
                return after_password(request, next_url(request))
            throttle.record_failure(username, client)
            form.add_error(None, "The username or password is not right")
    return render(
        request,
        "accounts/login.jinja",
        {"form": form, "form_errors": error_list(form), "next": request.GET.get("next", "")},
        status=status,
    )


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)  # deletes the session server-side, not just the cookie
    response = redirect("login")
    # Ask the browser to drop what it kept of the signed-in pages on a shared computer.
    response["Clear-Site-Data"] = '"cache", "storage"'
    return response


@never_cache
@require_http_methods(["GET", "POST"])
def signup_view(request: HttpRequest) -> HttpResponse:
    if not settings.ALLOW_SIGNUP:
        raise Http404("Sign-up is switched off")
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = get_user_model().objects.create_user(
            username=form.cleaned_data["username"], password=form.cleaned_data["password"]
        )
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        return after_password(request, reverse("home"))
    return render(
        request,
        "accounts/signup.jinja",
        {"form": form, "form_errors": error_list(form), "require_2fa": settings.REQUIRE_2FA},
    )


@never_cache
@login_required
@require_safe
def account(request: HttpRequest) -> HttpResponse:
    user = request.user
    return render(
        request,
        "accounts/account.jinja",
        {
            "has_totp": twofactor.has_totp(user),
            "required": settings.REQUIRE_2FA,
            "codes_left": twofactor.recovery_codes_left(user),
            **account_security_context(request),
        },
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def password_change(request: HttpRequest) -> HttpResponse:
    user = request.user
    form = PasswordChangeForm(user, request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        username = user.get_username()
        client = throttle.client_address(request)
        wait = throttle.wait_seconds(username, client)
        if wait:
            form.add_error(None, f"Too many wrong passwords. Try again in {wait_text(wait)}")
            status = 429
        elif not user.check_password(form.cleaned_data["current_password"]):
            throttle.record_failure(username, client)
            form.add_error("current_password", "Your current password is not right")
        else:
            user.set_password(form.cleaned_data["new_password"])
            user.save(update_fields=["password"])
            # This session stays signed in (with a new key); every other session of
            # this user is signed out, because their stored password hash changed.
            keep_this_session(request, user)
            password_changed(request)
            messages.success(request, "Your password has been changed.")
            return redirect("account")
    return render(
        request,
        "accounts/password_change.jinja",
        {"form": form, "form_errors": error_list(form)},
        status=status,
    )


def account_security_context(request: HttpRequest) -> dict[str, object]:
    """The account page's list of signed-in sessions (security.session_records)."""
    rows = [
        {"id": r.id, "current": r.current, "created": date_text(r.created_on),
         "seen": date_text(r.last_seen_on)}
        for r in session_records.listed(request)
    ]  # fmt: skip
    return {"sessions": rows, "session_hours": settings.FACILITATOR_SESSION_HOURS,
            "idle_minutes": settings.FACILITATOR_IDLE_MINUTES}  # fmt: skip


def password_changed(request: HttpRequest) -> None:
    """After a password change: the other sessions are already signed out by Django
    (their stored password hash no longer matches), so drop their rows from the list;
    record the change; and count the new password as a fresh authentication."""
    from collabdx.web.security import reauth

    session_records.end_other_sessions(request, event=False)
    record(Kind.PASSWORD_CHANGED, request=request, user=request.user)
    reauth.stamp(request)
