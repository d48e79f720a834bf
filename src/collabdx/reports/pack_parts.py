"""Sections 4–8 of the workshop pack's view: what to do next, the causal web, the
maturity matrix grid, trends across waves, and the methods appendix.

Like :mod:`collabdx.reports.pack`, this formats everything so the templates only
lay it out. The context notes on action statements and the list of derived,
unvalidated parts are collabdx's own (derived) reading and say so in the pack.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from collabdx.core.disclosure import NOT_SHOWN, rule_text
from collabdx.core.stats import BANDS
from collabdx.reports import pack_core, quality
from collabdx.reports.causal_web_boxes import CausalFigure, figures
from collabdx.reports.fmt import num
from collabdx.reports.gaps import SPLIT_SHARE
from collabdx.reports.model import ReportModel
from collabdx.reports.pack_figures import FigureNumbers
from collabdx.reports.sections import NOT_RECORDED, CollaborationContext

if TYPE_CHECKING:
    from collabdx.reports.trend_chart import Trends

SEED = (
    "Millar R, Avery Aunger J, Rafferty AM, Greenhalgh J, Mannion R, McLeod H, Faulks D. "
    "Towards achieving interorganisational collaboration between health-care providers: a "
    "realist evidence synthesis. Health Soc Care Deliv Res 2023;11(6)."
)
DOI_URL = "https://doi.org/10.3310/KPLT1423"
LICENCE_URL = "https://creativecommons.org/licenses/by/4.0/"
# Everything in the pack that is collabdx's own, not the seed's (methods appendix).
DERIVED = (
    "The scoring rule: which items are scored, the reverse keying, scale scores as the "
    "mean of answered items (the report gives the survey's blocks but no scoring rule).",
    "The bands (below 3.00, 3.00 to below 4.00, 4.00 and above): a reading aid, not "
    "validated cut-offs.",
    "The rules that select Table 10 action statements from the answers, the split of "
    "each statement into if / then / because, and its links to the CMOCs and mechanisms.",
    "The notes on how a statement fits the collaboration's context (mandated, "
    "cross-sector, life-cycle stage).",
    "The suggested starting level on the Table 11 maturity matrix from a scale's mean.",
    "The causal web: its vocabulary of factors, drawn from the wording of the CMOCs of "
    "Boxes 1 and 2, its layout, and the links from survey scales to its mechanisms.",
    "The perception gaps: which groups are compared, and Welch 95% confidence "
    "intervals with no adjustment for the many comparisons.",
    f"Split opinion: at least {SPLIT_SHARE:.0f}% favourable and at least "
    f"{SPLIT_SHARE:.0f}% unfavourable answers to one question.",
    "The rules that pick the summary's findings, and the colour bins of the heatmap.",
)


@dataclass(frozen=True)
class ActionView:
    action_id: str
    task: str
    text: str
    if_text: str
    then_text: str
    because_text: str
    because_derived: bool
    evidence: tuple[str, ...]
    cmocs: tuple[tuple[str, str, str], ...]  # (id, source, text)
    path: str
    context_notes: tuple[str, ...]
    more: str = ""  # what the statement says beyond its split (t10.31's second sentence)


@dataclass(frozen=True)
class MarkRow:
    scale: str
    mean: str
    band: str
    mechanism: str
    nodes: str
    marked: str


@dataclass(frozen=True)
class RouteRow:
    node: str
    route: str
    acted_on_by: str


@dataclass(frozen=True)
class MaturityWorkshopRow:
    element: str
    suggested: str
    basis: str
    ratings: str
    agreed: str
    rationale: str


@dataclass
class Parts:
    context: list[tuple[str, str]] = field(default_factory=list)
    actions: list[ActionView] = field(default_factory=list)
    causal: list[CausalFigure] = field(default_factory=list)
    causal_number: int = 0
    causal_note: str = ""
    marks: list[MarkRow] = field(default_factory=list)
    routes: list[RouteRow] = field(default_factory=list)
    maturity: list[MaturityWorkshopRow] = field(default_factory=list)
    maturity_note: str = ""
    ratings_available: bool = False
    trends: Trends | None = None
    trends_note: str = ""
    trend_numbers: list[int] = field(default_factory=list)
    methods: list[tuple[str, str]] = field(default_factory=list)
    bands: list[tuple[str, str]] = field(default_factory=list)
    derived: tuple[str, ...] = DERIVED
    seed: str = SEED
    doi_url: str = DOI_URL
    licence_url: str = LICENCE_URL
    attribution: str = ""


def _yes_no(value: bool | None, yes: str, no: str) -> str:
    return NOT_RECORDED.capitalize() if value is None else (yes if value else no)


def context_rows(ctx: CollaborationContext, theory: Any) -> list[tuple[str, str]]:
    ctype = theory.collaboration_types.get(ctx.collaboration_type or "")
    stage = theory.life_cycle_stages.get(ctx.stage or "")
    return [
        ("Collaboration", ctx.name or NOT_RECORDED.capitalize()),
        ("Type", ctype.name if ctype else (ctx.collaboration_type or NOT_RECORDED.capitalize())),
        ("Mandated or voluntary", _yes_no(ctx.mandated, "Mandated", "Voluntary")),
        ("Cross-sector", _yes_no(ctx.cross_sector, "Yes: more than one sector",
                                 "No: within one sector")),
        ("Life-cycle stage", stage.name if stage else (ctx.stage or NOT_RECORDED.capitalize())),
    ]  # fmt: skip


def _recorded(value: bool | None, unknown: str, yes: str, no: str) -> str:
    return unknown if value is None else yes if value else no


def context_notes(text: str, ctx: CollaborationContext, theory: Any) -> tuple[str, ...]:
    """How one statement reads in this collaboration's context (derived): a note for
    each context the statement's wording names (mandated, sector, life cycle)."""
    low = text.casefold()
    notes = []
    if "mandat" in low:
        notes.append(_recorded(
            ctx.mandated,
            "Whether the collaboration is mandated is not recorded.",
            "This collaboration is recorded as mandated, so this applies directly.",
            "This collaboration is recorded as voluntary: read the points on mandated "
            "collaboration with that in mind.",
        ))  # fmt: skip
    if "sector" in low:
        notes.append(_recorded(
            ctx.cross_sector,
            "Whether the collaboration is cross-sector is not recorded.",
            "This collaboration is recorded as cross-sector, so this applies directly.",
            "This collaboration is recorded as within one sector.",
        ))  # fmt: skip
    if "life cycle" in low or "outset" in low or "beginning" in low:
        stage = theory.life_cycle_stages.get(ctx.stage or "")
        notes.append(
            f"This collaboration is recorded at the “{stage.name}” stage of its life cycle."
            if stage else "The collaboration's life-cycle stage is not recorded."
        )
    return tuple(notes)


