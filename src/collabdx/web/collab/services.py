"""Write operations on collaborations. Views call these; nothing else writes.

Each function takes already-validated values, runs in one transaction and
returns what it created, so a failure part-way leaves nothing behind.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.http import HttpRequest

from collabdx.core.instruments import load_instrument
from collabdx.web.collab.models import (
    ActionPlanItem,
    Collaboration,
    Event,
    Membership,
    Partner,
    PartnerLink,
    Wave,
)


class ServiceError(ValueError):
    """A request that is well-formed but not allowed (e.g. a duplicate partner)."""


def _clean_names(names: Iterable[str]) -> list[str]:
    seen: dict[str, str] = {}
    for raw in names:
        name = " ".join(raw.split())
        if name and name.casefold() not in seen:
            seen[name.casefold()] = name
    return list(seen.values())


@transaction.atomic
def create_collaboration(
    *,
    owner: AbstractBaseUser,
    name: str,
    collaboration_type: str,
    mandated: bool,
    cross_sector: bool,
    life_cycle_stage: str,
    partner_names: Iterable[str],
    is_demo: bool = False,
) -> Collaboration:
    collab = Collaboration.objects.create(
        owner=owner,
        name=name.strip(),
        collaboration_type=collaboration_type,
        mandated=mandated,
        cross_sector=cross_sector,
        life_cycle_stage=life_cycle_stage,
        is_demo=is_demo,
    )
    for partner in _clean_names(partner_names):
        Partner.objects.create(collaboration=collab, name=partner)
    return collab


@transaction.atomic
def update_collaboration(collab: Collaboration, **fields: object) -> Collaboration:
    allowed = {"name", "collaboration_type", "mandated", "cross_sector", "life_cycle_stage"}
    for key, value in fields.items():
        if key not in allowed:
            raise ServiceError(f"cannot change {key}")
        setattr(collab, key, value)
    collab.save()
    return collab


@transaction.atomic
def add_partner(collab: Collaboration, name: str) -> Partner:
    names = _clean_names([name])
    if not names:
        raise ServiceError("Enter the partner organisation's name")
    if collab.partners.filter(name__iexact=names[0]).exists():
        raise ServiceError(f"{names[0]} is already a partner")
    partner = Partner.objects.create(collaboration=collab, name=names[0])
    # A partner that joins mid-way gets links for waves that are still open.
    for wave in collab.waves.filter(closes_on__gte=dt.date.today(), closed_on__isnull=True):
        PartnerLink.objects.get_or_create(wave=wave, partner=partner)
    return partner


def _role_name(role: str) -> str:
    return dict(Membership.ROLES)[role].lower()


@transaction.atomic
def add_member(
    collab: Collaboration, user: AbstractBaseUser, role: str, request: HttpRequest | None = None
) -> Membership:
    """Give another facilitator access as a co-facilitator or a viewer."""
    from collabdx.web.security.events import Kind, record

    if role not in dict(Membership.ROLES):
        raise ServiceError("Choose co-facilitator or viewer")
    if user.pk == collab.owner_id:
        raise ServiceError("The owner already has full access")
    existing = collab.memberships.filter(user=user).first()
    if existing is not None:
        raise ServiceError(
            f"{user.get_username()} already has access as a {_role_name(existing.role)}. "
            "Change their role in the list instead"
        )
    member = Membership.objects.create(collaboration=collab, user=user, role=role)
    record(Kind.MEMBER_ADDED, request=request, collaboration=collab,
           detail=f"{user.get_username()} as {_role_name(role)}")  # fmt: skip
    return member


@transaction.atomic
def change_role(member: Membership, role: str, request: HttpRequest | None = None) -> bool:
    """Change a member's role; False when it already was that role (nothing written)."""
    from collabdx.web.security.events import Kind, record

    if role not in dict(Membership.ROLES):
        raise ServiceError("Choose co-facilitator or viewer")
    if member.role == role:
        return False
    before = member.role
    member.role = role
    member.save(update_fields=["role"])
    change = f"{member.user.get_username()}: {_role_name(before)} to {_role_name(role)}"
    record(Kind.ROLE_CHANGED, request=request, collaboration=member.collaboration, detail=change)
    return True


@transaction.atomic
def remove_member(member: Membership, request: HttpRequest | None = None) -> None:
    """Take a member's access away. Their open sessions lose it at their next request:
    ``access`` reads the membership from the database every time."""
    from collabdx.web.security.events import Kind, record

    name, collab = member.user.get_username(), member.collaboration
    member.delete()
    record(Kind.MEMBER_REMOVED, request=request, collaboration=collab, detail=name)


@transaction.atomic
def open_wave(
    collab: Collaboration,
    *,
    name: str,
    instrument_id: str,
    instrument_version: str,
    opens_on: dt.date,
    closes_on: dt.date,
) -> Wave:
    """Create a survey round with an anonymous link for every partner."""
    load_instrument(instrument_id, instrument_version)  # raises if unknown
    if closes_on < opens_on:
        raise ServiceError("The closing date must be on or after the opening date")
    if not collab.partners.exists():
        raise ServiceError("Add at least one partner organisation before opening a wave")
    wave = Wave.objects.create(
        collaboration=collab,
        name=name.strip(),
        instrument_id=instrument_id,
        instrument_version=instrument_version,
        opens_on=opens_on,
        closes_on=closes_on,
    )
    for partner in collab.partners.all():
        PartnerLink.objects.create(wave=wave, partner=partner)
    return wave


