"""Qualtrics exports: both value styles, previews/tests left out, unfinished kept.

Expected codes are read off tests/fixtures/io/qualtrics_numeric_values.csv by hand;
the choice-text export holds the same eight responses written as labels, some
with stray spaces, odd case, a non-breaking space, an en dash or "(code)".
"""

from __future__ import annotations

import math
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import Workbook

from collabdx.io import read_responses
from tests.io.conftest import ITEMS, QUALTRICS_NUMERIC, QUALTRICS_TEXT

KEPT = [
    "R_1Fq3ZsTk9XyA2bC",
    "R_2Ws8PqLm4VnB7cD",
    "R_3Hj6KdRt2MzQ8eF",
    "R_6Ic9NoFinK3mN4p",
    "R_7Gx2VbNc5QwE6rT",
    "R_8Lm3AsDf7GhJ1kZ",
]
CHOICE = [q for q in ITEMS if q != "Q3"]


def answered(codes: pd.DataFrame, rid: str) -> dict[str, float]:
    row = codes.loc[rid].to_dict()
    return {str(k): float(v) for k, v in row.items() if not math.isnan(v)}


@pytest.fixture(scope="module", params=[QUALTRICS_NUMERIC, QUALTRICS_TEXT], ids=["num", "text"])
def result(request: pytest.FixtureRequest):
    return read_responses(request.param)


def test_kept_respondents_in_file_order(result) -> None:
    assert list(result.responses.respondent_ids) == KEPT


def test_hand_checked_codes(result) -> None:
    codes = result.responses.codes
    r1 = [1, 2, 4, 3, 4, 2, 4, 3, 2, 4, 1, 2, 3, 4, 2, 2, 3, 2, 2, 3, 4, 1, 3, 2, 4, 5, 4, 4, 3]
    assert answered(codes, KEPT[0]) == dict(zip(CHOICE, r1, strict=True))
    # R_6 stopped after Q12 (Progress 40, Finished false).
    r6 = {"Q1": 2, "Q2": 1, "Q4": 1, "Q5": 1, "Q6": 2, "Q7": 3, "Q8": 3, "Q9": 4, "Q10": 3,
          "Q11": 3, "Q12": 2}  # fmt: skip
    assert answered(codes, "R_6Ic9NoFinK3mN4p") == r6
    # R_8 skipped Q14 and Q26.
    r8 = [2, 2, 2, 2, 1, 5, 1, 4, 5, 1, 2, 1, 4, 4, 2, 2, 3, 5, 5, 4, 2, 2, 4, 3, 2, 3, 1]
    without = [q for q in CHOICE if q not in ("Q14", "Q26")]
    assert answered(codes, "R_8Lm3AsDf7GhJ1kZ") == dict(zip(without, r8, strict=True))


def test_text_answers(result) -> None:
    text = result.responses.text["Q3"]
    assert text["R_2Ws8PqLm4VnB7cD"] == "Riverside Community Care"
    assert text["R_3Hj6KdRt2MzQ8eF"] == ""
    assert text["R_8Lm3AsDf7GhJ1kZ"] == '=HYPERLINK("http://evil.example/","Click")'


def test_summary_counts(result) -> None:
    s = result.summary
    assert s.format == "qualtrics-csv"
    assert (s.rows_read, s.rows_kept) == (8, 6)
    assert (s.excluded_previews, s.excluded_tests, s.incomplete_kept) == (1, 1, 1)
    assert s.items_missing == ()
    assert s.personal_columns_dropped == (
        "IPAddress",
        "RecipientLastName",
        "RecipientFirstName",
        "RecipientEmail",
        "ExternalReference",
        "LocationLatitude",
        "LocationLongitude",
    )


def test_both_styles_give_identical_responses() -> None:
    numeric = read_responses(QUALTRICS_NUMERIC)
    text = read_responses(QUALTRICS_TEXT)
    assert numeric.summary.value_style == "codes"
    assert text.summary.value_style == "choice text"
    pd.testing.assert_frame_equal(numeric.responses.codes, text.responses.codes)
    pd.testing.assert_frame_equal(numeric.responses.text, text.responses.text)


