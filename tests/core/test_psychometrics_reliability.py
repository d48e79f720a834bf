"""Reliability, item statistics and polychoric correlations against references.

References, tolerances:
* pingouin 0.7 ``cronbach_alpha(nan_policy="listwise")``: alpha to 1e-12; its CI is
  rounded to 3 decimals, so Feldt's bounds to 0.0005.
* Omega: independent route from factor_analyzer's ML loadings is in
  test_psychometrics_structure; here the identity ω = α for tau-equivalent population
  data (large n, tolerance 0.01) and a hand-built covariance with known ω (1e-6).
* Item–total, alpha-if-deleted: pandas correlations and pingouin's alpha on the
  reduced item set (1e-12).
* Polychoric: Sheppard's exact orthant formula for a median-split 2 × 2 table
  (P(X>0, Y>0) = 1/4 + asin(ρ)/(2π)), 1e-6; Plackett's identity
  ∂Φ₂/∂ρ = φ₂ integrated with scipy.integrate.quad for an asymmetric 2 × 2 and a 3 × 3
  table, ML by golden-section search, 1e-5; n = 20 000 simulated bivariate normal
  cut into 5 × 5 categories recovers ρ = 0.5 within 0.03 (about 3 SEs).
"""

import math

import numpy as np
import pandas as pd
import pytest
from scipy import integrate, optimize
from scipy import stats as sps

from collabdx.core.demo import demo_responses
from collabdx.core.instruments import load_instrument
from collabdx.core.psychometrics.factor import fit_ml, omega_from_fit
from collabdx.core.psychometrics.polychoric import (
    correlation_matrix,
    polychoric,
    polychoric_from_table,
)
from collabdx.core.psychometrics.reliability import (
    cronbach_alpha,
    feldt_ci,
    item_total,
    omega_bootstrap,
    scale_reliability,
)
from collabdx.core.responses import from_records
from collabdx.core.scoring import keyed_items, scale_scores

pg = pytest.importorskip("pingouin")


def _items(n=120, k=5, seed=3):
    rng = np.random.default_rng(seed)
    latent = rng.normal(size=(n, 1))
    raw = latent * np.linspace(0.9, 0.5, k) + rng.normal(size=(n, k))
    return np.clip(np.rint(raw + 3), 1, 5)


def test_alpha_and_feldt_ci_match_pingouin():
    data = _items()
    df = pd.DataFrame(data, columns=[f"i{c}" for c in range(data.shape[1])])
    df.iloc[3, 1] = np.nan  # listwise deletion must drop this row
    ref_alpha, _ = pg.cronbach_alpha(df, nan_policy="listwise", ci=0.95)
    complete = df.dropna().to_numpy()
    alpha = cronbach_alpha(complete)
    assert alpha == pytest.approx(ref_alpha, abs=1e-12)
    # pingouin takes n for the CI before its listwise deletion, so compare the CI on the
    # complete rows (where both use the n actually analysed).
    ref_alpha_c, ref_ci_c = pg.cronbach_alpha(df.dropna(), ci=0.95)
    lo, hi = feldt_ci(alpha, complete.shape[0], complete.shape[1])
    assert alpha == pytest.approx(ref_alpha_c, abs=1e-12)
    assert (lo, hi) == pytest.approx(tuple(ref_ci_c), abs=0.0005)
    assert lo < alpha < hi


def test_item_total_and_alpha_if_deleted():
    data = _items(seed=11)
    r_it, a_del = item_total(data)
    total = data.sum(axis=1)
    for i in range(data.shape[1]):
        rest = total - data[:, i]
        assert r_it[i] == pytest.approx(pd.Series(data[:, i]).corr(pd.Series(rest)), abs=1e-12)
        reduced = pd.DataFrame(np.delete(data, i, axis=1))
        assert a_del[i] == pytest.approx(pg.cronbach_alpha(reduced)[0], abs=1e-12)


def test_omega_hand_built_covariance():
    # One factor, loadings (0.8, 0.7, 0.6, 0.5), uniquenesses (0.36, 0.51, 0.64, 0.75):
    # ω = 2.6² / (2.6² + 2.26) = 6.76 / 9.02.
    lam = np.array([0.8, 0.7, 0.6, 0.5])
    cov = np.outer(lam, lam) + np.diag(1 - lam**2)
    fit = fit_ml(cov, np.ones((4, 1), dtype=bool))
    assert omega_from_fit(fit) == pytest.approx(6.76 / 9.02, abs=1e-6)


def test_omega_equals_alpha_for_tau_equivalent_items():
    rng = np.random.default_rng(5)
    x = rng.normal(size=(20000, 1)) * 0.7 + rng.normal(size=(20000, 4)) * 0.7
    fit = fit_ml(np.cov(x, rowvar=False), np.ones((4, 1), dtype=bool))
    assert omega_from_fit(fit) == pytest.approx(cronbach_alpha(x), abs=0.01)


