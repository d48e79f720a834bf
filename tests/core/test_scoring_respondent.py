"""One respondent's scale scores without data frames (issue 15: the submit path).

The hand-worked respondents of test_scoring.py, then random respondents of every
packaged instrument (blanks, empty strings, reverse-keyed items, whole scales left
out) against the vectorised ``scale_scores``: the same rule, computed independently.
"""

import math
import random

import pytest

from collabdx.core.instruments import available, load_instrument
from collabdx.core.responses import from_records
from collabdx.core.scoring import respondent_scale_scores, scale_scores
from tests.core.test_scoring import R1, R2, R3, READINESS


def test_hand_worked_respondents() -> None:
    r1, r2, r3 = (respondent_scale_scores(READINESS, r) for r in (R1, R2, R3))
    assert r1["initial_trust"] == pytest.approx(25 / 6)  # 5, 6-1=5, 4, 6-2=4, 6-3=3, 4
    assert r1["perceived_legitimacy"] == 2.0
    assert r2["initial_trust"] is None  # 2 of 6 answered, 3 needed
    assert r3["initial_trust"] == pytest.approx(4 / 3)  # exactly half: 6-5=1, 1, 2
    assert all(v is None for k, v in r3.items() if k != "initial_trust")


@pytest.mark.parametrize("instrument_key", sorted(available()))
def test_agrees_with_the_vectorised_rule(instrument_key: tuple[str, str]) -> None:
    instrument = load_instrument(*instrument_key)
    rng = random.Random(15)
    items = list(instrument.choice_items)
    for _ in range(300):
        blank = rng.choice((0.0, 0.1, 0.5, 0.9))
        answers: dict[str, object] = {}
        for item in items:
            roll = rng.random()
            if roll < blank:
                answers[item.id] = rng.choice((None, ""))  # or left out entirely
                if rng.random() < 0.5:
                    del answers[item.id]
            else:
                answers[item.id] = rng.choice(item.codes)
        mine = respondent_scale_scores(instrument, answers)
        row = scale_scores(from_records(instrument, [answers])).iloc[0]
        assert set(mine) == set(instrument.scales)
        for scale_id, value in mine.items():
            expected = float(row[scale_id])
            if math.isnan(expected):
                assert value is None, (scale_id, answers)
            else:
                assert value == expected, (scale_id, answers)  # the same float, exactly
