"""Tidy long export and its Frictionless Data Package."""

import csv
import json

import pytest

from collabdx.core.instruments import load_instrument
from collabdx.core.responses import from_records
from collabdx.io.longformat import LONG_COLUMNS, long_rows, write_long


@pytest.fixture
def responses():
    instrument = load_instrument("readiness", "1")
    rows = [
        {"Q1": 1, "Q2": 2, "Q3": '=HYPERLINK("x")', "Q6": 4, "Q7": 2, "Q30": 5},
        {"Q1": 2, "Q6": 1, "Q7": 5},
    ]
    return from_records(instrument, rows, ids=["+r1", "r2"])


def _read(path):
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.reader(f))


def test_long_rows_keying_and_missing(responses):
    rows = long_rows(responses)
    n_choice = len(responses.instrument.choice_items)
    assert len(rows) == 2 * n_choice
    by = {(r[0], r[3]): r for r in rows}
    q7 = by[("+r1", "Q7")]
    assert q7[7] == 2 and q7[8] == 4 and q7[9] is True  # reverse-keyed: 6 − 2
    assert by[("+r1", "Q6")][8] == 4 and by[("+r1", "Q6")][9] is False
    assert by[("r2", "Q30")][7] is None and by[("r2", "Q30")][8] is None
    assert by[("+r1", "Q1")][6] is None and by[("+r1", "Q1")][8] is None  # descriptor


def test_write_long_files_formula_safe_and_atomic(responses, tmp_path):
    paths = write_long(responses, tmp_path / "out")
    assert [p.name for p in paths] == ["responses_long.csv", "value_labels.csv", "datapackage.json"]
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == sorted(p.name for p in paths)
    rows = _read(paths[0])
    assert tuple(rows[0]) == LONG_COLUMNS
    assert rows[1][0] == "'+r1"  # respondent id neutralised for spreadsheets
    assert not any(cell.startswith(("=", "@")) for row in rows for cell in row)
    assert "HYPERLINK" not in paths[0].read_text(encoding="utf-8")  # free text not exported
    labels = _read(paths[1])
    assert ["Q7", "2", "Disagree"] in labels


def test_datapackage_schema(responses, tmp_path):
    paths = write_long(responses, tmp_path)
    pkg = json.loads(paths[2].read_text(encoding="utf-8"))
    assert pkg["profile"] == "tabular-data-package"
    resource = pkg["resources"][0]
    fields = {f["name"]: f for f in resource["schema"]["fields"]}
    assert list(fields) == list(LONG_COLUMNS)
    assert fields["code"]["type"] == "integer" and fields["code"]["constraints"]["enum"] == [
        1,
        2,
        3,
        4,
        5,
    ]
    assert fields["reverse_keyed"]["type"] == "boolean"
    assert all(f["description"] for f in fields.values())
    assert resource["schema"]["primaryKey"] == ["respondent_id", "item_id"]


def test_frictionless_validates_the_package(responses, tmp_path):
    frictionless = pytest.importorskip("frictionless")
    paths = write_long(responses, tmp_path)
    report = frictionless.validate(str(paths[2]))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
