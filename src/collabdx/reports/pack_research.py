"""The workshop pack's "For researchers" appendix: the report model's psychometrics
(see :mod:`collabdx.reports.research`) formatted for the pack templates.

Concise on purpose: reliability per scale, agreement within organisations, whether a
CFA was possible and every small-sample caution. The full analysis (item statistics,
correlations, group comparisons, thresholds) is the web app's research page and
``collabdx psychometrics``. Formatting helpers here are shared with that page.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from collabdx.core.psychometrics import PsychometricsResult
from collabdx.core.psychometrics.agreement import AgreementResult
from collabdx.core.psychometrics.reliability import ScaleReliability
from collabdx.core.psychometrics.stat import Stat
from collabdx.reports.fmt import DASH, ci, num

CAUTION_MARK = "†"


def stat_text(s: Stat | None, places: int = 2) -> str:
    """A statistic with its CI, "0.84 (0.75 to 0.90)"; a dash when not computed."""
    if s is None or s.value is None:
        return DASH
    text = num(s.value, places)
    return f"{text} ({ci(s.ci, places)})" if s.ci else text


def p_text(p: float | None) -> str:
    """A p-value as journals print it: ".042", "< .001"."""
    if p is None:
        return DASH
    if p < 0.001:
        return "< .001"
    return "1.000" if p >= 0.9995 else f"{p:.3f}".lstrip("0")


def distinct_warnings(objects: Iterable[object]) -> list[str]:
    """The distinct ``warning`` texts of ``objects``, in first-seen order."""
    seen: dict[str, None] = {}
    for o in objects:
        w = getattr(o, "warning", None)
        if w:
            seen.setdefault(w, None)
    return list(seen)


def icc_text(s: Stat | None) -> str:
    """An ICC; ICC(2) below zero (F < 1) reads "below 0", never a raw "−5.57"."""
    if s is None or s.value is None:
        return DASH
    return "below 0" if s.value < 0 and "ICC(2)" in s.method else num(s.value)


def bootstrap_note(result: PsychometricsResult, cli_b: int) -> str:
    fewer = (
        f" (the command line's collabdx psychometrics uses {cli_b}: percentile limits "
        "from fewer resamples are rougher)"
        if result.bootstrap_b < cli_b
        else ""
    )
    return (
        f"Omega's 95% confidence interval is a bootstrap percentile interval from "
        f"{result.bootstrap_b} resamples{fewer}, with the fixed seed {result.seed}, so the "
        "same responses always give the same interval."
    )


@dataclass(frozen=True)
class ReliabilityLine:
    scale: str
    items: str  # number of questions
    n: str
    alpha: str
    omega: str
    omega_kind: str  # "omega", "spearman_brown" or "" (not applicable)
    note: str
    caution: bool


def reliability_line(r: ScaleReliability) -> ReliabilityLine:
    if not r.applicable or r.alpha is None or r.alpha.value is None:
        # One note across both columns: not applicable, or why nothing was computed.
        why = r.note or (r.alpha.note if r.alpha and r.alpha.note else "")
        return ReliabilityLine(r.name, str(len(r.items)), str(r.n_complete), "", "", "",
                               why, r.warning is not None)  # fmt: skip
    if r.omega is not None:
        omega, kind = stat_text(r.omega), "omega"
        note = r.omega.note or ""
    elif r.spearman_brown is not None:
        omega, kind = stat_text(r.spearman_brown), "spearman_brown"
        note = "Two questions: Spearman–Brown instead of omega."
    else:
        omega, kind, note = DASH, "", r.note
    return ReliabilityLine(
        r.name, str(len(r.items)), str(r.n_complete), stat_text(r.alpha), omega, kind, note,
        r.warning is not None,
    )  # fmt: skip


@dataclass(frozen=True)
class AgreementLine:
    scale: str
    icc1: str
    icc2: str
    rwg: list[str]  # one per group, in AgreementView.groups order; "" when not shown
    reading: str
    icc_caution: bool = False  # too few groups for precise ICCs (the † mark)


@dataclass(frozen=True)
class AgreementView:
    by: str
    title: str
    computed: bool
    reason: str
    groups: list[str]
    lines: list[AgreementLine]
    note: str


def agreement_view(a: AgreementResult) -> AgreementView:
    lines = []
    for s in a.scales:
        by_group = {g.group: g.rwg for g in s.rwg}
        cells = []
        for g in a.groups:
            st = by_group.get(g)
            mark = f" {CAUTION_MARK}" if st is not None and st.warning else ""
            cells.append("" if st is None else f"{num(st.value)} (n = {st.n}){mark}")
        lines.append(AgreementLine(
            s.name, icc_text(s.icc1), icc_text(s.icc2), cells, s.reading,
            s.icc1 is not None and s.icc1.warning is not None,
        ))  # fmt: skip
    note = f"{a.coverage} {a.note}".strip()
    return AgreementView(a.by, a.title, a.computed, a.reason, list(a.groups), lines, note)


def agreement_warnings(a: AgreementResult) -> list[str]:
    stats: list[object] = []
    for s in a.scales:
        stats.extend(g.rwg for g in s.rwg)
        if s.icc1 is not None:
            stats.append(s.icc1)
    return distinct_warnings(stats)


@dataclass
class ResearchAppendix:
    """What the pack's "For researchers" section shows."""

    statement: str
    k: int
    bootstrap: str
    reliability: list[ReliabilityLine] = field(default_factory=list)
    agreement: AgreementView | None = None
    cfa: str = ""
    cfa_computed: bool = False
    warnings: list[str] = field(default_factory=list)
    invariance: list[str] = field(default_factory=list)  # per grouping: tested or the n needed
    nesting: str = ""


def appendix(result: PsychometricsResult, cli_b: int) -> ResearchAppendix:
    k = result.min_group_size
    view = ResearchAppendix(result.statement, k, bootstrap_note(result, cli_b))
    if result.withheld:
        return view
    view.reliability = [reliability_line(r) for r in result.reliability]
    warnings = distinct_warnings(result.reliability)
    org = next((a for a in result.agreement if a.by == "organisation"), None)
    if org is not None:
        view.agreement = agreement_view(org)
        warnings += agreement_warnings(org)
    s = result.structure
    if s is not None:
        view.cfa_computed = s.computed
        view.cfa = s.statement + (f" {s.fit_reading}" if s.computed and s.fit_reading else "")
        if s.warning:
            warnings.append(s.warning)
    view.warnings = list(dict.fromkeys(warnings))
    view.invariance = [
        (f"{inv.title}: {inv.reading.split(' Metric:')[0]}" if inv.computed
         else f"{inv.title}: {inv.statement}")
        for inv in result.invariance
    ]  # fmt: skip
    if result.multilevel is not None and result.multilevel.computed:
        view.nesting = result.multilevel.reading
    return view
