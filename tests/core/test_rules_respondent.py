"""One respondent's feedback without one-row frames, and the cached rules file.

``evaluate_respondent`` used to put one respondent through the group logic as
one-row pandas frames; it now evaluates them in plain Python, and ``load_rules``
parses a file once (docs/benchmarks.md, Web: where the time goes). The code it
replaced is kept verbatim below (``old_*``), and both must give identical results,
or fail the same way, on random answers: blank, missing, out of range, free text,
numbers of other types, under the packaged rules, the combinators fixture and
random rule sets (nested ``all``/``any``, scales inside combinations, contexts).
"""

from __future__ import annotations

import dataclasses
import math
import numbers
import random
import shutil
from collections.abc import Callable, Mapping
from functools import reduce
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from collabdx.core import rules as rules_module
from collabdx.core.instruments import load_instrument
from collabdx.core.maturity import below, format_score
from collabdx.core.responses import from_records
from collabdx.core.rules import (
    CONTEXT_SHARE,
    Combined,
    Condition,
    ItemIn,
    Recommendation,
    Rule,
    RulesError,
    RuleSet,
    ScaleBelow,
    TheoryLike,
    evaluate_respondent,
    load_rules,
    rules_for,
    rules_path_for,
)
from collabdx.core.scoring import scale_scores
from collabdx.core.theory import load_theory

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "rules"
THEORY = load_theory()
READINESS = load_instrument("readiness", "1")
PACKAGED_PATH = rules_path_for("readiness", "1")
assert PACKAGED_PATH is not None
PACKAGED = rules_for(READINESS, theory=THEORY)
COMBINATORS = load_rules(FIXTURES / "combinators.toml", theory=THEORY)
# The instrument's own answer codes and scale ids (test_rules.py checks them
# against Appendix 4).
READINESS_V1_CODES = {i.id: i.codes for i in READINESS.choice_items}
READINESS_V1_SCALES = tuple(READINESS.scales)


# ------------------------------------- the former implementation, verbatim
# src/collabdx/core/rules.py before the change (only renamed); _recommendations,
# which turns fired rules into advice, is unchanged and shared.


def old_is_code(value: object) -> bool:
    return value is None or value is pd.NA or isinstance(value, numbers.Real)


def old_truth(cond: Condition, codes: pd.DataFrame, scores: pd.DataFrame) -> pd.Series:
    """Per respondent: True, False or <NA> (unknown), as a nullable boolean Series."""
    if isinstance(cond, ItemIn):
        if cond.item not in codes:
            return pd.Series(pd.NA, index=codes.index, dtype="boolean")
        col = codes[cond.item].astype("Int64")
        return col.isin(sorted(cond.codes)).astype("boolean").mask(col.isna())
    if isinstance(cond, ScaleBelow):
        if cond.scale not in scores:
            return pd.Series(pd.NA, index=codes.index, dtype="boolean")
        x = pd.to_numeric(scores[cond.scale], errors="coerce").astype(float)
        hit = pd.Series([below(v, cond.below) for v in x], index=codes.index, dtype="boolean")
        return hit.mask(x.isna())
    parts = [old_truth(p, codes, scores) for p in cond.parts]
    # pandas' nullable boolean & and | implement Kleene logic, which is what we want.
    if cond.op == "all":
        return reduce(lambda a, b: a & b, parts)
    return reduce(lambda a, b: a | b, parts)


def old_counts(truth: pd.Series) -> tuple[int, int]:
    """(respondents who could be assessed, respondents who met the condition)."""
    return int(truth.notna().sum()), int(truth.fillna(False).sum())


def old_who(n_met: int, n: int, total: int, share: float, k: int) -> str:
    if n_met >= k and n - n_met >= k and (total == n or total - n >= k):
        return f"{n_met} of {n} respondents"
    if n_met * 2 > n:
        return "Most respondents"
    return f"At least {round(share * 100)}% of respondents"


