"""Exports: tidy wide tables, codebooks, formula safety and atomic writes."""

from __future__ import annotations

import csv
import json
import math
from pathlib import Path
from typing import Any, cast

import pandas as pd
import pytest
from openpyxl import load_workbook

from collabdx.core.instruments import Instrument
from collabdx.core.responses import ResponseSet, from_records
from collabdx.core.scoring import scale_scores
from collabdx.io import ExportFormat, codebook_path, export_responses, read_responses
from collabdx.io import exporters as exporters_module
from collabdx.io.safe import DANGEROUS_STARTS
from tests.io.conftest import ITEMS, QUALTRICS_NUMERIC

R1 = "R_1Fq3ZsTk9XyA2bC"
R8 = "R_8Lm3AsDf7GhJ1kZ"
FORMULA = '=HYPERLINK("http://evil.example/","Click")'
FIXED = ["respondent_id", "instrument_id", "instrument_version"]


@pytest.fixture(scope="module")
def responses() -> ResponseSet:
    return read_responses(QUALTRICS_NUMERIC).responses


@pytest.fixture
def hostile(readiness: Instrument) -> ResponseSet:
    """Text cells crafted to be run as formulas, in every position text can take."""
    texts = ["=1+1", "+SUM(A1)", "-1+2", "@cmd", "\tTab", "\rCR", "'=quoted", "\x01=hidden"]
    records: list[dict[str, object]] = [{"Q1": 1, "Q3": t, "Q6": 5} for t in texts]
    return from_records(readiness, records, ids=[f"={i}" for i in range(len(texts))])


def dangerous(value: object) -> bool:
    return isinstance(value, str) and bool(value) and value[0] in DANGEROUS_STARTS


# ---- content -----------------------------------------------------------------


