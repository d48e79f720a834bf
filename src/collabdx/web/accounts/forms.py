"""Account forms. Password rules follow OWASP ASVS 5.0 (V6.2), see docs/security.md:
at least 12 characters, up to 1,024 allowed (no truncation), no composition rules,
common passwords refused (Django's CommonPasswordValidator list), paste allowed."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

# Generous (ASVS asks for at least 64) but bounded, so nobody can make us hash megabytes.
PASSWORD_MAX = 1024
_TOO_LONG = f"Enter a password of {PASSWORD_MAX:,} characters or fewer"


def _password(required: str) -> forms.CharField:
    return forms.CharField(
        widget=forms.PasswordInput, max_length=PASSWORD_MAX, strip=False,
        error_messages={"required": required, "max_length": _TOO_LONG},
    )  # fmt: skip


class LoginForm(forms.Form):
    username = forms.CharField(max_length=150, error_messages={"required": "Enter your username"})
    password = _password("Enter your password")


class SignupForm(forms.Form):
    username = forms.CharField(
        max_length=150, error_messages={"required": "Choose a username"},
        help_text="Colleagues use this to add you as a co-facilitator.",
    )
    password = _password("Choose a password")
    password.help_text = (
        "At least 12 characters. A few unrelated words make a good one. "
        "Common passwords are refused."
    )

    def clean_username(self) -> str:
        name = self.cleaned_data["username"].strip()
        model = get_user_model()
        # Django's own username rule: letters, digits and @ . + - _ only.
        field = model._meta.get_field(model.USERNAME_FIELD)
        for validator in field.validators:
            validator(name)
        if model.objects.filter(username__iexact=name).exists():
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


class PasswordChangeForm(forms.Form):
    current_password = _password("Enter your current password")
    new_password = _password("Choose a new password")
    new_password.help_text = SignupForm.base_fields["password"].help_text

    def __init__(self, user: object, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        new = data.get("new_password")
        if new:
            try:
                validate_password(str(new), self.user)
            except ValidationError as exc:
                self.add_error("new_password", exc)
        return data


class CodeForm(forms.Form):
    code = forms.CharField(
        max_length=40, strip=True,
        error_messages={"required": "Enter the code", "max_length": "Enter the code"},
    )  # fmt: skip


class ConfirmPasswordForm(forms.Form):
    password = _password("Enter your password")