def old_evidence(
    rule: Rule, share: float, codes: pd.DataFrame, scores: pd.DataFrame, k: int, one: bool
) -> str | None:
    """The rule's evidence text if it fires, else None. ``one``: a single respondent
    (who is evaluated as a group of one, so both paths share the same logic)."""
    if rule.context_when is not None:
        n_ctx, met_ctx = old_counts(old_truth(rule.context_when, codes, scores))
        if n_ctx < k or met_ctx == 0 or met_ctx < CONTEXT_SHARE * n_ctx:
            return None
    cond = rule.condition
    if isinstance(cond, ScaleBelow):
        if cond.scale not in scores:
            return None
        x = pd.to_numeric(scores[cond.scale], errors="coerce").dropna()
        if len(x) < k or not below(mean := float(x.mean()), cond.below):
            return None
        whose = "Your" if one else "The group's average"
        return rule.evidence.format_map(
            {"whose": whose, "score": format_score(mean), "threshold": format_score(cond.below)}
        )
    n, n_met = old_counts(old_truth(cond, codes, scores))
    if n < k or n_met == 0 or below(n_met / n, share):
        return None
    who = "You" if one else old_who(n_met, n, len(codes), share, k)
    return rule.evidence.format_map({"who": who})


def old_evaluate_respondent(
    rules: RuleSet,
    theory: TheoryLike,
    answers: Mapping[str, int | None],
    scores: Mapping[str, float | None],
) -> list[Recommendation]:
    """Advice for one respondent, from their raw codes and keyed scale scores."""
    # One-row frames, so that a respondent goes through exactly the logic of a group.
    # Non-numeric answers (Q3 is free text) can never meet a condition.
    codes = pd.DataFrame(
        {k: pd.array([v], dtype="Int64") for k, v in answers.items() if old_is_code(v)}, index=[0]
    )
    frame = pd.DataFrame({k: [v] for k, v in scores.items()}, index=[0], dtype=float)
    found = ((r, old_evidence(r, 1.0, codes, frame, 1, one=True)) for r in rules.rules)
    return rules_module._recommendations(theory, [(r, e) for r, e in found if e is not None])


# ----------------------------------------------------------------- helpers


def outcome(fn: Callable[..., list[Recommendation]], *args: Any) -> object:
    """The result, or the exception's type and message: bad input must fail alike."""
    try:
        return fn(*args)
    except Exception as err:
        return (type(err), str(err))


def assert_same(ruleset: RuleSet, answers: Mapping[str, Any], scores: Mapping[str, Any]) -> object:
    expected = outcome(old_evaluate_respondent, ruleset, THEORY, answers, scores)
    assert outcome(evaluate_respondent, ruleset, THEORY, answers, scores) == expected
    return expected


ITEMS = [f"Q{n}" for n in range(1, 31)]  # Q3 is free text
TAME = [None, pd.NA, math.nan, np.nan, 0, -1, 6, 7, 99, 2**40, 2**63 - 1, -(2**63), True,
        False, 2.0, 5.0, -0.0, np.int64(3), np.int32(1), np.float64(4.0), "", " ", "4",
        "Partner A", b"2", [1]]  # fmt: skip


def answer(item: str) -> st.SearchStrategy[Any]:
    valid = READINESS_V1_CODES.get(item, (1, 2, 3, 4, 5))
    # Valid codes twice as often as anything else, so that rules fire.
    return st.one_of(st.sampled_from(valid), st.sampled_from(valid), st.sampled_from(TAME))


# Thresholds, and a hair either side of them: below() ignores noise under 1e-9.
NEAR = [t + d for t in (2.5, 3.0, 4.0) for d in (0.0, -4e-16, -1e-10, 1e-10, -2e-9, -0.004)]
SCORES = st.one_of(
    st.none(),
    st.just(math.nan),
    st.sampled_from(NEAR),
    st.sampled_from(NEAR),
    st.floats(min_value=-1.0, max_value=7.0),
    st.integers(min_value=0, max_value=6),
    st.sampled_from([True, np.float64(2.75), np.float32(2.1), 1e300, math.inf]),
)
ANSWERS = st.fixed_dictionaries({}, optional={q: answer(q) for q in ITEMS})
SCORE_MAPS = st.fixed_dictionaries(
    {}, optional={**{s: SCORES for s in READINESS_V1_SCALES}, "not_a_scale": SCORES}
)


# --------------------------------------------------------------- properties


@settings(max_examples=300, deadline=None)
@given(ruleset=st.sampled_from([PACKAGED, COMBINATORS]), answers=ANSWERS, scores=SCORE_MAPS)
def test_same_feedback_as_one_row_frames(ruleset, answers, scores) -> None:
    assert_same(ruleset, answers, scores)


