from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.contrib.auth import get_user_model

from collabdx.core.instruments import available, load_instrument
from collabdx.core.theory import load_theory
from collabdx.web.collab.models import Event
from collabdx.web.dateinput import DateInputField


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


# The collaboration's set-up and details, one question page each (NHS "question pages"):
# the one long form was 4,600 pixels tall on a phone (issue 17). collab/setup.py runs them.


class NameForm(forms.Form):
    name = forms.CharField(
        max_length=200,
        error_messages={
            "required": "Enter the collaboration's name",
            "max_length": "The name must be 200 characters or fewer",
        },
    )


class PartnersForm(forms.Form):
    partners = forms.CharField(widget=forms.Textarea, required=False)

    def clean_partners(self) -> list[str]:
        """One name per line, spaces tidied; the same name twice (ignoring case) once,
        as the check page should show what will be created."""
        names: dict[str, str] = {}
        for line in self.cleaned_data["partners"].splitlines():
            name = " ".join(line.split())
            if name:
                names.setdefault(name.casefold(), name)
        if any(len(n) > 200 for n in names.values()):
            raise forms.ValidationError("Each partner name must be 200 characters or fewer")
        if len(names) < 2:
            raise forms.ValidationError("Enter at least two partner organisations, one per line")
        return list(names.values())


class TypeForm(forms.Form):
    collaboration_type = forms.ChoiceField(
        choices=type_choices, widget=forms.RadioSelect,
        error_messages={"required": "Select the type of collaboration"},
    )


class AboutForm(forms.Form):
    mandated = forms.ChoiceField(
        choices=[("mandated", "Mandated"), ("voluntary", "Voluntary")], widget=forms.RadioSelect,
        error_messages={"required": "Select whether the collaboration is mandated or voluntary"},
    )
    cross_sector = forms.ChoiceField(
        choices=YES_NO, widget=forms.RadioSelect,
        error_messages={"required": "Select whether the collaboration is cross-sector"},
    )


class StageForm(forms.Form):
    life_cycle_stage = forms.ChoiceField(
        choices=stage_choices, widget=forms.RadioSelect,
        error_messages={"required": "Select the collaboration's life-cycle stage"},
    )


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
    opens_on = DateInputField(what="opening date")
    closes_on = DateInputField(what="closing date")

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        opens, closes = data.get("opens_on"), data.get("closes_on")
        if isinstance(opens, dt.date) and isinstance(closes, dt.date) and closes < opens:
            self.add_error(
                "closes_on", "Closing date must be the same as or after the opening date"
            )
        return data


class EventForm(forms.Form):
    happened_on = DateInputField(what="date of the event")
    kind = forms.ChoiceField(
        choices=Event.KINDS, widget=forms.RadioSelect,
        error_messages={"required": "Select the kind of event"},
    )
    description = forms.CharField(
        max_length=300, error_messages={"required": "Describe the event in a few words"}
    )


LEAVE_OUT = "leave-out"


def _folded(name: str) -> str:
    return " ".join(name.split()).casefold()


class OrganisationMappingForm(forms.Form):
    """One dropdown per organisation value in an uploaded file: a partner, or
    'leave these responses out'. A value that matches a partner's name (ignoring case
    and spacing) starts on that partner; any other starts on 'Choose', so nothing is
    sent anywhere, or dropped, without the facilitator saying so."""

    def __init__(
        self, data: Any, *, values: list[str], partners: list[tuple[int, str]]
    ) -> None:
        super().__init__(data)
        self.values = values
        choices = [("", "Choose")] + [(str(pk), name) for pk, name in partners]
        choices.append((LEAVE_OUT, "Leave these responses out"))
        by_name = {_folded(name): str(pk) for pk, name in partners}
        for index, value in enumerate(values):
            shown = value or "No organisation given"
            self.fields[f"org_{index}"] = forms.ChoiceField(
                choices=choices,
                label=shown,
                error_messages={
                    "required": f"Choose a partner for ‘{shown}’, or choose to leave "
                    "these responses out",
                    "invalid_choice": f"Choose a partner for ‘{shown}’ from the list",
                },
            )
            self.initial[f"org_{index}"] = by_name.get(_folded(value), "") if value else ""

    def mapping(self) -> dict[str, int | None]:
        out: dict[str, int | None] = {}
        for index, value in enumerate(self.values):
            chosen = self.cleaned_data[f"org_{index}"]
            out[value] = None if chosen == LEAVE_OUT else int(chosen)
        return out
