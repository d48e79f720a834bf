"""Group comparisons: Welch, Cliff's delta, Holm and Benjamini–Hochberg.

References, tolerances:
* Welch: scipy.stats.ttest_ind(equal_var=False) statistic, df, p and its
  confidence_interval(); 1e-10. pingouin.pairwise_tests (parametric, Welch) p-unc for
  one scale with three groups; 1e-10.
* Cliff's delta: R effsize::cliff.delta defaults (unbiased variance, t quantile) on the
  package's own example, treatment = (10,10,20,20,20,30,30,30,40,50), control =
  (10,20,30,40,40,50): delta −0.25, 95% CI (−0.7265846, 0.3890062), as printed in
  effsize's R/CliffDelta.R and tests (mtorchiano/effsize); 1e-7. The estimate also
  equals 2·CLES − 1 with pingouin.compute_effsize(eftype="CLES") and 2U/(mn) − 1 with
  scipy.stats.mannwhitneyu (1e-12).
* Holm and BH: statsmodels.stats.multitest.multipletests (1e-12) and a hand-worked
  four-p example in the comments (exact).
"""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats as sps

from collabdx.core.instruments import load_instrument
from collabdx.core.psychometrics import run_psychometrics
from collabdx.core.psychometrics.comparisons import (
    benjamini_hochberg,
    cliff_delta,
    holm,
    welch,
)
from collabdx.core.psychometrics.thresholds import cliff_magnitude
from collabdx.core.responses import from_records
from collabdx.core.scoring import scale_scores

TREATMENT = np.array([10, 10, 20, 20, 20, 30, 30, 30, 40, 50], dtype=float)
CONTROL = np.array([10, 20, 30, 40, 40, 50], dtype=float)


def test_welch_matches_scipy():
    rng = np.random.default_rng(2)
    a, b = rng.normal(3.4, 0.6, 23), rng.normal(3.0, 0.9, 31)
    ours = welch(a, b)
    ref = sps.ttest_ind(a, b, equal_var=False)
    ci = ref.confidence_interval(0.95)
    assert ours.t == pytest.approx(ref.statistic, abs=1e-10)
    assert ours.df == pytest.approx(ref.df, abs=1e-10)
    assert ours.p == pytest.approx(ref.pvalue, abs=1e-10)
    assert ours.ci == pytest.approx((ci.low, ci.high), abs=1e-10)


def test_welch_without_variation_has_no_test():
    w = welch(np.array([3.0, 3, 3]), np.array([4.0, 4, 4]))
    assert w.difference == -1.0 and w.p is None and w.ci is None


def test_cliff_delta_matches_effsize_published_example():
    c = cliff_delta(TREATMENT, CONTROL)
    assert c.delta == -0.25
    assert c.ci == pytest.approx((-0.7265846, 0.3890062), abs=1e-7)
    assert cliff_magnitude(c.delta) == "small"  # effsize prints "(small)"


def test_cliff_delta_equals_cles_and_mann_whitney():
    pg = pytest.importorskip("pingouin")
    rng = np.random.default_rng(9)
    a = rng.integers(1, 6, 17).astype(float)
    b = rng.integers(1, 6, 12).astype(float)
    d = cliff_delta(a, b).delta
    assert d == pytest.approx(2 * pg.compute_effsize(a, b, eftype="CLES") - 1, abs=1e-12)
    u = sps.mannwhitneyu(a, b).statistic
    assert d == pytest.approx(2 * u / (a.size * b.size) - 1, abs=1e-12)


def test_cliff_delta_disjoint_groups():
    c = cliff_delta(np.array([4.0, 5, 5]), np.array([1.0, 2, 2, 3]))
    assert c.delta == 1.0 and c.ci[1] == 1.0 and -1 < c.ci[0] < 1


def _matrix_cliff(a: np.ndarray, b: np.ndarray) -> tuple[float, float]:
    """Cliff's delta and variance straight from the n_a x n_b dominance matrix (the
    definition, as the first version of cliff_delta computed it): the reference for
    the sorted-count version, which never builds the matrix."""
    dom = np.sign(a[:, None] - b[None, :])
    na, nb = a.size, b.size
    delta = float(dom.mean())
    d = delta * (na * nb - 1) / (na * nb) if abs(delta) == 1 else delta
    rows, cols = dom.mean(axis=1), dom.mean(axis=0)
    var = (
        nb**2 * ((rows - d) ** 2).sum()
        + na**2 * ((cols - d) ** 2).sum()
        - ((dom - d) ** 2).sum()
    ) / (na * nb * (na - 1) * (nb - 1))
    # effsize keeps the unbiased variance as it is (issue 18); a negative one is 0.
    return delta, max(float(var), 0.0)


