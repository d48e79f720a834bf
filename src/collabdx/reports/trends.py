"""Trends of a survey across a collaboration's waves, from plain data.

The web app loads the waves (:class:`TrendWave`, or :class:`SkippedWave` for one
that cannot be read) and the collaboration's events (:class:`TrendEvent`); the trends
page and the pack (``reports.model.build_report``) both draw them here, so they
agree. Each wave is re-scored against its own instrument version, and a wave's
scale mean is drawn only where ``core.disclosure.wave_stat_visible`` allows it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from collabdx.core.disclosure import NOT_SHOWN, wave_stat_visible
from collabdx.core.instruments import load_instrument
from collabdx.core.responses import ResponseSet
from collabdx.core.stats import group_stats
from collabdx.reports import trend_chart
from collabdx.reports.fmt import ci, long_date, num
from collabdx.reports.trend_chart import (
    EventRow,
    SkippedWave,
    TableCell,
    TrendChart,
    Trends,
    TrendScale,
)

FEWER_WAVES = (
    "Trends appear here once the collaboration has more than one wave of this survey with "
    "at least {k} responses, up to and including this one. The trends page shows every wave."
)


@dataclass(frozen=True)
class TrendWave:
    """One wave's responses with where it sits on the time axis."""

    name: str
    day: dt.date  # the middle of the days it took answers
    dates: str  # its dates as a table shows them
    order: int  # breaks ties between waves on one day (creation order)
    responses: ResponseSet


@dataclass(frozen=True)
class TrendEvent:
    happened_on: dt.date
    order: int  # breaks ties between events on one day
    kind: str  # the kind as the pages name it ("Merger", ...)
    description: str


@dataclass(frozen=True)
class TrendInput:
    """The waves up to and including the pack's wave, in order (a wave that cannot
    be read is a :class:`SkippedWave`), and the events up to its close."""

    waves: tuple[TrendWave | SkippedWave, ...]
    events: tuple[TrendEvent, ...]


def _ordered(events: Iterable[TrendEvent]) -> list[TrendEvent]:
    return sorted(events, key=lambda e: (e.happened_on, e.order))


def event_rows(events: Iterable[TrendEvent]) -> list[EventRow]:
    return [
        EventRow(i, long_date(e.happened_on), e.kind, e.description)
        for i, e in enumerate(_ordered(events), start=1)
    ]


def trend_charts(
    usable: Sequence[TrendWave],
    events: Sequence[TrendEvent],
    k: int,
    selected: Mapping[str, set[str]],
) -> list[TrendChart]:
    """One chart per instrument id; waves re-scored against their own versions.

    ``selected`` maps an instrument id to the scale ids to draw; when it names
    none, the newest version's ``[trends]`` default scales (or else every scale) are
    drawn. The data table always lists every scale.
    """
    numbered = [
        (i, e.happened_on, f"{long_date(e.happened_on)}, {e.kind.lower()}: {e.description}")
        for i, e in enumerate(_ordered(events), start=1)
    ]
    by_instrument: dict[str, list[TrendWave]] = {}
    for ws in usable:
        by_instrument.setdefault(ws.responses.instrument_id, []).append(ws)
    out = []
    for iid, group in by_instrument.items():
        group = sorted(group, key=lambda ws: (ws.day, ws.order))
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
                points.append(trend_chart.Point(ws.name, ws.day, s.mean, s.ci95))
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
            trend_chart.line_chart(series, numbered, [(ws.day, ws.name) for ws in group])
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
                [(ws.name, ws.dates, str(ws.responses.n)) for ws in group],
                table, f"trend-{iid}", default_note,
            )
        )  # fmt: skip
    return out


def build_trends(data: TrendInput, instrument_id: str, k: int) -> Trends | None:
    """Trends of the ``instrument_id`` survey over ``data``'s waves; None with fewer
    than two waves of it with at least k responses. Waves of other surveys are left
    out silently; a wave under k is listed as left out, with why."""
    usable: list[TrendWave] = []
    skipped: list[SkippedWave] = []
    for w in data.waves:
        if isinstance(w, SkippedWave):
            skipped.append(w)
            continue
        if w.responses.instrument_id != instrument_id:
            continue
        if w.responses.n < k:
            skipped.append(SkippedWave(w.name, f"results need at least {k} responses"))
            continue
        usable.append(w)
    if len(usable) < 2:
        return None
    charts = trend_charts(usable, data.events, k, {})
    return Trends(tuple(charts), tuple(event_rows(data.events)), tuple(skipped))
