"""The respondent journey: start, one page per block, check, submit, feedback.

Respondents have no accounts. The partner link's token says which wave and
partner the answers belong to. Answers saved so far sit in a ``Draft`` found by
``sha256(secret)``; the secret is kept in the session under
``session["drafts"][token]``. GET never writes (not even the session); every write
goes through ``services``. After submitting, the secret leaves the session and only
``session["feedback"]`` (the respondent's own scores and advice) stays.

A page sent with an answer missing is not answered with the page itself
(Post/Redirect/Get): what was sent is kept in ``session["retry"][token]`` and the
browser is sent back to the page, whose GET shows the errors with those answers. So
Back and reload never offer "Confirm form resubmission", and nothing needs
JavaScript. Nothing of it reaches the draft until the page is sent complete.
Each browser answers a wave once (issue 12, attack 1): submitting sets a signed
cookie naming the wave (``survey.answered``), and every step of the journey asks
``services.may_start_response`` first. "Someone else is using this computer?"
(``new_response``) clears the wave from the cookie for the next person.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from collabdx.core.instruments import Instrument
from collabdx.reports.fmt import long_date
from collabdx.web.collab.models import PartnerLink
from collabdx.web.forms import error_list, undecodable_fields
from collabdx.web.invitations import services as invitations
from collabdx.web.survey import answered, presenters, services
from collabdx.web.survey.forms import PageForm
from collabdx.web.survey.models import Draft

SESSION_DRAFTS = "drafts"
SESSION_FEEDBACK = "feedback"
SESSION_RETRY = "retry"
# What is kept of a text answer sent with errors: enough to show "too long" again.
RETRY_TEXT_MAX = 1000
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


# ------------------------------------------------------------------ helpers


def _link(token: str) -> PartnerLink:
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


def _invitation_token(link: PartnerLink, token: str) -> str | None:
    """The single-use token the journey came in with, or None for the open link."""
    return None if token == link.token else token


def _secret(request: HttpRequest, token: str) -> str | None:
    drafts = request.session.get(SESSION_DRAFTS)
    if isinstance(drafts, dict):
        secret = drafts.get(token)
        return secret if isinstance(secret, str) and secret else None
    return None


def _set_secret(request: HttpRequest, token: str, secret: str | None) -> None:
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


def _retry(request: HttpRequest, token: str, number: int) -> dict[str, str] | None:
    """The answers last sent to page ``number`` with errors, if that is where they were."""
    kept = request.session.get(SESSION_RETRY)
    entry = kept.get(token) if isinstance(kept, dict) else None
    if isinstance(entry, dict) and entry.get("page") == number:
        data = entry.get("data")
        if isinstance(data, dict):
            return {str(k): str(v) for k, v in data.items()}
    return None


def _set_retry(request: HttpRequest, token: str, number: int, form: PageForm) -> None:
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


def _forget_retry(request: HttpRequest, token: str) -> None:
    kept = request.session.get(SESSION_RETRY)
    if isinstance(kept, dict) and token in kept:
        kept = {k: v for k, v in kept.items() if k != token}
        if kept:
            request.session[SESSION_RETRY] = kept
        else:
            request.session.pop(SESSION_RETRY, None)


def _context(
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


def _unavailable(request: HttpRequest, link: PartnerLink, status: int) -> HttpResponse:
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


def _bad_request(
    request: HttpRequest, link: PartnerLink, token: str, page: int, *, unreadable: bool = False
) -> HttpResponse:
    return render(
        request,
        "survey/bad_request.jinja",
        {"token": token, "page": page, "hide_navigation": True, "unreadable": unreadable},
        status=400,
    )


def _refused(request: HttpRequest, link: PartnerLink, token: str) -> HttpResponse | None:
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
        link = _link(token)
        if not services.wave_is_open(link.wave):
            return _unavailable(request, link, 403 if request.method == "POST" else 200)
        return view(request, token, link=link, **kwargs)

    return guarded


def _invitation_used(request: HttpRequest, link: PartnerLink) -> HttpResponse:
    return render(
        request,
        "survey/invitation_used.jinja",
        {"partner": link.partner, "wave": link.wave, "hide_navigation": True},
        status=403 if request.method == "POST" else 200,
    )


def _page_number(instrument: Instrument, page: int) -> int:
    if not 1 <= page <= len(instrument.blocks):
        raise Http404("No such page")
    return page


# ------------------------------------------------------------------ views


@require_safe
@open_link
def start(request: HttpRequest, token: str, link: PartnerLink) -> HttpResponse:
    if refused := _refused(request, link, token):
        return refused
    instrument = services.instrument_for(link.wave)
    draft = services.find_draft(link, _secret(request, token))
    resume_page = services.first_incomplete_page(instrument, draft.answers) if draft else None
    return render(
        request,
        "survey/start.jinja",
        _context(
            link,
            token,
            instrument,
            intro=presenters.intro_parts(instrument),
            minutes=presenters.minutes_to_answer(instrument),
            pages=len(instrument.blocks),
            questions=len(instrument.items),
            closes_on=long_date(link.wave.closes_on),
            draft=draft,
            resume_page=resume_page,
            resume_is_check=resume_page is not None and resume_page > len(instrument.blocks),
            draft_days=settings.DRAFT_DAYS,
        ),
    )


@require_POST
@open_link
def restart(request: HttpRequest, token: str, link: PartnerLink) -> HttpResponse:
    """ "Start again": delete the saved answers; page 1 starts a fresh draft."""
    secret = _secret(request, token)
    if secret:
        services.discard_draft(link, secret)
        _set_secret(request, token, None)
    _forget_retry(request, token)
    return redirect("survey:page", token, 1)


@require_http_methods(["GET", "HEAD", "POST"])
@open_link
def page(request: HttpRequest, token: str, number: int, link: PartnerLink) -> HttpResponse:
    if refused := _refused(request, link, token):
        return refused
    instrument = services.instrument_for(link.wave)
    number = _page_number(instrument, number)
    block = instrument.blocks[number - 1]
    secret = _secret(request, token)
    draft: Draft | None = services.find_draft(link, secret)
    saved = draft.answers if draft else {}
    reachable = services.first_incomplete_page(instrument, saved)
    if number > reachable:
        # Pages are answered in order: go to the first one still to do.
        if draft is None:
            return redirect("survey:start", token)
        return redirect("survey:page", token, reachable)

    changing = request.GET.get("change") == "1"
    if request.method == "POST":
        if request.content_type not in FORM_TYPES:
            # Not something the page's form sends (JSON, plain text): nothing to keep.
            return _bad_request(request, link, token, number)
        if undecodable_fields(request):
            # Text that is not UTF-8 would be saved as replacement characters.
            return _bad_request(request, link, token, number, unreadable=True)
        form = PageForm(instrument, block, data=request.POST)
        valid = form.is_valid()
        if form.tampered():
            return _bad_request(request, link, token, number)
        if not valid:
            # Post/Redirect/Get: the page's GET shows the errors with these answers.
            _set_retry(request, token, number, form)
            here = reverse("survey:page", args=[token, number])
            return redirect(here + ("?change=1" if changing else ""))
        if secret is None or draft is None:
            # First save on this device (or the old draft expired): a fresh secret.
            secret = services.new_secret()
        try:
            services.save_page(link, secret, block, form.cleaned_answers())
        except services.WaveNotOpen:
            return _unavailable(request, link, 403)
        except services.SurveyError:
            return _bad_request(request, link, token, number)
        _set_secret(request, token, secret)  # also refreshes the session's expiry
        _forget_retry(request, token)
        if changing or number == len(instrument.blocks):
            return redirect("survey:check", token)
        return redirect("survey:page", token, number + 1)
    sent = _retry(request, token, number)
    if sent is not None:
        form = PageForm(instrument, block, data=sent)
        form.is_valid()  # the errors, found again from what was sent
    else:
        form = PageForm(instrument, block, initial={k: saved.get(k) for k in block.items})

    if changing:
        back = reverse("survey:check", args=[token])
    elif number > 1:
        back = reverse("survey:page", args=[token, number - 1])
    else:
        back = reverse("survey:start", args=[token])
    return render(
        request,
        "survey/page.jinja",
        _context(
            link,
            token,
            instrument,
            form=form,
            form_errors=error_list(form),
            block=block,
            items=[instrument.items[i] for i in block.items],
            number=number,
            pages=len(instrument.blocks),
            back=back,
            changing=changing,
        ),
    )


@require_safe
@open_link
def check(request: HttpRequest, token: str, link: PartnerLink) -> HttpResponse:
    if refused := _refused(request, link, token):
        return refused
    instrument = services.instrument_for(link.wave)
    secret = _secret(request, token)
    draft = services.find_draft(link, secret)
    if draft is None or secret is None:
        return redirect("survey:start", token)
    todo = services.first_incomplete_page(instrument, draft.answers)
    if todo <= len(instrument.blocks):
        return redirect("survey:page", token, todo)
    return render(
        request,
        "survey/check.jinja",
        _context(
            link,
            token,
            instrument,
            sections=presenters.check_sections(instrument, draft.answers, token),
            draft_key=services.draft_key(secret),
            pages=len(instrument.blocks),
        ),
    )


@require_POST
@open_link
def submit(request: HttpRequest, token: str, link: PartnerLink) -> HttpResponse:
    instrument = services.instrument_for(link.wave)
    posted_key = request.POST.get("draft", "")
    secret = _secret(request, token)
    if secret is None or posted_key != services.draft_key(secret):
        # A replay after success (the secret has left the session), or a check page
        # left over from before "Start again".
        if posted_key and services.was_submitted(posted_key):
            return _already(request, link, token, instrument, replaced=_session_replaced(request))
        return redirect("survey:check" if secret else "survey:start", token)
    if refused := _refused(request, link, token):
        return refused
    try:
        outcome = services.submit_response(
            link, secret, invitation_token=_invitation_token(link, token)
        )
    except services.WaveNotOpen:
        return _unavailable(request, link, 403)
    except services.Incomplete as exc:
        return redirect("survey:page", token, exc.page)
    except services.DraftMissing:
        _set_secret(request, token, None)
        messages.info(request, "Your saved answers have expired. Please start again.")
        return redirect("survey:start", token)
    except services.SurveyError:  # saved answers that no longer fit: nothing stored
        return _bad_request(request, link, token, 1)
    if isinstance(outcome, services.InvitationUsed):
        # Used in another browser (or a parallel request) since the check page:
        # nothing stored, and the answers saved here stay until they expire.
        return _invitation_used(request, link)
    if isinstance(outcome, services.AlreadySubmitted):
        # Another request for the same draft (a double click) won and is replacing this
        # session with the one holding the feedback. Leave the session as it left it:
        # saving this copy would fail, the winner deletes it.
        return _already(request, link, token, instrument, replaced=True)
    feedback = presenters.feedback_payload(instrument, outcome.answers)
    _set_secret(request, token, None)
    _forget_retry(request, token)
    request.session[SESSION_FEEDBACK] = feedback
    # A new session key: the session that held the draft secret is deleted.
    request.session.cycle_key()
    response = redirect("survey:thanks", token)
    answered.remember(request, response, link.wave_id)
    return response


def _session_replaced(request: HttpRequest) -> bool:
    """The request sent a session cookie whose session no longer exists.

    After a double click, the first request to finish deletes the session both
    requests were sent with (``cycle_key`` in ``submit``) and gives the browser a new
    one holding the feedback. The second request then finds no session. Left alone,
    ``SessionMiddleware`` would answer it with ``Set-Cookie: sessionid=""; Max-Age=0``,
    and if that answer arrives last, the browser drops the new session and with it the
    feedback. Forgetting the cookie it was sent keeps the middleware from deleting it;
    nothing about it is stored.
    """
    name = settings.SESSION_COOKIE_NAME
    if name in request.COOKIES and request.session.is_empty():
        del request.COOKIES[name]
        return True
    return False


def _already(
    request: HttpRequest,
    link: PartnerLink,
    token: str,
    instrument: Instrument,
    *,
    replaced: bool = False,
) -> HttpResponse:
    """The "Your answers have been sent" page. ``replaced``: this browser's session was
    just replaced by the request that sent them, so its new session (not this
    request's) may hold the feedback: link to it. The thank-you page reads only the
    browser's own session, so another browser still sees no feedback there."""
    feedback = presenters.feedback_view(request.session.get(SESSION_FEEDBACK)) is not None
    return render(
        request,
        "survey/already.jinja",
        _context(link, token, instrument, has_feedback=feedback or replaced),
    )


@require_safe
def thanks(request: HttpRequest, token: str) -> HttpResponse:
    link = _link(token)
    feedback = presenters.feedback_view(request.session.get(SESSION_FEEDBACK))
    return render(
        request,
        "survey/thanks.jinja",
        {
            "link": link,
            "token": token,
            "partner": link.partner,
            "feedback": feedback,
            "hide_navigation": True,
            "min_group_size": settings.MIN_GROUP_SIZE,
            # Results come when the wave closes (results.release), not at some count.
            "closes_on": long_date(link.wave.closes_on),
            "closed": link.wave.is_closed(services.today()),
        },
    )


@require_POST
def forget(request: HttpRequest, token: str) -> HttpResponse:
    """Remove the respondent's feedback from this device's session."""
    _link(token)
    if SESSION_FEEDBACK in request.session:
        del request.session[SESSION_FEEDBACK]
        messages.info(request, "Your feedback has been removed from this device.")
    return redirect("survey:thanks", token)


@require_POST
def new_response(request: HttpRequest, token: str) -> HttpResponse:
    """"Someone else is using this shared computer? Start a new response."

    Ward computers are shared, and each member of staff may answer, so a browser
    that has answered must be able to answer again for the next person. This clears
    the wave from the browser's answered-waves cookie and removes the previous
    person's feedback from the session (it is theirs, not the next person's), then
    goes to the start page. It writes nothing on the server.
    """
    link = _link(token)
    request.session.pop(SESSION_FEEDBACK, None)
    _set_secret(request, token, None)
    response = redirect("survey:start", token)
    answered.forget(request, response, link.wave_id)
    return response
