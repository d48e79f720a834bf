"""lavaan and Mplus syntax that matches what research mode fitted.

Reference: semopy 2.3 reads lavaan's model syntax; fitted to the same keyed complete
cases, its χ² equals the χ² of collabdx's own CFA (0.01, as in the structure tests), so
the exported model is the fitted one.
"""

from __future__ import annotations

import re

import pytest

from collabdx.core.instruments import load_instrument
from collabdx.core.psychometrics.structure import run_structure
from collabdx.core.psychometrics.syntax import lavaan_model, lavaan_script, mplus_input
from collabdx.core.psychometrics.synthetic import synthetic_responses
from collabdx.core.scoring import keyed_items

READINESS = load_instrument("readiness", "1")
REVERSED = [i.id for i in READINESS.scored_items if i.reverse and i.scale not in
            ("perceived_legitimacy", "conflict_resolution")]  # fmt: skip


def test_lavaan_model_is_the_fitted_model():
    semopy = pytest.importorskip("semopy")
    rs = synthetic_responses(800, seed=4)
    keyed = keyed_items(rs)
    ours = run_structure(keyed, READINESS)
    assert ours.computed and ours.fit is not None
    model = semopy.Model(lavaan_model(READINESS))
    items = [i for f in ours.factors for i in f.items]
    model.fit(keyed[items].dropna())
    assert semopy.calc_stats(model).T["Value"]["chi2"] == pytest.approx(ours.fit.chi2, abs=0.01)


def test_scripts_key_the_reversed_items_and_set_the_estimator():
    script = lavaan_script(READINESS)
    for item in REVERSED:
        assert f'"{item}"' in script
    assert "d[[v]] <- 6 - d[[v]]" in script
    assert 'std.lv = TRUE, estimator = "ML", likelihood = "normal"' in script
    assert 'missing = "ml"' in script and 'group.equal = c("loadings", "intercepts")' in script
    mplus = mplus_input(READINESS)
    for item in REVERSED:
        assert f"  {item} = 6 - {item};" in mplus
    assert "ESTIMATOR = ML;" in mplus
    assert all(len(line) <= 90 for line in mplus.splitlines())  # Mplus's line limit
    factors = re.findall(r"^  (F\d) BY", mplus, re.M)
    assert factors == ["F1", "F2", "F3", "F4", "F5"]
    assert all(f"{f}@1;" in mplus for f in factors)