@st.composite
def item_in(draw: st.DrawFn) -> ItemIn:
    item = draw(st.sampled_from(["Q9", "Q10", "Q13", "Q17", "Q18"]))
    codes = draw(st.sets(st.sampled_from(READINESS_V1_CODES[item]), min_size=1))
    return ItemIn(item, frozenset(codes))


CONDITIONS = st.recursive(
    item_in()
    | st.builds(
        ScaleBelow,
        st.sampled_from(["initial_trust", "initial_faith"]),
        st.sampled_from([2.5, 3.0, 4.0]),
    ),
    lambda parts: st.builds(
        Combined,
        st.sampled_from(["all", "any"]),
        st.lists(parts, min_size=1, max_size=4).map(tuple),
    ),
    max_leaves=8,
)
ACTIONS = sorted(THEORY.action_statements)[:8]


@st.composite
def random_rules(draw: st.DrawFn) -> RuleSet:
    out = []
    for n in range(draw(st.integers(min_value=1, max_value=5))):
        cond = draw(CONDITIONS)
        scale = isinstance(cond, ScaleBelow)
        evidence = "{whose} score {score} < {threshold}" if scale else f"{{who}} met rule {n}"
        actions = draw(st.lists(st.sampled_from(ACTIONS), min_size=1, max_size=3, unique=True))
        context = draw(st.none() | CONDITIONS)
        rule_id = f"r{n}"
        out.append(
            Rule(rule_id, rule_id, "readiness", "1", True, cond, tuple(actions), evidence, context)
        )
    return RuleSet("readiness", "1", True, 0.33, tuple(out), "random")


FOCUSED_ANSWERS = st.fixed_dictionaries(
    {}, optional={q: answer(q) for q in ("Q9", "Q10", "Q13", "Q17", "Q18")}
)
FOCUSED_SCORES = st.fixed_dictionaries(
    {}, optional={"initial_trust": SCORES, "initial_faith": SCORES}
)


@settings(max_examples=400, deadline=None)
@given(ruleset=random_rules(), answers=FOCUSED_ANSWERS, scores=FOCUSED_SCORES)
def test_same_kleene_logic_on_random_rules(ruleset, answers, scores) -> None:
    assert_same(ruleset, answers, scores)


HUGE = [2**63, -(2**63) - 1, 2**64, 10**30, 2.5, math.inf, -math.inf, np.uint64(2**63)]
WILD_ANSWER = st.one_of(
    st.integers(), st.floats(), st.fractions(), st.text(max_size=3), st.sampled_from(TAME + HUGE)
)
WILD_SCORE = st.one_of(
    st.floats(), st.integers(min_value=-(10**6), max_value=10**6), st.sampled_from(
        [pd.NA, "2.5", "x", "", -math.inf, np.float32(2.1), np.int64(2)]
    ),
)  # fmt: skip


@pytest.mark.filterwarnings("ignore:invalid value encountered in cast:RuntimeWarning")
@settings(max_examples=300, deadline=None)
@given(
    answers=st.fixed_dictionaries({}, optional={q: WILD_ANSWER for q in ("Q9", "Q13", "Q17")}),
    scores=st.fixed_dictionaries({}, optional={s: WILD_SCORE for s in ("initial_trust", "x")}),
)
def test_odd_values_give_the_same_result_or_the_same_error(answers, scores) -> None:
    # 2.5, inf, 2**63 as an answer, pd.NA or "x" as a score: the frames raised, so
    # must the new code, with the same exception; "2.5" as a score was read as 2.5.
    assert_same(COMBINATORS, answers, scores)


@pytest.mark.parametrize(
    ("answers", "scores"),
    [
        ({"Q9": 2**63}, {}),  # over int64: the frames raised, so must the new code
        ({"Q9": -(2**63) - 1}, {}),
        ({"Q9": 2**63 - 1}, {}),
        ({"Q9": 4.0, "Q13": True}, {}),  # 4.0 is code 4, True is code 1
        ({"Q9": 4.5}, {}),
        ({"Q9": math.nan, "Q10": 5}, {}),
        ({}, {"initial_faith": 2.9999999999999996}),  # 3.0 to below(): no advice
        ({}, {"initial_faith": 2.999999998}),
        ({}, {"initial_faith": "2.5"}),  # the float frame read text as a number
        ({}, {"initial_faith": -math.inf}),  # format_score raised on it
        ({}, {"initial_faith": pd.NA}),
    ],
)
def test_edge_cases(answers, scores) -> None:
    assert_same(PACKAGED, answers, scores)
    assert_same(COMBINATORS, {**answers, "Q13": 1}, {"initial_trust": 2.4999999999999996})
    assert_same(NESTED, {**answers, "Q13": 1}, scores)


