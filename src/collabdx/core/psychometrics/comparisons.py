"""Group comparisons of scale scores: Welch mean differences and Cliff's delta.

For each pair of groups and each scale: the difference in means with Welch's
95% CI and two-sided p (Welch 1947), and Cliff's delta (Cliff 1993) with the
asymmetric 95% CI of Feng & Cliff (2004): Cliff's unbiased variance estimate and a
Student t quantile with n_a + n_b − 2 df (the defaults of R's effsize::cliff.delta).
Welch p-values are adjusted across the whole family, every scale × pair of one
grouping, by Holm (1979) and by Benjamini & Hochberg (1995).
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import special  # not scipy.stats, whose import costs ~1 s (issue 15)

from collabdx.core.instruments import Instrument, Scale
from collabdx.core.psychometrics import thresholds as th
from collabdx.core.psychometrics.grouping import Grouping
from collabdx.core.psychometrics.stat import Stat

WELCH_METHOD = "Difference in means (first − second), Welch 95% CI (Welch 1947)"
CLIFF_METHOD = (
    "Cliff's delta P(first > second) − P(first < second); asymmetric 95% CI of Feng & "
    "Cliff (2004) with Cliff's unbiased variance and a t quantile (n₁ + n₂ − 2 df)"
)


@dataclass(frozen=True)
class Welch:
    difference: float
    ci: tuple[float, float] | None
    t: float | None
    df: float | None
    p: float | None


@dataclass(frozen=True)
class Cliff:
    delta: float
    variance: float
    ci: tuple[float, float]


@dataclass(frozen=True)
class Comparison:
    scale_id: str
    scale_name: str
    group_a: str
    group_b: str
    n_a: int
    n_b: int
    mean_a: float
    mean_b: float
    difference: Stat
    t: float | None
    df: float | None
    p: float | None
    p_holm: float | None
    p_bh: float | None
    cliff: Stat
    magnitude: str
    warning: str | None


@dataclass(frozen=True)
class ComparisonFamily:
    by: str
    title: str
    computed: bool
    reason: str
    groups: tuple[str, ...]
    comparisons: tuple[Comparison, ...]
    note: str
    coverage: str = ""  # how many respondents were analysed, how many left out and why
    invariance_note: str = ""  # what the mean comparisons rest on (measurement invariance)


def welch(a: np.ndarray, b: np.ndarray, level: float = 0.95) -> Welch:
    a = np.asarray(a, dtype=float)
    b = np.asarray(b, dtype=float)
    diff = float(a.mean() - b.mean())
    va, vb = a.var(ddof=1) / a.size, b.var(ddof=1) / b.size
    se2 = va + vb
    if se2 <= 0:
        return Welch(diff, None, None, None, None)
    df = se2**2 / (va**2 / (a.size - 1) + vb**2 / (b.size - 1))
    t = diff / math.sqrt(se2)
    q = float(special.stdtrit(df, 1 - (1 - level) / 2))
    half = q * math.sqrt(se2)
    return Welch(
        diff, (diff - half, diff + half), float(t), float(df), float(2 * special.stdtr(df, -abs(t)))
    )


def cliff_delta(a: np.ndarray, b: np.ndarray, level: float = 0.95) -> Cliff:
    """Cliff's delta of a over b with the Feng & Cliff (2004) CI.

    d_ij = sign(a_i − b_j); δ = mean d_ij; d_i. and d_.j are the row and column
    means. Cliff's (1993) unbiased variance estimate:

        s² = (n_b² Σ(d_i. − δ)² + n_a² Σ(d_.j − δ)² − ΣΣ(d_ij − δ)²)
             / (n_a n_b (n_a − 1)(n_b − 1)),

    exactly as R's effsize computes it (R/CliffDelta.R): no floor, so at |δ| = 1 the
    interval is effsize's (0.818 to 1 for 5 vs 5 fully separated, not 0.575 to 1). A
    negative estimate, which effsize would turn into NaN, is taken as 0.
    CI: (δ − δ³ ± q s √((1 − δ²)² + q² s²)) / (1 − δ² + q² s²), q the t quantile with
    n_a + n_b − 2 df. At |δ| = 1 the centring uses δ(n_a n_b − 1)/(n_a n_b) and the
    bound at ±1 is kept, as effsize does.

    The n_a × n_b dominance matrix is never built (at 10,000 per group it would take
    800 MB): its row and column sums come from counts in the sorted other group,
    and since d_ij is −1, 0 or 1, ΣΣ(d_ij − δ)² = (pairs not tied) − 2δΣΣd_ij
    + n_a n_b δ². Time O((n_a + n_b) log n), memory linear.
    """
    a = np.asarray(a, dtype=float)
    b = np.asarray(b, dtype=float)
    na, nb = a.size, b.size
    sa, sb = np.sort(a), np.sort(b)
    # For each a_i: how many b are below it and how many above; likewise for each b_j.
    b_below = np.searchsorted(sb, a, side="left")
    b_above = nb - np.searchsorted(sb, a, side="right")
    a_below = np.searchsorted(sa, b, side="left")
    a_above = na - np.searchsorted(sa, b, side="right")
    rows = (b_below - b_above) / nb  # d_i.
    cols = (a_above - a_below) / na  # d_.j
    total = float((b_below - b_above).sum())  # ΣΣ d_ij
    untied = float((b_below + b_above).sum())  # ΣΣ d_ij²
    delta = total / (na * nb)
    d = delta * (na * nb - 1) / (na * nb) if abs(delta) == 1 else delta
    var = (
        nb**2 * float(((rows - d) ** 2).sum())
        + na**2 * float(((cols - d) ** 2).sum())
        - (untied - 2 * d * total + na * nb * d**2)
    ) / (na * nb * (na - 1) * (nb - 1))
    var = max(var, 0.0)
    q = float(special.stdtrit(na + nb - 2, 1 - (1 - level) / 2))
    root = q * math.sqrt(var) * math.sqrt((1 - d**2) ** 2 + q**2 * var)
    denom = 1 - d**2 + q**2 * var
    lo, hi = (d - d**3 - root) / denom, (d - d**3 + root) / denom
    if delta == 1:
        hi = 1.0
    if delta == -1:
        lo = -1.0
    return Cliff(delta, var, (float(lo), float(hi)))


def holm(p: list[float]) -> list[float]:
    """Holm's step-down adjusted p-values."""
    m = len(p)
    order = np.argsort(p, kind="stable")
    out = np.empty(m)
    running = 0.0
    for rank, idx in enumerate(order):
        running = max(running, min(1.0, (m - rank) * p[idx]))
        out[idx] = running
    return out.tolist()


