"""Facilitator sign-in, sign-out and sign-up. Respondents never have accounts."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib.auth import authenticate, get_user_model, login, logout
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST

from collabdx.web.forms import error_list


class LoginForm(forms.Form):
    username = forms.CharField(max_length=150, error_messages={"required": "Enter your username"})
    password = forms.CharField(
        widget=forms.PasswordInput, error_messages={"required": "Enter your password"}
    )


class SignupForm(forms.Form):
    username = forms.CharField(
        max_length=150, error_messages={"required": "Choose a username"},
        help_text="Colleagues use this to add you as a co-facilitator.",
    )
    password = forms.CharField(
        widget=forms.PasswordInput, error_messages={"required": "Choose a password"},
        help_text="At least 12 characters. Avoid common passwords.",
    )

    def clean_username(self) -> str:
        name = self.cleaned_data["username"].strip()
        if get_user_model().objects.filter(username__iexact=name).exists():
            raise forms.ValidationError("That username is taken. Choose another")
        return name

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if data.get("password") and data.get("username"):
            user = get_user_model()(username=data["username"])
            try:
                validate_password(str(data["password"]), user)
            except ValidationError as exc:
                self.add_error("password", exc)
        return data


def _next_url(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    ok = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return target if ok else settings.LOGIN_REDIRECT_URL


@require_http_methods(["GET", "POST"])
def login_view(request: HttpRequest) -> HttpResponse:
    form = LoginForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = authenticate(
            request,
            username=form.cleaned_data["username"],
            password=form.cleaned_data["password"],
        )
        if user is not None:
            login(request, user)
            return redirect(_next_url(request))
        form.add_error(None, "The username or password is not right")
    return render(
        request,
        "accounts/login.jinja",
        {"form": form, "form_errors": error_list(form), "next": request.GET.get("next", "")},
    )


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    return redirect("login")


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
        return redirect("home")
    return render(
        request, "accounts/signup.jinja", {"form": form, "form_errors": error_list(form)}
    )
