"""Facilitator pages for collaborations, partners, waves and events.

Views parse input and render; writes go through ``services``; display through
``presenters``. Every object is fetched via ``access`` so another facilitator's
collaboration answers 404.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from collabdx.reports.fmt import long_date
from collabdx.reports.quality import quality_text
from collabdx.web.collab import archive, lifecycle, presenters, services
from collabdx.web.collab.access import Action, can, collaboration_for, role_in, wave_for
from collabdx.web.collab.forms import EventForm, PartnerForm, WaveForm
from collabdx.web.collab.models import Collaboration
from collabdx.web.forms import error_list
from collabdx.web.security.events import Kind, record


@login_required
def home(request: HttpRequest) -> HttpResponse:
    collabs = Collaboration.objects.for_user(request.user).prefetch_related("partners", "waves")
    rows = [
        {
            "collab": c,
            "type": presenters.type_name(c.collaboration_type),
            "partners": c.partners.count(),
            "waves": c.waves.count(),
            "shared": c.owner_id != request.user.pk,
            "role": role_in(request, c),
        }
        for c in collabs
    ]
    return render(request, "collab/home.jinja", {"rows": rows})


@login_required
@require_safe
def collaboration_detail(request: HttpRequest, pk: int) -> HttpResponse:
    collab = collaboration_for(request, pk, Action.READ)
    k = settings.MIN_GROUP_SIZE
    waves = [
        {
            "wave": w,
            "status": presenters.wave_status(w),
            "dates": presenters.wave_dates(w, short=True),
            "instrument": presenters.instrument_label(w),
            "responses": presenters.wave_counts(w, k).summary,
        }
        for w in collab.waves.all()
    ]
    return render(
        request,
        "collab/detail.jinja",
        {
            "collab": collab,
            "context_rows": presenters.context_summary(collab),
            "partners": list(collab.partners.all()),
            "waves": waves,
            "members": list(collab.memberships.select_related("user")),
            "role": role_in(request, collab),
            "partner_form": PartnerForm(),
        },
    )


@login_required
@require_POST
def partner_add(request: HttpRequest, pk: int) -> HttpResponse:
    collab = collaboration_for(request, pk)
    form = PartnerForm(request.POST)
    if form.is_valid():
        try:
            partner = services.add_partner(collab, form.cleaned_data["name"])
        except services.ServiceError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, f"Added {partner.name}.")
    else:
        messages.error(request, "Enter the partner organisation's name")
    return redirect("collab:detail", collab.pk)


@login_required
@require_http_methods(["GET", "POST"])
def wave_new(request: HttpRequest, pk: int) -> HttpResponse:
    collab = collaboration_for(request, pk)
    today = dt.date.today()
    n = collab.waves.count() + 1
    form = WaveForm(
        request.POST or None,
        initial={
            "name": f"Wave {n}",
            "instrument": "readiness:1",
            "opens_on": today,
            "closes_on": today + dt.timedelta(days=21),
        },
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        instrument_id, version = d["instrument"].split(":")
        try:
            wave = services.open_wave(
                collab,
                name=d["name"],
                instrument_id=instrument_id,
                instrument_version=version,
                opens_on=d["opens_on"],
                closes_on=d["closes_on"],
            )
        except services.ServiceError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"Opened {wave.name}. Share each partner's link below.")
            return redirect("collab:wave", collab.pk, wave.pk)
    return render(
        request,
        "collab/wave_form.jinja",
        {"collab": collab, "form": form, "form_errors": error_list(form)},
    )


@login_required
@require_safe
def wave_detail(request: HttpRequest, pk: int, wave_pk: int) -> HttpResponse:
    wave = wave_for(request, pk, wave_pk, Action.READ)
    # Partner and maturity links are keys to answer with: only for those who run it.
    runs = can(request, wave.collaboration, Action.RUN)
    k = settings.MIN_GROUP_SIZE
    counts = presenters.wave_counts(wave, k)
    maturity_url = request.build_absolute_uri(reverse("workshop:rate", args=[wave.maturity_token]))
    return render(
        request,
        "collab/wave.jinja",
        {
            "collab": wave.collaboration,
            "wave": wave,
            "status": presenters.wave_status(wave),
            "dates": presenters.wave_dates(wave),
            "instrument": presenters.instrument_label(wave),
            "links": presenters.link_rows(request, wave, counts) if runs else [],
            "counts": counts,
            "quality": quality_text(counts.quality) if counts.released else "",
            "k": k,
            "maturity_url": maturity_url if runs else "",
            "runs": runs,
            "delete_after": lifecycle.delete_after(wave),
            "retention_days": lifecycle.retention_days(),
            "released": wave.results_released(),
            "release_date": wave.release_date,
            "collected": wave.get_collected_display() if wave.collected != wave.ONLINE else "",
            # Answers collected elsewhere go only into a wave with none yet (upload_views).
            "may_upload": can(request, wave.collaboration, Action.OWN)
            and not wave.responses.exists(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def wave_close(request: HttpRequest, pk: int, wave_pk: int) -> HttpResponse:
    """Closing early cannot be undone: GET asks, POST closes."""
    wave = wave_for(request, pk, wave_pk)
    if presenters.wave_status(wave) == "Closed":
        messages.info(request, f"{wave.name} has already closed.")
        return redirect("collab:wave", pk, wave_pk)
    if request.method == "POST":
        if services.close_wave(wave, request=request):
            messages.success(
                request,
                f"Closed {wave.name}. The links no longer accept answers, and its results "
                "are open now.",
            )
        return redirect("collab:wave", pk, wave_pk)
    today = dt.date.today()
    return render(
        request,
        "collab/wave_close.jinja",
        {
            "collab": wave.collaboration,
            "wave": wave,
            "closes_on": long_date(wave.closes_on),
            # While open, the same statuses as the wave page: a total here would be a
            # reading of the count before the close (issue 12, attack 3).
            "responses": presenters.wave_counts(wave, settings.MIN_GROUP_SIZE).line,
            "delete_after": long_date(
                today + dt.timedelta(days=lifecycle.retention_days() + 1)
            ),
            "retention_days": lifecycle.retention_days(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def event_new(request: HttpRequest, pk: int) -> HttpResponse:
    collab = collaboration_for(request, pk)
    form = EventForm(request.POST or None, initial={"happened_on": dt.date.today()})
    if request.method == "POST" and form.is_valid():
        services.record_event(collab, **form.cleaned_data)
        messages.success(request, "Added the event to the timeline.")
        return redirect("collab:detail", collab.pk)
    return render(
        request,
        "collab/event_form.jinja",
        {"collab": collab, "form": form, "form_errors": error_list(form)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def collaboration_delete(request: HttpRequest, pk: int) -> HttpResponse:
    collab = collaboration_for(request, pk, Action.OWN)
    if request.method == "POST":
        if request.POST.get("confirm_name", "").strip() != collab.name:
            messages.error(request, "Type the collaboration's name exactly to delete it.")
            return redirect("collab:delete", collab.pk)
        name = collab.name
        services.delete_collaboration(collab, request=request)
        messages.success(request, f"Deleted {name} and all its data.")
        return redirect("home")
    return render(request, "collab/delete.jinja", {"collab": collab})


@never_cache
@login_required
@require_safe
def export_everything(request: HttpRequest, pk: int) -> HttpResponse:
    """A ZIP of everything held about the collaboration (owner only; see archive.py)."""
    collab = collaboration_for(request, pk, Action.OWN)
    record(Kind.DOWNLOAD, request=request, collaboration=collab, detail="Everything held (ZIP)")
    response = HttpResponse(archive.build_archive(collab), content_type="application/zip")
    response["Content-Disposition"] = content_disposition_header(
        True, archive.archive_filename(collab)
    )
    return response
