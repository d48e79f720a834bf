"""Export responses (and optionally scale scores) as tidy CSV, XLSX or JSON.

One row per respondent. CSV and XLSX get a sidecar ``<stem>.codebook.json``;
XLSX also a "codebook" sheet; JSON carries its codebook inline. Every text cell a
spreadsheet could run as a formula is neutralised (:mod:`collabdx.io.safe`), and
every file is written to a temporary file first and moved into place, so a
failure never leaves a half-written export.

With ``protection`` (:func:`collabdx.core.microdata.anonymise`) the quasi-identifier
columns show what it decided (a code, a band such as "1-2", or "not shown") and the
codebook says what was hidden and why; every other cell is written as it is.
"""

from __future__ import annotations

import csv
import json
import math
import os
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any, Literal

import numpy as np
import pandas as pd

from collabdx.core.microdata import Anonymised
from collabdx.core.responses import ResponseSet
from collabdx.io.codebook import (
    SCALE_PREFIX,
    build_codebook,
    codebook_table,
    disclosure_section,
    disclosure_table,
    instrument_meta,
)
from collabdx.io.safe import DANGEROUS_STARTS, QUOTE, safe_cell

ExportFormat = Literal["csv", "xlsx", "json"]
FORMATS: tuple[ExportFormat, ...] = ("csv", "xlsx", "json")


def codebook_path(out: Path) -> Path:
    """Where the sidecar codebook of ``out`` goes."""
    return out.with_name(f"{out.stem}.codebook.json")


def export_responses(
    responses: ResponseSet,
    out: Path,
    fmt: ExportFormat,
    *,
    scores: pd.DataFrame | None = None,
    protection: Anonymised | None = None,
) -> list[Path]:
    """Write ``responses`` to ``out`` in ``fmt``; returns the paths written.

    ``scores`` (e.g. from :func:`collabdx.core.scoring.scale_scores`) is indexed
    by respondent id, one column per scale; columns become ``scale_<id>``.
    ``protection`` (made from these same responses) replaces the quasi-identifier
    columns by what it shows.
    """
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}; use one of {', '.join(FORMATS)}")
    out = Path(out)
    header, rows = tidy_table(responses, scores, protection)
    instrument = responses.instrument
    score_cols = [c for c in header if c.startswith(SCALE_PREFIX)]
    codebook = build_codebook(instrument, score_cols, protection)
    meta = instrument_meta(instrument)
    extra = {} if protection is None else {"disclosure": disclosure_section(protection, instrument)}
    if fmt == "json":
        document = {
            "instrument": meta,
            "codebook": codebook,
            **extra,
            "responses": [dict(zip(header, row, strict=True)) for row in rows],
        }
        with _atomic([out]) as (tmp,):
            _write_json(tmp, document)
        return [out]
    sidecar = codebook_path(out)
    with _atomic([out, sidecar]) as (tmp, tmp_sidecar):
        if fmt == "csv":
            _write_csv(tmp, header, rows)
        else:
            sheets = [] if protection is None else [disclosure_table(extra["disclosure"])]
            _write_xlsx(tmp, header, rows, codebook, sheets)
        _write_json(tmp_sidecar, {"instrument": meta, "codebook": codebook, **extra})
    return [out, sidecar]


def tidy_table(
    responses: ResponseSet,
    scores: pd.DataFrame | None = None,
    protection: Anonymised | None = None,
) -> tuple[list[str], list[list[object]]]:
    """Header and rows of the wide export; None marks an empty cell."""
    instrument = responses.instrument
    index = responses.codes.index
    if protection is not None and not protection.shown.index.equals(index):
        raise ValueError("protection was made from other rows than these responses")
    columns: list[tuple[str, pd.Series, str]] = []
    for item in instrument.items.values():
        if protection is not None and item.id in protection.shown.columns:
            columns.append((item.id, protection.shown[item.id], "shown"))
        elif item.type == "choice":
            columns.append((item.id, responses.codes[item.id], "code"))
        else:
            columns.append((item.id, responses.text[item.id], "text"))
    if scores is not None:
        missing = index.difference(scores.index.astype(str))
        if len(missing):
            raise ValueError(f"scores has no row for respondent(s) {list(missing[:5])}")
        aligned = scores.set_axis(scores.index.astype(str)).reindex(index)
        for col in aligned.columns:
            name = str(col)
            name = name if name.startswith(SCALE_PREFIX) else SCALE_PREFIX + name
            columns.append((name, aligned[col], "score"))
    header = ["respondent_id", "instrument_id", "instrument_version"] + [c[0] for c in columns]
    values = [(series.tolist(), kind) for _, series, kind in columns]
    rows: list[list[object]] = []
    for r, rid in enumerate(index):
        row: list[object] = [str(rid), responses.instrument_id, responses.instrument_version]
        row += [_clean(vals[r], kind) for vals, kind in values]
        rows.append(row)
    return header, rows


def _clean(value: Any, kind: str) -> object:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if kind == "code":
        return int(value)
    if kind == "score":
        return float(value)
    if kind == "shown" and isinstance(value, int):
        return value
    text = str(value)
    return text or None


