"""Agreement within groups (rwg(j), ICC(1), ICC(2)) and disclosure control.

References, tolerances:
* rwg(j): hand-worked examples in the comments (exact, 1e-12).
* ICC(1), ICC(2) on balanced data: pingouin 0.7 ``intraclass_corr`` ICC(1,1) and
  ICC(1,k) (one-way random effects; equal to Bliese's ICC(1), ICC(2) when every group
  has k̄ members), tolerance 1e-10; the F statistic likewise.
* Unbalanced data: ICC(2) = 1 − 1/F with F from scipy.stats.f_oneway (1e-12); ICC(1)
  hand-computed from the ANOVA mean squares with k̄ = N/G as in Bliese's R package
  multilevel (1e-12).
"""

import json

import numpy as np
import pandas as pd
import pytest
from scipy import stats as sps

from collabdx.core.instruments import load_instrument
from collabdx.core.psychometrics import result_to_dict, run_psychometrics
from collabdx.core.psychometrics.agreement import (
    group_size_for_icc2,
    icc_oneway,
    icc_reading,
    rwg_j,
)
from collabdx.core.responses import from_records


def test_rwg_single_item_hand_worked():
    # Answers 3, 4, 4, 5: mean 4, squared deviations 1+0+0+1 = 2, s² = 2/3.
    # σ²_EU = (25 − 1)/12 = 2, so rwg = 1 − (2/3)/2 = 2/3.
    assert rwg_j(np.array([3, 4, 4, 5])) == pytest.approx(2 / 3, abs=1e-12)


def test_rwg_j_two_items_hand_worked():
    # Item 1: 3, 4, 4, 5 → s² = 2/3. Item 2: 2, 2, 4, 4 → mean 3, SS 4, s² = 4/3.
    # s̄² = 1, ratio s̄²/σ² = 0.5; rwg(2) = 2·0.5 / (2·0.5 + 0.5) = 2/3.
    items = np.array([[3, 2], [4, 2], [4, 4], [5, 4]], dtype=float)
    assert rwg_j(items) == pytest.approx(2 / 3, abs=1e-12)


def test_rwg_truncated_to_zero_when_spread_exceeds_null():
    # 1, 1, 5, 5: s² = 16/3 > 2, so rwg is set to 0 (LeBreton & Senter 2008).
    assert rwg_j(np.array([1, 1, 5, 5])) == 0.0
    assert rwg_j(np.array([4, 4, 4, 4])) == 1.0


def test_icc_balanced_matches_pingouin():
    pg = pytest.importorskip("pingouin")
    rng = np.random.default_rng(8)
    groups = [rng.normal(loc, 1.0, 6) for loc in (0.0, 0.8, -0.4, 0.3, 1.1)]
    res = icc_oneway(groups)
    long = pd.DataFrame(
        {
            "group": np.repeat(range(5), 6),
            "member": np.tile(range(6), 5),
            "score": np.concatenate(groups),
        }
    )
    icc = pg.intraclass_corr(long, targets="group", raters="member", ratings="score")
    icc = icc.set_index("Type")
    assert res.icc1 == pytest.approx(icc.loc["ICC(1,1)", "ICC"], abs=1e-10)
    assert res.icc2 == pytest.approx(icc.loc["ICC(1,k)", "ICC"], abs=1e-10)
    assert res.f == pytest.approx(icc.loc["ICC(1,1)", "F"], abs=1e-10)


def test_icc_unbalanced_matches_anova():
    groups = [
        np.array([3.0, 4, 4, 5, 3]),
        np.array([2.0, 2, 3, 3, 2, 1, 2]),
        np.array([4.0, 5, 5, 4, 3, 4]),
    ]
    res = icc_oneway(groups)
    f, p = sps.f_oneway(*groups)
    assert res.f == pytest.approx(f, abs=1e-12) and res.p == pytest.approx(p, abs=1e-12)
    assert res.icc2 == pytest.approx(1 - 1 / f, abs=1e-12)
    allv = np.concatenate(groups)
    n, g = allv.size, len(groups)
    msb = sum(v.size * (v.mean() - allv.mean()) ** 2 for v in groups) / (g - 1)
    msw = sum(((v - v.mean()) ** 2).sum() for v in groups) / (n - g)
    kbar = n / g  # Bliese's multilevel::ICC1 uses the mean group size
    assert res.icc1 == pytest.approx((msb - msw) / (msb + (kbar - 1) * msw), abs=1e-12)


