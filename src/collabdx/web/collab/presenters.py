"""Display formatting for collaboration pages. No writes, no queries beyond reads."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import segno
from django.conf import settings
from django.db.models import Count, Q
from django.http import HttpRequest
from django.urls import reverse

from collabdx.core.disclosure import fewer_than, protect
from collabdx.core.instruments import load_instrument
from collabdx.core.theory import load_theory
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
    today = today or dt.date.today()
    if wave.has_closed_by(today):
        return "Closed"
    if today < wave.opens_on:
        return "Not open yet"
    return "Open"


def long_date(day: dt.date) -> str:
    return _day(day, short=False)


def _day(day: dt.date, short: bool) -> str:
    return f"{day.day} {day:%b %Y}" if short else f"{day.day} {day:%B %Y}"


def wave_dates(wave: Wave, *, short: bool = False) -> str:
    """The wave's dates as they happened: its planned dates, or where it was closed
    early, the days it took answers and the planned close (``short``: for tables)."""
    opens, closes = _day(wave.opens_on, short), _day(wave.closes_on, short)
    if wave.closed_on is None:
        return f"{opens} to {closes}"
    closed = _day(wave.closed_on, short)
    if wave.closed_on < wave.opens_on:
        if short:
            return f"Closed {closed}, before it opened"
        return f"closed on {closed} before it opened (it was planned for {opens} to {closes})"
    if short:
        return f"{opens} to {closed}, closed early"
    return f"{opens} to {closed}, closed early (it was planned to close on {closes})"


def instrument_label(wave: Wave) -> str:
    ins = load_instrument(wave.instrument_id, wave.instrument_version)
    label = f"{ins.title}, version {ins.version}"
    return label + " (derived, not validated)" if ins.derived else label


@dataclass(frozen=True)
class LinkRow:
    partner: str
    url: str
    qr_svg: str
    responses: str  # a count, or "fewer than k", under disclosure control


def response_counts(wave: Wave, k: int) -> tuple[dict[str, str], str]:
    """Responses per partner and in total, as text that respects the minimum group size."""
    counts = {
        p.name: p.n
        for p in wave.collaboration.partners.annotate(
            n=Count("responses", filter=Q(responses__wave=wave))
        )
    }
    total = sum(counts.values())
    protected = protect(counts, k, lower_bound=0)
    shown = {}
    for name, n in counts.items():
        if protected.visible(name):
            shown[name] = str(n)
        elif protected.withheld:
            shown[name] = "not shown yet"
        elif protected.reasons.get(name) == "primary":
            shown[name] = fewer_than(k)
        else:
            shown[name] = "not shown, to protect a smaller group"
    total_text = str(total) if total >= k else fewer_than(k)
    return shown, total_text


def qr_svg(url: str) -> str:
    # segno writes a self-contained SVG with no scripts; safe to inline under our CSP.
    return segno.make(url, error="m").svg_inline(scale=4, title="QR code for the survey link")


def link_rows(request: HttpRequest, wave: Wave) -> list[LinkRow]:
    k = settings.MIN_GROUP_SIZE
    counts, _ = response_counts(wave, k)
    rows = []
    for link in wave.links.select_related("partner").order_by("partner__name"):
        url = request.build_absolute_uri(reverse("survey:start", args=[link.token]))
        rows.append(LinkRow(link.partner.name, url, qr_svg(url), counts[link.partner.name]))
    return rows
