"""Reading a list of e-mail addresses pasted or uploaded by a facilitator.

Pure parsing, no writes: every bad row is reported (up to ``MAX_ERRORS``), so the
facilitator can fix the list in one go, and the caller stores nothing unless there
are no errors at all.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

MAX_ADDRESSES = 5000
MAX_ERRORS = 20


@dataclass(frozen=True)
class Parsed:
    addresses: list[str]
    errors: list[str]


def _rows_from_text(text: str) -> list[tuple[int, str]]:
    """One address per line; commas and semicolons also separate (a pasted Outlook list)."""
    rows = []
    for number, line in enumerate(text.splitlines(), start=1):
        for part in line.replace(";", ",").split(","):
            rows.append((number, part))
    return rows


def _rows_from_csv(text: str) -> list[tuple[int, str]] | str:
    """The column headed ``email`` (or ``e-mail``, ``email address``), or the only column."""
    reader = csv.reader(io.StringIO(text))
    table = list(reader)
    if not table:
        return []
    header = [h.strip().lower().replace("-", "") for h in table[0]]
    names = ("email", "emailaddress", "email address")
    column = next((i for i, h in enumerate(header) if h in names), None)
    if column is None:
        if len(header) == 1 and "@" in table[0][0]:
            return [(n, row[0] if row else "") for n, row in enumerate(table, start=1)]
        return "The file needs a column headed \u201cemail\u201d."
    return [
        (number, row[column] if column < len(row) else "")
        for number, row in enumerate(table[1:], start=2)
    ]


def parse(text: str, *, is_csv: bool) -> Parsed:
    """The addresses (lower-cased, in order) or the errors naming each bad row."""
    rows = _rows_from_csv(text) if is_csv else _rows_from_text(text)
    if isinstance(rows, str):
        return Parsed([], [rows])
    where = "Row" if is_csv else "Line"
    seen: dict[str, int] = {}
    errors: list[str] = []
    for number, raw in rows:
        value = raw.strip().strip("<>").strip()
        if not value:
            continue
        try:
            if len(value) > 254:  # the longest address SMTP carries (RFC 5321)
                raise ValidationError("too long")
            validate_email(value)
        except ValidationError:
            errors.append(f"{where} {number}: \u201c{value[:80]}\u201d is not an e-mail address")
            continue
        key = value.lower()
        if key in seen:
            errors.append(
                f"{where} {number}: {value} is listed twice (also {where.lower()} {seen[key]})"
            )
            continue
        seen[key] = number
    addresses = list(seen)
    if not errors and not addresses:
        errors.append("There are no e-mail addresses in the list.")
    if len(addresses) > MAX_ADDRESSES:
        errors.append(
            f"There are {len(addresses)} addresses; send at most {MAX_ADDRESSES} at a time."
        )
    if len(errors) > MAX_ERRORS:
        more = len(errors) - MAX_ERRORS
        errors = [*errors[:MAX_ERRORS], f"and {more} more rows with errors"]
    return Parsed(addresses if not errors else [], errors)
