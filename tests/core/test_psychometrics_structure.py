"""CFA engine and the readiness block structure against independent references.

References, tolerances:
* lavaan's published Holzinger–Swineford results (fixture file, 3 decimals as printed):
  tolerance 0.0005 (half a unit in the last printed digit); RMSEA CI bounds likewise.
* semopy 2.3 fitted to the same data here (its own optimiser): 1e-3 on fit indices and
  standardised estimates; chi-square to 0.01.
* Synthetic data with a known structure (collabdx.core.psychometrics.synthetic):
  n = 2000, standardised loadings within 0.07 and factor correlations within 0.12 of
  the population values. The tolerances are about 3 Monte Carlo SDs: across 6 seeds
  the SD was <= 0.02 for loadings and <= 0.04 for correlations of two-item factors.
"""

import json
from pathlib import Path

import numpy as np
import pytest

from collabdx.core.demo import demo_responses
from collabdx.core.instruments import load_instrument
from collabdx.core.psychometrics import thresholds as th
from collabdx.core.psychometrics.factor import fit_indices, fit_ml, free_parameter_count
from collabdx.core.psychometrics.structure import block_model, pattern_for, run_structure
from collabdx.core.psychometrics.synthetic import (
    FACTORS,
    PHI,
    population_structure,
    recovery,
    synthetic_responses,
)
from collabdx.core.scoring import keyed_items

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "psychometrics"
LAVAAN = json.loads((FIXTURE / "holzinger_swineford_lavaan.json").read_text(encoding="utf-8"))
ITEMS = [f"x{i}" for i in range(1, 10)]


@pytest.fixture(scope="module")
def hs_fit():
    semopy = pytest.importorskip("semopy")
    from semopy.examples import holzinger39

    data = holzinger39.get_data()
    x = data[ITEMS].to_numpy(dtype=float)
    cov = np.cov(x, rowvar=False, ddof=0)
    pattern = np.zeros((9, 3), dtype=bool)
    pattern[0:3, 0] = pattern[3:6, 1] = pattern[6:9, 2] = True
    fit = fit_ml(cov, pattern)
    model = semopy.Model(holzinger39.get_model())
    model.fit(data)
    return fit, fit_indices(fit, cov, len(x)), model, semopy


def test_holzinger_swineford_matches_lavaan_published(hs_fit):
    fit, ind, _, _ = hs_fit
    tol = 0.0005
    assert fit.converged and not fit.heywood
    assert ind.n == LAVAAN["n"]
    assert ind.df == LAVAAN["df"] and ind.baseline_df == LAVAAN["baseline_df"]
    assert ind.chi2 == pytest.approx(LAVAAN["chi2"], abs=tol)
    assert ind.baseline_chi2 == pytest.approx(LAVAAN["baseline_chi2"], abs=tol)
    for key in ("cfi", "tli", "rmsea", "srmr"):
        assert getattr(ind, key) == pytest.approx(LAVAAN[key], abs=tol), key
    assert ind.rmsea_ci90 == pytest.approx(tuple(LAVAAN["rmsea_ci90"]), abs=tol)
    std = fit.std_loadings.sum(axis=1)
    for i, item in enumerate(ITEMS):
        assert std[i] == pytest.approx(LAVAAN["std_all_loadings"][item], abs=tol), item
    corr = LAVAAN["std_all_factor_correlations"]
    assert fit.phi[0, 1] == pytest.approx(corr["visual~textual"], abs=tol)
    assert fit.phi[0, 2] == pytest.approx(corr["visual~speed"], abs=tol)
    assert fit.phi[1, 2] == pytest.approx(corr["textual~speed"], abs=tol)


