"""Maximum-likelihood factor analysis (CFA) on a covariance matrix, in numpy/scipy.

The model is Σ = Λ Φ Λᵀ + Θ with factor variances fixed to 1 (so Φ holds factor
correlations), free loadings where ``pattern`` is true, free residual variances Θ
(diagonal) and, with several factors, free factor correlations. The estimates
minimise the normal-theory discrepancy

    F_ML = log|Σ| + tr(S Σ⁻¹) − log|S| − p

with an analytic gradient (L-BFGS-B). The test statistic is N · F_ML with S the
covariance matrix divided by N, as lavaan does with its default ``likelihood =
"normal"`` (checked in the tests against lavaan's published Holzinger–Swineford
results and against semopy). Residual variances are kept at or above 1e-6 × the
item variance; an estimate on that bound is reported as a Heywood case.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import special  # not scipy.stats, whose import costs ~1 s (issue 15)

_THETA_FLOOR = 1e-6


@dataclass(frozen=True)
class FactorFit:
    loadings: np.ndarray  # p × m, unstandardised
    phi: np.ndarray  # m × m factor correlations
    theta: np.ndarray  # p residual variances
    fmin: float  # F_ML at the optimum
    converged: bool
    heywood: bool  # a residual variance on its lower bound
    n_free: int

    @property
    def implied(self) -> np.ndarray:
        return self.loadings @ self.phi @ self.loadings.T + np.diag(self.theta)

    @property
    def std_loadings(self) -> np.ndarray:
        """Loadings on the standardised items (lavaan's std.all)."""
        sd = np.sqrt(np.diag(self.implied))
        return self.loadings / sd[:, None]


@dataclass(frozen=True)
class FitIndices:
    n: int
    chi2: float
    df: int
    p: float
    baseline_chi2: float
    baseline_df: int
    cfi: float
    tli: float
    rmsea: float
    rmsea_ci90: tuple[float, float]
    srmr: float


def free_parameter_count(pattern: np.ndarray) -> int:
    p, m = pattern.shape
    return int(pattern.sum()) + p + m * (m - 1) // 2


def fit_ml(
    cov: np.ndarray,
    pattern: np.ndarray,
    *,
    phi_free: np.ndarray | None = None,
    higher_order: bool = False,
) -> FactorFit:
    """Fit the factor model with loading ``pattern`` (p × m booleans) to ``cov``.

    ``phi_free`` (m × m booleans) says which factor correlations are free; the rest
    are 0 (e.g. a method factor orthogonal to the others). ``higher_order`` replaces
    the free correlations by one second-order factor: Φ_ij = γ_i γ_j, the first-order
    factors' variances staying 1 (their disturbances are 1 − γ_i²).
    """
    S = np.asarray(cov, dtype=float)
    pattern = np.asarray(pattern, dtype=bool)
    p, m = pattern.shape
    if S.shape != (p, p):
        raise ValueError(f"covariance is {S.shape}, pattern has {p} items")
    if m == 1 and pattern.all():
        return _fit_one_factor(S)
    logdet_s = np.linalg.slogdet(S)[1]
    rows, cols = np.nonzero(pattern)
    n_load = rows.size
    tri = np.tril_indices(m, -1)
    if phi_free is not None:
        keep = np.asarray(phi_free, dtype=bool)[tri]
        tri = (tri[0][keep], tri[1][keep])
    n_phi = m if higher_order else tri[0].size

    def unpack(x: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        lam = np.zeros((p, m))
        lam[rows, cols] = x[:n_load]
        theta = x[n_load : n_load + p]
        if higher_order:
            gamma = x[n_load + p :]
            phi = np.outer(gamma, gamma)
            np.fill_diagonal(phi, 1.0)
            return lam, theta, phi
        phi = np.eye(m)
        phi[tri] = x[n_load + p :]
        phi[(tri[1], tri[0])] = x[n_load + p :]
        return lam, theta, phi

    def objective(x: np.ndarray) -> tuple[float, np.ndarray]:
        lam, theta, phi = unpack(x)
        sigma = lam @ phi @ lam.T + np.diag(theta)
        sign, logdet = np.linalg.slogdet(sigma)
        if sign <= 0:
            return 1e10, np.zeros_like(x)
        inv = np.linalg.inv(sigma)
        f = logdet + float(np.trace(S @ inv)) - logdet_s - p
        g_sigma = inv - inv @ S @ inv  # dF/dΣ (symmetric)
        g_lam = 2.0 * g_sigma @ lam @ phi
        g_phi = 2.0 * (lam.T @ g_sigma @ lam)  # per symmetric pair of entries
        if higher_order:
            off = g_phi - np.diag(np.diag(g_phi))
            g_rest = off @ x[n_load + p :]
        else:
            g_rest = g_phi[tri]
        grad = np.concatenate([g_lam[rows, cols], np.diag(g_sigma), g_rest])
        return f, grad

    x0 = _start(S, pattern, rows, cols, n_phi)
    if higher_order:
        x0[n_load + p :] = 0.6
    var = np.diag(S)
    bounds = (
        [(None, None)] * n_load
        + [(_THETA_FLOOR * v, None) for v in var]
        + [(-0.995, 0.995)] * n_phi
    )  # γ of a higher-order model in the same bounds as a correlation
    from scipy import optimize  # here, not at the top: its import is slow (issue 15)

    res = optimize.minimize(
        objective,
        x0,
        jac=True,
        method="L-BFGS-B",
        bounds=bounds,
        options={"maxiter": 5000, "ftol": 1e-15, "gtol": 1e-9, "maxcor": 30},
    )
    lam, theta, phi = unpack(res.x)
    # Identify the sign of each factor: its loadings sum to a positive number.
    signs = np.where(lam.sum(axis=0) < 0, -1.0, 1.0)
    lam = lam * signs
    phi = phi * np.outer(signs, signs)
    heywood = bool(np.any(theta <= _THETA_FLOOR * var * 1.0001))
    return FactorFit(
        loadings=lam,
        phi=phi,
        theta=theta,
        fmin=float(res.fun),
        converged=bool(res.success) or at_stationary_point(res.x, res.jac, bounds),
        heywood=heywood,
        n_free=n_load + p + n_phi,
    )


GRADIENT_TOLERANCE = 1e-5


def at_stationary_point(
    x: np.ndarray, grad: np.ndarray, bounds: list[tuple[float | None, float | None]]
) -> bool:
    """Whether the projected gradient vanishes: convergence judged by the gradient.

    L-BFGS-B sometimes stops with "ABNORMAL_TERMINATION_IN_LNSRCH" at the optimum, when
    the line search cannot improve F_ML in its last digits (issue 18: 3 of 21 simulated
    sets, at gradients of about 3e-8). Its flag alone would call that a failure. A
    component pressing against its bound (a Heywood case) is not counted.
    """
    g = np.asarray(grad, dtype=float).copy()
    for i, (lo, hi) in enumerate(bounds):
        span = 1e-9 * max(1.0, abs(x[i]))
        if lo is not None and x[i] <= lo + span and g[i] > 0:
            g[i] = 0.0
        if hi is not None and x[i] >= hi - span and g[i] < 0:
            g[i] = 0.0
    return bool(np.all(np.isfinite(g)) and np.max(np.abs(g), initial=0.0) < GRADIENT_TOLERANCE)


def _fit_one_factor(S: np.ndarray) -> FactorFit:
    """One factor, all items: BFGS on (λ, log θ), fast enough for bootstrapping.

    (L-BFGS-B calls BLAS on tiny arrays and can be slow on a busy multi-core machine;
    the log parametrisation keeps θ positive without bounds.)
    """
    p = S.shape[0]
    logdet_s = np.linalg.slogdet(S)[1]
    var = np.diag(S)

    def objective(x: np.ndarray) -> tuple[float, np.ndarray]:
        lam, theta = x[:p], np.exp(x[p:])
        sigma = np.outer(lam, lam) + np.diag(theta)
        sign, logdet = np.linalg.slogdet(sigma)
        if sign <= 0:
            return 1e10, np.zeros_like(x)
        inv = np.linalg.inv(sigma)
        f = logdet + float(np.trace(S @ inv)) - logdet_s - p
        g_sigma = inv - inv @ S @ inv
        return f, np.concatenate([2.0 * g_sigma @ lam, np.diag(g_sigma) * theta])

    vals, vecs = np.linalg.eigh(S)
    v = vecs[:, -1] * np.sign(vecs[:, -1].sum() or 1.0)
    lam0 = v * np.sqrt(max(vals[-1], 1e-8)) * 0.8
    theta0 = np.maximum(var - lam0**2, 0.3 * var)
    from scipy import optimize  # here, not at the top: its import is slow (issue 15)

    res = optimize.minimize(
        objective,
        np.concatenate([lam0, np.log(theta0)]),
        jac=True,
        method="BFGS",
        options={"gtol": 1e-8, "maxiter": 2000},
    )
    lam, theta = res.x[:p], np.exp(res.x[p:])
    if lam.sum() < 0:
        lam = -lam
    # BFGS may stop on "precision loss" at the optimum; judge convergence by the gradient.
    converged = bool(res.success or np.max(np.abs(res.jac)) < GRADIENT_TOLERANCE)
    return FactorFit(
        loadings=lam[:, None],
        phi=np.eye(1),
        theta=theta,
        fmin=float(res.fun),
        converged=converged,
        heywood=bool(np.any(theta <= 1e-4 * var)),
        n_free=2 * p,
    )


def _start(
    S: np.ndarray, pattern: np.ndarray, rows: np.ndarray, cols: np.ndarray, n_phi: int
) -> np.ndarray:
    """Start from each factor's first principal component of its items (half variance)."""
    p, m = pattern.shape
    lam = np.zeros((p, m))
    for f in range(m):
        idx = np.nonzero(pattern[:, f])[0]
        sub = S[np.ix_(idx, idx)]
        vals, vecs = np.linalg.eigh(sub)
        v = vecs[:, -1] * np.sign(vecs[:, -1].sum() or 1.0)
        lam[idx, f] = v * np.sqrt(max(vals[-1], 1e-8)) * 0.8
    theta = np.maximum(np.diag(S) - (lam**2).sum(axis=1), 0.3 * np.diag(S))
    return np.concatenate([lam[rows, cols], theta, np.full(n_phi, 0.3)])


def fit_indices(fit: FactorFit, cov_biased: np.ndarray, n: int) -> FitIndices:
    """Chi-square, CFI, TLI, RMSEA (90% CI) and SRMR for a fit to ``cov_biased`` (÷ N).

    chi2 = N · F_ML (lavaan's ``likelihood = "normal"``); RMSEA = √(max(χ² − df, 0) /
    (df · N)), with N (not N − 1) as lavaan uses it alongside that chi-square, and its
    90% CI from the non-central χ² (Browne & Cudeck 1993); SRMR is
    Bentler's: residual covariances scaled by the observed SDs, over the lower
    triangle with the diagonal.
    """
    S = np.asarray(cov_biased, dtype=float)
    p = S.shape[0]
    chi2 = n * fit.fmin
    df = p * (p + 1) // 2 - fit.n_free
    pval = float(special.chdtrc(df, chi2)) if df > 0 else float("nan")
    logdet_s = np.linalg.slogdet(S)[1]
    f0 = float(np.sum(np.log(np.diag(S))) - logdet_s)
    chi2_0 = n * f0
    df0 = p * (p - 1) // 2
    d_model = max(chi2 - df, 0.0)
    d_base = max(chi2_0 - df0, d_model)
    cfi = 1.0 if d_base == 0 else 1.0 - d_model / d_base
    tli = ((chi2_0 / df0) - (chi2 / df)) / ((chi2_0 / df0) - 1.0) if df > 0 else float("nan")
    rmsea = float(np.sqrt(d_model / (df * n))) if df > 0 else float("nan")
    ci = _rmsea_ci(chi2, df, n) if df > 0 else (float("nan"), float("nan"))
    sd = np.sqrt(np.diag(S))
    resid = (S - fit.implied) / np.outer(sd, sd)
    low = np.tril_indices(p)
    srmr = float(np.sqrt(np.mean(resid[low] ** 2)))
    return FitIndices(
        n=n,
        chi2=float(chi2),
        df=int(df),
        p=pval,
        baseline_chi2=float(chi2_0),
        baseline_df=int(df0),
        cfi=float(cfi),
        tli=float(tli),
        rmsea=rmsea,
        rmsea_ci90=ci,
        srmr=srmr,
    )


def _rmsea_ci(chi2: float, df: int, n: int, level: float = 0.90) -> tuple[float, float]:
    """Non-centrality λ with P(χ²(df, λ) ≤ chi2) = 1 − (1 − level)/2 and (1 − level)/2."""
    from scipy import optimize
    from scipy import stats as sps

    upper_p = 1 - (1 - level) / 2  # 0.95
    lower_p = (1 - level) / 2  # 0.05

    def solve(target: float) -> float:
        def g(lam: float) -> float:
            return float(sps.ncx2.cdf(chi2, df, lam)) - target

        if g(0.0) < 0:
            return 0.0
        hi = max(chi2, 1.0)
        while g(hi) > 0:
            hi *= 2
        return float(optimize.brentq(g, 0.0, hi, xtol=1e-10))

    lam_lo = solve(upper_p)
    lam_hi = solve(lower_p)
    scale = df * n
    return (float(np.sqrt(lam_lo / scale)), float(np.sqrt(lam_hi / scale)))


def omega_from_fit(fit: FactorFit) -> float:
    """McDonald's omega total of a one-factor fit: (Σλ)² / ((Σλ)² + Σθ)."""
    common = float(fit.loadings[:, 0].sum()) ** 2
    return common / (common + float(fit.theta.sum()))
