"""Turn a file on disk into rows of raw cells, refusing anything that is not a table.

This layer knows about file types and encodings, not about surveys. Row ``n`` of
the result is row ``n + 1`` as a spreadsheet shows it, so problems can be reported
where the user will look.
"""

from __future__ import annotations

import codecs
import csv
import io
import zipfile
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path
from typing import Literal

from collabdx.io.errors import fail
from collabdx.io.xlsx_guard import XlsxLimits, check_archive, limited_rows

Cell = str | int | float | bool | datetime | date | time | None
TableKind = Literal["csv", "xlsx"]

CSV_EXTENSIONS: dict[str, str | None] = {".csv": ",", ".tsv": "\t"}
XLSX_EXTENSIONS = {".xlsx", ".xlsm"}
SUPPORTED = "CSV (.csv, .tsv) or Excel workbook (.xlsx)"

# Magic numbers of files people commonly pick by mistake, to name them in the error.
_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"%PDF", "a PDF document"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old-style Office file (.xls or .doc)"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"Rar!", "a RAR archive"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
)


@dataclass(frozen=True)
class RawTable:
    file_name: str
    kind: TableKind
    rows: list[list[Cell]]


def read_table(path: Path, xlsx_limits: XlsxLimits | None = None) -> RawTable:
    """Read ``path`` as CSV or XLSX, judged by its extension *and* its content.

    A workbook is held to ``xlsx_limits`` (default: ``XlsxLimits.from_env()``) before
    and while it is read (``xlsx_guard``)."""
    name = path.name
    suffix = path.suffix.lower()
    if suffix == ".xls":
        fail(
            name,
            "old-style Excel .xls files are not supported; in Excel use "
            "File → Save As → Excel Workbook (.xlsx), or save as CSV",
        )
    if suffix not in CSV_EXTENSIONS and suffix not in XLSX_EXTENSIONS:
        shown = f"'{suffix}'" if suffix else "no extension"
        fail(name, f"unsupported file type ({shown}); use a {SUPPORTED} file")
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        fail(name, "file not found")
    except IsADirectoryError:
        fail(name, "is a folder, not a file")
    except OSError as exc:
        fail(name, f"could not be read ({exc.strerror or exc.__class__.__name__})")
    if not data.strip():
        fail(name, "the file is empty")
    if suffix in XLSX_EXTENSIONS:
        limits = xlsx_limits if xlsx_limits is not None else XlsxLimits.from_env()
        table = RawTable(name, "xlsx", _read_xlsx(name, data, limits))
    else:
        table = RawTable(name, "csv", _read_csv(name, data, CSV_EXTENSIONS[suffix]))
    if not table.rows:
        fail(name, "the file is empty (no headings and no responses)")
    return table


def _what_zip_is(data: bytes) -> str | None:
    """'xlsx' for a workbook, otherwise a description of the ZIP-based file."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            names = set(zf.namelist())
            mimetype = zf.read("mimetype").decode("ascii", "replace") if "mimetype" in names else ""
    except (zipfile.BadZipFile, KeyError, OSError):
        return "a damaged ZIP archive"
    if "xl/workbook.xml" in names:
        return None
    if "word/document.xml" in names:
        return "a Word document (.docx)"
    if any(n.startswith("ppt/") for n in names):
        return "a PowerPoint presentation (.pptx)"
    if "spreadsheet" in mimetype:
        return "an OpenDocument spreadsheet (.ods); save it as .xlsx or .csv"
    if "opendocument" in mimetype:
        return "an OpenDocument file"
    return "a ZIP archive"


def _binary_kind(data: bytes) -> str | None:
    for magic, what in _SIGNATURES:
        if data.startswith(magic):
            return what
    if data.startswith(b"PK\x03\x04"):
        return _what_zip_is(data) or "an Excel workbook (.xlsx); rename it to .xlsx"
    return None


def _read_xlsx(name: str, data: bytes, limits: XlsxLimits) -> list[list[Cell]]:
    if not data.startswith(b"PK\x03\x04"):
        what = _binary_kind(data) or "a text file"
        fail(name, f"is not an Excel workbook: it looks like {what}")
    zip_kind = _what_zip_is(data)
    if zip_kind is not None:
        fail(name, f"is not an Excel workbook: it looks like {zip_kind}")
    check_archive(name, data, limits)  # before openpyxl inflates anything
    # Imported lazily: openpyxl is only needed for workbooks.
    from openpyxl import load_workbook

    try:
        # data_only: take the values Excel last calculated, never formulas.
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a corrupt file
        fail(name, f"could not be read as an Excel workbook ({exc.__class__.__name__})")
    try:
        ws = wb.worksheets[0]
        # Some tools write a wrong <dimension>; read-only mode would trust it and
        # cut rows short. Rows come back ragged instead, and are padded later.
        ws.reset_dimensions()
        rows: list[list[Cell]] = list(limited_rows(name, ws.iter_rows(values_only=True), limits))
    finally:
        wb.close()
    return _trim(rows)


def _decode(name: str, data: bytes) -> str:
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        # Qualtrics' "TSV" and Excel's "Unicode text" exports are UTF-16.
        return data.decode("utf-16")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        # Excel on Windows saves "CSV (Comma delimited)" in the ANSI code page.
        return data.decode("cp1252")
    except UnicodeDecodeError:
        fail(name, "is not a text file in a known encoding; save it as CSV UTF-8")


def _delimiter(first_line: str, preferred: str | None) -> str:
    if preferred is not None and preferred in first_line:
        return preferred
    # Excel in many European locales writes ';', and some tools write tabs.
    counts = {d: first_line.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else (preferred or ",")


def _read_csv(name: str, data: bytes, preferred: str | None) -> list[list[Cell]]:
    what = _binary_kind(data)
    if what is not None:
        fail(name, f"is not a CSV file: it looks like {what}")
    text = _decode(name, data)
    if "\x00" in text:
        fail(name, "is not a CSV file: it contains binary data")
    first_line = text.lstrip("\ufeff").split("\n", 1)[0]
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(first_line, preferred))
    try:
        rows: list[list[Cell]] = [list(r) for r in reader]
    except csv.Error as exc:
        fail(name, f"is not a well-formed CSV file ({exc})", row=reader.line_num or None)
    return _trim(rows)


def _blank(cell: Cell) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())


def _trim(rows: list[list[Cell]]) -> list[list[Cell]]:
    """Drop trailing blank rows (spreadsheets often leave some) but keep inner ones,
    so that row numbers still match what the user sees."""
    end = len(rows)
    while end and all(_blank(c) for c in rows[end - 1]):
        end -= 1
    return rows[:end]


def is_blank_row(row: list[Cell]) -> bool:
    return all(_blank(c) for c in row)


def column_letter(index: int) -> str:
    """Spreadsheet letter for a 0-based column index (0 → A, 26 → AA)."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(ord("A") + rem) + letters
    return letters
