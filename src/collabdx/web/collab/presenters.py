"""Display formatting for collaboration pages. No writes, no queries beyond reads."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import segno
from django.http import HttpRequest
from django.urls import reverse

from collabdx.core.data_quality import QualityCheck
from collabdx.core.disclosure import NOT_SHOWN
from collabdx.core.instruments import load_instrument
from collabdx.core.theory import load_theory
from collabdx.core.wave_counts import closed_wave_counts, open_wave_counts
from collabdx.web.collab.models import Collaboration, Wave


def type_name(type_id: str) -> str:
    t = load_theory().collaboration_types.get(type_id)
    return t.name if t else type_id


def stage_name(stage_id: str) -> str:
    s = load_theory().life_cycle_stages.get(stage_id)
    return s.name if s else stage_id


def context_summary(collab: Collaboration) -> list[dict[str, object]]:
    """Summary-list rows describing the collaboration's context."""
    pairs = [
        ("Type", type_name(collab.collaboration_type)),
        ("Mandated or voluntary", "Mandated" if collab.mandated else "Voluntary"),
        ("Cross-sector", "Yes" if collab.cross_sector else "No"),
        ("Life-cycle stage", stage_name(collab.life_cycle_stage)),
    ]
    return [{"key": {"text": k}, "value": {"text": v}} for k, v in pairs]


def wave_status(wave: Wave, today: dt.date | None = None) -> str:
    today = today or dt.date.today()
    if today < wave.opens_on:
        return "Not open yet"
    if today > wave.closes_on:
        return "Closed"
    return "Open"


def instrument_label(wave: Wave) -> str:
    ins = load_instrument(wave.instrument_id, wave.instrument_version)
    label = f"{ins.title}, version {ins.version}"
    return label + " (derived, not validated)" if ins.derived else label


ENOUGH = "enough for its own results"
NOT_YET = "not yet enough for its own results"


@dataclass(frozen=True)
class LinkRow:
    partner: str
    url: str
    qr_svg: str
    responses: str  # a status while open; a count or "Not shown" once closed


@dataclass(frozen=True)
class WaveCounts:
    """How a wave's responses read on every facilitator page (issue 12, attack 3).

    ``core.wave_counts`` decides what may be shown; this only words it. While the
    wave is open: per partner whether it has enough answers for its own results, and
    how many partners have (the total only once all have). Once closed: the report's
    counts under disclosure control.
    """

    released: bool
    quality: QualityCheck
    per_partner: dict[str, str]
    summary: str  # short, for a table cell: "2 of 3 partners have enough", "27", "Not shown"
    line: str  # the wave page's sentence


def wave_counts(wave: Wave, k: int, today: dt.date | None = None) -> WaveCounts:
    from collabdx.web.results.data import used_partner_counts
    from collabdx.web.results.release import results_released

    counts, quality = used_partner_counts(wave)
    if results_released(wave, today):
        closed = closed_wave_counts(counts, k)
        per = {n: NOT_SHOWN if c is None else str(c) for n, c in closed.per_partner.items()}
        summary = NOT_SHOWN if closed.total is None else str(closed.total)
        line = f"Responses: {summary[0].lower()}{summary[1:]}."
        return WaveCounts(True, quality, per, summary, line)
    live = open_wave_counts(counts, k)
    per = {n: ENOUGH if ok else NOT_YET for n, ok in live.enough.items()}
    if live.total is not None:
        return WaveCounts(
            False, quality, per, str(live.total),
            f"Responses so far: {live.total}. Every partner has enough for its own results.",
        )  # fmt: skip
    summary = f"{live.partners_with_enough} of {live.partners} partners have enough"
    line = f"Responses so far: {summary} for their own results."
    return WaveCounts(False, quality, per, summary, line)


def qr_svg(url: str) -> str:
    # segno writes a self-contained SVG with no scripts; safe to inline under our CSP.
    return segno.make(url, error="m").svg_inline(scale=4, title="QR code for the survey link")


def link_rows(request: HttpRequest, wave: Wave, counts: WaveCounts) -> list[LinkRow]:
    rows = []
    for link in wave.links.select_related("partner").order_by("partner__name"):
        url = request.build_absolute_uri(reverse("survey:start", args=[link.token]))
        rows.append(
            LinkRow(link.partner.name, url, qr_svg(url), counts.per_partner[link.partner.name])
        )
    return rows
