"""Scale reliability on keyed items: alpha, omega, item statistics, floor and ceiling.

All coefficients use the complete cases of the scale's keyed items (listwise
deletion; the n used is reported). Cronbach's alpha has Feldt's F-based CI (Feldt,
Woodruff & Salih 1987, as pingouin computes it). McDonald's omega total comes from a
one-factor maximum-likelihood model of the item covariance matrix (see
:mod:`.factor`), ω = (Σλ)² / ((Σλ)² + Σθ), with a seeded bootstrap percentile CI.
Two-item scales get no omega (a one-factor model of two items is not identified)
but the Spearman–Brown coefficient, as Eisinga et al. (2013) recommend.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import pandas as pd
from scipy import special  # not scipy.stats, whose import costs ~1 s (issue 15)

from collabdx.core.instruments import Instrument, Scale
from collabdx.core.psychometrics import thresholds as th
from collabdx.core.psychometrics.factor import fit_ml, omega_from_fit
from collabdx.core.psychometrics.polychoric import CorrelationMatrix, correlation_matrix
from collabdx.core.psychometrics.stat import Stat, not_computed

ALPHA_METHOD = "Cronbach's alpha; 95% CI by Feldt's F distribution (Feldt et al. 1987)"
OMEGA_METHOD = (
    "McDonald's omega total from a one-factor ML model of the item covariances; "
    "95% bootstrap percentile CI"
)
SB_METHOD = "Spearman–Brown coefficient 2r / (1 + r) of the two items (Eisinga et al. 2013)"


@dataclass(frozen=True)
class ItemStats:
    item_id: str
    text: str
    n_answered: int
    missing_pct: float
    mean: float | None
    sd: float | None
    floor_pct: float | None
    ceiling_pct: float | None
    corrected_item_total: float | None
    alpha_if_deleted: float | None
    flags: tuple[str, ...]


@dataclass(frozen=True)
class ScaleReliability:
    scale_id: str
    name: str
    items: tuple[str, ...]
    applicable: bool
    note: str
    n_complete: int
    alpha: Stat | None
    omega: Stat | None
    spearman_brown: Stat | None
    item_stats: tuple[ItemStats, ...]
    score_floor_pct: float | None
    score_ceiling_pct: float | None
    correlations: CorrelationMatrix | None
    warning: str | None
    coverage: str = ""  # how many respondents were used, how many left out and why


def cronbach_alpha(data: np.ndarray) -> float:
    """α = k/(k − 1) · (1 − Σ item variances / variance of the sum), complete rows."""
    k = data.shape[1]
    cov = np.cov(data, rowvar=False, ddof=1)
    return float(k / (k - 1) * (1 - np.trace(cov) / cov.sum()))


def feldt_ci(alpha: float, n: int, k: int, level: float = 0.95) -> tuple[float, float]:
    """Feldt's CI: 1 − (1 − α)·F quantiles with df (n − 1, (n − 1)(k − 1))."""
    df1, df2 = n - 1, (n - 1) * (k - 1)
    tail = (1 - level) / 2
    lower = 1 - (1 - alpha) * float(special.fdtri(df1, df2, 1 - tail))
    upper = 1 - (1 - alpha) * float(special.fdtri(df1, df2, tail))
    return lower, upper


def omega_total(data: np.ndarray) -> float | None:
    """Omega total of complete-case item data, or None when the fit fails."""
    cov = np.cov(data, rowvar=False, ddof=1)
    if np.any(np.diag(cov) <= 0) or np.linalg.matrix_rank(cov) < cov.shape[0]:
        return None
    fit = fit_ml(cov, np.ones((data.shape[1], 1), dtype=bool))
    return omega_from_fit(fit) if fit.converged else None


