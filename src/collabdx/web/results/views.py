"""Facilitator results pages: the group report, exports, trends and the action plan.

Every object comes through ``collab.access`` (another facilitator gets 404), every
page carries ``Cache-Control: no-store`` (results must not linger in shared
caches or the back-button history of a shared computer), writes are POST only
and go through ``services``, and figures are formatted in ``presenters`` (the group
report: in ``reports.pack``, shared with the command line and the PDF).
"""

from __future__ import annotations

import io
from typing import cast

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from collabdx.core.responses import ResponseSet
from collabdx.io.exporters import FORMATS, ExportFormat
from collabdx.reports.fmt import long_date
from collabdx.reports.model import ReportModel
from collabdx.reports.pack import pack_view
from collabdx.web.collab.access import Action, collaboration_for, wave_for
from collabdx.web.collab.models import ActionPlanItem, Wave
from collabdx.web.collab.presenters import wave_dates
from collabdx.web.collab.services import ServiceError
from collabdx.web.forms import error_list
from collabdx.web.results import model_gate, pack_views, presenters, refusals, services
from collabdx.web.results.forms import AdoptForm, PlanItemForm
from collabdx.web.results.pack_loading import DEMO_BANNER
from collabdx.web.security.events import Kind, record
from collabdx.web.survey.wave_data import MixedInstrumentError, load_wave


def _pack_context(request: HttpRequest, wave: Wave, model: ReportModel) -> dict[str, object]:
    collab = wave.collaboration
    c, w = collab.pk, wave.pk
    return {
        "collab": collab,
        "wave": wave,
        "k": model.min_group_size,
        "pack": pack_view(model),
        "web": True,
        "demo_banner": DEMO_BANNER if collab.is_demo else "",
        "dates": wave_dates(wave),
        "adopted": set(collab.plan_items.values_list("action_id", flat=True)),
        "adopt_url": reverse("results:adopt", args=[c, w]),
        "plan_url": reverse("results:plan", args=[c]),
        "context_url": reverse("collab:edit", args=[c]),
        "workshop_url": reverse("workshop:facilitate", args=[c, w]),
        "pdf_url": reverse("results:report_pdf", args=[c, w]),
        "formats": FORMATS,
    }


@never_cache
@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def report(request: HttpRequest, pk: int, wave_pk: int) -> HttpResponse:
    """The workshop pack as a page: the same section templates as the PDF and the
    command line's HTML, plus the web-only adopt buttons and downloads. A large wave's
    page says it is being prepared until the worker has drawn its model
    (``model_gate``); a POST is "Try again" after that broke."""
    wave = wave_for(request, pk, wave_pk, Action.READ)
    page_url = reverse("results:report", args=[wave.collaboration_id, wave.pk])
    if request.method == "POST":
        model_gate.retry_model(wave)
        return redirect(page_url)
    # Under k the model holds nothing: not the count, not the partners, not a figure.
    model = model_gate.model_or_page(request, wave, what="group report", page_url=page_url)
    if isinstance(model, HttpResponse):
        return model
    return render(request, "results/report.jinja", _pack_context(request, wave, model))


@never_cache
@login_required
@require_POST
def adopt(request: HttpRequest, pk: int, wave_pk: int) -> HttpResponse:
    wave = wave_for(request, pk, wave_pk)
    collab = wave.collaboration
    form = AdoptForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose an action statement to add.")
        return redirect("results:report", collab.pk, wave.pk)
    try:
        item = services.adopt(collab, form.cleaned_data["action_id"], wave)
    except ServiceError as exc:
        messages.error(request, str(exc))
        return redirect("results:report", collab.pk, wave.pk)
    task = presenters.plan_rows(collab, [item])[0].name
    messages.success(request, f"Added “{task}” to the action plan.")
    return redirect(reverse("results:report", args=[collab.pk, wave.pk]) + "#actions")


