"""Display formatting for the results pages: figures to text, under disclosure control.

Nothing here writes. Every figure the templates show is formatted here, and every
suppression decision is made here or in the core, so templates only lay out text.
The group report itself (the workshop pack) is formatted by ``reports.pack``, which
the command line shares; this module keeps the trends and action plan pages.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from collabdx.core.disclosure import NOT_SHOWN, wave_stat_visible
from collabdx.core.instruments import load_instrument
from collabdx.core.responses import ResponseSet
from collabdx.core.stats import group_stats
from collabdx.core.theory import load_theory
from collabdx.reports import trend_chart
from collabdx.reports.fmt import ci, long_date, num
from collabdx.reports.trend_chart import (
    EventRow,
    SkippedWave,
    TableCell,
    TrendChart,
    TrendScale,
)
from collabdx.web.collab.models import ActionPlanItem, Collaboration, Event, Wave
from collabdx.web.collab.presenters import action_name, wave_dates

__all__ = ["EventRow", "SkippedWave", "TableCell", "TrendChart", "TrendScale", "WaveStats"]

# ---- Trends across waves ---------------------------------------------------------------


def _dates(wave: Wave) -> str:
    return wave_dates(wave, short=True)


def wave_day(wave: Wave) -> dt.date:
    """Where a wave sits on the time axis: the middle of the days it took answers
    (to its early close, if it was closed early)."""
    end = max(wave.last_day, wave.opens_on)
    return wave.opens_on + (end - wave.opens_on) / 2


@dataclass(frozen=True)
class WaveStats:
    wave: Wave
    responses: ResponseSet


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
    none, the newest version's ``[trends]`` default scales (or else every scale) are
    drawn. The data table always lists every scale.
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
            chosen = set(latest.trend_scales) & set(names)
        drawn = [sid for sid in names if not chosen or sid in chosen]
        series = []
        table = []
        for sid, name in names.items():
            points = []
            cells = []
            for ws, st in zip(group, stats, strict=True):
                s = st.get(sid)
                if s is None or s.mean is None or not wave_stat_visible(ws.responses.n, s.n, k):
                    cells.append(TableCell("Not asked" if s is None else NOT_SHOWN, "", ""))
                    continue
                points.append(trend_chart.Point(ws.wave.name, wave_day(ws.wave), s.mean, s.ci95))
                cells.append(TableCell(num(s.mean), ci(s.ci95), str(s.n)))
            table.append((name, cells))
            if sid in drawn and points:
                series.append(trend_chart.SeriesIn(name, tuple(points)))
        defaults = [names[sid] for sid in names if sid in latest.trend_scales]
        default_note = (
            f"Unless you choose, the chart shows {' and '.join(defaults).lower()}, "
            "as Figure 13 of the report does."
            if defaults
            else "Unless you choose, the chart shows every scale."
        )
        chart = (
            trend_chart.line_chart(
                series, numbered, [(wave_day(ws.wave), ws.wave.name) for ws in group]
            )
            if series
            else None
        )
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
    name: str  # action_name: what the action is, so two actions of one theme differ
    task: str  # the Table 10 theme ("IOC task")
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
        if (
            latest is not None
            and item.reviewed_in_id != latest.pk
            and (item.adopted_in_id != latest.pk and item.status not in ("done", "dropped"))
        ):
            review_due = latest.name
        rows.append(
            PlanRow(
                item=item,
                name=action_name(st) if st else item.action_id,
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
