"""Display formatting for collaboration pages. No writes, no queries beyond reads."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import segno
from django.http import HttpRequest
from django.urls import reverse

from collabdx.core.data_quality import QualityCheck
from collabdx.core.disclosure import NOT_SHOWN
from collabdx.core.instruments import load_instrument
from collabdx.core.theory import load_theory
from collabdx.core.theory_model import ActionStatement
from collabdx.core.wave_counts import closed_wave_counts, open_wave_counts
from collabdx.reports import fmt
from collabdx.reports.fmt import long_date, short_date
from collabdx.web.collab import hooks
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


def details_rows(
    values: dict[str, Any], change_url: Callable[[str], str]
) -> list[dict[str, Any]]:
    """Summary-list rows of a collaboration's details, each with its "Change" link.
    ``values`` holds the form values (as in the set-up session)."""
    rows: list[dict[str, Any]] = []

    def row(key: str, slug: str, text: str = "", html: str = "") -> None:
        value = {"html": html} if html else {"text": text}
        rows.append({
            "key": {"text": key}, "value": value,
            "actions": {"items": [{"href": change_url(slug), "text": "Change",
                                   "visuallyHiddenText": key.lower()}]},
        })  # fmt: skip

    row("Name", "name", values["name"])
    if "partners" in values:
        row("Partner organisations", "partners", ", ".join(values["partners"]))
    row("Type", "type", type_name(values["collaboration_type"]))
    row("Mandated or voluntary", "about", values["mandated"].capitalize())
    row("Cross-sector", "about", "Yes" if values["cross_sector"] == "yes" else "No")
    row("Life-cycle stage", "stage", stage_name(values["life_cycle_stage"]))
    return rows


def wave_status(wave: Wave, today: dt.date | None = None) -> str:
    if wave.is_closed(today):
        return "Closed"
    if wave.is_not_open_yet(today):
        return "Not open yet"
    return "Open"


def _day(day: dt.date, short: bool) -> str:
    return short_date(day) if short else long_date(day)


def wave_dates(wave: Wave, *, short: bool = False) -> str:
    """The wave's dates as they happened: its planned dates, or where it was closed
    early, the days it took answers and the planned close (``short``: for tables)."""
    opens, closes = _day(wave.opens_on, short), _day(wave.closes_on, short)
    if wave.closed_on is None:
        return f"{opens} to {closes}"
    closed = _day(wave.closed_on, short)
    if wave.closed_before_opening:
        if short:
            return f"Closed {closed}, before it opened"
        return f"closed on {closed} before it opened (it was planned for {opens} to {closes})"
    if short:
        return f"{opens} to {closed}, closed early"
    return f"{opens} to {closed}, closed early (it was planned to close on {closes})"


def instrument_label(wave: Wave) -> str:
    ins = load_instrument(wave.instrument_id, wave.instrument_version)
    return fmt.instrument_label(ins.title, ins.version, ins.derived)


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
    counts, quality = hooks.partner_counts(wave)
    if wave.results_released(today):
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


def upload_value_rows(values: list[tuple[str, int]], k: int) -> list[dict[str, str]]:
    """The confirm page's rows: each organisation value in the uploaded file and how
    many responses give it, "Not shown" under k (docs/security.md, "Answers collected
    elsewhere": the facilitator holds the file, but the page keeps the house rule)."""
    return [
        {"value": value or "No organisation given", "count": str(n) if n >= k else NOT_SHOWN}
        for value, n in values
    ]


NAME_CHARS = 100


def action_name(st: ActionStatement) -> str:
    """A plan item's name: the statement's "if" clause, which says what is done,
    cut at a word to at most ``NAME_CHARS`` characters. The theme ("IOC task") is
    shared by several statements, so it cannot name one (issue 14)."""
    text = f"If {st.if_text}".strip()
    if len(text) <= NAME_CHARS:
        return text
    return text[: NAME_CHARS - 1].rsplit(" ", 1)[0].rstrip(",;:") + "…"