def test_tidy_csv(responses: ResponseSet, tmp_path: Path) -> None:
    out = tmp_path / "export.csv"
    written = export_responses(responses, out, "csv", scores=scale_scores(responses))
    assert written == [out, tmp_path / "export.codebook.json"]
    with out.open(encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    header = rows[0]
    scales = [f"scale_{s}" for s in responses.instrument.scales]
    assert header == FIXED + ITEMS + scales
    by_id = {r[0]: dict(zip(header, r, strict=True)) for r in rows[1:]}
    assert list(by_id) == list(responses.respondent_ids)
    r1 = by_id[R1]
    assert (r1["instrument_id"], r1["instrument_version"]) == ("readiness", "1")
    assert (r1["Q1"], r1["Q6"], r1["Q30"]) == ("1", "4", "3")  # whole numbers, not "4.0"
    # Initial trust for R1 by hand: Q6 4, Q7 2→4, Q8 4, Q9 3→3, Q10 2→4, Q11 4 = 23/6.
    assert float(r1["scale_initial_trust"]) == pytest.approx(23 / 6)
    assert by_id[R8]["Q14"] == "" and by_id[R8]["Q3"] == "'" + FORMULA
    assert by_id["R_3Hj6KdRt2MzQ8eF"]["Q3"] == ""


def test_scores_are_optional_and_aligned(responses: ResponseSet, tmp_path: Path) -> None:
    export_responses(responses, tmp_path / "plain.csv", "csv")
    assert not any(c.startswith("scale_") for c in pd.read_csv(tmp_path / "plain.csv").columns)
    shuffled = scale_scores(responses).iloc[::-1]
    export_responses(responses, tmp_path / "s.csv", "csv", scores=shuffled)
    df = pd.read_csv(tmp_path / "s.csv", dtype={"respondent_id": str}).set_index("respondent_id")
    assert df.loc[R1, "scale_initial_trust"] == pytest.approx(23 / 6)
    with pytest.raises(ValueError, match="scores has no row"):
        export_responses(responses, tmp_path / "x.csv", "csv", scores=shuffled.iloc[:2])


def test_codebook_sidecar(responses: ResponseSet, tmp_path: Path) -> None:
    out = tmp_path / "wave1.xlsx"
    export_responses(responses, out, "xlsx", scores=scale_scores(responses))
    book = json.loads(codebook_path(out).read_text(encoding="utf-8"))
    assert codebook_path(out).name == "wave1.codebook.json"
    assert book["instrument"]["id"] == "readiness" and book["instrument"]["version"] == "1"
    entries = {e["name"]: e for e in book["codebook"]}
    header = [c.value for c in load_workbook(out)["responses"][1]]
    assert list(entries) == header
    q7 = entries["Q7"]
    assert q7["label"] == (
        "There are problems with the way your collaborator(s) are perceived in your organisation"
    )
    assert (q7["type"], q7["role"], q7["reverse_keyed"], q7["scale"]) == (
        "choice", "scored", True, "initial_trust",
    )  # fmt: skip
    assert q7["codes"][0] == {"code": 1, "label": "Strongly disagree"}
    assert q7["source"]
    assert entries["Q6"]["reverse_keyed"] is False
    assert entries["Q3"]["type"] == "text" and entries["Q3"]["codes"] == []
    assert entries["Q13"]["role"] == "context" and entries["Q13"]["scale"] is None
    trust = entries["scale_initial_trust"]
    assert trust["type"] == "score" and trust["items"] == ["Q6", "Q7", "Q8", "Q9", "Q10", "Q11"]


def test_xlsx_sheets(responses: ResponseSet, tmp_path: Path) -> None:
    out = tmp_path / "export.xlsx"
    export_responses(responses, out, "xlsx")
    wb = load_workbook(out)
    assert wb.sheetnames == ["responses", "codebook"]
    ws = wb["responses"]
    header = [c.value for c in ws[1]]
    assert header == FIXED + ITEMS
    r1 = {h: c.value for h, c in zip(header, ws[2], strict=True)}
    assert r1["respondent_id"] == R1 and r1["Q6"] == 4 and isinstance(r1["Q6"], int)
    r8 = {h: c.value for h, c in zip(header, ws[ws.max_row], strict=True)}
    assert r8["Q14"] is None and r8["Q3"] == "'" + FORMULA
    assert [c.value for c in wb["codebook"][1]][:3] == ["name", "label", "type"]


def test_json(responses: ResponseSet, tmp_path: Path) -> None:
    out = tmp_path / "export.json"
    assert export_responses(responses, out, "json", scores=scale_scores(responses)) == [out]
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert set(doc) == {"instrument", "codebook", "responses"}
    assert len(doc["responses"]) == 6
    r8 = doc["responses"][-1]
    assert r8["respondent_id"] == R8 and r8["Q14"] is None and r8["Q6"] == 1
    assert r8["Q3"] == FORMULA  # JSON is data, not a spreadsheet: kept as given
    assert [e["name"] for e in doc["codebook"]] == list(r8)
    assert not codebook_path(out).exists()


def test_unknown_format(responses: ResponseSet, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="unknown export format"):
        export_responses(responses, tmp_path / "x.txt", cast(Any, "txt"))


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_round_trip(responses: ResponseSet, tmp_path: Path, fmt: ExportFormat) -> None:
    out = tmp_path / f"export.{fmt}"
    export_responses(responses, out, fmt, scores=scale_scores(responses))
    again = read_responses(out).responses
    pd.testing.assert_frame_equal(again.codes, responses.codes)
    pd.testing.assert_frame_equal(again.text, responses.text)  # formula text restored


# ---- formula safety ----------------------------------------------------------


def test_csv_has_no_formula_cells(hostile: ResponseSet, tmp_path: Path) -> None:
    out = tmp_path / "hostile.csv"
    export_responses(hostile, out, "csv", scores=scale_scores(hostile))
    df = pd.read_csv(out, dtype=str, keep_default_na=False)
    cells = list(df.columns) + [v for col in df.columns for v in df[col]]
    assert not [c for c in cells if dangerous(c)]
    assert list(df["Q3"][:3]) == ["'=1+1", "'+SUM(A1)", "'-1+2"]
    assert df["respondent_id"][0] == "'=0"
    # Raw text too, in case a reader strips quotes differently.
    with out.open(encoding="utf-8", newline="") as f:
        assert not [c for row in csv.reader(f) for c in row if dangerous(c)]
    # And all of it reads back as it was.
    again = read_responses(out).responses
    pd.testing.assert_frame_equal(again.text, hostile.text)


def test_xlsx_has_no_formula_cells(hostile: ResponseSet, tmp_path: Path) -> None:
    out = tmp_path / "hostile.xlsx"
    export_responses(hostile, out, "xlsx", scores=scale_scores(hostile))
    wb = load_workbook(out)
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", cell.coordinate
                assert not dangerous(cell.value), (ws.title, cell.coordinate, cell.value)
    q3 = [c.value for c in wb["responses"]["F"][1:]]
    assert q3[0] == "'=1+1" and q3[-1] == "'=hidden"  # control character removed first
    sheet = pd.read_excel(out, sheet_name=None, dtype=str, keep_default_na=False)
    for df in sheet.values():
        assert not [c for c in [*df.columns, *df.to_numpy().ravel()] if dangerous(c)]


# ---- atomic writes -----------------------------------------------------------


def _boom(*args: object, **kwargs: object) -> None:
    path = next(a for a in args if isinstance(a, Path))
    path.write_text("respondent_id,Q1\npartial")  # something was written before failing
    raise OSError("disk full")


@pytest.mark.parametrize(
    ("fmt", "failing"),
    [("csv", "_write_csv"), ("xlsx", "_write_xlsx"), ("json", "_write_json"),
     ("csv", "_write_json")],  # the sidecar fails after the main file was written
)  # fmt: skip
def test_failed_write_leaves_nothing(
    responses: ResponseSet,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    fmt: ExportFormat,
    failing: str,
) -> None:
    monkeypatch.setattr(exporters_module, failing, _boom)
    with pytest.raises(OSError, match="disk full"):
        export_responses(responses, tmp_path / f"out.{fmt}", fmt)
    assert list(tmp_path.iterdir()) == []


def test_failed_write_keeps_previous_export(
    responses: ResponseSet, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out.csv"
    export_responses(responses, out, "csv")
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    monkeypatch.setattr(exporters_module, "_write_json", _boom)
    with pytest.raises(OSError):
        export_responses(responses, out, "csv")
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == before


def test_missing_folder(responses: ResponseSet, tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        export_responses(responses, tmp_path / "no" / "such.csv", "csv")


def test_nan_scores_are_blank(readiness: Instrument, tmp_path: Path) -> None:
    rs = from_records(readiness, [{"Q6": 4}], ids=["only"])
    out = tmp_path / "one.json"
    export_responses(rs, out, "json", scores=scale_scores(rs))
    row = json.loads(out.read_text())["responses"][0]
    assert row["scale_initial_trust"] is None and row["Q6"] == 4
    assert not any(isinstance(v, float) and math.isnan(v) for v in row.values())