# A scale inside a combination and as a context: neither the packaged rules nor the
# fixture have one.
_FAITH = ScaleBelow("initial_faith", 3.0)
NESTED = RuleSet("readiness", "1", True, 0.33, (
    Rule("nested", "Nested", "readiness", "1", True,
         Combined("all", (Combined("any", (_FAITH, ItemIn("Q9", frozenset({4})))),
                          ItemIn("Q13", frozenset({1})))),
         (ACTIONS[0],), "{who} nested", context_when=_FAITH),
), "nested")  # fmt: skip


def test_realistic_submissions_fire_rules_and_agree() -> None:
    # Whole surveys scored as a submission scores them, some skewed low or high so
    # that rules with high thresholds fire, some mostly blank.
    rng = random.Random(8)
    fired = 0
    for n in range(150):
        answers: dict[str, Any] = {}
        for item in READINESS.choice_items:
            skip = rng.random() < (0.5 if n % 7 == 0 else 0.06)
            answers[item.id] = None if skip else rng.choice(item.codes)
        if n % 3 == 0:
            low = rng.random() < 0.5
            for item in READINESS.scored_items:
                if answers[item.id] is not None:
                    keyed = rng.choice((1, 2) if low else (4, 5))
                    answers[item.id] = 6 - keyed if item.reverse else keyed
        row = scale_scores(from_records(READINESS, [dict(answers)])).iloc[0]
        scores = {s: None if math.isnan(float(row[s])) else float(row[s]) for s in READINESS.scales}
        result = assert_same(PACKAGED, {**answers, "Q3": "Partner A"}, scores)
        assert isinstance(result, list)
        fired += len(result)
    assert fired > 100  # the comparison covered rules that fire, not only silence


# -------------------------------------------------------------- the cache


def test_rules_are_parsed_once_and_shared() -> None:
    assert load_rules(PACKAGED_PATH) is load_rules(PACKAGED_PATH, theory=THEORY) is PACKAGED
    assert rules_for(READINESS) is PACKAGED
    assert load_rules(FIXTURES / "combinators.toml") is COMBINATORS


def test_shared_rules_cannot_be_changed() -> None:
    rule = PACKAGED.rules[0]
    assert isinstance(PACKAGED.rules, tuple) and isinstance(rule.actions, tuple)
    with pytest.raises(dataclasses.FrozenInstanceError):
        PACKAGED.rules = ()  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        rule.evidence = "changed"  # type: ignore[misc]
    conditions = [r.condition for r in PACKAGED.rules if isinstance(r.condition, ItemIn)]
    assert conditions and all(isinstance(c.codes, frozenset) for c in conditions)


def test_the_theory_is_checked_on_every_call() -> None:
    @dataclasses.dataclass(frozen=True)
    class NoActions:
        action_statements: dict[str, Any] = dataclasses.field(default_factory=dict)
        cmocs: dict[str, Any] = dataclasses.field(default_factory=dict)

    load_rules(PACKAGED_PATH)
    with pytest.raises(RulesError, match="unknown action statement"):
        load_rules(PACKAGED_PATH, theory=NoActions())


def test_an_edited_file_is_read_again(tmp_path: Path) -> None:
    path = tmp_path / "rules.toml"
    shutil.copy(FIXTURES / "combinators.toml", path)
    assert load_rules(path).group_share == 0.5
    text = path.read_text(encoding="utf-8").replace("group_share = 0.5\n", "group_share = 0.45\n")
    path.write_text(text, encoding="utf-8")
    assert load_rules(path).group_share == 0.45


def test_broken_files_fail_every_time_and_caller_lists_are_accepted() -> None:
    for _ in range(2):
        with pytest.raises(RulesError, match="used by more than one rule"):
            load_rules(FIXTURES / "duplicate-id.toml")
    # Lists (unhashable) as item codes and scales, as a caller may pass them.
    codes = {k: list(v) for k, v in READINESS_V1_CODES.items()}
    assert load_rules(PACKAGED_PATH, item_codes=codes, scales=list(READINESS_V1_SCALES)) == PACKAGED
    with pytest.raises(RulesError, match="competition-history"):
        load_rules(PACKAGED_PATH, item_codes={**codes, "Q9": [1, 2, 3]})
