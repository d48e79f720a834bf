"""Agreement within groups: rwg(j) per group and ICC(1), ICC(2) per grouping.

rwg(j) (James, Demaree & Wolf 1984) compares the mean within-group item variance s̄²
with the variance expected if people answered at random over the A = 5 options,
σ²_EU = (A² − 1)/12 = 2:

    rwg(j) = J (1 − s̄²/σ²_EU) / (J (1 − s̄²/σ²_EU) + s̄²/σ²_EU)

for a J-item scale (rwg = 1 − s²/σ²_EU for one item). When s̄² ≥ σ²_EU the value is
set to 0, as LeBreton & Senter (2008) recommend.

ICC(1) and ICC(2) come from a one-way ANOVA of scale scores on group (Bliese 2000):
ICC(1) = (MSB − MSW) / (MSB + (k̄ − 1) MSW) with k̄ = N / G, the mean group size,
as in Bliese's R package multilevel; ICC(2) = (MSB − MSW) / MSB = 1 − 1/F.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import special  # not scipy.stats, whose import costs ~1 s (issue 15)

from collabdx.core.instruments import Instrument
from collabdx.core.psychometrics import thresholds as th
from collabdx.core.psychometrics.grouping import Grouping
from collabdx.core.psychometrics.stat import Stat

RWG_METHOD = (
    "rwg(j), uniform null variance (A² − 1)/12 = 2 for A = 5 options "
    "(James, Demaree & Wolf 1984); negative values set to 0"
)
ICC_METHOD = "One-way ANOVA of scale scores on group; k̄ = N / G (Bliese 2000)"


@dataclass(frozen=True)
class GroupRwg:
    group: str
    rwg: Stat


@dataclass(frozen=True)
class ScaleAgreement:
    scale_id: str
    name: str
    n_items: int
    rwg: tuple[GroupRwg, ...]
    icc1: Stat | None
    icc2: Stat | None
    f: float | None
    df_between: int | None
    df_within: int | None
    p: float | None
    reading: str
    group_size_for_icc2: int | None  # people per group for ICC(2) = .70, given ICC(1)


@dataclass(frozen=True)
class AgreementResult:
    by: str
    title: str
    computed: bool
    reason: str
    groups: tuple[str, ...]
    scales: tuple[ScaleAgreement, ...]
    note: str
    coverage: str = ""  # how many respondents were analysed, how many left out and why


def rwg_j(items: np.ndarray, null_variance: float = th.RWG_NULL_VARIANCE) -> float | None:
    """rwg(j) of one group's answers (rows: people, columns: the scale's J items)."""
    items = np.asarray(items, dtype=float)
    if items.ndim == 1:
        items = items[:, None]
    variances = []
    for col in items.T:
        v = col[~np.isnan(col)]
        if v.size >= 2:
            variances.append(float(v.var(ddof=1)))
    if not variances:
        return None
    j = items.shape[1]
    ratio = float(np.mean(variances)) / null_variance
    if ratio >= 1:
        return 0.0
    return j * (1 - ratio) / (j * (1 - ratio) + ratio)


@dataclass(frozen=True)
class OneWay:
    icc1: float
    icc2: float
    f: float
    df_between: int
    df_within: int
    p: float


def icc_oneway(values: list[np.ndarray]) -> OneWay | None:
    """ICC(1), ICC(2) and the F test from per-group score arrays (NaNs dropped)."""
    groups = [np.asarray(v, dtype=float) for v in values]
    groups = [v[~np.isnan(v)] for v in groups]
    groups = [v for v in groups if v.size]
    g = len(groups)
    n = sum(v.size for v in groups)
    if g < 2 or n - g < 1:
        return None
    grand = np.concatenate(groups).mean()
    ssb = sum(v.size * (v.mean() - grand) ** 2 for v in groups)
    ssw = sum(float(((v - v.mean()) ** 2).sum()) for v in groups)
    msb, msw = ssb / (g - 1), ssw / (n - g)
    if msb == 0 or msw == 0:
        return None
    kbar = n / g
    icc1 = (msb - msw) / (msb + (kbar - 1) * msw)
    f = msb / msw
    return OneWay(
        float(icc1),
        float((msb - msw) / msb),
        float(f),
        g - 1,
        n - g,
        float(special.fdtrc(g - 1, n - g, f)),
    )


def group_size_for_icc2(icc1: float, target: float = th.ICC2_ACCEPTABLE.value) -> int | None:
    """Spearman–Brown: people per group for ICC(2) = target, given ICC(1) (Bliese 2000)."""
    if icc1 <= 0 or icc1 >= 1:
        return None
    return math.ceil(target * (1 - icc1) / ((1 - target) * icc1))


def agreement(
    group: Grouping,
    keyed: pd.DataFrame,
    scores: pd.DataFrame,
    instrument: Instrument,
    k: int,
) -> AgreementResult:
    if len(group.groups) < 2:
        return AgreementResult(
            group.by,
            group.title,
            False,
            # Not "have at least k respondents": a group that size is also not shown
            # when showing it would reveal a smaller one (issue 14).
            f"Cannot be computed: fewer than two {group.noun} can be shown.",
            group.groups,
            (),
            group.note,
            group.coverage,
        )
    out = []
    for scale in instrument.scales.values():
        rwgs: list[GroupRwg] = []
        per_group: list[np.ndarray] = []
        for label, mask in zip(group.groups, group.masks, strict=True):
            s = scores.loc[mask, scale.id].to_numpy(dtype=float)
            has = ~np.isnan(s)
            n_g = int(has.sum())
            if n_g < k:
                continue  # the group stays visible; this scale's figure is not shown
            per_group.append(s[has])
            answers = keyed.loc[mask, list(scale.items)].to_numpy(dtype=float)[has]
            rwgs.append(GroupRwg(label, _rwg_stat(answers, n_g)))
        out.append(_scale_agreement(group, scale.id, scale.name, len(scale.items), rwgs, per_group))
    return AgreementResult(
        group.by, group.title, True, "", group.groups, tuple(out), group.note, group.coverage
    )


def _rwg_stat(answers: np.ndarray, n: int) -> Stat:
    value = rwg_j(answers)
    warning = None
    if n < th.RWG_MIN_GROUP_N.value:
        warning = (
            f"Fewer than {th.RWG_MIN_GROUP_N.value:.0f} respondents in the group: rwg is "
            "unstable and reaches .70 by chance more often (Dunlap, Burke & Smith-Crowe 2003)."
        )
    return Stat(value, n, RWG_METHOD, warning=warning)


def _scale_agreement(
    group: Grouping,
    scale_id: str,
    name: str,
    n_items: int,
    rwgs: list[GroupRwg],
    per_group: list[np.ndarray],
) -> ScaleAgreement:
    res = icc_oneway(per_group) if len(per_group) >= 2 else None
    if res is None:
        why = (
            f"ICC cannot be computed: fewer than two {group.noun} have enough answers."
            if len(per_group) < 2
            else "ICC cannot be computed: no variation within or between groups."
        )
        return ScaleAgreement(
            scale_id, name, n_items, tuple(rwgs), None, None, None, None, None, None, why, None
        )
    n = sum(v.size for v in per_group)
    g = len(per_group)
    warning = None
    if g < th.ICC_MIN_GROUPS.value:
        warning = (
            f"Only {g} groups: ICCs from fewer than {th.ICC_MIN_GROUPS.value:.0f} groups are "
            "imprecise (Maas & Hox 2005); read them as descriptive only."
        )
    icc1 = Stat(res.icc1, n, "ICC(1): " + ICC_METHOD, warning=warning)
    icc2 = Stat(res.icc2, n, "ICC(2): " + ICC_METHOD, warning=warning)
    needed = group_size_for_icc2(res.icc1)
    return ScaleAgreement(
        scale_id,
        name,
        n_items,
        tuple(rwgs),
        icc1,
        icc2,
        res.f,
        res.df_between,
        res.df_within,
        res.p,
        icc_reading(res.icc1, res.icc2, group.noun, needed, n / g),
        needed,
    )


def icc_reading(icc1: float, icc2: float, noun: str, needed: int | None, kbar: float) -> str:
    """Plain English for one pair of ICCs (ICC(1) sizes: .01 small, .10 medium, .25 large,
    LeBreton & Senter 2008; ICC(2) cut-off .70)."""
    if icc1 <= 0:
        first = (
            f"ICC(1) = {icc1:.2f}: no detectable share of the variation lies between "
            f"{noun} (read a negative estimate as zero)."
        )
    else:
        size = (
            "large"
            if icc1 >= 0.25
            else "medium"
            if icc1 >= 0.10
            else ("small" if icc1 >= 0.01 else "negligible")
        )
        first = (
            f"ICC(1) = {icc1:.2f}: {icc1:.0%} of the variation in scores lies between "
            f"{noun} (a {size} group effect)."
        )
    cut = th.ICC2_ACCEPTABLE.value
    if icc2 < 0:
        # ICC(2) = 1 − 1/F is unbounded below when F < 1; a raw "−5.57" means nothing.
        second = (
            "ICC(2) is below zero (F below 1): the group means differ less than chance "
            "alone would make them, so they are not reliable enough to compare (read as 0)."
        )
    elif icc2 >= cut:
        second = (
            f"ICC(2) = {icc2:.2f}: the group means are reliable enough to compare "
            f"(at least {cut:.2f})."
        )
    else:
        second = f"ICC(2) = {icc2:.2f}: the group means are not reliable enough to compare "
        second += f"(below {cut:.2f})"
        if needed is not None:
            second += (
                f"; with this ICC(1), about {needed} respondents per group would be needed "
                f"(now {kbar:.0f} on average)."
            )
        else:
            second += "."
    return f"{first} {second}"
