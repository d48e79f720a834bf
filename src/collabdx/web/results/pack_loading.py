"""The workshop pack for one wave, as the web app fills it in: the report model plus
what only the web app knows.

* the collaboration's context (name, type, mandated, cross-sector, stage);
* the partner list of the wave's survey links (zeros included), which decides
  which partners may be shown (``reports.partners``);
* the maturity matrix workshop's private ratings of its latest closed rating round
  (under the workshop's own disclosure rules, ``workshop.presenters``; an open
  round shows nothing) and agreed levels;
* trends across the collaboration's waves up to this one, with its events;
* the actions adopted in the previous wave's workshop, for what moved since
  (``reports.moved``; the previous wave's figures only once it is released).

Reads only. Both the report page and its PDF download build the pack here, so they
always show the same figures.
"""

from __future__ import annotations

import dataclasses

from collabdx.core.disclosure import NOT_SHOWN
from collabdx.core.responses import ResponseSet
from collabdx.core.theory import load_theory
from collabdx.reports.fmt import long_date
from collabdx.reports.model import ReportModel, build_report
from collabdx.reports.moved import AdoptedAction, EarlierWave
from collabdx.reports.sections import (
    CollaborationContext,
    MaturityCell,
    MaturityGrid,
    RatingSummary,
)
from collabdx.reports.trend_chart import Trends
from collabdx.web.collab.models import ActionPlanItem, Collaboration, Wave
from collabdx.web.results import presenters
from collabdx.web.survey.wave_data import MixedInstrumentError, WaveData, load_wave
from collabdx.web.workshop import presenters as workshop
from collabdx.web.workshop import rounds
from collabdx.web.workshop.models import MaturityAgreement

DEMO_BANNER = "Demo collaboration: synthetic responses from fictional organisations. Not real data."
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


def trends_up_to(wave: Wave, responses: ResponseSet, k: int) -> Trends | None:
    """Trends of this wave's survey over the waves up to and including this one, with
    the events up to its closing date; None with fewer than two usable waves."""
    usable: list[presenters.WaveStats] = []
    skipped: list[presenters.SkippedWave] = []
    for w in wave.earlier_waves(including_this=True):
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


def earlier_wave(wave: Wave) -> EarlierWave | None:
    """The wave before ``wave`` with the actions adopted in its workshop, as plain data
    for ``reports.moved``; None when there is no earlier wave or it adopted nothing.

    Its responses are passed only once its results are released (as its own report
    page requires); the report model then applies the k rule to both waves."""
    earlier = wave.earlier_waves()
    if not earlier:
        return None
    prev = earlier[-1]
    items = list(ActionPlanItem.objects.filter(adopted_in=prev).order_by("action_id"))
    if not items:
        return None
    statements = load_theory().action_statements
    actions = tuple(
        AdoptedAction(
            i.action_id,
            presenters.action_name(statements[i.action_id]) if i.action_id in statements
            else i.action_id,
            i.owner_name, i.due_on,
        )
        for i in items
    )  # fmt: skip
    responses = None
    if prev.results_released():
        try:
            responses = load_wave(prev).responses
        except MixedInstrumentError:
            responses = None  # nothing of it can be shown

    def agreed(w: Wave) -> dict[str, str]:
        return dict(
            MaturityAgreement.objects.filter(wave=w).values_list("element_id", "agreed_level")
        )

    return EarlierWave(prev.name, actions, responses, agreed(prev), agreed(wave))


def wave_pack_model(wave: Wave, data: WaveData, k: int) -> ReportModel:
    """The report model for ``wave``, with everything the web app adds."""
    collab = wave.collaboration
    model = build_report(
        data.responses, min_group_size=k, title=f"{wave.name}: group report",
        demo_label=DEMO_BANNER if collab.is_demo else None, context=context_of(collab),
        partner_counts=data.partner_counts, wave_name=wave.name, with_research=True,
        earlier=earlier_wave(wave),
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
