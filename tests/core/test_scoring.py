"""Hand-worked scoring of readiness v1 (issue 2's rule).

Every expected number below was worked out by hand from the rule, in the comments,
not taken from the code under test.
"""

import math

import pytest

from collabdx.core.instruments import load_instrument
from collabdx.core.responses import from_records
from collabdx.core.scoring import keyed_items, scale_scores

READINESS = load_instrument("readiness", "1")

R1 = {  # every scale answered; Q30 left blank
    "Q6": 5, "Q7": 1, "Q8": 4, "Q9": 2, "Q10": 3, "Q11": 4,
    "Q14": 2,
    "Q15": 5, "Q16": 4, "Q17": 3, "Q18": 2, "Q20": 1, "Q21": 2, "Q22": 3,
    "Q24": 4, "Q25": 5, "Q26": 1, "Q27": 5, "Q28": 4, "Q29": 3,
}
R2 = {  # the missing-data rule: fewer than half of a scale's items, rounded up
    "Q6": 2, "Q9": 5,  # 2 of 6 initial-trust items < 3 needed -> missing
    "Q15": 1, "Q17": 4, "Q20": 5, "Q22": 4,  # 4 of 7 initial-faith items = 4 needed
    "Q26": 3, "Q29": 1, "Q30": 2,
}
R3 = {"Q7": 5, "Q8": 1, "Q11": 2}  # exactly 3 of 6 initial-trust items


@pytest.fixture(scope="module")
def scores():
    rs = from_records(READINESS, [R1, R2, R3], ids=["r1", "r2", "r3"])
    return scale_scores(rs)


def test_respondent_1_keying(scores):
    # initial trust: 5, 6-1=5, 4, 6-2=4, 6-3=3, 4 -> 25/6
    assert scores.loc["r1", "initial_trust"] == pytest.approx(25 / 6)
    assert scores.loc["r1", "perceived_legitimacy"] == 2.0
    # initial faith: 6-5=1, 6-4=2, 3, 2, 6-1=5, 6-2=4, 6-3=3 -> 20/7
    assert scores.loc["r1", "initial_faith"] == pytest.approx(20 / 7)
    # cultural integration: 4, 6-5=1 -> 2.5
    assert scores.loc["r1", "cultural_integration"] == 2.5
    assert scores.loc["r1", "conflict_resolution"] == 1.0
    assert scores.loc["r1", "clarity_of_vision"] == 4.5
    # shared vision: one of two answered is enough (half of 2, rounded up, is 1)
    assert scores.loc["r1", "shared_vision"] == 3.0


def test_respondent_2_missing_rule(scores):
    assert math.isnan(scores.loc["r2", "initial_trust"])
    # initial faith: 6-1=5, 4, 6-5=1, 6-4=2 -> 12/4
    assert scores.loc["r2", "initial_faith"] == 3.0
    assert math.isnan(scores.loc["r2", "perceived_legitimacy"])
    assert math.isnan(scores.loc["r2", "cultural_integration"])
    assert scores.loc["r2", "conflict_resolution"] == 3.0
    assert math.isnan(scores.loc["r2", "clarity_of_vision"])
    assert scores.loc["r2", "shared_vision"] == 1.5


def test_respondent_3_exactly_half(scores):
    # 6-5=1, 1, 2 -> 4/3
    assert scores.loc["r3", "initial_trust"] == pytest.approx(4 / 3)
    assert scores.loc["r3"].drop("initial_trust").isna().all()


def test_reverse_keyed_items_are_exactly_the_listed_ones():
    reverse = {i.id for i in READINESS.scored_items if i.reverse}
    assert reverse == {"Q7", "Q9", "Q10", "Q15", "Q16", "Q20", "Q21", "Q22", "Q25"}


def test_keyed_values_for_every_code_of_a_reverse_item():
    rs = from_records(READINESS, [{"Q9": c} for c in range(1, 6)])
    assert keyed_items(rs)["Q9"].tolist() == [5.0, 4.0, 3.0, 2.0, 1.0]


def test_context_and_descriptor_items_are_never_scored():
    scored = {i.id for i in READINESS.scored_items}
    for never in ["Q1", "Q2", "Q3", "Q4", "Q5", "Q12", "Q13", "Q19", "Q23"]:
        assert never not in scored
    expected = {f"Q{n}" for n in [*range(6, 12), *range(14, 19), 20, 21, 22, *range(24, 31)]}
    assert scored == expected


def test_scales_are_the_seed_blocks():
    assert {s.id: list(s.items) for s in READINESS.scales.values()} == {
        "initial_trust": ["Q6", "Q7", "Q8", "Q9", "Q10", "Q11"],
        "perceived_legitimacy": ["Q14"],
        "initial_faith": ["Q15", "Q16", "Q17", "Q18", "Q20", "Q21", "Q22"],
        "cultural_integration": ["Q24", "Q25"],
        "conflict_resolution": ["Q26"],
        "clarity_of_vision": ["Q27", "Q28"],
        "shared_vision": ["Q29", "Q30"],
    }


def test_scoring_is_vectorised_over_many_respondents():
    # 200k respondents all answering 2 on every scored item: every non-reverse item keys
    # to 2 and every reverse item to 4, so initial trust = (2+4+2+4+4+2)/6 = 3.
    n = 200_000
    rs = from_records(READINESS, [])
    codes = rs.codes.reindex(range(n)).copy()
    for item in READINESS.scored_items:
        codes[item.id] = 2.0
    codes.index = codes.index.astype(str)
    big = type(rs)(rs.instrument_id, rs.instrument_version, codes, rs.text.reindex(codes.index))
    out = scale_scores(big)
    assert len(out) == n
    assert (out["initial_trust"] == 3.0).all()
