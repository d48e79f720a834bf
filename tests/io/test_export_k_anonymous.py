"""Exports made k-anonymous (issue 12): every row-level format read back and checked by
a brute-force attacker; nothing but the quasi-identifiers changes; the codebook and
the Frictionless package say what was done."""

from __future__ import annotations

import csv
import json
import tempfile
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from openpyxl import load_workbook

from collabdx.core.instruments import load_instrument
from collabdx.core.microdata import NOT_SHOWN, TooFewRows, anonymise
from collabdx.core.responses import ResponseSet, from_records
from collabdx.core.scoring import scale_scores
from collabdx.io import codebook_path, export_responses
from collabdx.io.exporters import tidy_table
from collabdx.io.longformat import write_long
from tests.core.test_microdata import QIS, waves

READINESS = load_instrument("readiness", "1")


def text(value: object) -> str:
    """A cell as text, numbers in one form whatever the format ("5", 5, 5.0: "5")."""
    if value is None:
        return ""
    try:
        number = float(str(value))
    except ValueError:
        return str(value)
    # XLSX keeps 15 significant digits, so compare numbers to 12.
    return str(int(number)) if number.is_integer() else f"{number:.12g}"


def read_all(folder: Path, rs: ResponseSet, protection) -> dict[str, dict[str, dict[str, str]]]:
    """Every format written and read back: format -> respondent id -> column -> text."""
    scores = scale_scores(rs)
    out: dict[str, dict[str, dict[str, str]]] = {}
    for fmt in ("csv", "xlsx", "json"):
        path = folder / f"export.{fmt}"
        export_responses(rs, path, fmt, scores=scores, protection=protection)
        if fmt == "csv":
            with path.open(encoding="utf-8", newline="") as f:
                records = list(csv.DictReader(f))
        elif fmt == "xlsx":
            sheet = load_workbook(path, read_only=True)["responses"]
            rows = list(sheet.iter_rows(values_only=True))
            records = [dict(zip(rows[0], r, strict=True)) for r in rows[1:]]
        else:
            records = json.loads(path.read_text(encoding="utf-8"))["responses"]
        out[fmt] = {text(r["respondent_id"]): {str(c): text(v) for c, v in r.items()}
                    for r in records}  # fmt: skip
    write_long(rs, folder / "long", protection)
    long: dict[str, dict[str, str]] = {}
    with (folder / "long" / "responses_long.csv").open(encoding="utf-8", newline="") as f:
        for r in csv.DictReader(f):
            long.setdefault(r["respondent_id"], {})[r["item_id"]] = r["code"] or r["shown_as"]
    out["long"] = long
    return out


def small_classes(records: dict[str, dict[str, str]], qis, k: int) -> dict:
    counts = Counter(tuple(r.get(q, "") for q in qis) for r in records.values())
    return {key: n for key, n in counts.items() if n < k}


@settings(max_examples=20, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])  # fmt: skip
@given(wave=waves())
def test_every_format_is_k_anonymous_and_changes_nothing_else(wave):
    rs, partners, k = wave
    if 0 < rs.n < k:
        with pytest.raises(TooFewRows):
            anonymise(rs, k, partners=partners)
        return
    protection = anonymise(rs, k, partners=partners)
    qis = QIS[rs.instrument.id]
    with tempfile.TemporaryDirectory() as tmp:
        files = read_all(Path(tmp), rs, protection)
        book = json.loads(codebook_path(Path(tmp) / "export.csv").read_text(encoding="utf-8"))
    header, plain_rows = tidy_table(rs, scale_scores(rs))
    plain = {text(r[0]): dict(zip(header, map(text, r), strict=True)) for r in plain_rows}
    for fmt, records in files.items():
        assert set(records) == set(plain), fmt  # every row, no other
        # The long file has no organisation column (no free text at all).
        assert small_classes(records, [q for q in qis if fmt != "long" or q != "Q3"], k) == {}
        for rid, row in records.items():
            for column, value in row.items():
                if column not in qis:
                    assert value == plain[rid][column], (fmt, rid, column)
    # The same respondent shows the same values in every format.
    for rid in plain:
        shown = {fmt: tuple(files[fmt][rid].get(q, "") for q in qis if q != "Q3") for fmt in files}
        assert len(set(shown.values())) == 1, shown
    # The codebook counts what the file shows.
    section = {c["name"]: c for c in book["disclosure"]["columns"]}
    for q in qis:
        column = [r[q] for r in files["csv"].values()]
        assert section[q]["cells_not_shown"] == column.count(NOT_SHOWN), q
        assert section[q]["cells_generalised"] == sum("-" in v for v in column), q