@transaction.atomic
def close_wave(
    wave: Wave, today: dt.date | None = None, request: HttpRequest | None = None
) -> bool:
    """Close ``wave`` now: its links stop taking answers and its results are released
    (``results.release``), and the addresses of its e-mail invitations are deleted
    (the privacy notice promises it). The planned dates stay as they were;
    ``closed_on`` records the day. True if this call closed it (and the security log
    says so); False if it had closed already (a second click, or its planned closing
    date has passed), and then nothing changes."""
    from collabdx.web.security.events import Kind, record

    today = today or dt.date.today()
    locked = Wave.objects.select_for_update().get(pk=wave.pk)
    if locked.is_closed(today):
        wave.closed_on = locked.closed_on
        return False
    record(Kind.WAVE_CLOSED, request=request, collaboration=wave.collaboration, detail=wave.name)
    wave.closed_on = locked.closed_on = today
    locked.save(update_fields=["closed_on"])
    from collabdx.web.invitations.services import forget_addresses

    forget_addresses(locked)
    return True


@dataclass(frozen=True)
class Imported:
    """Responses stored from a file; the wave is closed (``closed_now``: by this call)."""

    stored: int
    left_out: int
    closed_now: bool


@dataclass(frozen=True)
class ImportRefused:
    """Nothing was stored, because ``reason`` (a sentence for the facilitator)."""

    reason: str


ImportOutcome = Imported | ImportRefused


@transaction.atomic
def import_responses(
    wave: Wave,
    *,
    instrument_id: str,
    instrument_version: str,
    collected: str,
    rows: Sequence[tuple[str, Mapping[str, int]]],
    mapping: Mapping[str, int | None],
    today: dt.date | None = None,
    request: HttpRequest | None = None,
) -> ImportOutcome:
    """Store answers collected elsewhere (``rows``: the file's organisation value and
    answer codes, already validated by the importer) in ``wave``, then close it.

    Why all-or-nothing in one transaction with the wave locked: a wave holds one
    population. Mixing online answers with a file's would count people twice, and a
    wave left open after an upload would let new answers be compared with the
    uploaded ones; so a wave with any response refuses, and the upload closes it.
    ``mapping`` sends each organisation value to a partner's id, or to None (leave
    those responses out: the facilitator chose so explicitly). Responses record the
    wave's instrument id and version, and the date of the upload only."""
    from collabdx.web.security.events import Kind, record
    from collabdx.web.survey.models import Response

    today = today or dt.date.today()
    locked = Wave.objects.select_for_update().get(pk=wave.pk)
    if (instrument_id, instrument_version) != (locked.instrument_id, locked.instrument_version):
        return ImportRefused(
            f"The file was read as {instrument_id} version {instrument_version}, but "
            f"{locked.name} uses {locked.instrument_id} version {locked.instrument_version}."
        )
    if Response.objects.filter(wave=locked).exists():
        return ImportRefused(
            f"{locked.name} already has responses collected online. Answers from a file "
            "go into a wave of their own: open a new wave and upload the file there."
        )
    if collected not in dict(Wave.COLLECTED) or collected == Wave.ONLINE:
        return ImportRefused(f"Unknown kind of file: {collected}.")
    partners = {p.pk: p for p in locked.collaboration.partners.all()}
    unmapped = sorted({org for org, _ in rows if org not in mapping})
    if unmapped:
        return ImportRefused("Choose a partner, or to leave them out, for every organisation.")
    if any(pk is not None and pk not in partners for pk in mapping.values()):
        return ImportRefused("Choose one of this collaboration's partners.")
    kept = [(partners[pk], answers) for org, answers in rows if (pk := mapping[org]) is not None]
    if not kept:
        return ImportRefused(
            "Every response would be left out. Choose a partner for at least one organisation."
        )
    Response.objects.bulk_create(
        Response(
            wave=locked,
            partner=partner,
            instrument_id=instrument_id,
            instrument_version=instrument_version,
            answers=dict(answers),
            submitted_on=today,
        )
        for partner, answers in kept
    )
    locked.collected = collected
    locked.save(update_fields=["collected"])
    record(
        Kind.RESPONSES_UPLOADED, request=request, collaboration=locked.collaboration,
        detail=f"{locked.name}: {len(kept)} responses from a file ({collected})",
    )  # fmt: skip
    closed_now = close_wave(locked, today, request=request)
    wave.collected, wave.closed_on = locked.collected, locked.closed_on
    return Imported(stored=len(kept), left_out=len(rows) - len(kept), closed_now=closed_now)


@transaction.atomic
def record_event(
    collab: Collaboration, *, happened_on: dt.date, kind: str, description: str
) -> Event:
    return Event.objects.create(
        collaboration=collab, happened_on=happened_on, kind=kind, description=description.strip()
    )


@transaction.atomic
def delete_event(event: Event) -> None:
    event.delete()


@transaction.atomic
def adopt_action(collab: Collaboration, action_id: str, wave: Wave | None) -> ActionPlanItem:
    item, _ = ActionPlanItem.objects.get_or_create(
        collaboration=collab, action_id=action_id, defaults={"adopted_in": wave}
    )
    return item


@transaction.atomic
def update_plan_item(
    item: ActionPlanItem,
    *,
    owner_name: str,
    due_on: dt.date | None,
    status: str,
    note: str,
    reviewed_in: Wave | None = None,
) -> ActionPlanItem:
    item.owner_name = owner_name.strip()
    item.due_on = due_on
    item.status = status
    item.note = note.strip()
    if reviewed_in is not None:
        item.reviewed_in = reviewed_in
    item.save()
    return item


@transaction.atomic
def delete_collaboration(collab: Collaboration, request: HttpRequest | None = None) -> None:
    """Delete the collaboration and, by cascade, every response and rating in it.

    Its security log goes with it, so the deletion is recorded on the owner's own
    account log instead."""
    from collabdx.web.security.events import Kind, record

    record(Kind.COLLABORATION_DELETED, request=request, user=collab.owner, detail=collab.name)
    collab.delete()
