"""Helpers shared by every app's forms: errors in the shape the NHS.UK macros want."""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote_to_bytes

from django import forms
from django.http import HttpRequest

from collabdx.web.dateinput import DateInputField, first_error_id


def error_list(form: forms.Form) -> list[dict[str, str]]:
    """Error summary items: each links to the field it is about."""
    items: list[dict[str, str]] = []
    for name, errors in form.errors.items():
        if name == "__all__":
            items.extend({"text": str(e), "href": "#"} for e in errors)
            continue
        # Our templates give each input (and each radio group's first option) the
        # field name as its id, so the summary link moves focus to the right place; a
        # date's link goes to its first box in error (dateinput.py).
        target = name
        if isinstance(form.fields.get(name), DateInputField):
            target = first_error_id(form, name)
        items.extend({"text": str(e), "href": f"#{target}"} for e in errors)
    return items


def field_error(form: forms.Form, name: str) -> dict[str, Any] | None:
    errors = form.errors.get(name)
    return {"text": " ".join(str(e) for e in errors)} if errors else None


def undecodable_fields(request: HttpRequest) -> list[str]:
    """Names of posted fields whose value (or name) is not valid UTF-8.

    Django decodes a form with ``errors="replace"``: bytes that are not UTF-8 reach the
    form as U+FFFD and would be saved as if the person had typed them. A URL-encoded
    body is checked byte for byte; anything else (multipart) by the replacement
    character Django left in its place.
    """
    if request.content_type != "application/x-www-form-urlencoded":
        return [k for k, values in request.POST.lists() if any("\ufffd" in v for v in values)]
    bad: list[str] = []
    for pair in request.body.split(b"&"):
        name, _, value = pair.partition(b"=")
        raw_name, raw_value = (unquote_to_bytes(p.replace(b"+", b" ")) for p in (name, value))
        try:
            raw_name.decode("utf-8")
            raw_value.decode("utf-8")
        except UnicodeDecodeError:
            bad.append(raw_name.decode("utf-8", "replace"))
    return bad