@pytest.fixture
def banded(tmp_path: Path) -> tuple[ResponseSet, object]:
    # Two partners of 12; Q5 (time on the collaboration, in no report breakdown) with
    # rare short answers that are banded; one "Both" in Beta, hidden everywhere.
    records = []
    for name in ("Alpha", "Beta"):
        for i in range(12):
            q5 = 1 if i < 3 else 2 if i < 6 else 4
            q2 = 3 if (name, i) == ("Beta", 0) else 1
            records.append({"Q1": 2, "Q2": q2, "Q3": name, "Q4": 4, "Q5": q5, "Q6": 3})
    rs = from_records(READINESS, records)
    return rs, anonymise(rs, 5, partners=["Alpha", "Beta"])


def test_the_codebook_says_what_was_done_in_plain_words(banded, tmp_path):
    rs, protection = banded
    export_responses(rs, tmp_path / "e.json", "json", protection=protection)
    doc = json.loads((tmp_path / "e.json").read_text(encoding="utf-8"))
    section = doc["disclosure"]
    assert section["k_anonymous"] and section["minimum_group_size"] == 5
    assert "shared by at least 5 rows" in section["summary"]
    words = {c["name"]: c["what_was_done"] for c in section["columns"]}
    assert words["Q3"] == "Every organisation is shown: the group report shows them all."
    assert words["Q2"].startswith("The group report shows no breakdown by this question")
    assert 'Answers 1 to 2 (Less than one month and 1-3 months) are shown as one band, "1-2" ' \
           "(Less than 3 months), in every row." in words["Q5"]  # fmt: skip
    codes = {e["name"]: e["codes"] for e in doc["codebook"]}
    assert {"code": "1-2", "label": "Less than 3 months (answers 1 to 2, merged to protect "
            "anonymity)"} in codes["Q5"]  # fmt: skip
    assert codes["Q2"][-1]["code"] == NOT_SHOWN
    ids = {e["name"]: e["label"] for e in doc["codebook"]}
    assert ids["respondent_id"].startswith("Respondent id, made up for this file")
    assert Counter(r["Q5"] for r in doc["responses"]) == {"1-2": 12, 4: 12}


def test_the_spreadsheet_has_a_disclosure_sheet(banded, tmp_path):
    rs, protection = banded
    export_responses(rs, tmp_path / "e.xlsx", "xlsx", protection=protection)
    wb = load_workbook(tmp_path / "e.xlsx")
    assert wb.sheetnames == ["responses", "codebook", "disclosure"]
    rows = list(wb["disclosure"].iter_rows(values_only=True))
    assert rows[0] == ("name", "cells_generalised", "cells_not_shown", "what_was_done")
    assert rows[-1][:3] == ("Q5", 12, 0)


def test_the_protected_long_package_is_valid_frictionless(banded, tmp_path):
    frictionless = pytest.importorskip("frictionless")
    rs, protection = banded
    paths = write_long(rs, tmp_path, protection)
    body = paths[0].read_bytes().decode("utf-8")
    assert ",1-2\r\n" in body and f",{NOT_SHOWN}\r\n" in body  # both kinds are there
    report = frictionless.validate(str(paths[2]))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    pkg = json.loads(paths[2].read_text(encoding="utf-8"))
    assert pkg["disclosure"]["k_anonymous"] is True
    fields = {f["name"]: f for f in pkg["resources"][0]["schema"]["fields"]}
    assert fields["shown_as"]["constraints"]["enum"] == ["1-2", "1-3", NOT_SHOWN]
    assert fields["code"]["type"] == "integer"


def test_protection_from_other_rows_is_refused(banded, tmp_path):
    _, protection = banded
    other = from_records(READINESS, [{"Q1": 1, "Q3": "Alpha"}] * 24,
                         ids=[f"x{i}" for i in range(24)])  # fmt: skip
    with pytest.raises(ValueError, match="other rows"):
        export_responses(other, tmp_path / "e.csv", "csv", protection=protection)
    with pytest.raises(ValueError, match="other rows"):
        write_long(other, tmp_path / "long", protection)
    assert not (tmp_path / "e.csv").exists()
