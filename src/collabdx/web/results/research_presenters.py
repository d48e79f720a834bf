"""The research page of one wave: a ``PsychometricsResult`` formatted for the template.

Everything the command line's research HTML shows (``collabdx psychometrics``), as
text, so the template only lays it out. Numbers use the workshop pack's formatting
(``reports.fmt``, ``reports.pack_research``), so a figure reads the same on this page
and in the pack's "For researchers" appendix. Groups under k never reach the result
(``core.psychometrics.grouping``, ``reports.research``), so nothing here hides them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from collabdx.core.psychometrics import PsychometricsResult
from collabdx.core.psychometrics import thresholds as th
from collabdx.core.psychometrics.agreement import AgreementResult
from collabdx.core.psychometrics.comparisons import ComparisonFamily
from collabdx.core.psychometrics.reliability import ScaleReliability
from collabdx.core.psychometrics.stat import Stat
from collabdx.core.psychometrics.structure import StructureResult
from collabdx.reports.fmt import DASH, ci, num, pct
from collabdx.reports.pack_research import (
    agreement_warnings,
    bootstrap_note,
    distinct_warnings,
    icc_text,
    p_text,
    stat_text,
)
from collabdx.reports.research import CLI_BOOTSTRAP_B

FLOOR_CEILING = th.FLOOR_CEILING_PCT.value


@dataclass(frozen=True)
class StatCell:
    text: str
    flag: bool = False  # beyond a threshold: shown in bold with the reason in the caption
    caution: bool = False  # a small-sample caution applies (the † mark)
    sub: str = ""  # a second, smaller line, e.g. "n = 22"


@dataclass(frozen=True)
class ReliabilityRow:
    scale_id: str
    name: str
    items: str
    applicable: bool  # has item statistics further down (two or more questions)
    computed: bool  # has an alpha; otherwise ``note`` says why not
    n: StatCell
    alpha: str
    omega: str
    spearman_brown: str
    floor: StatCell
    ceiling: StatCell
    note: str


@dataclass(frozen=True)
class ItemStatsRow:
    item_id: str
    text: str
    cells: list[StatCell]  # n, missing, mean, SD, floor, ceiling, item-total r, alpha if deleted
    flags: str


@dataclass(frozen=True)
class Correlations:
    method: str
    n: int
    items: list[str]
    rows: list[tuple[str, list[str]]]
    reason: str


@dataclass(frozen=True)
class ScaleDetail:
    scale_id: str
    name: str
    items: str
    n: int
    note: str
    rows: list[ItemStatsRow]
    correlations: Correlations | None
    coverage: str = ""


@dataclass(frozen=True)
class AgreementRow:
    scale: str
    rwg: list[StatCell]  # one per group of the section; "" when that group is not shown
    icc1: StatCell
    icc2: StatCell
    test: str  # "F(2, 60) = 4.12, p = .021"
    reading: str


@dataclass(frozen=True)
class AgreementSection:
    title: str
    computed: bool
    reason: str
    groups: list[str]
    rows: list[AgreementRow]
    note: str
    warnings: list[str]
    coverage: str = ""


@dataclass(frozen=True)
class ComparisonRow:
    scale: str
    n: StatCell
    means: str
    difference: str
    p: str
    holm: StatCell
    bh: str
    cliff: str
    size: str


@dataclass(frozen=True)
class ComparisonSection:
    title: str
    computed: bool
    reason: str
    pairs: list[tuple[str, list[ComparisonRow]]]  # "A − B", then one row per scale
    note: str
    warnings: list[str]
    coverage: str = ""
    invariance_note: str = ""

    @property
    def count(self) -> int:
        return sum(len(rows) for _, rows in self.pairs)


@dataclass
class StructureView:
    statement: str
    model: str
    estimator: str
    warning: str
    computed: bool
    coverage: str = ""
    fit: list[tuple[str, str, str]] = field(default_factory=list)
    reading: str = ""
    loadings: list[tuple[str, str, str, str]] = field(default_factory=list)
    factor_names: list[str] = field(default_factory=list)
    factor_rows: list[tuple[str, list[str]]] = field(default_factory=list)


@dataclass
class ResearchPage:
    statement: str
    k: int
    instrument: str
    status: str
    bootstrap: str
    withheld: bool
    cautions: list[str] = field(default_factory=list)
    guidance: list[tuple[str, str, str, str]] = field(default_factory=list)
    reliability: list[ReliabilityRow] = field(default_factory=list)
    reliability_warnings: list[str] = field(default_factory=list)
    details: list[ScaleDetail] = field(default_factory=list)
    agreement: list[AgreementSection] = field(default_factory=list)
    comparisons: list[ComparisonSection] = field(default_factory=list)
    structure: StructureView | None = None
    notes: list[str] = field(default_factory=list)
    thresholds: list[tuple[str, str, str, str]] = field(default_factory=list)
    references: list[tuple[str, str]] = field(default_factory=list)


def _share(x: float | None) -> StatCell:
    return StatCell(pct(x), flag=x is not None and x > FLOOR_CEILING)


def reliability_row(r: ScaleReliability) -> ReliabilityRow:
    return ReliabilityRow(
        r.scale_id, r.name, str(len(r.items)), r.applicable,
        r.alpha is not None and r.alpha.value is not None,
        StatCell(str(r.n_complete), caution=r.warning is not None),
        stat_text(r.alpha) if r.alpha and r.alpha.value is not None else DASH,
        stat_text(r.omega) if r.omega is not None else DASH,
        stat_text(r.spearman_brown) if r.spearman_brown is not None else DASH,
        _share(r.score_floor_pct), _share(r.score_ceiling_pct),
        r.note or (r.alpha.note if r.alpha and r.alpha.note else "")
        or (r.omega.note if r.omega and r.omega.note else ""),
    )  # fmt: skip


def scale_detail(r: ScaleReliability) -> ScaleDetail:
    rows = []
    low = th.ITEM_TOTAL_MIN.value
    for i in r.item_stats:
        r_it = i.corrected_item_total
        rows.append(ItemStatsRow(i.item_id, i.text, [
            StatCell(str(i.n_answered)), StatCell(pct(i.missing_pct)), StatCell(num(i.mean)),
            StatCell(num(i.sd)), StatCell(pct(i.floor_pct)), StatCell(pct(i.ceiling_pct)),
            StatCell(num(r_it), flag=r_it is not None and r_it < low),
            StatCell(num(i.alpha_if_deleted)),
        ], "; ".join(i.flags)))  # fmt: skip
    corr = None
    if r.correlations is not None:
        c = r.correlations
        corr = Correlations(
            "Polychoric" if c.method == "polychoric" else "Spearman",
            c.n, list(c.items),
            [(item, [num(v) for v in row]) for item, row in zip(c.items, c.values, strict=True)],
            c.reason,
        )  # fmt: skip
    return ScaleDetail(
        r.scale_id, r.name, ", ".join(r.items), r.n_complete, r.note, rows, corr, r.coverage
    )


def agreement_section(a: AgreementResult) -> AgreementSection:
    rows = []
    for s in a.scales:
        by_group = {g.group: g.rwg for g in s.rwg}
        cells = [
            StatCell(num(st.value),
                     flag=st.value is not None and st.value < th.RWG_ACCEPTABLE.value,
                     caution=st.warning is not None, sub=f"n = {st.n}")
            if st is not None else StatCell("")
            for st in (by_group.get(g) for g in a.groups)
        ]  # fmt: skip
        test = (
            f"F({s.df_between}, {s.df_within}) = {num(s.f)}, p {_p_phrase(s.p)}"
            if s.f is not None
            else DASH
        )
        rows.append(AgreementRow(
            s.name, cells, _icc(s.icc1), _icc(s.icc2), test, s.reading,
        ))  # fmt: skip
    return AgreementSection(
        a.title, a.computed, a.reason, list(a.groups), rows, a.note, agreement_warnings(a),
        a.coverage,
    )  # fmt: skip


def _icc(stat: Stat | None) -> StatCell:
    if stat is None:
        return StatCell(DASH)
    return StatCell(icc_text(stat), caution=stat.warning is not None)


def _p_phrase(p: float | None) -> str:
    text = p_text(p)
    return text if text.startswith("<") else f"= {text}"


def comparison_section(f: ComparisonFamily) -> ComparisonSection:
    # One block per pair of groups: the pair's names head the block instead of a
    # column, so the figures keep the table's width.
    pairs: dict[str, list[ComparisonRow]] = {}
    for c in f.comparisons:
        pairs.setdefault(f"{c.group_a} − {c.group_b}", []).append(ComparisonRow(
            c.scale_name, StatCell(f"{c.n_a}, {c.n_b}", caution=c.warning is not None),
            f"{num(c.mean_a)}, {num(c.mean_b)}", stat_text(c.difference), p_text(c.p),
            StatCell(p_text(c.p_holm), flag=c.p_holm is not None and c.p_holm < 0.05),
            p_text(c.p_bh), stat_text(c.cliff), c.magnitude,
        ))  # fmt: skip
    return ComparisonSection(
        f.title, f.computed, f.reason, list(pairs.items()), f.note,
        distinct_warnings(f.comparisons), f.coverage, f.invariance_note,
    )  # fmt: skip


def structure_view(s: StructureResult, names: dict[str, str]) -> StructureView:
    factor_names = [f.name for f in s.factors]
    left_out = [names.get(sid, sid) for sid in s.left_out]
    model = (
        f"One factor per scale with two or more questions ({', '.join(factor_names)}), each "
        "question loading only on its own scale's factor, factors free to correlate."
    )
    if left_out:
        model += (
            f" Single-question scales ({', '.join(left_out)}) are left out: a factor with "
            "one question adds nothing testable."
        )
    view = StructureView(s.statement, model, s.estimator, s.warning or "", s.computed,
                         s.coverage)  # fmt: skip
    fit = s.fit
    if not s.computed or fit is None:
        return view
    c = th.FIT_CUTOFFS
    view.fit.extend([
        ("Chi-square (df), p", f"{num(fit.chi2, 1)} ({fit.df}), p {_p_phrase(fit.p)}",
         "not significant (sensitive to n)"),
        ("CFI", num(fit.cfi, 3), f"{c['cfi']:.2f} or more".lstrip("0")),
        ("TLI", num(fit.tli, 3), f"{c['tli']:.2f} or more".lstrip("0")),
        ("RMSEA (90% CI)", f"{num(fit.rmsea, 3)} ({ci(fit.rmsea_ci90, 3)})",
         f"{c['rmsea']:.2f} or less".lstrip("0")),
        ("SRMR", num(fit.srmr, 3), f"{c['srmr']:.2f} or less".lstrip("0")),
        ("Baseline chi-square (df)", f"{num(fit.baseline_chi2, 1)} ({fit.baseline_df})",
         "independence model, for CFI and TLI"),
    ])  # fmt: skip
    if s.robust is not None:
        r = s.robust
        view.fit.append((
            "Satorra–Bentler scaled chi-square (df), p",
            f"{num(r.chi2, 1)} ({r.df}), p {_p_phrase(r.p)}; scaling factor {num(r.scaling, 3)}; "
            f"RMSEA {num(r.rmsea, 3)}",
            "robust to non-normal answers (Satorra & Bentler 1994)",
        ))  # fmt: skip
    view.reading = s.fit_reading
    view.loadings.extend(
        (ld.item_id, names.get(ld.scale_id, ld.scale_id), num(ld.std_loading),
         num(ld.residual_variance))
        for ld in s.loadings
    )  # fmt: skip
    view.factor_names.extend(factor_names)
    view.factor_rows.extend(
        (name, [num(v) for v in row])
        for name, row in zip(factor_names, s.factor_correlations, strict=True)
    )
    return view


THRESHOLD_LABELS = {
    "alpha_acceptable": "Acceptable alpha or omega",
    "reliability_min_n": "Responses to interpret reliability",
    "item_total_min": "Lowest corrected item–total r",
    "floor_ceiling_pct": "Floor or ceiling effect",
    "omega_min_items": "Questions needed for omega",
    "omega_bootstrap_b": "Bootstrap resamples for omega",
    "polychoric_min_n": "Responses for polychoric correlations",
    "polychoric_max_empty_cells": "Most empty cells for a polychoric estimate",
    "rwg_acceptable": "Acceptable rwg(j)",
    "rwg_min_group_n": "Respondents per group for rwg",
    "icc1_medium": "Size of ICC(1)",
    "icc2_acceptable": "Acceptable ICC(2)",
    "icc_min_groups": "Groups for precise ICCs",
    "comparison_min_n": "Respondents per group to compare",
    "cliff_magnitude": "Size of Cliff's delta",
    "cfa_min_n": "Responses for a CFA",
    "fit_cutoffs": "Good CFA fit",
    "invariance_change": "Change in fit allowed by invariance",
    "htmt": "Distinct scales (HTMT)",
    "ave": "Convergent validity (AVE)",
    "design_effect": "Design effect that matters",
    "modification_index": "Modification indices listed",
    "efa_min_n": "Responses for an EFA",
}


def _label(t: th.Threshold) -> str:
    return THRESHOLD_LABELS.get(t.name, t.name.replace("_", " ").capitalize())


def _threshold_value(t: th.Threshold, bootstrap_b: int) -> str:
    if t.value >= 1:
        text = f"{t.value:.0f}" if t.value == int(t.value) else f"{t.value:.2f}"
    else:  # .70 reads as 0.70, .147 as 0.147: no padding zeros
        text = f"{t.value:.3f}".rstrip("0")
        text = text + "0" * max(0, 4 - len(text))
    if t is th.OMEGA_BOOTSTRAP_B and bootstrap_b != t.value:
        text += f" (this page: {bootstrap_b})"
    if t.name == "floor_ceiling_pct":
        text += "%"
    return text


def research_page(result: PsychometricsResult) -> ResearchPage:
    page = ResearchPage(
        statement=result.statement,
        k=result.min_group_size,
        instrument=f"{result.instrument_title}, version {result.instrument_version}",
        status=result.instrument_status,
        bootstrap=bootstrap_note(result, CLI_BOOTSTRAP_B),
        withheld=result.withheld,
        notes=list(result.notes),
        thresholds=[
            (_label(t), _threshold_value(t, result.bootstrap_b), t.meaning, t.source)
            for t in result.thresholds
        ],
        references=list(result.references),
    )
    if result.withheld:
        return page
    page.guidance = [(g.purpose, g.needed, g.basis, g.current or DASH) for g in result.guidance]
    page.reliability = [reliability_row(r) for r in result.reliability]
    page.reliability_warnings = distinct_warnings(result.reliability)
    page.details = [scale_detail(r) for r in result.reliability if r.applicable]
    page.agreement = [agreement_section(a) for a in result.agreement]
    page.comparisons = [comparison_section(f) for f in result.comparisons]
    names = {r.scale_id: r.name for r in result.reliability}
    if result.structure is not None:
        page.structure = structure_view(result.structure, names)
    cautions = list(page.reliability_warnings)
    for a in page.agreement:
        cautions += a.warnings
    for f in page.comparisons:
        cautions += f.warnings
    if page.structure is not None and page.structure.warning:
        cautions.append(page.structure.warning)
    page.cautions = list(dict.fromkeys(cautions))
    return page
