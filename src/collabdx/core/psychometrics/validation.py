"""The analyses a validation paper reports about the block structure, in one result.

Run on the CFA's items (:mod:`.structure`): alternative models and the reverse-wording
method factor (:mod:`.models`), CR/AVE/HTMT (:mod:`.validity`), modification indices
and residual correlations (:mod:`.refine`), EFA with parallel analysis (:mod:`.efa`),
the missingness patterns and a FIML CFA beside the listwise one (:mod:`.missing`).
Each runs only with the n it needs and otherwise says what that is.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from collabdx.core.instruments import Instrument
from collabdx.core.psychometrics import thresholds as th
from collabdx.core.psychometrics.factor import fit_ml, free_parameter_count
from collabdx.core.psychometrics.missing import FimlFit, MissingnessSummary, fiml_cfa, missingness
from collabdx.core.psychometrics.structure import block_model, pattern_for

if TYPE_CHECKING:
    from collabdx.core.psychometrics.efa import EfaResult
    from collabdx.core.psychometrics.models import ModelComparison
    from collabdx.core.psychometrics.refine import ModificationIndex, ResidualCorrelation
    from collabdx.core.psychometrics.validity import ValidityResult

MI_LISTED = 10  # the largest modification indices listed


@dataclass(frozen=True)
class FimlSummary:
    n: int
    chi2: float
    df: int
    cfi: float
    rmsea: float
    std_loadings: tuple[tuple[str, float], ...]
    converged: bool


@dataclass(frozen=True)
class ValidationResult:
    statement: str
    missing: MissingnessSummary
    fiml: FimlSummary | None
    fiml_statement: str
    models: ModelComparison | None
    validity: ValidityResult | None
    modification_indices: tuple[ModificationIndex, ...]
    residual_correlations: tuple[ResidualCorrelation, ...]
    efa: EfaResult | None
    efa_statement: str


def _fiml_summary(res: FimlFit, items: list[str], p: int) -> FimlSummary:
    df0 = p * (p - 1) // 2
    d_model = max(res.chi2 - res.df, 0.0)
    d_base = max(res.baseline_chi2 - df0, d_model)
    cfi = 1.0 if d_base == 0 else 1 - d_model / d_base
    rmsea = float(np.sqrt(d_model / (res.df * res.n))) if res.df > 0 else float("nan")
    std = res.fit.std_loadings.sum(axis=1)
    return FimlSummary(res.n, res.chi2, res.df, float(cfi), rmsea,
                       tuple((it, float(v)) for it, v in zip(items, std, strict=True)),
                       res.converged)  # fmt: skip


def run_validation(keyed: pd.DataFrame, instrument: Instrument, k: int) -> ValidationResult:
    factors, _ = block_model(instrument)
    items, pattern = pattern_for(factors)
    need = th.cfa_required_n(free_parameter_count(pattern))
    block = keyed[items]
    data = block.to_numpy(dtype=float)
    summary = missingness(data, items, k)
    answered = int((~np.all(np.isnan(data), axis=1)).sum())
    fiml = None
    if answered >= need and summary.complete < len(data):
        res = fiml_cfa(data, pattern)
        fiml = _fiml_summary(res, items, len(items))
        fiml_statement = (
            f"FIML CFA of the same model on all {res.n} people who answered any of its "
            f"questions (listwise: {summary.complete}), assuming answers are missing at "
            "random."
        )
    elif summary.complete == len(data):
        fiml_statement = "No missing answers: FIML and listwise deletion give the same CFA."
    else:
        fiml_statement = (
            f"FIML CFA not run: {answered} people answered any of the model's questions, "
            f"and the model needs {need}."
        )
    complete = block.dropna()
    n = len(complete)
    efa_need = max(th.CFA_MIN_N_FLOOR, 5 * len(items))
    efa_result = None
    if n >= efa_need:
        from collabdx.core.psychometrics.efa import efa  # only when run (issue 15)

        efa_result = efa(complete.to_numpy(dtype=float), items)
        efa_statement = f"EFA of the {len(items)} questions on {n} complete responses."
    else:
        efa_statement = (
            f"EFA not run: {n} complete responses, and an EFA of {len(items)} questions needs "
            f"at least {efa_need} (max(200, 5 per question): MacCallum et al. 1999)."
        )
    if n < need:
        return ValidationResult(
            f"Model comparison, validity and modification indices not run: {n} complete "
            f"responses, {need} needed (as for the CFA).",
            summary, fiml, fiml_statement, None, None, (), (), efa_result, efa_statement,
        )  # fmt: skip
    # Imported only now: a group too small for the CFA does without them (issue 15).
    from collabdx.core.psychometrics.models import compare_models
    from collabdx.core.psychometrics.refine import (
        MI_SHOWN,
        RESIDUAL_LIMIT,
        modification_indices,
        residual_correlations,
    )
    from collabdx.core.psychometrics.validity import validity

    x = complete.to_numpy(dtype=float)
    cov = np.cov(x, rowvar=False, ddof=0)
    fit = fit_ml(cov, pattern)
    names = [f.name for f in factors]
    reversed_items = np.array([instrument.items[i].reverse for i in items])
    mis = modification_indices(fit, pattern, cov, n, items, names)
    return ValidationResult(
        statement=f"On the {n} complete responses of the CFA.",
        missing=summary, fiml=fiml, fiml_statement=fiml_statement,
        models=compare_models(cov, n, pattern, reversed_items, fit),
        validity=validity(fit.std_loadings, pattern, fit.phi, np.corrcoef(x, rowvar=False),
                          [f.scale_id for f in factors], names),
        modification_indices=tuple(m for m in mis if m.mi > MI_SHOWN)[:MI_LISTED],
        residual_correlations=tuple(r for r in residual_correlations(fit, cov, items)
                                    if abs(r.residual) > RESIDUAL_LIMIT),
        efa=efa_result, efa_statement=efa_statement,
    )  # fmt: skip
