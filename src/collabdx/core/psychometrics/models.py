"""Alternative structures for the same items, compared on the same complete cases.

* one factor: every item on one general factor;
* correlated factors: the block model (:mod:`.structure`);
* higher order: the block model with one second-order factor explaining the factor
  correlations (Φ_ij = γ_i γ_j); with three first-order factors it is equivalent to the
  correlated model, so it is fitted only with four or more;
* reverse-wording method factor: the block model plus a factor on the reverse-keyed
  items, orthogonal to the others (Marsh 1996). If it improves fit materially, part of
  what the reverse-worded questions share is their wording, not their content.

All by ML (:func:`.factor.fit_ml`). AIC and BIC come from the log-likelihood
ℓ = −N/2 (p log 2π + log|Σ̂| + tr(SΣ̂⁻¹)), as lavaan reports them. A model fits
materially better when CFI rises by more than .01 (Cheung & Rensvold 2002); Δχ² is
given for the nested pairs.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import special  # not scipy.stats, whose import costs ~1 s (issue 15)

from collabdx.core.psychometrics.factor import FactorFit, fit_indices, fit_ml
from collabdx.core.psychometrics.stat import p_phrase

DELTA_CFI = 0.01


@dataclass(frozen=True)
class ModelFit:
    name: str
    description: str
    chi2: float
    df: int
    cfi: float
    tli: float
    rmsea: float
    srmr: float
    aic: float
    bic: float
    converged: bool


@dataclass(frozen=True)
class ModelComparison:
    models: tuple[ModelFit, ...]
    method_factor: str  # reading of the method-factor check
    reading: str


def information_criteria(fit: FactorFit, cov_biased: np.ndarray, n: int) -> tuple[float, float]:
    S = np.asarray(cov_biased, dtype=float)
    p = S.shape[0]
    sigma = fit.implied
    logdet = np.linalg.slogdet(sigma)[1]
    trace = float(np.trace(S @ np.linalg.inv(sigma)))
    loglik = -n / 2 * (p * math.log(2 * math.pi) + logdet + trace)
    return -2 * loglik + 2 * fit.n_free, -2 * loglik + fit.n_free * math.log(n)


def _model(name: str, description: str, fit: FactorFit, cov: np.ndarray, n: int) -> ModelFit:
    ind = fit_indices(fit, cov, n)
    aic, bic = information_criteria(fit, cov, n)
    return ModelFit(name, description, ind.chi2, ind.df, ind.cfi, ind.tli, ind.rmsea, ind.srmr,
                    aic, bic, fit.converged)  # fmt: skip


def compare_models(
    cov_biased: np.ndarray,
    n: int,
    pattern: np.ndarray,
    reversed_items: np.ndarray,
    block: FactorFit | None = None,
) -> ModelComparison:
    """Fit the alternatives to the complete-case covariance of the CFA's items
    (``block``: the correlated-factors fit, if already made)."""
    p, m = pattern.shape
    block = block if block is not None else fit_ml(cov_biased, pattern)
    models = [
        _model("One factor", "every question on one general factor",
               fit_ml(cov_biased, np.ones((p, 1), dtype=bool)), cov_biased, n),
        _model("Correlated factors", "one factor per scale, free to correlate (the model "
               "above)", block, cov_biased, n),
    ]  # fmt: skip
    if m >= 4:
        models.append(_model("Higher order", "one factor per scale, their correlations "
                             "explained by one second-order factor",
                             fit_ml(cov_biased, pattern, higher_order=True), cov_biased,
                             n))  # fmt: skip
    reversed_items = np.asarray(reversed_items, dtype=bool)
    method_reading = ""
    if reversed_items.sum() >= 3:
        with_method = np.column_stack([pattern, reversed_items])
        free = np.ones((m + 1, m + 1), dtype=bool)
        free[m, :] = free[:, m] = False
        mf = fit_ml(cov_biased, with_method, phi_free=free)
        method = _model("Method factor", f"the model above plus a factor on the "
                        f"{int(reversed_items.sum())} reverse-worded questions, orthogonal to "
                        "the others", mf, cov_biased, n)  # fmt: skip
        models.append(method)
        base = models[1]
        d_chi2, d_df = base.chi2 - method.chi2, base.df - method.df
        gain = method.cfi - base.cfi
        load = mf.std_loadings[reversed_items, m]
        p_value = float(special.chdtrc(d_df, max(d_chi2, 0.0)))
        test = f"Δχ² = {d_chi2:.1f}, Δdf = {d_df}, {p_phrase(p_value)}"
        if gain > DELTA_CFI:
            method_reading = (
                f"A reverse-wording method factor improves fit materially (CFI +{gain:.3f}; "
                f"{test}; its standardised loadings average {np.mean(load):.2f}): part of what "
                "the reverse-worded questions share is their wording. Consider rewording them "
                "positively, or keep the method factor when scoring (Marsh 1996)."
            )
        else:
            method_reading = (
                f"No material reverse-wording method factor (CFI {gain:+.3f}; {test})."
            )
    else:
        method_reading = "Fewer than three reverse-worded questions in the model: not checked."
    best = max(models, key=lambda x: x.cfi)
    reading = (
        f"Best fit by CFI: {best.name.lower()} (CFI {best.cfi:.3f}, RMSEA {best.rmsea:.3f}); "
        f"lowest BIC: {min(models, key=lambda x: x.bic).name.lower()}. Prefer the simpler model "
        f"unless the other fits materially better (CFI more than {DELTA_CFI:.2f} higher)."
    )
    return ModelComparison(tuple(models), method_reading, reading)
