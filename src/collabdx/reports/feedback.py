"""Theory-driven feedback for the report: the rules engine plus maturity suggestions.

Everything instrument-specific comes from the instrument version the answers were
given with: its rules file (``core.rules.rules_for``) and its maturity links."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from collabdx.core.instruments import Instrument
from collabdx.core.maturity import suggest_maturity
from collabdx.core.responses import ResponseSet
from collabdx.core.rules import (
    Recommendation,
    RuleSet,
    evaluate_group,
    evaluate_respondent,
    rules_for,
    rules_path_for,
)
from collabdx.core.scoring import respondent_scale_scores
from collabdx.core.theory import Theory, load_theory
from collabdx.reports import pack_core


@dataclass(frozen=True)
class MaturitySuggestion:
    element_id: str
    element_name: str
    level: str
    basis: str
    label: str


def _int_codes(codes: pd.DataFrame) -> pd.DataFrame:
    return codes.round().astype("Int64")


def maturity_rows(
    scale_means: dict[str, float | None], instrument: Instrument
) -> tuple[MaturitySuggestion, ...]:
    theory = load_theory()
    return tuple(
        MaturitySuggestion(
            s.element_id, theory.maturity_elements[s.element_id].name, s.level, s.basis, s.label
        )
        for s in suggest_maturity(scale_means, instrument.maturity)
    )


def group_feedback(
    responses: ResponseSet, scores: pd.DataFrame, k: int
) -> tuple[tuple[Recommendation, ...], tuple[MaturitySuggestion, ...]]:
    """Action statements and maturity starting points for a whole group (n ≥ k);
    no action statements when the instrument version has no rules."""
    theory = load_theory()
    rules = rules_for(responses.instrument, theory=theory)
    recs = (
        [] if rules is None
        else evaluate_group(rules, theory, _int_codes(responses.codes), scores, k)
    )  # fmt: skip
    means: dict[str, float | None] = {}
    for scale_id in scores.columns:
        values = scores[scale_id].to_numpy()
        answered = values[~np.isnan(values)]
        means[scale_id] = float(answered.mean()) if answered.size >= k else None
    return tuple(recs), maturity_rows(means, responses.instrument)


def respondent_feedback(
    instrument: Instrument,
    answers: dict[str, int | None],
    scale_scores: dict[str, float | None],
) -> tuple[Recommendation, ...]:
    """Action statements for one respondent's own answers (their personal feedback),
    by the rules of the instrument version they answered (none when it has none): at
    most five, one per answer that chose them, ranked as the pack's cards are.

    One respondent once got 16 statements, five from one answer (issue 14): on a
    phone that was a 9,000-pixel page repeating itself."""
    theory = load_theory()
    return _chosen(rules_for(instrument, theory=theory), theory, answers, scale_scores)


def _chosen(
    rules: RuleSet | None,
    theory: Theory,
    answers: dict[str, int | None],
    scale_scores: dict[str, float | None],
) -> tuple[Recommendation, ...]:
    if rules is None:
        return ()
    recs = evaluate_respondent(rules, theory, answers, scale_scores)
    groups = pack_core.ranked_groups(recs, list(theory.action_statements))
    return tuple(
        replace(g[0], evidence=pack_core.merged_evidence(g)) for g in groups[: pack_core.TOP_N]
    )


@dataclass(frozen=True)
class PersonalFeedback:
    """One respondent's own scale scores and the action statements chosen for them."""

    scores: Mapping[str, float | None]  # None: too few of the scale's items answered
    recommendations: tuple[Recommendation, ...]
    rules_apply: bool  # False: the instrument version has no rules, so no advice


def has_rules(instrument: Instrument) -> bool:
    return rules_path_for(instrument.id, instrument.version) is not None


def personal_feedback(
    instrument: Instrument, answers: Mapping[str, int | str | None]
) -> PersonalFeedback:
    """Score one submission and choose its advice, by its own instrument version.

    The survey shows this right after submitting; presenters only format it."""
    scores = respondent_scale_scores(instrument, answers)
    codes: dict[str, int | None] = {
        item.id: v if isinstance(v := answers.get(item.id), int) else None
        for item in instrument.choice_items
    }
    # The rules file is looked for once (a directory listing): respondent_feedback and
    # has_rules would each look again, on every submission.
    theory = load_theory()
    rules = rules_for(instrument, theory=theory)
    recs = _chosen(rules, theory, codes, scores)
    return PersonalFeedback(scores, recs, rules is not None)
