"""E-mail invitations in the daily purge (``collab.lifecycle.purge_expired``).

A wave that closed on its planned date (no click on "Close") keeps its addresses
until this daily run; its invitations go with its responses. Registered in
``InvitationsConfig.ready()`` (``collab.hooks``), as is forgetting the addresses
when a facilitator closes a wave (``services.forget_addresses``).
"""

from __future__ import annotations

import datetime as dt

from collabdx.web.collab.hooks import Purge
from collabdx.web.invitations.models import Invitation
from collabdx.web.invitations.services import forget_addresses_of_closed_waves


def purge_expired_waves(ids: list[int], today: dt.date) -> Purge:
    addresses = forget_addresses_of_closed_waves(today)
    Invitation.objects.filter(wave_id__in=ids).delete()
    return Purge({"addresses": addresses})
