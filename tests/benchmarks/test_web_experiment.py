"""The submission prototype (benchmarks/web_experiment.py) gives exactly the original's
feedback, so its measured speed-up is a fair "after" for the proposed fix."""

from __future__ import annotations

import math
import random

from benchmarks import web_experiment as wx
from collabdx.core import rules
from collabdx.core.instruments import load_instrument
from collabdx.core.responses import from_records
from collabdx.core.scoring import scale_scores
from collabdx.core.theory import load_theory

READINESS = load_instrument("readiness", "1")


def test_prototype_feedback_equals_the_original_for_random_answers() -> None:
    theory = load_theory()
    ruleset = wx.ORIGINAL_LOAD_RULES(theory=theory)
    assert wx.load_rules(theory=theory) == ruleset and wx.load_rules() is wx.load_rules()
    rng = random.Random(8)
    fired = 0
    for n in range(150):
        answers: dict[str, int | None] = {}
        for item in READINESS.choice_items:
            skip = rng.random() < (0.5 if n % 7 == 0 else 0.06)
            answers[item.id] = None if skip else rng.choice(item.codes)
        # Skewed answers too, so that rules with high thresholds fire.
        if n % 3 == 0:
            low = rng.random() < 0.5
            for item in READINESS.scored_items:
                if answers[item.id] is not None:
                    keyed = rng.choice((1, 2) if low else (4, 5))
                    answers[item.id] = 6 - keyed if item.reverse else keyed
        row = scale_scores(from_records(READINESS, [dict(answers)])).iloc[0]
        scores = {s: None if math.isnan(float(row[s])) else float(row[s]) for s in READINESS.scales}
        with_text: dict[str, int | None] = {**answers, "Q3": "Partner A"}  # type: ignore[dict-item]
        expected = wx.ORIGINAL_EVALUATE_RESPONDENT(ruleset, theory, with_text, scores)
        assert wx.evaluate_respondent(ruleset, theory, with_text, scores) == expected
        fired += len(expected)
    assert fired > 100  # the comparison covered rules that fire, not only silence


def test_install_and_uninstall() -> None:
    undo = wx.install()
    try:
        assert rules.evaluate_respondent is wx.evaluate_respondent
    finally:
        undo()
    assert rules.evaluate_respondent is wx.ORIGINAL_EVALUATE_RESPONDENT
