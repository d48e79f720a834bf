"""Convergent and discriminant validity of the block structure: CR, AVE, HTMT.

From the CFA's standardised loadings λ of each factor's items:

* composite reliability CR = (Σλ)² / ((Σλ)² + Σ(1 − λ²)) (Raykov 1997; .70 or more);
* average variance extracted AVE = mean λ² (Fornell & Larcker 1981; .50 or more), and
  the Fornell–Larcker criterion: √AVE of each factor above its correlations with the
  others.

From the items' Pearson correlations, the heterotrait–monotrait ratio (Henseler,
Ringle & Sarstedt 2015): for factors i and j, the mean correlation between an item of i
and an item of j, over the geometric mean of the mean correlations among i's items and
among j's. HTMT above .85 says the two scales may not measure distinct things (.90 is
the lenient cut-off for conceptually close constructs).
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass

import numpy as np

HTMT_LIMIT = 0.85
CR_MIN = 0.70
AVE_MIN = 0.50


@dataclass(frozen=True)
class FactorValidity:
    scale_id: str
    name: str
    composite_reliability: float
    ave: float
    sqrt_ave_exceeds_correlations: bool


@dataclass(frozen=True)
class Htmt:
    scale_a: str
    scale_b: str
    htmt: float | None
    factor_correlation: float
    too_close: bool


@dataclass(frozen=True)
class ValidityResult:
    factors: tuple[FactorValidity, ...]
    htmt: tuple[Htmt, ...]
    reading: str


def composite_reliability(std_loadings: np.ndarray) -> float:
    lam = np.asarray(std_loadings, dtype=float)
    common = float(lam.sum()) ** 2
    return common / (common + float((1 - lam**2).sum()))


def ave(std_loadings: np.ndarray) -> float:
    return float(np.mean(np.asarray(std_loadings, dtype=float) ** 2))


def htmt(corr: np.ndarray, items_a: list[int], items_b: list[int]) -> float | None:
    """HTMT of two item sets from a correlation matrix; None if a set has one item."""
    if len(items_a) < 2 or len(items_b) < 2:
        return None
    hetero = float(np.mean(corr[np.ix_(items_a, items_b)]))

    def mono(idx: list[int]) -> float:
        return float(np.mean([corr[i, j] for i, j in itertools.combinations(idx, 2)]))

    a, b = mono(items_a), mono(items_b)
    if a <= 0 or b <= 0:
        return None
    return hetero / math.sqrt(a * b)


def validity(
    std_loadings: np.ndarray,
    pattern: np.ndarray,
    phi: np.ndarray,
    corr: np.ndarray,
    scale_ids: list[str],
    names: list[str],
) -> ValidityResult:
    """CR, AVE and Fornell–Larcker per factor; HTMT and the factor correlation per pair."""
    pattern = np.asarray(pattern, dtype=bool)
    m = pattern.shape[1]
    members = [list(np.nonzero(pattern[:, f])[0]) for f in range(m)]
    factors = []
    for f in range(m):
        lam = std_loadings[members[f], f]
        a = ave(lam)
        others = [abs(phi[f, g]) for g in range(m) if g != f]
        factors.append(FactorValidity(scale_ids[f], names[f], composite_reliability(lam), a,
                                      math.sqrt(a) > max(others, default=0.0)))  # fmt: skip
    pairs = []
    for f, g in itertools.combinations(range(m), 2):
        h = htmt(corr, members[f], members[g])
        close = (h is not None and h > HTMT_LIMIT) or abs(phi[f, g]) > HTMT_LIMIT
        pairs.append(Htmt(names[f], names[g], h, float(phi[f, g]), close))
    close = [f"{p.scale_a} and {p.scale_b}" for p in pairs if p.too_close]
    weak = [f.name for f in factors if f.ave < AVE_MIN]
    parts = []
    if close:
        parts.append(
            f"{'; '.join(close)}: HTMT or the factor correlation is above {HTMT_LIMIT:.2f}, so "
            "these scales may not measure distinct things (Henseler et al. 2015); consider "
            "whether they are one construct."
        )
    else:
        parts.append(
            f"Every pair of scales has HTMT and a factor correlation under {HTMT_LIMIT:.2f}."
        )
    if weak:
        parts.append(
            f"AVE under {AVE_MIN:.2f} for {', '.join(weak)}: their questions share less than "
            "half their variance with the factor (Fornell & Larcker 1981)."
        )
    return ValidityResult(tuple(factors), tuple(pairs), " ".join(parts))
