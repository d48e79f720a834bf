"""The smaller defects of issue 18, each as a test written before its fix.

References, tolerances:
* Cliff's delta at ±1: R effsize::cliff.delta (mtorchiano/effsize, R/CliffDelta.R) keeps
  the unbiased variance as it is (no floor) and centres on δ(n₁n₂ − 1)/(n₁n₂). Worked by
  hand for 5 vs 5 fully separated: δ. = 24/25, S = ε²(n₁ + n₂ − 1)/((n₁ − 1)(n₂ − 1))
  with ε = 1/25, so S = 0.0009; t(0.975, 8) = 2.3060041; lower bound 0.8178147 (the
  issue's check found 0.818 from effsize itself); 1e-7.
* CFA convergence: judged by the projected gradient, as the one-factor fit already was;
  the optimiser's own flag is replaced by one that fails on a line search.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy import optimize
from typer.testing import CliRunner

from collabdx.core.psychometrics import factor
from collabdx.core.psychometrics.agreement import icc_reading
from collabdx.core.psychometrics.comparisons import cliff_delta
from collabdx.core.psychometrics.factor import FitIndices
from collabdx.core.psychometrics.structure import fit_reading


def test_cliff_delta_interval_at_one_matches_effsize():
    c = cliff_delta(np.array([6.0, 7, 8, 9, 10]), np.array([1.0, 2, 3, 4, 5]))
    assert c.delta == 1.0
    assert c.ci == pytest.approx((0.8178147, 1.0), abs=1e-7)
    assert c.variance == pytest.approx(0.0009, abs=1e-12)
    # and the mirror image
    m = cliff_delta(np.array([1.0, 2, 3, 4, 5]), np.array([6.0, 7, 8, 9, 10]))
    assert m.ci == pytest.approx((-1.0, -0.8178147), abs=1e-7)


def _hs_like_cov() -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(4)
    lam = np.zeros((6, 2))
    lam[:3, 0] = [0.8, 0.7, 0.6]
    lam[3:, 1] = [0.7, 0.6, 0.5]
    phi = np.array([[1.0, 0.4], [0.4, 1.0]])
    sigma = lam @ phi @ lam.T + np.diag(1 - (lam**2).sum(1))
    x = rng.multivariate_normal(np.zeros(6), sigma, size=500)
    return np.cov(x, rowvar=False, ddof=0), lam != 0


def test_cfa_convergence_is_judged_by_the_gradient(monkeypatch):
    cov, pattern = _hs_like_cov()
    good = factor.fit_ml(cov, pattern)
    assert good.converged
    real = optimize.minimize

    def line_search_failure(*args, **kwargs):
        res = real(*args, **kwargs)
        res.success = False
        res.status = 2
        res.message = "ABNORMAL_TERMINATION_IN_LNSRCH"
        return res

    monkeypatch.setattr(optimize, "minimize", line_search_failure)
    again = factor.fit_ml(cov, pattern)
    # Same optimum, gradient ~0: not a convergence failure.
    assert again.fmin == pytest.approx(good.fmin, abs=1e-12)
    assert again.converged


def test_cfa_far_from_the_optimum_is_not_converged(monkeypatch):
    cov, pattern = _hs_like_cov()
    real = optimize.minimize

    def stopped_early(*args, **kwargs):
        kwargs["options"] = {**kwargs.get("options", {}), "maxiter": 2}
        res = real(*args, **kwargs)
        res.success = False
        return res

    monkeypatch.setattr(optimize, "minimize", stopped_early)
    assert not factor.fit_ml(cov, pattern).converged


def _indices(p: float) -> FitIndices:
    return FitIndices(480, 300.0, 142, p, 4000.0, 171, 0.96, 0.95, 0.05, (0.04, 0.06), 0.05)


def test_fit_reading_never_prints_p_0_000():
    text = fit_reading(_indices(1e-9))
    assert "0.000" not in text and "p < 0.001" in text
    assert "p = 0.042" in fit_reading(_indices(0.042))


def test_icc2_below_zero_is_read_not_printed_raw():
    text = icc_reading(-0.12, -5.57, "roles", None, 20.0)
    assert "5.57" not in text
    assert "below zero" in text and "read as 0" in text
    assert "not reliable" in text


def test_floor_and_ceiling_rule_only_flags_scale_scores():
    from collabdx.core.instruments import load_instrument
    from collabdx.core.psychometrics.reliability import scale_reliability
    from collabdx.core.responses import from_records
    from collabdx.core.scoring import keyed_items, scale_scores

    instrument = load_instrument("readiness", "1")
    # Every Q6 answer at the top: the item is 100% at its ceiling, the scale score is not.
    rows = [{"Q6": 5, "Q7": c, "Q8": d} for c, d in [(1, 2), (2, 3), (3, 4), (4, 1), (5, 2),
                                                      (2, 4), (3, 3), (4, 2)]]  # fmt: skip
    rs = from_records(instrument, rows)
    keyed, scores = keyed_items(rs), scale_scores(rs)
    res = scale_reliability(keyed, scores["initial_trust"], instrument,
                            instrument.scales["initial_trust"], bootstrap_b=0, seed=1)  # fmt: skip
    q6 = next(i for i in res.item_stats if i.item_id == "Q6")
    assert q6.ceiling_pct == pytest.approx(100.0)
    assert not any("ceiling" in f or "floor" in f for f in q6.flags)
    assert res.score_ceiling_pct == pytest.approx(0.0)


def test_terminal_summary_does_not_put_spearman_brown_under_omega():
    from collabdx.cli import app

    r = CliRunner().invoke(app, ["psychometrics", "demo", "--resamples", "20"],
                           env={"COLUMNS": "200"})  # fmt: skip
    assert r.exit_code == 0, r.output
    lines = r.output.splitlines()
    header = next(line for line in lines if "Alpha" in line)
    assert "Spearman" in header  # its own column
    vision = next(line for line in lines if "Clarity of vision" in line)
    cells = [c.strip() for c in vision.split("│")]
    omega_col = [c.strip() for c in header.split("┃")].index("Omega (95% CI)")
    assert cells[omega_col] in ("n/a (2 items)", "–")
