"""Column headings: which are items, which are metadata, which are personal data.

Personal-data columns are dropped from the table before anything else looks at
it, so names, e-mail and IP addresses cannot leak into responses, summaries,
error messages or exports: only their headings are kept, to tell the user.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass

from collabdx.core.instruments import Instrument, Item
from collabdx.io.errors import ProblemLog
from collabdx.io.sources import Cell, RawTable, column_letter, is_blank_row

# Matched against the heading lower-cased with everything but letters and digits
# removed, so "Recipient E-mail" and "recipient_email" are both caught. The list
# is deliberately broad: dropping a harmless column costs little, keeping a
# personal one can cost a great deal.
_PERSONAL_PARTS = (
    "ipaddress",
    "ipaddr",
    "email",
    "mail",
    "firstname",
    "lastname",
    "surname",
    "fullname",
    "givenname",
    "familyname",
    "forename",
    "recipient",
    "externalref",
    "externaldatareference",
    "latitude",
    "longitude",
    "location",
    "phone",
    "mobile",
    "postcode",
    "zipcode",
    "address",
    "dateofbirth",
    "birthdate",
    "nhsnumber",
)
_PERSONAL_EXACT = ("ip", "name", "dob", "lat", "lon", "lng", "geo")
_ITEM_LIKE = re.compile(r"^q\d", re.IGNORECASE)


def _compact(heading: str) -> str:
    return re.sub(r"[^a-z0-9]", "", heading.casefold())


def heading_text(cell: Cell) -> str:
    return "" if cell is None else " ".join(str(cell).split())


def is_personal(heading: str) -> bool:
    compact = _compact(heading)
    return compact in _PERSONAL_EXACT or any(p in compact for p in _PERSONAL_PARTS)


@dataclass(frozen=True)
class CleanTable:
    """A table with personal-data columns removed."""

    file_name: str
    rows: list[list[Cell]]
    letters: list[str]  # spreadsheet letter of each remaining column
    dropped: tuple[str, ...]  # headings of the removed columns


def drop_personal(table: RawTable, instrument: Instrument) -> CleanTable:
    """Remove personal-data columns (judged by the first row) from every row."""
    header = table.rows[0] if table.rows else []
    width = max((len(r) for r in table.rows), default=0)
    keep, dropped = kept_columns(header, width, instrument)
    rows = [[row[i] if i < len(row) else None for i in keep] for row in table.rows]
    return CleanTable(table.file_name, rows, [column_letter(i) for i in keep], dropped)


def kept_columns(
    header: Sequence[Cell], width: int, instrument: Instrument
) -> tuple[list[int], tuple[str, ...]]:
    """Indices of the columns to keep, and headings of the personal ones to drop.

    The vectorised CSV reader passes the kept indices to pandas as ``usecols``, so
    the values of dropped columns are never turned into Python objects at all.
    """
    keep: list[int] = []
    dropped: list[str] = []
    item_ids = {i.casefold() for i in instrument.items}
    for index in range(width):
        heading = heading_text(header[index]) if index < len(header) else ""
        if heading.casefold() not in item_ids and heading and is_personal(heading):
            dropped.append(heading)
        else:
            keep.append(index)
    return keep, tuple(dropped)


@dataclass(frozen=True)
class Columns:
    items: dict[int, Item]  # column index -> item
    meta: dict[str, int]  # canonical metadata name -> column index
    missing_items: tuple[str, ...]  # instrument items with no column


def classify(
    table: CleanTable,
    data_rows: list[list[Cell]],
    instrument: Instrument,
    known: Collection[str],
    log: ProblemLog,
    *,
    known_prefixes: tuple[str, ...] = (),
    hints: Mapping[str, str] | None = None,
    has_data: Callable[[int], bool] | None = None,
) -> Columns:
    """Sort the headings of row 1 into items and known metadata; log the rest.

    ``known`` are metadata headings (matched ignoring case); headings starting
    with one of ``known_prefixes`` are metadata too. ``hints`` maps a lower-case
    heading to advice for a near miss (e.g. "id" → use respondent_id).
    ``has_data(index)`` says whether a column holds any non-empty cell; by default
    it is worked out from ``data_rows`` (the vectorised reader has no rows).
    """
    if has_data is None:

        def has_data(index: int) -> bool:
            return any(index < len(r) and r[index] not in (None, "") for r in data_rows)

    header = table.rows[0]
    by_id = {i.casefold(): item for i, item in instrument.items.items()}
    canonical = {k.casefold(): k for k in known}
    hints = hints or {}
    items: dict[int, Item] = {}
    meta: dict[str, int] = {}
    seen: dict[str, str] = {}  # folded heading -> letter of first use
    names = f"{instrument.id} v{instrument.version}"
    for index, cell in enumerate(header):
        heading = heading_text(cell)
        letter = table.letters[index]
        folded = heading.casefold()
        if not heading:
            if has_data(index):
                log.add("this column has no heading but holds data", 1, letter)
            continue
        if folded in seen:
            log.add(
                f"heading also used by column {seen[folded]}; each heading must be unique",
                1,
                heading,
            )
            continue
        seen[folded] = letter
        if folded in by_id:
            items[index] = by_id[folded]
        elif _ITEM_LIKE.match(heading):
            ids = list(instrument.items)
            log.add(f"not a question of {names} (its questions are {ids[0]}–{ids[-1]})", 1, heading)
        elif folded in canonical:
            meta[canonical[folded]] = index
        elif heading.startswith(known_prefixes):
            continue
        else:
            advice = hints.get(folded) or (
                "remove it, or rename it if it holds answers; known columns are "
                + _known_shown(known, instrument)
            )
            log.add(f"unexpected column: {advice}", 1, heading)
    present = {item.id for item in items.values()}
    missing = tuple(i for i in instrument.items if i not in present)
    return Columns(items, meta, missing)


def _known_shown(known: Collection[str], instrument: Instrument) -> str:
    ids = list(instrument.items)
    names = [k for k in known if not k.startswith("scale_")]
    if len(names) < len(known):
        names.append("scale_<scale id>")
    return ", ".join(names) + f" and the questions {ids[0]}–{ids[-1]}"


def data_row_count(rows: list[list[Cell]]) -> int:
    return sum(1 for r in rows if not is_blank_row(r))
