"""The workshop pack PDF download: drawn by a background task, then offered.

``report.pdf`` hands the file over when it is ready (checked and logged as before:
``Action.READ``, a DOWNLOAD security event, no-store); otherwise it queues the task
and sends the browser to the pack's status page, which says the file is being
prepared (a status message) with a "Check again" link, and then offers the download.
A link, not a self-refreshing page: it works without JavaScript, and a meta refresh
would change the page under a screen reader user (WCAG 2.2.1, axe's meta-refresh).
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from collabdx.io.exporters import FORMATS
from collabdx.web.collab.access import Action, wave_for
from collabdx.web.collab.models import Wave
from collabdx.web.results import pack_files, refusals, services
from collabdx.web.results.tasks import render_export, render_pack_pdf
from collabdx.web.security.events import Kind, record
from collabdx.web.survey.models import Response


def _refusal(request: HttpRequest, wave: Wave) -> HttpResponse | None:
    """The same refusals, in the same order, as when the PDF was drawn in the request."""
    gate = refusals.released_data(request, wave, status=409)
    return gate if isinstance(gate, HttpResponse) else None


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


def _status_page(request: HttpRequest, wave: Wave, *, ready: bool, what: str, label: str,
                 status_url: str, download_url: str) -> HttpResponse:
    return render(request, "results/pack_status.jinja", {
        "collab": wave.collaboration, "wave": wave, "ready": ready, "what": what,
        "label": label,
        "status_url": status_url, "download_url": download_url,
        "report_url": reverse("results:report", args=[wave.collaboration_id, wave.pk]),
    })  # fmt: skip


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
    args = [wave.collaboration_id, wave.pk]
    return _status_page(
        request, wave, ready=is_ready, what="workshop pack", label="workshop pack (PDF)",
        status_url=reverse("results:report_pdf_status", args=args),
        download_url=reverse("results:report_pdf", args=args),
    )  # fmt: skip


def is_large(wave: Wave) -> bool:
    """Exports of a wave this size are made by the background worker."""
    return Response.objects.filter(wave=wave).count() >= settings.BACKGROUND_EXPORT_ROWS


def _export_state(request: HttpRequest, wave: Wave, fmt: str) -> HttpResponse | Path | None:
    """A refusal, the kept file, or None once the task is queued (or was already)."""
    k = settings.MIN_GROUP_SIZE
    if not wave.results_released():
        return refusals.not_released(request, wave, 409)
    stamp = pack_files.pack_stamp(wave, k)
    kind = f"export.{fmt}"
    if pack_files.ready(wave.pk, stamp, kind) is None and pack_files.failed(
        wave.pk, stamp, kind
    ) is None and pack_files.claim_queue(wave.pk, stamp, kind):
        try:
            render_export.enqueue(wave.pk, fmt, stamp)
        except Exception:
            pack_files.release_queue(wave.pk, stamp, kind)
            raise
    # Looked at after queueing: the immediate backend (tests) has run the task by now.
    reason = pack_files.failed(wave.pk, stamp, kind)
    if reason == "refused":
        return refusals.too_few(request, wave, k)
    if reason is not None:
        return refusals.problem(request, wave, reason)
    return pack_files.ready(wave.pk, stamp, kind)


def large_export(request: HttpRequest, wave: Wave, fmt: str) -> HttpResponse:
    """``results:export`` for a large wave (access already checked: Action.DOWNLOAD)."""
    state = _export_state(request, wave, fmt)
    if isinstance(state, HttpResponse):
        return state
    if state is None:
        return redirect("results:export_status", wave.collaboration_id, wave.pk, fmt)
    record(Kind.DOWNLOAD, request=request, collaboration=wave.collaboration,
           detail=f"{fmt.upper()} export of {wave.name}")  # fmt: skip
    return FileResponse(
        state.open("rb"), as_attachment=True,
        filename=services.export_filename(wave.collaboration, wave, fmt),
        content_type=services.CONTENT_TYPES[fmt],
    )  # fmt: skip


@never_cache
@login_required
@require_safe
def export_status(request: HttpRequest, pk: int, wave_pk: int, fmt: str) -> HttpResponse:
    """"Being prepared" until a large wave's export is there, then a link to it."""
    if fmt not in FORMATS:
        raise Http404("No such format")
    wave = wave_for(request, pk, wave_pk, Action.DOWNLOAD)
    state = _export_state(request, wave, fmt)
    if isinstance(state, HttpResponse):
        return state
    args = [wave.collaboration_id, wave.pk]
    return _status_page(
        request, wave, ready=state is not None, what=f"{fmt.upper()} export",
        label=f"{fmt.upper()} export", status_url=reverse("results:export_status",
                                                          args=[*args, fmt]),
        download_url=reverse("results:export", args=[*args, fmt]),
    )  # fmt: skip
