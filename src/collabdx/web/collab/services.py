"""Write operations on collaborations. Views call these; nothing else writes.

Each function takes already-validated values, runs in one transaction and
returns what it created, so a failure part-way leaves nothing behind.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.http import HttpRequest

from collabdx.core.instruments import load_instrument
from collabdx.web.collab import hooks
from collabdx.web.collab.models import (
    ActionPlanItem,
    Collaboration,
    Event,
    Membership,
    Partner,
    PartnerLink,
    Wave,
)
from collabdx.web.security.events import Kind, record


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
    (``Wave.results_released``), and the addresses of its e-mail invitations are deleted
    (the privacy notice promises it). The planned dates stay as they were;
    ``closed_on`` records the day. True if this call closed it (and the security log
    says so); False if it had closed already (a second click, or its planned closing
    date has passed), and then nothing changes."""
    today = today or dt.date.today()
    locked = Wave.objects.select_for_update().get(pk=wave.pk)
    if locked.is_closed(today):
        wave.closed_on = locked.closed_on
        return False
    record(Kind.WAVE_CLOSED, request=request, collaboration=wave.collaboration, detail=wave.name)
    wave.closed_on = locked.closed_on = today
    locked.save(update_fields=["closed_on"])
    hooks.wave_closed(locked)  # invitations forget their addresses (collab/hooks.py)
    return True


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
    record(Kind.COLLABORATION_DELETED, request=request, user=collab.owner, detail=collab.name)
    collab.delete()
