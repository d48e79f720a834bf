"""One pass over a CSV file's bytes, to decide whether pandas may read it for us.

The vectorised reader (:mod:`collabdx.io.columnar`) hands the file to pandas' C
parser, which is ~100× faster than checking rows in Python but not identical to
:func:`csv.reader` on malformed input: it cuts rows longer than the heading row
short when told which columns to read, and splits a lone carriage return into a
new row. So this scan, in blocks of a few MiB with numpy, lets through only files
on which both parsers agree, and returns ``None`` for anything else (binary data,
an unknown encoding, a quote in the middle of an unquoted cell, an unclosed quote,
a row longer than the heading row, old Mac line ends). Those files go to the row
reader in :mod:`collabdx.io.sources`, which gives today's exact answer or error.

Quote state is tracked by parity: a delimiter or line end is inside a quoted cell
when an odd number of quote characters precede it. That holds for well-formed CSV
(where ``""`` inside a quoted cell adds two), and the scan refuses the files where
it would not.
"""

from __future__ import annotations

import codecs
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

import numpy as np

from collabdx.io.sources import _SIGNATURES, _delimiter

BLOCK = 1 << 22  # 4 MiB: big enough for numpy to pay off, small enough to stay flat
HEAD = 1 << 16  # enough for any heading row; one longer is not a survey export
_QUOTE, _LF, _CR = ord('"'), ord("\n"), ord("\r")
_QUOTE_B = b'"'
_NONE = np.empty(0, dtype=np.intp)
# Bytes that cp1252 leaves undefined: the row reader refuses such files.
_CP1252_HOLES = (b"\x81", b"\x8d", b"\x8f", b"\x90", b"\x9d")


@dataclass(frozen=True)
class CsvLayout:
    """What pandas needs to read the file the way :func:`csv.reader` would."""

    source: Path | bytes  # bytes: a UTF-16 file re-encoded as UTF-8, in memory
    encoding: str
    delimiter: str
    records: int  # CSV records, heading row and blank lines included
    width: int  # fields in the heading row; no record has more


@dataclass
class _State:
    delimiter: int
    parity: int = 0  # quote characters seen so far, modulo 2
    last: int = _LF  # the byte before the current block (a line start at first)
    pending: int = 0  # delimiters in the record that is still open
    records: int = 0
    width: int | None = None
    widest: int = 0
    ok: bool = True
    utf8: bool = True
    cp1252: bool = True
    decoder: codecs.IncrementalDecoder = field(
        default_factory=lambda: codecs.getincrementaldecoder("utf-8")()
    )


def scan_csv(path: Path, preferred: str | None) -> CsvLayout | None:
    """The layout of ``path`` if pandas will read it exactly as the row reader does."""
    try:
        size = path.stat().st_size
        with path.open("rb") as f:
            head = f.read(HEAD)
    except OSError:
        return None  # the row reader words the error
    if not head.strip() or head.startswith((*(m for m, _ in _SIGNATURES), b"PK\x03\x04")):
        return None
    source: Path | bytes = path
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        # Qualtrics' TSV and Excel's "Unicode text" are UTF-16: re-encode in memory.
        try:
            data = path.read_bytes().decode("utf-16").encode("utf-8")
        except (OSError, UnicodeError):
            return None
        source, head, size = data, data[:HEAD], len(data)
    bom = 3 if head.startswith(codecs.BOM_UTF8) else 0
    first_line = head[bom:].split(b"\n", 1)[0].decode("utf-8", "ignore")
    if b"\n" not in head and size > len(head):
        return None  # a heading row longer than HEAD
    delimiter = _delimiter(first_line, preferred)
    state = _State(ord(delimiter))
    with open_source(source) as f:
        f.seek(bom)
        block = f.read(BLOCK)
        while block and state.ok:
            while block.endswith(b"\r"):  # keep CR LF together to tell it from a lone CR
                more = f.read(1)
                if not more:
                    break
                block += more
            _encoding(block, state)
            _analyse(block, state)
            block = f.read(BLOCK)
    return _finish(state, source, delimiter)


