"""Maturity matrix workshop pages: private ratings (anonymous) and the facilitator view.

Participants reach the rating page through the wave's unguessable
``maturity_token``. Nothing about them is stored with their ratings; the only
trace is a flag in their own session, so the same device is not asked twice in one
rating round. Ratings are taken only while the facilitator has a round open; the
facilitator's page shows a round's figures only once it has closed (issue 12).
"""

from __future__ import annotations

import re

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from collabdx.core.maturity import WEAK_LEVELS, WEAK_RULE
from collabdx.core.theory import load_theory
from collabdx.reports.workshop_ratings import SPLIT_RULE
from collabdx.web.collab.access import wave_for
from collabdx.web.collab.models import Wave
from collabdx.web.collab.presenters import qr_svg
from collabdx.web.forms import error_list
from collabdx.web.workshop import presenters, rounds, services
from collabdx.web.workshop.forms import FORM_TOKEN_RE, AgreementForm, RatingForm, new_form_token
from collabdx.web.workshop.models import RatingRound

RATED_KEY = "workshop_rated_rounds"  # session: ids of the rating rounds this device rated in


def _rated(request: HttpRequest) -> list[int]:
    rated = request.session.get(RATED_KEY, [])
    return [r for r in rated if isinstance(r, int)] if isinstance(rated, list) else []


def _has_rated(request: HttpRequest, rnd: RatingRound) -> bool:
    return rnd.pk in _rated(request)


def _has_rated_in(request: HttpRequest, wave: Wave) -> bool:
    return RatingRound.objects.filter(wave=wave, pk__in=_rated(request)).exists()


def _mark_rated(request: HttpRequest, rnd: RatingRound) -> None:
    rated = _rated(request)
    if rnd.pk not in rated:
        rated.append(rnd.pk)
    request.session[RATED_KEY] = rated


def _rating_errors(form: RatingForm) -> list[dict[str, str]]:
    # Errors about the whole form point at the first element.
    first = f"#{form.element_ids[0]}"
    return [{**e, "href": first if e["href"] == "#" else e["href"]} for e in error_list(form)]


@never_cache
@require_http_methods(["GET", "POST"])
def rate(request: HttpRequest, token: str) -> HttpResponse:
    wave = get_object_or_404(Wave.objects.select_related("collaboration"), maturity_token=token)
    context = {"wave": wave, "collab": wave.collaboration, "hide_navigation": True}
    current = services.open_round_of(wave)
    if current is None:
        status = 403 if request.method == "POST" else 200
        return render(request, "workshop/not_collecting.jinja", context, status=status)
    if _has_rated(request, current):
        return render(request, "workshop/already.jinja", context)
    if request.method == "POST":
        form = RatingForm(request.POST)
        if form.is_valid():
            try:
                services.submit_rating(
                    wave, form.ratings(), form_token=form.cleaned_data["form_token"]
                )
            except services.NoOpenRound:  # the round closed while this form was open
                return render(request, "workshop/not_collecting.jinja", context, status=403)
            except services.WorkshopError as exc:  # the form checks first; belt and braces
                form.add_error(None, str(exc))
            else:
                # Stored now or already (a replay): either way this device is done.
                _mark_rated(request, current)
                return redirect("workshop:thanks", token)
        posted = request.POST.get("form_token", "")
        form_token = posted if re.fullmatch(FORM_TOKEN_RE, posted) else new_form_token()
        form_errors = _rating_errors(form)
    else:
        form = RatingForm()
        form_token = new_form_token()
        form_errors = []
    return render(
        request,
        "workshop/rate.jinja",
        {
            **context,
            "form": form,
            "form_token": form_token,
            "form_errors": form_errors,
            "elements": presenters.element_texts(),
            "instruction": load_theory().maturity_instruction,
            "cultures": presenters.westrum_cultures(),
            "k": settings.MIN_GROUP_SIZE,
        },
    )


@never_cache
@require_GET
def thanks(request: HttpRequest, token: str) -> HttpResponse:
    wave = get_object_or_404(Wave.objects.select_related("collaboration"), maturity_token=token)
    if not _has_rated_in(request, wave):
        return redirect("workshop:rate", token)
    return render(
        request,
        "workshop/thanks.jinja",
        {"wave": wave, "collab": wave.collaboration, "hide_navigation": True},
    )


