"""The workshop pack for one wave, as the web app fills it in: the report model plus
what only the web app knows, loaded here as plain data and passed into
``reports.build_report``, which builds the whole model (nothing is added after).

* the collaboration's context (name, type, mandated, cross-sector, stage);
* the partner list of the wave's survey links (zeros included), which decides
  which partners may be shown (``reports.partners``);
* the maturity matrix workshop's latest closed rating round and agreed levels
  (an open round's ratings are never read; ``reports.workshop_ratings`` shows them
  under ``core.rating_disclosure``);
* the collaboration's waves up to this one with its events, for trends
  (``reports.trends``);
* the actions adopted in the previous wave's workshop, for what moved since
  (``reports.moved``; the previous wave's figures only once it is released).

Reads only. Both the report page and its PDF download build the pack here, so they
always show the same figures.
"""

from __future__ import annotations

from collabdx.core.responses import ResponseSet
from collabdx.core.theory import load_theory
from collabdx.reports.model import ReportModel, build_report
from collabdx.reports.moved import AdoptedAction, EarlierWave
from collabdx.reports.sections import CollaborationContext
from collabdx.reports.trend_chart import SkippedWave
from collabdx.reports.trends import TrendInput, TrendWave
from collabdx.reports.workshop_ratings import AgreedLevel, ClosedRound, WorkshopRatings
from collabdx.web.collab.models import ActionPlanItem, Collaboration, Wave
from collabdx.web.results import presenters
from collabdx.web.survey.wave_data import MixedInstrumentError, WaveData, load_wave
from collabdx.web.workshop import rounds
from collabdx.web.workshop.models import MaturityAgreement

DEMO_BANNER = "Demo collaboration: synthetic responses from fictional organisations. Not real data."


def context_of(collab: Collaboration) -> CollaborationContext:
    return CollaborationContext(
        collab.name, collab.collaboration_type, collab.mandated, collab.cross_sector,
        collab.life_cycle_stage,
    )  # fmt: skip


def workshop_ratings(wave: Wave) -> WorkshopRatings:
    """The wave's workshop as plain data for ``reports.workshop_ratings``: its latest
    closed rating round (an open round's ratings are never read) and agreed levels."""
    shown = rounds.shown_round(wave)
    ratings = rounds.closed_round_ratings(shown)
    closed = (
        None if shown is None or ratings is None or shown.closed_on is None
        else ClosedRound(shown.number, shown.closed_on, tuple(ratings))
    )  # fmt: skip
    agreed = {
        a.element_id: AgreedLevel(a.agreed_level, a.recorded_on, a.rationale)
        for a in MaturityAgreement.objects.filter(wave=wave)
    }
    return WorkshopRatings(closed, agreed)


def trend_input(wave: Wave, responses: ResponseSet) -> TrendInput:
    """This wave's collaboration's waves up to and including it (``responses`` are
    its own) and the events up to its closing date, as plain data for
    ``reports.trends``."""
    waves: list[TrendWave | SkippedWave] = []
    for w in wave.earlier_waves(including_this=True):
        try:
            rs = responses if w.pk == wave.pk else load_wave(w).responses
        except MixedInstrumentError:
            waves.append(SkippedWave(w.name, "it mixes survey versions"))
            continue
        waves.append(presenters.trend_wave(presenters.WaveStats(w, rs)))
    events = [e for e in wave.collaboration.events.all() if e.happened_on <= wave.last_day]
    return TrendInput(tuple(waves), presenters.trend_events(events))


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
    """The report model for ``wave``: the web app loads what only it knows, and
    ``reports.build_report`` builds the whole model from it."""
    collab = wave.collaboration
    return build_report(
        data.responses, min_group_size=k, title=f"{wave.name}: group report",
        demo_label=DEMO_BANNER if collab.is_demo else None, context=context_of(collab),
        partner_counts=data.partner_counts, wave_name=wave.name, with_research=True,
        earlier=earlier_wave(wave), workshop=workshop_ratings(wave),
        trends=trend_input(wave, data.responses), data_quality=data.quality,
    )  # fmt: skip
