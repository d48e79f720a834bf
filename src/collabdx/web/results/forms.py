from __future__ import annotations

from typing import Any

from django import forms

from collabdx.web.collab.models import ActionPlanItem, Wave
from collabdx.web.dateinput import DateInputField

NOT_REVIEWED = ""


class AdoptForm(forms.Form):
    action_id = forms.CharField(max_length=20)


class PlanItemForm(forms.Form):
    owner_name = forms.CharField(
        max_length=120, required=False,
        error_messages={"max_length": "Owner must be 120 characters or fewer"},
    )
    due_on = DateInputField(what="due date", required=False)
    status = forms.ChoiceField(
        choices=ActionPlanItem.STATUSES, widget=forms.RadioSelect,
        error_messages={"required": "Select the status", "invalid_choice": "Select the status"},
    )
    note = forms.CharField(
        widget=forms.Textarea, required=False, max_length=2000,
        error_messages={"max_length": "Note must be 2,000 characters or fewer"},
    )
    reviewed_in = forms.ChoiceField(
        required=False, widget=forms.RadioSelect,
        error_messages={"invalid_choice": "Select a wave of this collaboration"},
    )

    def __init__(self, *args: Any, item: ActionPlanItem, waves: list[Wave], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.waves = {str(w.pk): w for w in waves}
        choices = [(str(w.pk), w.name) for w in waves]
        # collab.services.update_plan_item cannot clear a review once recorded, so
        # "not reviewed yet" is only offered while there is none.
        if item.reviewed_in_id is None:
            choices.append((NOT_REVIEWED, "Not reviewed yet"))
        self.fields["reviewed_in"].choices = choices
        if item.reviewed_in_id is not None:
            self.fields["reviewed_in"].required = True
            self.fields["reviewed_in"].error_messages["required"] = (
                "Select the wave at which this action was reviewed"
            )

    def clean_reviewed_in(self) -> Wave | None:
        value = self.cleaned_data.get("reviewed_in") or NOT_REVIEWED
        return self.waves.get(value)
