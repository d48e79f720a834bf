"""Which survey waves this browser has sent a response to: a signed cookie.

Why (issue 12, attack 1): nothing stopped one browser from sending response after
response through a partner link, and four made-up responses were enough to lift a
partner with one real respondent to k and publish that person's answers. The
cookie makes each browser answer once per wave. It is a cost, not a wall: a fresh
browser (or a private window) has no cookie, and the shared-computer route
(``views.new_response``) clears it on purpose, because ward computers are shared by
staff who each have a right to answer. The data-quality check (``core.data_quality``)
and the residual risk in docs/security.md cover what gets past it.

What it holds: the ids of the waves answered from this browser, signed with the
service's secret key (``salt`` below) so a visitor cannot forge or edit it, and
nothing else: no response id, no partner, no time. Nothing about it is stored on
the server, so it links no response to the device. HttpOnly, SameSite=Lax, and
Secure with a ``__Host-`` name in production, like the session cookie.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse

SALT = "collabdx.survey.answered-waves"
MAX_AGE = 60 * 60 * 24 * 400  # longer than any wave stays open; browsers cap at 400 days
MAX_WAVES = 50  # the oldest drop off, so the cookie stays small


def cookie_name() -> str:
    return "__Host-collabdx-answered" if settings.SESSION_COOKIE_SECURE else "collabdx-answered"


def answered_waves(request: HttpRequest) -> list[int]:
    """The waves this browser has answered, oldest first; [] when the cookie is
    missing, expired, or not one we signed."""
    value = request.get_signed_cookie(cookie_name(), default="", salt=SALT, max_age=MAX_AGE)
    if not isinstance(value, str):
        return []
    return [int(part) for part in value.split(".") if part.isdigit()]


def _store(response: HttpResponse, waves: list[int]) -> None:
    if not waves:
        response.delete_cookie(cookie_name(), samesite="Lax")
        return
    response.set_signed_cookie(
        cookie_name(),
        ".".join(str(w) for w in waves[-MAX_WAVES:]),
        salt=SALT,
        max_age=MAX_AGE,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


def remember(request: HttpRequest, response: HttpResponse, wave_id: int) -> None:
    """Mark ``wave_id`` as answered from this browser."""
    waves = [w for w in answered_waves(request) if w != wave_id]
    _store(response, [*waves, wave_id])


def forget(request: HttpRequest, response: HttpResponse, wave_id: int) -> None:
    """Someone else is using this browser: let them answer ``wave_id`` too."""
    _store(response, [w for w in answered_waves(request) if w != wave_id])
