"""The research page's sections for a validation paper (issue 18), formatted as text:
ordinal reliability, missing answers and FIML, alternative models, validity (CR, AVE,
HTMT), modification indices and residual correlations, EFA, measurement invariance and
the multilevel view. ``research_presenters`` formats the rest of the page.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from collabdx.core.psychometrics import PsychometricsResult
from collabdx.core.psychometrics.invariance import InvarianceResult
from collabdx.reports.fmt import DASH, num
from collabdx.reports.pack_research import p_text

Row = tuple[str, ...]


@dataclass(frozen=True)
class Table:
    caption: str
    headers: list[str]
    rows: Sequence[Row]


@dataclass(frozen=True)
class Invariance:
    title: str
    statement: str
    table: Table | None
    reading: str


@dataclass
class ResearchMore:
    ordinal: Table | None = None
    missing_statement: str = ""
    missing: Table | None = None
    item_missing: Table | None = None
    fiml_statement: str = ""
    fiml: Table | None = None
    validation_statement: str = ""
    models: Table | None = None
    models_reading: str = ""
    method_factor: str = ""
    validity: Table | None = None
    htmt: Table | None = None
    validity_reading: str = ""
    modification: Table | None = None
    residuals: Table | None = None
    efa_statement: str = ""
    eigen: Table | None = None
    efa: Table | None = None
    invariance: list[Invariance] = field(default_factory=list)
    multilevel_statement: str = ""
    multilevel: Table | None = None
    multilevel_reading: str = ""


def _n(x: float | None, places: int = 2) -> str:
    return DASH if x is None else num(x, places)


def _invariance(inv: InvarianceResult) -> Invariance:
    if not inv.computed:
        return Invariance(inv.title, inv.statement, None, "")
    rows = [
        (lv.level.capitalize(), f"{num(lv.chi2, 1)} ({lv.df})", num(lv.cfi, 3), num(lv.rmsea, 3),
         DASH if lv.delta_chi2 is None else f"{num(lv.delta_chi2, 1)} ({lv.delta_df})",
         p_text(lv.p), DASH if lv.delta_cfi is None else num(lv.delta_cfi, 3),
         DASH if lv.delta_rmsea is None else num(lv.delta_rmsea, 3),
         DASH if lv.holds is None else ("holds" if lv.holds else "does not hold"))
        for lv in inv.levels
    ]  # fmt: skip
    table = Table(f"{inv.title}: configural, metric and scalar models",
                  ["Model", "χ² (df)", "CFI", "RMSEA", "Δχ² (Δdf)", "p", "ΔCFI", "ΔRMSEA",
                   "Invariance"], rows)  # fmt: skip
    return Invariance(inv.title, inv.statement, table, inv.reading)


def research_more(result: PsychometricsResult) -> ResearchMore:
    more = ResearchMore()
    if result.withheld:
        return more
    names = {r.scale_id: r.name for r in result.reliability}
    if result.ordinal:
        more.ordinal = Table(
            "Ordinal alpha and omega, from the polychoric correlations of each scale",
            ["Scale", "Complete responses", "Ordinal alpha", "Ordinal omega", "Note"],
            [(names.get(o.scale_id, o.scale_id), str(o.n), _n(o.ordinal_alpha),
              _n(o.ordinal_omega), o.note) for o in result.ordinal],
        )  # fmt: skip
    v = result.validation
    if v is not None:
        m = v.missing
        more.missing_statement = (
            f"{m.complete} of {m.n} respondents answered every question in the factor "
            "model. Patterns of missing answers with at least "
            f"{result.min_group_size} people:"
        )
        rows = [(", ".join(p.missing) or "none (complete)", str(p.n)) for p in m.patterns]
        if m.other_patterns:
            rows.append((f"{m.other_patterns} other patterns",
                         str(m.other_n) if m.other_n else "not shown"))  # fmt: skip
        more.missing = Table("Missingness patterns on the factor model's questions",
                             ["Questions not answered", "Respondents"], rows)  # fmt: skip
        more.item_missing = Table(
            "Missing answers per question", ["Question", "Missing"],
            [(it, f"{pct:.1f}%") for it, pct in m.item_missing_pct],
        )  # fmt: skip
        more.fiml_statement = v.fiml_statement
        if v.fiml is not None:
            f = v.fiml
            more.fiml = Table(
                f"FIML CFA: n = {f.n}, χ² = {num(f.chi2, 1)} (df {f.df}), CFI {num(f.cfi, 3)}, "
                f"RMSEA {num(f.rmsea, 3)}; standardised loadings",
                ["Question", "FIML loading"], [(it, num(x)) for it, x in f.std_loadings],
            )  # fmt: skip
        more.validation_statement = v.statement
        if v.models is not None:
            more.models = Table(
                "Alternative models on the same complete responses",
                ["Model", "χ² (df)", "CFI", "TLI", "RMSEA", "SRMR", "AIC", "BIC"],
                [(f"{x.name}: {x.description}", f"{num(x.chi2, 1)} ({x.df})", num(x.cfi, 3),
                  num(x.tli, 3), num(x.rmsea, 3), num(x.srmr, 3), num(x.aic, 1), num(x.bic, 1))
                 for x in v.models.models],
            )  # fmt: skip
            more.models_reading = v.models.reading
            more.method_factor = v.models.method_factor
        if v.validity is not None:
            more.validity = Table(
                "Composite reliability (CR), average variance extracted (AVE) and the "
                "Fornell–Larcker criterion", ["Scale", "CR", "AVE", "√AVE above its correlations"],
                [(x.name, num(x.composite_reliability), num(x.ave),
                  "yes" if x.sqrt_ave_exceeds_correlations else "no") for x in v.validity.factors],
            )  # fmt: skip
            more.htmt = Table(
                "Heterotrait–monotrait ratio (HTMT) and factor correlation for each pair",
                ["Scales", "HTMT", "Factor correlation", "Distinct?"],
                [(f"{h.scale_a} – {h.scale_b}", _n(h.htmt), num(h.factor_correlation),
                  "may not be" if h.too_close else "yes") for h in v.validity.htmt],
            )  # fmt: skip
            more.validity_reading = v.validity.reading
        if v.modification_indices:
            more.modification = Table(
                "Largest modification indices (above 3.84): leads for a new sample, not changes "
                "to make", ["Parameter fixed at 0", "MI", "Expected change (standardised)"],
                [(f"{x.rhs} on {x.lhs}" if x.kind == "loading" else f"{x.lhs} with {x.rhs} "
                  "(residual covariance)", num(x.mi, 1), num(x.sepc_all))
                 for x in v.modification_indices],
            )  # fmt: skip
        if v.residual_correlations:
            more.residuals = Table(
                "Residual correlations beyond ±.10 (observed minus model-implied)",
                ["Questions", "Residual"],
                [(f"{r.item_a} – {r.item_b}", num(r.residual)) for r in v.residual_correlations],
            )  # fmt: skip
        more.efa_statement = v.efa_statement
        if v.efa is not None:
            e = v.efa
            more.efa_statement += " " + e.note
            more.eigen = Table(
                "Parallel analysis: eigenvalues of the correlation matrix and of random data",
                ["Component", "Observed", "Random (95th percentile)"],
                [(str(i + 1), num(a), num(b))
                 for i, (a, b) in enumerate(zip(e.eigenvalues, e.random_95th, strict=True))],
            )  # fmt: skip
            if e.loadings and e.loadings[0]:
                more.efa = Table(
                    f"EFA pattern loadings ({e.n_factors} factors, ML, oblimin)",
                    ["Question", *[f"Factor {j + 1}" for j in range(e.n_factors)]],
                    [(it, *(num(x) for x in row)) for it, row in zip(e.items, e.loadings,
                                                                     strict=True)],
                )  # fmt: skip
    more.invariance = [_invariance(inv) for inv in result.invariance]
    ml = result.multilevel
    if ml is not None:
        more.multilevel_statement = ml.statement
        more.multilevel_reading = ml.reading
        if ml.computed:
            more.multilevel = Table(
                "Nesting in organisations: ICC(1), mean organisation size and design effect",
                ["Scale", "ICC(1)", "Mean organisation size", "Design effect", "n",
                 "Effective n"],
                [(r.name, num(r.icc1), num(r.mean_group_size, 1), num(r.design_effect),
                  str(r.n), num(r.effective_n, 0)) for r in ml.scales],
            )  # fmt: skip
    return more
