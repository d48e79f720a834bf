"""Read one answer cell: a numeric code or the choice text, as Qualtrics exports it.

Choice text is matched forgivingly on *form* (case, stray or non-breaking spaces,
typographic dashes and quotes, a trailing ``(code)``) but never on *meaning*: the
text must be one of that item's own labels, so "Somewhat agree" is only accepted
on items whose option set has it.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Literal

from collabdx.core.instruments import Item
from collabdx.io.safe import unsafe_cell
from collabdx.io.sources import Cell

ValueStyle = Literal["code", "text"]

_NUMBER_RE = re.compile(r"^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$")
# "Agree (4)": Qualtrics can write the choice text with its recode appended.
_LABEL_CODE_RE = re.compile(r"^(?P<label>.*?)\s*\((?P<code>\d+)\)$")
_TRANSLATE = str.maketrans(
    {
        "\u2010": "-",
        "\u2011": "-",
        "\u2012": "-",
        "\u2013": "-",
        "\u2014": "-",
        "\u2212": "-",
        "\u2018": "'",
        "\u2019": "'",
        "\u201c": '"',
        "\u201d": '"',
    }
)
_MAX_SHOWN = 40
# A column holds few distinct strings ("1".."5", a handful of labels), so each
# ChoiceReader remembers what it made of each one: a big file then costs one dict
# lookup per cell instead of NFKC + regex. Capped so a column of free text cannot
# grow the memo without bound.
_MEMO_LIMIT = 4096


class ValueProblem(ValueError):
    """A cell that is not a valid answer; the message is shown to the user."""


@dataclass(frozen=True)
class Parsed:
    code: int | None  # None: unanswered
    style: ValueStyle | None = None


def normalise(text: str) -> str:
    """Comparable form of a label: NFKC (turns non-breaking spaces into spaces),
    plain dashes and quotes, single spaces, case-folded."""
    text = unicodedata.normalize("NFKC", text).translate(_TRANSLATE)
    return " ".join(text.split()).casefold()


def shown(text: str) -> str:
    """A cell value quoted for an error message, shortened if long."""
    text = " ".join(text.split())
    if len(text) > _MAX_SHOWN:
        text = text[: _MAX_SHOWN - 1] + "…"
    return f"'{text}'"


class ChoiceReader:
    """Parses cells for one choice item."""

    def __init__(self, item: Item) -> None:
        self.item = item
        self.by_label = {normalise(o.label): o.code for o in item.options}
        self.low, self.high = min(item.codes), max(item.codes)
        # Item.codes builds a tuple on every call, and Parsed is immutable: a hot loop
        # (a big XLSX file, whose numbers skip the memo) wants both made once.
        self._as_code = {c: Parsed(c, "code") for c in item.codes}
        self._memo: dict[str, Parsed | str] = {}  # text cell -> result or problem message

    def allowed(self) -> str:
        return "; ".join(f"{o.code} = {o.label}" for o in self.item.options)

    def _code(self, number: int) -> Parsed:
        parsed = self._as_code.get(number)
        if parsed is None:
            raise ValueProblem(f"code {number} is out of range (allowed {self.low}–{self.high})")
        return parsed

    def read(self, cell: Cell) -> Parsed:
        if cell is None:
            return Parsed(None)
        if isinstance(cell, bool):
            raise ValueProblem(f"{cell} is not an answer code (allowed {self.low}–{self.high})")
        if isinstance(cell, int):
            return self._code(cell)
        if isinstance(cell, float):
            if math.isnan(cell):
                return Parsed(None)
            if not cell.is_integer():
                raise ValueProblem(f"code {cell:g} is not a whole number")
            return self._code(int(cell))
        if isinstance(cell, datetime | date | time):
            raise ValueProblem(
                "holds a date or time, not an answer code "
                f"(allowed {self.low}–{self.high}); check the cell format"
            )
        return self.read_text(str(cell))

    def read_text(self, raw: str) -> Parsed:
        """Parse a text cell; raises :class:`ValueProblem` (memoised, see _MEMO_LIMIT)."""
        hit = self._memo.get(raw)
        if hit is None:
            try:
                hit = self._read_text(raw)
            except ValueProblem as exc:
                hit = str(exc)
            if len(self._memo) < _MEMO_LIMIT:
                self._memo[raw] = hit
        if isinstance(hit, str):
            raise ValueProblem(hit)
        return hit

    def _read_text(self, raw: str) -> Parsed:
        text = normalise(raw)
        if not text:
            return Parsed(None)
        if _NUMBER_RE.match(text):
            number = float(text)
            if not number.is_integer():
                raise ValueProblem(f"code {text} is not a whole number")
            return self._code(int(number))
        if text in self.by_label:
            return Parsed(self.by_label[text], "text")
        m = _LABEL_CODE_RE.match(text)
        if m and m["label"] in self.by_label:
            code = self.by_label[m["label"]]
            if code != int(m["code"]):
                raise ValueProblem(
                    f"{shown(raw)} does not match: '{self.item.label_for(code)}' is code {code}"
                )
            return Parsed(code, "text")
        raise ValueProblem(
            f"{shown(raw)} is not an answer to this question; allowed: {self.allowed()}"
        )


def read_text_cell(cell: Cell) -> str:
    """Free-text answer (e.g. organisation): trimmed; numbers shown as typed."""
    if cell is None:
        return ""
    if isinstance(cell, float):
        if math.isnan(cell):
            return ""
        if cell.is_integer():
            return str(int(cell))
    if isinstance(cell, datetime | date | time):
        return cell.isoformat()
    # A collabdx export quotes formula-like text; take that quote off again.
    return str(unsafe_cell(str(cell).strip()))


def read_id_cell(cell: Cell) -> str:
    """Respondent id as text; 7.0 from a spreadsheet becomes "7"."""
    return read_text_cell(cell)
