"""Guidance for refining items: modification indices and residual correlations of the CFA.

Modification indices are score (Lagrange multiplier) tests, as lavaan's
``modindices()`` computes them with the expected information: for a parameter fixed at
0 (a cross-loading, or a residual covariance between two items),

    MI = (N / 2) · g² / (H_ψψ − H_ψθ H_θθ⁻¹ H_θψ),

with g = ∂F_ML/∂ψ = tr(G Σ_ψ), G = Σ⁻¹ − Σ⁻¹SΣ⁻¹, and H_ab = tr(Σ⁻¹Σ_aΣ⁻¹Σ_b) over the
free parameters θ and ψ (Σ_a = ∂Σ/∂a). The expected parameter change is −g / (H_ψψ −
…) in the model's metric (factor variances 1, so lavaan's ``sepc.lv``), and standardised
by the items' SDs (a residual covariance by the residual SDs) it is ``sepc.all``.
Checked against lavaan's published Holzinger–Swineford modification indices. Σ_a is
exact by central differences (Σ is at most quadratic in any one parameter).

Residual correlations are the observed minus the model-implied correlations (lavaan's
``residuals(type = "cor")``); beyond ±.10 they point at local misfit (Kline 2016).
An MI above 3.84 is significant at 5% for one parameter; freeing parameters because of
it capitalises on chance (MacCallum et al. 1992), so these are leads for a new sample,
not changes to make.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from collabdx.core.psychometrics.factor import FactorFit

MI_SHOWN = 3.84  # χ²(1) at 5%
RESIDUAL_LIMIT = 0.10


@dataclass(frozen=True)
class ModificationIndex:
    kind: str  # "loading" or "residual covariance"
    lhs: str  # factor (loading) or first item
    rhs: str  # item
    mi: float
    epc: float  # factor variances 1 (lavaan's sepc.lv for loadings)
    sepc_all: float


@dataclass(frozen=True)
class ResidualCorrelation:
    item_a: str
    item_b: str
    residual: float


def _sigma(lam: np.ndarray, phi: np.ndarray, theta: np.ndarray) -> np.ndarray:
    return lam @ phi @ lam.T + theta


def _derivatives(fit: FactorFit, pattern: np.ndarray):
    """∂Σ/∂a for every free parameter, then every candidate; with names."""
    lam, phi, p = fit.loadings.copy(), fit.phi.copy(), fit.loadings.shape[0]
    m = lam.shape[1]
    theta = np.diag(fit.theta)
    entries: list[tuple[str, tuple[int, int]]] = []
    for i, j in zip(*np.nonzero(pattern), strict=True):
        entries.append(("lam", (int(i), int(j))))
    entries += [("theta", (i, i)) for i in range(p)]
    entries += [("phi", (a, b)) for a in range(m) for b in range(a)]
    n_free = len(entries)
    for i, j in zip(*np.nonzero(~pattern), strict=True):
        entries.append(("lam", (int(i), int(j))))
    entries += [("theta", (i, j)) for i in range(p) for j in range(i)]
    h = 1e-5
    out = np.empty((len(entries), p, p))
    for k, (what, (i, j)) in enumerate(entries):
        mats = []
        for step in (h, -h):
            L, P, T = lam.copy(), phi.copy(), theta.copy()
            if what == "lam":
                L[i, j] += step
            elif what == "phi":
                P[i, j] += step
                P[j, i] += step
            else:
                T[i, j] += step
                if i != j:
                    T[j, i] += step
            mats.append(_sigma(L, P, T))
        out[k] = (mats[0] - mats[1]) / (2 * h)
    return out, entries, n_free


def modification_indices(
    fit: FactorFit,
    pattern: np.ndarray,
    cov_biased: np.ndarray,
    n: int,
    items: list[str],
    factors: list[str],
) -> tuple[ModificationIndex, ...]:
    """Every cross-loading and residual covariance the model fixes at 0, largest first."""
    S = np.asarray(cov_biased, dtype=float)
    sigma = fit.implied
    A = np.linalg.inv(sigma)
    G = A - A @ S @ A
    D, entries, n_free = _derivatives(fit, np.asarray(pattern, dtype=bool))
    M = A @ D @ A
    H = np.einsum("aij,bji->ab", M, D)
    g = np.einsum("ij,aji->a", G, D)
    free = np.arange(n_free)
    H_ff_inv = np.linalg.pinv(H[np.ix_(free, free)])
    sd = np.sqrt(np.diag(sigma))
    resid_sd = np.sqrt(fit.theta)  # a residual covariance is standardised by these
    out = []
    for k in range(n_free, len(entries)):
        h_cf = H[k, free]
        cond = H[k, k] - h_cf @ H_ff_inv @ h_cf
        if cond <= 1e-12:
            continue
        mi = n / 2 * g[k] ** 2 / cond
        epc = -g[k] / cond
        what, (i, j) = entries[k]
        if what == "lam":
            out.append(ModificationIndex("loading", factors[j], items[i], float(mi), float(epc),
                                         float(epc / sd[i])))  # fmt: skip
        else:
            std = float(epc / resid_sd[i] / resid_sd[j])
            out.append(ModificationIndex("residual covariance", items[j], items[i], float(mi),
                                         float(epc), std))  # fmt: skip
    return tuple(sorted(out, key=lambda x: -x.mi))


def residual_correlations(
    fit: FactorFit, cov: np.ndarray, items: list[str]
) -> tuple[ResidualCorrelation, ...]:
    """Observed minus implied correlations, largest in size first (lower triangle)."""
    S = np.asarray(cov, dtype=float)
    sd_s = np.sqrt(np.diag(S))
    sigma = fit.implied
    sd_m = np.sqrt(np.diag(sigma))
    resid = S / np.outer(sd_s, sd_s) - sigma / np.outer(sd_m, sd_m)
    rows = [
        ResidualCorrelation(items[j], items[i], float(resid[i, j]))
        for i in range(len(items))
        for j in range(i)
    ]
    return tuple(sorted(rows, key=lambda r: -abs(r.residual)))
