"""Import a plain or Qualtrics CSV column by column: the fast path for big files.

The row reader (:mod:`collabdx.io.importers`, :mod:`collabdx.io.qualtrics`) judges
every cell in Python: ~100× slower than pandas reading the same file. Here pandas
parses (:mod:`collabdx.io.columnar`), each *distinct* cell text of a column is judged
once by the row reader's own functions (``ChoiceReader``, ``read_text_cell``,
``status_kind``, …), and numpy spreads the outcomes over the rows. So the answers,
the summary and every error message are the row reader's, only reached faster;
``tests/io/test_vectorised.py`` checks both readers against each other.

:func:`read_csv_vectorised` returns ``None`` for files it does not take (see
:mod:`collabdx.io.scan`); the row reader then reads them.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from collabdx.core.instruments import Instrument
from collabdx.core.responses import ResponseSet
from collabdx.io import plain, qualtrics
from collabdx.io.columnar import PARSE_ERRORS, Chunk, Column, read_chunks, read_rows
from collabdx.io.columns import CleanTable, Columns, classify, heading_text, kept_columns
from collabdx.io.errors import ProblemLog
from collabdx.io.import_summary import ImportResult, ImportSummary
from collabdx.io.rows import PROGRESS_EVERY, Progress
from collabdx.io.scan import CsvLayout, scan_csv
from collabdx.io.sources import CSV_EXTENSIONS, column_letter
from collabdx.io.values import ChoiceReader, ValueProblem, read_text_cell
from collabdx.io.vectorised_problems import Findings, clean_ids, duplicates, has_at

_EMPTY_ID = "respondent id is empty"
_EMAIL_ID = "respondent id looks like an e-mail address; use anonymous ids"
_KIND = {None: 0, "preview": 1, "test": 2}


def read_csv_vectorised(
    path: Path, instrument: Instrument, progress: Progress | None
) -> ImportResult | None:
    """Import ``path`` like the row reader would, or ``None`` to leave it to the row reader."""
    layout = scan_csv(path, CSV_EXTENSIONS.get(path.suffix.lower()))
    if layout is None:
        return None
    try:
        return _import(path.name, layout, instrument, progress)
    except PARSE_ERRORS:
        return None  # pandas disagreed with the scan after all: take the careful road


def _import(
    name: str, layout: CsvLayout, instrument: Instrument, progress: Progress | None
) -> ImportResult | None:
    header = read_rows(layout, 0, 1)[0]
    keep, dropped = kept_columns(header, layout.width, instrument)
    heads: list[Any] = [header[i] for i in keep]
    if not any(heading_text(h) for h in heads):
        return None  # an empty or headless file: the row reader words it
    letters = [column_letter(i) for i in keep]
    is_qualtrics = qualtrics.is_qualtrics([heads])
    if not is_qualtrics:
        table = CleanTable(name, [heads], letters, dropped)
        layout_only = classify(
            table, [], instrument, plain.known_columns(instrument), ProblemLog(name)
        )
        return _Pass(layout, table, keep, layout_only, instrument, 1).run(progress)
    if layout.records < qualtrics.HEADER_ROWS:
        return None
    usecols = None if len(keep) == layout.width else keep
    more = read_rows(layout, 1, qualtrics.HEADER_ROWS - 1, usecols)
    if not all(any(str(c).strip() for c in row) for row in more):
        return None  # the row reader trims trailing blank rows first
    table = CleanTable(name, [heads, *more], letters, dropped)
    log = ProblemLog(name)
    qualtrics.check_header_rows(table, log)
    log.raise_if_any()
    layout_only = classify(
        table, [], instrument, qualtrics.METADATA, ProblemLog(name),
        known_prefixes=(qualtrics.SYSTEM_PREFIX,),
    )  # fmt: skip
    if qualtrics.ID_COLUMN not in layout_only.meta:
        return None  # a duplicated ResponseId heading
    return _Pass(layout, table, keep, layout_only, instrument, qualtrics.HEADER_ROWS).run(progress)


def _blank(value: str) -> bool:
    return not value.strip()


def _answer(reader: ChoiceReader, value: str) -> tuple[float, int, str | None]:
    """(code or NaN, style: 0 none / 1 code / 2 text, problem message or None)."""
    try:
        parsed = reader.read(value)
    except ValueProblem as exc:
        return np.nan, 0, str(exc)
    if parsed.code is None:
        return np.nan, 0, None
    return float(parsed.code), 2 if parsed.style == "text" else 1, None


class _Pass:
    """One pass over the data rows, chunk by chunk, then the result or the error."""

    def __init__(
        self,
        layout: CsvLayout,
        table: CleanTable,
        keep: list[int],
        columns: Columns,
        instrument: Instrument,
        header_rows: int,
    ) -> None:
        self.layout, self.table, self.keep, self.columns = layout, table, keep, columns
        self.instrument, self.header_rows = instrument, header_rows
        self.qualtrics = header_rows > 1
        self.id_name = qualtrics.ID_COLUMN if self.qualtrics else plain.ID_COLUMN
        self.id_col = columns.meta.get(self.id_name)
        # Rank of each check within a row, in the row reader's order.
        self.id_rank = 0 if self.qualtrics else len(plain.INSTRUMENT_COLUMNS)
        n = self.n = max(layout.records - header_rows, 0)
        self.choice = {item.id: j for j, item in enumerate(instrument.choice_items)}
        # Column-major, so each item's column is filled in one contiguous stretch.
        self.codes = np.full((n, len(self.choice)), np.nan, order="F")
        self.text = {
            i.id: np.full(n, "", dtype=object)
            for i in instrument.items.values()
            if i.type == "text"
        }
        self.ids = np.full(n, "", dtype=object)
        self.nonblank = np.zeros(n, dtype=bool)
        self.kept = np.zeros(n, dtype=bool)
        self.bad_id = np.zeros(n, dtype=bool)
        self.findings = Findings()
        self.caches: dict[object, dict[str, Any]] = {}
        self.readers = {
            i: ChoiceReader(item) for i, item in columns.items.items() if item.type == "choice"
        }
        self.first_data: dict[int, int] = {}  # headless column -> first row with data
        self.styles = [False, False, False]  # indexed by style code
        self.previews = self.tests = self.incomplete = 0

    def lookup(
        self, chunk: Chunk, index: int, key: str, fn: Callable[[str], Any], exact: bool = True
    ) -> list[Any]:
        cache = self.caches.setdefault((key, index), {})
        return chunk.columns[index].lookup(fn, cache, exact=exact)

    def run(self, progress: Progress | None) -> ImportResult:
        report = _Reporter(progress, self.n)
        raw = {self.id_col} if self.id_col is not None else set()
        for chunk in read_chunks(self.layout, self.header_rows, self.keep, raw):
            report.add(self.feed(chunk))
        total = int(self.nonblank.sum())
        report.finish(total)
        return self.result(total)

    def feed(self, chunk: Chunk) -> int:
        """Validate one chunk; returns its number of non-blank rows."""
        rows = slice(chunk.start, chunk.start + chunk.size)
        first_sheet_row = chunk.start + self.header_rows + 1
        blank = np.ones(chunk.size, dtype=bool)
        for index, column in chunk.columns.items():
            blank &= column.take(self.lookup(chunk, index, "blank", _blank, False), bool)
        if self.id_col is not None:
            ids = clean_ids(chunk.raw[self.id_col])
            blank &= ids == ""
            self.ids[rows] = ids
        nonblank = ~blank
        self.nonblank[rows] = nonblank
        self._headless(chunk)
        processed = self._exclude(chunk, nonblank) if self.qualtrics else nonblank
        self.kept[rows] = processed
        if not self.qualtrics:
            self._check_instrument(chunk, processed, first_sheet_row)
        if self.id_col is not None:
            self._check_ids(rows, processed, first_sheet_row)
        self._answers(chunk, rows, processed, first_sheet_row)
        return int(nonblank.sum())

    def _headless(self, chunk: Chunk) -> None:
        """Where columns without a heading first hold data (see :func:`classify`)."""
        for index, column in chunk.columns.items():
            if index in self.first_data or heading_text(self.table.rows[0][index]):
                continue
            filled = np.flatnonzero(column.take([v != "" for v in column.values] + [False], bool))
            if filled.size:
                self.first_data[index] = chunk.start + int(filled[0])

    def _exclude(self, chunk: Chunk, nonblank: np.ndarray) -> np.ndarray:
        """Qualtrics: count and leave out previews and tests; count unfinished."""
        meta = self.columns.meta
        kind = np.zeros(chunk.size, dtype=np.int8)
        if "Status" in meta:
            table = [_KIND[k] for k in self.lookup(chunk, meta["Status"], "status",
                                                   qualtrics.status_kind, False)]  # fmt: skip
            kind = chunk.columns[meta["Status"]].take(table, np.int8)
        if "DistributionChannel" in meta:
            table = [_KIND[k] for k in self.lookup(chunk, meta["DistributionChannel"], "channel",
                                                   qualtrics.channel_kind, False)]  # fmt: skip
            kind = np.where(kind == 0, chunk.columns[meta["DistributionChannel"]].take(table), kind)
        self.previews += int((nonblank & (kind == 1)).sum())
        self.tests += int((nonblank & (kind == 2)).sum())
        processed = nonblank & (kind == 0)
        unfinished = np.zeros(chunk.size, dtype=bool)
        undecided = np.ones(chunk.size, dtype=bool)
        if "Finished" in meta:
            said = self.lookup(chunk, meta["Finished"], "finished",
                               qualtrics.finished_says_unfinished, False)  # fmt: skip
            state = chunk.columns[meta["Finished"]].take([-1 if s is None else s for s in said])
            unfinished, undecided = state == 1, state == -1
        if "Progress" in meta:
            said = self.lookup(chunk, meta["Progress"], "progress",
                               qualtrics.progress_says_unfinished, False)  # fmt: skip
            unfinished |= undecided & chunk.columns[meta["Progress"]].take(said, bool)
        self.incomplete += int((processed & unfinished).sum())
        return processed

    def _check_instrument(self, chunk: Chunk, processed: np.ndarray, first: int) -> None:
        for rank, name in enumerate(plain.INSTRUMENT_COLUMNS):
            if name not in self.columns.meta:
                continue
            index = self.columns.meta[name]
            problems = self.lookup(
                chunk,
                index,
                name,
                partial(plain.instrument_mismatch, column=name, instrument=self.instrument),
            )
            self._report(chunk.columns[index], problems, processed, first, rank, name)

    def _check_ids(self, rows: slice, processed: np.ndarray, first: int) -> None:
        ids = self.ids[rows]
        empty = processed & (ids == "")
        email = processed & ~empty & has_at(ids)
        self.bad_id[rows] = empty | email
        bad = np.flatnonzero(empty | email)
        self.findings.add(
            self.id_rank, self.id_name, bad + first,
            lambda k: _EMPTY_ID if empty[bad[k]] else _EMAIL_ID, check="id",
        )  # fmt: skip

    def _answers(self, chunk: Chunk, rows: slice, processed: np.ndarray, first: int) -> None:
        base = self.id_rank + 1
        for index, item in self.columns.items.items():
            column = chunk.columns[index]
            if item.type == "text":
                values = self.lookup(chunk, index, "text", read_text_cell)
                self.text[item.id][rows] = column.take(values, object)
                continue
            reader = self.readers[index]
            outcomes = self.lookup(chunk, index, "answer", partial(_answer, reader))
            self.codes[rows, self.choice[item.id]] = column.take([o[0] for o in outcomes], float)
            styles = [o[1] for o in outcomes]
            if any(s and not self.styles[s] for s in styles):  # else nothing new to learn
                used = np.bincount(column.take(styles, np.int8)[processed], minlength=3)
                self.styles = [a or bool(b) for a, b in zip(self.styles, used, strict=True)]
            problems = [o[2] for o in outcomes]
            self._report(column, problems, processed, first, base + index, item.id)

    def _report(
        self, column: Column, problems: list[str | None], processed: np.ndarray,
        first: int, rank: int, name: str,
    ) -> None:  # fmt: skip
        if not any(p is not None for p in problems):
            return
        bad = np.flatnonzero(column.take([p is not None for p in problems], bool) & processed)
        codes = column.codes
        self.findings.add(rank, name, bad + first, lambda k: str(problems[codes[bad[k]]]))

    def result(self, total: int) -> ImportResult:
        name = self.table.file_name
        log = ProblemLog(name)
        last_row = int(np.flatnonzero(self.nonblank)[-1]) if total else -1
        known, prefixes, hints = (
            (qualtrics.METADATA, (qualtrics.SYSTEM_PREFIX,), None)
            if self.qualtrics
            else (plain.known_columns(self.instrument), (), plain.HINTS)
        )
        # Again, now logging: the row reader ignores blank rows at the end of a file.
        columns = classify(
            self.table, [], self.instrument, known, log, known_prefixes=prefixes, hints=hints,
            has_data=lambda i: self.first_data.get(i, self.n) <= last_row,
        )  # fmt: skip
        if total == 0:
            log.add(
                "the file has the three Qualtrics header rows but no responses below them"
                if self.qualtrics
                else "the file has a heading row but no responses below it"
            )
        if self.id_col is not None:
            eligible = self.kept & ~self.bad_id
            repeat, first = duplicates(self.ids, eligible)
            offset = self.header_rows + 1
            self.findings.add(
                self.id_rank, self.id_name, repeat + offset,
                lambda k: f"respondent id '{self.ids[repeat[k]]}' is also used in row "
                f"{first[k] + offset}; ids must be unique",
                check="duplicate",
            )  # fmt: skip
        self.findings.log_into(log)
        log.raise_if_any()
        return ImportResult(self._responses(), self._summary(columns, total))

    def _responses(self) -> ResponseSet:
        kept = self.kept
        everything = bool(kept.all())
        if self.id_col is not None:
            ids = self.ids if everything else self.ids[kept]
        else:  # no id column: the row number among data rows, as the row reader does
            ids = np.array([str(i + 1) for i in np.flatnonzero(kept).tolist()], dtype=object)
        index = pd.Index(ids, dtype=object, name="respondent_id")
        codes = self.codes if everything else self.codes[kept]
        frame = pd.DataFrame(codes, index=index, columns=list(self.choice), copy=False)
        text = pd.DataFrame(
            {t: values[kept] for t, values in self.text.items()}, index=index, dtype=object
        )
        return ResponseSet(self.instrument.id, self.instrument.version, frame, text)

    def _summary(self, columns: Columns, total: int) -> ImportSummary:
        codes, text = self.styles[1], self.styles[2]
        style = (
            "mixed" if codes and text else "codes" if codes else "choice text" if text else "none"
        )
        return ImportSummary(
            file_name=self.table.file_name,
            format="qualtrics-csv" if self.qualtrics else "csv",
            value_style=style,
            rows_read=total,
            rows_kept=int(self.kept.sum()),
            excluded_previews=self.previews,
            excluded_tests=self.tests,
            incomplete_kept=self.incomplete,
            personal_columns_dropped=self.table.dropped,
            items_missing=columns.missing_items,
        )


class _Reporter:
    """Progress in non-blank data rows, against the number of records the scan counted.

    Chunks are tens of thousands of rows, so after each one every multiple of a
    step is reported (``PROGRESS_EVERY`` for small files, at most ~100 calls for
    big ones), as the row reader does row by row.
    """

    def __init__(self, progress: Progress | None, estimate: int) -> None:
        self.progress, self.estimate, self.done = progress, estimate, 0
        self.step = PROGRESS_EVERY * max(1, estimate // (PROGRESS_EVERY * 100))
        self.last = (0, estimate)
        self._call(0, estimate)

    def _call(self, done: int, total: int) -> None:
        self.last = (done, total)
        if self.progress is not None:
            self.progress(done, total)

    def add(self, rows: int) -> None:
        start, self.done = self.done, self.done + rows
        for mark in range((start // self.step + 1) * self.step, self.done, self.step):
            self._call(mark, self.estimate)
        if self.done > start:
            self._call(self.done, self.estimate)

    def finish(self, total: int) -> None:
        if self.last != (total, total):
            self._call(total, total)