def _agreement_form(summary: presenters.ElementSummary) -> AgreementForm:
    """An unbound form showing what is recorded for the element, if anything."""
    a = summary.agreement
    initial = (
        {"agreed_level": a.agreed_level, "rationale": a.rationale, "actions": a.actions}
        if a
        else {}
    )
    return AgreementForm(
        prefix=summary.element.id, initial=initial, element_name=summary.element.name
    )


def _prefixed_errors(form: AgreementForm) -> list[dict[str, str]]:
    return [
        {"text": str(e), "href": f"#{form.add_prefix(name)}"}
        for name, errors in form.errors.items()
        for e in errors
    ]


@login_required
@require_http_methods(["GET", "POST"])
def facilitate(request: HttpRequest, pk: int, wave_pk: int) -> HttpResponse:
    wave = wave_for(request, pk, wave_pk)
    k = settings.MIN_GROUP_SIZE
    bound: AgreementForm | None = None
    if request.method == "POST":
        # One form per element on the page; "element" says which one was sent.
        element = load_theory().maturity_elements.get(request.POST.get("element", ""))
        if element is None:
            return HttpResponseBadRequest("Unknown maturity matrix element")
        bound = AgreementForm(request.POST, prefix=element.id, element_name=element.name)
        if bound.is_valid():
            d = bound.cleaned_data
            services.record_agreement(
                wave,
                element.id,
                level=d["agreed_level"],
                rationale=d["rationale"],
                actions=d["actions"],
            )
            messages.success(request, f"Recorded the agreed level for {element.name}.")
            url = reverse("workshop:facilitate", args=[pk, wave_pk])
            return redirect(f"{url}#element-{element.id}")

    asked = request.GET.get("round", "")
    shown = rounds.shown_round(wave, int(asked) if asked.isdigit() else None)
    summaries, before = presenters.element_summaries(wave, rounds.closed_round_ratings(shown), k)
    round_list = rounds.round_views(wave)
    shown_view = next((r for r in round_list if shown and r.number == shown.number), None)
    forms = {
        s.element.id: bound if bound and bound.prefix == s.element.id else _agreement_form(s)
        for s in summaries
    }
    rating_url = request.build_absolute_uri(reverse("workshop:rate", args=[wave.maturity_token]))
    return render(
        request,
        "workshop/facilitate.jinja",
        {
            "collab": wave.collaboration,
            "wave": wave,
            "k": k,
            "rating_url": rating_url,
            "qr_svg": qr_svg(rating_url),
            "rounds": round_list,
            "open_round": next((r for r in round_list if r.is_open), None),
            "shown_round": shown_view,
            "survey_open": not wave.results_released(),
            "summaries": summaries,
            "earlier_waves": before,
            "forms": forms,
            "form_errors": _prefixed_errors(bound) if bound else [],
            "suggestion_label": presenters.SUGGESTION_LABEL,
            "split_rule": SPLIT_RULE,
            "weak_rule": WEAK_RULE,
            "weak_levels": WEAK_LEVELS,
        },
    )


@login_required
@require_POST
def round_open(request: HttpRequest, pk: int, wave_pk: int) -> HttpResponse:
    """Start collecting private ratings (usually once the survey wave has closed)."""
    wave = wave_for(request, pk, wave_pk)
    try:
        rnd = services.open_round(wave)
    except services.RoundAlreadyOpen as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            f"Opened rating round {rnd.number}. Share the rating link; close the round "
            "when everyone has rated to see the figures.",
        )
    return redirect(reverse("workshop:facilitate", args=[pk, wave_pk]) + "#rounds")


@login_required
@require_POST
def round_close(request: HttpRequest, pk: int, wave_pk: int) -> HttpResponse:
    """Stop collecting: the round's figures appear and it takes no more ratings."""
    wave = wave_for(request, pk, wave_pk)
    try:
        rnd = services.close_round(wave)
    except services.NoOpenRound as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"Closed rating round {rnd.number}. Its figures are below.")
    return redirect(reverse("workshop:facilitate", args=[pk, wave_pk]) + "#rounds")
