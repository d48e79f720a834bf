"""A measured prototype of the fix proposed for survey submissions (not app code).

The profile of a submission (``python -m benchmarks.profile_web``) shows three
quarters of its CPU time in the respondent's feedback: ``core.rules.evaluate_respondent``
runs every rule's condition through one-row pandas frames (nullable Int64 and
boolean Series, ``isin``, ``mask``), and ``core.rules_model.load_rules`` parses and
validates the packaged TOML rules file twice per submission (``survey.presenters
._rules_apply`` and ``reports.feedback.respondent_feedback``).

This module is the proposed change, written so it can be measured under gunicorn
before anyone edits the app: ``install()`` replaces both functions in
``collabdx.core.rules`` before the views import them (``benchmarks.web_settings_experiment``
calls it at settings import, which comes before the URL conf), and
``python -m benchmarks.bench_web experiment`` serves the app with and without it,
side by side. ``tests/benchmarks/test_web_experiment.py`` checks that it gives the
same recommendations as the original for thousands of random answer sets.

To adopt it, the lead moves ``evaluate_respondent`` into ``core/rules.py`` (replacing
the one-row frames) and the cache into ``core/rules_model.load_rules``.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable, Mapping
from typing import Any

from collabdx.core import rules, rules_model
from collabdx.core.maturity import below, format_score
from collabdx.core.rules_model import (
    CONTEXT_SHARE,
    Combined,
    Condition,
    ItemIn,
    Recommendation,
    Rule,
    RuleSet,
    ScaleBelow,
    TheoryLike,
    check_actions,
)

ORIGINAL_LOAD_RULES = rules_model.load_rules
ORIGINAL_EVALUATE_RESPONDENT = rules.evaluate_respondent
_packaged: list[RuleSet] = []


def load_rules(
    path: Any = None,
    *,
    theory: TheoryLike | None = None,
    item_codes: Any = None,
    scales: Any = None,
) -> RuleSet:
    """``load_rules``, with the packaged rules file parsed and validated once.

    A ``RuleSet`` is frozen, so sharing one is safe; the check against a theory
    still runs on every call (it is cheap)."""
    if path is not None or item_codes is not None or scales is not None:
        return ORIGINAL_LOAD_RULES(path, theory=theory, item_codes=item_codes, scales=scales)
    if not _packaged:
        _packaged.append(ORIGINAL_LOAD_RULES())
    ruleset = _packaged[0]
    if theory is not None:
        check_actions(ruleset, theory)
    return ruleset


def _is_code(value: object) -> bool:
    import pandas as pd

    return value is None or value is pd.NA or isinstance(value, numbers.Real)


def truth(
    cond: Condition, codes: Mapping[str, int | None], scores: Mapping[str, float]
) -> bool | None:
    """One respondent's True, False or None (unknown), with the same Kleene logic as
    ``rules._truth`` on a one-row frame."""
    if isinstance(cond, ItemIn):
        if cond.item not in codes:
            return None
        value = codes[cond.item]
        return None if value is None else int(value) in cond.codes
    if isinstance(cond, ScaleBelow):
        if cond.scale not in scores:
            return None
        x = scores[cond.scale]
        return None if math.isnan(x) else below(x, cond.below)
    assert isinstance(cond, Combined)
    parts = [truth(p, codes, scores) for p in cond.parts]
    if cond.op == "all":
        return False if False in parts else (None if None in parts else True)
    return True if True in parts else (None if None in parts else False)


def evidence(
    rule: Rule, codes: Mapping[str, int | None], scores: Mapping[str, float]
) -> str | None:
    """``rules._evidence`` for one respondent (k = 1, share = 1)."""
    if rule.context_when is not None:
        met = truth(rule.context_when, codes, scores)
        n_ctx, met_ctx = (0 if met is None else 1), (1 if met is True else 0)
        if n_ctx < 1 or met_ctx == 0 or met_ctx < CONTEXT_SHARE * n_ctx:
            return None
    cond = rule.condition
    if isinstance(cond, ScaleBelow):
        if cond.scale not in scores or math.isnan(score := scores[cond.scale]):
            return None
        if not below(score, cond.below):
            return None
        return rule.evidence.format_map(
            {"whose": "Your", "score": format_score(score), "threshold": format_score(cond.below)}
        )
    if truth(cond, codes, scores) is not True:
        return None
    return rule.evidence.format_map({"who": "You"})


def evaluate_respondent(
    ruleset: RuleSet,
    theory: TheoryLike,
    answers: Mapping[str, int | None],
    scores: Mapping[str, float | None],
) -> list[Recommendation]:
    """``rules.evaluate_respondent`` in plain Python: no one-row frames."""
    codes = {k: _code(v) for k, v in answers.items() if _is_code(v)}
    values = {k: math.nan if v is None else float(v) for k, v in scores.items()}
    found = ((r, evidence(r, codes, values)) for r in ruleset.rules)
    return rules._recommendations(theory, [(r, e) for r, e in found if e is not None])


def _code(value: object) -> int | None:
    import pandas as pd

    if value is None or value is pd.NA:
        return None
    return int(value)  # type: ignore[call-overload]  # a number: _is_code said so


def install() -> Callable[[], None]:
    """Put the prototype in ``collabdx.core.rules`` (before the views import from it);
    returns a function that puts the originals back."""
    rules.load_rules = load_rules
    rules_model.load_rules = load_rules
    rules.evaluate_respondent = evaluate_respondent

    def uninstall() -> None:
        rules.load_rules = ORIGINAL_LOAD_RULES
        rules_model.load_rules = ORIGINAL_LOAD_RULES
        rules.evaluate_respondent = ORIGINAL_EVALUATE_RESPONDENT

    return uninstall
