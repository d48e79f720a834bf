"""Dates as the NHS.UK date input asks for them: day, month and year in three boxes.

The browser's own date picker showed "mm/dd/yyyy" to British users and differs
from browser to browser; the NHS design system asks for a date in three text boxes
and checks it on the server (issue 17). ``DateInputField`` reads ``<name>[day]``,
``<name>[month]`` and ``<name>[year]`` and gives the design system's error messages:

* nothing entered: "Enter the opening date";
* a part missing: "Opening date must include a month" (only those parts highlighted);
* a year not written in full: "Year must include 4 numbers" (the year highlighted);
* no such day: "Opening date must be a real date" (the whole date highlighted).

Templates draw it with ``date_field`` in ``_fields.jinja``; ``date_items`` (a Jinja
global) gives the macro each box's value and whether it is in error, and
``forms.error_list`` links the error summary to the first box in error.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django import forms

PARTS = ("day", "month", "year")


def part_name(name: str, part: str) -> str:
    return f"{name}[{part}]"


def part_id(name: str, part: str) -> str:
    """The id the NHS.UK macro gives each box: ``<id>-<part>``."""
    return f"{name}-{part}"


class DateInputWidget(forms.Widget):
    """Reads the three boxes into {"day": ..., "month": ..., "year": ...} (text)."""

    def value_from_datadict(self, data: Mapping[str, Any], files: Any, name: str) -> Any:
        return {p: str(data.get(part_name(name, p)) or "").strip() for p in PARTS}

    def value_omitted_from_data(self, data: Mapping[str, Any], files: Any, name: str) -> bool:
        return not any(part_name(name, p) in data for p in PARTS)


def _join(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else f"{parts[0]} and {parts[1]}"


class DateInputField(forms.Field):
    """A date from the three boxes. ``what`` names it in messages ("opening date")."""

    widget = DateInputWidget

    def __init__(self, *, what: str, required: bool = True, **kwargs: Any) -> None:
        self.what = what
        messages = {"required": f"Enter the {what}", **kwargs.pop("error_messages", {})}
        super().__init__(required=required, error_messages=messages, **kwargs)

    @property
    def sentence(self) -> str:
        """``what`` to begin a sentence with ("Opening date")."""
        return self.what[:1].upper() + self.what[1:]

    def to_python(self, value: Any) -> dt.date | None:
        if isinstance(value, dt.date) or value is None:
            return value
        parts = {p: str(value.get(p, "")).strip() for p in PARTS}
        if not any(parts.values()):
            return None
        missing = [p for p in PARTS if not parts[p]]
        if missing:
            raise forms.ValidationError(
                f"{self.sentence} must include a {_join(missing)}",
                code="incomplete",
                params={"parts": missing},
            )
        not_real = forms.ValidationError(f"{self.sentence} must be a real date", code="invalid")
        if not all(parts[p].isdigit() for p in PARTS):
            raise not_real
        if len(parts["year"]) != 4:
            raise forms.ValidationError("Year must include 4 numbers", code="year")
        try:
            return dt.date(int(parts["year"]), int(parts["month"]), int(parts["day"]))
        except ValueError as exc:
            raise not_real from exc


def _error_parts(form: forms.Form, name: str) -> tuple[str, ...]:
    """The boxes to highlight: those a message is about, or () for the whole date."""
    errors = form.errors.as_data().get(name, [])
    if not errors:
        return ()
    first = errors[0]
    if first.code == "incomplete" and first.params:
        return tuple(first.params["parts"])
    if first.code == "year":
        return ("year",)
    return ()


def first_error_id(form: forms.Form, name: str) -> str:
    """Where the error summary's link for this date goes: its first box in error."""
    parts = _error_parts(form, name) or PARTS
    return part_id(name, parts[0])


def date_items(form: forms.Form, name: str) -> list[dict[str, Any]]:
    """The ``items`` for the NHS.UK ``dateInput`` macro: each box's value and error."""
    if form.is_bound:
        values = form.fields[name].widget.value_from_datadict(form.data, form.files, name)
    else:
        initial = form.initial.get(name, form.fields[name].initial)
        if isinstance(initial, dt.date):
            values = {"day": initial.day, "month": initial.month, "year": initial.year}
        else:
            values = {}
    in_error = _error_parts(form, name)
    items = []
    for part in PARTS:
        item: dict[str, Any] = {
            "name": part,
            "value": str(values.get(part, "") or ""),
            "width": 4 if part == "year" else 2,
        }
        if in_error:
            item["error"] = part in in_error
        items.append(item)
    return items
