"""Read a CSV file that :mod:`collabdx.io.scan` cleared, with pandas' C parser.

Every cell is read as text, exactly as :func:`csv.reader` gives it (no NA guessing,
blank stays blank), a chunk of rows at a time so memory stays flat and the
progress bar moves. Answer and metadata columns are read as pandas categoricals:
the parser hashes the raw bytes in C and hands over each column as small integer
codes plus its few distinct texts. Validation then runs once per distinct text
(see :meth:`Column.lookup`), using the very functions the row reader uses, and
numpy spreads the outcome over the rows. The respondent id column, unique by
design, is read as plain strings. Personal-data columns are left out through
``usecols``: pandas skips their bytes without ever making Python objects of them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from collabdx.io.scan import CsvLayout, open_source
from collabdx.io.sources import Cell

# Rows per chunk. pandas spends ~5 ms per chunk on a 31-column file whatever its
# size, so chunks must be large; 50,000 rows keeps a chunk's memory to a few MB.
CHUNK_ROWS = 50_000
# Answers repeat from chunk to chunk; timestamps and the like do not, and need not
# fill memory: past this many distinct texts a column's results are not kept.
CACHE_LIMIT = 10_000


class Declined(Exception):
    """The vectorised reader cannot answer exactly as the row reader would."""


# What makes the row reader take over: pandas' own errors on input it cannot
# parse, and :class:`Declined`.
PARSE_ERRORS = (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError, Declined)


@dataclass(frozen=True)
class Column:
    """One column of a chunk: ``values[codes[r]]`` is the text of row ``r``.

    A code of -1 is a field missing from a short row, which reads as blank, like
    the ``None`` the row reader pads such rows with. ``lossy``: pandas turned the
    texts into booleans (see :func:`_values`), so "TRUE" and "true" are one value.
    """

    codes: np.ndarray
    values: list[str]
    lossy: bool = False

    def lookup(
        self, fn: Callable[[str], Any], cache: dict[str, Any], *, exact: bool = True
    ) -> list[Any]:
        """``fn`` of each distinct text, then of a blank (picked by code -1).

        ``cache`` carries results from chunk to chunk, so each text is judged once.
        ``exact=False`` says ``fn`` ignores case, so a lossy column will do.
        """
        if self.lossy and exact:
            raise Declined("a column of true/false values")
        out = []
        for value in [*self.values, ""]:
            if value in cache:
                out.append(cache[value])
                continue
            result = fn(value)
            if len(cache) < CACHE_LIMIT:
                cache[value] = result
            out.append(result)
        return out

    def take(self, table: list[Any] | np.ndarray, dtype: Any = None) -> np.ndarray:
        """Per-row array from a per-value table (as :meth:`lookup` returns)."""
        return np.asarray(table, dtype=dtype)[self.codes]


@dataclass(frozen=True)
class Chunk:
    start: int  # index of its first row among the data rows (0-based)
    size: int
    columns: dict[int, Column]  # kept column index -> column
    raw: dict[int, np.ndarray]  # kept column index -> object array of str (id column)


def _options(layout: CsvLayout) -> dict[str, Any]:
    """Parser settings that match :func:`csv.reader` with the scanned delimiter."""
    return {
        "sep": layout.delimiter,
        "header": None,
        "names": list(range(layout.width)),
        "encoding": layout.encoding,
        "engine": "c",
        "quotechar": '"',
        "doublequote": True,
        "na_filter": False,  # blank stays "", and "NA" or "null" stay text
        "keep_default_na": False,
        "skip_blank_lines": False,  # blank rows still count in row numbers
        # pandas 3 turns categories that all look like numbers into numbers (" 1",
        # "+1" and "1.0" all become 1). It does not when the decimal separator is
        # unusual, and NUL cannot occur: the scan refused files holding it.
        "decimal": "\x00",
    }


def _values(categories: pd.Index) -> tuple[list[str], bool]:
    """The texts of a chunk's categories, and whether pandas made booleans of them.

    A column of nothing but true/false spellings still comes back as booleans.
    """
    if categories.dtype == bool:
        return [str(v) for v in categories], True
    if not (pd.api.types.is_string_dtype(categories.dtype) or categories.dtype == object):
        raise Declined(f"pandas read categories as {categories.dtype}")
    return [str(v) for v in categories], False


def read_rows(
    layout: CsvLayout, skip: int, count: int, usecols: list[int] | None = None
) -> list[list[Cell]]:
    """``count`` records after the first ``skip``, as lists of text (heading rows)."""
    with open_source(layout.source) as f:
        frame = pd.read_csv(
            f, skiprows=skip, nrows=count, usecols=usecols, dtype=object, **_options(layout)
        )
    rows: list[list[Cell]] = [[str(v) for v in row] for row in frame.itertuples(index=False)]
    return rows


def read_chunks(layout: CsvLayout, skip: int, keep: list[int], raw: set[int]) -> Iterator[Chunk]:
    """The data rows after ``skip`` heading rows, in chunks.

    ``keep`` are the file's column positions to read (in kept-column order);
    ``raw`` the kept indices to read as plain strings rather than categoricals.
    """
    if layout.records <= skip:
        return
    dtype = {pos: (object if i in raw else "category") for i, pos in enumerate(keep)}
    # Without usecols pandas also refuses rows longer than the heading row.
    usecols = None if keep == list(range(layout.width)) else keep
    start = 0
    with open_source(layout.source) as f:
        reader = pd.read_csv(
            f, skiprows=skip, usecols=usecols, dtype=dtype, chunksize=CHUNK_ROWS,
            **_options(layout),
        )  # fmt: skip
        with reader:
            for frame in reader:
                columns: dict[int, Column] = {}
                strings: dict[int, np.ndarray] = {}
                for i, pos in enumerate(keep):
                    series = frame[pos]
                    if i in raw:
                        strings[i] = series.to_numpy(dtype=object)
                    else:
                        cat = series.array
                        columns[i] = Column(np.asarray(cat.codes), *_values(cat.categories))
                yield Chunk(start, len(frame), columns, strings)
                start += len(frame)