@contextmanager
def _atomic(targets: Sequence[Path]) -> Iterator[tuple[Path, ...]]:
    """Temporary paths beside ``targets``, moved over them only if all writes succeed.

    Temporary files are made by mkstemp, so exports are readable by their owner
    only: they hold survey answers.
    """
    temps: list[Path] = []
    try:
        for target in targets:
            fd, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
            os.close(fd)
            temps.append(Path(name))
        yield tuple(temps)
        for tmp, target in zip(temps, targets, strict=True):
            os.replace(tmp, target)
    finally:
        for tmp in temps:
            tmp.unlink(missing_ok=True)


def _durable(f: IO[Any]) -> None:
    f.flush()
    os.fsync(f.fileno())


def _csv_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, bool | int):
        return str(int(value))
    return str(safe_cell(str(value)))


def _write_csv(path: Path, header: list[str], rows: list[list[object]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow([_csv_text(h) for h in header])
        for row in rows:
            writer.writerow([_csv_text(v) for v in row])
        _durable(f)


def _write_sheet(ws: Any, header: Sequence[object], rows: list[list[object]]) -> None:
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Font

    bold = Font(bold=True)
    for r, row in enumerate([list(header), *rows], start=1):
        for c, value in enumerate(row, start=1):
            cell = ws.cell(row=r, column=c)
            if isinstance(value, str):
                # Control characters are illegal in XLSX; remove them *before*
                # neutralising, so they cannot hide a leading "=".
                cell.value = safe_cell(ILLEGAL_CHARACTERS_RE.sub("", value))
                cell.data_type = "s"  # a string, never a formula
            else:
                cell.value = value
            if r == 1:
                cell.font = bold
    ws.freeze_panes = "A2"


def _write_xlsx(
    path: Path,
    header: list[str],
    rows: list[list[object]],
    codebook: list[dict[str, Any]],
    sheets: Sequence[tuple[str, list[str], list[list[object]]]] = (),
) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "responses"
    _write_sheet(ws, header, rows)
    cb_header, cb_rows = codebook_table(codebook)
    _write_sheet(wb.create_sheet("codebook"), cb_header, cb_rows)
    for title, sheet_header, sheet_rows in sheets:
        _write_sheet(wb.create_sheet(title), sheet_header, sheet_rows)
    with path.open("wb") as f:
        wb.save(f)
        _durable(f)


def _write_json(path: Path, document: dict[str, Any]) -> None:
    with path.open("w", encoding="utf-8") as f:
        json.dump(document, f, ensure_ascii=False, indent=2, allow_nan=False)
        f.write("\n")
        _durable(f)


def atomic_write_text(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` all at once or not at all."""
    path = Path(path)
    with _atomic([path]) as (tmp,), tmp.open("w", encoding="utf-8", newline="") as f:
        f.write(text)
        _durable(f)


def scores_csv(scores: pd.DataFrame) -> str:
    """``collabdx score`` output: respondent_id, then one column per scale, blank when missing.

    Floats are written as ``repr`` writes them (shortest round-trip form). With a
    million respondents, formatting seven million floats one by one dominated
    ``collabdx score``; scores take few distinct values (means of a few small codes),
    so each column formats its distinct values once and numpy spreads them.
    """
    import io

    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([_csv_text(h) for h in ["respondent_id", *map(str, scores.columns)]])
    ids = [str(rid) for rid in scores.index]
    values = scores.to_numpy(dtype=float)
    if not _plain_cells(ids):  # quoting or formula guards needed: the csv module decides
        # With lineterminator "\n" the csv module leaves a bare CR unquoted, and a
        # spreadsheet starts a new row there: "x\r=HYPERLINK(..)" would put a live
        # formula at the start of a line. Rows whose id holds a CR are fully quoted.
        quoted = csv.writer(buffer, lineterminator="\n", quoting=csv.QUOTE_ALL)
        for rid, row in zip(ids, values, strict=True):
            cells = ("" if math.isnan(v) else repr(float(v)) for v in row)
            (quoted if "\r" in rid else writer).writerow([_csv_text(rid), *cells])
        return buffer.getvalue()
    columns = [ids] + [_float_texts(values[:, j]) for j in range(values.shape[1])]
    if ids:
        buffer.write("\n".join(map(",".join, zip(*columns, strict=True))))
        buffer.write("\n")
    return buffer.getvalue()


def _plain_cells(texts: list[str]) -> bool:
    """True if the csv module would write every text as it is: none is empty, none
    holds a delimiter, quote or line break, none needs :func:`safe_cell`'s guard."""
    joined = "\x00" + "\x00".join(texts) + "\x00"  # ids hold no NUL: the reader refuses it
    if "\x00\x00" in joined or any(c in joined for c in ',"\r\n'):
        return False
    return not any("\x00" + c in joined for c in DANGEROUS_STARTS | {QUOTE})


def _float_texts(column: np.ndarray) -> list[str]:
    """``repr`` of each value, "" for NaN, formatting each distinct bit pattern once
    (so -0.0 stays "-0.0")."""
    codes, distinct = pd.factorize(np.ascontiguousarray(column).view(np.int64))
    texts = np.array(
        ["" if math.isnan(v) else repr(v) for v in distinct.view(np.float64).tolist()],
        dtype=object,
    )
    return texts[codes].tolist()
