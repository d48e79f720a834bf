"""Limits on Excel workbooks, checked before and while they are read (zip bombs).

An .xlsx file is a ZIP archive of XML. A few megabytes on disk can declare gigabytes
of XML: a 5.8 MB workbook expanding to 1.5 GB kept ``collabdx score`` busy for 150 s,
memory growing, with no message (issue 17, bug 4). Every reader of a workbook, the
command line now and web uploads later, goes through the two functions here:

* ``check_archive`` before anything is inflated: the ZIP's central directory states
  each member's uncompressed size, and Python's ``zipfile`` (which openpyxl reads
  through) never inflates a member beyond its stated size (more data fails the
  member's CRC check), so the directory's total bounds the work;
* ``limited_rows`` while the rows are read: a sheet within that size can still hold
  more rows or wider rows than any survey export has.

The defaults sit far above real survey exports (100,000 respondents with 40
columns are about 120 MB of sheet XML) and far below what hurts a laptop. An
analyst with a bigger file raises them with the environment variables named in the
error message (``XlsxLimits.from_env``); a program passes its own ``XlsxLimits``.
"""

from __future__ import annotations

import io
import os
import zipfile
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass

from collabdx.io.errors import fail

ENV_MAX_MB = "COLLABDX_XLSX_MAX_MB"
ENV_MAX_ROWS = "COLLABDX_XLSX_MAX_ROWS"
ENV_MAX_COLUMNS = "COLLABDX_XLSX_MAX_COLUMNS"
MB = 1024 * 1024
# A workbook from Excel or Qualtrics has a dozen members; a ZIP with many thousands is
# not a workbook, and reading its directory alone costs time and memory.
MAX_MEMBERS = 10_000

@dataclass(frozen=True)
class XlsxLimits:
    max_uncompressed_mb: int = 256
    max_rows: int = 250_000
    max_columns: int = 1_000

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> XlsxLimits:
        """The defaults, or what ``COLLABDX_XLSX_MAX_MB``, ``..._ROWS`` and
        ``..._COLUMNS`` set. A value that is not a positive whole number raises
        ValueError naming the variable."""
        environ = os.environ if environ is None else environ
        default = cls()
        values = {}
        for name, field, fallback in (
            (ENV_MAX_MB, "max_uncompressed_mb", default.max_uncompressed_mb),
            (ENV_MAX_ROWS, "max_rows", default.max_rows),
            (ENV_MAX_COLUMNS, "max_columns", default.max_columns),
        ):
            raw = environ.get(name, "").strip()
            if not raw:
                values[field] = fallback
                continue
            try:
                value = int(raw.replace(",", "").replace("_", ""))
            except ValueError:
                value = 0
            if value < 1:
                raise ValueError(f"{name} must be a whole number above 0, not {raw!r}")
            values[field] = value
        return cls(**values)


def _how_to_raise(env: str, limit: int) -> str:
    return f"if you trust the file, set {env} above {limit:,} to read it"


def check_archive(file_name: str, data: bytes, limits: XlsxLimits) -> None:
    """Refuse a workbook whose ZIP directory declares more XML than ``limits`` allow,
    before any of it is inflated. Raises ResponseImportError (via ``fail``)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            infos = zf.infolist()
    except (zipfile.BadZipFile, OSError):
        fail(file_name, "could not be read as an Excel workbook (a damaged ZIP archive)")
    if len(infos) > MAX_MEMBERS:
        fail(file_name, f"is not an Excel workbook: its archive holds {len(infos):,} files")
    declared = sum(i.file_size for i in infos)
    limit = limits.max_uncompressed_mb
    if declared > limit * MB:
        fail(
            file_name,
            f"this workbook expands to {declared / MB:,.0f} MB when opened, over the limit "
            f"of {limit:,} MB for a workbook (it may be a 'zip bomb'); nothing was read. "
            + _how_to_raise(ENV_MAX_MB, limit),
        )


def limited_rows[T](
    file_name: str, rows: Iterable[tuple[T, ...]], limits: XlsxLimits
) -> Iterator[list[T]]:
    """The sheet's rows as lists, stopping with an error past ``limits.max_rows`` rows
    or a row wider than ``limits.max_columns`` cells (a far-away cell widens its row)."""
    for number, row in enumerate(rows, start=1):
        if number > limits.max_rows:
            fail(
                file_name,
                f"the first sheet has more than {limits.max_rows:,} rows, the limit for a "
                "workbook; nothing was read. " + _how_to_raise(ENV_MAX_ROWS, limits.max_rows),
            )
        if len(row) > limits.max_columns:
            fail(
                file_name,
                f"the first sheet has more than {limits.max_columns:,} columns, the limit for "
                "a workbook; nothing was read. "
                + _how_to_raise(ENV_MAX_COLUMNS, limits.max_columns),
                row=number,
            )
        yield list(row)
