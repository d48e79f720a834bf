"""The workshop's last steps: from elements agreed weak to actions in the plan (issue 14).

Pages for those who run the workshop (``Action.RUN``, like the facilitator page):
the list of weak elements with their linked action statements, and one page per
statement to adopt it with an owner and a due date. One form per page, so the
form reads well on a phone and its errors link to the right box.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from collabdx.web.collab import hooks
from collabdx.web.collab.access import wave_for
from collabdx.web.forms import error_list
from collabdx.web.workshop import action_presenters as ap
from collabdx.web.workshop import services
from collabdx.web.workshop.forms import AdoptActionForm


@never_cache
@login_required
@require_GET
def actions(request: HttpRequest, pk: int, wave_pk: int) -> HttpResponse:
    wave = wave_for(request, pk, wave_pk)
    selected = hooks.survey_selection(wave)
    so_far = ap.weak_elements(wave, selected or ())
    return render(
        request,
        "workshop/actions.jinja",
        {
            "collab": wave.collaboration,
            "wave": wave,
            "agreed": so_far.agreed,
            "weak": so_far.weak,
            "weak_rule": ap.WEAK_RULE,
            "rank_rule": ap.RANK_RULE,
            "survey_shown": selected is not None,
        },
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def adopt(
    request: HttpRequest, pk: int, wave_pk: int, element_id: str, action_id: str
) -> HttpResponse:
    wave = wave_for(request, pk, wave_pk)
    offer = ap.offered(wave, element_id, action_id)
    if offer is None:
        raise Http404("No such element or action statement")
    back = reverse("workshop:actions", args=[pk, wave_pk]) + f"#element-{element_id}"
    form = AdoptActionForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST" and offer.weak and not offer.action.in_plan and form.is_valid():
        try:
            done = services.adopt_for_element(
                wave, element_id, action_id,
                owner_name=form.cleaned_data["owner_name"], due_on=form.cleaned_data["due_on"],
            )  # fmt: skip
        except services.WorkshopError as exc:  # changed since the page was read
            form.add_error(None, str(exc))
        else:
            if done.outcome == "added":
                messages.success(request, f"Added “{offer.action.name}” to the action plan.")
            else:
                messages.info(request, f"“{offer.action.name}” was already in the action plan.")
            return redirect(back)
    elif request.method == "POST":
        status = 200 if offer.weak and not offer.action.in_plan else 409
    errors = error_list(form) if form.is_bound and offer.weak and not offer.action.in_plan else []
    return render(
        request,
        "workshop/adopt.jinja",
        {
            "collab": wave.collaboration,
            "wave": wave,
            "offer": offer,
            "form": form,
            "form_errors": [
                {**e, "href": e["href"] if e["href"] != "#" else "#owner_name"} for e in errors
            ],
            "back": back,
            "weak_rule": ap.WEAK_RULE,
        },
        status=status,
    )
