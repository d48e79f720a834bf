"""Helpers shared by every app's forms: errors in the shape the NHS.UK macros want."""

from __future__ import annotations

from typing import Any

from django import forms


def error_list(form: forms.Form) -> list[dict[str, str]]:
    """Error summary items: each links to the field it is about."""
    items: list[dict[str, str]] = []
    for name, errors in form.errors.items():
        if name == "__all__":
            items.extend({"text": str(e), "href": "#"} for e in errors)
            continue
        # Our templates give each input (and each radio group's first option) the
        # field name as its id, so the summary link moves focus to the right place.
        items.extend({"text": str(e), "href": f"#{name}"} for e in errors)
    return items


def field_error(form: forms.Form, name: str) -> dict[str, Any] | None:
    errors = form.errors.get(name)
    return {"text": " ".join(str(e) for e in errors)} if errors else None
