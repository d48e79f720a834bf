"""Every facilitator URL finds its objects through here, so access is checked once.

Someone with no role in a collaboration gets 404, never 403: a 403 would confirm
that the collaboration exists. Someone with a role that does not allow the action
gets 403 (they know it exists) with a page that says why.

Roles and what they may do (docs/security.md, "Roles"):

* **owner** (``Collaboration.owner``): everything, and alone may delete the
  collaboration, download everything held about it, give, change or take away
  access, and read its security log;
* **co-facilitator**: run the collaboration: change its details, add partners and
  events, open and close waves, see and share partner and maturity links, run the
  workshop, keep the action plan, read every result and download the data;
* **viewer**: read: the collaboration and wave pages (without the partner or
  maturity links, which are keys to answer with), every results page, trends and
  the action plan, and the workshop pack PDF. No change of any kind, no
  respondent-level download (CSV, XLSX, JSON, long format), no workshop page.

The check reads the database on every request, so a change of role or a removal
takes effect at the member's next request, in every session they have open.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest

from collabdx.web.collab.models import Collaboration, Membership, Wave
from collabdx.web.security.events import Kind, record


class Role(StrEnum):
    OWNER = "owner"
    COFACILITATOR = Membership.COFACILITATOR
    VIEWER = Membership.VIEWER


class Action(StrEnum):
    READ = "read"  # see the collaboration and its released results
    DOWNLOAD = "download"  # respondent-level data files
    RUN = "run"  # change anything; see the partner and maturity links
    OWN = "own"  # delete, download everything, manage access, read the security log


ALLOWED: dict[Role, frozenset[Action]] = {
    Role.OWNER: frozenset(Action),
    Role.COFACILITATOR: frozenset({Action.READ, Action.DOWNLOAD, Action.RUN}),
    Role.VIEWER: frozenset({Action.READ}),
}

REFUSED: dict[Action, str] = {
    Action.READ: "You do not have access to this collaboration.",
    Action.DOWNLOAD: "Viewers can read the results but not download the data. "
    "Ask the owner to make you a co-facilitator if you need the files.",
    Action.RUN: "Viewers can read this collaboration and its results but cannot change "
    "anything. Ask the owner to make you a co-facilitator if you need to.",
    Action.OWN: "Only the collaboration's owner can do this.",
}

_CACHE = "_cdx_roles"


def role_of(user: Any, collab: Collaboration) -> Role | None:
    if not getattr(user, "is_authenticated", False):
        return None
    if collab.owner_id == user.pk:
        return Role.OWNER
    role = (
        Membership.objects.filter(collaboration=collab, user=user)
        .values_list("role", flat=True)
        .first()
    )
    return Role(role) if role else None


def role_in(request: HttpRequest, collab: Collaboration) -> Role | None:
    """The signed-in user's role in ``collab``, looked up once per request."""
    cache: dict[int, Role | None] = request.__dict__.setdefault(_CACHE, {})
    if collab.pk not in cache:
        cache[collab.pk] = role_of(request.user, collab)
    return cache[collab.pk]


def can(request: HttpRequest, collab: Collaboration, action: Action | str) -> bool:
    role = role_in(request, collab)
    return role is not None and Action(action) in ALLOWED[role]


def _refuse(request: HttpRequest, collab: Collaboration, action: Action) -> None:
    role = role_in(request, collab)
    record(
        Kind.ACCESS_REFUSED, request=request, collaboration=collab,
        detail=f"{request.method} {request.path} ({role or 'no access'})",
    )  # fmt: skip
    if role is None:
        raise Http404("No such collaboration")
    raise PermissionDenied(REFUSED[action])


def collaboration_for(request: HttpRequest, pk: int, action: Action = Action.RUN) -> Collaboration:
    """The collaboration, if the signed-in user may do ``action`` in it.

    The default is RUN (change things), so a view that forgets to say it only reads
    is closed to viewers rather than open to them.
    """
    collab = Collaboration.objects.filter(pk=pk).select_related("owner").first()
    if collab is None:
        raise Http404("No such collaboration")
    if not can(request, collab, action):
        _refuse(request, collab, action)
    return collab


def wave_for(
    request: HttpRequest, collab_pk: int, wave_pk: int, action: Action = Action.RUN
) -> Wave:
    collab = collaboration_for(request, collab_pk, action)
    try:
        wave = collab.waves.get(pk=wave_pk)
    except Wave.DoesNotExist as exc:
        raise Http404("No such wave") from exc
    wave.collaboration = collab  # the checked instance, not a second query
    return wave