def _actions(model: ReportModel, theory: Any) -> list[ActionView]:
    out = []
    for rec in model.recommendations:
        st = theory.action_statements.get(rec.action_id)
        if st is None:
            continue
        out.append(
            ActionView(
                st.id, st.task, st.text, st.if_text, st.then_text, st.because_text,
                st.because_derived, tuple(rec.evidence), tuple(rec.cmocs), rec.path,
                context_notes(st.text, model.context, theory),
                pack_core.remainder(st.text, st.if_text, st.then_text, st.because_text),
            )
        )  # fmt: skip
    return out


def _mark_word(m: Any, highlight: Any) -> str:
    """How the drawing marks this scale's mechanism: once per node, so a second scale
    on the same node (clarity and sharedness of vision) says where its mark comes
    from instead of contradicting it ("weak" and "not marked" on one page)."""
    word = {"weak": "high", "strong": "low"} if m.mechanism_id == "task_complexity" else {}
    own = m.level or "not marked"
    shown = highlight.get(m.node_ids[0]) if m.node_ids else None
    if shown and shown != m.level:
        return f"{own}; the node is marked {word.get(shown, shown)} from another scale"
    return word.get(own, own)


def _causal(model: ReportModel, theory: Any, parts: Parts, numbers: FigureNumbers) -> None:
    overlay = model.overlay
    if overlay is None:
        parts.causal_note = (
            "This survey's scales are not linked to mechanisms of the programme theory, so "
            "its results cannot be laid over the causal web."
        )
        return
    parts.causal_number = numbers.upcoming
    parts.causal = figures(
        theory, dict(overlay.highlight), overlay.emphasised_edges, parts.causal_number
    )  # fmt: skip
    numbers.take(len(parts.causal))
    for m in overlay.marks:
        parts.marks.append(
            MarkRow(m.scale_name, num(m.mean) if m.mean is not None else
                    NOT_SHOWN,
                    m.band_label or "–", m.mechanism_name, "; ".join(m.node_labels),
                    _mark_word(m, overlay.highlight))
        )  # fmt: skip
    for r in overlay.routes:
        labels = {n.id: n.label for n in theory.nodes.values()}
        steps = " ".join(f"{s.effect} {labels[s.target]} →" for s in r.steps).rstrip(" →")
        route = f"{r.node_label} {steps}" if r.steps else f"{r.node_label} (no route found)"
        acted = "; ".join(f"{labels[s.source]} ({s.effect})" for s in r.acted_on_by)
        parts.routes.append(RouteRow(r.node_label, route, acted or "none in the theory"))
    weak = [m for m in overlay.marks if m.level == "weak"]
    parts.causal_note = (
        "Mechanisms whose scale is in the “Needs attention” band are marked “weak”, those in "
        "the “Strength” band “strong”; perceived task complexity, where more is worse, is "
        "marked “high” or “low” instead. The thick arrows run from the factors that act on each "
        f"weak mechanism, through it, to {overlay.target_label.lower()}; the other arrows are "
        "faded." if weak else
        "No scale is in the “Needs attention” band, so no mechanism is marked weak. Mechanisms "
        "whose scale is in the “Strength” band are marked “strong”."
    )  # fmt: skip


