"""Shared machinery for turning data rows into validated answers."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from collabdx.core.instruments import Instrument
from collabdx.io.columns import Columns
from collabdx.io.errors import ProblemLog
from collabdx.io.sources import Cell
from collabdx.io.values import ChoiceReader, ValueProblem, read_id_cell, read_text_cell

Progress = Callable[[int, int], None]
# Often enough for a smooth bar, rarely enough not to slow a big import down.
PROGRESS_EVERY = 100


@dataclass
class AnswerReader:
    """Reads a row's item cells, logging every bad cell rather than stopping."""

    instrument: Instrument
    columns: Columns
    log: ProblemLog
    styles: Counter[str] = field(default_factory=Counter)

    def __post_init__(self) -> None:
        self._readers = {
            index: ChoiceReader(item)
            for index, item in self.columns.items.items()
            if item.type == "choice"
        }

    def read(self, row: list[Cell], sheet_row: int) -> dict[str, object]:
        record: dict[str, object] = {}
        for index, item in self.columns.items.items():
            cell = row[index] if index < len(row) else None
            if item.type == "text":
                record[item.id] = read_text_cell(cell)
                continue
            try:
                parsed = self._readers[index].read(cell)
            except ValueProblem as exc:
                self.log.add(str(exc), sheet_row, item.id)
                continue
            if parsed.code is not None:
                record[item.id] = parsed.code
                self.styles[parsed.style or "code"] += 1
        return record

    def value_style(self) -> str:
        """How answers were written: "codes", "choice text", "mixed" or "none"."""
        codes, text = self.styles["code"], self.styles["text"]
        if codes and text:
            return "mixed"
        return "codes" if codes else "choice text" if text else "none"


@dataclass
class IdRegistry:
    """Respondent ids must be present, anonymous-looking and unique."""

    log: ProblemLog
    column: str
    first_row: dict[str, int] = field(default_factory=dict)

    def check(self, cell: Cell, sheet_row: int) -> str | None:
        rid = read_id_cell(cell)
        if not rid:
            self.log.add("respondent id is empty", sheet_row, self.column)
            return None
        if "@" in rid:
            # Not echoed: it may be someone's e-mail address.
            self.log.add(
                "respondent id looks like an e-mail address; use anonymous ids",
                sheet_row,
                self.column,
            )
            return None
        if rid in self.first_row:
            self.log.add(
                f"respondent id '{rid}' is also used in row {self.first_row[rid]}; "
                "ids must be unique",
                sheet_row,
                self.column,
            )
            return None
        self.first_row[rid] = sheet_row
        return rid


def report_progress(progress: Progress | None, done: int, total: int) -> None:
    if progress is not None and (done % PROGRESS_EVERY == 0 or done == total):
        progress(done, total)