@never_cache
@login_required
@require_safe
def export(request: HttpRequest, pk: int, wave_pk: int, fmt: str) -> HttpResponse:
    if fmt not in FORMATS:
        raise Http404("No such format")
    wave = wave_for(request, pk, wave_pk, Action.DOWNLOAD)
    if pack_views.is_large(wave):
        return pack_views.large_export(request, wave, fmt)
    k = settings.MIN_GROUP_SIZE
    try:
        file = services.export_wave(wave, cast(ExportFormat, fmt), k)
    except MixedInstrumentError as exc:
        return refusals.problem(request, wave, str(exc))
    except services.NotReleased:
        return refusals.not_released(request, wave, 409)
    except services.ExportRefused:
        return refusals.too_few(request, wave, k)
    record(Kind.DOWNLOAD, request=request, collaboration=wave.collaboration,
           detail=f"{fmt.upper()} export of {wave.name}")  # fmt: skip
    return FileResponse(
        io.BytesIO(file.data), as_attachment=True, filename=file.filename,
        content_type=file.content_type,
    )  # fmt: skip


def _selected_scales(request: HttpRequest) -> dict[str, set[str]]:
    chosen: dict[str, set[str]] = {}
    for value in request.GET.getlist("scale")[:100]:
        iid, _, sid = value.partition(":")
        if iid and sid:
            chosen.setdefault(iid, set()).add(sid)
    return chosen


@never_cache
@login_required
@require_safe
def trends(request: HttpRequest, pk: int) -> HttpResponse:
    collab = collaboration_for(request, pk, Action.READ)
    k = settings.MIN_GROUP_SIZE
    usable: list[presenters.WaveStats] = []
    skipped: list[presenters.SkippedWave] = []
    for wave in collab.waves.all():
        if not wave.results_released():
            skipped.append(presenters.SkippedWave(
                wave.name, "still open; its results appear from "
                f"{long_date(wave.release_date)}"
            ))  # fmt: skip
            continue
        try:
            rs: ResponseSet = load_wave(wave).responses
        except MixedInstrumentError:
            skipped.append(presenters.SkippedWave(
                wave.name,
                "it holds answers to more than one survey version, so it cannot be scored",
            ))  # fmt: skip
            continue
        if rs.n < k:
            skipped.append(presenters.SkippedWave(
                wave.name, f"results need at least {k} responses"
            ))  # fmt: skip
            continue
        usable.append(presenters.WaveStats(wave, rs))
    events = list(collab.events.all())
    return render(
        request,
        "results/trends.jinja",
        {
            "collab": collab,
            "k": k,
            "demo_banner": DEMO_BANNER if collab.is_demo else "",
            "charts": presenters.trend_charts(usable, events, k, _selected_scales(request)),
            "skipped": skipped,
            "events": presenters.event_rows(events),
        },
    )


@never_cache
@login_required
@require_safe
def plan(request: HttpRequest, pk: int) -> HttpResponse:
    collab = collaboration_for(request, pk, Action.READ)
    items = collab.plan_items.select_related("adopted_in", "reviewed_in")
    return render(
        request,
        "results/plan.jinja",
        {
            "collab": collab,
            "demo_banner": DEMO_BANNER if collab.is_demo else "",
            "rows": presenters.plan_rows(collab, items),
            "waves": list(collab.waves.all()),
        },
    )


@never_cache
@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def plan_item(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    collab = collaboration_for(request, pk)
    try:
        item = collab.plan_items.select_related("adopted_in", "reviewed_in").get(pk=item_pk)
    except ActionPlanItem.DoesNotExist as exc:
        raise Http404("No such plan item") from exc
    waves = list(collab.waves.all())
    initial = {
        "owner_name": item.owner_name,
        "due_on": item.due_on.isoformat() if item.due_on else "",
        "status": item.status,
        "note": item.note,
        "reviewed_in": str(item.reviewed_in_id) if item.reviewed_in_id else "",
    }
    form = PlanItemForm(
        request.POST if request.method == "POST" else None, initial=initial, item=item, waves=waves
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.update_plan(
                item, owner_name=d["owner_name"], due_on=d["due_on"], status=d["status"],
                note=d["note"], reviewed_in=d["reviewed_in"],
            )  # fmt: skip
        except ServiceError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "Saved the action plan item.")
            return redirect(reverse("results:plan", args=[collab.pk]) + f"#item-{item.pk}")
    row = presenters.plan_rows(collab, [item])[0]
    return render(
        request,
        "results/plan_item.jinja",
        {"collab": collab, "row": row, "form": form, "form_errors": error_list(form)},
    )
