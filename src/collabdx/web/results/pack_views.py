"""The workshop pack PDF download: drawn by a background task, then offered.

``report.pdf`` hands the file over when it is ready (checked and logged as before:
``Action.READ``, a DOWNLOAD security event, no-store); otherwise it queues the task
and sends the browser to the pack's status page, which says the file is being
prepared (a status message, HTTP 202) with a "Check again" link, and then offers the
download. A link, not a self-refreshing page: it works without JavaScript, and a meta
refresh would change the page under a screen reader user (WCAG 2.2.1, axe's
meta-refresh); with JavaScript the page checks politely by itself and says in its
status message when the file is ready (static/collabdx/init.js). If the task broke,
the page says so with a "Try again" button (``prepared``).
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from collabdx.io.exporters import FORMATS
from collabdx.web.collab.access import Action, wave_for
from collabdx.web.collab.models import Wave
from collabdx.web.results import model_cache, model_gate, pack_files, prepared, refusals, services
from collabdx.web.results.tasks import render_export, render_pack_pdf
from collabdx.web.security.events import Kind, record
from collabdx.web.survey.models import Response
from collabdx.web.survey.wave_data import MixedInstrumentError, load_wave


def _refusal(request: HttpRequest, wave: Wave) -> HttpResponse | None:
    """The same refusals, in the same order, as when the PDF was drawn in the request,
    decided without reading the responses where the kept model already knows, and left
    to the task (which keeps its reason) for a large wave whose model is not kept yet."""
    if not wave.results_released():
        return refusals.not_released(request, wave, 409)
    k = settings.MIN_GROUP_SIZE
    model = model_cache.kept(wave.pk, model_cache.model_stamp(wave, k))
    if model is not None:
        return refusals.too_few(request, wave, k) if model.withheld else None
    if model_gate.is_large(wave):
        return None
    try:
        data = load_wave(wave)
    except MixedInstrumentError as exc:
        return refusals.problem(request, wave, str(exc))
    if data.responses.n < k:
        return refusals.too_few(request, wave, k)
    return None


def _pdf_state(request: HttpRequest, wave: Wave) -> HttpResponse | prepared.State:
    """A refusal page, or the PDF's state (queueing its task if needed)."""
    refused = _refusal(request, wave)
    if refused is not None:
        return refused
    return prepared.file_state(request, wave, pack_files.PACK,
                               lambda stamp: render_pack_pdf.enqueue(wave.pk, stamp))


@never_cache
@login_required
@require_safe
def report_pdf(request: HttpRequest, pk: int, wave_pk: int) -> HttpResponse:
    """The workshop pack as an A4 PDF, once the background task has drawn it."""
    wave = wave_for(request, pk, wave_pk, Action.READ)
    state = _pdf_state(request, wave)
    if isinstance(state, HttpResponse):
        return state
    if not isinstance(state, prepared.Ready):
        return redirect("results:report_pdf_status", wave.collaboration_id, wave.pk)
    collab = wave.collaboration
    filename = services.export_filename(collab, wave, "pdf").replace(".pdf", "-workshop-pack.pdf")
    record(Kind.DOWNLOAD, request=request, collaboration=collab,
           detail=f"Workshop pack PDF of {wave.name}")  # fmt: skip
    return FileResponse(
        state.path.open("rb"), as_attachment=True, filename=filename,
        content_type="application/pdf",
    )  # fmt: skip


@never_cache
@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def report_pdf_status(request: HttpRequest, pk: int, wave_pk: int) -> HttpResponse:
    """"Being prepared" until the PDF is there, then a link to download it; "could not
    be made" with "Try again" (this URL, POST) if its task broke."""
    wave = wave_for(request, pk, wave_pk, Action.READ)
    args = [wave.collaboration_id, wave.pk]
    return prepared.status_view(
        request, wave, kind=pack_files.PACK, state_of=lambda: _pdf_state(request, wave),
        what="workshop pack", label="workshop pack (PDF)",
        status_url=reverse("results:report_pdf_status", args=args),
        download_url=reverse("results:report_pdf", args=args),
    )  # fmt: skip


def is_large(wave: Wave) -> bool:
    """Exports of a wave this size are made by the background worker."""
    return Response.objects.filter(wave=wave).count() >= settings.BACKGROUND_EXPORT_ROWS


def _export_state(request: HttpRequest, wave: Wave, fmt: str) -> HttpResponse | prepared.State:
    """A refusal page, or the export's state (queueing its task if needed)."""
    if not wave.results_released():
        return refusals.not_released(request, wave, 409)
    return prepared.file_state(request, wave, f"export.{fmt}",
                               lambda stamp: render_export.enqueue(wave.pk, fmt, stamp))


def large_export(request: HttpRequest, wave: Wave, fmt: str) -> HttpResponse:
    """``results:export`` for a large wave (access already checked: Action.DOWNLOAD)."""
    state = _export_state(request, wave, fmt)
    if isinstance(state, HttpResponse):
        return state
    if not isinstance(state, prepared.Ready):
        return redirect("results:export_status", wave.collaboration_id, wave.pk, fmt)
    record(Kind.DOWNLOAD, request=request, collaboration=wave.collaboration,
           detail=f"{fmt.upper()} export of {wave.name}")  # fmt: skip
    return FileResponse(
        state.path.open("rb"), as_attachment=True,
        filename=services.export_filename(wave.collaboration, wave, fmt),
        content_type=services.CONTENT_TYPES[fmt],
    )  # fmt: skip


@never_cache
@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def export_status(request: HttpRequest, pk: int, wave_pk: int, fmt: str) -> HttpResponse:
    """"Being prepared" until a large wave's export is there, then a link to it; "could
    not be made" with "Try again" (this URL, POST) if its task broke."""
    if fmt not in FORMATS:
        raise Http404("No such format")
    wave = wave_for(request, pk, wave_pk, Action.DOWNLOAD)
    args = [wave.collaboration_id, wave.pk]
    return prepared.status_view(
        request, wave, kind=f"export.{fmt}", state_of=lambda: _export_state(request, wave, fmt),
        what=f"{fmt.upper()} export", label=f"{fmt.upper()} export",
        status_url=reverse("results:export_status", args=[*args, fmt]),
        download_url=reverse("results:export", args=[*args, fmt]),
    )  # fmt: skip
