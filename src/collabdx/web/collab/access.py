"""Every facilitator URL finds its objects through here, so access is checked once.

Anything the user may not see answers 404, never 403: a 403 would confirm that
the object exists.
"""

from __future__ import annotations

from django.http import Http404, HttpRequest

from collabdx.web.collab.models import Collaboration, Wave


def collaboration_for(request: HttpRequest, pk: int) -> Collaboration:
    try:
        return Collaboration.objects.for_user(request.user).get(pk=pk)
    except Collaboration.DoesNotExist as exc:
        raise Http404("No such collaboration") from exc


def wave_for(request: HttpRequest, collab_pk: int, wave_pk: int) -> Wave:
    collab = collaboration_for(request, collab_pk)
    try:
        return collab.waves.get(pk=wave_pk)
    except Wave.DoesNotExist as exc:
        raise Http404("No such wave") from exc
