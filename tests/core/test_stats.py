"""Group statistics against hand-worked values.

Reference for the t quantile: t(0.975, df=3) = 3.182446305284263 (standard t table,
e.g. NIST/SEMATECH e-Handbook 1.3.6.7.2, 3.182 at df 3).
"""

import math

import numpy as np
import pytest

from collabdx.core.instruments import load_instrument
from collabdx.core.responses import from_records
from collabdx.core.stats import band_for, group_stats, summarise

T_975_DF3 = 3.182446305284263


def test_summary_hand_worked():
    s = summarise(np.array([2.0, 4.0, 4.0, 5.0, np.nan]))
    assert s.n == 4
    assert s.mean == 3.75
    # squared deviations 3.0625 + 0.0625 + 0.0625 + 1.5625 = 4.75; /3; sqrt
    sd = math.sqrt(4.75 / 3)
    assert s.sd == pytest.approx(sd)
    half = T_975_DF3 * sd / 2
    assert s.ci95 == pytest.approx((3.75 - half, 3.75 + half))
    assert (s.pct_favourable, s.pct_neutral, s.pct_unfavourable) == (75.0, 0.0, 25.0)


def test_single_value_has_no_sd_or_ci_and_empty_is_empty():
    one = summarise(np.array([3.0]))
    assert (one.n, one.mean, one.sd, one.ci95) == (1, 3.0, None, None)
    assert one.pct_neutral == 100.0
    none = summarise(np.array([np.nan]))
    assert (none.n, none.mean, none.band) == (0, None, None)


@pytest.mark.parametrize(
    ("mean", "band"),
    [(1.0, "attention"), (2.999, "attention"), (3.0, "mixed"), (3.999, "mixed"),
     (4.0, "strength"), (5.0, "strength")],
)
def test_band_boundaries(mean, band):
    assert band_for(mean).id == band


def test_scale_favourable_shares_pool_the_items():
    ins = load_instrument("readiness", "1")
    # Clarity of vision = Q27, Q28. Keyed answers pooled: 5,4 | 2,3 | 4,(blank)
    rs = from_records(ins, [{"Q27": 5, "Q28": 4}, {"Q27": 2, "Q28": 3}, {"Q27": 4}])
    st = group_stats(rs).scales["clarity_of_vision"]
    # scores 4.5, 2.5, 4.0 -> mean 11/3
    assert st.n == 3
    assert st.mean == pytest.approx(11 / 3)
    # 5 item answers: favourable 5,4,4 = 60%; neutral 3 = 20%; unfavourable 2 = 20%
    assert st.pct_favourable == pytest.approx(60.0)
    assert st.pct_neutral == pytest.approx(20.0)
    assert st.pct_unfavourable == pytest.approx(20.0)


def test_item_stats_are_keyed():
    ins = load_instrument("readiness", "1")
    rs = from_records(ins, [{"Q9": 5}, {"Q9": 4}, {"Q9": 1}])
    st = group_stats(rs).items["Q9"]
    # keyed 1, 2, 5: mean 8/3; favourable only the 5
    assert st.mean == pytest.approx(8 / 3)
    assert st.pct_favourable == pytest.approx(100 / 3)
    assert st.pct_unfavourable == pytest.approx(200 / 3)
