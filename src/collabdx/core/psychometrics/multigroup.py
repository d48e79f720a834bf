"""Multi-group CFA with a mean structure, by maximum likelihood (for invariance tests).

Group g has Σ_g = Λ_g Φ_g Λ_gᵀ + Θ_g and μ_g = ν_g + Λ_g α_g. Every parameter is an
entry of one vector x; a :class:`Spec` says, for each group and each matrix entry,
which entry of x it takes (``-1``: fixed at the value in the matching ``*_fixed``
array). Equality across groups is two groups pointing at the same entry of x. The
estimates minimise lavaan's multi-group ML discrepancy

    F = Σ_g (n_g / N) [log|Σ_g| + tr(S_g Σ_g⁻¹) − log|S_g| − p + (m_g − μ_g)ᵀ Σ_g⁻¹ (m_g − μ_g)]

with S_g the covariance divided by n_g, and χ² = N · F (lavaan's ``likelihood =
"normal"``; checked against lavaan's published Holzinger–Swineford results by
school). Gradient, with A = Σ⁻¹ and d = m − μ: dF/dΣ = A − ASA − Add ᵀA =: G,
dF/dμ = −2Ad; hence dF/dΛ = 2GΛΦ − 2Adαᵀ, dF/dΦ = ΛᵀGΛ, dF/dθ = diag G, dF/dν = −2Ad,
dF/dα = −2ΛᵀAd, summed into x over every entry that shares a parameter.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from collabdx.core.psychometrics.factor import at_stationary_point

_THETA_FLOOR = 1e-6


@dataclass(frozen=True)
class Spec:
    """Where each model entry comes from, per group (−1: fixed)."""

    lam: np.ndarray  # G × p × m
    theta: np.ndarray  # G × p
    phi: np.ndarray  # G × m × m, symmetric
    nu: np.ndarray  # G × p
    alpha: np.ndarray  # G × m
    phi_fixed: np.ndarray  # G × m × m values where phi is −1
    n_params: int
    variance_params: frozenset[int]  # entries of x that are variances (bounded below)


@dataclass(frozen=True)
class GroupData:
    n: int
    mean: np.ndarray
    cov: np.ndarray  # divided by n


@dataclass(frozen=True)
class MultiGroupFit:
    x: np.ndarray
    fmin: float
    chi2: float
    df: int
    n_free: int
    converged: bool
    n: int


def group_data(rows: np.ndarray) -> GroupData:
    x = np.asarray(rows, dtype=float)
    return GroupData(x.shape[0], x.mean(axis=0), np.cov(x, rowvar=False, ddof=0))


def _matrices(x: np.ndarray, spec: Spec, g: int):
    def take(idx: np.ndarray, fixed: np.ndarray | float = 0.0) -> np.ndarray:
        return np.where(idx >= 0, x[np.maximum(idx, 0)], fixed)

    lam = take(spec.lam[g])
    theta = take(spec.theta[g])
    phi = take(spec.phi[g], spec.phi_fixed[g])
    nu = take(spec.nu[g])
    alpha = take(spec.alpha[g])
    return lam, theta, phi, nu, alpha


def implied(x: np.ndarray, spec: Spec, g: int) -> tuple[np.ndarray, np.ndarray]:
    lam, theta, phi, nu, alpha = _matrices(x, spec, g)
    return lam @ phi @ lam.T + np.diag(theta), nu + lam @ alpha


def objective(x: np.ndarray, spec: Spec, data: list[GroupData]) -> tuple[float, np.ndarray]:
    total_n = sum(d.n for d in data)
    f = 0.0
    grad = np.zeros_like(x)
    for g, d in enumerate(data):
        lam, theta, phi, nu, alpha = _matrices(x, spec, g)
        sigma = lam @ phi @ lam.T + np.diag(theta)
        mu = nu + lam @ alpha
        sign, logdet = np.linalg.slogdet(sigma)
        if sign <= 0:
            return 1e10, np.zeros_like(x)
        A = np.linalg.inv(sigma)
        dev = d.mean - mu
        Ad = A @ dev
        p = sigma.shape[0]
        logdet_s = np.linalg.slogdet(d.cov)[1]
        w = d.n / total_n
        f += w * (logdet + float(np.trace(d.cov @ A)) - logdet_s - p + float(dev @ Ad))
        G = A - A @ d.cov @ A - np.outer(Ad, Ad)
        g_lam = 2 * G @ lam @ phi - 2 * np.outer(Ad, alpha)
        g_phi = lam.T @ G @ lam
        for idx, val in (
            (spec.lam[g], g_lam),
            (spec.theta[g], np.diag(G)),
            (spec.phi[g], g_phi),
            (spec.nu[g], -2 * Ad),
            (spec.alpha[g], -2 * lam.T @ Ad),
        ):
            free = idx >= 0
            np.add.at(grad, idx[free], w * val[free])
    return f, grad


def fit(spec: Spec, data: list[GroupData], start: np.ndarray) -> MultiGroupFit:
    n_total = sum(d.n for d in data)
    bounds: list[tuple[float | None, float | None]] = [(None, None)] * spec.n_params
    floor = min(float(np.min(np.diag(d.cov))) for d in data) * _THETA_FLOOR
    for i in spec.variance_params:
        bounds[i] = (floor, None)
    from scipy import optimize  # here, not at the top: its import is slow (issue 15)

    res = optimize.minimize(
        objective, start, args=(spec, data), jac=True, method="L-BFGS-B", bounds=bounds,
        options={"maxiter": 10000, "ftol": 1e-15, "gtol": 1e-9, "maxcor": 30},
    )  # fmt: skip
    p = data[0].cov.shape[0]
    moments = len(data) * (p * (p + 1) // 2 + p)
    converged = bool(res.success) or at_stationary_point(res.x, res.jac, bounds)
    return MultiGroupFit(
        res.x, float(res.fun), n_total * float(res.fun), moments - spec.n_params,
        spec.n_params, converged, n_total,
    )  # fmt: skip


# ---- Building the invariance models -------------------------------------------------


LEVELS = ("configural", "metric", "scalar")


def invariance_spec(pattern: np.ndarray, n_groups: int, level: str) -> Spec:
    """The configural, metric or scalar model for a loading ``pattern`` (p × m).

    Identification as lavaan's ``std.lv = TRUE`` with ``group.equal``: configural has
    factor variances 1 and means 0 in every group; metric frees the factor variances of
    every group but the first; scalar also frees their factor means. χ² does not depend
    on this choice, so it equals lavaan's marker-variable results.
    """
    if level not in LEVELS:
        raise ValueError(f"level must be one of {LEVELS}, got {level!r}")
    pattern = np.asarray(pattern, dtype=bool)
    p, m = pattern.shape
    G = n_groups
    counter = iter(range(10**9))
    variances: set[int] = set()
    lam = np.full((G, p, m), -1)
    theta = np.full((G, p), -1)
    phi = np.full((G, m, m), -1)
    nu = np.full((G, p), -1)
    alpha = np.full((G, m), -1)
    phi_fixed = np.zeros((G, m, m))
    shared_lam = {(i, j): next(counter) for i, j in zip(*np.nonzero(pattern), strict=True)}
    shared_nu = {i: next(counter) for i in range(p)} if level == "scalar" else {}
    for g in range(G):
        for (i, j), k in shared_lam.items():
            lam[g, i, j] = k if level != "configural" else (k if g == 0 else next(counter))
        for i in range(p):
            theta[g, i] = next(counter)
            variances.add(int(theta[g, i]))
            nu[g, i] = shared_nu[i] if shared_nu else next(counter)
        free_var = level != "configural" and g > 0
        for a in range(m):
            if free_var:
                phi[g, a, a] = next(counter)
                variances.add(int(phi[g, a, a]))
            else:
                phi_fixed[g, a, a] = 1.0
            for b in range(a):
                k = next(counter)
                phi[g, a, b] = phi[g, b, a] = k
            if level == "scalar" and g > 0:
                alpha[g, a] = next(counter)
    n_params = next(counter)
    return Spec(lam, theta, phi, nu, alpha, phi_fixed, n_params, frozenset(variances))


def start_values(spec: Spec, data: list[GroupData], pattern: np.ndarray) -> np.ndarray:
    """Loadings from each factor's first principal component in the pooled data, half
    the variance as residual, group means as intercepts, identity factor covariances."""
    x = np.zeros(spec.n_params)
    pooled = np.sum([d.n * d.cov for d in data], axis=0) / sum(d.n for d in data)
    p, m = pattern.shape
    lam0 = np.zeros((p, m))
    for f in range(m):
        idx = np.nonzero(pattern[:, f])[0]
        vals, vecs = np.linalg.eigh(pooled[np.ix_(idx, idx)])
        v = vecs[:, -1] * np.sign(vecs[:, -1].sum() or 1.0)
        lam0[idx, f] = v * np.sqrt(max(vals[-1], 1e-8)) * 0.8
    for g, d in enumerate(data):
        free = spec.lam[g] >= 0
        x[spec.lam[g][free]] = lam0[free]
        x[spec.theta[g]] = np.maximum(np.diag(d.cov) - (lam0**2).sum(axis=1),
                                      0.3 * np.diag(d.cov))  # fmt: skip
        x[spec.nu[g]] = d.mean
        diag = np.diag(spec.phi[g])
        x[diag[diag >= 0]] = 1.0
    return x