def test_omega_bootstrap_is_seeded_and_brackets_the_estimate():
    data = _items(n=80)
    ci1, used1 = omega_bootstrap(data, 200, seed=1)
    ci2, used2 = omega_bootstrap(data, 200, seed=1)
    assert ci1 == ci2 and used1 == used2 == 200
    fit = fit_ml(np.cov(data, rowvar=False), np.ones((5, 1), dtype=bool))
    assert ci1[0] < omega_from_fit(fit) < ci1[1]


def _plackett_cdf(h, k, rho):
    """Φ₂(h, k; ρ) = Φ(h)Φ(k) + ∫₀^ρ φ₂(h, k; r) dr (Plackett 1954), for finite h, k."""
    if math.isinf(h) or math.isinf(k):
        if h == -math.inf or k == -math.inf:
            return 0.0
        return sps.norm.cdf(k) if math.isinf(h) else sps.norm.cdf(h)

    def dens(r):
        return math.exp(-(h * h - 2 * r * h * k + k * k) / (2 * (1 - r * r))) / (
            2 * math.pi * math.sqrt(1 - r * r)
        )

    return sps.norm.cdf(h) * sps.norm.cdf(k) + integrate.quad(dens, 0, rho, epsabs=1e-13)[0]


def _reference_polychoric(table):
    table = np.asarray(table, dtype=float)
    n = table.sum()
    a = np.concatenate([[-math.inf], sps.norm.ppf(np.cumsum(table.sum(1))[:-1] / n), [math.inf]])
    b = np.concatenate([[-math.inf], sps.norm.ppf(np.cumsum(table.sum(0))[:-1] / n), [math.inf]])

    def negll(rho):
        total = 0.0
        for i in range(table.shape[0]):
            for j in range(table.shape[1]):
                p = (
                    _plackett_cdf(a[i + 1], b[j + 1], rho)
                    - _plackett_cdf(a[i], b[j + 1], rho)
                    - _plackett_cdf(a[i + 1], b[j], rho)
                    + _plackett_cdf(a[i], b[j], rho)
                )
                total -= table[i, j] * math.log(max(p, 1e-300))
        return total

    # Both test tables are positively associated; golden-section search on (0, 0.99).
    return optimize.golden(negll, brack=(0.0, 0.6, 0.99), tol=1e-10)


def test_tetrachoric_median_split_matches_sheppard():
    # Equal margins, 40/10/10/40: P(both high) = 0.4 = 1/4 + asin(ρ)/(2π) => ρ = cos(0.2π)
    est = polychoric_from_table(np.array([[40, 10], [10, 40]]))
    assert est.rho == pytest.approx(math.cos(0.2 * math.pi), abs=1e-6)


@pytest.mark.parametrize(
    "table",
    [
        [[30, 12], [8, 50]],
        [[20, 10, 3], [8, 25, 12], [2, 9, 31]],
    ],
)
def test_polychoric_matches_plackett_reference(table):
    assert polychoric_from_table(np.array(table)).rho == pytest.approx(
        _reference_polychoric(table), abs=1e-5
    )


def test_polychoric_recovers_latent_correlation():
    rng = np.random.default_rng(42)
    z = rng.multivariate_normal([0, 0], [[1, 0.5], [0.5, 1]], size=20000)
    x = np.digitize(z[:, 0], [-1.5, -0.5, 0.3, 1.2]) + 1
    y = np.digitize(z[:, 1], [-1.0, 0.0, 0.5, 1.8]) + 1
    assert polychoric(x, y).rho == pytest.approx(0.5, abs=0.03)


def test_small_n_falls_back_to_spearman():
    data = pd.DataFrame(_items(n=60), columns=list("abcde"))
    m = correlation_matrix(data)
    assert m.method == "spearman" and "fewer than the 100" in m.reason
    assert m.values[0][1] == pytest.approx(sps.spearmanr(data["a"], data["b"]).statistic)


def test_spearman_fallback_matches_scipy_for_every_pair_with_ties():
    """The fallback ranks with pandas (issue 15: no scipy.stats import); every entry
    must equal scipy.stats.spearmanr, ties and a constant item included."""
    rng = np.random.default_rng(15)
    data = pd.DataFrame(rng.integers(1, 6, size=(21, 5)).astype(float), columns=list("abcde"))
    data["e"] = 3.0  # nobody varies: no correlation
    m = correlation_matrix(data)
    assert m.method == "spearman"
    for i, a in enumerate(data.columns):
        for j, b in enumerate(data.columns):
            if i == j:
                assert m.values[i][j] == 1.0
            elif "e" in (a, b):
                assert m.values[i][j] is None
            else:
                ref = sps.spearmanr(data[a], data[b]).statistic
                assert m.values[i][j] == pytest.approx(ref, abs=1e-14)


def test_sparse_table_falls_back_to_spearman():
    rng = np.random.default_rng(0)
    a = rng.integers(1, 6, 150).astype(float)
    b = a.copy()  # a perfect diagonal: 20 of 25 cells empty
    m = correlation_matrix(pd.DataFrame({"a": a, "b": b}))
    assert m.method == "spearman" and "sparse" in m.reason


def test_large_n_gives_polychoric():
    data = pd.DataFrame(_items(n=400), columns=list("abcde"))
    m = correlation_matrix(data)
    assert m.method == "polychoric" and m.n == 400


