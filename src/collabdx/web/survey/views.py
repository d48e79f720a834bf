"""The respondent journey: start, one page per block, check, submit, feedback.

Respondents have no accounts. Which link a token opens, what the session keeps
(the draft's secret, answers sent with errors) and the guards every step starts
with (``open_link``: link -> wave open -> "unavailable"; then ``refusal``) are in
``journey.py``. GET never writes (not even the session); every write goes through
``services``. The thank-you page, removing feedback and "start a new response" take
only ``link_for``: they work after the wave has closed too.

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

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from collabdx.core.answers import first_incomplete_page
from collabdx.core.instruments import Instrument
from collabdx.reports.fmt import long_date
from collabdx.web.collab.models import PartnerLink
from collabdx.web.forms import error_list, undecodable_fields
from collabdx.web.survey import answered, presenters, services
from collabdx.web.survey.forms import PageForm
from collabdx.web.survey.journey import (
    SESSION_FEEDBACK,
    bad_request,
    draft_secret,
    forget_retry,
    invitation_token,
    invitation_used,
    keep_retry,
    link_for,
    open_link,
    page_context,
    refusal,
    retry_answers,
    set_draft_secret,
    unavailable,
)
from collabdx.web.survey.models import Draft

FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def _page_number(instrument: Instrument, page: int) -> int:
    if not 1 <= page <= len(instrument.blocks):
        raise Http404("No such page")
    return page


# ------------------------------------------------------------------ views


@require_safe
@open_link
def start(request: HttpRequest, token: str, link: PartnerLink) -> HttpResponse:
    if refused := refusal(request, link, token):
        return refused
    instrument = services.instrument_for(link.wave)
    draft = services.find_draft(link, draft_secret(request, token))
    resume_page = first_incomplete_page(instrument, draft.answers) if draft else None
    return render(
        request,
        "survey/start.jinja",
        page_context(
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
    secret = draft_secret(request, token)
    if secret:
        services.discard_draft(link, secret)
        set_draft_secret(request, token, None)
    forget_retry(request, token)
    return redirect("survey:page", token, 1)


@require_http_methods(["GET", "HEAD", "POST"])
@open_link
def page(request: HttpRequest, token: str, number: int, link: PartnerLink) -> HttpResponse:
    if refused := refusal(request, link, token):
        return refused
    instrument = services.instrument_for(link.wave)
    number = _page_number(instrument, number)
    block = instrument.blocks[number - 1]
    secret = draft_secret(request, token)
    draft: Draft | None = services.find_draft(link, secret)
    saved = draft.answers if draft else {}
    reachable = first_incomplete_page(instrument, saved)
    if number > reachable:
        # Pages are answered in order: go to the first one still to do.
        if draft is None:
            return redirect("survey:start", token)
        return redirect("survey:page", token, reachable)

    changing = request.GET.get("change") == "1"
    if request.method == "POST":
        if request.content_type not in FORM_TYPES:
            # Not something the page's form sends (JSON, plain text): nothing to keep.
            return bad_request(request, link, token, number)
        if undecodable_fields(request):
            # Text that is not UTF-8 would be saved as replacement characters.
            return bad_request(request, link, token, number, unreadable=True)
        form = PageForm(instrument, block, data=request.POST)
        valid = form.is_valid()
        if form.tampered():
            return bad_request(request, link, token, number)
        if not valid:
            # Post/Redirect/Get: the page's GET shows the errors with these answers.
            keep_retry(request, token, number, form)
            here = reverse("survey:page", args=[token, number])
            return redirect(here + ("?change=1" if changing else ""))
        if secret is None or draft is None:
            # First save on this device (or the old draft expired): a fresh secret.
            secret = services.new_secret()
        try:
            services.save_page(link, secret, block, form.cleaned_answers())
        except services.WaveNotOpen:
            return unavailable(request, link, 403)
        except services.SurveyError:
            return bad_request(request, link, token, number)
        set_draft_secret(request, token, secret)  # also refreshes the session's expiry
        forget_retry(request, token)
        if changing or number == len(instrument.blocks):
            return redirect("survey:check", token)
        return redirect("survey:page", token, number + 1)
    sent = retry_answers(request, token, number)
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
        page_context(
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
    if refused := refusal(request, link, token):
        return refused
    instrument = services.instrument_for(link.wave)
    secret = draft_secret(request, token)
    draft = services.find_draft(link, secret)
    if draft is None or secret is None:
        return redirect("survey:start", token)
    todo = first_incomplete_page(instrument, draft.answers)
    if todo <= len(instrument.blocks):
        return redirect("survey:page", token, todo)
    return render(
        request,
        "survey/check.jinja",
        page_context(
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
    secret = draft_secret(request, token)
    if secret is None or posted_key != services.draft_key(secret):
        # A replay after success (the secret has left the session), or a check page
        # left over from before "Start again".
        if posted_key and services.was_submitted(posted_key):
            return _already(request, link, token, instrument, replaced=_session_replaced(request))
        return redirect("survey:check" if secret else "survey:start", token)
    if refused := refusal(request, link, token):
        return refused
    try:
        outcome = services.submit_response(
            link, secret, invitation_token=invitation_token(link, token)
        )
    except services.WaveNotOpen:
        return unavailable(request, link, 403)
    except services.Incomplete as exc:
        return redirect("survey:page", token, exc.page)
    except services.DraftMissing:
        set_draft_secret(request, token, None)
        messages.info(request, "Your saved answers have expired. Please start again.")
        return redirect("survey:start", token)
    except services.SurveyError:  # saved answers that no longer fit: nothing stored
        return bad_request(request, link, token, 1)
    if isinstance(outcome, services.InvitationUsed):
        # Used in another browser (or a parallel request) since the check page:
        # nothing stored, and the answers saved here stay until they expire.
        return invitation_used(request, link)
    if isinstance(outcome, services.AlreadySubmitted):
        # Another request for the same draft (a double click) won and is replacing this
        # session with the one holding the feedback. Leave the session as it left it:
        # saving this copy would fail, the winner deletes it.
        return _already(request, link, token, instrument, replaced=True)
    feedback = presenters.feedback_payload(instrument, outcome.answers)
    set_draft_secret(request, token, None)
    forget_retry(request, token)
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
        page_context(link, token, instrument, has_feedback=feedback or replaced),
    )


@require_safe
def thanks(request: HttpRequest, token: str) -> HttpResponse:
    link = link_for(token)
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
            # Results come when the wave closes (Wave.results_released), not at some count.
            "closes_on": long_date(link.wave.closes_on),
            "closed": link.wave.is_closed(services.today()),
        },
    )


@require_POST
def forget(request: HttpRequest, token: str) -> HttpResponse:
    """Remove the respondent's feedback from this device's session."""
    link_for(token)
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
    link = link_for(token)
    request.session.pop(SESSION_FEEDBACK, None)
    set_draft_secret(request, token, None)
    response = redirect("survey:start", token)
    answered.forget(request, response, link.wave_id)
    return response
