"""Bad input: every problem is reported with the row and column a user would look at."""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from openpyxl import Workbook

from collabdx.io import MAX_PROBLEMS, ResponseImportError, read_responses
from tests.io.conftest import PERSONAL_VALUES, QUALTRICS_NUMERIC

Rows = list[list[str]]
WriteCsv = Callable[..., Path]


def import_error(path: Path) -> ResponseImportError:
    with pytest.raises(ResponseImportError) as info:
        read_responses(path)
    return info.value


def set_cell(rows: Rows, sheet_row: int, column: str, value: str) -> Rows:
    rows[sheet_row - 1][rows[0].index(column)] = value
    return rows


def add_row(rows: Rows, **cells: str) -> Rows:
    row = [""] * len(rows[0])
    for column, value in cells.items():
        row[rows[0].index(column)] = value
    rows.append(row)
    return rows


# ---- cell values -------------------------------------------------------------


def test_out_of_range_code_message_is_exact(plain_rows: Rows, write_csv: WriteCsv) -> None:
    # The fixture has responses in rows 2-6; the new one is row 7.
    rows = add_row(plain_rows, respondent_id="A006", Q1="1", Q9="6")
    error = import_error(write_csv(rows))
    assert str(error) == "responses.csv, row 7, column Q9: code 6 is out of range (allowed 1–5)"
    assert error.problems[0].row == 7 and error.problems[0].column == "Q9"


@pytest.mark.parametrize(
    ("column", "value", "expected"),
    [
        ("Q9", "0", r"code 0 is out of range \(allowed 1–5\)"),
        ("Q1", "3", r"code 3 is out of range \(allowed 1–2\)"),
        ("Q9", "-1", r"code -1 is out of range"),
        ("Q9", "2.5", r"code 2.5 is not a whole number"),
        ("Q4", "1e400", r"is not a whole number"),
        ("Q9", "Agreed", r"'Agreed' is not an answer.*1 = Strongly disagree.*5 = Strongly agree"),
        # "Somewhat agree" belongs to other items' option set, not Q6's.
        ("Q6", "Somewhat agree", r"'Somewhat agree' is not an answer.*4 = Agree;"),
        ("Q6", "Agree (5)", r"'Agree \(5\)' does not match: 'Agree' is code 4"),
    ],
)
def test_bad_values(
    plain_rows: Rows, write_csv: WriteCsv, column: str, value: str, expected: str
) -> None:
    error = import_error(write_csv(set_cell(plain_rows, 4, column, value)))
    assert len(error.problems) == 1
    assert str(error).startswith(f"responses.csv, row 4, column {column}: ")
    assert re.search(expected, str(error))


def test_long_bad_text_is_shortened(plain_rows: Rows, write_csv: WriteCsv) -> None:
    error = import_error(write_csv(set_cell(plain_rows, 2, "Q7", "x" * 500)))
    assert "x" * 39 + "…'" in str(error) and "x" * 41 not in str(error)


def test_xlsx_cell_types(tmp_path: Path) -> None:
    from datetime import datetime

    wb = Workbook()
    ws = wb.active
    ws.append(["respondent_id", "Q1", "Q2", "Q6"])
    ws.append(["a", True, 2.5, datetime(2024, 3, 1)])
    path = tmp_path / "types.xlsx"
    wb.save(path)
    message = str(import_error(path))
    assert "row 2, column Q1: True is not an answer code" in message
    assert "row 2, column Q2: code 2.5 is not a whole number" in message
    assert "row 2, column Q6: holds a date or time" in message


# ---- columns -----------------------------------------------------------------


@pytest.mark.parametrize("heading", ["Q31", "Q0", "q7x", "Q7_1"])
def test_unknown_item_column(plain_rows: Rows, write_csv: WriteCsv, heading: str) -> None:
    rows = [[*r, "1"] for r in plain_rows]
    rows[0][-1] = heading
    error = import_error(write_csv(rows))
    assert str(error) == (
        f"responses.csv, row 1, column {heading}: not a question of readiness v1 "
        "(its questions are Q1–Q30)"
    )


def test_unknown_other_column(plain_rows: Rows, write_csv: WriteCsv) -> None:
    rows = [[*r, "note"] for r in plain_rows]
    rows[0][-1] = "Comments"
    message = str(import_error(write_csv(rows)))
    assert message.startswith("responses.csv, row 1, column Comments: unexpected column")
    assert "respondent_id" in message  # says which columns are known


def test_id_column_with_wrong_name_gets_a_hint(write_csv: WriteCsv) -> None:
    message = str(import_error(write_csv([["ID", "Q1"], ["a", "1"]])))
    assert (
        "column ID: unexpected column: the respondent id column must be called respondent_id"
        in (message)
    )


def test_duplicate_heading(write_csv: WriteCsv) -> None:
    message = str(
        import_error(write_csv([["respondent_id", "Q1", "Q2", "q1"], ["a", "1", "1", "2"]]))
    )
    assert "row 1, column q1: heading also used by column B" in message


