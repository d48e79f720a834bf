"""Research mode: every psychometric analysis of one response set, in one result.

``run_psychometrics`` works on keyed items (``collabdx.core.scoring.keyed_items``),
respects the minimum group size k throughout (nothing at all below k respondents in
total; groups under k, or hidden to protect one, are left out and never named), and
attaches a warning to every statistic whose sample is too small to interpret.
``result_to_dict`` turns the result into plain JSON-ready data.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np
from scipy import special  # not scipy.stats, whose import costs ~1 s (issue 15)
from threadpoolctl import threadpool_limits

from collabdx.core.disclosure import check_min_group_size
from collabdx.core.psychometrics import thresholds as th
from collabdx.core.psychometrics.agreement import (
    AgreementResult,
    agreement,
    group_size_for_icc2,
)
from collabdx.core.psychometrics.comparisons import ComparisonFamily, compare_groups
from collabdx.core.psychometrics.grouping import grouping
from collabdx.core.psychometrics.invariance import (
    InvarianceResult,
    comparison_note,
    measurement_invariance,
)
from collabdx.core.psychometrics.multilevel import MultilevelView, multilevel_view
from collabdx.core.psychometrics.ordinal import OrdinalReliability, ordinal_reliability
from collabdx.core.psychometrics.reliability import ScaleReliability, scale_reliability
from collabdx.core.psychometrics.structure import StructureResult, block_model, run_structure
from collabdx.core.psychometrics.validation import ValidationResult, run_validation
from collabdx.core.responses import ResponseSet
from collabdx.core.scoring import keyed_items, scale_scores_from_keyed

AGREEMENT_BY = ("organisation", "role")
INVARIANCE_BY = ("organisation", "role")
COMPARISONS: tuple[tuple[str, tuple[str, ...] | None], ...] = (
    ("organisation", None),
    ("role", ("Leader/key architect", "Workforce")),
    ("staff_group", ("Clinical", "Managerial")),
)


@dataclass(frozen=True)
class Guidance:
    purpose: str
    needed: str
    basis: str
    current: str


@dataclass(frozen=True)
class PsychometricsResult:
    instrument_id: str
    instrument_version: str
    instrument_title: str
    instrument_status: str
    n_respondents: int
    min_group_size: int
    withheld: bool
    statement: str
    reliability: tuple[ScaleReliability, ...]
    agreement: tuple[AgreementResult, ...]
    comparisons: tuple[ComparisonFamily, ...]
    structure: StructureResult | None
    guidance: tuple[Guidance, ...]
    notes: tuple[str, ...]
    thresholds: tuple[th.Threshold, ...]
    references: tuple[tuple[str, str], ...]
    bootstrap_b: int
    seed: int
    ordinal: tuple[OrdinalReliability, ...] = ()
    invariance: tuple[InvarianceResult, ...] = ()
    multilevel: MultilevelView | None = None
    validation: ValidationResult | None = None


NOTES = (
    "All analyses use keyed items: reverse-keyed items are scored 6 − code, so higher is "
    "always more favourable (collabdx scoring rule, issue 2).",
    "Reliability, item statistics and the CFA use complete cases of the items involved "
    "(listwise deletion); the n used, and how many were left out and why, is given with "
    "each result. Beside the listwise CFA, a FIML CFA uses every answer given (missing at "
    "random assumed).",
    "Group comparisons assume measurement invariance; where it could be tested the "
    "comparison says whether it holds, and otherwise that it is untested.",
    "The instrument is derived from the seed's survey and has not been psychometrically "
    "validated; these analyses are the evidence a validation would start from.",
)


def run_psychometrics(
    responses: ResponseSet,
    min_group_size: int = 5,
    *,
    bootstrap_b: int = int(th.OMEGA_BOOTSTRAP_B.value),
    seed: int = th.OMEGA_BOOTSTRAP_SEED,
) -> PsychometricsResult:
    """Every analysis of one response set.

    BLAS runs single-threaded meanwhile: the matrices are tiny (at most 19 × 19), and a
    multi-threaded BLAS spent 70% of the time of 1,500 respondents' analysis (4.3 of
    6.8 s, most inside L-BFGS-B) handing them between threads on a busy 2-core machine.
    """
    with threadpool_limits(limits=1, user_api="blas"):
        return _run_psychometrics(responses, min_group_size, bootstrap_b, seed)


def _run_psychometrics(
    responses: ResponseSet, min_group_size: int, bootstrap_b: int, seed: int
) -> PsychometricsResult:
    k = check_min_group_size(min_group_size)
    instrument = responses.instrument
    n = responses.n
    refs = tuple(sorted(th.REFERENCES.items()))
    base = PsychometricsResult(
        instrument_id=instrument.id,
        instrument_version=instrument.version,
        instrument_title=instrument.title,
        instrument_status=instrument.status,
        n_respondents=n,
        min_group_size=k,
        withheld=True,
        statement=f"Not analysed: results need at least {k} people.",
        reliability=(),
        agreement=(),
        comparisons=(),
        structure=None,
        guidance=(),
        notes=NOTES,
        thresholds=th.ALL,
        references=refs,
        bootstrap_b=bootstrap_b,
        seed=seed,
    )
    if n < k:
        return base
    keyed = keyed_items(responses)
    scores = scale_scores_from_keyed(keyed, instrument)
    reliability = tuple(
        scale_reliability(keyed, scores[s.id], instrument, s, bootstrap_b=bootstrap_b, seed=seed)
        for s in instrument.scales.values()
    )
    agreements = []
    for by in AGREEMENT_BY:
        g = grouping(instrument, responses.codes, responses.text, by, k)
        if g is not None:
            agreements.append(agreement(g, keyed, scores, instrument, k))
    invariance = []
    for by in INVARIANCE_BY:
        g = grouping(instrument, responses.codes, responses.text, by, k)
        if g is not None:
            invariance.append(measurement_invariance(g, keyed, instrument))
    tested = {inv.by: inv for inv in invariance}
    families = []
    for by, only in COMPARISONS:
        g = grouping(instrument, responses.codes, responses.text, by, k, only=only)
        if g is not None:
            family = compare_groups(g, scores, instrument, k)
            note = comparison_note(tested.get(by))
            families.append(dataclasses.replace(family, invariance_note=note))
    structure = run_structure(keyed, instrument)
    org = next((a for a in agreements if a.by == "organisation"), None)
    return dataclasses.replace(
        base,
        withheld=False,
        statement=f"{n} respondents; groups need at least {k} to be analysed.",
        reliability=reliability,
        agreement=tuple(agreements),
        comparisons=tuple(families),
        structure=structure,
        guidance=sample_size_guidance(reliability, tuple(agreements), structure),
        ordinal=tuple(ordinal_reliability(r.scale_id, r.correlations) for r in reliability
                      if r.applicable),
        invariance=tuple(invariance),
        multilevel=multilevel_view(org),
        validation=run_validation(keyed, instrument, k),
    )  # fmt: skip


@lru_cache(maxsize=16)
def n_per_group_for_power(d: float, power: float = 0.80, alpha: float = 0.05) -> int:
    """People per group for a two-sided two-sample t test (noncentral t, as Cohen 1988).

    Power rises with n, so a bisection over whole n finds the smallest one.
    """

    def achieved(n: int) -> float:
        df = 2 * n - 2
        crit = special.stdtrit(df, 1 - alpha / 2)
        nc = d * math.sqrt(n / 2)
        return float(1 - special.nctdtr(df, nc, crit) + special.nctdtr(df, nc, -crit))

    lo, hi = 2, 2
    while achieved(hi) < power:
        lo, hi = hi, hi * 2
    while hi - lo > 1:
        mid = (lo + hi) // 2
        lo, hi = (mid, hi) if achieved(mid) < power else (lo, mid)
    return hi


def sample_size_guidance(
    reliability: tuple[ScaleReliability, ...],
    agreements: tuple[AgreementResult, ...],
    structure: StructureResult,
) -> tuple[Guidance, ...]:
    """How many respondents each analysis needs: the seed's call for larger samples per
    organisation, or stratified sampling, made concrete (Millar et al. 2023, ch. 7)."""
    multi = [r for r in reliability if r.applicable]
    smallest = min((r.n_complete for r in multi), default=0)
    out = [
        Guidance(
            "Reliability of each scale (alpha, omega)",
            f"{th.RELIABILITY_MIN_N.value:.0f} complete responses (400 for a validation study)",
            "collabdx rule; Charter 2003",
            f"{smallest} complete responses on the least-answered multi-item scale",
        ),
        Guidance(
            "Compare two groups (e.g. leaders and workforce, or two partners)",
            f"{n_per_group_for_power(0.5)} per group for a medium difference (d = 0.5); "
            f"{n_per_group_for_power(0.8)} for a large one (d = 0.8); "
            f"{n_per_group_for_power(0.2)} for a small one (d = 0.2)",
            "80% power, two-sided 5% test (Cohen 1988)",
            "see the group sizes under each comparison",
        ),
    ]
    org = next((a for a in agreements if a.by == "organisation" and a.computed), None)
    icc1s = [s.icc1.value for s in org.scales if s.icc1 and s.icc1.value] if org else []
    positive = sorted(v for v in icc1s if v > 0)
    basis_icc = float(np.median(positive)) if positive else th.ICC1_MEDIUM.value
    per_org = group_size_for_icc2(basis_icc)
    out.append(
        Guidance(
            "Reliable organisation means (ICC(2) ≥ .70)",
            f"about {per_org} respondents per organisation",
            f"Spearman–Brown from ICC(1) = {basis_icc:.2f} "
            + ("(median observed)" if positive else "(a medium effect, LeBreton & Senter 2008)"),
            f"{len(org.groups)} organisations analysed" if org else "not computable yet",
        )
    )
    out.append(
        Guidance(
            "Agreement within a group (rwg)",
            f"{th.RWG_MIN_GROUP_N.value:.0f} respondents per group",
            "Dunlap, Burke & Smith-Crowe 2003",
            "see the group sizes under agreement",
        )
    )
    out.append(
        Guidance(
            "Factor structure (CFA)",
            f"{structure.n_required} complete responses",
            structure.rule,
            f"{structure.n_complete} complete responses",
        )
    )
    out.append(
        Guidance(
            "Measurement invariance across organisations or roles",
            f"{structure.n_required} complete responses in each of two or more groups",
            "the n a CFA needs, in every group (Kline 2016)",
            "see the invariance section",
        )
    )
    out.append(
        Guidance(
            "Small partners",
            "invite every member of a small partner (stratify by organisation and role)",
            "so each group reaches the numbers above; groups under k stay hidden regardless",
            "",
        )
    )
    return tuple(out)


def result_to_dict(result: PsychometricsResult) -> dict[str, Any]:
    """Plain JSON-ready data: dataclasses to dicts, tuples to lists, NaN to None."""
    out = _jsonable(result)
    assert isinstance(out, dict)
    factors, left_out = (
        ((f.scale_id for f in result.structure.factors), result.structure.left_out)
        if result.structure
        else ((), ())
    )
    out["model"] = {"factors": list(factors), "left_out": list(left_out)}
    return out


def _jsonable(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {str(key): _jsonable(v) for key, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, np.ndarray):
        return [_jsonable(v) for v in value.tolist()]
    if isinstance(value, np.bool_ | bool):
        return bool(value)
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, float | np.floating):
        return None if math.isnan(value) or math.isinf(value) else float(value)
    return value


__all__ = [
    "PsychometricsResult",
    "block_model",
    "result_to_dict",
    "run_psychometrics",
]
