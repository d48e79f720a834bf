"""One-factor ML fits of many covariance matrices at once: omega and its bootstrap.

The bootstrap interval of omega used to cost 1,000 one-factor fits through
``scipy.optimize.minimize``, one resample at a time: about 10 s of every report and
psychometrics run (issue 15). Here every resample is fitted together, as arrays of
shape (B, p, p), by Fisher scoring on (λ, θ) with the analytic gradient of

    F_ML = log|Σ| + tr(S Σ⁻¹) − log|S| − p,    Σ = λλᵀ + diag(θ),

dF/dΣ = G = Σ⁻¹ − Σ⁻¹ S Σ⁻¹, so dF/dλ = 2Gλ and dF/dθ = diag(G), and the expected
Hessian (A = Σ⁻¹, u = Aλ, c = λᵀAλ):

    H[θi, θj] = A_ij²,  H[λi, θj] = 2 A_ij u_j,  H[λi, λj] = 2 (A_ij c + u_i u_j).

Steps are halved until F falls and θ stays above its floor (1e-6 × the item's
variance, as :func:`collabdx.core.psychometrics.factor.fit_ml`). A fit counts as
converged when its projected gradient is under ``GRADIENT_TOLERANCE``, as the
general CFA does. The optimum is the same maximum-likelihood solution the BFGS fit
finds (the tests compare them, 1e-6); any resample the batch leaves unconverged is
fitted again one at a time with that BFGS fit, so nothing is lost to the speed-up.

Resamples are drawn exactly as before (``rng.integers(0, n, n)`` per resample, in
order), so a seed gives the same interval as the one-at-a-time version.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from collabdx.core.psychometrics.factor import GRADIENT_TOLERANCE, fit_ml

THETA_FLOOR = 1e-6
MAX_ITERATIONS = 100
# Resample weights held at once: chunk × n numbers (32 MB of float64).
CHUNK_CELLS = 4_000_000


def _objective(S: np.ndarray, lam: np.ndarray, theta: np.ndarray, logdet_s: np.ndarray):
    """F_ML per matrix, with Σ⁻¹; inf where Σ is not positive definite."""
    sigma = lam[:, :, None] * lam[:, None, :] + _diag(theta)
    sign, logdet = np.linalg.slogdet(sigma)
    ok = sign > 0
    inv = np.full_like(sigma, np.nan)
    if ok.any():
        inv[ok] = np.linalg.inv(sigma[ok])
    p = S.shape[-1]
    trace = np.einsum("bij,bji->b", S, np.nan_to_num(inv))
    f = np.where(ok, logdet + trace - logdet_s - p, np.inf)
    return f, inv


def _diag(theta: np.ndarray) -> np.ndarray:
    out = np.zeros(theta.shape + theta.shape[-1:])
    idx = np.arange(theta.shape[-1])
    out[..., idx, idx] = theta
    return out


def _start(S: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each matrix's first principal component, as the one-at-a-time fit starts."""
    vals, vecs = np.linalg.eigh(S)
    v = vecs[:, :, -1]
    sign = np.sign(v.sum(axis=1))
    sign[sign == 0] = 1.0
    v = v * sign[:, None]
    lam = v * np.sqrt(np.maximum(vals[:, -1], 1e-8))[:, None] * 0.8
    var = np.diagonal(S, axis1=1, axis2=2)
    theta = np.maximum(var - lam**2, 0.3 * var)
    return lam, theta


