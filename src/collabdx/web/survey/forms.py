"""One survey page (one instrument block) as a Django form, built from the instrument.

Choice items become radio groups whose values are the instrument's codes and whose
labels are the instrument's labels, verbatim. A choice item is required unless the
instrument marks it optional; the free-text item (Q3, organisation) is optional.

Input the page could not have produced (a code the item does not have, a field
that is not on this page, one question answered twice) is tampering rather than a
mistake: ``tampered`` reports it and the view answers 400 without saving anything.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import forms
from django.http import QueryDict

from collabdx.core.instruments import Block, Instrument, Item

TEXT_MAX_LENGTH = 200
# Fields a page may post besides its items.
ALLOWED_EXTRA_FIELDS = frozenset({"csrfmiddlewaretoken"})


def short_text(text: str, limit: int = 80) -> str:
    """The item text, cut at a word boundary so an error message stays readable."""
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0].rstrip(" ,;:(")
    return cut + "…"


def required_message(item: Item) -> str:
    return f"Select an answer to “{short_text(item.text)}”"


class PageForm(forms.Form):
    """The items of one block. ``cleaned_answers`` gives item id -> int code or text."""

    def __init__(
        self,
        instrument: Instrument,
        block: Block,
        data: QueryDict | Mapping[str, Any] | None = None,
        initial: Mapping[str, Any] | None = None,
    ) -> None:
        # Saved answers are ints; the radios compare against strings.
        initial_text = {k: str(v) for k, v in (initial or {}).items() if v not in (None, "")}
        super().__init__(data=data, initial=initial_text)
        self.instrument = instrument
        self.block = block
        for item_id in block.items:
            item = instrument.items[item_id]
            if item.type == "choice":
                self.fields[item_id] = forms.ChoiceField(
                    choices=[(str(o.code), o.label) for o in item.options],
                    required=not item.optional,
                    error_messages={
                        "required": required_message(item),
                        "invalid_choice": "Select one of the answers listed",
                    },
                )
            else:
                self.fields[item_id] = forms.CharField(
                    required=not item.optional,
                    max_length=TEXT_MAX_LENGTH,
                    error_messages={
                        "required": f"Enter an answer to “{short_text(item.text)}”",
                        "max_length": f"Enter no more than {TEXT_MAX_LENGTH} characters",
                    },
                )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for name, value in list(cleaned.items()):
            if isinstance(value, str):
                # A one-line answer: control characters and odd spaces become one space.
                spaced = "".join(ch if ch.isprintable() else " " for ch in value)
                cleaned[name] = " ".join(spaced.split())
        return cleaned

    def tampered(self) -> list[str]:
        """Problems no honest use of the page can cause (each means: answer 400)."""
        problems: list[str] = []
        data = self.data
        keys = list(data.keys())
        for key in keys:
            if key not in self.fields and key not in ALLOWED_EXTRA_FIELDS:
                problems.append(f"unknown field {key!r}")
        if isinstance(data, QueryDict):
            for key in keys:
                if len(data.getlist(key)) > 1:
                    problems.append(f"{key!r} sent more than once")
        for name in self.fields:
            if self.has_error(name, "invalid_choice"):
                problems.append(f"{name!r} has no such answer code")
        return problems

    def cleaned_answers(self) -> dict[str, int | str | None]:
        """Every item on the page: its code, its text, or None where left blank."""
        out: dict[str, int | str | None] = {}
        for item_id in self.block.items:
            value = self.cleaned_data.get(item_id)
            if value in (None, ""):
                out[item_id] = None
            elif self.instrument.items[item_id].type == "choice":
                out[item_id] = int(value)
            else:
                out[item_id] = str(value)
        return out
