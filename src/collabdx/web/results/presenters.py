"""Display formatting for the results pages: figures to text, under disclosure control.

Nothing here writes. Every figure the templates show is formatted here, and every
suppression decision is made here or in the core, so templates only lay out text.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from collabdx.core.breakdowns import HIDDEN_ORGANISATION, Breakdown, GroupResult
from collabdx.core.breakdowns import normalise_organisation as norm
from collabdx.core.disclosure import Protected, fewer_than, protect, stat_visible
from collabdx.core.instruments import Instrument, load_instrument
from collabdx.core.responses import ResponseSet
from collabdx.core.stats import Summary, group_stats
from collabdx.core.theory import load_theory
from collabdx.reports.model import ReportModel
from collabdx.web.collab.models import ActionPlanItem, Collaboration, Event, Wave
from collabdx.web.results import charts

HIDDEN_TO_PROTECT = "Hidden to protect a smaller group"
# Scales drawn when the facilitator has not chosen: trust and faith, as in the seed's
# Figure 13. Instruments not listed here draw every scale.
DEFAULT_TREND_SCALES: Mapping[str, frozenset[str]] = {
    "readiness": frozenset({"initial_trust", "initial_faith"}),
}


def fmt(x: float | None, places: int = 2) -> str:
    return "–" if x is None else f"{x:.{places}f}"


def pct(x: float | None) -> str:
    return "–" if x is None else f"{x:.0f}%"


def ci_text(s: Summary) -> str:
    return "–" if s.ci95 is None else f"{s.ci95[0]:.2f} to {s.ci95[1]:.2f}"


def long_date(day: dt.date) -> str:
    return f"{day.day} {day:%B %Y}"


def short_date(day: dt.date) -> str:
    return f"{day.day} {day:%b %Y}"


def suppressed_text(reason: str | None, k: int) -> str:
    if reason == "primary":
        return fewer_than(k).capitalize()
    return HIDDEN_TO_PROTECT


def instrument_label(instrument: Instrument) -> str:
    label = f"{instrument.title}, version {instrument.version}"
    return label + " (derived from the report, not validated)" if instrument.derived else label


# ---- Responses per partner -------------------------------------------------------------


@dataclass(frozen=True)
class CountRow:
    label: str
    value: str
    suppressed: bool


def partner_rows(counts: Mapping[str, int], k: int) -> tuple[list[CountRow], Protected]:
    """Responses per partner. Partners are a fixed list, so an empty one is possible
    and the outsider's lower bound is 0."""
    protected = protect(dict(counts), k, lower_bound=0)
    rows = []
    for name, n in counts.items():
        if protected.visible(name):
            rows.append(CountRow(name, str(n), False))
        else:
            rows.append(CountRow(name, suppressed_text(protected.reasons.get(name), k), True))
    return rows, protected


def protect_organisations(
    report: ReportModel, counts: Mapping[str, int], protected: Protected
) -> ReportModel:
    """Make the organisation breakdown agree with the partner table.

    The partner table decides suppression over the fixed list of partners (lower
    bound 0, empty partners included); the core's organisation breakdown over the
    partners that have answers (lower bound 1). Shown side by side they must not
    disagree, or a reader could subtract. So the breakdown:

    * hides every partner that either decision hides (the union);
    * lists a hidden row for every partner with no responses, so that the number
      of rows does not tell which partners are empty;
    * puts hidden rows last, so their position says nothing of their name.
    """
    hidden = {norm(name) for name in protected.suppressed}
    empty = [name for name, n in counts.items() if n == 0]
    out = []
    for b in report.breakdowns:
        if b.by != "organisation" or b.withheld:
            out.append(b)
            continue
        shown: list[GroupResult] = []
        concealed: list[GroupResult] = []
        for g in b.groups:
            if g.suppressed:
                concealed.append(g)
            elif protected.withheld or norm(g.label) in hidden:
                concealed.append(
                    GroupResult(HIDDEN_ORGANISATION, True, "complementary", None, None)
                )
            else:
                shown.append(g)
        concealed += [GroupResult(HIDDEN_ORGANISATION, True, "primary", None, None) for _ in empty]
        concealed.sort(key=lambda g: g.reason != "primary")
        if not shown:
            out.append(dataclasses.replace(b, withheld=True, groups=()))
        else:
            out.append(dataclasses.replace(b, groups=(*shown, *concealed)))
    return dataclasses.replace(report, breakdowns=tuple(out))