def test_blank_heading_over_data(write_csv: WriteCsv) -> None:
    message = str(import_error(write_csv([["respondent_id", "", "Q1"], ["a", "x", "1"]])))
    assert message == "responses.csv, row 1, column B: this column has no heading but holds data"


def test_blank_heading_over_nothing_is_fine(write_csv: WriteCsv) -> None:
    assert (
        read_responses(write_csv([["respondent_id", "", "Q1"], ["a", "", "1"]])).summary.rows_kept
        == 1
    )


def test_wrong_instrument_in_collabdx_export(write_csv: WriteCsv) -> None:
    rows = [
        ["respondent_id", "instrument_id", "instrument_version", "Q1"],
        ["a", "readiness", "2", "1"],
    ]
    message = str(import_error(write_csv(rows)))
    assert message.startswith("responses.csv, row 2, column instrument_version: '2' does not match")


# ---- respondent ids ----------------------------------------------------------


def test_duplicate_respondent_id(plain_rows: Rows, write_csv: WriteCsv) -> None:
    rows = add_row(plain_rows, respondent_id="A002", Q1="1")
    assert str(import_error(write_csv(rows))) == (
        "responses.csv, row 7, column respondent_id: respondent id 'A002' is also used in "
        "row 3; ids must be unique"
    )


def test_empty_respondent_id(plain_rows: Rows, write_csv: WriteCsv) -> None:
    error = import_error(write_csv(set_cell(plain_rows, 5, "respondent_id", "  ")))
    assert str(error) == "responses.csv, row 5, column respondent_id: respondent id is empty"


def test_email_as_respondent_id_is_refused_without_echo(
    plain_rows: Rows, write_csv: WriteCsv
) -> None:
    message = str(import_error(write_csv(set_cell(plain_rows, 3, "respondent_id", "jo@x.org"))))
    assert "row 3, column respondent_id: respondent id looks like an e-mail" in message
    assert "jo@x.org" not in message


def test_duplicate_qualtrics_response_id(qualtrics_rows: Rows, write_csv: WriteCsv) -> None:
    rows = set_cell(qualtrics_rows, 11, "ResponseId", "R_1Fq3ZsTk9XyA2bC")
    assert str(import_error(write_csv(rows))) == (
        "responses.csv, row 11, column ResponseId: respondent id 'R_1Fq3ZsTk9XyA2bC' is also "
        "used in row 4; ids must be unique"
    )


# ---- many problems at once ---------------------------------------------------


def test_problems_are_collected_not_just_the_first(plain_rows: Rows, write_csv: WriteCsv) -> None:
    set_cell(plain_rows, 2, "Q9", "6")
    set_cell(plain_rows, 4, "Q27", "maybe")
    set_cell(plain_rows, 6, "respondent_id", "A001")
    plain_rows = [[*r, "1"] for r in plain_rows]
    plain_rows[0][-1] = "Q31"
    error = import_error(write_csv(plain_rows))
    located = [(p.row, p.column) for p in error.problems]
    assert located == [(1, "Q31"), (2, "Q9"), (4, "Q27"), (6, "respondent_id")]
    lines = str(error).splitlines()
    assert lines[0] == "responses.csv: 4 problems found; fix them and import the file again:"
    assert lines[2] == "- responses.csv, row 2, column Q9: code 6 is out of range (allowed 1–5)"


def test_error_survives_pickling(plain_rows: Rows, write_csv: WriteCsv) -> None:
    import pickle

    error = import_error(write_csv(set_cell(plain_rows, 2, "Q9", "6")))
    again = pickle.loads(pickle.dumps(error))
    assert str(again) == str(error) and again.problems == error.problems


def test_problem_list_is_capped(write_csv: WriteCsv) -> None:
    rows = [["respondent_id", "Q6"]] + [[f"r{i}", "9"] for i in range(30)]
    error = import_error(write_csv(rows))
    assert len(error.problems) == MAX_PROBLEMS and error.more == 30 - MAX_PROBLEMS
    assert str(error).splitlines()[-1] == "- … and 10 more not listed"
    assert "30 problems found" in str(error)


# ---- file type and emptiness -------------------------------------------------

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"


def _docx(path: Path) -> Path:
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("word/document.xml", "<w:document/>")
    return path


def _bytes(data: bytes) -> Callable[[Path], object]:
    return lambda p: p.write_bytes(data)