def test_spearman_brown_group_size_and_reading():
    # ICC(2) = k·ICC1 / (1 + (k−1)·ICC1) ≥ .70 with ICC(1) = .10 ⇒ k ≥ .7·.9/(.3·.1) = 21
    assert group_size_for_icc2(0.10) == 21
    assert group_size_for_icc2(0.0) is None
    text = icc_reading(0.12, 0.71, "organisations", 21, 25)
    assert "12% of the variation in scores lies between organisations" in text
    assert "reliable enough to compare" in text
    low = icc_reading(0.05, 0.40, "organisations", 45, 12)
    assert "not reliable enough" in low and "about 45 respondents per group" in low


def _org_responses(sizes: dict[str, int], seed: int = 1):
    instrument = load_instrument("readiness", "1")
    rng = np.random.default_rng(seed)
    rows = []
    for org, size in sizes.items():
        shift = rng.normal(0, 0.5)
        for _ in range(size):
            rec = {"Q1": int(rng.integers(1, 3)), "Q2": int(rng.integers(1, 4)), "Q3": org}
            for item in instrument.scored_items:
                rec[item.id] = int(np.clip(np.rint(3 + shift + rng.normal(0, 1)), 1, 5))
            rows.append(rec)
    return from_records(instrument, rows)


def test_group_under_k_is_never_named_anywhere():
    k = 5
    # A group of k − 1 = 4. protect() hides it and, so it cannot be worked out by
    # subtraction, also the smallest other group (Alpha Trust, 8): neither may appear.
    responses = _org_responses(
        {"Alpha Trust": 8, "Beta Care": 9, "Gamma Health": 10, "Tiny Hospice": k - 1}
    )
    result = run_psychometrics(responses, k, bootstrap_b=0)
    dumped = json.dumps(result_to_dict(result))
    assert "Tiny Hospice" not in dumped
    assert "Alpha Trust" not in dumped
    org = next(a for a in result.agreement if a.by == "organisation")
    assert org.computed and org.groups == ("Beta Care", "Gamma Health")
    family = next(f for f in result.comparisons if f.by == "organisation")
    assert {(c.group_a, c.group_b) for c in family.comparisons} == {("Beta Care", "Gamma Health")}
    assert all(c.n_a >= k and c.n_b >= k for c in family.comparisons)
    # And the rendered report names neither.
    from collabdx.reports.psychometrics_html import render_psychometrics_html

    html = render_psychometrics_html(result)
    assert "Tiny Hospice" not in html and "Alpha Trust" not in html


def test_fewer_than_two_groups_cannot_be_computed():
    responses = _org_responses({"Alpha Trust": 12, "Beta Care": 3})
    result = run_psychometrics(responses, 5, bootstrap_b=0)
    org = next(a for a in result.agreement if a.by == "organisation")
    assert not org.computed and "Cannot be computed" in org.reason
    assert "Beta Care" not in json.dumps(result_to_dict(result))


def test_agreement_on_visible_groups_with_warnings():
    responses = _org_responses({"Alpha Trust": 9, "Beta Care": 12, "Gamma Health": 7}, seed=4)
    result = run_psychometrics(responses, 5, bootstrap_b=0)
    org = next(a for a in result.agreement if a.by == "organisation")
    assert org.computed and org.groups == ("Alpha Trust", "Beta Care", "Gamma Health")
    trust = next(s for s in org.scales if s.scale_id == "initial_trust")
    by_group = {g.group: g.rwg for g in trust.rwg}
    assert by_group["Alpha Trust"].warning and "Fewer than 10" in by_group["Alpha Trust"].warning
    assert by_group["Beta Care"].warning is None
    assert trust.icc1 is not None and trust.icc1.warning and "Maas & Hox" in trust.icc1.warning
    # ICC(1) equals the one-way ANOVA on the groups' scale scores.
    from collabdx.core.scoring import scale_scores

    scores = scale_scores(responses)["initial_trust"]
    orgs = responses.text["Q3"]
    groups = [scores[orgs == g].dropna().to_numpy() for g in org.groups]
    assert trust.icc1.value == pytest.approx(icc_oneway(groups).icc1, abs=1e-12)
    assert trust.p == pytest.approx(sps.f_oneway(*groups).pvalue, abs=1e-12)