# ---- Scale profile and items -----------------------------------------------------------


@dataclass(frozen=True)
class Bar:
    """A 100-unit stacked bar: favourable, neutral, unfavourable (drawn as inline SVG)."""

    fav: float
    neu: float
    unf: float

    @property
    def neu_x(self) -> float:
        return self.fav

    @property
    def unf_x(self) -> float:
        return self.fav + self.neu


@dataclass(frozen=True)
class StatView:
    id: str
    name: str
    note: str
    shown: bool
    n: str = ""
    mean: str = ""
    ci: str = ""
    band_id: str = ""
    band_label: str = ""
    fav: str = ""
    neu: str = ""
    unf: str = ""
    bar: Bar | None = None


def stat_view(id_: str, name: str, summary: Summary | None, note: str = "") -> StatView:
    if summary is None or summary.mean is None:
        return StatView(id_, name, note, False)
    band = summary.band
    bar = None
    if summary.pct_favourable is not None:
        bar = Bar(
            summary.pct_favourable, summary.pct_neutral or 0.0, summary.pct_unfavourable or 0.0
        )
    return StatView(
        id_, name, note, True, str(summary.n), fmt(summary.mean), ci_text(summary),
        band.id if band else "", band.label if band else "–",
        pct(summary.pct_favourable), pct(summary.pct_neutral), pct(summary.pct_unfavourable), bar,
    )  # fmt: skip


@dataclass(frozen=True)
class ItemGroup:
    scale: str
    items: list[StatView]


def item_groups(report: ReportModel, instrument: Instrument) -> list[ItemGroup]:
    """Item distributions, grouped by scale in the instrument's order."""
    rows = {r.id: r for r in report.items}
    groups = []
    for scale in instrument.scales.values():
        views = []
        for item_id in scale.items:
            row = rows.get(item_id)
            if row is None:
                continue
            note = "Reverse-worded: turned round so that higher is more favourable." if (
                instrument.items[item_id].reverse
            ) else ""
            views.append(stat_view(row.id, row.name, row.summary, note))
        groups.append(ItemGroup(scale.name, views))
    return groups


# ---- Breakdowns ------------------------------------------------------------------------


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


def breakdown_views(breakdowns: Iterable[Breakdown], scale_ids: Sequence[str], k: int) -> list[
    BreakdownView
]:
    views = []
    for b in breakdowns:
        rows = []
        for g in b.groups:
            if g.suppressed or g.scales is None:
                rows.append(BreakdownRow(g.label, suppressed_text(g.reason, k), "", []))
                continue
            cells = []
            for sid in scale_ids:
                s = g.scales.get(sid)
                cells.append(fmt(s.mean) if s is not None and s.mean is not None else "")
            rows.append(BreakdownRow(g.label, "", str(g.n), cells))
        views.append(BreakdownView(b.by, b.title, b.withheld, rows))
    return views


# ---- Action statements and maturity ----------------------------------------------------


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
    cmocs: tuple[tuple[str, str, str], ...]
    path: str
    adopted: bool


