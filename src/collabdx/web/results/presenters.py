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

from collabdx.core.responses import ResponseSet
from collabdx.core.theory import load_theory
from collabdx.reports import trends
from collabdx.reports.fmt import long_date
from collabdx.reports.trend_chart import (
    EventRow,
    SkippedWave,
    TableCell,
    TrendChart,
    TrendScale,
)
from collabdx.reports.trends import TrendEvent, TrendWave
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


def trend_wave(ws: WaveStats) -> TrendWave:
    """A wave as plain data for ``reports.trends``."""
    return TrendWave(ws.wave.name, wave_day(ws.wave), _dates(ws.wave), ws.wave.pk, ws.responses)


def trend_events(events: Iterable[Event]) -> tuple[TrendEvent, ...]:
    """Events as plain data for ``reports.trends``, their kinds as the pages name them."""
    kinds = dict(Event.KINDS)
    return tuple(
        TrendEvent(e.happened_on, e.pk, kinds.get(e.kind, e.kind), e.description) for e in events
    )


def event_rows(events: Iterable[Event]) -> list[EventRow]:
    return trends.event_rows(trend_events(events))


def trend_charts(
    usable: Sequence[WaveStats],
    events: Sequence[Event],
    k: int,
    selected: Mapping[str, set[str]],
) -> list[TrendChart]:
    """The trends page's charts (``reports.trends.trend_charts``)."""
    return trends.trend_charts([trend_wave(ws) for ws in usable], trend_events(events), k, selected)


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
