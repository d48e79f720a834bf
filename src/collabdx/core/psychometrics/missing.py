"""Missing answers: the patterns, and full-information ML (FIML) beside listwise deletion.

Listwise deletion keeps only people who answered every item of the model, which wastes
answers and is biased unless answers are missing completely at random. FIML uses every
answer given: each missingness pattern r (the items o_r a group of n_r people answered)
contributes

    n_r [log|Σ_oo| + tr(S_r Σ_oo⁻¹) + (m_r − μ_o)ᵀ Σ_oo⁻¹ (m_r − μ_o)]

to −2ℓ (up to a constant), with S_r and m_r that group's covariance (÷ n_r) and means,
Σ = ΛΦΛᵀ + Θ and saturated means μ (Arbuckle 1996; Enders 2010). Unbiased when answers
are missing at random. The χ² compares the model with the saturated model (μ and Σ
free), itself fitted by the EM algorithm (Dempster, Laird & Rubin 1977); χ² = 2(ℓ_sat −
ℓ_model), as lavaan's ``missing = "ml"``. With no missing answers both are exactly the
complete-data ML results (a test checks it).

Patterns with fewer than k people are reported only together ("other patterns"), like
any small group.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass

import numpy as np

from collabdx.core.psychometrics.factor import FactorFit, at_stationary_point, fit_ml

_THETA_FLOOR = 1e-6


@dataclass(frozen=True)
class Pattern:
    missing: tuple[str, ...]  # items not answered; () = complete
    n: int


@dataclass(frozen=True)
class MissingnessSummary:
    n: int
    complete: int
    patterns: tuple[Pattern, ...]  # patterns with at least k people, largest first
    other_patterns: int  # how many more patterns, pooled
    other_n: int  # people in them (shown only if at least k or 0)
    item_missing_pct: tuple[tuple[str, float], ...]


@dataclass(frozen=True)
class FimlFit:
    fit: FactorFit
    chi2: float
    df: int
    n: int  # people with at least one answer to the model's items
    loglik: float
    converged: bool
    baseline_chi2: float = float("nan")  # independence model against the saturated one


def missingness(data: np.ndarray, items: list[str], k: int) -> MissingnessSummary:
    x = np.asarray(data, dtype=float)
    miss = np.isnan(x)
    keys = Counter(tuple(np.nonzero(row)[0]) for row in miss)
    big = sorted(((p, c) for p, c in keys.items() if c >= k), key=lambda t: (-t[1], t[0]))
    small = [(p, c) for p, c in keys.items() if c < k]
    other_n = sum(c for _, c in small)
    return MissingnessSummary(
        n=x.shape[0], complete=int((~miss.any(axis=1)).sum()),
        patterns=tuple(Pattern(tuple(items[i] for i in p), c) for p, c in big),
        other_patterns=len(small), other_n=other_n if other_n >= k else 0,
        item_missing_pct=tuple((it, float(miss[:, j].mean() * 100)) for j, it in enumerate(items)),
    )  # fmt: skip


def _groups(x: np.ndarray) -> list[tuple[np.ndarray, int, np.ndarray, np.ndarray]]:
    """(observed indices, n, mean, covariance ÷ n) per missingness pattern."""
    obs = ~np.isnan(x)
    out = []
    keys: dict[bytes, list[int]] = {}
    for i, row in enumerate(obs):
        keys.setdefault(row.tobytes(), []).append(i)
    for rows in keys.values():
        o = np.nonzero(obs[rows[0]])[0]
        if o.size == 0:
            continue
        block = x[np.ix_(rows, o)]
        m = block.mean(axis=0)
        c = (block - m).T @ (block - m) / len(rows)
        out.append((o, len(rows), m, c))
    return out


def _minus2ll(groups, mu: np.ndarray, sigma: np.ndarray) -> float:
    total = 0.0
    for o, n, m, c in groups:
        s = sigma[np.ix_(o, o)]
        sign, logdet = np.linalg.slogdet(s)
        if sign <= 0:
            return math.inf
        inv = np.linalg.inv(s)
        d = m - mu[o]
        total += n * (o.size * math.log(2 * math.pi) + logdet + np.trace(c @ inv) + d @ inv @ d)
    return float(total)


def em_saturated(x: np.ndarray, iterations: int = 500, tol: float = 1e-10):
    """ML means and covariance of incomplete normal data by EM; also −2ℓ."""
    x = np.asarray(x, dtype=float)
    n, p = x.shape
    mu = np.nanmean(x, axis=0)
    sigma = np.diag(np.nanvar(x, axis=0))
    obs = ~np.isnan(x)
    prev = math.inf
    groups = _groups(x)
    for _ in range(iterations):
        t1 = np.zeros(p)
        t2 = np.zeros((p, p))
        for row_obs in np.unique(obs, axis=0):
            rows = np.all(obs == row_obs, axis=1)
            o, mi = np.nonzero(row_obs)[0], np.nonzero(~row_obs)[0]
            xr = x[rows]
            filled = np.where(np.isnan(xr), 0.0, xr)
            extra = np.zeros((p, p))
            if mi.size and o.size:
                beta = sigma[np.ix_(mi, o)] @ np.linalg.inv(sigma[np.ix_(o, o)])
                filled[:, mi] = mu[mi] + (xr[:, o] - mu[o]) @ beta.T
                extra[np.ix_(mi, mi)] = sigma[np.ix_(mi, mi)] - beta @ sigma[np.ix_(o, mi)]
            elif mi.size:
                filled[:, mi] = mu[mi]
                extra[np.ix_(mi, mi)] = sigma[np.ix_(mi, mi)]
            t1 += filled.sum(axis=0)
            t2 += filled.T @ filled + rows.sum() * extra
        mu = t1 / n
        sigma = t2 / n - np.outer(mu, mu)
        value = _minus2ll(groups, mu, sigma)
        if abs(prev - value) < tol * max(1.0, abs(value)):
            break
        prev = value
    return mu, sigma, _minus2ll(groups, mu, sigma)


def fiml_cfa(data: np.ndarray, pattern: np.ndarray) -> FimlFit:
    """FIML CFA of ``pattern`` (factor variances 1, free correlations, saturated means)."""
    x = np.asarray(data, dtype=float)
    x = x[~np.all(np.isnan(x), axis=1)]
    p, m = pattern.shape
    groups = _groups(x)
    mu0, sigma0, sat = em_saturated(x)
    start = fit_ml(sigma0, pattern)  # the two-stage solution: a good start
    rows, cols = np.nonzero(pattern)
    tri = np.tril_indices(m, -1)
    nl, nt = rows.size, tri[0].size

    def unpack(v: np.ndarray):
        lam = np.zeros((p, m))
        lam[rows, cols] = v[:nl]
        theta = v[nl : nl + p]
        phi = np.eye(m)
        phi[tri] = phi[(tri[1], tri[0])] = v[nl + p : nl + p + nt]
        return lam, theta, phi, v[nl + p + nt :]

    def objective(v: np.ndarray) -> tuple[float, np.ndarray]:
        lam, theta, phi, mu = unpack(v)
        sigma = lam @ phi @ lam.T + np.diag(theta)
        f = 0.0
        g_sigma = np.zeros((p, p))
        g_mu = np.zeros(p)
        for o, n, mean, c in groups:
            s = sigma[np.ix_(o, o)]
            sign, logdet = np.linalg.slogdet(s)
            if sign <= 0:
                return 1e12, np.zeros_like(v)
            inv = np.linalg.inv(s)
            d = mean - mu[o]
            ad = inv @ d
            f += n * (logdet + float(np.trace(c @ inv)) + float(d @ ad))
            g_sigma[np.ix_(o, o)] += n * (inv - inv @ c @ inv - np.outer(ad, ad))
            g_mu[o] += -2 * n * ad
        g_lam = 2 * g_sigma @ lam @ phi
        g_phi = 2 * lam.T @ g_sigma @ lam
        grad = np.concatenate([g_lam[rows, cols], np.diag(g_sigma), g_phi[tri], g_mu])
        scale = x.shape[0]
        return f / scale, grad / scale

    v0 = np.concatenate([start.loadings[rows, cols], start.theta, start.phi[tri], mu0])
    var = np.nanvar(x, axis=0)
    bounds: list[tuple[float | None, float | None]] = (
        [(None, None)] * nl + [(_THETA_FLOOR * v, None) for v in var]
        + [(-0.995, 0.995)] * nt + [(None, None)] * p
    )  # fmt: skip
    from scipy import optimize  # here, not at the top: its import is slow (issue 15)

    res = optimize.minimize(objective, v0, jac=True, method="L-BFGS-B", bounds=bounds,
                            options={"maxiter": 5000, "ftol": 1e-15, "gtol": 1e-9})  # fmt: skip
    lam, theta, phi, _ = unpack(res.x)
    signs = np.where(lam.sum(axis=0) < 0, -1.0, 1.0)
    fit = FactorFit(lam * signs, phi * np.outer(signs, signs), theta, float(res.fun), True,
                    bool(np.any(theta <= _THETA_FLOOR * var * 1.0001)), nl + p + nt)  # fmt: skip
    n = x.shape[0]
    const = sum(g[1] * g[0].size * math.log(2 * math.pi) for g in groups)
    minus2ll = float(res.fun) * n + const
    df = p * (p + 1) // 2 - (nl + p + nt)
    converged = bool(res.success) or at_stationary_point(res.x, res.jac, bounds)
    base = baseline_minus2ll(x) - sat
    return FimlFit(fit, max(minus2ll - sat, 0.0), df, n, -minus2ll / 2, converged, base)


def baseline_minus2ll(data: np.ndarray) -> float:
    """−2ℓ of the independence model with missing data: each item's own ML mean and
    variance from the answers it has (the FIML solution when Σ is diagonal)."""
    x = np.asarray(data, dtype=float)
    x = x[~np.all(np.isnan(x), axis=1)]
    return _minus2ll(_groups(x), np.nanmean(x, axis=0), np.diag(np.nanvar(x, axis=0)))
