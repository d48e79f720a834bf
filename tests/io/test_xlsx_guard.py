"""Workbooks that would expand beyond sensible limits are refused at once (issue 17, bug 4).

A 5.8 MB workbook expanding to 1.5 GB ran 150 s under ``collabdx score`` with no
message, memory growing, until killed. The bomb here is built by hand: a real
workbook whose sheet XML is 1.5 GB of blanks inside <sheetData>, written as one
deflate block of 1 MiB of spaces repeated (each block is self-contained after a full
flush), so the file is about 1.6 MB on disk and costs nothing to make. Its CRC is
left wrong on purpose: the guard refuses it from the ZIP directory, before inflating
a byte; without the guard the reader works through 1.5 GB before it ever finds out.
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from pathlib import Path

import pytest
from openpyxl import Workbook
from typer.testing import CliRunner

from collabdx.cli import app
from collabdx.io import ResponseImportError, read_responses
from collabdx.io.xlsx_guard import (
    ENV_MAX_COLUMNS,
    ENV_MAX_MB,
    ENV_MAX_ROWS,
    XlsxLimits,
    check_archive,
)

SHEET = "xl/worksheets/sheet1.xml"
MIB = 1024 * 1024


def _deflate_full(data: bytes, *, last: bool = False) -> bytes:
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    return c.compress(data) + c.flush(zlib.Z_FINISH if last else zlib.Z_FULL_FLUSH)


def _raw_zip(members: list[tuple[str, bytes, int, int]]) -> bytes:
    """A ZIP from (name, deflated data, crc, uncompressed size), written by hand so a
    member's declared size can be far larger than its data."""
    out, central = bytearray(), bytearray()
    for name, data, crc, size in members:
        offset = len(out)
        encoded = name.encode()
        out += struct.pack("<4s5H3L2H", b"PK\x03\x04", 20, 0, 8, 0, 0x21, crc, len(data), size,
                           len(encoded), 0) + encoded + data  # fmt: skip
        central += struct.pack("<4s6H3L5H2L", b"PK\x01\x02", 20, 20, 0, 8, 0, 0x21, crc,
                               len(data), size, len(encoded), 0, 0, 0, 0, 0, offset)  # fmt: skip
        central += encoded
    end = struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, len(members), len(members),
                      len(central), len(out), 0)  # fmt: skip
    return bytes(out + central + end)


def make_bomb(path: Path, mib_of_blanks: int = 1536) -> Path:
    buf = io.BytesIO()
    wb = Workbook()
    wb.active.append(["respondent_id", "Q1"])
    wb.save(buf)
    members = []
    with zipfile.ZipFile(buf) as zf:
        for info in zf.infolist():
            if info.filename == SHEET:
                continue
            data = zf.read(info)
            members.append((info.filename, _deflate_full(data, last=True), zlib.crc32(data),
                            len(data)))  # fmt: skip
    head = (b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.'
            b'openxmlformats.org/spreadsheetml/2006/main"><sheetData>')  # fmt: skip
    tail = b"</sheetData></worksheet>"
    blanks = _deflate_full(b" " * MIB)
    body = _deflate_full(head) + blanks * mib_of_blanks + _deflate_full(tail, last=True)
    size = len(head) + mib_of_blanks * MIB + len(tail)
    members.append((SHEET, body, 0, size))  # CRC deliberately not computed (see above)
    path.write_bytes(_raw_zip(members))
    return path


@pytest.fixture
def bomb(tmp_path: Path) -> Path:
    return make_bomb(tmp_path / "responses.xlsx")


def test_the_bomb_is_small_on_disk_and_huge_when_opened(bomb: Path) -> None:
    assert bomb.stat().st_size < 3 * MIB
    with zipfile.ZipFile(bomb) as zf:
        assert sum(i.file_size for i in zf.infolist()) > 1500 * MIB


def test_a_zip_bomb_is_refused_before_reading(bomb: Path) -> None:
    with pytest.raises(ResponseImportError) as caught:
        read_responses(bomb)
    message = str(caught.value)
    assert "responses.xlsx" in message
    assert "1,536 MB" in message and f"limit of {XlsxLimits().max_uncompressed_mb} MB" in message
    assert ENV_MAX_MB in message  # says how an analyst can raise it


def test_the_cli_says_why_and_exits_nonzero(bomb: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["score", str(bomb), "-o", str(tmp_path / "s.csv")])
    assert result.exit_code == 2
    assert "expands to 1,536 MB" in result.output
    assert not (tmp_path / "s.csv").exists()


def test_a_raised_limit_lets_a_big_but_honest_workbook_through(tmp_path: Path, monkeypatch):
    """The limit is the analyst's to raise: the same check passes with a higher one."""
    monkeypatch.setenv(ENV_MAX_MB, "4000")
    data = make_bomb(tmp_path / "big.xlsx", mib_of_blanks=2).read_bytes()
    check_archive("big.xlsx", data, XlsxLimits.from_env())  # no error
    with pytest.raises(ResponseImportError):
        check_archive("big.xlsx", data, XlsxLimits(max_uncompressed_mb=1))


def _workbook(path: Path, rows: int, columns: int) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.append(["respondent_id", *[f"Q{i}" for i in range(1, 31)]][:columns])
    for r in range(rows):
        ws.append([r + 1, *([3] * (columns - 1))])
    wb.save(path)
    return path


def test_too_many_rows_stops_the_reading_with_the_limit_named(tmp_path: Path, monkeypatch):
    monkeypatch.setenv(ENV_MAX_ROWS, "50")
    path = _workbook(tmp_path / "rows.xlsx", rows=80, columns=31)
    with pytest.raises(ResponseImportError) as caught:
        read_responses(path)
    message = str(caught.value)
    assert "more than 50 rows" in message and ENV_MAX_ROWS in message


def test_too_many_columns_stops_the_reading_with_the_limit_named(tmp_path: Path, monkeypatch):
    monkeypatch.setenv(ENV_MAX_COLUMNS, "20")
    path = _workbook(tmp_path / "cols.xlsx", rows=3, columns=31)
    with pytest.raises(ResponseImportError) as caught:
        read_responses(path)
    message = str(caught.value)
    assert "more than 20 columns" in message and ENV_MAX_COLUMNS in message


def test_a_far_away_cell_counts_as_a_column(tmp_path: Path) -> None:
    """One cell in column XFD makes a row 16,384 cells wide: refused by the default."""
    wb = Workbook()
    wb.active.append(["respondent_id", "Q1"])
    wb.active.cell(row=2, column=16384, value=1)
    path = tmp_path / "far.xlsx"
    wb.save(path)
    with pytest.raises(ResponseImportError, match="more than 1,000 columns"):
        read_responses(path)


@pytest.mark.parametrize(
    ("name", "value"), [(ENV_MAX_MB, "lots"), (ENV_MAX_ROWS, "0"), (ENV_MAX_COLUMNS, "-3")]
)
def test_a_bad_limit_setting_is_named(monkeypatch, name: str, value: str) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(ValueError, match=name):
        XlsxLimits.from_env()


def test_an_ordinary_workbook_passes(plain_xlsx: Path) -> None:
    assert read_responses(plain_xlsx).summary.rows_kept == 2
