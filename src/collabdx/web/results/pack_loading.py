"""The workshop pack for one wave, as the web app fills it in: the report model plus
what only the web app knows.

* the collaboration's context (name, type, mandated, cross-sector, stage);
* the partner list of the wave's survey links (zeros included), which decides
  which partners may be shown (``reports.partners``);
* the maturity matrix workshop's private ratings of its latest closed rating round
  (under the workshop's own disclosure rules, ``workshop.presenters``; an open
  round shows nothing) and agreed levels;
* trends across the collaboration's waves up to this one, with its events.

Reads only. Both the report page and its PDF download build the pack here, so they
always show the same figures.
"""

from __future__ import annotations

import dataclasses

from django.db.models import Q

from collabdx.core.disclosure import NOT_SHOWN
from collabdx.core.responses import ResponseSet
from collabdx.reports.fmt import long_date
from collabdx.reports.model import ReportModel, build_report
from collabdx.reports.sections import (
    CollaborationContext,
    MaturityCell,
    MaturityGrid,
    RatingSummary,
)
from collabdx.reports.trend_chart import Trends
from collabdx.web.collab.models import Collaboration, Wave
from collabdx.web.results import presenters
from collabdx.web.results.data import MixedInstrumentError, WaveData, load_wave
from collabdx.web.workshop import presenters as workshop
from collabdx.web.workshop import rounds

DEMO_BANNER = (
    "Demo collaboration: synthetic responses from fictional organisations. Not real data."
)
FEWER_WAVES = (
    "Trends appear here once the collaboration has more than one wave of this survey with "
    "at least {k} responses, up to and including this one. The trends page shows every wave."
)


def context_of(collab: Collaboration) -> CollaborationContext:
    return CollaborationContext(
        collab.name, collab.collaboration_type, collab.mandated, collab.cross_sector,
        collab.life_cycle_stage,
    )  # fmt: skip


def maturity_grid(wave: Wave, grid: MaturityGrid, k: int) -> MaturityGrid:
    """The survey's starting points (from the report) with the workshop's private
    ratings (the latest closed round) and agreed levels for this wave."""
    shown = rounds.shown_round(wave)
    ratings = rounds.closed_round_ratings(shown)
    summaries, _before = workshop.element_summaries(wave, ratings, k)
    by_element = {s.element.id: s for s in summaries}
    rows: list[MaturityCell] = []
    for row in grid.rows:
        s = by_element.get(row.element_id)
        if s is None:
            rows.append(row)
            continue
        d = s.distribution
        rows.append(
            dataclasses.replace(
                row,
                ratings=RatingSummary(d.kind, d.n, d.summary, d.counts),
                agreed_level=s.agreed_label,
                agreed_on=s.agreed_on,
                rationale=s.agreement.rationale if s.agreement else "",
            )
        )
    if shown is None or ratings is None:
        note = (
            "Private ratings appear here once a rating round of this wave's workshop has "
            "closed: nothing about them is shown while people are still rating."
        )
        return MaturityGrid(False, note, tuple(rows))
    note = (
        f"{len(ratings)} people rated the elements in private in round {shown.number} of "
        f"this wave's workshop (closed {long_date(shown.closed_on)}). A level's "
        f"count is shown only when at least {k} people chose it, and other levels are not "
        "shown with it where needed, so that no hidden count can be worked out; when "
        f"everyone chose the same level no count is shown. Hidden counts read “{NOT_SHOWN}”."
    )
    return MaturityGrid(True, note, tuple(rows))


def _earlier_or_this(wave: Wave) -> list[Wave]:
    return list(
        Wave.objects.filter(collaboration_id=wave.collaboration_id)
        .filter(Q(opens_on__lt=wave.opens_on) | Q(opens_on=wave.opens_on, pk__lte=wave.pk))
        .order_by("opens_on", "pk")
    )


def trends_up_to(wave: Wave, responses: ResponseSet, k: int) -> Trends | None:
    """Trends of this wave's survey over the waves up to and including this one, with
    the events up to its closing date; None with fewer than two usable waves."""
    usable: list[presenters.WaveStats] = []
    skipped: list[presenters.SkippedWave] = []
    for w in _earlier_or_this(wave):
        try:
            rs = responses if w.pk == wave.pk else load_wave(w).responses
        except MixedInstrumentError:
            skipped.append(presenters.SkippedWave(w.name, "it mixes survey versions"))
            continue
        if rs.instrument_id != responses.instrument_id:
            continue
        if rs.n < k:
            skipped.append(presenters.SkippedWave(w.name, f"results need at least {k} responses"))
            continue
        usable.append(presenters.WaveStats(w, rs))
    if len(usable) < 2:
        return None
    events = [e for e in wave.collaboration.events.all() if e.happened_on <= wave.last_day]
    charts = presenters.trend_charts(usable, events, k, {})
    return Trends(tuple(charts), tuple(presenters.event_rows(events)), tuple(skipped))


def wave_pack_model(wave: Wave, data: WaveData, k: int) -> ReportModel:
    """The report model for ``wave``, with everything the web app adds."""
    collab = wave.collaboration
    model = build_report(
        data.responses, min_group_size=k, title=f"{wave.name}: group report",
        demo_label=DEMO_BANNER if collab.is_demo else None, context=context_of(collab),
        partner_counts=data.partner_counts, wave_name=wave.name, with_research=True,
    )  # fmt: skip
    model = dataclasses.replace(model, data_quality=data.quality)
    if model.withheld:
        return model
    grid = model.maturity_grid
    if grid is not None:
        grid = maturity_grid(wave, grid, k)
    trends = trends_up_to(wave, data.responses, k)
    note = FEWER_WAVES.format(k=k) if trends is None else ""
    return dataclasses.replace(model, maturity_grid=grid, trends=trends, trends_note=note)
