"""SPSS and Stata files: labels and values survive a round trip.

References: pandas' own Stata reader (``pandas.read_stata``, an implementation
independent of ReadStat) for the .dta file's values, variable labels and value labels;
pyreadstat reading the .sav back. Exact (labels) and 1e-12 (scores).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from collabdx.core.demo import demo_responses
from collabdx.core.scoring import scale_scores
from collabdx.io.codebook import build_codebook
from collabdx.io.exporters import tidy_table
from collabdx.io.statfiles import labelled_frame, write_statfile

pyreadstat = pytest.importorskip("pyreadstat")


@pytest.fixture(scope="module")
def frame_and_codebook():
    rs = demo_responses()
    header, rows = tidy_table(rs, scale_scores(rs))
    codebook = build_codebook(rs.instrument, [c for c in header if c.startswith("scale_")])
    return labelled_frame(header, rows, codebook), codebook


def test_stata_file_read_by_pandas(tmp_path, frame_and_codebook):
    frame, codebook = frame_and_codebook
    path = write_statfile(frame, codebook, tmp_path / "r.dta", "dta")
    back = pd.read_stata(path, convert_categoricals=False)
    assert list(back.columns) == list(frame.columns)
    assert np.allclose(back["scale_initial_trust"], frame["scale_initial_trust"],
                       equal_nan=True, atol=1e-12)  # fmt: skip
    assert (back["Q6"].fillna(-1) == frame["Q6"].fillna(-1)).all()
    with pd.io.stata.StataReader(path) as reader:
        labels = reader.variable_labels()
        values = reader.value_labels()
    q6 = next(e for e in codebook if e["name"] == "Q6")
    assert labels["Q6"] == (q6["label"] if len(q6["label"]) <= 80 else q6["label"][:79] + "…")
    assert all(len(v) <= 80 for v in labels.values())
    assert any(vl == {c["code"]: c["label"] for c in q6["codes"]} for vl in values.values())


def test_spss_file_round_trip(tmp_path, frame_and_codebook):
    frame, codebook = frame_and_codebook
    path = write_statfile(frame, codebook, tmp_path / "r.sav", "sav")
    back, meta = pyreadstat.read_sav(path)
    assert list(back.columns) == list(frame.columns)
    q7 = next(e for e in codebook if e["name"] == "Q7")
    assert meta.column_names_to_labels["Q7"] == q7["label"][:256]
    assert meta.variable_value_labels["Q7"] == {float(c["code"]): c["label"] for c in q7["codes"]}
    assert back["Q7"].isna().sum() == frame["Q7"].isna().sum()
    assert not list(tmp_path.glob("*.tmp"))  # written atomically
