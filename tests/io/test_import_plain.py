"""Plain CSV/XLSX import: respondent_id plus one column per item.

Expected codes are read off the fixture files by hand.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from pathlib import Path

import pytest

from collabdx.core.responses import ResponseSet
from collabdx.io import read_responses
from tests.io.conftest import ITEMS, PLAIN_CSV


def code(rs: ResponseSet, rid: str, item: str) -> float:
    return float(rs.codes[item].to_dict()[rid])


def codes_of(result, rid: str) -> dict[str, float]:
    row = result.responses.codes.loc[rid]
    return {k: v for k, v in row.items() if not math.isnan(v)}


def test_plain_csv_codes_and_text() -> None:
    result = read_responses(PLAIN_CSV)
    rs = result.responses
    assert (rs.instrument_id, rs.instrument_version) == ("readiness", "1")
    assert list(rs.respondent_ids) == ["A001", "A002", "A003", "A004", "A005"]
    a001 = [1, 1, 4, 3, 4, 2, 4, 3, 2, 4, 1, 2, 3, 4, 2, 2, 3, 2, 2, 3, 4, 1, 3, 2, 4, 5, 4, 4, 3]
    assert codes_of(result, "A001") == dict(zip([q for q in ITEMS if q != "Q3"], a001, strict=True))
    # A003 skipped Q14; A005 answered only Q1, Q2, Q4 and " 4 " for Q5.
    assert math.isnan(code(rs, "A003", "Q14"))
    assert codes_of(result, "A005") == {"Q1": 2, "Q2": 1, "Q4": 4, "Q5": 4}
    assert rs.text.loc["A002", "Q3"] == "Riverside Community Care, Adult Services"
    assert rs.text.loc["A003", "Q3"] == ""
    assert rs.text.loc["A004", "Q3"] == 'St Mary\'s "Community" Hospice'
    assert rs.text.loc["A005", "Q3"] == "-Trust Board"
    assert "Q3" not in rs.codes.columns


def test_plain_csv_summary() -> None:
    s = read_responses(PLAIN_CSV).summary
    assert (s.format, s.value_style, s.rows_read, s.rows_kept) == ("csv", "codes", 5, 5)
    assert (s.excluded_previews, s.excluded_tests, s.incomplete_kept) == (0, 0, 0)
    assert s.personal_columns_dropped == () and s.items_missing == ()
    assert any("Read 5 responses" in line for line in s.lines())


def test_row_number_is_id_without_id_column(write_csv: Callable[..., Path]) -> None:
    path = write_csv([["Q1", "Q6"], ["1", "5"], ["", ""], ["2", "3"]])
    rs = read_responses(path).responses
    # The blank middle row is skipped, but ids still follow the rows users see.
    assert list(rs.respondent_ids) == ["1", "3"]
    assert rs.codes.loc["3", "Q6"] == 3


def test_missing_item_columns_are_unanswered(write_csv: Callable[..., Path]) -> None:
    result = read_responses(write_csv([["respondent_id", "Q6", "q7"], ["x1", "4", "2"]]))
    assert result.responses.codes.loc["x1", "Q7"] == 2  # heading case is forgiven
    assert math.isnan(code(result.responses, "x1", "Q8"))
    assert "Q8" in result.summary.items_missing and "Q6" not in result.summary.items_missing


def test_labels_and_excel_style_numbers_accepted(write_csv: Callable[..., Path]) -> None:
    path = write_csv([["respondent_id", "Q6", "Q11", "Q4"], ["r1", "4.0", "somewhat agree", "+2"]])
    assert codes_of(read_responses(path), "r1") == {"Q6": 4, "Q11": 4, "Q4": 2}


def test_semicolon_delimited_csv(tmp_path: Path) -> None:
    path = tmp_path / "europe.csv"
    path.write_text("respondent_id;Q1;Q6\nb1;2;5\n", encoding="utf-8")
    assert codes_of(read_responses(path), "b1") == {"Q1": 2, "Q6": 5}


def test_windows_1252_csv(tmp_path: Path) -> None:
    path = tmp_path / "excel.csv"
    path.write_bytes("respondent_id,Q3,Q1\nw1,Café Trust,1\n".encode("cp1252"))
    assert read_responses(path).responses.text.loc["w1", "Q3"] == "Café Trust"


def test_plain_xlsx(plain_xlsx: Path) -> None:
    result = read_responses(plain_xlsx)
    rs = result.responses
    assert result.summary.format == "xlsx"
    assert list(rs.respondent_ids) == ["101", "102"]
    first = [1, 2, 4, 3, 4, 2, 4, 3, 2, 4, 1, 2, 3, 4, 2, 2, 3, 2, 2, 3, 4, 1, 3, 2, 4, 5, 4, 4, 3]
    assert codes_of(result, "101") == dict(zip([q for q in ITEMS if q != "Q3"], first, strict=True))
    assert rs.text.loc["101", "Q3"] == "Northside Trust"
    assert rs.text.loc["102", "Q3"] == ""
    assert math.isnan(code(rs, "102", "Q27")) and math.isnan(code(rs, "102", "Q28"))
    assert rs.codes.loc["102", "Q29"] == 5 and rs.codes.loc["102", "Q30"] == 4


def test_progress_is_reported(write_csv: Callable[..., Path]) -> None:
    rows = [["respondent_id", "Q1"]] + [[f"p{i}", "1"] for i in range(250)]
    calls: list[tuple[int, int]] = []
    read_responses(write_csv(rows), progress=lambda done, total: calls.append((done, total)))
    assert calls[0] == (0, 250) and calls[-1] == (250, 250)
    assert (100, 250) in calls and (200, 250) in calls
    assert [c[0] for c in calls] == sorted(c[0] for c in calls)


def test_personal_columns_dropped_from_plain_file(write_csv: Callable[..., Path]) -> None:
    path = write_csv([["respondent_id", "Email", "Q1"], ["e1", "sam@example.org", "1"]])
    result = read_responses(path)
    assert result.summary.personal_columns_dropped == ("Email",)
    assert "sam@example.org" not in repr(result)


@pytest.mark.parametrize("version_cell", ["1", ""])
def test_collabdx_metadata_columns_accepted(
    write_csv: Callable[..., Path], version_cell: str
) -> None:
    path = write_csv(
        [
            ["respondent_id", "instrument_id", "instrument_version", "Q1", "scale_shared_vision"],
            ["m1", "readiness", version_cell, "2", "4.5"],
        ]
    )
    assert codes_of(read_responses(path), "m1") == {"Q1": 2}
