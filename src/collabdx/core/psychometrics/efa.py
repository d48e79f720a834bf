"""Exploratory factor analysis with parallel analysis.

How many factors: Horn's (1965) parallel analysis keeps the factors whose eigenvalue of
the items' Pearson correlation matrix exceeds the 95th percentile of the same
eigenvalue over ``PARALLEL_SIMULATIONS`` sets of uncorrelated normal data of the same
n and number of items (Glorfeld 1995), with a fixed seed so a wave always gives the
same answer. (Eigenvalues of the correlation matrix itself, "principal components",
as ``psych::fa.parallel(fa = "pc")`` reports them.)

The loadings: maximum likelihood with that many factors (orthogonal, lower-triangle
identification, then rotated) and an oblimin rotation, so factors may correlate,
by factor_analyzer's ``Rotator``. factor_analyzer is a `research` extra: without it
the EFA says so and gives the parallel analysis only.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from collabdx.core.psychometrics.factor import fit_ml

PARALLEL_SIMULATIONS = 100
PARALLEL_SEED = 1965
LOADING_SHOWN = 0.30


@dataclass(frozen=True)
class EfaResult:
    n: int
    eigenvalues: tuple[float, ...]
    random_95th: tuple[float, ...]
    n_factors: int
    loadings: tuple[tuple[float, ...], ...]  # items × factors, oblimin pattern
    factor_correlations: tuple[tuple[float, ...], ...]
    items: tuple[str, ...]
    note: str


def parallel_analysis(
    data: np.ndarray, sims: int = PARALLEL_SIMULATIONS, seed: int = PARALLEL_SEED
) -> tuple[np.ndarray, np.ndarray, int]:
    """Observed eigenvalues, the 95th percentile of random ones, and how many exceed it."""
    x = np.asarray(data, dtype=float)
    n, p = x.shape
    observed = np.sort(np.linalg.eigvalsh(np.corrcoef(x, rowvar=False)))[::-1]
    rng = np.random.default_rng(seed)
    random = np.empty((sims, p))
    for s in range(sims):
        z = rng.standard_normal((n, p))
        random[s] = np.sort(np.linalg.eigvalsh(np.corrcoef(z, rowvar=False)))[::-1]
    cut = np.percentile(random, 95, axis=0)
    above = observed > cut
    k = int(np.argmin(above)) if not above.all() else p
    return observed, cut, k


def ml_efa(corr: np.ndarray, m: int) -> tuple[np.ndarray, np.ndarray]:
    """ML loadings of ``m`` factors, oblimin-rotated: (pattern p × m, factor correlations)."""
    p = corr.shape[0]
    pattern = np.ones((p, m), dtype=bool)
    pattern[np.triu_indices(p, 1, m)] = False  # λ_ij = 0 for j > i identifies the solution
    fit = fit_ml(corr, pattern, phi_free=np.zeros((m, m), dtype=bool))
    lam = fit.std_loadings
    if m == 1:
        return lam, np.eye(1)
    from factor_analyzer.rotator import Rotator

    rot = Rotator(method="oblimin")
    rotated = rot.fit_transform(lam)
    phi = rot.phi_ if getattr(rot, "phi_", None) is not None else np.eye(m)
    # A fixed order and sign: largest sum of squared loadings first, sums positive.
    order = np.argsort(-(rotated**2).sum(axis=0), kind="stable")
    signs = np.where(rotated[:, order].sum(axis=0) < 0, -1.0, 1.0)
    rotated = rotated[:, order] * signs
    phi = phi[np.ix_(order, order)] * np.outer(signs, signs)
    return rotated, phi


def efa(data: np.ndarray, items: list[str]) -> EfaResult:
    x = np.asarray(data, dtype=float)
    observed, cut, k = parallel_analysis(x)
    k = max(k, 1)
    note = (
        f"Parallel analysis (Horn 1965; 95th percentile of {PARALLEL_SIMULATIONS} random "
        f"sets, seed {PARALLEL_SEED}) suggests {k} factor{'s' if k != 1 else ''}."
    )
    try:
        lam, phi = ml_efa(np.corrcoef(x, rowvar=False), k)
    except ImportError:
        note += " Loadings need factor_analyzer (pip install 'collabdx[research]')."
        lam, phi = np.zeros((len(items), 0)), np.zeros((0, 0))
    return EfaResult(
        n=x.shape[0], eigenvalues=tuple(map(float, observed)), random_95th=tuple(map(float, cut)),
        n_factors=k, loadings=tuple(tuple(map(float, r)) for r in lam),
        factor_correlations=tuple(tuple(map(float, r)) for r in phi), items=tuple(items),
        note=note,
    )  # fmt: skip
