"""Inter-item correlations: two-step polychoric, with a Spearman fallback.

Two-step estimator (Olsson 1979): the thresholds of each item come from its own
marginal cumulative proportions, τ_c = Φ⁻¹(P(X ≤ c)); then ρ maximises the
multinomial log-likelihood Σ n_ab log π_ab(ρ) of the cross-table, with the cell
probabilities π_ab from scipy's bivariate normal CDF. Categories nobody used are
dropped first, as R's polycor does.

A matrix is polychoric only when there are at least ``POLYCHORIC_MIN_N`` complete
responses and no item pair's table is too sparse (more than
``POLYCHORIC_MAX_EMPTY_CELLS`` of its cells empty) or gives a boundary estimate;
otherwise every entry is a Spearman correlation, so one matrix uses one method.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import special  # not scipy.stats, whose import costs ~1 s (issue 15)

from collabdx.core.psychometrics.thresholds import (
    POLYCHORIC_MAX_EMPTY_CELLS,
    POLYCHORIC_MIN_N,
)

_BOUND = 0.9999
_INF = 10.0  # Φ(10) differs from 1 by 8e-24: stands in for ±∞ in the CDF


@dataclass(frozen=True)
class Polychoric:
    rho: float | None
    n: int
    empty_cell_share: float
    at_boundary: bool
    thresholds: tuple[tuple[float, ...], tuple[float, ...]]


@dataclass(frozen=True)
class CorrelationMatrix:
    items: tuple[str, ...]
    values: tuple[tuple[float | None, ...], ...]
    method: str  # "polychoric" or "spearman"
    n: int
    reason: str


def _thresholds(margins: np.ndarray) -> np.ndarray:
    cum = np.cumsum(margins)[:-1] / margins.sum()
    return special.ndtri(cum)


def cross_table(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Counts of (x, y) over the categories each item actually used, in order."""
    xs, xi = np.unique(x, return_inverse=True)
    ys, yi = np.unique(y, return_inverse=True)
    table = np.zeros((xs.size, ys.size))
    np.add.at(table, (xi, yi), 1)
    return table


def bivariate_normal_cdf(h: np.ndarray, k: np.ndarray, rho: float) -> np.ndarray:
    """Φ₂(h, k; ρ) through Owen's T function (Owen 1956), vectorised:

        Φ₂ = ½Φ(h) + ½Φ(k) − T(h, a_h) − T(k, a_k) − β,
        a_h = (k − ρh) / (h√(1 − ρ²)),  a_k = (h − ρk) / (k√(1 − ρ²)),

    β = ½ when h and k have opposite signs, else 0. scipy's ``owens_t`` is accurate to
    about 1e-16; its multivariate-normal CDF (the first version's) integrates point by
    point and made the polychoric correlations 60% of the research page's time.
    Exact zeros are moved to 1e-14, where the formula's limit is continuous.
    """
    h = np.where(np.asarray(h, dtype=float) == 0, 1e-14, h)
    k = np.where(np.asarray(k, dtype=float) == 0, 1e-14, k)
    root = np.sqrt(1 - rho * rho)
    with np.errstate(divide="ignore", invalid="ignore"):
        a_h = (k - rho * h) / (h * root)
        a_k = (h - rho * k) / (k * root)
    beta = np.where(h * k < 0, 0.5, 0.0)
    return (
        0.5 * special.ndtr(h) + 0.5 * special.ndtr(k)
        - special.owens_t(h, a_h) - special.owens_t(k, a_k) - beta
    )  # fmt: skip


def cell_probabilities(a: np.ndarray, b: np.ndarray, rho: float) -> np.ndarray:
    """π_ab for thresholds a (rows) and b (columns) under a bivariate normal with ρ."""
    ea = np.concatenate([[-_INF], np.clip(a, -_INF, _INF), [_INF]])
    eb = np.concatenate([[-_INF], np.clip(b, -_INF, _INF), [_INF]])
    hh, kk = np.meshgrid(ea, eb, indexing="ij")
    big = bivariate_normal_cdf(hh, kk, rho)
    return big[1:, 1:] - big[:-1, 1:] - big[1:, :-1] + big[:-1, :-1]


