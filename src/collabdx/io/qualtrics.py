"""Qualtrics CSV/XLSX exports: three header rows, previews and tests to leave out.

Row 1 holds column ids, row 2 the question texts and row 3 ImportId JSON such as
``{"ImportId":"QID1"}``. Answers are numeric codes ("Use numeric values") or the
choice text ("Use choice text"); both are accepted, cell by cell.
"""

from __future__ import annotations

import json

from collabdx.core.instruments import Instrument
from collabdx.core.responses import from_records
from collabdx.io.columns import CleanTable, classify, data_row_count, heading_text
from collabdx.io.errors import ProblemLog
from collabdx.io.import_summary import ImportResult, ImportSummary
from collabdx.io.rows import AnswerReader, IdRegistry, Progress, report_progress
from collabdx.io.sources import Cell, is_blank_row
from collabdx.io.values import normalise, read_text_cell

HEADER_ROWS = 3
ID_COLUMN = "ResponseId"
METADATA = (
    "StartDate",
    "EndDate",
    "Status",
    "Progress",
    "Duration (in seconds)",
    "Finished",
    "RecordedDate",
    ID_COLUMN,
    "DistributionChannel",
    "UserLanguage",
)
# Qualtrics' own fields (Q_RecaptchaScore, Q_RelevantIDDuplicate, …); never answers.
SYSTEM_PREFIX = "Q_"

# Status in a numeric export: 0 IP Address, 1 Survey Preview, 2 Survey Test,
# 4 Imported, 8 Spam, 9 Preview Spam, 12 Imported Spam, 16 Offline,
# 17 Offline Survey Preview. Choice-text exports spell the names out.
_PREVIEW_STATUS = {1, 9, 17}
_TEST_STATUS = {2}


def is_qualtrics(rows: list[list[Cell]]) -> bool:
    """A Qualtrics export names its id column ResponseId (ResponseID in old ones)."""
    return bool(rows) and any(heading_text(c).casefold() == "responseid" for c in rows[0])


def _is_import_id(cell: Cell) -> bool:
    if not isinstance(cell, str) or not cell.strip().startswith("{"):
        return False
    try:
        value = json.loads(cell)
    except ValueError:
        return False
    return isinstance(value, dict) and "ImportId" in value


def check_header_rows(table: CleanTable, log: ProblemLog) -> None:
    """Rows 2 and 3 must be the question texts and the ImportIds, in that order.

    Cell values are not quoted back: if a header row is missing, these rows hold
    answers.
    """
    heads = [heading_text(c) for c in table.rows[0]]
    advice = (
        "a Qualtrics export has three header rows (column ids, question texts, "
        'ImportIds like {"ImportId":"QID1"}); export the data again without removing '
        "rows, or, if this is not a Qualtrics export, call the id column respondent_id"
    )
    if len(table.rows) < HEADER_ROWS:
        log.add(f"the file ends before its header rows do: {advice}")
        return
    second, third = table.rows[1], table.rows[2]
    if any(_is_import_id(c) for c in second):
        log.add(f"holds ImportIds, but question texts were expected here: {advice}", 2)
        return
    bad = [
        heads[i]
        for i in range(len(heads))
        if heads[i] and not _is_import_id(third[i] if i < len(third) else None)
    ]
    if len(bad) == len([h for h in heads if h]):
        log.add(f"expected ImportIds in every column: {advice}", 3)
    else:
        for heading in bad:
            log.add('expected an ImportId like {"ImportId":"QID1"}', 3, heading)


def status_kind(cell: Cell) -> str | None:
    """'preview', 'test' or None (a real response) from the Status cell."""
    text = normalise(read_text_cell(cell))
    try:
        code: int | None = int(float(text))
    except (ValueError, OverflowError):
        code = None
    if code is not None:
        return "preview" if code in _PREVIEW_STATUS else "test" if code in _TEST_STATUS else None
    if "preview" in text:
        return "preview"
    if "test" in text:
        return "test"
    return None


def channel_kind(cell: Cell) -> str | None:
    text = normalise(read_text_cell(cell))
    return text if text in ("preview", "test") else None


def finished_says_unfinished(cell: Cell) -> bool | None:
    """From the Finished cell: True (unfinished), False (finished) or None (unclear)."""
    finished = normalise(read_text_cell(cell))
    if finished in ("false", "0"):
        return True
    if finished in ("true", "1"):
        return False
    return None


def progress_says_unfinished(cell: Cell) -> bool:
    try:
        return float(read_text_cell(cell)) < 100
    except (ValueError, OverflowError):
        return False


def _unfinished(row: list[Cell], meta: dict[str, int]) -> bool:
    # Cell by cell, so that the vectorised reader can apply the same rule per value.
    if "Finished" in meta:
        said = finished_says_unfinished(row[meta["Finished"]])
        if said is not None:
            return said
    if "Progress" in meta:
        return progress_says_unfinished(row[meta["Progress"]])
    return False


def read_qualtrics(
    table: CleanTable, fmt: str, instrument: Instrument, progress: Progress | None
) -> ImportResult:
    log = ProblemLog(table.file_name)
    check_header_rows(table, log)
    # Without trustworthy header rows the data rows cannot be found: stop here.
    log.raise_if_any()
    data = table.rows[HEADER_ROWS:]
    columns = classify(table, data, instrument, METADATA, log, known_prefixes=(SYSTEM_PREFIX,))
    if ID_COLUMN not in columns.meta:  # present, but its heading is duplicated
        log.raise_if_any()
    total = data_row_count(data)
    if total == 0:
        log.add("the file has the three Qualtrics header rows but no responses below them")
    answers = AnswerReader(instrument, columns, log)
    ids = IdRegistry(log, ID_COLUMN)
    meta = columns.meta
    records: list[dict[str, object]] = []
    kept_ids: list[str] = []
    previews = tests = incomplete = done = 0
    report_progress(progress, 0, total)
    for offset, row in enumerate(data):
        if is_blank_row(row):
            continue
        sheet_row = offset + HEADER_ROWS + 1
        done += 1
        report_progress(progress, done, total)
        kind = status_kind(row[meta["Status"]]) if "Status" in meta else None
        if kind is None and "DistributionChannel" in meta:
            kind = channel_kind(row[meta["DistributionChannel"]])
        if kind == "preview":
            previews += 1
            continue
        if kind == "test":
            tests += 1
            continue
        # Ids are checked on kept rows only: previews may reuse ids and do not matter.
        rid = ids.check(row[meta[ID_COLUMN]], sheet_row)
        record = answers.read(row, sheet_row)
        if rid is None:
            continue
        if _unfinished(row, meta):
            incomplete += 1
        records.append(record)
        kept_ids.append(rid)
    log.raise_if_any()
    summary = ImportSummary(
        file_name=table.file_name,
        format=fmt,
        value_style=answers.value_style(),
        rows_read=total,
        rows_kept=len(records),
        excluded_previews=previews,
        excluded_tests=tests,
        incomplete_kept=incomplete,
        personal_columns_dropped=table.dropped,
        items_missing=columns.missing_items,
    )
    return ImportResult(from_records(instrument, records, kept_ids), summary)
