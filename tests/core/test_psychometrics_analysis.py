"""run_psychometrics end to end: disclosure, warnings, JSON and the HTML rendering."""

import json
import re

import pytest

from collabdx.core.demo import DEMO_LABEL, demo_responses
from collabdx.core.disclosure import DisclosureError
from collabdx.core.psychometrics import result_to_dict, run_psychometrics
from collabdx.core.psychometrics import thresholds as th
from collabdx.core.psychometrics.analysis import n_per_group_for_power
from collabdx.core.psychometrics.synthetic import SYNTHETIC_LABEL, recovery, synthetic_responses
from collabdx.reports.psychometrics_html import render_psychometrics_html


@pytest.fixture(scope="module")
def demo_result():
    return run_psychometrics(demo_responses(), 5, bootstrap_b=100)


def test_demo_result_is_json_ready_and_hides_the_small_partner(demo_result):
    data = result_to_dict(demo_result)
    text = json.dumps(data, allow_nan=False)
    assert "Hilltop Hospice" not in text  # 3 respondents: under k
    assert data["n_respondents"] == 65 and data["min_group_size"] == 5
    assert data["model"]["left_out"] == ["perceived_legitimacy", "conflict_resolution"]
    assert {r["scale_id"] for r in data["reliability"]} == set(demo_responses().instrument.scales)


def test_small_sample_warnings_everywhere(demo_result):
    for rel in demo_result.reliability:
        if rel.applicable:
            assert rel.alpha.warning, rel.scale_id
    for fam in demo_result.comparisons:
        assert all(c.warning for c in fam.comparisons)
    assert not demo_result.structure.computed
    purposes = [g.purpose for g in demo_result.guidance]
    assert any("Compare two groups" in p for p in purposes)


def test_withheld_under_k_and_k_validated():
    tiny = demo_responses().subset([True] * 4 + [False] * 61)
    result = run_psychometrics(tiny, 5)
    assert result.withheld and result.reliability == () and "at least 5" in result.statement
    with pytest.raises(DisclosureError):
        run_psychometrics(demo_responses(), 2)


def test_power_table_matches_cohen():
    # Cohen (1988) Table 2.4.1, two-tailed α = .05, power .80: d = .8 → 26, d = .5 → 64,
    # d = .2 → 393 (his normal-approximation table; the exact noncentral t gives 394).
    assert n_per_group_for_power(0.8) == 26
    assert n_per_group_for_power(0.5) == 64
    assert n_per_group_for_power(0.2) in (393, 394)


def test_every_threshold_has_a_source():
    for t in th.ALL:
        assert t.source and t.meaning
        cited = re.findall(r"[A-Z][\w&,.' -]+ (?:19|20)\d\d", t.source)  # é, ö too
        for ref in cited:
            key = ref.strip()
            assert any(key.endswith(k) or k in key for k in th.REFERENCES), key


def test_html_is_self_contained_and_shows_warnings(demo_result):
    html = render_psychometrics_html(demo_result, data_label=DEMO_LABEL)
    assert DEMO_LABEL in html
    assert "<script" not in html and "<link" not in html and "<img" not in html
    assert not re.search(r"""(src|href)=["']https?:""", html)
    assert html.count('class="warning"') >= 3
    assert "CFA not run" in html and "Hilltop" not in html


def test_synthetic_report_shows_recovery():
    # No time limit asserted: tests must pass on a busy machine (benchmarks measure speed).
    result = run_psychometrics(synthetic_responses(2000), 5, bootstrap_b=200)
    st = result.structure
    assert st.computed and st.fit.cfi > 0.95
    rows = recovery({x.item_id: x.std_loading for x in st.loadings}, st.factor_correlations)
    html = render_psychometrics_html(result, data_label=SYNTHETIC_LABEL, recovery=rows)
    assert "Recovery of the known structure" in html
    assert "Two-step polychoric" in html  # n = 2000: polychoric, not Spearman
