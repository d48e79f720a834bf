"""Confirmatory factor analysis of the instrument's block structure.

Model: one factor per multi-item scale, each item loading only on its own scale's
factor, factors free to correlate, factor variances fixed to 1. Single-item scales
(perceived legitimacy Q14, conflict resolution Q26 in readiness v1) are left out: a
factor with one indicator adds nothing testable. Estimation is maximum likelihood
on the Pearson covariance matrix of the keyed items, complete cases only, treating
the five-point items as continuous (reasonable with five categories: Rhemtulla et
al. 2012); implemented in :mod:`.factor` and checked against lavaan and semopy.

The CFA runs only with at least ``cfa_required_n(q)`` complete responses, q the
number of free parameters (see :mod:`.thresholds`). Otherwise the result says how
many are needed and why.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from collabdx.core.instruments import Instrument
from collabdx.core.psychometrics import thresholds as th
from collabdx.core.psychometrics.factor import (
    FitIndices,
    fit_indices,
    fit_ml,
    free_parameter_count,
)
from collabdx.core.psychometrics.reliability import listwise_coverage
from collabdx.core.psychometrics.stat import p_phrase

if TYPE_CHECKING:
    from collabdx.core.psychometrics.robust import ScaledTest

ESTIMATOR = (
    "Maximum likelihood on the Pearson covariance matrix of the keyed items (complete "
    "cases), items treated as continuous (Rhemtulla et al. 2012); factor variances fixed "
    "to 1; chi-square = N × F_ML as in lavaan, with the Satorra–Bentler scaled test "
    "(lavaan's MLM) beside it because five-point answers are not normal"
)


@dataclass(frozen=True)
class Factor:
    scale_id: str
    name: str
    items: tuple[str, ...]


@dataclass(frozen=True)
class Loading:
    item_id: str
    scale_id: str
    std_loading: float
    residual_variance: float


@dataclass(frozen=True)
class StructureResult:
    computed: bool
    statement: str
    factors: tuple[Factor, ...]
    left_out: tuple[str, ...]  # single-item scales not in the model
    n_complete: int
    free_parameters: int
    n_required: int
    rule: str
    estimator: str
    fit: FitIndices | None
    loadings: tuple[Loading, ...]
    factor_correlations: tuple[tuple[float, ...], ...]
    fit_reading: str
    warning: str | None
    coverage: str = ""  # how many respondents were used, how many left out and why
    robust: ScaledTest | None = None  # Satorra–Bentler scaled test (lavaan's MLM)


def block_model(instrument: Instrument) -> tuple[tuple[Factor, ...], tuple[str, ...]]:
    factors = tuple(
        Factor(s.id, s.name, tuple(s.items))
        for s in instrument.scales.values()
        if len(s.items) >= 2
    )
    left_out = tuple(s.id for s in instrument.scales.values() if len(s.items) < 2)
    return factors, left_out


def pattern_for(factors: tuple[Factor, ...]) -> tuple[list[str], np.ndarray]:
    items = [i for f in factors for i in f.items]
    pattern = np.zeros((len(items), len(factors)), dtype=bool)
    row = 0
    for col, f in enumerate(factors):
        pattern[row : row + len(f.items), col] = True
        row += len(f.items)
    return items, pattern


def rule_text(q: int) -> str:
    return (
        f"n ≥ max({th.CFA_MIN_N_FLOOR}, {th.CFA_N_PER_PARAMETER} × free parameters) = "
        f"max({th.CFA_MIN_N_FLOOR}, {th.CFA_N_PER_PARAMETER} × {q}) = {th.cfa_required_n(q)} "
        "(Kline 2016; Wolf et al. 2013 show the need varies with the model, so this is a "
        "rule of thumb)"
    )


def fit_reading(fit: FitIndices) -> str:
    c = th.FIT_CUTOFFS
    good = {
        "CFI": fit.cfi >= c["cfi"],
        "TLI": fit.tli >= c["tli"],
        "RMSEA": fit.rmsea <= c["rmsea"],
        "SRMR": fit.srmr <= c["srmr"],
    }
    met = [name for name, ok in good.items() if ok]
    missed = [name for name, ok in good.items() if not ok]
    if not missed:
        head = "All four indices meet Hu & Bentler's (1999) cut-offs: the block structure fits."
    elif not met:
        head = "None of the indices meets Hu & Bentler's (1999) cut-offs: the block "
        head += "structure does not fit these data."
    else:
        head = f"{', '.join(met)} meet and {', '.join(missed)} miss Hu & Bentler's (1999) "
        head += "cut-offs: the fit is mixed."
    test = f"χ² = {fit.chi2:.1f}, df = {fit.df}, {p_phrase(fit.p)}"
    if fit.p < 0.05:
        tail = (
            f"The chi-square test rejects exact fit ({test}); at large n it rejects even "
            "trivial misfit, so it is not used alone."
        )
    else:
        tail = f"The chi-square test does not reject exact fit ({test})."
    return f"{head} {tail}"


def run_structure(keyed: pd.DataFrame, instrument: Instrument) -> StructureResult:
    factors, left_out = block_model(instrument)
    items, pattern = pattern_for(factors)
    q = free_parameter_count(pattern)
    need = th.cfa_required_n(q)
    complete = keyed[items].dropna()
    n = len(complete)
    two_item = [f.name for f in factors if len(f.items) == 2]
    two_item_note = None
    if two_item:
        two_item_note = (
            f"{len(two_item)} factors have only two items ({', '.join(two_item)}); each is "
            "identified only through its correlations with the other factors (Kline 2016), "
            "so their loadings are less stable than the others'."
        )
    base = StructureResult(
        computed=False,
        statement="",
        factors=factors,
        left_out=left_out,
        n_complete=n,
        free_parameters=q,
        n_required=need,
        rule=rule_text(q),
        estimator=ESTIMATOR,
        fit=None,
        loadings=(),
        factor_correlations=(),
        fit_reading="",
        warning=None,
        coverage=listwise_coverage(n, len(keyed), len(items)),
    )
    if n < need:
        statement = (
            f"CFA not run: {n} complete responses to the {len(items)} items, and the model "
            f"({len(factors)} correlated factors, {q} free parameters: {int(pattern.sum())} "
            f"loadings, {len(items)} residual variances, "
            f"{len(factors) * (len(factors) - 1) // 2} factor correlations) needs at least "
            f"{need}. Rule: {rule_text(q)}. With fewer, estimates are unstable and fit "
            "indices unreliable."
        )
        return replace(base, statement=statement)
    data = complete.to_numpy(dtype=float)
    cov = np.cov(data, rowvar=False, ddof=0)
    fit = fit_ml(cov, pattern)
    indices = fit_indices(fit, cov, n)
    std = fit.std_loadings
    sd2 = np.diag(fit.implied)
    loadings = tuple(
        Loading(
            item,
            factors[int(np.argmax(pattern[r]))].scale_id,
            float(std[r, pattern[r]].sum()),
            float(fit.theta[r] / sd2[r]),
        )
        for r, item in enumerate(items)
    )
    warning = two_item_note
    problems = []
    if not fit.converged:
        problems.append("the estimation did not converge")
    if fit.heywood or np.any(np.abs(std) > 1):
        problems.append("a residual variance is at zero (Heywood case)")
    if problems:
        extra = "Interpret with great caution: " + " and ".join(problems) + "."
        warning = f"{warning} {extra}" if warning else extra
    statement = (
        f"CFA of {len(factors)} correlated factors on {len(items)} items, {n} complete "
        f"responses (at least {need} needed)."
    )
    from collabdx.core.psychometrics.robust import satorra_bentler  # only when fitted (issue 15)

    return replace(
        base,
        computed=True,
        statement=statement,
        fit=indices,
        loadings=loadings,
        factor_correlations=tuple(tuple(float(v) for v in row) for row in fit.phi),
        fit_reading=fit_reading(indices),
        warning=warning,
        robust=satorra_bentler(fit, pattern, data, indices.chi2, indices.df),
    )