@pytest.mark.parametrize(
    ("rid", "item", "code"),
    [
        ("R_1Fq3ZsTk9XyA2bC", "Q6", 4),  # "agree " (trailing space)
        ("R_1Fq3ZsTk9XyA2bC", "Q11", 4),  # "Somewhat agree" on an agree_somewhat item
        ("R_2Ws8PqLm4VnB7cD", "Q6", 5),  # " strongly AGREE "
        ("R_2Ws8PqLm4VnB7cD", "Q7", 1),  # "Strongly<NBSP>disagree"
        ("R_2Ws8PqLm4VnB7cD", "Q19", 1),  # "Yes, fully" (quoted comma)
        ("R_3Hj6KdRt2MzQ8eF", "Q9", 5),  # "Strongly agree (5)"
        ("R_3Hj6KdRt2MzQ8eF", "Q4", 2),  # "1–3 months" with an en dash
        ("R_3Hj6KdRt2MzQ8eF", "Q20", 4),  # "Unfavourable"
        ("R_7Gx2VbNc5QwE6rT", "Q14", 5),  # "STRONGLY AGREE"
        ("R_7Gx2VbNc5QwE6rT", "Q8", 3),  # "Neither positive nor negative or no history"
        ("R_8Lm3AsDf7GhJ1kZ", "Q30", 1),  # "  strongly  disagree"
    ],
)
def test_messy_choice_text(rid: str, item: str, code: int) -> None:
    assert read_responses(QUALTRICS_TEXT).responses.codes.loc[rid, item] == code


def _drop_column(rows: list[list[str]], name: str) -> list[list[str]]:
    index = rows[0].index(name)
    return [r[:index] + r[index + 1 :] for r in rows]


def test_status_alone_excludes_previews_and_tests(
    qualtrics_rows: list[list[str]], write_csv: Callable[..., Path]
) -> None:
    s = read_responses(write_csv(_drop_column(qualtrics_rows, "DistributionChannel"))).summary
    assert (s.excluded_previews, s.excluded_tests, s.rows_kept) == (1, 1, 6)


def test_channel_alone_excludes_previews_and_tests(
    qualtrics_rows: list[list[str]], write_csv: Callable[..., Path]
) -> None:
    s = read_responses(write_csv(_drop_column(qualtrics_rows, "Status"))).summary
    assert (s.excluded_previews, s.excluded_tests, s.rows_kept) == (1, 1, 6)


@pytest.mark.parametrize(("status", "kind"), [("9", "preview"), ("17", "preview"), ("4", None)])
def test_other_status_codes(
    qualtrics_rows: list[list[str]], write_csv: Callable[..., Path], status: str, kind: str | None
) -> None:
    rows = _drop_column(qualtrics_rows, "DistributionChannel")
    rows[3][rows[0].index("Status")] = status  # first response, spreadsheet row 4
    s = read_responses(write_csv(rows)).summary
    assert s.excluded_previews == (2 if kind == "preview" else 1)
    assert s.rows_kept == (5 if kind else 6)


def test_bad_cells_in_excluded_rows_are_ignored(
    qualtrics_rows: list[list[str]], write_csv: Callable[..., Path]
) -> None:
    rows = qualtrics_rows
    rows[6][rows[0].index("Q9")] = "99"  # row 7 is the preview
    assert read_responses(write_csv(rows)).summary.rows_kept == 6


def test_qualtrics_xlsx_export(qualtrics_rows: list[list[str]], tmp_path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    for r, row in enumerate(qualtrics_rows, start=1):
        for c, v in enumerate(row, start=1):
            cell = ws.cell(r, c)
            if r > 3 and v.isdigit():
                cell.value = int(v)  # Qualtrics' Excel export writes numbers as numbers
            elif v:
                cell.value = v
                cell.data_type = "s"  # text, even "=HYPERLINK(...)"
    path = tmp_path / "qualtrics.xlsx"
    wb.save(path)
    result = read_responses(path)
    assert result.summary.format == "qualtrics-xlsx"
    numeric = read_responses(QUALTRICS_NUMERIC).responses
    pd.testing.assert_frame_equal(result.responses.codes, numeric.codes)
    pd.testing.assert_frame_equal(result.responses.text, numeric.text)


def test_system_columns_are_accepted(
    qualtrics_rows: list[list[str]], write_csv: Callable[..., Path]
) -> None:
    rows = [[*r, v] for r, v in zip(qualtrics_rows, ["Q_RecaptchaScore", "Q_RecaptchaScore",
            '{"ImportId":"_recaptchaScore"}'] + ["0.9"] * 8, strict=True)]  # fmt: skip
    assert read_responses(write_csv(rows)).summary.rows_kept == 6