def _responses(rows):
    instrument = load_instrument("readiness", "1")
    return from_records(instrument, rows)


def test_scale_reliability_on_demo_data():
    responses = demo_responses()
    keyed, scores = keyed_items(responses), scale_scores(responses)
    instrument = responses.instrument
    trust = scale_reliability(
        keyed,
        scores["initial_trust"],
        instrument,
        instrument.scales["initial_trust"],
        bootstrap_b=50,
        seed=1,
    )
    complete = keyed[list(instrument.scales["initial_trust"].items)].dropna()
    assert trust.n_complete == len(complete)
    assert trust.alpha.value == pytest.approx(pg.cronbach_alpha(complete)[0], abs=1e-12)
    assert trust.omega is not None and trust.omega.ci is not None
    assert trust.warning and "Fewer than 100" in trust.warning  # n ≈ 48: small-n warning
    assert trust.alpha.warning == trust.warning
    single = scale_reliability(
        keyed,
        scores["conflict_resolution"],
        instrument,
        instrument.scales["conflict_resolution"],
        bootstrap_b=0,
        seed=1,
    )
    assert not single.applicable and "Not applicable" in single.note
    assert single.alpha is None and single.omega is None


def test_two_item_scale_gets_spearman_brown_not_omega():
    responses = demo_responses()
    keyed, scores = keyed_items(responses), scale_scores(responses)
    instrument = responses.instrument
    vision = scale_reliability(
        keyed,
        scores["clarity_of_vision"],
        instrument,
        instrument.scales["clarity_of_vision"],
        bootstrap_b=0,
        seed=1,
    )
    assert vision.omega is None
    pair = keyed[["Q27", "Q28"]].dropna()
    r = pair["Q27"].corr(pair["Q28"])
    assert vision.spearman_brown.value == pytest.approx(2 * r / (1 + r), abs=1e-12)
    lo, hi = vision.spearman_brown.ci
    assert lo < vision.spearman_brown.value < hi


def test_two_items_perfectly_negatively_correlated_give_no_spearman_brown():
    # Q27, Q28 answered (5, 3), (3, 5), (4, 4), ...: r = -1 exactly, so 2r / (1 + r)
    # has no value. It used to divide by zero and take the whole report down.
    rows = [{"Q27": 4 + d, "Q28": 4 - d} for d in (1, -1, 0, 1, -1, 0)]
    responses = _responses(rows)
    keyed, scores = keyed_items(responses), scale_scores(responses)
    instrument = responses.instrument
    vision = scale_reliability(
        keyed, scores["clarity_of_vision"], instrument,
        instrument.scales["clarity_of_vision"], bootstrap_b=0, seed=1,
    )  # fmt: skip
    # Their total is 8 for everyone, so alpha (which divides by its variance) is not
    # computed either; the Spearman–Brown coefficient is not reached.
    assert vision.alpha is not None and vision.alpha.value is None
    assert "total is the same for everyone" in vision.note
    assert vision.spearman_brown is None


def test_two_items_perfectly_negatively_correlated_with_unequal_spread():
    # (5, 1), (3, 2), (1, 3): Q28 = 3.5 - Q27 / 2, so r = -1, but the totals 6, 5, 4
    # differ: alpha is computed, the Spearman–Brown coefficient has no value.
    rows = [{"Q27": a, "Q28": b} for a, b in ((5, 1), (3, 2), (1, 3), (5, 1), (3, 2))]
    responses = _responses(rows)
    keyed, scores = keyed_items(responses), scale_scores(responses)
    instrument = responses.instrument
    vision = scale_reliability(
        keyed, scores["clarity_of_vision"], instrument,
        instrument.scales["clarity_of_vision"], bootstrap_b=0, seed=1,
    )  # fmt: skip
    assert vision.spearman_brown is not None and vision.spearman_brown.value is None
    assert "perfectly negatively correlated" in (vision.spearman_brown.note or "")


def test_floor_ceiling_and_missingness_on_keyed_items():
    # Q7 is reverse-keyed: code 5 is keyed 1 (floor), code 1 keyed 5 (ceiling).
    rows = [
        {"Q6": 1, "Q7": 5, "Q8": 3},
        {"Q6": 5, "Q7": 5, "Q8": 3},
        {"Q6": 3, "Q7": 1, "Q8": 3},
        {"Q6": 3, "Q8": 3},
    ]
    responses = _responses(rows)
    keyed, scores = keyed_items(responses), scale_scores(responses)
    instrument = responses.instrument
    res = scale_reliability(
        keyed,
        scores["initial_trust"],
        instrument,
        instrument.scales["initial_trust"],
        bootstrap_b=0,
        seed=1,
    )
    q7 = next(i for i in res.item_stats if i.item_id == "Q7")
    assert q7.missing_pct == pytest.approx(25.0)
    assert q7.floor_pct == pytest.approx(200 / 3)  # two of three answers keyed 1
    assert q7.ceiling_pct == pytest.approx(100 / 3)
    assert not any("floor" in f for f in q7.flags)  # the 15% rule is for scale scores
    assert res.n_complete == 0 and res.alpha is not None and res.alpha.value is None
