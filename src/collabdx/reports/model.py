"""The group report (the workshop pack) as data: no HTML here, so every renderer shows
the same figures (the HTML and PDF pack, the web page, the JSON file).

Disclosure control is applied while the model is built, so no renderer can show a
suppressed figure by mistake: suppressed values are simply absent. Everything
derived from breakdowns (gaps, split opinion, findings) is computed *after* the
breakdowns are final, from the groups they show.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from collabdx.core.breakdowns import Breakdown, all_breakdowns
from collabdx.core.data_quality import QualityCheck
from collabdx.core.disclosure import (
    DEFAULT_MIN_GROUP_SIZE,
    check_min_group_size,
    wave_stat_visible,
)
from collabdx.core.instruments import Instrument
from collabdx.core.psychometrics import PsychometricsResult
from collabdx.core.responses import ResponseSet
from collabdx.core.rules import rules_path_for
from collabdx.core.scoring import keyed_items, scale_scores_from_keyed
from collabdx.core.stats import BAND_NOTE, Summary, summarise
from collabdx.reports.findings import derive_findings
from collabdx.reports.fmt import num
from collabdx.reports.gaps import perception_gaps, split_opinion
from collabdx.reports.overlay import Overlay, causal_overlay
from collabdx.reports.partners import (
    count_tables,
    hidden_last,
    partner_table,
    protect_organisations,
)
from collabdx.reports.research import WEB_BOOTSTRAP_B, research_result
from collabdx.reports.sections import (
    CollaborationContext,
    CountTable,
    Finding,
    Gap,
    MaturityCell,
    MaturityGrid,
    SplitItem,
)

if TYPE_CHECKING:
    # Only the web app passes earlier waves, workshop ratings and trends: their modules
    # are imported where they are used, not by every `collabdx report` (issue 15).
    from collabdx.reports.moved import EarlierWave, Moved
    from collabdx.reports.trend_chart import Trends
    from collabdx.reports.trends import TrendInput
    from collabdx.reports.workshop_ratings import WorkshopRatings

ATTRIBUTION = (
    "Built on Millar R, Avery Aunger J, Rafferty AM, Greenhalgh J, Mannion R, McLeod H, "
    "Faulks D. Towards achieving interorganisational collaboration between health-care "
    "providers: a realist evidence synthesis. Health Soc Care Deliv Res 2023;11(6). "
    "https://doi.org/10.3310/KPLT1423. Licensed under CC BY 4.0 "
    "(https://creativecommons.org/licenses/by/4.0/). collabdx adapts its survey, action "
    "statements, maturity matrix and programme theory; changes are marked as derived."
)
NO_RATINGS = (
    "Private ratings are collected in the web app's maturity matrix workshop, so they are "
    "not available in a report made from a responses file."
)
ONE_FILE_ONE_WAVE = (
    "A responses file is one survey wave, so there is nothing to compare over time. "
    "Trends across waves, with the collaboration's timeline of events, are drawn in the "
    "web app once a collaboration has more than one wave."
)
COUNT_BREAKDOWNS = ("organisation", "role", "staff_group")


@dataclass(frozen=True)
class StatRow:
    id: str
    name: str
    source: str
    summary: Summary | None  # None when n < k
    # Percent of keyed answers 1..5 (1 least favourable); None when n < k.
    shares: tuple[float, float, float, float, float] | None = None
    scale_id: str | None = None  # for items: the scale they belong to
    reverse: bool = False  # for items: reverse-worded, turned round before scoring


@dataclass(frozen=True)
class ReportModel:
    title: str
    instrument_id: str
    instrument_version: str
    instrument_title: str
    instrument_status: str
    instrument_derived: bool
    scoring_rule: str
    band_note: str
    n_respondents: int | None  # None when under k: not even the count is shown
    min_group_size: int
    withheld: bool  # fewer than k respondents in all: nothing is shown
    scales: tuple[StatRow, ...]
    items: tuple[StatRow, ...]
    breakdowns: tuple[Breakdown, ...]
    recommendations: tuple[Any, ...] = ()
    maturity: tuple[Any, ...] = ()
    demo_label: str | None = None
    generated_on: str = field(default_factory=lambda: dt.date.today().isoformat())
    attribution: str = ATTRIBUTION
    context: CollaborationContext = field(default_factory=CollaborationContext)
    responses_by: tuple[CountTable, ...] = ()
    gaps: tuple[Gap, ...] = ()
    split: tuple[SplitItem, ...] = ()
    findings: tuple[Finding, ...] = ()
    overlay: Overlay | None = None
    maturity_grid: MaturityGrid | None = None
    trends: Trends | None = None
    trends_note: str = ONE_FILE_ONE_WAVE
    wave_name: str | None = None
    # The "For researchers" appendix; None when not asked for or under k.
    research: PsychometricsResult | None = None
    # What the web app's data-quality check set aside (wave level); None for a file.
    data_quality: QualityCheck | None = None
    # The previous wave's adopted actions beside what moved (web app; None: left out).
    moved: Moved | None = None


def _shares(keyed_answers: np.ndarray) -> tuple[float, float, float, float, float] | None:
    v = np.asarray(keyed_answers, dtype=float).ravel()
    v = v[~np.isnan(v)]
    if not v.size:
        return None
    a, b, c, d, e = (float((v == code).mean() * 100) for code in range(1, 6))
    return (a, b, c, d, e)


def _theory() -> Any:
    from collabdx.core.theory import load_theory

    return load_theory()


def default_maturity_grid(
    maturity: tuple[Any, ...], scales: tuple[StatRow, ...], k: int, instrument: Instrument
) -> MaturityGrid:
    """Every Table 11 element: the survey's starting point (or why there is none);
    no private ratings and no agreed level (the web app supplies those).

    The basis quotes the scale's mean as the scale table prints it (rounded), so
    the page never shows one mean two ways.
    """
    from collabdx.core.theory import load_theory

    suggested = {m.element_id: m for m in maturity}
    by_scale = {r.id: r for r in scales}
    linked = {link.element: link.scale for link in instrument.maturity}
    rows = []
    for element in load_theory().maturity_elements.values():
        m = suggested.get(element.id)
        scale_id = linked.get(element.id)
        scale = by_scale.get(scale_id) if scale_id else None
        if m is not None and scale is not None and scale.summary is not None:
            band = scale.summary.band
            basis = f"{scale.name} mean {num(scale.summary.mean)}"
            basis += f" ({band.label})" if band else ""
        elif element.id not in linked:
            basis = "None: the survey has no questions on this element."
        else:
            basis = f"None: not shown (it needs answers from at least {k} people)."
        rows.append(MaturityCell(element.id, element.name, m.level if m else None, basis, None))
    return MaturityGrid(False, NO_RATINGS, tuple(rows))


def default_title(instrument_title: str) -> str:
    """"<what the instrument measures>: group report": its title without a trailing
    "survey" (the report is not the survey)."""
    topic = instrument_title.removesuffix(" survey").strip()
    return f"{topic}: group report"


def build_report(
    responses: ResponseSet,
    *,
    min_group_size: int = DEFAULT_MIN_GROUP_SIZE,
    title: str | None = None,
    demo_label: str | None = None,
    with_feedback: bool = True,
    context: CollaborationContext | None = None,
    partner_counts: Mapping[str, int] | None = None,
    wave_name: str | None = None,
    with_research: bool = False,
    research_bootstrap_b: int = WEB_BOOTSTRAP_B,
    earlier: EarlierWave | None = None,
    workshop: WorkshopRatings | None = None,
    trends: TrendInput | None = None,
    data_quality: QualityCheck | None = None,
) -> ReportModel:
    """The report for one wave of responses.

    ``with_research`` adds the "For researchers" appendix (reliability, agreement,
    CFA feasibility; ``reports.research``). It is asked for by the workshop pack's
    renderers (``collabdx report``, the web report and its PDF) and left out by
    default, because it costs more than the rest of the model together.

    ``partner_counts`` (the web app) lists every partner with a survey link and how
    many answered through it, zeros included; the organisation breakdown is then
    made to agree with that fixed list (``reports.partners``). Without it (a file
    from the command line) organisations come from the free-text answers.

    ``earlier`` (the web app) is the previous wave with the actions adopted in its
    workshop, as plain data; the model then says what moved (``reports.moved``).
    ``workshop`` (the web app) is this wave's workshop's latest closed rating round
    and agreed levels, filled into the maturity grid (``reports.workshop_ratings``);
    ``trends`` its waves up to this one with their events (``reports.trends``); with
    them the model has trends, or says why it has none. ``data_quality`` is the
    check that decided which responses count (``core.data_quality``).

    ``title`` defaults to the instrument's own ("Readiness for collaboration:
    group report"), so another instrument's report never carries the readiness title.
    """
    k = check_min_group_size(min_group_size)
    instrument = responses.instrument
    keyed = keyed_items(responses)
    scores = scale_scores_from_keyed(keyed, instrument)
    withheld = responses.n < k

    def row(
        id_: str, name: str, source: str, s: Summary, answers: np.ndarray, **kw: Any
    ) -> StatRow:
        shown = wave_stat_visible(responses.n, s.n, k)
        return StatRow(
            id_, name, source, s if shown else None, _shares(answers) if shown else None, **kw
        )

    scales = tuple(
        row(s.id, s.name, s.source,
            summarise(scores[s.id].to_numpy(), keyed[list(s.items)].to_numpy()),
            keyed[list(s.items)].to_numpy())
        for s in instrument.scales.values()
    )  # fmt: skip
    items = tuple(
        row(i.id, i.text, i.source, summarise(keyed[i.id].to_numpy()), keyed[i.id].to_numpy(),
            scale_id=i.scale, reverse=i.reverse)
        for i in instrument.scored_items
    )  # fmt: skip
    model = ReportModel(
        title=title or default_title(instrument.title),
        instrument_id=instrument.id,
        instrument_version=instrument.version,
        instrument_title=instrument.title,
        instrument_status=instrument.status,
        instrument_derived=instrument.derived,
        scoring_rule=instrument.scoring_rule,
        band_note=BAND_NOTE,
        n_respondents=None if withheld else responses.n,
        min_group_size=k,
        withheld=withheld,
        scales=scales,
        items=items,
        breakdowns=(),
        demo_label=demo_label,
        context=context or CollaborationContext(),
        wave_name=wave_name,
        data_quality=data_quality,
    )
    if withheld:
        return model

    breakdowns = tuple(
        all_breakdowns(instrument, responses.codes, responses.text, scores, keyed, k)
    )
    if partner_counts is None:
        breakdowns = hidden_last(breakdowns)
    counts = count_tables(breakdowns, skip=() if partner_counts is None else ("organisation",))
    if partner_counts is not None:
        partners, protected = partner_table(partner_counts, k)
        breakdowns = protect_organisations(breakdowns, partner_counts, protected)
        counts.insert(0, partners)
    counts = sorted((c for c in counts if c.by in COUNT_BREAKDOWNS),
                    key=lambda c: COUNT_BREAKDOWNS.index(c.by))  # fmt: skip
    recommendations: tuple[Any, ...] = ()
    maturity: tuple[Any, ...] = ()
    overlay = None
    # Feedback needs the instrument version's own rules file; a version without one
    # (performance_check) gets none, never another version's rules.
    if with_feedback and rules_path_for(instrument.id, instrument.version) is not None:
        from collabdx.core.theory import load_theory
        from collabdx.reports.feedback import group_feedback

        recommendations, maturity = group_feedback(responses, scores, k)
        overlay = causal_overlay(instrument, load_theory(), scales)
    gaps = perception_gaps(instrument, responses.codes, responses.text, scores, breakdowns, k)
    split = split_opinion(instrument, responses.codes, responses.text, keyed, breakdowns, k)
    scale_of = {i.id: str(i.scale) for i in instrument.scored_items}
    findings = derive_findings(scales, items, gaps, split, recommendations, scale_of)
    grid = default_maturity_grid(maturity, scales, k, instrument) if instrument.maturity else None
    if grid is not None and workshop is not None:
        from collabdx.reports.workshop_ratings import workshop_grid

        grid = workshop_grid(grid, workshop, k, _theory().maturity_elements)
    wave_trends: dict[str, Any] = {}
    if trends is not None:  # the web app: trends, or why there are none
        from collabdx.reports.trends import FEWER_WAVES, build_trends

        trend = build_trends(trends, instrument.id, k)
        note = "" if trend is not None else FEWER_WAVES.format(k=k)
        wave_trends = {"trends": trend, "trends_note": note}
    moved = None
    if earlier is not None:  # the web app: what moved since the last workshop
        from collabdx.reports.moved import what_moved

        moved = what_moved(earlier, responses, k, _theory())
    research = (
        research_result(responses, k, partner_counts=partner_counts,
                        bootstrap_b=research_bootstrap_b)
        if with_research else None
    )  # fmt: skip
    return dataclasses.replace(
        model,
        breakdowns=breakdowns,
        recommendations=recommendations,
        maturity=maturity,
        responses_by=tuple(counts),
        gaps=gaps,
        split=split,
        findings=findings,
        overlay=overlay,
        maturity_grid=grid,
        research=research,
        moved=moved,
        **wave_trends,
    )
