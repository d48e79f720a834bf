"""The validation-paper statistics of issue 18 against independent references.

References, tolerances:
* lavaan's published Holzinger–Swineford results (lavaan tutorial and printed output,
  3 decimals as printed, so 0.0005):
  - multiple groups by school (tutorial "Multiple groups", ``lavTestLRT``): configural
    χ² 115.851 (df 48), metric 124.044 (df 54), scalar 164.103 (df 60);
  - ``modindices(fit, sort = TRUE)`` (tutorial "Modification indices"): visual =~ x9
    36.411 (sepc.lv 0.519, sepc.all 0.515), x7 ~~ x8 34.145 (sepc.all 0.859),
    visual =~ x7 18.631 (sepc.lv −0.380), x8 ~~ x9 14.946 (sepc.all −0.805),
    textual =~ x3 9.151, visual =~ x5 7.441;
  - ``summary(fit, fit.measures = TRUE)``: log-likelihood −3737.745, AIC 7517.490,
    BIC 7595.339 (0.0005 on the log-likelihood, 0.001 on AIC and BIC).
* FIML with no missing answers is the complete-data ML fit (χ² 85.306 as published).
* EM for a bivariate normal with y missing for some: Anderson's (1957) closed-form
  ML estimates (regression of y on x in the complete cases), 1e-6.
* EFA: factor_analyzer 0.5 (ML extraction, oblimin) on the same data, up to the order
  and sign of the factors, 2e-3 (two optimisers).
* HTMT, CR, AVE: the definitions (Henseler et al. 2015; Raykov 1997; Fornell &
  Larcker 1981) computed here with pandas from lavaan's published standardised loadings
  and the data's correlations, 1e-3 (the loadings are printed to 3 decimals).
* Ordinal alpha: the alpha of the latent responses a known model cut into five
  categories (Zumbo, Gadermann & Zeisser 2007), n = 5000, 0.01; the bivariate normal
  CDF: scipy's ``multivariate_normal.cdf``, 1e-9. (semopy's polychoric estimator, the
  other independent one, no longer runs on SciPy 1.18: ``scipy.stats.mvn.mvnun`` is
  gone.)
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest
from scipy import stats as sps

from collabdx.core.psychometrics.factor import fit_indices, fit_ml
from collabdx.core.psychometrics.invariance import fit_levels
from collabdx.core.psychometrics.missing import em_saturated, fiml_cfa, missingness
from collabdx.core.psychometrics.models import compare_models, information_criteria
from collabdx.core.psychometrics.multigroup import group_data
from collabdx.core.psychometrics.multilevel import design_effect
from collabdx.core.psychometrics.ordinal import standardised_alpha
from collabdx.core.psychometrics.polychoric import bivariate_normal_cdf, polychoric
from collabdx.core.psychometrics.refine import modification_indices
from collabdx.core.psychometrics.validity import ave, composite_reliability, htmt

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "psychometrics"
LAVAAN = json.loads((FIXTURE / "holzinger_swineford_lavaan.json").read_text(encoding="utf-8"))
ITEMS = [f"x{i}" for i in range(1, 10)]
TOL = 0.0005


@pytest.fixture(scope="module")
def hs():
    holzinger39 = pytest.importorskip("semopy.examples.holzinger39")
    data = holzinger39.get_data()
    pattern = np.zeros((9, 3), dtype=bool)
    pattern[0:3, 0] = pattern[3:6, 1] = pattern[6:9, 2] = True
    return data, pattern


def test_invariance_by_school_matches_lavaan(hs):
    data, pattern = hs
    groups = [group_data(data.loc[data.school == s, ITEMS].to_numpy(float))
              for s in ("Pasteur", "Grant-White")]  # fmt: skip
    levels = fit_levels(pattern, groups)
    assert [lv.level for lv in levels] == ["configural", "metric", "scalar"]
    assert [lv.df for lv in levels] == [48, 54, 60]
    for lv, chi2 in zip(levels, (115.851, 124.044, 164.103), strict=True):
        assert lv.converged
        assert lv.chi2 == pytest.approx(chi2, abs=TOL), lv.level
    assert levels[1].delta_chi2 == pytest.approx(8.192, abs=0.001)
    assert levels[2].delta_chi2 == pytest.approx(40.059, abs=0.001)
    assert levels[2].p == pytest.approx(4.435e-07, rel=1e-3)


def test_modification_indices_match_lavaan(hs):
    data, pattern = hs
    x = data[ITEMS].to_numpy(float)
    cov = np.cov(x, rowvar=False, ddof=0)
    fit = fit_ml(cov, pattern)
    mis = modification_indices(fit, pattern, cov, len(x), ITEMS, ["visual", "textual", "speed"])
    top = {(m.lhs, m.rhs): m for m in mis}
    assert [(m.lhs, m.rhs) for m in mis[:5]] == [
        ("visual", "x9"), ("x7", "x8"), ("visual", "x7"), ("x8", "x9"), ("textual", "x3")
    ]  # fmt: skip
    for key, mi in {("visual", "x9"): 36.411, ("x7", "x8"): 34.145, ("visual", "x7"): 18.631,
                    ("x8", "x9"): 14.946, ("textual", "x3"): 9.151,
                    ("visual", "x5"): 7.441}.items():  # fmt: skip
        assert top[key].mi == pytest.approx(mi, abs=TOL), key
    assert top[("visual", "x9")].epc == pytest.approx(0.519, abs=TOL)
    assert top[("visual", "x9")].sepc_all == pytest.approx(0.515, abs=TOL)
    assert top[("visual", "x7")].epc == pytest.approx(-0.380, abs=TOL)
    assert top[("x7", "x8")].sepc_all == pytest.approx(0.859, abs=TOL)
    assert top[("x8", "x9")].sepc_all == pytest.approx(-0.805, abs=TOL)


def test_information_criteria_match_lavaan(hs):
    data, pattern = hs
    x = data[ITEMS].to_numpy(float)
    cov = np.cov(x, rowvar=False, ddof=0)
    aic, bic = information_criteria(fit_ml(cov, pattern), cov, len(x))
    assert aic == pytest.approx(7517.490, abs=0.001)
    assert bic == pytest.approx(7595.339, abs=0.001)


def test_fiml_without_missing_answers_is_ml(hs):
    data, pattern = hs
    res = fiml_cfa(data[ITEMS].to_numpy(float), pattern)
    assert res.converged and res.df == 24
    assert res.chi2 == pytest.approx(LAVAAN["chi2"], abs=TOL)
    assert res.loglik == pytest.approx(-3737.745, abs=TOL)
    assert res.baseline_chi2 == pytest.approx(LAVAAN["baseline_chi2"], abs=TOL)


def test_fiml_uses_incomplete_rows_and_is_near_the_complete_fit(hs):
    data, pattern = hs
    x = data[ITEMS].to_numpy(float)
    holes = x.copy()
    holes[np.random.default_rng(1).random(x.shape) < 0.1] = np.nan
    res = fiml_cfa(holes, pattern)
    assert res.converged and res.n == 301
    full = fit_ml(np.cov(x, rowvar=False, ddof=0), pattern)
    # MCAR holes: the FIML loadings stay near the complete-data ones (within 0.08).
    assert np.max(np.abs(res.fit.std_loadings - full.std_loadings)) < 0.08
    summary = missingness(holes, ITEMS, 5)
    assert summary.complete == int((~np.isnan(holes).any(axis=1)).sum())
    assert all(p.n >= 5 for p in summary.patterns)
    assert sum(p.n for p in summary.patterns) + (summary.other_n or 0) <= 301


def test_em_matches_andersons_closed_form():
    rng = np.random.default_rng(5)
    x = rng.normal(size=400)
    y = 0.6 * x + rng.normal(scale=0.8, size=400)
    y[rng.random(400) < 0.3] = np.nan
    mu, sigma, _ = em_saturated(np.column_stack([x, y]), iterations=5000, tol=1e-15)
    c = ~np.isnan(y)
    xc, yc = x[c], y[c]
    sxx_c = np.mean((xc - xc.mean()) ** 2)
    sxy_c = np.mean((xc - xc.mean()) * (yc - yc.mean()))
    syy_c = np.mean((yc - yc.mean()) ** 2)
    b = sxy_c / sxx_c
    mx, sxx = x.mean(), np.mean((x - x.mean()) ** 2)
    my = yc.mean() + b * (mx - xc.mean())
    syy = syy_c - b * sxy_c + b**2 * sxx
    # EM converges linearly; it stops when −2ℓ changes by under 1e-15 of itself.
    assert mu == pytest.approx([mx, my], abs=1e-6)
    assert sigma == pytest.approx(np.array([[sxx, b * sxx], [b * sxx, syy]]), abs=1e-6)


def test_higher_order_of_three_factors_equals_correlated_factors(hs):
    data, pattern = hs
    cov = np.cov(data[ITEMS].to_numpy(float), rowvar=False, ddof=0)
    # Three first-order factors: the second-order model is just identified at the top.
    ho = fit_ml(cov, pattern, higher_order=True)
    assert fit_indices(ho, cov, 301).chi2 == pytest.approx(LAVAAN["chi2"], abs=1e-3)


def test_method_factor_is_found_only_where_it_was_put():
    rng = np.random.default_rng(8)
    n = 2000
    f = rng.multivariate_normal([0, 0], [[1, 0.4], [0.4, 1]], size=n)
    method = rng.normal(size=n)
    lam = np.array([0.7, 0.7, 0.6, 0.6, 0.7, 0.6, 0.7, 0.6])
    factor_of = np.array([0, 0, 0, 0, 1, 1, 1, 1])
    reverse = np.array([False, True, False, True, False, True, False, True])
    for strength, found in ((0.5, True), (0.0, False)):
        x = f[:, factor_of] * lam + rng.normal(scale=0.6, size=(n, 8))
        x[:, reverse] += strength * method[:, None]
        pattern = np.zeros((8, 2), dtype=bool)
        pattern[np.arange(8), factor_of] = True
        res = compare_models(np.cov(x, rowvar=False, ddof=0), n, pattern, reverse)
        assert ("improves fit materially" in res.method_factor) is found, strength
        assert [m.name for m in res.models][:2] == ["One factor", "Correlated factors"]


def test_efa_matches_factor_analyzer(hs):
    fam = pytest.importorskip("factor_analyzer.factor_analyzer")
    from sklearn.utils import check_array

    from collabdx.core.psychometrics.efa import efa, parallel_analysis

    data, _ = hs
    x = data[ITEMS].to_numpy(float)
    res = efa(x, ITEMS)
    observed, _, _ = parallel_analysis(x)
    eigen = np.sort(np.linalg.eigvalsh(np.corrcoef(x, rowvar=False)))[::-1]
    assert observed == pytest.approx(eigen)
    assert res.n_factors == 3

    def shim(a, *args, force_all_finite=True, **kwargs):
        return check_array(a, *args, ensure_all_finite=force_all_finite, **kwargs)

    original = fam.check_array
    fam.check_array = shim
    try:
        fa = fam.FactorAnalyzer(n_factors=3, rotation="oblimin", method="ml")
        fa.fit(x)
        ref = fa.loadings_
    finally:
        fam.check_array = original
    ours = np.array(res.loadings)
    for j in range(3):  # match each of our factors to one of theirs, up to sign
        best = min(range(3), key=lambda k: min(np.abs(ours[:, j] - ref[:, k]).max(),
                                               np.abs(ours[:, j] + ref[:, k]).max()))  # fmt: skip
        diff = min(np.abs(ours[:, j] - ref[:, best]).max(), np.abs(ours[:, j] + ref[:, best]).max())
        assert diff < 2e-3, j


def test_cr_ave_htmt_from_their_definitions(hs):
    data, pattern = hs
    std = LAVAAN["std_all_loadings"]
    visual = np.array([std[i] for i in ("x1", "x2", "x3")])
    cr = visual.sum() ** 2 / (visual.sum() ** 2 + (1 - visual**2).sum())
    x = data[ITEMS].to_numpy(float)
    fit = fit_ml(np.cov(x, rowvar=False, ddof=0), pattern)
    assert composite_reliability(fit.std_loadings[:3, 0]) == pytest.approx(cr, abs=1e-3)
    assert ave(fit.std_loadings[:3, 0]) == pytest.approx(np.mean(visual**2), abs=1e-3)
    corr = data[ITEMS].corr()
    hetero = corr.loc[["x1", "x2", "x3"], ["x4", "x5", "x6"]].to_numpy().mean()
    mono_v = np.mean([corr.loc["x1", "x2"], corr.loc["x1", "x3"], corr.loc["x2", "x3"]])
    mono_t = np.mean([corr.loc["x4", "x5"], corr.loc["x4", "x6"], corr.loc["x5", "x6"]])
    assert htmt(corr.to_numpy(), [0, 1, 2], [3, 4, 5]) == pytest.approx(
        hetero / math.sqrt(mono_v * mono_t), abs=1e-12
    )


def test_ordinal_alpha_recovers_the_alpha_of_the_latent_responses():
    # Four latent responses with correlation .64 (loading .8, unique SD .6): their alpha is
    # 4(.64) / (1 + 3(.64)) = 0.8767. Cut into five categories, Cronbach's alpha of the
    # codes is attenuated; ordinal alpha estimates the latent one (Zumbo et al. 2007).
    # n = 5000: within 0.01 (about 3 Monte Carlo SDs).
    rng = np.random.default_rng(4)
    n = 5000
    z = rng.normal(size=(n, 1)) * 0.8 + rng.normal(size=(n, 4)) * 0.6
    items = np.digitize(z, [-1.6, -0.9, 0.2, 1.3]) + 1.0
    poly = np.eye(4)
    for i in range(4):
        for j in range(i + 1, 4):
            poly[i, j] = poly[j, i] = polychoric(items[:, i], items[:, j]).rho
    latent = 4 * 0.64 / (1 + 3 * 0.64)
    assert standardised_alpha(poly) == pytest.approx(latent, abs=0.01)
    cov = np.cov(items, rowvar=False)
    assert 4 / 3 * (1 - np.trace(cov) / cov.sum()) < latent - 0.01


def test_bivariate_normal_cdf_matches_scipy():
    rng = np.random.default_rng(1)
    h = np.concatenate([rng.normal(0, 1.5, 60), [0.0, 0.0, -10.0, 10.0]])
    k = np.concatenate([rng.normal(0, 1.5, 60), [0.0, 1.0, 3.0, -10.0]])
    for rho in (-0.99, -0.5, 0.0, 0.3, 0.8, 0.995):
        ref = sps.multivariate_normal([0, 0], [[1, rho], [rho, 1]]).cdf(np.column_stack([h, k]))
        assert bivariate_normal_cdf(h, k, rho) == pytest.approx(ref, abs=1e-9), rho


def test_design_effect_hand_worked():
    # Kish: 1 + (k̄ − 1) ICC(1); 21 per organisation and ICC(1) = .10 → 3.0.
    assert design_effect(0.10, 21.0) == pytest.approx(3.0)
    assert design_effect(-0.05, 21.0) == pytest.approx(1.0)  # negative ICC read as 0


def test_the_result_carries_every_new_analysis():
    from collabdx.core.psychometrics import result_to_dict, run_psychometrics
    from collabdx.core.psychometrics.synthetic import synthetic_responses

    result = run_psychometrics(synthetic_responses(600, seed=2), 5, bootstrap_b=0)
    assert result.validation is not None and result.validation.models is not None
    assert result.validation.validity is not None and result.validation.efa is not None
    assert {r.scale_id for r in result.ordinal} >= {"initial_trust", "initial_faith"}
    assert {inv.by for inv in result.invariance} == {"organisation", "role"}
    assert all("480" in inv.statement for inv in result.invariance if not inv.computed)
    for family in result.comparisons:
        assert "measurement invariance" in family.invariance_note
    assert result.multilevel is not None and result.multilevel.computed
    json.dumps(result_to_dict(result), allow_nan=False)


def test_satorra_bentler_scaling_is_one_under_the_normal_theory_gamma(hs):
    from collabdx.core.psychometrics.robust import normal_weight, scaling_factor

    data, pattern = hs
    x = data[ITEMS].to_numpy(float)
    fit = fit_ml(np.cov(x, rowvar=False, ddof=0), pattern)
    # With Γ = W⁻¹ (normal theory at the estimates), tr(UΓ) = df exactly.
    gamma = np.linalg.inv(normal_weight(fit.implied))
    assert scaling_factor(fit, pattern, gamma, 24) == pytest.approx(1.0, abs=1e-9)


def test_satorra_bentler_restores_the_chi_square_mean_under_heavy_tails():
    """Satorra & Bentler (1994): with non-normal data the ML χ² of a correct model is
    inflated and the scaled one is not. Multivariate t (5 df) one-factor data, 150 samples
    of 400: the ML mean is well above df, the scaled mean within 15% of df (its Monte
    Carlo SE is about 3%)."""
    from collabdx.core.psychometrics.robust import satorra_bentler

    rng = np.random.default_rng(1994)
    lam = np.array([0.8, 0.7, 0.7, 0.6, 0.6, 0.5])
    sigma = np.outer(lam, lam) + np.diag(1 - lam**2)
    pattern = np.ones((6, 1), dtype=bool)
    ml, sb = [], []
    for _ in range(150):
        z = rng.multivariate_normal(np.zeros(6), sigma, size=400)
        x = z / np.sqrt(rng.chisquare(5, size=(400, 1)) / 5)
        cov = np.cov(x, rowvar=False, ddof=0)
        fit = fit_ml(cov, pattern)
        ind = fit_indices(fit, cov, 400)
        ml.append(ind.chi2)
        sb.append(satorra_bentler(fit, pattern, x, ind.chi2, ind.df).chi2)
    assert np.mean(ml) > 1.5 * 9
    assert np.mean(sb) == pytest.approx(9, rel=0.15)
