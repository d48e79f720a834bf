"""Where a respondent is in the survey journey, and the guards every step asks.

The partner link's token says which wave and partner the answers belong to
(``link_for``; a single-use invitation's token opens its partner's link). Answers
saved so far sit in a ``Draft`` found by ``sha256(secret)``; the secret is kept in
the session under ``session["drafts"][token]``. After submitting, the secret leaves
the session and only ``session["feedback"]`` (the respondent's own scores and
advice) stays. A page sent with an answer missing keeps what was sent in
``session["retry"][token]`` for the page's GET to show (Post/Redirect/Get).

Guards: ``open_link`` (link -> wave open -> the "unavailable" page) starts every step
that takes answers; ``refusal`` (this browser has answered already) comes next.
The views themselves are ``views.py``.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from collabdx.core.instruments import Instrument
from collabdx.reports.fmt import long_date
from collabdx.web.collab.models import PartnerLink
from collabdx.web.invitations import services as invitations
from collabdx.web.survey import answered, presenters, services
from collabdx.web.survey.forms import PageForm

SESSION_DRAFTS = "drafts"
SESSION_FEEDBACK = "feedback"
SESSION_RETRY = "retry"
# What is kept of a text answer sent with errors: enough to show "too long" again.
RETRY_TEXT_MAX = 1000


def link_for(token: str) -> PartnerLink:
    """The partner link the token opens: the partner's open link itself, or the link
    of the partner a single-use invitation or code belongs to. Pages show and post
    to the token they were opened with, never the open link's token, so an invited
    person never learns the open link."""
    links = PartnerLink.objects.select_related("wave", "partner", "wave__collaboration")
    link = links.filter(token=token).first()
    if link is None:
        invitation = invitations.find(token)
        if invitation is not None:
            link = links.filter(wave=invitation.wave_id, partner=invitation.partner_id).first()
    if link is None:
        raise Http404("No such survey link")
    return link


def invitation_token(link: PartnerLink, token: str) -> str | None:
    """The single-use token the journey came in with, or None for the open link."""
    return None if token == link.token else token


def draft_secret(request: HttpRequest, token: str) -> str | None:
    drafts = request.session.get(SESSION_DRAFTS)
    if isinstance(drafts, dict):
        secret = drafts.get(token)
        return secret if isinstance(secret, str) and secret else None
    return None


def set_draft_secret(request: HttpRequest, token: str, secret: str | None) -> None:
    drafts = request.session.get(SESSION_DRAFTS)
    drafts = dict(drafts) if isinstance(drafts, dict) else {}
    if secret is None:
        drafts.pop(token, None)
    else:
        drafts[token] = secret
    if drafts:
        request.session[SESSION_DRAFTS] = drafts
    else:
        request.session.pop(SESSION_DRAFTS, None)
    request.session.modified = True


def retry_answers(request: HttpRequest, token: str, number: int) -> dict[str, str] | None:
    """The answers last sent to page ``number`` with errors, if that is where they were."""
    kept = request.session.get(SESSION_RETRY)
    entry = kept.get(token) if isinstance(kept, dict) else None
    if isinstance(entry, dict) and entry.get("page") == number:
        data = entry.get("data")
        if isinstance(data, dict):
            return {str(k): str(v) for k, v in data.items()}
    return None


def keep_retry(request: HttpRequest, token: str, number: int, form: PageForm) -> None:
    """Keep what was sent to page ``number`` with errors: the page's own fields only,
    one value each, long text cut to ``RETRY_TEXT_MAX``."""
    kept = request.session.get(SESSION_RETRY)
    kept = dict(kept) if isinstance(kept, dict) else {}
    data = {
        name: str(form.data.get(name, ""))[:RETRY_TEXT_MAX]
        for name in form.fields
        if form.data.get(name) not in (None, "")
    }
    kept[token] = {"page": number, "data": data}
    request.session[SESSION_RETRY] = kept


def forget_retry(request: HttpRequest, token: str) -> None:
    kept = request.session.get(SESSION_RETRY)
    if isinstance(kept, dict) and token in kept:
        kept = {k: v for k, v in kept.items() if k != token}
        if kept:
            request.session[SESSION_RETRY] = kept
        else:
            request.session.pop(SESSION_RETRY, None)


def page_context(
    link: PartnerLink, token: str, instrument: Instrument, **extra: object
) -> dict[str, object]:
    return {
        "link": link,
        "token": token,
        "wave": link.wave,
        "partner": link.partner,
        "instrument": instrument,
        "hide_navigation": True,
        "min_group_size": settings.MIN_GROUP_SIZE,
        **extra,
    }


def unavailable(request: HttpRequest, link: PartnerLink, status: int) -> HttpResponse:
    wave = link.wave
    today = services.today()
    return render(
        request,
        "survey/unavailable.jinja",
        {
            "partner": link.partner,
            "not_yet": wave.is_not_open_yet(today),
            "opens_on": long_date(wave.opens_on),
            "closes_on": long_date(wave.closes_on),
            "closed_on": long_date(wave.closed_on) if wave.closed_on else None,
            "closed_before_opening": wave.closed_before_opening,
            "hide_navigation": True,
        },
        status=status,
    )


def bad_request(
    request: HttpRequest, link: PartnerLink, token: str, page: int, *, unreadable: bool = False
) -> HttpResponse:
    return render(
        request,
        "survey/bad_request.jinja",
        {"token": token, "page": page, "hide_navigation": True, "unreadable": unreadable},
        status=400,
    )


def refusal(request: HttpRequest, link: PartnerLink, token: str) -> HttpResponse | None:
    """The "already answered from this browser" page, when this browser may not
    answer; None when it may. Every step of the journey asks this first."""
    decision = services.may_start_response(link, answered_here=answered.answered_waves(request))
    if isinstance(decision, services.MayAnswer):
        return None
    return render(
        request,
        "survey/answered_here.jinja",
        {
            "token": token,
            "wave": link.wave,
            "partner": link.partner,
            "has_feedback": presenters.feedback_view(request.session.get(SESSION_FEEDBACK))
            is not None,
            "hide_navigation": True,
        },
        status=403 if request.method == "POST" else 200,
    )


def open_link(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """The guard every step of the journey starts with: the link's token names a
    partner link (else 404) whose wave takes answers today (else the "unavailable"
    page: 200 for a GET, 403 for a POST, which changes nothing). The view receives
    the link as ``link``."""

    @functools.wraps(view)
    def guarded(request: HttpRequest, token: str, **kwargs: Any) -> HttpResponse:
        link = link_for(token)
        if not services.wave_is_open(link.wave):
            return unavailable(request, link, 403 if request.method == "POST" else 200)
        return view(request, token, link=link, **kwargs)

    return guarded


def invitation_used(request: HttpRequest, link: PartnerLink) -> HttpResponse:
    return render(
        request,
        "survey/invitation_used.jinja",
        {"partner": link.partner, "wave": link.wave, "hide_navigation": True},
        status=403 if request.method == "POST" else 200,
    )
