"""Group statistics per item and per scale, and the display bands.

Percent favourable/neutral/unfavourable use keyed item answers (4–5, 3, 1–2).
For a multi-item scale they are taken over all the scale's answered item
responses pooled, so they mean exactly what they mean for a single item.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from collabdx.core.instruments import Instrument
from collabdx.core.responses import ResponseSet
from collabdx.core.scoring import keyed_items, scale_scores_from_keyed


def _t975(df: float) -> float:
    """Student's t quantile for a 95% interval. scipy is imported here, not at the
    top: `collabdx score` (which imports this module through the exporters) never
    needs it. ``stdtrit`` is what ``scipy.stats.t.ppf`` calls, without importing
    scipy.stats, which alone takes longer than all of `collabdx score` (issue 15)."""
    from scipy import special

    return float(special.stdtrit(df, 0.975))


@dataclass(frozen=True)
class Band:
    id: str
    label: str
    description: str


# Heuristic cut-points on the 1–5 keyed scale (issue 2). Not validated thresholds.
# Written to two decimals, as the means they are compared with are (issue 14).
BANDS = (
    Band("attention", "Needs attention", "Mean below 3.00: on balance unfavourable."),
    Band("mixed", "Mixed", "Mean from 3.00 to below 4.00: neither clearly favourable nor not."),
    Band("strength", "Strength", "Mean 4.00 or above: on balance favourable."),
)
BAND_NOTE = (
    "Bands are a rule of thumb for reading the 1–5 scores (below 3.00; 3.00 to below "
    "4.00; 4.00 and above). They are not validated cut-offs."
)


def band_for(mean: float | None) -> Band | None:
    if mean is None or math.isnan(mean):
        return None
    if mean < 3.0:
        return BANDS[0]
    if mean < 4.0:
        return BANDS[1]
    return BANDS[2]


@dataclass(frozen=True)
class Summary:
    n: int
    mean: float | None
    sd: float | None
    ci95: tuple[float, float] | None
    pct_favourable: float | None
    pct_neutral: float | None
    pct_unfavourable: float | None

    @property
    def band(self) -> Band | None:
        return band_for(self.mean)


def summarise(values: np.ndarray, keyed_answers: np.ndarray | None = None) -> Summary:
    """n, mean, SD (n − 1), t-based 95% CI and favourable shares.

    ``values`` are the per-respondent numbers (a keyed item or a scale score);
    ``keyed_answers`` the item answers behind them for the favourable shares
    (defaults to ``values``).
    """
    v = np.asarray(values, dtype=float)
    v = v[~np.isnan(v)]
    n = int(v.size)
    if n == 0:
        return Summary(0, None, None, None, None, None, None)
    mean = float(v.mean())
    sd = float(v.std(ddof=1)) if n > 1 else None
    ci = None
    if sd is not None:
        half = _t975(n - 1) * sd / math.sqrt(n)
        ci = (mean - half, mean + half)
    k = v if keyed_answers is None else np.asarray(keyed_answers, dtype=float).ravel()
    k = k[~np.isnan(k)]
    if k.size:
        fav = float((k >= 4).mean() * 100)
        neu = float((k == 3).mean() * 100)
        unf = float((k <= 2).mean() * 100)
    else:
        fav = neu = unf = None  # type: ignore[assignment]
    return Summary(n, mean, sd, ci, fav, neu, unf)


@dataclass(frozen=True)
class GroupStats:
    n_respondents: int
    items: dict[str, Summary]
    scales: dict[str, Summary]


def group_stats(responses: ResponseSet) -> GroupStats:
    instrument: Instrument = responses.instrument
    keyed = keyed_items(responses)
    scores = scale_scores_from_keyed(keyed, instrument)
    return stats_from_frames(keyed, scores, instrument)


def stats_from_frames(
    keyed: pd.DataFrame, scores: pd.DataFrame, instrument: Instrument
) -> GroupStats:
    items = {c: summarise(keyed[c].to_numpy()) for c in keyed.columns}
    scales = {
        s.id: summarise(scores[s.id].to_numpy(), keyed[list(s.items)].to_numpy())
        for s in instrument.scales.values()
    }
    return GroupStats(len(keyed), items, scales)


@dataclass(frozen=True)
class Difference:
    """Mean of group a minus mean of group b, with a Welch 95% confidence interval."""

    n_a: int
    n_b: int
    mean_a: float
    mean_b: float
    diff: float
    ci95: tuple[float, float] | None  # None when either group has fewer than 2 values

    @property
    def excludes_zero(self) -> bool:
        return self.ci95 is not None and (self.ci95[0] > 0 or self.ci95[1] < 0)


def welch_difference(a: np.ndarray, b: np.ndarray) -> Difference | None:
    """Welch's unequal-variance t interval for mean(a) − mean(b); NaNs are dropped.

    Welch rather than the pooled-variance t, because groups of respondents (a large
    partner and a small one, leaders and the workforce) differ in size and spread.
    None when either group is empty.
    """
    x = np.asarray(a, dtype=float)
    y = np.asarray(b, dtype=float)
    x, y = x[~np.isnan(x)], y[~np.isnan(y)]
    if not x.size or not y.size:
        return None
    mx, my = float(x.mean()), float(y.mean())
    diff = mx - my
    if x.size < 2 or y.size < 2:
        return Difference(int(x.size), int(y.size), mx, my, diff, None)
    vx, vy = float(x.var(ddof=1)) / x.size, float(y.var(ddof=1)) / y.size
    se = math.sqrt(vx + vy)
    if se == 0:
        # Everyone in both groups gave the same answer: the difference is exact.
        return Difference(int(x.size), int(y.size), mx, my, diff, (diff, diff))
    # Welch–Satterthwaite degrees of freedom.
    df = (vx + vy) ** 2 / (vx**2 / (x.size - 1) + vy**2 / (y.size - 1))
    half = _t975(df) * se
    return Difference(int(x.size), int(y.size), mx, my, diff, (diff - half, diff + half))