@pytest.mark.parametrize(
    ("name", "make", "expected"),
    [
        ("responses.csv", _bytes(PNG), "is not a CSV file: it looks like a PNG image"),
        ("responses.csv", _docx, "is not a CSV file: it looks like a Word document (.docx)"),
        ("responses.xlsx", _docx, "is not an Excel workbook: it looks like a Word document"),
        ("responses.xlsx", _bytes(b"respondent_id,Q1\na,1\n"),
         "is not an Excel workbook: it looks like a text file"),
        ("responses.csv", _bytes(b"%PDF-1.7\n%\xe2\xe3"), "looks like a PDF document"),
        ("responses.csv", _bytes(b"a,b\x00\x01\x02"), "contains binary data"),
        ("responses.pdf", _bytes(b"%PDF-1.7"), "unsupported file type ('.pdf')"),
        ("responses", _bytes(b"Q1\n1\n"), "unsupported file type (no extension)"),
        ("responses.xls", _bytes(b"x"), "old-style Excel .xls files are not supported"),
        ("responses.csv", _bytes(b""), "the file is empty"),
        ("responses.csv", _bytes(b" \n\n"), "the file is empty"),
        ("responses.csv", _bytes(b",,,\n,,\n"), "the file is empty"),
        ("responses.xlsx", _bytes(b"PK\x03\x04broken"), "looks like a damaged ZIP"),
    ],
)  # fmt: skip
def test_wrong_or_empty_files(
    tmp_path: Path, name: str, make: Callable[[Path], object], expected: str
) -> None:
    path = tmp_path / name
    make(path)
    message = str(import_error(path))
    assert message.startswith(f"{name}: ") and expected in message


def test_missing_file(tmp_path: Path) -> None:
    assert str(import_error(tmp_path / "nope.csv")) == "nope.csv: file not found"


def test_empty_workbook(tmp_path: Path) -> None:
    path = tmp_path / "blank.xlsx"
    Workbook().save(path)
    assert "the file is empty" in str(import_error(path))


def test_header_only_csv(write_csv: WriteCsv) -> None:
    message = str(import_error(write_csv([["respondent_id", "Q1", "Q2"]])))
    assert message == "responses.csv: the file has a heading row but no responses below it"


def test_header_only_qualtrics(qualtrics_rows: Rows, write_csv: WriteCsv) -> None:
    message = str(import_error(write_csv(qualtrics_rows[:3])))
    assert message == (
        "responses.csv: the file has the three Qualtrics header rows but no responses below them"
    )


# ---- malformed Qualtrics header rows -----------------------------------------


def test_qualtrics_missing_question_text_row(qualtrics_rows: Rows, write_csv: WriteCsv) -> None:
    del qualtrics_rows[1]
    message = str(import_error(write_csv(qualtrics_rows)))
    assert message.startswith("responses.csv, row 2: holds ImportIds, but question texts")


def test_qualtrics_missing_import_id_row(qualtrics_rows: Rows, write_csv: WriteCsv) -> None:
    del qualtrics_rows[2]  # now row 3 is the first response, with its personal data
    message = str(import_error(write_csv(qualtrics_rows)))
    assert message.startswith("responses.csv, row 3: expected ImportIds in every column")
    assert not [v for v in PERSONAL_VALUES if v in message]


def test_qualtrics_one_bad_import_id(qualtrics_rows: Rows, write_csv: WriteCsv) -> None:
    message = str(import_error(write_csv(set_cell(qualtrics_rows, 3, "Q9", "QID9"))))
    assert (
        message == 'responses.csv, row 3, column Q9: expected an ImportId like {"ImportId":"QID1"}'
    )


def test_qualtrics_truncated_header(qualtrics_rows: Rows, write_csv: WriteCsv) -> None:
    message = str(import_error(write_csv(qualtrics_rows[:2])))
    assert "the file ends before its header rows do" in message


def test_qualtrics_errors_never_show_personal_data(
    qualtrics_rows: Rows, write_csv: WriteCsv
) -> None:
    for row in range(4, 12):
        set_cell(qualtrics_rows, row, "Q9", "bogus")
        set_cell(qualtrics_rows, row, "ResponseId", "")
    message = str(import_error(write_csv(qualtrics_rows)))
    assert "row 4, column Q9" in message and "row 11, column ResponseId" in message
    assert not [v for v in PERSONAL_VALUES if v in message]


def test_reading_writes_nothing(tmp_path: Path, plain_rows: Rows, write_csv: WriteCsv) -> None:
    path = write_csv(set_cell(plain_rows, 2, "Q9", "6"))
    before = sorted(tmp_path.iterdir())
    import_error(path)
    assert sorted(tmp_path.iterdir()) == before


def test_qualtrics_fixture_is_untouched_by_reading() -> None:
    before = QUALTRICS_NUMERIC.read_bytes()
    read_responses(QUALTRICS_NUMERIC)
    assert QUALTRICS_NUMERIC.read_bytes() == before


def test_xlsx_rows_are_numbered_as_excel_shows_them(tmp_path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    ws["A1"], ws["B1"] = "respondent_id", "Q9"
    ws["A2"], ws["B2"] = "a", 3
    ws["A4"], ws["B4"] = "b", 6  # row 3 left empty
    path = tmp_path / "gaps.xlsx"
    wb.save(path)
    assert str(import_error(path)) == (
        "gaps.xlsx, row 4, column Q9: code 6 is out of range (allowed 1–5)"
    )