def action_views(recommendations: Iterable[object], adopted: set[str]) -> list[ActionView]:
    theory = load_theory()
    out = []
    for rec in recommendations:
        aid = str(getattr(rec, "action_id", ""))
        st = theory.action_statements.get(aid)
        if st is None:
            continue
        out.append(
            ActionView(
                aid, st.task, st.text, st.if_text, st.then_text, st.because_text,
                st.because_derived, tuple(getattr(rec, "evidence", ())),
                tuple(getattr(rec, "cmocs", ())), str(getattr(rec, "path", "")), aid in adopted,
            )
        )  # fmt: skip
    return out


@dataclass(frozen=True)
class MaturityView:
    element: str
    level: str
    basis: str


def maturity_views(rows: Iterable[object]) -> list[MaturityView]:
    return [
        MaturityView(
            str(getattr(m, "element_name", "")),
            str(getattr(m, "level", "")).capitalize(),
            str(getattr(m, "basis", "")),
        )
        for m in rows
    ]


# ---- Trends across waves ---------------------------------------------------------------


def _dates(wave: Wave) -> str:
    return f"{short_date(wave.opens_on)} to {short_date(wave.closes_on)}"


def wave_day(wave: Wave) -> dt.date:
    """Where a wave sits on the time axis: the middle of its survey dates."""
    return wave.opens_on + (wave.closes_on - wave.opens_on) / 2


@dataclass(frozen=True)
class WaveStats:
    wave: Wave
    responses: ResponseSet


@dataclass(frozen=True)
class SkippedWave:
    name: str
    reason: str


@dataclass(frozen=True)
class TableCell:
    mean: str
    ci: str
    n: str


@dataclass(frozen=True)
class TrendScale:
    id: str
    name: str
    selected: bool


@dataclass(frozen=True)
class TrendChart:
    instrument_id: str
    title: str
    versions_note: str
    chart: charts.Chart | None
    scales: list[TrendScale]
    waves: list[tuple[str, str, str]]  # name, dates, n
    table: list[tuple[str, list[TableCell]]]  # scale name, one cell per wave
    dom_id: str
    default_note: str


@dataclass(frozen=True)
class EventRow:
    number: int
    date: str
    kind: str
    description: str


def event_rows(events: Iterable[Event]) -> list[EventRow]:
    kinds = dict(Event.KINDS)
    ordered = sorted(events, key=lambda e: (e.happened_on, e.pk))
    return [
        EventRow(i, long_date(e.happened_on), kinds.get(e.kind, e.kind), e.description)
        for i, e in enumerate(ordered, start=1)
    ]


