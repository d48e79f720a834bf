"""Facilitator pages for single-use invitations: e-mail, reminders, printed codes, rates.

Views parse input and render; writes go through ``services``; wording through
``presenters``. Every page is for those who run the collaboration (``Action.RUN``):
addresses and codes are keys to answer with, like the partner links.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files.uploadhandler import MemoryFileUploadHandler
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from collabdx.web.collab import hooks
from collabdx.web.collab.access import Action, wave_for
from collabdx.web.collab.models import Partner, Wave
from collabdx.web.collab.presenters import qr_svg
from collabdx.web.forms import error_list
from collabdx.web.invitations import presenters, services
from collabdx.web.invitations.forms import CodesForm, InviteForm
from collabdx.web.invitations.models import Invitation


def _base_url(request: HttpRequest) -> str:
    return request.build_absolute_uri("/")


def _partners(wave: Wave) -> list[Partner]:
    """Partners with a link in this wave (one added since it opened has none, and an
    invitation answers through its partner's link)."""
    return list(wave.collaboration.partners.filter(links__wave=wave).order_by("name"))


def _closed(wave: Wave) -> bool:
    return wave.is_closed()


@login_required
@require_safe
def manage(request: HttpRequest, pk: int, wave_pk: int) -> HttpResponse:
    wave = wave_for(request, pk, wave_pk, Action.RUN)
    counts, _quality = hooks.partner_counts(wave)
    k = settings.MIN_GROUP_SIZE
    rows, overall = presenters.rates(
        counts, presenters.invited_counts(wave), k, released=wave.results_released()
    )
    mailings = presenters.mailing_rows(wave)
    return render(
        request,
        "invitations/manage.jinja",
        {
            "collab": wave.collaboration,
            "wave": wave,
            "closed": _closed(wave),
            "rates": rows,
            "overall": overall,
            "mailings": mailings,
            "sending": any(not m.finished for m in mailings),
            "failures": presenters.failures(wave),
            "has_email": Invitation.objects.filter(wave=wave, kind=Invitation.EMAIL).exists(),
            "code_partners": list(
                wave.collaboration.partners.filter(
                    invitations__wave=wave, invitations__kind=Invitation.CODE
                ).distinct()
            ),
            "k": k,
            "no_mail": "" if services.mail_configured() else services.NO_MAIL,
        },
    )


@login_required
@csrf_exempt  # the upload handler must be set before CSRF reads the body; checked below
def invite(request: HttpRequest, pk: int, wave_pk: int) -> HttpResponse:
    # Files are refused site-wide (security.uploads); this one form reads a small CSV,
    # kept in memory (the request body is capped by REQUEST_BODY_MAX_SIZE) and never saved.
    request.upload_handlers = [MemoryFileUploadHandler(request)]
    return _invite(request, pk, wave_pk)


@csrf_protect
@require_http_methods(["GET", "POST"])
def _invite(request: HttpRequest, pk: int, wave_pk: int) -> HttpResponse:
    wave = wave_for(request, pk, wave_pk, Action.RUN)
    if _closed(wave):
        messages.info(request, f"{wave.name} has closed: invitations can no longer be sent.")
        return redirect("invitations:manage", pk, wave_pk)
    partners = _partners(wave)
    form = InviteForm(partners)
    if request.method == "POST":
        form = InviteForm(partners, request.POST, request.FILES)
        if form.is_valid():
            partner = next(p for p in partners if str(p.pk) == form.cleaned_data["partner"])
            outcome = services.invite_by_email(
                wave, partner, form.parsed, base_url=_base_url(request)
            )
            if isinstance(outcome, services.Invited):
                messages.success(
                    request,
                    f"Sending {outcome.count} invitations for {partner.name}. "
                    "Progress and any addresses that could not be reached are shown below.",
                )
                return redirect("invitations:manage", pk, wave_pk)
            for error in outcome.errors:
                form.add_error("addresses" if form.data.get("addresses") else "file", error)
    return render(
        request,
        "invitations/invite.jinja",
        {"collab": wave.collaboration, "wave": wave, "form": form, "form_errors": error_list(form)},
        status=200,
    )


@login_required
@require_POST
def remind(request: HttpRequest, pk: int, wave_pk: int) -> HttpResponse:
    wave = wave_for(request, pk, wave_pk, Action.RUN)
    outcome = services.remind(wave, base_url=_base_url(request))
    if isinstance(outcome, services.Reminding):
        messages.success(request, "Sending reminders to everyone who has not answered yet.")
    elif isinstance(outcome, services.NobodyToRemind):
        messages.info(request, "There is nobody to remind: every invitation has been used.")
    else:
        messages.info(request, outcome.errors[0])
    return redirect("invitations:manage", pk, wave_pk)


@login_required
@require_http_methods(["GET", "POST"])
def codes(request: HttpRequest, pk: int, wave_pk: int) -> HttpResponse:
    wave = wave_for(request, pk, wave_pk, Action.RUN)
    if _closed(wave):
        messages.info(request, f"{wave.name} has closed: no more codes can be made.")
        return redirect("invitations:manage", pk, wave_pk)
    partners = _partners(wave)
    form = CodesForm(partners, initial={"count": 20})
    if request.method == "POST":
        form = CodesForm(partners, request.POST)
        if form.is_valid():
            partner = next(p for p in partners if str(p.pk) == form.cleaned_data["partner"])
            outcome = services.make_codes(wave, partner, form.cleaned_data["count"])
            if isinstance(outcome, services.CodesMade):
                return redirect("invitations:sheet", pk, wave_pk, partner.pk)
            form.add_error("count", outcome.errors[0])
    return render(
        request,
        "invitations/codes.jinja",
        {"collab": wave.collaboration, "wave": wave, "form": form, "form_errors": error_list(form)},
    )


@login_required
@require_safe
def sheet(request: HttpRequest, pk: int, wave_pk: int, partner_pk: int) -> HttpResponse:
    """Every code made for the partner, used or not: a sheet that left out used codes
    would count the partner's responses."""
    wave = wave_for(request, pk, wave_pk, Action.RUN)
    partner = wave.collaboration.partners.filter(pk=partner_pk).first()
    if partner is None:
        raise Http404("No such partner")
    cards = []
    for number, invitation in enumerate(
        Invitation.objects.filter(wave=wave, partner=partner, kind=Invitation.CODE).order_by("pk"),
        start=1,
    ):
        url = request.build_absolute_uri(reverse("survey:start", args=[invitation.token]))
        cards.append({"number": number, "url": url, "qr_svg": qr_svg(url)})
    return render(
        request,
        "invitations/sheet.jinja",
        {
            "collab": wave.collaboration,
            "wave": wave,
            "partner": partner,
            "cards": cards,
            "closes_on": f"{wave.closes_on:%-d %B %Y}",
            "k": settings.MIN_GROUP_SIZE,
        },
    )
