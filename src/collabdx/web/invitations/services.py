"""Every write about invitations: making them, sending, reminding, using, forgetting.

One transaction per write; outcomes are typed. The ballot-box rule (models.py):
``use`` marks an invitation used inside the survey's submit transaction and records
nothing else, and ``blur`` rewrites all of the wave's invitation rows in that same
transaction so that no row version pairs the response with the invitation.
Mailings are started with ``transaction.on_commit`` so a task (run by `collabdx worker`
from the database queue; in the request under the immediate backend of the tests)
only ever sees committed invitations.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import transaction
from django.db.models import F

from collabdx.web.collab.models import Partner, PartnerLink, Wave
from collabdx.web.invitations.models import Invitation, Mailing

MAX_CODES = 500
NO_MAIL = (
    "This service cannot send e-mail: its administrator has not set EMAIL_HOST. "
    "Print single-use codes instead, or ask them to set it up."
)


def mail_configured() -> bool:
    from django.core.mail import mailers

    return "default" in mailers


@dataclass(frozen=True)
class Invited:
    mailing_id: int
    count: int


@dataclass(frozen=True)
class Refused:
    """Nothing was stored; ``errors`` say why, one line each."""

    errors: list[str]


@dataclass(frozen=True)
class CodesMade:
    ids: list[int]


@dataclass(frozen=True)
class Reminding:
    mailing_id: int


@dataclass(frozen=True)
class NobodyToRemind:
    """Every invitation sent by e-mail has been used (or none was sent)."""


def _closed(wave: Wave, today: dt.date | None) -> bool:
    return wave.is_closed(today)


def _start(mailing: Mailing, base_url: str) -> None:
    from collabdx.web.invitations.tasks import send_mailing

    transaction.on_commit(lambda: send_mailing.enqueue(mailing.pk, base_url))


@transaction.atomic
def invite_by_email(
    wave: Wave, partner: Partner, addresses: Sequence[str], *, base_url: str,
    today: dt.date | None = None,
) -> Invited | Refused:  # fmt: skip
    """Make one invitation per address and send them in the background.

    An address already invited to this wave (for any partner) is an error rather
    than a second invitation: two keys for one person would let them answer twice.
    """
    if _closed(wave, today):
        return Refused(["This wave has closed: invitations can no longer be sent."])
    if not mail_configured():
        return Refused([NO_MAIL])
    if not PartnerLink.objects.filter(wave=wave, partner=partner).exists():
        return Refused(["That partner is not in this wave."])
    existing = set(
        Invitation.objects.filter(wave=wave, address__in=addresses).values_list(
            "address", flat=True
        )
    )
    if existing:
        shown = sorted(existing)[:20]
        return Refused([f"{a} has already been invited to this wave" for a in shown])
    Invitation.objects.bulk_create(
        Invitation(wave=wave, partner=partner, kind=Invitation.EMAIL, address=a) for a in addresses
    )
    mailing = Mailing.objects.create(wave=wave, kind=Mailing.INVITATIONS, total=len(addresses))
    _start(mailing, base_url)
    return Invited(mailing.pk, len(addresses))


@transaction.atomic
def remind(
    wave: Wave, *, base_url: str, today: dt.date | None = None
) -> Reminding | Refused | NobodyToRemind:
    """Send a reminder to every e-mail invitation of the wave not used yet.

    Whole-wave only, never per partner: the number of reminders per partner would
    be its number of responses (docs/security.md, "Invitations")."""
    if _closed(wave, today):
        return Refused(["This wave has closed: reminders can no longer be sent."])
    if not mail_configured():
        return Refused([NO_MAIL])
    unused = Invitation.objects.filter(
        wave=wave, kind=Invitation.EMAIL, used=False, delivery=Invitation.SENT
    ).count()
    if not unused:
        return NobodyToRemind()
    mailing = Mailing.objects.create(wave=wave, kind=Mailing.REMINDERS, total=unused)
    _start(mailing, base_url)
    return Reminding(mailing.pk)


@transaction.atomic
def make_codes(
    wave: Wave, partner: Partner, count: int, today: dt.date | None = None
) -> CodesMade | Refused:
    """``count`` printable single-use codes for ``partner``."""
    if _closed(wave, today):
        return Refused(["This wave has closed: no more codes can be made."])
    if not PartnerLink.objects.filter(wave=wave, partner=partner).exists():
        return Refused(["That partner is not in this wave."])
    if not 1 <= count <= MAX_CODES:
        return Refused([f"Enter a number of codes from 1 to {MAX_CODES}."])
    made = Invitation.objects.bulk_create(
        Invitation(wave=wave, partner=partner, kind=Invitation.CODE) for _ in range(count)
    )
    ids = (
        [i.pk for i in made]
        if all(i.pk for i in made)
        else list(
            Invitation.objects.filter(token__in=[i.token for i in made]).values_list(
                "pk", flat=True
            )
        )
    )
    return CodesMade(sorted(ids))


def find(token: str) -> Invitation | None:
    return Invitation.objects.select_related("wave", "partner").filter(token=token).first()


def use(token: str) -> bool:
    """Mark the invitation used if it is not yet; False if it was (nothing changes).

    Must run inside the transaction that stores the response, after the wave row is
    locked: the conditional UPDATE is what makes parallel use of one token store
    one response (the loser's UPDATE matches no row once the winner commits)."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("use() belongs inside the submit transaction")
    return Invitation.objects.filter(token=token, used=False).update(used=True) == 1


def blur(wave_id: int) -> None:
    """Rewrite every invitation row of the wave, changing nothing.

    Called in every submit transaction of a wave that has invitations (open link or
    invitation alike): on PostgreSQL each row's ``xmin`` then names this
    transaction, the same for all of them, so the transaction id shared with the
    response cannot single out the invitation that was used, nor tell an invited
    response from an open-link one."""
    Invitation.objects.filter(wave_id=wave_id).update(used=F("used"))


@transaction.atomic
def forget_addresses(wave: Wave) -> int:
    """Blank every address of the wave (on closing it); returns how many."""
    return (
        Invitation.objects.filter(wave=wave, kind=Invitation.EMAIL)
        .exclude(address="")
        .update(address="", delivery_error="")
    )


def forget_addresses_of_closed_waves(today: dt.date) -> int:
    """The daily job's half: waves that closed on their planned date, not by a click."""
    waves = Wave.objects.filter(closes_on__lt=today, invitations__address__gt="").distinct()
    return sum(forget_addresses(w) for w in waves)
