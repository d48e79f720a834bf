"""The group report as data: no HTML here, so every renderer shows the same figures.

Disclosure control is applied while the model is built, so no renderer can show a
suppressed figure by mistake: suppressed values are simply absent.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from collabdx.core.breakdowns import Breakdown, all_breakdowns
from collabdx.core.disclosure import DEFAULT_MIN_GROUP_SIZE, check_min_group_size, stat_visible
from collabdx.core.responses import ResponseSet
from collabdx.core.scoring import keyed_items, scale_scores_from_keyed
from collabdx.core.stats import BAND_NOTE, Summary, summarise

ATTRIBUTION = (
    "Built on Millar R, Avery Aunger J, Rafferty AM, Greenhalgh J, Mannion R, McLeod H, "
    "Faulks D. Towards achieving interorganisational collaboration between health-care "
    "providers: a realist evidence synthesis. Health Soc Care Deliv Res 2023;11(6). "
    "https://doi.org/10.3310/KPLT1423. Licensed under CC BY 4.0 "
    "(https://creativecommons.org/licenses/by/4.0/). collabdx adapts its survey, action "
    "statements, maturity matrix and programme theory; changes are marked as derived."
)


@dataclass(frozen=True)
class StatRow:
    id: str
    name: str
    source: str
    summary: Summary | None  # None when n < k


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


def build_report(
    responses: ResponseSet,
    *,
    min_group_size: int = DEFAULT_MIN_GROUP_SIZE,
    title: str = "Readiness for collaboration: group report",
    demo_label: str | None = None,
    with_feedback: bool = True,
) -> ReportModel:
    k = check_min_group_size(min_group_size)
    instrument = responses.instrument
    keyed = keyed_items(responses)
    scores = scale_scores_from_keyed(keyed, instrument)
    withheld = responses.n < k

    def row(id_: str, name: str, source: str, s: Summary) -> StatRow:
        return StatRow(id_, name, source, s if stat_visible(s.n, k) and not withheld else None)

    scales = tuple(
        row(s.id, s.name, s.source,
            summarise(scores[s.id].to_numpy(), keyed[list(s.items)].to_numpy()))
        for s in instrument.scales.values()
    )
    items = tuple(
        row(i.id, i.text, i.source, summarise(keyed[i.id].to_numpy()))
        for i in instrument.scored_items
    )
    breakdowns: tuple[Breakdown, ...] = ()
    recommendations: tuple[Any, ...] = ()
    maturity: tuple[Any, ...] = ()
    if not withheld:
        breakdowns = tuple(
            all_breakdowns(instrument, responses.codes, responses.text, scores, keyed, k)
        )
        if with_feedback and instrument.id == "readiness":
            from collabdx.reports.feedback import group_feedback

            recommendations, maturity = group_feedback(responses, scores, k)
    return ReportModel(
        title=title,
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
        breakdowns=breakdowns,
        recommendations=recommendations,
        maturity=maturity,
        demo_label=demo_label,
    )
