"""Feedback rules as data, and the engine that turns survey answers into advice.

The rules (``collabdx/data/rules/<instrument>-v<version>.toml``, chosen by the
instrument and version the file's header names: ``rules_for``) are collabdx's own
derivation: the seed report gives the survey and the Table 10 action statements
but nothing linking them. This module only loads, validates and applies them.

Conditions are tested with three-valued (Kleene) logic so that a missing answer
is "unknown" rather than "no": ``any`` is true if one part is true, ``all`` is
false if one part is false, and otherwise the result stays unknown. For a group,
respondents whose result is unknown are left out of the denominator.

Disclosure control (k = ``min_group_size``, at least 3 as the project's
``disclosure`` module requires): a group of fewer than k gets no advice at all; a
rule is not reported when fewer than k people answered what it asks about (or its
context); and a count is printed only when no subgroup it reveals (met, not met,
not answered) is smaller than k, see ``_who``.

A group is evaluated column by column with pandas; one respondent (a survey
submission's personal feedback) in plain Python, because one-row frames cost about
three quarters of a submission's CPU (docs/benchmarks.md). Both follow the same
rules; ``tests/core/test_rules_respondent.py`` checks the respondent path against
the former one-row-frame version on random answers.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Mapping, Sequence
from functools import reduce
from typing import Any

import pandas as pd

from collabdx.core.disclosure import check_min_group_size
from collabdx.core.maturity import below, format_score
from collabdx.core.rules_model import (
    CONTEXT_SHARE,
    DEFAULT_GROUP_SHARE,
    Combined,
    Condition,
    ItemIn,
    Recommendation,
    Rule,
    RulesError,
    RuleSet,
    ScaleBelow,
    TheoryLike,
    check_actions,
    load_rules,
    rules_for,
    rules_path_for,
)

__all__ = [
    "CONTEXT_SHARE",
    "DEFAULT_GROUP_SHARE",
    "Combined",
    "Condition",
    "ItemIn",
    "Recommendation",
    "Rule",
    "RuleSet",
    "RulesError",
    "ScaleBelow",
    "TheoryLike",
    "check_actions",
    "evaluate_group",
    "evaluate_respondent",
    "load_rules",
    "rules_for",
    "rules_path_for",
]


# --------------------------------------------------------------- evaluation


def _is_code(value: object) -> bool:
    return value is None or value is pd.NA or isinstance(value, numbers.Real)


def _truth(cond: Condition, codes: pd.DataFrame, scores: pd.DataFrame) -> pd.Series:
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
    parts = [_truth(p, codes, scores) for p in cond.parts]
    # pandas' nullable boolean & and | implement Kleene logic, which is what we want.
    if cond.op == "all":
        return reduce(lambda a, b: a & b, parts)
    return reduce(lambda a, b: a | b, parts)


def _counts(truth: pd.Series) -> tuple[int, int]:
    """(respondents who could be assessed, respondents who met the condition)."""
    return int(truth.notna().sum()), int(truth.fillna(False).sum())


def _who(n_met: int, n: int, total: int, share: float, k: int) -> str:
    # "n_met of n" also tells how many did not meet the condition (n - n_met) and how
    # many did not answer (total - n). Print it only when the first two are at least
    # k and the third is 0 or at least k. "All 6 agree" is withheld too: it gives
    # away every respondent's answer. Otherwise say only what the rule threshold
    # guarantees, or "Most" when more than half did, which names no count.
    if n_met >= k and n - n_met >= k and (total == n or total - n >= k):
        return f"{n_met} of {n} respondents"
    if n_met * 2 > n:
        return "Most respondents"
    return f"At least {round(share * 100)}% of respondents"


def _evidence(
    rule: Rule, share: float, codes: pd.DataFrame, scores: pd.DataFrame, k: int, one: bool
) -> str | None:
    """The rule's evidence text if it fires, else None. ``one``: a single respondent
    (who is evaluated as a group of one, so both paths share the same logic)."""
    if rule.context_when is not None:
        n_ctx, met_ctx = _counts(_truth(rule.context_when, codes, scores))
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
    n, n_met = _counts(_truth(cond, codes, scores))
    if n < k or n_met == 0 or below(n_met / n, share):
        return None
    who = "You" if one else _who(n_met, n, len(codes), share, k)
    return rule.evidence.format_map({"who": who})


def _mechanism_name(theory: TheoryLike, mechanism_id: str) -> str:
    # Table 7 names, cut at the first comma: "Effectiveness through collaboration,
    # enabling innovation, ..." is too long for a one-line path.
    mechanisms = getattr(theory, "mechanisms", None) or {}
    name = getattr(mechanisms.get(mechanism_id), "name", None) or mechanism_id.replace("_", " ")
    name = name.split(",")[0].strip()
    return name[:1].lower() + name[1:]


def _recommendations(theory: TheoryLike, fired: Sequence[tuple[Rule, str]]) -> list[Recommendation]:
    check_actions([r for r, _ in fired], theory)
    by_action: dict[str, list[tuple[Rule, str]]] = {}
    for rule, evidence in fired:
        for action in rule.actions:
            by_action.setdefault(action, []).append((rule, evidence))
    order = {aid: n for n, aid in enumerate(theory.action_statements)}
    out = []
    for aid in sorted(by_action, key=lambda a: (order[a], a)):
        st = theory.action_statements[aid]
        hits = by_action[aid]
        titles = list(dict.fromkeys(r.title for r, _ in hits))
        names = [_mechanism_name(theory, m) for m in st.mechanisms]
        path = "; ".join(titles)
        if names:
            path += " → acts through: " + "; ".join(names)
        out.append(
            Recommendation(
                rule_id=hits[0][0].id,
                action_id=aid,
                task=st.task,
                text=st.text,
                if_text=st.if_text,
                then_text=st.then_text,
                because_text=st.because_text,
                evidence=tuple(dict.fromkeys(e for _, e in hits)),
                cmocs=tuple((c, theory.cmocs[c].source, theory.cmocs[c].text) for c in st.cmocs),
                mechanisms=tuple(st.mechanisms),
                path=path,
                rule_ids=tuple(dict.fromkeys(r.id for r, _ in hits)),
            )
        )
    return out


# ------------------------------------------------------- one respondent
# The group logic above with k = 1 and share = 1, written out for one respondent:
# a rule fires when its condition (and context, if any) is True for them. Answers
# and scores are converted exactly as the former one-row frames converted them.

_INT64 = range(-(2**63), 2**63)


def _code(value: Any) -> int | None:  # Any: callers may send what the type hints forbid
    """An answer as the former nullable Int64 cell held it: None when blank."""
    if value is None or value is pd.NA:
        return None
    if isinstance(value, int) and value in _INT64:  # bool too: True is code 1
        return int(value)
    # Floats, numpy scalars, huge ints: never sent by the survey, so pandas' own
    # conversion, which is exact (2.0 -> 2, NaN -> blank) and raises on 2.5.
    cell = pd.array([value], dtype="Int64")[0]
    return None if cell is pd.NA else int(cell)


def _score(scale: str, value: Any) -> float:
    """A scale score as the former float cell held it: NaN when missing."""
    if value is None:
        return math.nan
    if isinstance(value, int | float):
        return float(value)
    # Text ("2.5" is read as 2.5), numpy scalars: pandas' own conversion to float.
    column = pd.DataFrame({scale: [value]}, index=[0], dtype=float)[scale]
    return float(column.to_numpy()[0])


def _truth_one(
    cond: Condition, codes: Mapping[str, int | None], scores: Mapping[str, float]
) -> bool | None:
    """One respondent's True, False or None (unknown), with ``_truth``'s Kleene logic."""
    if isinstance(cond, ItemIn):
        code = codes.get(cond.item)
        return None if code is None else code in cond.codes
    if isinstance(cond, ScaleBelow):
        score = scores.get(cond.scale, math.nan)
        return None if math.isnan(score) else below(score, cond.below)
    parts = [_truth_one(p, codes, scores) for p in cond.parts]
    decisive = cond.op == "any"  # a True decides "any", a False decides "all"
    if decisive in parts:
        return decisive
    return None if None in parts else not decisive


def _evidence_one(
    rule: Rule, codes: Mapping[str, int | None], scores: Mapping[str, float]
) -> str | None:
    """``_evidence(rule, 1.0, ..., k=1, one=True)`` without frames."""
    if rule.context_when is not None and _truth_one(rule.context_when, codes, scores) is not True:
        return None
    cond = rule.condition
    if isinstance(cond, ScaleBelow):
        score = scores.get(cond.scale, math.nan)
        if math.isnan(score) or not below(score, cond.below):
            return None
        return rule.evidence.format_map(
            {"whose": "Your", "score": format_score(score), "threshold": format_score(cond.below)}
        )
    if _truth_one(cond, codes, scores) is not True:
        return None
    return rule.evidence.format_map({"who": "You"})


def evaluate_respondent(
    rules: RuleSet,
    theory: TheoryLike,
    answers: Mapping[str, int | None],
    scores: Mapping[str, float | None],
) -> list[Recommendation]:
    """Advice for one respondent, from their raw codes and keyed scale scores."""
    # Non-numeric answers (Q3 is free text) can never meet a condition.
    codes = {k: _code(v) for k, v in answers.items() if _is_code(v)}
    values = {k: _score(k, v) for k, v in scores.items()}
    found = ((r, _evidence_one(r, codes, values)) for r in rules.rules)
    return _recommendations(theory, [(r, e) for r, e in found if e is not None])


def evaluate_group(
    rules: RuleSet,
    theory: TheoryLike,
    codes: pd.DataFrame,
    scores: pd.DataFrame,
    min_group_size: int,
) -> list[Recommendation]:
    """Advice for a group: rows are respondents, ``codes`` columns "Q1".."Q30"
    (nullable Int64), ``scores`` columns scale ids, indexed like ``codes``. Nothing
    at all below ``min_group_size``."""
    check_min_group_size(min_group_size)
    if len(codes) < min_group_size:
        return []
    if len(scores.columns) and not codes.index.isin(scores.index).all():
        # Silently realigning would turn every scale score into "missing".
        raise ValueError("scores must have a row for every row of codes (same index)")
    aligned = scores.reindex(codes.index)
    found = (
        (r, _evidence(r, rules.group_share if r.group_share is None else r.group_share,
                      codes, aligned, min_group_size, one=False))
        for r in rules.rules
    )  # fmt: skip
    return _recommendations(theory, [(r, e) for r, e in found if e is not None])
