"""Forms for the maturity matrix: a participant's private ratings and the agreed level."""

from __future__ import annotations

import secrets
from typing import Any

from django import forms
from django.core.validators import RegexValidator

from collabdx.core.theory import load_theory
from collabdx.web.dateinput import DateInputField
from collabdx.web.workshop.models import LEVEL_CHOICES

# secrets.token_urlsafe(32): 43 URL-safe characters.
FORM_TOKEN_RE = r"^[A-Za-z0-9_-]{43}$"  # noqa: S105 (a pattern, not a secret)
# Fields a rating POST may carry besides the elements.
_EXPECTED = {"form_token", "csrfmiddlewaretoken"}
_INCOMPLETE = "The form was incomplete. Please give your ratings again"


def new_form_token() -> str:
    return secrets.token_urlsafe(32)


class RatingForm(forms.Form):
    """One optional radio group per Table 11 element, plus a one-time form token.

    Field names are the element ids (so the error summary links to each group).
    An empty value means the element is left unrated.
    """

    form_token = forms.CharField(
        widget=forms.HiddenInput,
        validators=[RegexValidator(FORM_TOKEN_RE, message=_INCOMPLETE)],
        error_messages={"required": _INCOMPLETE},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for element in load_theory().maturity_elements.values():
            self.fields[element.id] = forms.ChoiceField(
                choices=LEVEL_CHOICES,
                required=False,
                widget=forms.RadioSelect,
                error_messages={
                    "invalid_choice": (
                        f"Select pathological, bureaucratic or generative for {element.name}, "
                        "or leave it unrated"
                    )
                },
            )

    @property
    def element_ids(self) -> list[str]:
        return list(load_theory().maturity_elements)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        unknown = sorted(set(self.data) - set(self.fields) - _EXPECTED)
        for key in unknown:
            self.add_error(None, f"There is no maturity matrix element called ‘{key[:40]}’")
        if not unknown and not any(data.get(e) for e in self.element_ids):
            rated_invalid = any(e in self.errors for e in self.element_ids)
            if not rated_invalid:
                self.add_error(None, "Rate at least one element before you submit")
        return data

    def ratings(self) -> dict[str, str]:
        """Element id -> level for the elements rated (call after is_valid)."""
        return {e: self.cleaned_data[e] for e in self.element_ids if self.cleaned_data.get(e)}


class AgreementForm(forms.Form):
    """The level a workshop agreed for one element; prefixed with the element id."""

    agreed_level = forms.ChoiceField(choices=LEVEL_CHOICES, widget=forms.RadioSelect)
    rationale = forms.CharField(widget=forms.Textarea, required=False, max_length=5000)
    actions = forms.CharField(widget=forms.Textarea, required=False, max_length=5000)

    def __init__(self, *args: Any, element_name: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agreed_level"].error_messages = {
            "required": f"Select the level the group agreed for {element_name}",
            "invalid_choice": f"Select the level the group agreed for {element_name}",
        }
        too_long = "must be 5,000 characters or fewer"
        self.fields["rationale"].error_messages["max_length"] = (
            f"The rationale for {element_name} {too_long}"
        )
        self.fields["actions"].error_messages["max_length"] = (
            f"The agreed actions for {element_name} {too_long}"
        )


class AdoptActionForm(forms.Form):
    """Adopting one action statement in the workshop: who owns it and by when."""

    owner_name = forms.CharField(
        max_length=120,
        error_messages={
            "required": "Enter who owns this action",
            "max_length": "Owner must be 120 characters or fewer",
        },
    )
    due_on = DateInputField(what="due date")