def fit_one_factor_batch(S: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """ML one-factor fits of a stack of covariance matrices (B × p × p).

    Returns loadings (B × p, their sum positive), residual variances (B × p) and
    whether each fit converged. Matrices that are not positive definite are not
    converged.
    """
    S = np.asarray(S, dtype=float)
    b, p, _ = S.shape
    sign_s, logdet_s = np.linalg.slogdet(S)
    usable = sign_s > 0
    var = np.diagonal(S, axis1=1, axis2=2)
    floor = THETA_FLOOR * var
    lam, theta = _start(S)
    f, inv = _objective(S, lam, theta, logdet_s)
    done = ~usable
    converged = np.zeros(b, dtype=bool)
    idx = np.arange(p)
    for _ in range(MAX_ITERATIONS):
        active = np.nonzero(~done)[0]
        if active.size == 0:
            break
        A = inv[active]
        Sa, la, ta = S[active], lam[active], theta[active]
        G = A - A @ Sa @ A
        grad = np.concatenate([2 * np.einsum("bij,bj->bi", G, la), G[:, idx, idx]], axis=1)
        at_floor = ta <= floor[active] * (1 + 1e-9)
        projected = grad.copy()
        projected[:, p:][at_floor & (grad[:, p:] > 0)] = 0.0
        stop = np.max(np.abs(projected), axis=1) < GRADIENT_TOLERANCE * 1e-3
        converged[active[stop]] = True
        done[active[stop]] = True
        go = ~stop
        if not go.any():
            break
        active, A, Sa, la, ta, grad = active[go], A[go], Sa[go], la[go], ta[go], grad[go]
        u = np.einsum("bij,bj->bi", A, la)
        c = np.einsum("bi,bi->b", la, u)
        H = np.empty((active.size, 2 * p, 2 * p))
        H[:, :p, :p] = 2 * (A * c[:, None, None] + u[:, :, None] * u[:, None, :])
        H[:, :p, p:] = 2 * A * u[:, None, :]
        H[:, p:, :p] = np.transpose(H[:, :p, p:], (0, 2, 1))
        H[:, p:, p:] = A**2
        # Projected Newton: a θ on its floor whose gradient pushes it further down is
        # held there (its row and column become the identity, its gradient 0).
        held = np.zeros((active.size, 2 * p), dtype=bool)
        held[:, p:] = (ta <= floor[active] * (1 + 1e-9)) & (grad[:, p:] > 0)
        if held.any():
            grad = np.where(held, 0.0, grad)
            H = np.where(held[:, :, None] | held[:, None, :], 0.0, H)
            bi, ci_ = np.nonzero(held)
            H[bi, ci_, ci_] = 1.0
        try:
            step = -np.linalg.solve(H, grad[:, :, None])[:, :, 0]
        except np.linalg.LinAlgError:
            step = -grad
        # Step halving: F must fall and θ stay above its floor.
        scale = np.ones(active.size)
        accepted = np.zeros(active.size, dtype=bool)
        new_lam, new_theta = la.copy(), ta.copy()
        new_f, new_inv = f[active].copy(), inv[active].copy()
        for _ in range(30):
            todo = ~accepted
            if not todo.any():
                break
            cand_l = la[todo] + scale[todo, None] * step[todo, :p]
            cand_t = np.maximum(ta[todo] + scale[todo, None] * step[todo, p:],
                                floor[active[todo]])  # fmt: skip
            cf, ci = _objective(Sa[todo], cand_l, cand_t, logdet_s[active[todo]])
            better = cf <= f[active[todo]] + 1e-14 * np.abs(f[active[todo]])
            rows = np.nonzero(todo)[0][better]
            new_lam[rows], new_theta[rows] = cand_l[better], cand_t[better]
            new_f[rows], new_inv[rows] = cf[better], ci[better]
            accepted[rows] = True
            scale[todo] *= 0.5
        # No step lowers F any more (at the optimum to rounding, or stuck): stop, and
        # let the gradient decide below; the unconverged go to the one-at-a-time fit.
        flat = ~accepted | (new_f >= f[active])
        done[active[flat]] = True
        lam[active], theta[active] = new_lam, new_theta
        f[active], inv[active] = new_f, new_inv
    # Converged by the same rule as factor.fit_ml, on the final point.
    check = np.nonzero(usable & ~converged)[0]
    if check.size:
        A = inv[check]
        G = A - A @ S[check] @ A
        grad = np.concatenate([2 * np.einsum("bij,bj->bi", G, lam[check]), G[:, idx, idx]],
                              axis=1)  # fmt: skip
        at_floor = theta[check] <= floor[check] * (1 + 1e-9)
        grad[:, p:][at_floor & (grad[:, p:] > 0)] = 0.0
        converged[check] = np.max(np.abs(grad), axis=1) < GRADIENT_TOLERANCE
    flip = lam.sum(axis=1) < 0
    lam[flip] = -lam[flip]
    return lam, theta, converged


def omega_of(lam: np.ndarray, theta: np.ndarray) -> np.ndarray:
    """McDonald's omega total per fit: (Σλ)² / ((Σλ)² + Σθ)."""
    common = lam.sum(axis=-1) ** 2
    return common / (common + theta.sum(axis=-1))


def resampled_covariances(
    data: np.ndarray, b: int, rng: np.random.Generator
) -> Iterator[np.ndarray]:
    """Covariance matrices (ddof 1) of ``b`` case resamples, a chunk at a time.

    Each chunk draws its row indices as ``b`` successive ``rng.integers(0, n, n)``
    would, turns them into counts per row, and gets every resample's cross-products
    from one matrix product with the rows' pairwise products.
    """
    x = np.asarray(data, dtype=float)
    n, p = x.shape
    rows, cols = np.triu_indices(p)
    products = x[:, rows] * x[:, cols]  # n × p(p+1)/2
    chunk = max(1, CHUNK_CELLS // max(n, 1))
    left = b
    while left > 0:
        m = min(chunk, left)
        left -= m
        draws = rng.integers(0, n, (m, n))
        offsets = (np.arange(m)[:, None] * n + draws).ravel()
        counts = np.bincount(offsets, minlength=m * n).reshape(m, n).astype(float)
        sums = counts @ x  # m × p
        cross = counts @ products  # m × p(p+1)/2
        means = sums / n
        cov = np.empty((m, p, p))
        upper = (cross - n * means[:, rows] * means[:, cols]) / (n - 1)
        cov[:, rows, cols] = upper
        cov[:, cols, rows] = upper
        yield cov


def omega_bootstrap_values(data: np.ndarray, b: int, seed: int) -> np.ndarray:
    """Omega of every usable resample (the one-at-a-time BFGS fit where the batch
    did not converge; dropped where neither converges or Σ is singular)."""
    rng = np.random.default_rng(seed)
    out: list[np.ndarray] = []
    p = data.shape[1]
    for cov in resampled_covariances(data, b, rng):
        var = np.diagonal(cov, axis1=1, axis2=2)
        ok = np.all(var > 0, axis=1) & (np.linalg.matrix_rank(cov) == p)
        values = np.full(cov.shape[0], np.nan)
        if ok.any():
            lam, theta, conv = fit_one_factor_batch(cov[ok])
            w = omega_of(lam, theta)
            w[~conv] = np.nan
            values[ok] = w
            for i in np.nonzero(ok)[0][~conv]:
                fit = fit_ml(cov[i], np.ones((p, 1), dtype=bool))
                if fit.converged:
                    values[i] = omega_of(fit.loadings[:, 0], fit.theta)
        out.append(values)
    values = np.concatenate(out) if out else np.empty(0)
    return values[~np.isnan(values)]
