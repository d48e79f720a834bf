"""The data-quality check (core.data_quality): exact repeats and straight-lining.

Every expected number is worked out by hand from the rows written out here.
Readiness v1 has 21 scored questions (Q6-Q11, Q14-Q18, Q20-Q22, Q24-Q30), so a
response is called straight-lined only with at least ceil(21 / 2) = 11 of them
answered, all with the same code.
"""

from __future__ import annotations

import pytest

from collabdx.core.data_quality import (
    Row,
    check_quality,
    is_straight_lined,
    min_answered,
    pattern,
)
from collabdx.core.instruments import load_instrument

READINESS = load_instrument("readiness", "1")
PERFORMANCE = load_instrument("performance_check", "1")
SCORED = [i.id for i in READINESS.scored_items]


def answers(scored: int | list[int], **rest: int) -> dict[str, int | None]:
    """Every scored question ``scored`` (or one code each, in order), plus ``rest``."""
    codes = scored if isinstance(scored, list) else [scored] * len(SCORED)
    return {**dict(zip(SCORED, codes, strict=True)), "Q1": 2, "Q2": 1, "Q4": 3, **rest}


def test_thresholds_by_hand():
    assert len(SCORED) == 21 and min_answered(READINESS) == 11
    assert len(PERFORMANCE.scored_items) == 17 and min_answered(PERFORMANCE) == 9


def test_straight_lining():
    assert is_straight_lined(READINESS, answers(3))  # all 21 the same
    # One answer different: reverse-worded questions turned round would differ, a
    # considered view. Not flagged.
    assert not is_straight_lined(READINESS, answers([3] * 20 + [4]))
    # 11 answered, all 5: flagged; 10 answered, all 5: too few to say.
    eleven = {q: 5 for q in SCORED[:11]}
    assert is_straight_lined(READINESS, eleven)
    assert not is_straight_lined(READINESS, {q: 5 for q in SCORED[:10]})
    # Descriptors and context questions do not count: Q1 = 2 beside scored 3s.
    assert is_straight_lined(READINESS, answers(3, Q12=1, Q13=2))


def test_pattern_covers_every_choice_question_and_no_free_text():
    p = pattern(READINESS, answers(4, Q3=None))  # Q3 (free text) is not a choice item
    assert len(p) == len(READINESS.choice_items) == 29


def test_a_worked_wave():
    # Partner A: a1 = a2 = a4 exactly (a varied answer set), a3 differs in Q4 only,
    # a5 is all 3s, a6 all 3s too. Partner B: b1 is a1's answers through B's link.
    varied = [1, 2, 3, 4, 5] * 4 + [2]
    rows = [
        Row("a1", "A", answers(varied)),
        Row("a2", "A", answers(varied)),
        Row("a3", "A", answers(varied, Q4=1)),
        Row("a4", "A", answers(varied)),
        Row("a5", "A", answers(3)),
        Row("a6", "A", answers(3)),
        Row("b1", "B", answers(varied)),
    ]
    check = check_quality(READINESS, rows)
    # Kept: a1 (first of a1/a2/a4), a3 (differs), b1 (another partner).
    assert check.kept == {"a1", "a3", "b1"}
    # Set aside: a2 and a4 as repeats (2); a5 and a6 straight-lined (2), not repeats.
    assert (check.repeats, check.straight_lined, check.set_aside) == (2, 2, 4)


def test_the_first_by_key_is_kept_whatever_the_order():
    rows = [Row("z", "A", answers([1, 2] * 10 + [3])), Row("m", "A", answers([1, 2] * 10 + [3]))]
    assert check_quality(READINESS, rows).kept == {"m"}
    assert check_quality(READINESS, list(reversed(rows))).kept == {"m"}


def test_issue_12_attack_one_leaves_only_the_real_respondent():
    # Yew Trust: one real respondent, then four all-3 responses made up to reach k.
    real = Row("real", "Yew", answers([5, 4, 2, 4, 4, 5, 5, 4, 2, 2, 4, 4, 3, 4, 2, 2, 4,
                                       4, 4, 5, 5]))  # fmt: skip
    fakes = [Row(f"fake{i}", "Yew", answers(3)) for i in range(4)]
    check = check_quality(READINESS, [real, *fakes])
    assert check.kept == {"real"} and check.straight_lined == 4


@pytest.mark.parametrize("n", [0, 1, 5])
def test_no_rows_or_all_distinct_sets_nothing_aside(n):
    rows = [Row(str(i), "A", answers([1 + (i + j) % 5 for j in range(21)])) for i in range(n)]
    check = check_quality(READINESS, rows)
    assert len(check.kept) == n and check.set_aside == 0
