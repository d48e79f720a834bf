"""The facilitator's invitation forms: who to invite (pasted or a CSV file) and codes."""

from __future__ import annotations

from typing import Any

from django import forms

from collabdx.web.collab.models import Partner
from collabdx.web.invitations import addresses
from collabdx.web.invitations.services import MAX_CODES

MAX_FILE_BYTES = 1024 * 1024


def partner_choices(partners: list[Partner]) -> list[tuple[str, str]]:
    return [(str(p.pk), p.name) for p in partners]


class InviteForm(forms.Form):
    partner = forms.ChoiceField(
        error_messages={"required": "Select the partner these people work for"}
    )
    addresses = forms.CharField(required=False, widget=forms.Textarea)
    file = forms.FileField(required=False)

    def __init__(self, partners: list[Partner], *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["partner"].choices = partner_choices(partners)
        self.parsed: list[str] = []

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        pasted = (data.get("addresses") or "").strip()
        upload = data.get("file")
        if pasted and upload:
            raise forms.ValidationError(
                "Paste the addresses or choose a file, not both", code="both"
            )
        if upload:
            if upload.size > MAX_FILE_BYTES:
                self.add_error("file", "The file must be smaller than 1 MB")
                return data
            try:
                text = upload.read().decode("utf-8-sig")
            except UnicodeDecodeError:
                self.add_error("file", "The file must be a CSV file saved as UTF-8")
                return data
            result = addresses.parse(text, is_csv=True)
            field = "file"
        elif pasted:
            result = addresses.parse(pasted, is_csv=False)
            field = "addresses"
        else:
            self.add_error("addresses", "Paste the e-mail addresses or choose a CSV file")
            return data
        for error in result.errors:
            self.add_error(field, error)
        self.parsed = result.addresses
        return data


class CodesForm(forms.Form):
    partner = forms.ChoiceField(error_messages={"required": "Select the partner"})
    count = forms.IntegerField(
        min_value=1,
        max_value=MAX_CODES,
        error_messages={
            "required": "Enter how many codes to print",
            "invalid": "Enter the number of codes as a whole number, like 20",
            "min_value": f"Enter a number of codes from 1 to {MAX_CODES}",
            "max_value": f"Enter a number of codes from 1 to {MAX_CODES}",
        },
    )

    def __init__(self, partners: list[Partner], *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["partner"].choices = partner_choices(partners)
