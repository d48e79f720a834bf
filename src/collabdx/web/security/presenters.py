"""Display of the security event log and of signed-in sessions."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.utils import timezone

from collabdx.web.security.events import LABELS
from collabdx.web.security.models import SecurityEvent

PER_PAGE = 50


@dataclass(frozen=True)
class EventRow:
    when: str
    when_iso: str
    what: str
    detail: str
    who: str
    client: str


def when_text(at: dt.datetime) -> str:
    local = timezone.localtime(at)
    return f"{local.day} {local:%B %Y} at {local:%H:%M:%S}"


def event_rows(events: list[SecurityEvent]) -> list[EventRow]:
    return [
        EventRow(
            when=when_text(e.at),
            when_iso=e.at.astimezone(dt.UTC).isoformat(timespec="seconds"),
            what=LABELS.get(e.kind, e.kind),
            detail=e.detail,
            who=e.actor_name or "–",
            client=e.client or "–",
        )
        for e in events
    ]


def page_of(events: QuerySet[SecurityEvent], number: str | None) -> Page:
    """One page of events, newest first; a bad or too-large number gives the nearest page."""
    return Paginator(events, PER_PAGE).get_page(number)


def pagination(page: Page, base: str) -> dict[str, object]:
    """Parameters for the NHS.UK pagination component."""
    params: dict[str, object] = {"ariaLabel": "Pages of the security log"}
    if page.has_previous():
        params["previousUrl"] = f"{base}?page={page.previous_page_number()}"
        params["previousPage"] = "Newer events"
    if page.has_next():
        params["nextUrl"] = f"{base}?page={page.next_page_number()}"
        params["nextPage"] = "Older events"
    return params


def date_text(day: dt.date) -> str:
    today = timezone.localdate()
    if day == today:
        return "Today"
    if day == today - dt.timedelta(days=1):
        return "Yesterday"
    return f"{day.day} {day:%B %Y}"
