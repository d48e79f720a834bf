"""The Satorra–Bentler scaled test: ML's χ² made robust to non-normal answers (MLM).

Five-point answers are not normal; the ML χ² then follows no χ² distribution and
rejects good models too often. Satorra & Bentler (1994) divide it by

    c = tr(U Γ) / df,   U = W − WΔ(ΔᵀWΔ)⁻¹ΔᵀW,

with Δ = ∂vech Σ/∂θ at the estimates, W = ½ Dᵀ(Σ⁻¹ ⊗ Σ⁻¹)D the normal-theory weight (D
the duplication matrix) and Γ the asymptotic covariance of the sample covariances, the
covariance of vech((x_i − x̄)(x_i − x̄)ᵀ) over people (÷ N), as lavaan's
``estimator = "MLM"`` computes it. Under normality Γ is 2D⁺(Σ⊗Σ)D⁺ᵀ = W⁻¹ and c = 1
exactly (a test checks the identity). The estimates are the ML ones; only the test
(and the RMSEA from it) changes.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import special  # not scipy.stats, whose import costs ~1 s (issue 15)

from collabdx.core.psychometrics.factor import FactorFit
from collabdx.core.psychometrics.refine import _derivatives


@dataclass(frozen=True)
class ScaledTest:
    chi2: float  # scaled
    df: int
    p: float
    scaling: float  # c: the ML χ² divided by this
    rmsea: float  # from the scaled χ²


def duplication(p: int) -> tuple[np.ndarray, tuple[np.ndarray, np.ndarray]]:
    """Duplication matrix D (p² × p*) with vec(S) = D vech(S), and the vech indices."""
    rows, cols = np.tril_indices(p)
    d = np.zeros((p * p, rows.size))
    for k, (i, j) in enumerate(zip(rows, cols, strict=True)):
        d[i * p + j, k] = 1.0
        d[j * p + i, k] = 1.0
    return d, (rows, cols)


def normal_weight(sigma: np.ndarray) -> np.ndarray:
    p = sigma.shape[0]
    d, _ = duplication(p)
    a = np.linalg.inv(sigma)
    return 0.5 * d.T @ np.kron(a, a) @ d


def adf_gamma(data: np.ndarray) -> np.ndarray:
    """Covariance (÷ N) of the people's vech((x − x̄)(x − x̄)ᵀ)."""
    x = np.asarray(data, dtype=float)
    c = x - x.mean(axis=0)
    rows, cols = np.tril_indices(x.shape[1])
    z = c[:, rows] * c[:, cols]
    z = z - z.mean(axis=0)
    return z.T @ z / x.shape[0]


def scaling_factor(fit: FactorFit, pattern: np.ndarray, gamma: np.ndarray, df: int) -> float:
    p = fit.loadings.shape[0]
    derivs, _, n_free = _derivatives(fit, np.asarray(pattern, dtype=bool))
    rows, cols = np.tril_indices(p)
    delta = derivs[:n_free][:, rows, cols].T  # p* × q
    w = normal_weight(fit.implied)
    wd = w @ delta
    u = w - wd @ np.linalg.solve(delta.T @ wd, wd.T)
    return float(np.trace(u @ gamma) / df)


def satorra_bentler(
    fit: FactorFit, pattern: np.ndarray, data: np.ndarray, chi2: float, df: int
) -> ScaledTest:
    """The scaled test of an ML fit to the complete-case ``data`` (rows × items)."""
    c = scaling_factor(fit, pattern, adf_gamma(data), df)
    scaled = chi2 / c
    n = np.asarray(data).shape[0]
    rmsea = math.sqrt(max(scaled - df, 0.0) / (df * n)) if df > 0 else float("nan")
    return ScaledTest(scaled, df, float(special.chdtrc(df, scaled)), c, rmsea)