def trend_charts(
    usable: Sequence[WaveStats],
    events: Sequence[Event],
    k: int,
    selected: Mapping[str, set[str]],
) -> list[TrendChart]:
    """One chart per instrument id; waves re-scored against their own versions.

    ``selected`` maps an instrument id to the scale ids to draw; when it names
    none, ``DEFAULT_TREND_SCALES`` (or else every scale) is drawn. The data table
    always lists every scale.
    """
    kinds = dict(Event.KINDS)
    numbered = [
        (i, e.happened_on,
         f"{long_date(e.happened_on)}, {kinds.get(e.kind, e.kind).lower()}: {e.description}")
        for i, e in enumerate(sorted(events, key=lambda e: (e.happened_on, e.pk)), start=1)
    ]  # fmt: skip
    by_instrument: dict[str, list[WaveStats]] = {}
    for ws in usable:
        by_instrument.setdefault(ws.responses.instrument_id, []).append(ws)
    out = []
    for iid, group in by_instrument.items():
        group = sorted(group, key=lambda ws: (wave_day(ws.wave), ws.wave.pk))
        versions = sorted({ws.responses.instrument_version for ws in group}, key=int)
        latest = load_instrument(iid, versions[-1])
        # Scales in the newest version's order, then any only older versions have.
        names: dict[str, str] = {s.id: s.name for s in latest.scales.values()}
        stats = []
        for ws in group:
            ins = ws.responses.instrument
            for scale in ins.scales.values():
                names.setdefault(scale.id, scale.name)
            stats.append(group_stats(ws.responses).scales)
        chosen = set(selected.get(iid, ())) & set(names)
        if not chosen:
            chosen = set(DEFAULT_TREND_SCALES.get(iid, ())) & set(names)
        drawn = [sid for sid in names if not chosen or sid in chosen]
        series = []
        table = []
        for sid, name in names.items():
            points = []
            cells = []
            for ws, st in zip(group, stats, strict=True):
                s = st.get(sid)
                if s is None or s.mean is None or not stat_visible(s.n, k):
                    cells.append(
                        TableCell("Not asked" if s is None else fewer_than(k) + " answers", "", "")
                    )
                    continue
                points.append(charts.Point(ws.wave.name, wave_day(ws.wave), s.mean, s.ci95))
                cells.append(TableCell(fmt(s.mean), ci_text(s), str(s.n)))
            table.append((name, cells))
            if sid in drawn and points:
                series.append(charts.SeriesIn(name, tuple(points)))
        defaults = [names[sid] for sid in names if sid in DEFAULT_TREND_SCALES.get(iid, ())]
        default_note = (
            f"Unless you choose, the chart shows {' and '.join(defaults).lower()}, "
            "as Figure 13 of the report does."
            if defaults else "Unless you choose, the chart shows every scale."
        )
        chart = charts.line_chart(
            series, numbered, [(wave_day(ws.wave), ws.wave.name) for ws in group]
        ) if series else None
        if len(versions) > 1:
            versions_note = (
                f"These waves used versions {', '.join(versions[:-1])} and {versions[-1]} of the "
                "survey. Each wave is scored against its own version; scales are matched by name "
                "across versions."
            )
        else:
            versions_note = (
                f"Every wave here used version {versions[0]} of the survey "
                "and is scored against it."
            )
        out.append(
            TrendChart(
                iid, latest.title, versions_note, chart,
                [TrendScale(sid, nm, sid in drawn) for sid, nm in names.items()],
                [(ws.wave.name, _dates(ws.wave), str(ws.responses.n)) for ws in group],
                table, f"trend-{iid}", default_note,
            )
        )  # fmt: skip
    return out


# ---- Action plan -----------------------------------------------------------------------


@dataclass(frozen=True)
class PlanRow:
    item: ActionPlanItem
    task: str
    text: str
    if_text: str
    then_text: str
    because_text: str
    status: str
    status_tag: str
    owner: str
    due: str
    note: str
    adopted_in: str
    reviewed_in: str
    review_due: str  # name of the wave it should be reviewed at, "" when up to date


STATUS_TAGS = {"not_started": "grey", "in_progress": "blue", "done": "green", "dropped": "red"}


def plan_rows(collab: Collaboration, items: Iterable[ActionPlanItem]) -> list[PlanRow]:
    theory = load_theory()
    statuses = dict(ActionPlanItem.STATUSES)
    latest = collab.waves.order_by("-opens_on", "-id").first()
    rows = []
    for item in items:
        st = theory.action_statements.get(item.action_id)
        review_due = ""
        if latest is not None and item.reviewed_in_id != latest.pk and (
            item.adopted_in_id != latest.pk and item.status not in ("done", "dropped")
        ):
            review_due = latest.name
        rows.append(
            PlanRow(
                item=item,
                task=st.task if st else item.action_id,
                text=st.text if st else "This statement is no longer in the programme theory.",
                if_text=st.if_text if st else "",
                then_text=st.then_text if st else "",
                because_text=st.because_text if st else "",
                status=statuses.get(item.status, item.status),
                status_tag=STATUS_TAGS.get(item.status, "grey"),
                owner=item.owner_name or "Not set",
                due=long_date(item.due_on) if item.due_on else "Not set",
                note=item.note,
                adopted_in=item.adopted_in.name if item.adopted_in else "–",
                reviewed_in=item.reviewed_in.name if item.reviewed_in else "Not reviewed yet",
                review_due=review_due,
            )
        )
    return rows