def omega_bootstrap(
    data: np.ndarray, b: int, seed: int, level: float = 0.95
) -> tuple[tuple[float, float] | None, int]:
    """Percentile CI of omega over ``b`` case resamples; also the number of usable fits.

    All resamples are fitted at once (:mod:`.onefactor`, issue 15): the same resamples
    and the same ML solutions as fitting them one by one, 10-20 times faster.
    """
    from collabdx.core.psychometrics.onefactor import (
        omega_bootstrap_values,  # only when fitted: a small group's pack does without it (issue 15)
    )

    values = omega_bootstrap_values(data, b, seed)
    if len(values) < max(20, b // 2):
        return None, len(values)
    tail = (1 - level) / 2 * 100
    lo, hi = np.percentile(values, [tail, 100 - tail])
    return (float(lo), float(hi)), len(values)


def item_total(data: np.ndarray) -> tuple[list[float | None], list[float | None]]:
    """Corrected item–total correlations and alpha if each item is deleted."""
    k = data.shape[1]
    total = data.sum(axis=1)
    r: list[float | None] = []
    a: list[float | None] = []
    for i in range(k):
        rest = total - data[:, i]
        ok = np.ptp(data[:, i]) > 0 and np.ptp(rest) > 0
        r.append(float(np.corrcoef(data[:, i], rest)[0, 1]) if ok else None)
        a.append(cronbach_alpha(np.delete(data, i, axis=1)) if k > 2 else None)
    return r, a


def _pct(values: np.ndarray, target: float) -> float | None:
    v = values[~np.isnan(values)]
    return float(np.mean(np.isclose(v, target)) * 100) if v.size else None


def scale_reliability(
    keyed: pd.DataFrame,
    scores: pd.Series,
    instrument: Instrument,
    scale: Scale,
    *,
    bootstrap_b: int,
    seed: int,
) -> ScaleReliability:
    result = _scale_reliability(keyed, scores, instrument, scale, bootstrap_b=bootstrap_b,
                                seed=seed)  # fmt: skip
    return replace(result, coverage=listwise_coverage(result.n_complete, len(keyed),
                                                      len(scale.items)))  # fmt: skip


def listwise_coverage(n: int, total: int, n_items: int) -> str:
    """Whom a complete-case analysis used and whom it left out, and why."""
    text = f"Analysed: {n} of {total} respondents."
    if total > n:
        what = "its question" if n_items == 1 else f"one or more of its {n_items} questions"
        text += f" {total - n} left out: no answer to {what} (listwise deletion)."
    return text


def _scale_reliability(
    keyed: pd.DataFrame,
    scores: pd.Series,
    instrument: Instrument,
    scale: Scale,
    *,
    bootstrap_b: int,
    seed: int,
) -> ScaleReliability:
    items = tuple(scale.items)
    first = instrument.items[items[0]]
    lo, hi = float(min(first.codes)), float(first.max_code)
    block = keyed[list(items)]
    score_floor = _pct(scores.to_numpy(dtype=float), lo)
    score_ceiling = _pct(scores.to_numpy(dtype=float), hi)
    if len(items) < 2:
        stats: tuple[ItemStats, ...] = (
            _item_stats(block, instrument, items[0], None, None),
        )
        return ScaleReliability(
            scale.id,
            scale.name,
            items,
            False,
            "Not applicable: a single-item scale has no internal consistency.",
            int(block.notna().all(axis=1).sum()),
            None,
            None,
            None,
            stats,
            score_floor,
            score_ceiling,
            None,
            None,
        )
    complete = block.dropna()
    data = complete.to_numpy(dtype=float)
    n = data.shape[0]
    k = len(items)
    warning = None
    min_n = int(th.RELIABILITY_MIN_N.value)
    if n < min_n:
        warning = (
            f"Fewer than {min_n} complete responses: too few to interpret reliability "
            f"(collabdx asks for at least {min_n}; Charter 2003 recommends 400). Read the "
            "confidence intervals, not the point estimates."
        )
    flat_total = n >= 3 and bool(np.isclose(data.sum(axis=1).var(ddof=1), 0.0))
    if n < 3 or np.any(data.var(axis=0, ddof=1) == 0) or flat_total:
        if n < 3:
            why = "Not computed: fewer than 3 complete responses."
        elif flat_total:
            # Items that exactly cancel out (r = -1 with equal spread): alpha divides by 0.
            why = "Not computed: the questions' total is the same for everyone."
        else:
            why = "Not computed: an item has the same answer from everyone."
        stats = tuple(_item_stats(block, instrument, i, None, None) for i in items)
        return ScaleReliability(
            scale.id,
            scale.name,
            items,
            True,
            why,
            n,
            not_computed(n, ALPHA_METHOD, why),
            None,
            None,
            stats,
            score_floor,
            score_ceiling,
            None,
            warning,
        )
    alpha = cronbach_alpha(data)
    alpha_stat = Stat(alpha, n, ALPHA_METHOD, feldt_ci(alpha, n, k), warning=warning)
    omega_stat: Stat | None = None
    sb_stat: Stat | None = None
    if k >= th.OMEGA_MIN_ITEMS.value:
        omega_stat = _omega_stat(data, bootstrap_b, seed, warning)
    else:
        r = float(np.corrcoef(data[:, 0], data[:, 1])[0, 1])
        if 1 + r <= 1e-12:
            # r = -1: the formula 2r / (1 + r) has no value (it used to divide by zero).
            sb_stat = not_computed(
                n, SB_METHOD,
                "Not computed: the two questions are perfectly negatively correlated.",
            )  # fmt: skip
        else:
            sb = 2 * r / (1 + r)
            # CI: Fisher z CI of r, mapped through the monotone Spearman–Brown formula.
            half = 1.959963984540054 / np.sqrt(n - 3) if n > 3 else np.inf
            zr = np.arctanh(np.clip(r, -0.999999, 0.999999))
            r_lo, r_hi = np.tanh(zr - half), np.tanh(zr + half)
            ci = (float(2 * r_lo / (1 + r_lo)), float(2 * r_hi / (1 + r_hi))) if n > 3 else None
            sb_stat = Stat(sb, n, SB_METHOD + "; CI from Fisher's z CI of r", ci, warning=warning)
    r_it, a_del = item_total(data)
    stats = tuple(
        _item_stats(block, instrument, item, r_it[i], a_del[i])
        for i, item in enumerate(items)
    )
    note = "" if omega_stat is not None else th.OMEGA_MIN_ITEMS.meaning
    return ScaleReliability(
        scale.id,
        scale.name,
        items,
        True,
        note,
        n,
        alpha_stat,
        omega_stat,
        sb_stat,
        stats,
        score_floor,
        score_ceiling,
        correlation_matrix(complete),
        warning,
    )


def _omega_stat(data: np.ndarray, b: int, seed: int, warning: str | None) -> Stat:
    n = data.shape[0]
    omega = omega_total(data)
    if omega is None:
        return not_computed(n, OMEGA_METHOD, "The one-factor model did not converge.")
    ci, used = omega_bootstrap(data, b, seed) if b > 0 else (None, 0)
    method = f"{OMEGA_METHOD} (B = {b} resamples, {used} usable, seed {seed})"
    return Stat(omega, n, method, ci, warning=warning)


def _item_stats(
    block: pd.DataFrame,
    instrument: Instrument,
    item_id: str,
    r_it: float | None,
    a_del: float | None,
) -> ItemStats:
    item = instrument.items[item_id]
    col = block[item_id].to_numpy(dtype=float)
    answered = col[~np.isnan(col)]
    n = int(answered.size)
    floor = _pct(col, float(min(item.codes)))
    ceiling = _pct(col, float(item.max_code))
    # Floor and ceiling shares are reported for each question, but the 15% rule (Terwee
    # et al. 2007) is about scale scores, so it flags only those (issue 18).
    flags = []
    if r_it is not None and r_it < th.ITEM_TOTAL_MIN.value:
        flags.append(f"corrected item–total r below {th.ITEM_TOTAL_MIN.value:.2f}")
    return ItemStats(
        item_id=item_id,
        text=item.text,
        n_answered=n,
        missing_pct=float((1 - n / len(col)) * 100) if len(col) else 0.0,
        mean=float(answered.mean()) if n else None,
        sd=float(answered.std(ddof=1)) if n > 1 else None,
        floor_pct=floor,
        ceiling_pct=ceiling,
        corrected_item_total=r_it,
        alpha_if_deleted=a_del,
        flags=tuple(flags),
    )