def polychoric_from_table(table: np.ndarray) -> Polychoric:
    table = np.asarray(table, dtype=float)
    table = table[table.sum(axis=1) > 0][:, table.sum(axis=0) > 0]
    n = int(table.sum())
    empty = float((table == 0).mean()) if table.size else 1.0
    if table.shape[0] < 2 or table.shape[1] < 2:
        return Polychoric(None, n, empty, False, ((), ()))
    a = _thresholds(table.sum(axis=1))
    b = _thresholds(table.sum(axis=0))

    def negloglik(rho: float) -> float:
        probs = np.clip(cell_probabilities(a, b, rho), 1e-300, None)
        return -float(np.sum(table * np.log(probs)))

    from scipy import optimize  # here, not at the top: its import is slow (issue 15)

    res = optimize.minimize_scalar(
        negloglik, bounds=(-_BOUND, _BOUND), method="bounded", options={"xatol": 1e-9}
    )
    rho = float(res.x)
    return Polychoric(rho, n, empty, abs(rho) > 0.995, (tuple(a), tuple(b)))


def polychoric(x: np.ndarray, y: np.ndarray) -> Polychoric:
    """Two-step polychoric correlation of two ordinal items (pairwise complete)."""
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    ok = ~(np.isnan(x) | np.isnan(y))
    return polychoric_from_table(cross_table(x[ok], y[ok]))


def _spearman(data: np.ndarray) -> np.ndarray:
    """Pearson correlations of average ranks, pair by pair, as ``scipy.stats.spearmanr``
    computes them (``np.corrcoef`` of the two ranked columns)."""
    k = data.shape[1]
    ranks = pd.DataFrame(data).rank(method="average").to_numpy(dtype=float)
    out = np.full((k, k), np.nan)
    for i in range(k):
        out[i, i] = 1.0
        for j in range(i + 1, k):
            if np.ptp(data[:, i]) == 0 or np.ptp(data[:, j]) == 0:
                continue
            r = float(np.corrcoef(ranks[:, [i, j]], rowvar=False)[1, 0])
            out[i, j] = out[j, i] = r
    return out


def correlation_matrix(complete: pd.DataFrame) -> CorrelationMatrix:
    """Inter-item correlations of complete-case keyed item data (rows × items)."""
    items = tuple(str(c) for c in complete.columns)
    data = complete.to_numpy(dtype=float)
    n = data.shape[0]
    k = len(items)
    min_n = int(POLYCHORIC_MIN_N.value)
    reason = ""
    poly: np.ndarray | None = None
    if n < min_n:
        reason = (
            f"Spearman correlations: {n} complete responses, fewer than the {min_n} "
            "needed for polychoric estimates."
        )
    else:
        poly = np.eye(k)
        for i in range(k):
            for j in range(i + 1, k):
                est = polychoric(data[:, i], data[:, j])
                if est.rho is None:
                    reason = f"Spearman correlations: {items[i]} or {items[j]} has one answer only."
                elif est.empty_cell_share > POLYCHORIC_MAX_EMPTY_CELLS.value:
                    reason = (
                        f"Spearman correlations: the {items[i]} × {items[j]} table is too "
                        f"sparse ({est.empty_cell_share:.0%} of cells empty) for polychoric "
                        "estimates."
                    )
                elif est.at_boundary:
                    reason = (
                        f"Spearman correlations: the polychoric estimate for {items[i]} × "
                        f"{items[j]} is at its boundary (|ρ| > 0.995)."
                    )
                if reason:
                    poly = None
                    break
                poly[i, j] = poly[j, i] = est.rho
            if poly is None:
                break
    if poly is not None:
        values, method = poly, "polychoric"
        reason = f"Two-step polychoric correlations (Olsson 1979) from {n} complete responses."
    else:
        values, method = _spearman(data), "spearman"
    rows = tuple(tuple(None if np.isnan(v) else float(v) for v in row) for row in values)
    return CorrelationMatrix(items, rows, method, n, reason)
