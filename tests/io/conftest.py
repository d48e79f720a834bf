"""Shared fixtures for the import/export tests."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from pathlib import Path

import pytest
from openpyxl import Workbook

from collabdx.core.instruments import Instrument, load_instrument

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "io"
QUALTRICS_NUMERIC = FIXTURES / "qualtrics_numeric_values.csv"
QUALTRICS_TEXT = FIXTURES / "qualtrics_choice_text.csv"
PLAIN_CSV = FIXTURES / "responses_plain.csv"

# Everything in the personal-data columns of the two Qualtrics fixtures.
PERSONAL_VALUES = (
    "203.0.113.17", "198.51.100.23", "192.0.2.45", "203.0.113.200", "203.0.113.201",
    "198.51.100.77", "192.0.2.88", "203.0.113.99",
    "adaeze.okafor@northside.example.nhs.uk", "g.hughes@riverside-care.example.org",
    "priya.patel@northside.example.nhs.uk", "kasia.nowak@riverside-care.example.org",
    "fiona.campbell@northside.example.nhs.uk", "yusuf.ahmed@northside.example.nhs.uk",
    "Okafor", "Adaeze", "Hughes", "Gareth", "Patel", "Priya", "Nowak", "Kasia",
    "Campbell", "Fiona", "Ahmed", "Yusuf",
    "EMP-10017", "EMP-10023", "EMP-10045", "EMP-10077", "EMP-10088", "EMP-10099",
    "53.4808", "-2.2426", "53.4084", "-2.9916", "53.8008", "-1.5491", "51.5072", "-0.1276",
    "53.3811", "-1.4701", "55.8642", "-4.2518", "52.4862", "-1.8904",
)  # fmt: skip

ITEMS = [f"Q{i}" for i in range(1, 31)]


@pytest.fixture(scope="session")
def readiness() -> Instrument:
    return load_instrument("readiness", "1")


def read_csv_rows(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8-sig", newline="") as f:
        return [list(r) for r in csv.reader(f)]


def write_csv_rows(path: Path, rows: list[list[str]]) -> Path:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(rows)
    path.write_text(buf.getvalue(), encoding="utf-8")
    return path


@pytest.fixture
def write_csv(tmp_path: Path) -> Callable[..., Path]:
    """Write rows (lists of strings) as a CSV file in tmp_path."""

    def write(rows: list[list[str]], name: str = "responses.csv") -> Path:
        return write_csv_rows(tmp_path / name, rows)

    return write


@pytest.fixture
def plain_rows() -> list[list[str]]:
    """A fresh copy of the plain CSV fixture as rows, to corrupt in a test."""
    return read_csv_rows(PLAIN_CSV)


@pytest.fixture
def qualtrics_rows() -> list[list[str]]:
    return read_csv_rows(QUALTRICS_NUMERIC)


@pytest.fixture
def plain_xlsx(tmp_path: Path) -> Path:
    """A small workbook as Excel users make it: numeric ids, a 4.0, a "2" typed as
    text, blank cells, and the data on the first of two sheets."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Responses"
    ws.append(["respondent_id", *ITEMS])
    ws.append([101, 1, 2, "Northside Trust", 4, 3, 4.0, "2", 4, 3, 2, 4, 1, 2, 3, 4, 2, 2, 3,
               2, 2, 3, 4, 1, 3, 2, 4, 5, 4, 4, 3])  # fmt: skip
    ws.append([102, 2, 1, None, 1, 1, 5, 1, 5, 2, 1, 5, 1, 1, 4, 3, 3, 3, 2, 1, 1, 2, 3, 2, 4,
               1, 5, None, None, 5, 4])  # fmt: skip
    wb.create_sheet("Notes").append(["Pilot wave 1"])
    path = tmp_path / "responses.xlsx"
    wb.save(path)
    return path
