"""The plain layout: one heading row, ``respondent_id`` (optional), then item columns.

Shared by the row reader (:mod:`collabdx.io.importers`) and the vectorised CSV
reader (:mod:`collabdx.io.vectorised`), so both accept the same columns and word
their problems the same way.
"""

from __future__ import annotations

from collabdx.core.instruments import Instrument
from collabdx.io.sources import Cell
from collabdx.io.values import read_text_cell

ID_COLUMN = "respondent_id"
INSTRUMENT_COLUMNS = ("instrument_id", "instrument_version")
HINTS = {
    name: f"the respondent id column must be called {ID_COLUMN}"
    for name in ("id", "respondent", "respondentid", "respondent id", "response_id", "responseid")
}


def known_columns(instrument: Instrument) -> list[str]:
    """Metadata headings a plain file may have besides the items."""
    known = [ID_COLUMN, *INSTRUMENT_COLUMNS]
    known += [f"scale_{s}" for s in instrument.scales]  # collabdx's own export; recomputed
    return known


def instrument_mismatch(cell: Cell, column: str, instrument: Instrument) -> str | None:
    """A collabdx export names its instrument; refuse to read it as another one."""
    expected = instrument.id if column == "instrument_id" else instrument.version
    value = read_text_cell(cell)
    if value and value != expected:
        return (
            f"'{value}' does not match the instrument being imported "
            f"({instrument.id} v{instrument.version})"
        )
    return None
