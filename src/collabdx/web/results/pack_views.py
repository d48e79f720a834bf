"""The workshop pack PDF download: drawn by a background task, then offered.

``report.pdf`` hands the file over when it is ready (checked and logged as before:
``Action.READ``, a DOWNLOAD security event, no-store); otherwise it queues the task
and sends the browser to the pack's status page, which says the file is being
prepared, refreshes itself (a meta refresh, so it works without JavaScript, plus a
"Check again" link) and then offers the download.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from collabdx.web.collab.access import Action, wave_for
from collabdx.web.collab.models import Wave
from collabdx.web.results import pack_files, refusals, services
from collabdx.web.results.data import MixedInstrumentError, load_wave
from collabdx.web.results.release import results_released
from collabdx.web.results.tasks import render_pack_pdf
from collabdx.web.security.events import Kind, record

# Seconds between the status page's own reloads while the pack is drawn.
REFRESH_SECONDS = 5


def _refusal(request: HttpRequest, wave: Wave) -> HttpResponse | None:
    """The same refusals, in the same order, as when the PDF was drawn in the request."""
    if not results_released(wave):
        return refusals.not_released(request, wave, 409)
    k = settings.MIN_GROUP_SIZE
    try:
        data = load_wave(wave)
    except MixedInstrumentError as exc:
        return refusals.problem(request, wave, str(exc))
    if data.responses.n < k:
        return refusals.too_few(request, wave, k)
    return None


def _ensure(wave: Wave) -> tuple[str, bool]:
    """The wave's current stamp, and whether its PDF is ready (queueing it if not)."""
    stamp = pack_files.pack_stamp(wave, settings.MIN_GROUP_SIZE)
    if pack_files.ready(wave.pk, stamp) is None and pack_files.claim_queue(wave.pk, stamp):
        try:
            render_pack_pdf.enqueue(wave.pk, stamp)
        except Exception:
            pack_files.release_queue(wave.pk, stamp)
            raise
    return stamp, pack_files.ready(wave.pk, stamp) is not None


@never_cache
@login_required
@require_safe
def report_pdf(request: HttpRequest, pk: int, wave_pk: int) -> HttpResponse:
    """The workshop pack as an A4 PDF, once the background task has drawn it."""
    wave = wave_for(request, pk, wave_pk, Action.READ)
    refused = _refusal(request, wave)
    if refused is not None:
        return refused
    stamp, is_ready = _ensure(wave)
    path = pack_files.ready(wave.pk, stamp) if is_ready else None
    if path is None:
        return redirect("results:report_pdf_status", wave.collaboration_id, wave.pk)
    collab = wave.collaboration
    filename = services.export_filename(collab, wave, "pdf").replace(".pdf", "-workshop-pack.pdf")
    record(Kind.DOWNLOAD, request=request, collaboration=collab,
           detail=f"Workshop pack PDF of {wave.name}")  # fmt: skip
    return FileResponse(
        path.open("rb"), as_attachment=True, filename=filename, content_type="application/pdf"
    )


@never_cache
@login_required
@require_safe
def report_pdf_status(request: HttpRequest, pk: int, wave_pk: int) -> HttpResponse:
    """"Being prepared" until the PDF is there, then a link to download it."""
    wave = wave_for(request, pk, wave_pk, Action.READ)
    refused = _refusal(request, wave)
    if refused is not None:
        return refused
    _stamp, is_ready = _ensure(wave)
    here = reverse("results:report_pdf_status", args=[wave.collaboration_id, wave.pk])
    return render(request, "results/pack_status.jinja", {
        "collab": wave.collaboration, "wave": wave, "ready": is_ready,
        "refresh": None if is_ready else REFRESH_SECONDS, "status_url": here,
        "pdf_url": reverse("results:report_pdf", args=[wave.collaboration_id, wave.pk]),
        "report_url": reverse("results:report", args=[wave.collaboration_id, wave.pk]),
    })  # fmt: skip