def benjamini_hochberg(p: list[float]) -> list[float]:
    """Benjamini–Hochberg step-up adjusted p-values (false discovery rate)."""
    m = len(p)
    order = np.argsort(p, kind="stable")
    out = np.empty(m)
    running = 1.0
    for rank in range(m - 1, -1, -1):
        idx = order[rank]
        running = min(running, m / (rank + 1) * p[idx])
        out[idx] = min(running, 1.0)
    return out.tolist()


def compare_groups(
    group: Grouping,
    scores: pd.DataFrame,
    instrument: Instrument,
    k: int,
) -> ComparisonFamily:
    if len(group.groups) < 2:
        return ComparisonFamily(
            group.by,
            group.title,
            False,
            f"Cannot be compared: fewer than two {group.noun} can be shown.",
            group.groups,
            (),
            group.note,
            group.coverage,
        )
    raw: list[_Pair] = []
    pairs = itertools.combinations(range(len(group.groups)), 2)
    for i, j in pairs:
        for scale in instrument.scales.values():
            a = scores.loc[group.masks[i], scale.id].dropna().to_numpy(dtype=float)
            b = scores.loc[group.masks[j], scale.id].dropna().to_numpy(dtype=float)
            if a.size < k or b.size < k:
                continue  # never a figure from fewer than k answers
            raw.append(
                _Pair(scale, group.groups[i], group.groups[j], a, b, welch(a, b), cliff_delta(a, b))
            )
    tested = [r for r in raw if r.welch.p is not None]
    pvals = [float(r.welch.p) for r in tested if r.welch.p is not None]
    adjusted = {
        id(r): (h, bh)
        for r, h, bh in zip(tested, holm(pvals), benjamini_hochberg(pvals), strict=True)
    }
    out = [_comparison(r, adjusted.get(id(r))) for r in raw]
    note = group.note + (
        f" Holm and Benjamini–Hochberg adjustments are across all {len(pvals)} tests of "
        "this grouping (every scale and every pair)."
    )
    return ComparisonFamily(
        group.by, group.title, True, "", group.groups, tuple(out), note, group.coverage
    )


@dataclass(frozen=True)
class _Pair:
    scale: Scale
    a: str
    b: str
    x: np.ndarray
    y: np.ndarray
    welch: Welch
    cliff: Cliff


def _comparison(r: _Pair, adj: tuple[float, float] | None) -> Comparison:
    x, y, w, c, scale = r.x, r.y, r.welch, r.cliff, r.scale
    n_min = min(x.size, y.size)
    warning = None
    if n_min < th.COMPARISON_MIN_N.value:
        warning = (
            f"A group has fewer than {th.COMPARISON_MIN_N.value:.0f} respondents: about "
            f"{th.COMPARISON_MIN_N.value:.0f} per group are needed to detect a medium "
            "difference with 80% power (Cohen 1988), so a non-significant result is not "
            "evidence of no difference."
        )
    n = x.size + y.size
    diff = Stat(
        w.difference,
        n,
        WELCH_METHOD,
        w.ci,
        warning=warning,
        note=None if w.p is not None else "No variation in either group: no test.",
    )
    cliff = Stat(c.delta, n, CLIFF_METHOD, c.ci, warning=warning)
    return Comparison(
        scale_id=scale.id,
        scale_name=scale.name,
        group_a=r.a,
        group_b=r.b,
        n_a=int(x.size),
        n_b=int(y.size),
        mean_a=float(x.mean()),
        mean_b=float(y.mean()),
        difference=diff,
        t=w.t,
        df=w.df,
        p=w.p,
        p_holm=adj[0] if adj else None,
        p_bh=adj[1] if adj else None,
        cliff=cliff,
        magnitude=th.cliff_magnitude(c.delta),
        warning=warning,
    )
