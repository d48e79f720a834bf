"""Measurement invariance of the block structure across organisations and across roles.

Configural (same factors and items in every group), metric (equal loadings) and scalar
(equal loadings and intercepts) models of :mod:`.multigroup`, fitted to the complete
cases of every group that is analysed (:mod:`.grouping`: at least k, never a hidden
group) and large enough for a CFA of its own: the same rule as the single-group CFA,
``cfa_required_n`` complete responses in each group. Where fewer than two groups reach
that, the result says so and gives the n it needs.

A level holds when fit worsens by no more than ΔCFI −.010 (Cheung & Rensvold 2002) and
ΔRMSEA +.015 (Chen 2007) from the level below; the Δχ² test is reported beside them,
but at these sample sizes it rejects trivial differences (Chen 2007). Group mean
comparisons rest on scalar invariance: :func:`comparison_note` says what the
comparisons of a grouping rest on.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from scipy import special  # not scipy.stats, whose import costs ~1 s (issue 15)

from collabdx.core.instruments import Instrument
from collabdx.core.psychometrics import thresholds as th
from collabdx.core.psychometrics.factor import free_parameter_count
from collabdx.core.psychometrics.grouping import Grouping
from collabdx.core.psychometrics.stat import p_phrase
from collabdx.core.psychometrics.structure import block_model, pattern_for

if TYPE_CHECKING:
    from collabdx.core.psychometrics.multigroup import GroupData

DELTA_CFI = -0.010
DELTA_RMSEA = 0.015


@dataclass(frozen=True)
class InvarianceLevel:
    level: str
    chi2: float
    df: int
    cfi: float
    rmsea: float
    delta_chi2: float | None
    delta_df: int | None
    p: float | None
    delta_cfi: float | None
    delta_rmsea: float | None
    holds: bool | None  # None for configural (nothing to compare with)
    converged: bool


@dataclass(frozen=True)
class InvarianceResult:
    by: str
    title: str
    computed: bool
    status: str  # "untested", "scalar", "metric", "configural", "not_invariant"
    statement: str
    groups: tuple[str, ...]  # groups in the test
    group_n: tuple[int, ...]  # complete responses of each
    n_required: int  # complete responses each group needs
    levels: tuple[InvarianceLevel, ...]
    reading: str


def _baseline(data: list[GroupData]) -> tuple[float, int]:
    """Independence model with free means and variances in each group (lavaan's)."""
    chi2 = 0.0
    for d in data:
        chi2 += d.n * float(np.sum(np.log(np.diag(d.cov))) - np.linalg.slogdet(d.cov)[1])
    p = data[0].cov.shape[0]
    return chi2, len(data) * p * (p - 1) // 2


def _indices(chi2: float, df: int, base: tuple[float, int], n: int, g: int) -> tuple[float, float]:
    chi0, df0 = base
    d_model = max(chi2 - df, 0.0)
    d_base = max(chi0 - df0, d_model)
    cfi = 1.0 if d_base == 0 else 1.0 - d_model / d_base
    # lavaan's multi-group RMSEA: √G × the single-group formula.
    rmsea = math.sqrt(g) * math.sqrt(d_model / (df * n)) if df > 0 else float("nan")
    return cfi, rmsea


def fit_levels(pattern: np.ndarray, data: list[GroupData]) -> tuple[InvarianceLevel, ...]:
    """Configural, metric and scalar fits of ``pattern`` to the groups' data."""
    # Imported here: a small group's pack fits nothing and does without it (issue 15).
    from collabdx.core.psychometrics.multigroup import LEVELS, fit, invariance_spec, start_values

    base = _baseline(data)
    n = sum(d.n for d in data)
    out: list[InvarianceLevel] = []
    for level in LEVELS:
        spec = invariance_spec(pattern, len(data), level)
        res = fit(spec, data, start_values(spec, data, pattern))
        cfi, rmsea = _indices(res.chi2, res.df, base, n, len(data))
        prev = out[-1] if out else None
        if prev is None:
            out.append(InvarianceLevel(level, res.chi2, res.df, cfi, rmsea, None, None, None,
                                       None, None, None, res.converged))  # fmt: skip
            continue
        d_chi2 = max(res.chi2 - prev.chi2, 0.0)
        d_df = res.df - prev.df
        d_cfi, d_rmsea = cfi - prev.cfi, rmsea - prev.rmsea
        holds = d_cfi >= DELTA_CFI and d_rmsea <= DELTA_RMSEA and prev.holds is not False
        out.append(InvarianceLevel(
            level, res.chi2, res.df, cfi, rmsea, d_chi2, d_df, float(special.chdtrc(d_df, d_chi2)),
            d_cfi, d_rmsea, holds, res.converged,
        ))  # fmt: skip
    return tuple(out)


def measurement_invariance(
    group: Grouping, keyed: pd.DataFrame, instrument: Instrument
) -> InvarianceResult:
    factors, _ = block_model(instrument)
    items, pattern = pattern_for(factors)
    need = th.cfa_required_n(free_parameter_count(pattern))
    blocks = [keyed.loc[mask, items].dropna() for mask in group.masks]
    sizes = [len(b) for b in blocks]
    ok = [i for i, s in enumerate(sizes) if s >= need]
    base = InvarianceResult(
        group.by, group.title, False, "untested", "", tuple(group.groups), tuple(sizes),
        need, (), "",
    )  # fmt: skip
    if len(ok) < 2:
        largest = max(sizes, default=0)
        statement = (
            f"Not tested: measurement invariance across {group.noun} needs at least two "
            f"groups with {need} complete responses each (the n a CFA of the "
            f"{len(factors)}-factor model needs, in each group: Kline 2016); the largest group "
            f"here has {largest}."
        )
        return replace(base, statement=statement)
    from collabdx.core.psychometrics.multigroup import group_data

    data = [group_data(blocks[i].to_numpy(dtype=float)) for i in ok]
    levels = fit_levels(pattern, data)
    metric, scalar = levels[1], levels[2]
    if scalar.holds:
        status = "scalar"
    elif metric.holds:
        status = "metric"
    else:
        status = "configural"
    names = tuple(group.groups[i] for i in ok)
    left = len(group.groups) - len(ok)
    statement = (
        f"Configural, metric and scalar models across {len(ok)} {group.noun} "
        f"({', '.join(f'{names[j]}: {sizes[i]}' for j, i in enumerate(ok))} complete "
        "responses)."
    )
    if left:
        statement += f" {left} smaller group(s) left out: each needs {need}."
    return replace(base, computed=True, status=status, statement=statement, groups=names,
                    group_n=tuple(sizes[i] for i in ok), levels=levels,
                    reading=_reading(levels, status))  # fmt: skip


def _reading(levels: tuple[InvarianceLevel, ...], status: str) -> str:
    parts = []
    for lv in levels[1:]:
        test = f"Δχ² = {lv.delta_chi2:.1f}, Δdf = {lv.delta_df}, {p_phrase(lv.p or 0.0)}"
        parts.append(
            f"{lv.level.capitalize()}: ΔCFI = {lv.delta_cfi:+.3f}, ΔRMSEA = "
            f"{lv.delta_rmsea:+.3f} ({test}): {'holds' if lv.holds else 'does not hold'}."
        )
    head = {
        "scalar": "Scalar invariance holds: the scales measure the same thing on the same "
        "scale in every group, so comparing their mean scores is supported.",
        "metric": "Metric but not scalar invariance: relationships between scales can be "
        "compared across groups, but differences in mean scores may reflect how groups use "
        "the questions rather than real differences.",
        "configural": "Only configural invariance: the same structure, but loadings differ "
        "between groups; neither relationships nor means are directly comparable.",
    }[status]
    return " ".join([head, *parts, "(Cut-offs: Cheung & Rensvold 2002; Chen 2007.)"])


def comparison_note(inv: InvarianceResult | None) -> str:
    """What a grouping's mean comparisons rest on, for the comparisons' note."""
    if inv is None or not inv.computed:
        need = inv.n_required if inv is not None else th.CFA_MIN_N_FLOOR
        return (
            "These comparisons assume the scales measure the same thing in every group "
            "(measurement invariance). That is untested here: the test needs at least "
            f"{need} complete responses in each of two or more groups."
        )
    if inv.status == "scalar":
        return (
            "Scalar measurement invariance holds across these groups, so comparing means "
            "is supported."
        )
    return (
        "Scalar measurement invariance does not hold across these groups: differences in "
        "mean scores may reflect how the groups use the questions, not real differences."
    )
