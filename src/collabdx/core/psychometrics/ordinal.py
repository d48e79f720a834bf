"""Ordinal alpha and omega: reliability of the latent responses behind five-point items.

Cronbach's alpha and omega on Pearson correlations of five-category items are biased
downwards when answers bunch at one end (Zumbo, Gadermann & Zeisser 2007). The ordinal
versions use the polychoric correlation matrix R of the scale's items instead
(:mod:`.polychoric`):

* ordinal alpha = k r̄ / (1 + (k − 1) r̄), r̄ the mean polychoric correlation
  (standardised alpha of R; Gadermann, Guhn & Zumbo 2012);
* ordinal omega from a one-factor ML model of R: (Σλ)² / ((Σλ)² + Σθ).

They describe the reliability of the continuous responses the items stand for, not of
the observed sum score, so they are reported beside alpha and omega, not instead
(Chalmers 2018). Only where the scale's matrix is polychoric (enough complete
responses, tables not too sparse).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from collabdx.core.psychometrics.factor import fit_ml, omega_from_fit
from collabdx.core.psychometrics.polychoric import CorrelationMatrix


@dataclass(frozen=True)
class OrdinalReliability:
    scale_id: str
    n: int
    ordinal_alpha: float | None
    ordinal_omega: float | None
    note: str


def standardised_alpha(corr: np.ndarray) -> float:
    k = corr.shape[0]
    rbar = float(corr[np.triu_indices(k, 1)].mean())
    return k * rbar / (1 + (k - 1) * rbar)


def ordinal_reliability(scale_id: str, matrix: CorrelationMatrix | None) -> OrdinalReliability:
    if matrix is None or matrix.method != "polychoric":
        why = matrix.reason if matrix is not None else "No correlations for this scale."
        return OrdinalReliability(scale_id, matrix.n if matrix else 0, None, None,
                                  f"Not computed: {why}")  # fmt: skip
    corr = np.array(matrix.values, dtype=float)
    k = corr.shape[0]
    alpha = standardised_alpha(corr)
    omega = None
    note = "From the polychoric correlations of the scale's questions."
    if k >= 3:
        if np.min(np.linalg.eigvalsh(corr)) <= 0:
            note += " Ordinal omega not computed: the polychoric matrix is not positive definite."
        else:
            fit = fit_ml(corr, np.ones((k, 1), dtype=bool))
            if fit.converged:
                omega = omega_from_fit(fit)
    else:
        note += " Two questions: no ordinal omega (a one-factor model needs three)."
    return OrdinalReliability(scale_id, matrix.n, alpha, omega, note)
