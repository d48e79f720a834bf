from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib.auth import get_user_model

from collabdx.core.instruments import available, load_instrument
from collabdx.core.theory import load_theory


def type_choices() -> list[tuple[str, str]]:
    return [(t.id, t.name) for t in load_theory().collaboration_types.values()]


def stage_choices() -> list[tuple[str, str]]:
    return [(s.id, s.name) for s in load_theory().life_cycle_stages.values()]


def instrument_choices() -> list[tuple[str, str]]:
    out = []
    for iid, version in available():
        ins = load_instrument(iid, version)
        label = f"{ins.title} (version {version})"
        if ins.derived:
            label += " – derived from the report, not validated"
        out.append((f"{iid}:{version}", label))
    # The seed's survey first: it is the one most people want.
    return sorted(out, key=lambda c: not c[0].startswith("readiness:"))


YES_NO = [("yes", "Yes"), ("no", "No")]


class CollaborationForm(forms.Form):
    name = forms.CharField(
        max_length=200, error_messages={"required": "Enter the collaboration's name"}
    )
    collaboration_type = forms.ChoiceField(
        choices=type_choices, widget=forms.RadioSelect,
        error_messages={"required": "Select the type of collaboration"},
    )
    mandated = forms.ChoiceField(
        choices=[("mandated", "Mandated"), ("voluntary", "Voluntary")], widget=forms.RadioSelect,
        error_messages={"required": "Select whether the collaboration is mandated or voluntary"},
    )
    cross_sector = forms.ChoiceField(
        choices=YES_NO, widget=forms.RadioSelect,
        error_messages={"required": "Select whether the collaboration is cross-sector"},
    )
    life_cycle_stage = forms.ChoiceField(
        choices=stage_choices, widget=forms.RadioSelect,
        error_messages={"required": "Select the collaboration's life-cycle stage"},
    )
    partners = forms.CharField(
        widget=forms.Textarea, required=False,
        help_text="One organisation per line. You can add more later.",
    )

    def __init__(self, *args: object, require_partners: bool = True, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.require_partners = require_partners

    def clean_partners(self) -> list[str]:
        names = [line.strip() for line in self.cleaned_data["partners"].splitlines()]
        names = [n for n in names if n]
        too_long = [n for n in names if len(n) > 200]
        if too_long:
            raise forms.ValidationError("Each partner name must be 200 characters or fewer")
        if self.require_partners and len(names) < 2:
            raise forms.ValidationError(
                "Enter at least two partner organisations, one per line"
            )
        return names


class PartnerForm(forms.Form):
    name = forms.CharField(
        max_length=200, error_messages={"required": "Enter the partner organisation's name"}
    )


ROLE_CHOICES = [
    ("cofacilitator", "Co-facilitator"),
    ("viewer", "Viewer"),
]
ROLE_HINTS = {
    "cofacilitator": "Can run the collaboration: change its details, open and close waves, "
    "share the survey links, run the workshop, keep the action plan and download the data.",
    "viewer": "Can read the collaboration, its results, trends and action plan, and download "
    "the workshop pack. Cannot change anything, see the survey links or download the data.",
}


class RoleForm(forms.Form):
    role = forms.ChoiceField(
        choices=ROLE_CHOICES, widget=forms.RadioSelect,
        error_messages={"required": "Select a role", "invalid_choice": "Select a role"},
    )  # fmt: skip


class MemberForm(RoleForm):
    field_order = ("username", "role")
    username = forms.CharField(
        max_length=150, error_messages={"required": "Enter the facilitator's username"}
    )

    def clean_username(self) -> object:
        name = self.cleaned_data["username"].strip()
        user = get_user_model().objects.filter(username__iexact=name).first()
        if user is None:
            raise forms.ValidationError(
                "There is no facilitator account with that username. Check the spelling: "
                "they need an account first"
            )
        return user


class WaveForm(forms.Form):
    name = forms.CharField(max_length=120, error_messages={"required": "Enter a name for the wave"})
    instrument = forms.ChoiceField(
        choices=instrument_choices, widget=forms.RadioSelect,
        error_messages={"required": "Select the survey to use"},
    )
    opens_on = forms.DateField(
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"required": "Enter the opening date", "invalid": "Enter a real date"},
    )
    closes_on = forms.DateField(
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"required": "Enter the closing date", "invalid": "Enter a real date"},
    )

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        opens, closes = data.get("opens_on"), data.get("closes_on")
        if isinstance(opens, dt.date) and isinstance(closes, dt.date) and closes < opens:
            self.add_error("closes_on", "The closing date must be on or after the opening date")
        return data


class EventForm(forms.Form):
    from collabdx.web.collab.models import Event

    happened_on = forms.DateField(
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"required": "Enter the date of the event", "invalid": "Enter a real date"},
    )
    kind = forms.ChoiceField(
        choices=Event.KINDS, widget=forms.RadioSelect,
        error_messages={"required": "Select the kind of event"},
    )
    description = forms.CharField(
        max_length=300, error_messages={"required": "Describe the event in a few words"}
    )
