"""The workshop pack's figures: the charts drawn from the report model, each with
its number.

Figures are numbered in the order the pack shows them, by one
:class:`FigureNumbers` that every builder takes its numbers from (the scale profile,
the items' charts, the heatmap here; the causal web and the trends in
:mod:`collabdx.reports.pack_parts`), so adding a figure renumbers the rest and no
builder counts another's figures.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from markupsafe import Markup

from collabdx.core.disclosure import NOT_SHOWN
from collabdx.reports import charts
from collabdx.reports.fmt import num, pct
from collabdx.reports.model import ReportModel

REVERSED = "Reverse-worded: turned round so that higher is more favourable."


class FigureNumbers:
    """Hands out figure numbers, from 1, in the order the figures are built."""

    def __init__(self) -> None:
        self._next = 1

    @property
    def upcoming(self) -> int:
        """The number the next figure will take."""
        return self._next

    def take(self, count: int = 1) -> int:
        """Numbers for the next ``count`` figures; returns the first."""
        first = self._next
        self._next += count
        return first


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
class ItemResultRow:
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
    rows: list[ItemResultRow]


def hidden_text(reason: str | None, k: int) -> str:
    """Every hidden group reads the same, whatever the reason (issue 12): telling
    "under k" apart from "hidden to protect another group" bounded its size."""
    return NOT_SHOWN


def profile_figures(
    model: ReportModel, numbers: FigureNumbers, hidden: str
) -> tuple[Figure, Figure]:
    """The scale profile for its annex (with a phone layout) and for the overview."""
    number = numbers.take()
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
    profile = Figure(
        "fig-profile", number, profile_title,
        charts.scale_profile(profile_rows, title=profile_title, desc=profile_desc,
                             id_prefix="fig-profile", hidden=hidden),
        charts.scale_profile_narrow(profile_rows, title=profile_title, desc=profile_desc,
                                    id_prefix="fig-profile-narrow", hidden=hidden),
    )  # fmt: skip
    # The same figure, so the same number, on the overview page.
    core = Figure(
        "fig-overview", number, profile_title,
        charts.scale_profile(profile_rows, title=profile_title, desc=profile_desc,
                             id_prefix="fig-overview", hidden=hidden),
    )  # fmt: skip
    return profile, core


def item_figures(model: ReportModel, numbers: FigureNumbers, hidden: str) -> list[ItemFigure]:
    """One diverging bar chart per scale, with its table's rows."""
    out = []
    scales = list(model.scales)
    for scale in scales:
        items = [i for i in model.items if i.scale_id == scale.id]
        rows, dists = [], []
        for i in items:
            label = f"{i.id}. {i.name}"
            note = REVERSED if i.reverse else ""
            if i.summary is None or i.shares is None:
                rows.append(ItemResultRow(i.id, i.name, note, False))
                dists.append(charts.AnswerShares(label + (" (reversed)" if i.reverse else ""),
                                                 None, None))  # fmt: skip
                continue
            rows.append(
                ItemResultRow(i.id, i.name, note, True, str(i.summary.n),
                        tuple(pct(x) for x in i.shares), num(i.summary.mean))
            )  # fmt: skip
            dists.append(
                charts.AnswerShares(label + (" (reversed)" if i.reverse else ""), i.shares,
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
        out.append(ItemFigure(scale.name, Figure(fig_id, numbers.take(), title, svg), rows))
    return out


def heatmap(model: ReportModel, numbers: FigureNumbers, k: int) -> Figure:
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
    return Figure("fig-heatmap", numbers.take(), title, svg)