def open_source(source: Path | bytes) -> BinaryIO:
    """A fresh binary stream over the file (or its re-encoded bytes)."""
    return io.BytesIO(source) if isinstance(source, bytes) else source.open("rb")


def _encoding(block: bytes, state: _State) -> None:
    if b"\x00" in block:
        state.ok = False  # binary data: the row reader says so
    if state.cp1252 and any(hole in block for hole in _CP1252_HOLES):
        state.cp1252 = False
    # ASCII blocks are valid UTF-8, unless a multi-byte character is cut at the edge.
    # Decoding only validates: the text is dropped at once and never parsed.
    if state.utf8 and (not block.isascii() or state.decoder.getstate()[0]):
        try:
            state.decoder.decode(block)
        except UnicodeDecodeError:
            state.utf8 = False


def _analyse(block: bytes, state: _State) -> None:
    """Count records and fields outside quotes; refuse quotes the parsers disagree on.

    Works on the positions of the few quotes and line ends, not on a per-byte quote
    mask (a cumulative sum over every byte costs several times more).
    """
    a = np.frombuffer(block, dtype=np.uint8)
    n = a.size
    quotes = np.flatnonzero(a == _QUOTE) if _QUOTE_B in block else _NONE
    # The k-th quote of the block opens a quoted cell when parity + k is even.
    k = np.arange(quotes.size) + state.parity
    opens, closes = quotes[(k & 1) == 0], quotes[(k & 1) == 1]
    before = a[opens - 1] if opens.size else _NONE.astype(np.uint8)
    if opens.size and opens[0] == 0:
        before[0] = state.last
    if np.isin(before, (state.delimiter, _LF, _CR, _QUOTE), invert=True).any():
        state.ok = False  # a quote mid-cell: csv.reader keeps it, pandas may not
        return

    def outside(positions: np.ndarray) -> np.ndarray:
        return ((np.searchsorted(quotes, positions) + state.parity) & 1) == 0

    if b"\r" in block:
        cr = np.flatnonzero(a == _CR)
        cr = cr[outside(cr)]
        following = a[np.minimum(cr + 1, n - 1)]
        if ((following != _LF) | (cr == n - 1)).any():
            state.ok = False  # a lone CR ends a row for pandas, but not always for csv
            return
    lf = np.flatnonzero(a == _LF)
    ends = lf[outside(lf)]
    # Delimiters per record: all of them, less those inside quoted cells.
    delims = np.flatnonzero(a == state.delimiter)
    cuts = np.searchsorted(delims, ends)
    per_record = np.diff(np.append(cuts, delims.size), prepend=0)
    if state.parity:  # a quoted cell runs on from the previous block
        opens = np.insert(opens, 0, 0)
    if closes.size < opens.size:  # ... or on into the next one
        closes = np.append(closes, n)
    quoted = np.searchsorted(delims, closes) - np.searchsorted(delims, opens)
    per_record -= np.bincount(
        np.searchsorted(ends, opens), weights=quoted, minlength=per_record.size
    ).astype(np.int64)
    per_record[0] += state.pending
    if ends.size:
        if state.width is None:
            state.width = int(per_record[0]) + 1
        state.widest = max(state.widest, int(per_record[:-1].max()) + 1)
        state.records += int(ends.size)
    state.pending = int(per_record[-1])
    state.parity = (state.parity + quotes.size) & 1
    state.last = int(a[-1])


def _finish(state: _State, source: Path | bytes, delimiter: str) -> CsvLayout | None:
    if state.ok and state.utf8:
        try:
            state.decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            state.utf8 = False
    if not state.ok or state.parity or not (state.utf8 or state.cp1252):
        return None
    if state.last != _LF:  # the last record has no line end
        state.records += 1
        state.widest = max(state.widest, state.pending + 1)
        if state.width is None:
            state.width = state.pending + 1
    if state.width is None or state.widest > state.width:
        return None  # cells beyond the heading row: the row reader names them
    encoding = "utf-8-sig" if state.utf8 else "cp1252"
    return CsvLayout(source, encoding, delimiter, state.records, state.width)
