"""The workshop pack's view: the report model turned into text and SVG for the templates.

One view for every rendering (the standalone HTML and PDF from the command line,
the web page, the web PDF), so the section partials in ``templates/pack/`` only lay
out what is here: they format nothing and decide nothing. Sections 1–3 (summary,
items, perception gaps) are built here; 4–8 in :mod:`collabdx.reports.pack_parts`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from collabdx.core.breakdowns import Breakdown
from collabdx.core.disclosure import NOT_SHOWN
from collabdx.reports import pack_core, pack_parts, pack_research, pack_sections
from collabdx.reports.fmt import ci, num, pct, signed
from collabdx.reports.gaps import SPLIT_SHARE
from collabdx.reports.model import ReportModel, StatRow
from collabdx.reports.pack_figures import (
    Figure,
    FigureNumbers,
    ItemFigure,
    heatmap,
    hidden_text,
    item_figures,
    profile_figures,
)
from collabdx.reports.research import CLI_BOOTSTRAP_B
from collabdx.reports.sections import CountTable

if TYPE_CHECKING:
    from collabdx.reports.moved import MovedView


@dataclass(frozen=True)
class SuppressibleCell:
    text: str
    hidden: bool = False  # shown in the muted "suppressed" style


@dataclass(frozen=True)
class Table:
    title: str
    withheld: bool
    rows: list[tuple[str, SuppressibleCell]]


@dataclass(frozen=True)
class ScaleResultRow:
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
    scales: list[ScaleResultRow] = field(default_factory=list)
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

    def heading(self, section_id: str) -> str:
        """The section's heading: its annex letter, if any, and its title."""
        return self.annex_label(section_id) + pack_sections.title(section_id)

    @property
    def annex_ids(self) -> list[str]:
        """Every annex section, whether or not it has anything to say this time."""
        return [s.id for s in pack_sections.ANNEX_SECTIONS]

    def partial(self, section_id: str) -> str:
        return pack_sections.partial(section_id)

    def is_core(self, section_id: str) -> bool:
        return pack_sections.is_core(section_id)

    def number_annexes(self) -> None:
        """Letter the annexes in order; a section with nothing to say gets none."""
        ids = [sid for sid, _ in self.sections if not pack_sections.is_core(sid)]
        self.annexes = {sid: chr(ord("A") + i) for i, sid in enumerate(ids)}

    research: pack_research.ResearchAppendix | None = None  # the appendix for researchers
    moved: MovedView | None = None  # the previous workshop's actions, what moved


def _count_table(t: CountTable, k: int) -> Table:
    rows = [
        (
            r.label,
            SuppressibleCell(str(r.n)) if r.n is not None
            else SuppressibleCell(hidden_text(r.reason, k), True),
        )
        for r in t.rows
    ]
    return Table(t.title, t.withheld, rows)


def _scale_row(r: StatRow) -> ScaleResultRow:
    s = r.summary
    if s is None or s.mean is None:
        return ScaleResultRow(r.id, r.name, False)
    band = s.band
    return ScaleResultRow(
        r.id, r.name, True, str(s.n), num(s.mean), ci(s.ci95), band.id if band else "",
        band.label if band else "–", pct(s.pct_favourable), pct(s.pct_neutral),
        pct(s.pct_unfavourable),
    )  # fmt: skip


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
        s for s in pack_sections.SECTIONS
        if (s[0] != "research" or model.research is not None)
        and (s[0] != "trends" or model.trends is not None)  # nothing to say in one wave
        and (s[0] != "moved" or model.moved is not None)  # no earlier adopted actions
    ]  # fmt: skip
    pack.core = pack_core.build(model, theory)
    if model.withheld:
        pack.parts = pack_parts.build(model, theory=theory, numbers=FigureNumbers())
        return pack
    hidden = NOT_SHOWN
    pack.n = str(model.n_respondents)
    pack.counts = [_count_table(t, k) for t in model.responses_by]
    pack.scales = [_scale_row(r) for r in model.scales]
    pack.band_note = model.band_note
    numbers = FigureNumbers()
    pack.profile, pack.profile_core = profile_figures(model, numbers, hidden)
    pack.item_figures = item_figures(model, numbers, hidden)
    scale_ids = [r.id for r in model.scales]
    pack.scale_names = [r.name for r in model.scales]
    pack.breakdowns = breakdown_views(model.breakdowns, scale_ids, k)
    pack.heatmap = heatmap(model, numbers, k)
    pack.gaps, pack.other_gaps = _gap_rows(model)
    pack.split = _split_rows(model)
    pack.parts = pack_parts.build(model, theory=theory, numbers=numbers)
    figures = {f.figure.id: f.figure.label for f in pack.item_figures}
    figures.update(
        {"fig-profile": pack.profile.label, "fig-heatmap": pack.heatmap.label,
         "tab-gaps": "table of perception gaps", "tab-split": "table of split opinion",
         "actions": "What to do next"}
    )  # fmt: skip
    pack.findings = _findings(model, figures)
    if model.moved is not None:
        from collabdx.reports.moved import moved_view  # the web app's, see model.py

        pack.moved = moved_view(model.moved, k)
    if model.research is not None:
        pack.research = pack_research.appendix(model.research, CLI_BOOTSTRAP_B)
    return pack
