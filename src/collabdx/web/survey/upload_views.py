"""Answers collected elsewhere: upload a file into a wave, confirm, and the wave closes.

Three steps: the upload page parses the file (``upload.py``) and keeps the parsed
values only; the confirm page maps the file's organisation values to partners and
stores the responses (``upload_services.import_responses``); cancel forgets them. Only the
collaboration's owner may do this (``Action.OWN``): it writes a whole wave's answers
at once (docs/security.md, "Answers collected elsewhere").

The upload page is the one view that reads a file part. Django reads the body for the
CSRF check, so the view sets its in-memory, size-limited upload handler first and
then runs the CSRF check itself (``csrf_exempt`` outside, ``csrf_protect`` inside:
Django's documented way to change upload handlers per view).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_http_methods, require_POST

from collabdx.core.data_quality import Row, check_quality
from collabdx.core.instruments import load_instrument
from collabdx.io import ResponseImportError
from collabdx.reports.quality import quality_text
from collabdx.web.collab import presenters
from collabdx.web.collab.access import Action, wave_for
from collabdx.web.collab.forms import OrganisationMappingForm
from collabdx.web.collab.models import Wave
from collabdx.web.forms import error_list
from collabdx.web.security.uploads import LimitedMemoryUpload
from collabdx.web.survey import upload, upload_services
from collabdx.web.survey.models import Response

FIELD = "file"


def _refusal(wave: Wave) -> str:
    """Why this wave cannot take a file, or ''. (Also checked by the service.)"""
    if Response.objects.filter(wave=wave).exists():
        return (
            f"{wave.name} already has responses collected online, so a file cannot be "
            "added to it: it would count some people twice. Open a new wave for the "
            "answers collected elsewhere and upload the file there."
        )
    return ""


def _limit_mb() -> str:
    return f"{settings.UPLOAD_MAX_BYTES / 1024 / 1024:g}"


def _render_upload(
    request: HttpRequest, wave: Wave, errors: list[dict[str, str]], refusal: str = ""
) -> HttpResponse:
    return render(
        request,
        "survey/wave_upload.jinja",
        {
            "collab": wave.collaboration,
            "wave": wave,
            "form_errors": errors,
            "file_error": " ".join(e["text"] for e in errors[:1]) if errors else "",
            "refusal": refusal,
            "limit_mb": _limit_mb(),
            "accept": ",".join(upload.EXTENSIONS),
        },
    )


def _file_errors(exc: ResponseImportError) -> list[dict[str, str]]:
    items = [{"text": p.located(exc.file_name), "href": f"#{FIELD}"} for p in exc.problems]
    if exc.more:
        items.append({"text": f"… and {exc.more} more problems not listed", "href": f"#{FIELD}"})
    return items


@csrf_exempt
@login_required
@require_http_methods(["GET", "POST"])
def wave_upload(request: HttpRequest, pk: int, wave_pk: int) -> HttpResponse:
    handler = LimitedMemoryUpload(settings.UPLOAD_MAX_BYTES, request)
    if request.method == "POST":
        request.upload_handlers = [handler]
    checked: Any = csrf_protect(_wave_upload)
    response: HttpResponse = checked(request, pk, wave_pk, handler)
    return response


def _wave_upload(
    request: HttpRequest, pk: int, wave_pk: int, handler: LimitedMemoryUpload
) -> HttpResponse:
    wave = wave_for(request, pk, wave_pk, Action.OWN)
    refusal = _refusal(wave)
    if request.method != "POST" or refusal:
        return _render_upload(request, wave, [], refusal)
    uploaded = request.FILES.get(FIELD)
    if handler.too_large:
        message = f"The selected file must be smaller than {_limit_mb()} MB"
        return _render_upload(request, wave, [{"text": message, "href": f"#{FIELD}"}])
    if uploaded is None or not uploaded.name:
        return _render_upload(request, wave, [{"text": "Select a file", "href": f"#{FIELD}"}])
    instrument = load_instrument(wave.instrument_id, wave.instrument_version)
    try:
        parsed = upload.parse_upload(uploaded.name, uploaded.read(), instrument)
    except ResponseImportError as exc:
        return _render_upload(request, wave, _file_errors(exc))
    finally:
        uploaded.close()
    upload.keep(request.session, wave.pk, parsed)
    return redirect("collab:wave_upload_confirm", pk, wave_pk)


@login_required
@require_http_methods(["GET", "POST"])
def wave_upload_confirm(request: HttpRequest, pk: int, wave_pk: int) -> HttpResponse:
    wave = wave_for(request, pk, wave_pk, Action.OWN)
    parsed = upload.pending(request.session, wave.pk)
    if parsed is None:
        messages.info(request, "Upload the file again: nothing from it was kept.")
        return redirect("collab:wave_upload", pk, wave_pk)
    refusal = _refusal(wave)
    if refusal:
        upload.forget(request.session, wave.pk)
        return _render_upload(request, wave, [], refusal)
    values = upload.organisation_values(parsed)
    partners = [(p.pk, p.name) for p in wave.collaboration.partners.all()]
    form = OrganisationMappingForm(
        request.POST if request.method == "POST" else None,
        values=[v for v, _ in values],
        partners=partners,
    )
    if request.method == "POST" and form.is_valid():
        outcome = upload_services.import_responses(
            wave,
            instrument_id=parsed.instrument_id,
            instrument_version=parsed.instrument_version,
            collected=parsed.format,
            rows=[(r.organisation, r.answers) for r in parsed.rows],
            mapping=form.mapping(),
            request=request,
        )
        if isinstance(outcome, upload_services.Imported):
            upload.forget(request.session, wave.pk)
            left = f" Left out {outcome.left_out} as you chose." if outcome.left_out else ""
            messages.success(
                request, f"Stored {outcome.stored} responses in {wave.name} and closed it.{left}"
            )
            return redirect("results:report", pk, wave_pk)
        form.add_error(None, outcome.reason)
    instrument = load_instrument(parsed.instrument_id, parsed.instrument_version)
    quality = check_quality(
        instrument,
        [Row(str(i), r.organisation, r.answers) for i, r in enumerate(parsed.rows)],
    )
    k = settings.MIN_GROUP_SIZE
    return render(
        request,
        "survey/wave_upload_confirm.jinja",
        {
            "collab": wave.collaboration,
            "wave": wave,
            "form": form,
            "form_errors": error_list(form),
            "rows": [
                {**row, "name": f"org_{i}"}
                for i, row in enumerate(presenters.upload_value_rows(values, k))
            ],
            "summary": parsed.summary,
            "quality": quality_text(quality),
            "k": k,
        },
    )


@login_required
@require_POST
def wave_upload_cancel(request: HttpRequest, pk: int, wave_pk: int) -> HttpResponse:
    wave = wave_for(request, pk, wave_pk, Action.OWN)
    upload.forget(request.session, wave.pk)
    messages.info(request, "Cancelled: nothing from the file was stored or kept.")
    return redirect("collab:wave", pk, wave_pk)