@settings(max_examples=300, deadline=None)
@given(
    a=st.lists(st.sampled_from([1.0, 1.5, 2.0, 2.5, 3.0, 3.5, 4.0, 4.5, 5.0]), min_size=2,
               max_size=40),
    b=st.lists(st.sampled_from([1.0, 1.5, 2.0, 2.5, 3.0, 3.5, 4.0, 4.5, 5.0]), min_size=2,
               max_size=40),
)  # fmt: skip
def test_cliff_delta_from_sorted_counts_equals_the_dominance_matrix(a, b):
    a_, b_ = np.array(a), np.array(b)
    c = cliff_delta(a_, b_)
    delta, var = _matrix_cliff(a_, b_)
    assert c.delta == pytest.approx(delta, abs=1e-12)
    assert c.variance == pytest.approx(var, abs=1e-12)


def test_cliff_delta_memory_is_linear():
    """50,000 per group: the matrix would need 20 GB; counts need a few MB."""
    import tracemalloc

    rng = np.random.default_rng(3)
    a, b = rng.integers(1, 6, 50_000).astype(float), rng.integers(1, 6, 50_000).astype(float)
    tracemalloc.start()
    c = cliff_delta(a, b)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak < 50_000_000, peak
    u = sps.mannwhitneyu(a, b).statistic
    assert c.delta == pytest.approx(2 * u / (a.size * b.size) - 1, abs=1e-12)


def test_holm_and_bh_hand_worked():
    # p = (.01, .04, .03, .005), m = 4. Sorted .005, .01, .03, .04.
    # Holm: 4·.005 = .02; 3·.01 = .03; 2·.03 = .06; 1·.04 = .04 → running max .06.
    # BH: .04·4/4 = .04; .03·4/3 = .04; .01·4/2 = .02; .005·4/1 = .02 (running min).
    p = [0.01, 0.04, 0.03, 0.005]
    assert holm(p) == pytest.approx([0.03, 0.06, 0.06, 0.02], abs=1e-15)
    assert benjamini_hochberg(p) == pytest.approx([0.02, 0.04, 0.04, 0.02], abs=1e-15)


def test_holm_and_bh_match_statsmodels():
    multitest = pytest.importorskip("statsmodels.stats.multitest")
    rng = np.random.default_rng(1)
    p = list(rng.uniform(0, 0.2, 21))
    assert holm(p) == pytest.approx(list(multitest.multipletests(p, method="holm")[1]), abs=1e-12)
    assert benjamini_hochberg(p) == pytest.approx(
        list(multitest.multipletests(p, method="fdr_bh")[1]), abs=1e-12
    )


def _responses(n_per_org=12, seed=5):
    instrument = load_instrument("readiness", "1")
    rng = np.random.default_rng(seed)
    rows = []
    for o, org in enumerate(("Alpha Trust", "Beta Care", "Gamma Health")):
        for r in range(n_per_org):
            rec = {"Q1": 1 if r % 3 == 0 else 2, "Q2": 1 + r % 3, "Q3": org}
            for item in instrument.scored_items:
                rec[item.id] = int(np.clip(np.rint(2.5 + 0.5 * o + rng.normal(0, 1)), 1, 5))
            rows.append(rec)
    return from_records(instrument, rows)


def test_family_matches_pingouin_pairwise_and_is_adjusted_as_one_family():
    pg = pytest.importorskip("pingouin")
    multitest = pytest.importorskip("statsmodels.stats.multitest")
    responses = _responses()
    result = run_psychometrics(responses, 5, bootstrap_b=0)
    family = next(f for f in result.comparisons if f.by == "organisation")
    assert len(family.comparisons) == 3 * 7  # 3 pairs × 7 scales
    scores = scale_scores(responses)
    df = pd.DataFrame({"org": responses.text["Q3"], "y": scores["initial_trust"]})
    ref = pg.pairwise_tests(data=df, dv="y", between="org", parametric=True, correction=True)
    for _, row in ref.iterrows():
        ours = next(
            c
            for c in family.comparisons
            if c.scale_id == "initial_trust" and (c.group_a, c.group_b) == (row["A"], row["B"])
        )
        assert ours.p == pytest.approx(row["p_unc"] if "p_unc" in row else row["p-unc"], abs=1e-10)
    pvals = [c.p for c in family.comparisons]
    assert [c.p_holm for c in family.comparisons] == pytest.approx(
        list(multitest.multipletests(pvals, method="holm")[1]), abs=1e-12
    )
    # Groups of 12 are under 64: every comparison says so.
    assert all(c.warning and "fewer than 64" in c.warning for c in family.comparisons)


def test_role_and_staff_group_families():
    result = run_psychometrics(_responses(), 5, bootstrap_b=0)
    role = next(f for f in result.comparisons if f.by == "role")
    assert role.groups == ("Leader/key architect", "Workforce")
    staff = next(f for f in result.comparisons if f.by == "staff_group")
    assert staff.groups == ("Clinical", "Managerial")  # "Both" is not compared
    assert all("Both" not in (c.group_a, c.group_b) for c in staff.comparisons)
