"""How invitations, sending progress and response rates read on the facilitator's pages.

Response rates follow the count rules of ``core.wave_counts`` exactly: a rate is a
count divided by the number invited, which the facilitator knows, so a rate is
shown only where the count itself may be shown (docs/security.md, "Invitations").
While a wave is open that means no rate per partner at all and an overall rate
only once every partner has at least k responses; once closed, the report's
counts. The number of invitations not used yet is never shown: it is the number
invited minus a count.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from django.db.models import Count, Q

from collabdx.core.wave_counts import closed_wave_counts, open_wave_counts
from collabdx.web.collab.models import Wave
from collabdx.web.invitations.models import Invitation, Mailing

NOT_SHOWN = "Not shown"


@dataclass(frozen=True)
class RateRow:
    partner: str
    invited: int  # e-mails delivered plus codes made: what the facilitator gave out
    rate: str  # "12 of 40 (30%)" or a reason it is not shown


@dataclass(frozen=True)
class MailingRow:
    kind: str
    created_on: str
    progress: str
    finished: bool


def invited_counts(wave: Wave) -> Counter[str]:
    rows = (
        Invitation.objects.filter(wave=wave)
        .filter(Q(kind=Invitation.CODE) | Q(delivery=Invitation.SENT))
        .values("partner__name")
        .annotate(n=Count("pk"))
    )
    return Counter({r["partner__name"]: r["n"] for r in rows})


def _rate(count: int | None, invited: int) -> str:
    if count is None:
        return NOT_SHOWN
    if not invited:
        return "No invitations sent"
    return f"{count} of {invited} ({round(100 * count / invited)}%)"


def rates(
    counts: dict[str, int], invited: Counter[str], k: int, *, released: bool
) -> tuple[list[RateRow], str]:
    """Rows per partner and an overall line, under the count rules (module docstring)."""
    total_invited = sum(invited.values())
    if released:
        closed = closed_wave_counts(counts, k)
        rows = [RateRow(p, invited[p], _rate(c, invited[p])) for p, c in closed.per_partner.items()]
        return rows, _rate(closed.total, total_invited)
    live = open_wave_counts(counts, k)
    rows = [
        RateRow(p, invited[p], "Shown when the wave has closed") for p in live.enough
    ]
    if live.total is None:
        return rows, "Shown once every partner has enough answers for its own results"
    return rows, _rate(live.total, total_invited)


def mailing_rows(wave: Wave) -> list[MailingRow]:
    rows = []
    for m in Mailing.objects.filter(wave=wave).order_by("-pk")[:10]:
        if m.kind == Mailing.INVITATIONS:
            progress = f"{m.done} of {m.total} sent" if not m.finished else (
                f"{m.done - m.failed} of {m.total} sent"
            )
            if m.failed:
                progress += f", {m.failed} could not be delivered"
            kind = "Invitations"
        else:
            # No number: reminders go to those who have not answered, so their count
            # would be the number invited minus a count of responses.
            progress = "Sent" if m.finished else "Sending"
            kind = "Reminders"
        rows.append(MailingRow(kind, f"{m.created_on:%-d %B %Y}", progress, m.finished))
    return rows


def failures(wave: Wave) -> list[tuple[str, str, str]]:
    """Addresses the mail server refused: (partner, address, server's reply)."""
    return [
        (i.partner.name, i.address, i.delivery_error)
        for i in Invitation.objects.filter(wave=wave, delivery=Invitation.FAILED)
        .exclude(address="")
        .select_related("partner")
        .order_by("partner__name", "address")
    ]
