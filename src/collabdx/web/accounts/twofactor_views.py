"""Two-factor pages: enrolment (QR code and manual key), verification at sign-in,
recovery codes and turning it off.

Rules that keep the second factor meaningful:

* a session that has passed the password but not the second factor may not
  start or confirm a *new* enrolment when the user already has a device (that
  would replace the device without knowing a code): it is sent to verification;
* every successful verification (or first confirmation) rotates the session key;
* recovery codes are shown once, in the response to the POST that made them,
  with ``Cache-Control: no-store``; only their hashes are stored;
* starting or confirming an enrolment, making recovery codes and turning it off
  need a recent password (``security.reauth``, ASVS 5.0 V7.5.1), and each of them
  signs the account out of its other sessions (V7.4.3).
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import login as otp_login

from collabdx.web.accounts.forms import CodeForm
from collabdx.web.accounts.views import next_url
from collabdx.web.forms import error_list
from collabdx.web.security import reauth, session_records, twofactor


def _must_verify_first(request: HttpRequest) -> bool:
    return twofactor.has_totp(request.user) and not request.user.is_verified()


def _to_verify(request: HttpRequest) -> HttpResponse:
    return redirect(reverse("verify") + "?" + urlencode({"next": next_url(request)}))


def _setup_page(request: HttpRequest, form: CodeForm, status: int = 200) -> HttpResponse:
    device = twofactor.pending_totp(request.user)
    return render(
        request,
        "accounts/two_factor.jinja",
        {
            "form": form,
            "form_errors": error_list(form),
            "pending": device is not None,
            "qr_svg": twofactor.qr_svg(device) if device else "",
            "manual_key": twofactor.manual_key(device) if device else "",
            "has_totp": twofactor.has_totp(request.user),
            "required": settings.REQUIRE_2FA,
            "next": next_url(request),
        },
        status=status,
    )


@never_cache
@login_required
@require_http_methods(["GET", "HEAD"])
def two_factor(request: HttpRequest) -> HttpResponse:
    if _must_verify_first(request):
        return _to_verify(request)
    return _setup_page(request, CodeForm())


@never_cache
@login_required
@require_POST
def two_factor_start(request: HttpRequest) -> HttpResponse:
    if _must_verify_first(request):
        return _to_verify(request)
    if not reauth.recent(request):
        return redirect(reauth.confirm_url(reverse("two_factor")))
    twofactor.start_enrolment(request.user)
    return redirect(reverse("two_factor") + "?" + urlencode({"next": next_url(request)}))


@never_cache
@login_required
@require_POST
def two_factor_confirm(request: HttpRequest) -> HttpResponse:
    if _must_verify_first(request):
        return _to_verify(request)
    if not reauth.recent(request):
        return redirect(reauth.confirm_url(reverse("two_factor")))
    form = CodeForm(request.POST)
    if not form.is_valid():
        return _setup_page(request, form)
    codes = twofactor.confirm_enrolment(request.user, form.cleaned_data["code"], request)
    if codes is None:
        form.add_error("code", "That code is not right. Enter the 6-digit code the app shows now")
        return _setup_page(request, form)
    device = twofactor.confirmed_totp(request.user)
    otp_login(request, device)
    request.session.cycle_key()
    session_records.end_other_sessions(request, event=False)
    return _codes_page(request, codes, first_time=True)


def _codes_page(request: HttpRequest, codes: list[str], *, first_time: bool) -> HttpResponse:
    return render(
        request,
        "accounts/recovery_codes.jinja",
        {"codes": codes, "first_time": first_time, "next": next_url(request)},
    )


@never_cache
@login_required
@require_POST
@reauth.required(return_to="account")
def recovery_codes(request: HttpRequest) -> HttpResponse:
    # The gate middleware has already required a verified session for this page.
    if not twofactor.has_totp(request.user):
        return redirect("two_factor")
    codes = twofactor.new_recovery_codes(request.user, request)
    session_records.end_other_sessions(request, event=False)
    return _codes_page(request, codes, first_time=False)


@never_cache
@login_required
@require_POST
@reauth.required(return_to="account")
def two_factor_disable(request: HttpRequest) -> HttpResponse:
    if settings.REQUIRE_2FA:
        raise Http404("Two-factor authentication is required here")
    form = CodeForm(request.POST)
    if form.is_valid() and twofactor.verify(request.user, form.cleaned_data["code"], request):
        twofactor.turn_off(request.user, request)
        session_records.end_other_sessions(request, event=False)
        messages.success(request, "Two-factor authentication is off.")
    else:
        messages.error(request, "That code is not right, so two-factor authentication is still on.")
    return redirect("account")


@never_cache
@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    user = request.user
    if user.is_verified() or not twofactor.has_totp(user):
        return redirect(next_url(request) if user.is_verified() else reverse("two_factor"))
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = twofactor.verify(user, form.cleaned_data["code"], request)
        if device is not None:
            otp_login(request, device)
            request.session.cycle_key()  # a new session key for the raised privilege
            return redirect(next_url(request))
        form.add_error(
            "code",
            "That code is not right. After several wrong codes you have to wait a little "
            "longer before each try",
        )
    return render(
        request,
        "accounts/verify.jinja",
        {"form": form, "form_errors": error_list(form), "next": next_url(request)},
    )
