"""The workshop pack's view: the report model turned into text and SVG for the templates.

One view for every rendering (the standalone HTML and PDF from the command line,
the web page, the web PDF), so the section partials in ``templates/pack/`` only lay
out what is here: they format nothing and decide nothing. Sections 1–3 (summary,
items, perception gaps) are built here; 4–8 in :mod:`collabdx.reports.pack_parts`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from markupsafe import Markup

from collabdx.core.breakdowns import Breakdown
from collabdx.core.disclosure import NOT_SHOWN
from collabdx.reports import charts, pack_core, pack_parts, pack_research
from collabdx.reports.fmt import ci, num, pct, signed
from collabdx.reports.gaps import SPLIT_SHARE
from collabdx.reports.model import ReportModel, StatRow
from collabdx.reports.research import CLI_BOOTSTRAP_B
from collabdx.reports.sections import CountTable

REVERSED = "Reverse-worded: turned round so that higher is more favourable."
# The core pack (at most 8 A4 pages, issue 14), then the annexes in this order.
CORE = (
    ("overview", "Overview"),
    ("differ", "Where views differ"),
    ("top-actions", "Top action statements"),
    ("matrix", "Maturity matrix (Table 11 of the report)"),
    ("rating-sheet", "Private rating sheet"),
)
SECTIONS = (
    ("summary", "Summary"),
    ("items", "Answers to each question"),
    ("gaps", "Perception gaps"),
    ("actions", "What to do next"),
    ("causal-web", "The causal web with your results"),
    ("maturity", "Maturity matrix: starting points, ratings and agreed levels"),
    ("trends", "Trends across waves"),
    ("methods", "Methods and limitations"),
    ("research", "For researchers"),
)


@dataclass(frozen=True)
class Figure:
    id: str
    number: int
    title: str
    svg: Markup
    # A layout for phones, shown instead of ``svg`` on a narrow screen (never printed).
    svg_narrow: Markup | None = None

    @property
    def label(self) -> str:
        return f"Figure {self.number}"


@dataclass(frozen=True)
class Cell:
    text: str
    hidden: bool = False  # shown in the muted "suppressed" style


@dataclass(frozen=True)
class Table:
    title: str
    withheld: bool
    rows: list[tuple[str, Cell]]


@dataclass(frozen=True)
class ScaleRow:
    id: str
    name: str
    shown: bool
    n: str = ""
    mean: str = ""
    ci: str = ""
    band_id: str = ""
    band_label: str = ""
    fav: str = ""
    neu: str = ""
    unf: str = ""


@dataclass(frozen=True)
class ItemRow:
    id: str
    text: str
    note: str
    shown: bool
    n: str = ""
    shares: tuple[str, ...] = ()
    mean: str = ""


@dataclass(frozen=True)
class ItemFigure:
    scale: str
    figure: Figure
    rows: list[ItemRow]


@dataclass(frozen=True)
class BreakdownRow:
    label: str
    suppressed: str  # why the group is hidden; "" when shown
    n: str
    cells: list[str]


@dataclass(frozen=True)
class BreakdownView:
    by: str
    title: str
    withheld: bool
    rows: list[BreakdownRow]


@dataclass(frozen=True)
class GapRow:
    by: str
    groups: str
    scale: str
    means: str
    diff: str
    ci: str
    clear: bool


@dataclass(frozen=True)
class FindingView:
    text: str
    href: str
    ref: str


@dataclass
class Pack:
    """Everything the pack templates show. Built by :func:`pack_view`."""

    title: str
    collaboration: str
    wave: str
    demo_label: str
    generated_on: str
    k: int
    withheld: bool
    n: str = ""
    instrument: str = ""
    sections: list[tuple[str, str]] = field(default_factory=list)
    counts: list[Table] = field(default_factory=list)
    profile: Figure | None = None
    profile_core: Figure | None = None  # the same chart on the overview page
    scales: list[ScaleRow] = field(default_factory=list)
    band_note: str = ""
    findings: list[FindingView] = field(default_factory=list)
    item_figures: list[ItemFigure] = field(default_factory=list)
    heatmap: Figure | None = None
    breakdowns: list[BreakdownView] = field(default_factory=list)
    scale_names: list[str] = field(default_factory=list)
    gaps: list[GapRow] = field(default_factory=list)
    other_gaps: list[tuple[str, str, str]] = field(default_factory=list)
    split: list[tuple[str, str]] = field(default_factory=list)
    split_share: str = f"{SPLIT_SHARE:.0f}%"
    parts: pack_parts.Parts | None = None  # sections 4 to 8
    core: pack_core.Core | None = None  # the core pages (issue 14)
    # Annex letters by section id; empty on the web page, which has no annexes.
    annexes: dict[str, str] = field(default_factory=dict)

    def annex_label(self, section_id: str) -> str:
        letter = self.annexes.get(section_id)
        return f"Annex {letter}. " if letter else ""

    def number_annexes(self) -> None:
        """Letter the annexes in order; a section with nothing to say gets none."""
        ids = [sid for sid, _ in self.sections if sid not in dict(CORE)]
        self.annexes = {sid: chr(ord("A") + i) for i, sid in enumerate(ids)}
    research: pack_research.ResearchAppendix | None = None  # the appendix for researchers


def hidden_text(reason: str | None, k: int) -> str:
    """Every hidden group reads the same, whatever the reason (issue 12): telling
    "under k" apart from "hidden to protect another group" bounded its size."""
    return NOT_SHOWN


def _count_table(t: CountTable, k: int) -> Table:
    rows = [
        (r.label, Cell(str(r.n)) if r.n is not None else Cell(hidden_text(r.reason, k), True))
        for r in t.rows
    ]
    return Table(t.title, t.withheld, rows)


def _scale_row(r: StatRow) -> ScaleRow:
    s = r.summary
    if s is None or s.mean is None:
        return ScaleRow(r.id, r.name, False)
    band = s.band
    return ScaleRow(
        r.id, r.name, True, str(s.n), num(s.mean), ci(s.ci95), band.id if band else "",
        band.label if band else "–", pct(s.pct_favourable), pct(s.pct_neutral),
        pct(s.pct_unfavourable),
    )  # fmt: skip


def _item_figures(model: ReportModel, start: int, hidden: str) -> list[ItemFigure]:
    out = []
    scales = list(model.scales)
    for offset, scale in enumerate(scales):
        items = [i for i in model.items if i.scale_id == scale.id]
        rows, dists = [], []
        for i in items:
            label = f"{i.id}. {i.name}"
            note = REVERSED if i.reverse else ""
            if i.summary is None or i.shares is None:
                rows.append(ItemRow(i.id, i.name, note, False))
                dists.append(charts.Distribution(label + (" (reversed)" if i.reverse else ""),
                                                 None, None))  # fmt: skip
                continue
            rows.append(
                ItemRow(i.id, i.name, note, True, str(i.summary.n),
                        tuple(pct(x) for x in i.shares), num(i.summary.mean))
            )  # fmt: skip
            dists.append(
                charts.Distribution(label + (" (reversed)" if i.reverse else ""), i.shares,
                                    i.summary.n)
            )  # fmt: skip
        title = f"{scale.name}: answers to each question"
        desc = (
            f"Diverging bar chart of the answers to the {len(items)} question"
            f"{'s' if len(items) != 1 else ''} of the {scale.name.lower()} scale, turned round "
            "where reverse-worded so that favourable is always to the right of the centre line "
            "and unfavourable to the left, with neutral answers centred on it. The table after "
            "the chart gives the same percentages."
        )
        fig_id = f"fig-items-{scale.id}"
        svg = charts.diverging_bars(dists, title=title, desc=desc, id_prefix=fig_id, hidden=hidden)
        out.append(ItemFigure(scale.name, Figure(fig_id, start + offset, title, svg), rows))
    return out


def breakdown_views(breakdowns: Sequence[Breakdown], scale_ids: Sequence[str], k: int) -> list[
    BreakdownView
]:
    views = []
    for b in breakdowns:
        rows = []
        for g in b.groups:
            if g.suppressed or g.scales is None:
                rows.append(BreakdownRow(g.label, hidden_text(g.reason, k), "", []))
                continue
            cells = []
            for sid in scale_ids:
                s = g.scales.get(sid)
                cells.append(num(s.mean) if s is not None and s.mean is not None else "")
            rows.append(BreakdownRow(g.label, "", str(g.n), cells))
        views.append(BreakdownView(b.by, b.title, b.withheld, rows))
    return views


def _heatmap(model: ReportModel, number: int, k: int) -> Figure:
    scales = list(model.scales)

    def means(summaries: Any) -> tuple[float | None, ...]:
        return tuple(
            s.mean if s is not None else None for s in (summaries.get(r.id) for r in scales)
        )

    everyone = charts.HeatRow(
        "All respondents", tuple(r.summary.mean if r.summary else None for r in scales)
    )
    sections: list[tuple[str, list[charts.HeatRow]]] = [("Everyone", [everyone])]
    for b in model.breakdowns:
        if b.withheld or b.by not in ("organisation", "role", "staff_group"):
            continue
        rows = [
            charts.HeatRow(g.label, (), hidden_text(g.reason, k)) if g.suppressed or not g.scales
            else charts.HeatRow(g.label, means(g.scales))
            for g in b.groups
        ]  # fmt: skip
        sections.append((b.title, rows))
    title = "Mean scale scores by group"
    desc = (
        "Heatmap of each scale's mean score (1 to 5, higher is more favourable) for everyone "
        "and for each group of respondents by organisation, role and staff group. Every cell "
        "prints its mean; the colour repeats its band (below 3.00, 3.00 to below 4.00, "
        "4.00 and above). "
        "Groups that are not shown "
        f"(a group needs at least {k} people) have no figures. The tables after the chart "
        "give the same means."
    )
    svg = charts.heatmap(sections, [r.name for r in scales], title=title, desc=desc,
                         id_prefix="fig-heatmap", hidden=NOT_SHOWN)  # fmt: skip
    return Figure("fig-heatmap", number, title, svg)


def _gap_rows(model: ReportModel) -> tuple[list[GapRow], list[tuple[str, str, str]]]:
    """Clear gaps (interval excludes 0), largest first; then, per pair of groups, the
    comparisons with no clear difference in one line, so the table stays short."""
    titles = {b.by: b.title for b in model.breakdowns}
    clear = sorted((g for g in model.gaps if g.excludes_zero), key=lambda g: -abs(g.diff))
    rows = [
        GapRow(
            titles.get(g.by, g.by), f"{g.group_a} compared with {g.group_b}", g.scale_name,
            f"{num(g.mean_a)} (n = {g.n_a}) and {num(g.mean_b)} (n = {g.n_b})",
            signed(g.diff), ci(g.ci95), True,
        )
        for g in clear
    ]  # fmt: skip
    others: dict[tuple[str, str], list[str]] = {}
    for g in model.gaps:
        if not g.excludes_zero:
            key = (f"{g.group_a} compared with {g.group_b}", titles.get(g.by, g.by))
            others.setdefault(key, []).append(f"{g.scale_name} {signed(g.diff)} ({ci(g.ci95)})")
    return rows, [(groups, by, "; ".join(items)) for (groups, by), items in others.items()]


def _split_rows(model: ReportModel) -> list[tuple[str, str]]:
    by_group: dict[str, list[str]] = {}
    reverse = {i.id for i in model.items if i.reverse}
    for s in model.split:
        by_group.setdefault(s.group, []).append(
            f"{s.item_id} ({pct(s.pct_favourable)} favourable, "
            f"{pct(s.pct_unfavourable)} unfavourable"
            + ("; reverse-worded, so favourable is disagreeing)" if s.item_id in reverse else ")")
        )
    return [(group, "; ".join(items)) for group, items in by_group.items()]


def _findings(model: ReportModel, figures: dict[str, str]) -> list[FindingView]:
    return [FindingView(f.text, f"#{f.figure}", figures.get(f.figure, "")) for f in model.findings]


def pack_view(model: ReportModel, *, theory: Any = None) -> Pack:
    """The whole pack for ``model``; ``theory`` defaults to the packaged one."""
    k = model.min_group_size
    ctx = model.context
    pack = Pack(
        title=model.title,
        collaboration=ctx.name or "",
        wave=model.wave_name or "",
        demo_label=model.demo_label or "",
        generated_on=model.generated_on,
        k=k,
        withheld=model.withheld,
        instrument=(
            f"{model.instrument_title}, version {model.instrument_version}"
            + (" (derived from the report, not validated)" if model.instrument_derived else "")
        ),
    )
    if theory is None:
        from collabdx.core.theory import load_theory

        theory = load_theory()
    pack.sections = [
        s for s in SECTIONS
        if (s[0] != "research" or model.research is not None)
        and (s[0] != "trends" or model.trends is not None)  # nothing to say in one wave
    ]  # fmt: skip
    pack.core = pack_core.build(model, theory)
    if model.withheld:
        pack.parts = pack_parts.build(model, theory=theory, first_figure=0)
        return pack
    hidden = NOT_SHOWN
    pack.n = str(model.n_respondents)
    pack.counts = [_count_table(t, k) for t in model.responses_by]
    pack.scales = [_scale_row(r) for r in model.scales]
    pack.band_note = model.band_note
    profile_desc = (
        "Dot plot of each scale's mean score on a 1 to 5 scale, higher is more favourable, "
        "with whiskers for its 95% confidence interval, drawn over three bands: needs "
        "attention (below 3.00), mixed (3.00 to below 4.00) and strength (4.00 and above). "
        "The table "
        "after the chart gives the same figures."
    )
    profile_rows = [
        charts.ProfileRow(r.name, r.summary.mean if r.summary else None,
                          r.summary.ci95 if r.summary else None) for r in model.scales
    ]  # fmt: skip
    profile_title = "Scale profile: mean and 95% confidence interval"
    pack.profile = Figure(
        "fig-profile", 1, profile_title,
        charts.scale_profile(profile_rows, title=profile_title, desc=profile_desc,
                             id_prefix="fig-profile", hidden=hidden),
        charts.scale_profile_narrow(profile_rows, title=profile_title, desc=profile_desc,
                                    id_prefix="fig-profile-narrow", hidden=hidden),
    )  # fmt: skip
    pack.profile_core = Figure(
        "fig-overview", 1, profile_title,
        charts.scale_profile(profile_rows, title=profile_title, desc=profile_desc,
                             id_prefix="fig-overview", hidden=hidden),
    )  # fmt: skip
    pack.item_figures = _item_figures(model, 2, hidden)
    number = 2 + len(pack.item_figures)
    scale_ids = [r.id for r in model.scales]
    pack.scale_names = [r.name for r in model.scales]
    pack.breakdowns = breakdown_views(model.breakdowns, scale_ids, k)
    pack.heatmap = _heatmap(model, number, k)
    pack.gaps, pack.other_gaps = _gap_rows(model)
    pack.split = _split_rows(model)
    pack.parts = pack_parts.build(model, theory=theory, first_figure=number + 1)
    figures = {f.figure.id: f.figure.label for f in pack.item_figures}
    figures.update(
        {"fig-profile": "Figure 1", "fig-heatmap": pack.heatmap.label,
         "tab-gaps": "table of perception gaps", "tab-split": "table of split opinion",
         "actions": "What to do next"}
    )  # fmt: skip
    pack.findings = _findings(model, figures)
    if model.research is not None:
        pack.research = pack_research.appendix(model.research, CLI_BOOTSTRAP_B)
    return pack