def test_holzinger_swineford_matches_semopy(hs_fit):
    fit, ind, model, semopy = hs_fit
    stats = semopy.calc_stats(model).T["Value"]
    assert ind.chi2 == pytest.approx(stats["chi2"], abs=0.01)
    assert ind.df == stats["DoF"]
    # semopy divides RMSEA by N − 1 where lavaan (and collabdx) use N: 1.5e-4 apart here.
    for ours, theirs in (("cfi", "CFI"), ("tli", "TLI"), ("rmsea", "RMSEA")):
        assert getattr(ind, ours) == pytest.approx(stats[theirs], abs=1e-3)
    est = model.inspect(std_est=True)
    loads = est[(est["op"] == "~") & est["lval"].isin(ITEMS)].set_index("lval")["Est. Std"]
    std = fit.std_loadings.sum(axis=1)
    for i, item in enumerate(ITEMS):
        assert std[i] == pytest.approx(loads[item], abs=1e-3)


def test_free_parameters_and_required_n_for_readiness():
    instrument = load_instrument("readiness", "1")
    factors, left_out = block_model(instrument)
    assert [f.scale_id for f in factors] == list(FACTORS)
    assert left_out == ("perceived_legitimacy", "conflict_resolution")
    items, pattern = pattern_for(factors)
    assert len(items) == 19
    # 19 loadings + 19 residual variances + 5·4/2 factor correlations
    assert free_parameter_count(pattern) == 48
    assert th.cfa_required_n(48) == 480
    assert th.cfa_required_n(10) == 200


def test_small_sample_gets_a_statement_not_a_cfa():
    responses = demo_responses()
    result = run_structure(keyed_items(responses), responses.instrument)
    assert not result.computed and result.fit is None
    assert "CFA not run" in result.statement
    assert "480" in result.statement and "Kline 2016" in result.statement


@pytest.fixture(scope="module")
def synthetic_cfa():
    responses = synthetic_responses(2000, seed=1939)
    return run_structure(keyed_items(responses), responses.instrument)


def test_cfa_recovers_the_known_structure(synthetic_cfa):
    result = synthetic_cfa
    pop = population_structure()
    assert result.computed and result.fit is not None
    assert result.fit.cfi >= 0.95 and result.fit.rmsea <= 0.06 and result.fit.srmr <= 0.08
    for loading in result.loadings:
        assert loading.std_loading == pytest.approx(pop.std_loadings[loading.item_id], abs=0.07)
    est = np.array(result.factor_correlations)
    assert np.max(np.abs(est - pop.factor_correlations)) < 0.12
    # The Pearson-based population correlations of the factors stay close to Φ.
    assert np.max(np.abs(pop.factor_correlations - PHI)) < 0.01
    rows = recovery({x.item_id: x.std_loading for x in result.loadings}, est)
    assert len(rows) == 19 + 10


def test_population_loadings_are_attenuated_latent_loadings():
    pop = population_structure()
    for item, lam in pop.latent_loadings.items():
        # Cutting into 5 categories multiplies a loading by roughly 0.92–0.97.
        assert 0.85 * lam < pop.std_loadings[item] < lam


def test_one_factor_engine_matches_factor_analyzer():
    """factor_analyzer 0.5 ML loadings (correlation matrix) vs ours, tolerance 1e-4.

    factor_analyzer calls sklearn's check_array with a keyword sklearn 1.6 renamed
    (force_all_finite -> ensure_all_finite); the shim below only renames it.
    """
    fam = pytest.importorskip("factor_analyzer.factor_analyzer")
    from sklearn.utils import check_array

    def shim(x, *args, force_all_finite=True, **kwargs):
        return check_array(x, *args, ensure_all_finite=force_all_finite, **kwargs)

    original = fam.check_array
    fam.check_array = shim
    try:
        rng = np.random.default_rng(7)
        x = rng.normal(size=(300, 5)) + rng.normal(size=(300, 1)) * [0.9, 0.8, 0.7, 0.6, 0.5]
        fa = fam.FactorAnalyzer(n_factors=1, rotation=None, method="ml")
        fa.fit(x)
        ref = np.abs(fa.loadings_.ravel())
    finally:
        fam.check_array = original
    ours = fit_ml(np.corrcoef(x, rowvar=False), np.ones((5, 1), dtype=bool))
    assert ours.std_loadings.ravel() == pytest.approx(ref, abs=1e-4)