def _maturity(model: ReportModel, parts: Parts) -> None:
    grid = model.maturity_grid
    if grid is None:
        return
    parts.ratings_available = grid.ratings_available
    parts.maturity_note = grid.note
    for row in grid.rows:
        ratings = row.ratings.summary if row.ratings is not None else "Not available"
        agreed = (row.agreed_level or "").capitalize()
        agreed = f"{agreed} ({row.agreed_on})" if agreed and row.agreed_on else agreed
        parts.maturity.append(
            MaturityWorkshopRow(row.element_name, (row.suggested_level or "None").capitalize(),
                        row.suggested_basis, ratings, agreed or "Not recorded", row.rationale)
        )  # fmt: skip


def _methods(model: ReportModel) -> list[tuple[str, str]]:
    k = model.min_group_size
    respondents = (
        f"{model.n_respondents} people answered this wave."
        if model.n_respondents is not None
        else f"Not shown: results need at least {k} people."
    )
    methods = [
        ("Survey", f"{model.instrument_title}, version {model.instrument_version}. "
                   f"{model.instrument_status}"),
        ("Respondents", respondents),
        ("Scoring (collabdx's rule, derived)", model.scoring_rule),
        ("Disclosure control", f"{rule_text(k)} Here k = {k}. A figure for one scale or "
         f"question is shown only when at least {k} people answered it, and a comparison only "
         "when both groups reach that."),
        ("Perception gaps", "Leaders and key architects are compared with the wider workforce, "
         "clinical with managerial staff (“Both” is left out), and with three or more partners "
         "shown, each partner with the others shown together (with two, one with the other). "
         "Each difference has a Welch 95% confidence interval. With this many comparisons some "
         "intervals will miss 0 by chance: treat them as prompts for discussion."),
    ]  # fmt: skip
    if model.data_quality is not None:
        methods.insert(2, (
            "Data-quality check (collabdx's rule, derived)",
            f"{quality.RULE} In this wave: "
            f"{quality.quality_text(model.data_quality, explain=False)} "
            f"{quality.RESIDUAL}",
        ))  # fmt: skip
    return methods


def build(model: ReportModel, *, theory: Any = None, numbers: FigureNumbers) -> Parts:
    """Sections 4–8; their figures take their numbers from ``numbers``."""
    if theory is None:
        from collabdx.core.theory import load_theory

        theory = load_theory()
    parts = Parts(attribution=model.attribution)
    parts.context = context_rows(model.context, theory)
    parts.methods = _methods(model)
    parts.bands = [(b.label, b.description) for b in BANDS]
    if model.withheld:
        return parts
    parts.actions = _actions(model, theory)
    _causal(model, theory, parts, numbers)
    _maturity(model, parts)
    parts.trends = model.trends
    parts.trends_note = model.trends_note
    if model.trends is not None:
        parts.trend_numbers = [numbers.take() for _ in model.trends.charts]
    return parts
