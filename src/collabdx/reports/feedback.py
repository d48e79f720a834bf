"""Theory-driven feedback for the report: the rules engine plus maturity suggestions."""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from collabdx.core.maturity import suggest_maturity
from collabdx.core.responses import ResponseSet
from collabdx.core.rules import Recommendation, evaluate_group, evaluate_respondent, load_rules
from collabdx.core.theory import load_theory
from collabdx.reports import pack_core


@dataclass(frozen=True)
class MaturityRow:
    element_id: str
    element_name: str
    level: str
    basis: str
    label: str


def _int_codes(codes: pd.DataFrame) -> pd.DataFrame:
    return codes.round().astype("Int64")


def maturity_rows(scale_means: dict[str, float | None]) -> tuple[MaturityRow, ...]:
    theory = load_theory()
    return tuple(
        MaturityRow(
            s.element_id, theory.maturity_elements[s.element_id].name, s.level, s.basis, s.label
        )
        for s in suggest_maturity(scale_means)
    )


def group_feedback(
    responses: ResponseSet, scores: pd.DataFrame, k: int
) -> tuple[tuple[Recommendation, ...], tuple[MaturityRow, ...]]:
    """Action statements and maturity starting points for a whole group (n ≥ k)."""
    theory = load_theory()
    rules = load_rules(theory=theory)
    recs = evaluate_group(rules, theory, _int_codes(responses.codes), scores, k)
    means: dict[str, float | None] = {}
    for scale_id in scores.columns:
        values = scores[scale_id].to_numpy()
        answered = values[~np.isnan(values)]
        means[scale_id] = float(answered.mean()) if answered.size >= k else None
    return tuple(recs), maturity_rows(means)


def respondent_feedback(
    answers: dict[str, int | None], scale_scores: dict[str, float | None]
) -> tuple[Recommendation, ...]:
    """Action statements for one respondent's own answers (their personal feedback):
    at most five, one per answer that chose them, ranked as the pack's cards are.

    One respondent once got 16 statements, five from one answer (issue 14): on a
    phone that was a 9,000-pixel page repeating itself."""
    theory = load_theory()
    recs = evaluate_respondent(load_rules(theory=theory), theory, answers, scale_scores)
    groups = pack_core.ranked_groups(recs, list(theory.action_statements))
    return tuple(
        replace(g[0], evidence=pack_core.merged_evidence(g)) for g in groups[: pack_core.TOP_N]
    )
