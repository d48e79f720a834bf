"""One survey page (one instrument block) as a Django form, built from the instrument.

Choice items become radio groups whose values are the instrument's codes and whose
labels are the instrument's labels, verbatim. A choice item is required unless the
instrument marks it optional; the free-text item (Q3, organisation) is optional.

Input the page could not have produced (a code the item does not have, a field
that is not on this page, one question answered twice) is tampering rather than a
mistake: ``tampered`` reports it and the view answers 400 without saving anything.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from django import forms
from django.http import QueryDict

from collabdx.core.answers import check_answers
from collabdx.core.instruments import Block, Instrument, Item

TEXT_MAX_LENGTH = 200
# Fields a page may post besides its items.
ALLOWED_EXTRA_FIELDS = frozenset({"csrfmiddlewaretoken"})
# A code exactly as the radio sends it: ASCII digits, no padding (" 3", "03" are not codes).
_CODE_TEXT = re.compile(r"-?(0|[1-9][0-9]*)")


def short_text(text: str, limit: int = 80) -> str:
    """The item text, cut at a word boundary so an error message stays readable."""
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0].rstrip(" ,;:(")
    return cut + "…"


def _as_posted(instrument: Instrument, key: str, value: object) -> object:
    """A posted value as the instrument would hold it: a choice's code as an int
    when the text is exactly that number (what the radio sends), otherwise as sent,
    so anything else is a code the item does not have."""
    item = instrument.items.get(key)
    is_choice = item is not None and item.type == "choice"
    if is_choice and isinstance(value, str) and _CODE_TEXT.fullmatch(value):
        return int(value)
    return value


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
        """Problems no honest use of the page can cause (each means: answer 400).

        Which fields belong on the page and which codes an item has is the
        instrument's decision (``core.answers``); the form adds only what is about
        HTTP: extra form fields and a field sent twice.
        """
        data = self.data
        keys = list(data.keys())
        posted = {key: _as_posted(self.instrument, key, data.get(key)) for key in keys}
        posted = {k: v for k, v in posted.items() if k not in ALLOWED_EXTRA_FIELDS}
        checked = check_answers(self.instrument, posted, block=self.block)
        problems = [p.message for p in checked.problems]
        if isinstance(data, QueryDict):
            for key in keys:
                if len(data.getlist(key)) > 1:
                    problems.append(f"{key!r} sent more than once")
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
