"""Read survey responses from CSV, XLSX or a Qualtrics export.

:func:`read_responses` is the one entry point. It decides the format from the
extension and the content, validates every cell against the instrument, and
either returns a :class:`ResponseSet` with a summary or raises one
:class:`ResponseImportError` listing every problem found (up to
:data:`~collabdx.io.errors.MAX_PROBLEMS`). Reading never writes anything.

Two readers give the same answers: CSV files go column by column through
:mod:`collabdx.io.vectorised` (pandas and numpy; 100k respondents in well under a
second), and :func:`read_rows` reads XLSX files, and the CSV files the vectorised
reader declines, row by row.
"""

from __future__ import annotations

from pathlib import Path

from collabdx.core.instruments import Instrument, load_instrument
from collabdx.core.responses import from_records
from collabdx.io.columns import CleanTable, classify, data_row_count, drop_personal
from collabdx.io.errors import ProblemLog
from collabdx.io.import_summary import ImportResult, ImportSummary
from collabdx.io.plain import (
    HINTS,
    ID_COLUMN,
    INSTRUMENT_COLUMNS,
    instrument_mismatch,
    known_columns,
)
from collabdx.io.qualtrics import is_qualtrics, read_qualtrics
from collabdx.io.rows import AnswerReader, IdRegistry, Progress, report_progress
from collabdx.io.sources import Cell, is_blank_row, read_table
from collabdx.io.vectorised import read_csv_vectorised
from collabdx.io.xlsx_guard import XlsxLimits


def read_responses(
    path: Path,
    instrument: Instrument | None = None,
    *,
    progress: Progress | None = None,
    xlsx_limits: XlsxLimits | None = None,
) -> ImportResult:
    """Import responses to ``instrument`` (default: readiness v1) from ``path``.

    ``progress(done, total)`` is called as rows are read, with data-row counts
    (``total`` may first be an estimate; the last call is ``(total, total)``).
    A workbook is held to ``xlsx_limits`` (default: from the environment, see
    :mod:`collabdx.io.xlsx_guard`).
    Raises :class:`~collabdx.io.errors.ResponseImportError` for any bad input.
    """
    path = Path(path)
    instrument = instrument or load_instrument("readiness", "1")
    progress = _never_backwards(progress)
    if _is_csv(path):
        # Most CSV files take the vectorised path; it declines (None) the odd ones.
        result = read_csv_vectorised(path, instrument, progress)
        if result is not None:
            return result
    return read_rows(path, instrument, progress, xlsx_limits)


def _never_backwards(progress: Progress | None) -> Progress | None:
    """``progress`` that skips counts below one already reported. The vectorised path
    can report rows and then decline the file (an odd quote found late); the row
    reader then starts again from 0, and a progress bar must not jump back."""
    if progress is None:
        return None
    shown = [-1]

    def report(done: int, total: int) -> None:
        if done >= shown[0]:
            shown[0] = done
            progress(done, total)

    return report


def read_rows(
    path: Path,
    instrument: Instrument,
    progress: Progress | None,
    xlsx_limits: XlsxLimits | None = None,
) -> ImportResult:
    """The row-by-row reader: every file the vectorised path declines, and XLSX."""
    raw = read_table(path, xlsx_limits)
    # Personal-data columns go first, before any other code sees the rows.
    table = drop_personal(raw, instrument)
    del raw
    if is_qualtrics(table.rows):
        return read_qualtrics(
            table, "qualtrics-csv" if _is_csv(path) else "qualtrics-xlsx", instrument, progress
        )
    return _read_plain(table, "csv" if _is_csv(path) else "xlsx", instrument, progress)


def _is_csv(path: Path) -> bool:
    return path.suffix.lower() in (".csv", ".tsv")


def _read_plain(
    table: CleanTable, kind: str, instrument: Instrument, progress: Progress | None
) -> ImportResult:
    """A table with one heading row: respondent_id (optional), then item columns."""
    log = ProblemLog(table.file_name)
    data = table.rows[1:]
    known = known_columns(instrument)
    columns = classify(table, data, instrument, known, log, hints=HINTS)
    total = data_row_count(data)
    if total == 0:
        log.add("the file has a heading row but no responses below it")
    answers = AnswerReader(instrument, columns, log)
    ids = IdRegistry(log, ID_COLUMN)
    id_col = columns.meta.get(ID_COLUMN)
    records: list[dict[str, object]] = []
    kept_ids: list[str] = []
    done = 0
    report_progress(progress, 0, total)
    for offset, row in enumerate(data):
        if is_blank_row(row):
            continue
        sheet_row = offset + 2
        done += 1
        _check_instrument(row, columns.meta, instrument, sheet_row, log)
        rid = ids.check(row[id_col], sheet_row) if id_col is not None else str(offset + 1)
        record = answers.read(row, sheet_row)
        if rid is not None:
            records.append(record)
            kept_ids.append(rid)
        report_progress(progress, done, total)
    log.raise_if_any()
    summary = ImportSummary(
        file_name=table.file_name,
        format=kind,
        value_style=answers.value_style(),
        rows_read=total,
        rows_kept=len(records),
        excluded_previews=0,
        excluded_tests=0,
        incomplete_kept=0,
        personal_columns_dropped=table.dropped,
        items_missing=columns.missing_items,
    )
    return ImportResult(from_records(instrument, records, kept_ids), summary)


def _check_instrument(
    row: list[Cell], meta: dict[str, int], instrument: Instrument, sheet_row: int, log: ProblemLog
) -> None:
    for name in INSTRUMENT_COLUMNS:
        if name in meta:
            problem = instrument_mismatch(row[meta[name]], name, instrument)
            if problem:
                log.add(problem, sheet_row, name)
