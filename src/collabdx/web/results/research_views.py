"""The researchers' pages of one wave: psychometrics as a page, as JSON and as the tidy
long-format package (issue 5, "research mode").

Gated exactly like the group report: objects come through ``collab.access`` (another
facilitator gets 404), nothing is shown while the wave is open (``release``), and
nothing at all under k responses. The figures come from ``reports.research``, the
same computation as the workshop pack's "For researchers" appendix.
"""

from __future__ import annotations

import io
import json
import tempfile
import zipfile
from pathlib import Path

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from collabdx.core.microdata import anonymise
from collabdx.core.psychometrics import PsychometricsResult, result_to_dict
from collabdx.io.longformat import write_long
from collabdx.reports.research_more import research_more
from collabdx.web.collab.access import Action, wave_for
from collabdx.web.collab.models import Wave
from collabdx.web.results import model_gate, refusals, services
from collabdx.web.results.pack_loading import DEMO_BANNER
from collabdx.web.results.research_presenters import research_page
from collabdx.web.security.events import Kind, record
from collabdx.web.survey.wave_data import WaveData


def _gate(request: HttpRequest, wave: Wave, *, download: bool) -> WaveData | HttpResponse:
    """A download asked for too early is a 409, as the group report's downloads are;
    the page is a 200."""
    return refusals.released_data(request, wave, status=409 if download else 200)


def _filename(wave: Wave, suffix: str) -> str:
    name = services.export_filename(wave.collaboration, wave, "json")
    return name.removesuffix(".json") + suffix


def _result(request: HttpRequest, wave: Wave, *, download: bool
            ) -> PsychometricsResult | HttpResponse:  # fmt: skip
    """The wave's research result, from its kept report model (``model_gate``: the
    "For researchers" appendix is the same computation, with the same partner list and
    resamples), or the page to show instead: being prepared, or nothing under k."""
    page_url = reverse("results:research", args=[wave.collaboration_id, wave.pk])
    model = model_gate.model_or_page(request, wave, what="research page", page_url=page_url,
                                     download=download)  # fmt: skip
    if isinstance(model, HttpResponse):
        return model
    if model.withheld or model.research is None:
        return refusals.too_few(request, wave, settings.MIN_GROUP_SIZE)
    return model.research


@never_cache
@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def research(request: HttpRequest, pk: int, wave_pk: int) -> HttpResponse:
    """Reliability, agreement, group comparisons and the CFA for one closed wave. A POST
    is "Try again" after drawing the wave's model broke."""
    wave = wave_for(request, pk, wave_pk, Action.READ)
    collab = wave.collaboration
    c, w = collab.pk, wave.pk
    if request.method == "POST":
        model_gate.retry_model(wave)
        return redirect("results:research", c, w)
    result = _result(request, wave, download=False)
    if isinstance(result, HttpResponse):
        return result
    return render(
        request,
        "results/research.jinja",
        {
            "collab": collab,
            "wave": wave,
            "page": research_page(result),
            "more": research_more(result),
            "demo_banner": DEMO_BANNER if collab.is_demo else "",
            "report_url": reverse("results:report", args=[c, w]),
            "json_url": reverse("results:research_json", args=[c, w]),
            "long_url": reverse("results:research_long", args=[c, w]),
            "sav_url": reverse("results:research_sav", args=[c, w]),
            "dta_url": reverse("results:research_dta", args=[c, w]),
            "lavaan_url": reverse("results:research_lavaan", args=[c, w]),
            "mplus_url": reverse("results:research_mplus", args=[c, w]),
        },
    )


def _attachment(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@never_cache
@login_required
@require_safe
def research_json(request: HttpRequest, pk: int, wave_pk: int) -> HttpResponse:
    """Every statistic of the research page as JSON (``result_to_dict``)."""
    wave = wave_for(request, pk, wave_pk, Action.READ)
    result = _result(request, wave, download=True)
    if isinstance(result, HttpResponse):
        return result
    record(Kind.DOWNLOAD, request=request, collaboration=wave.collaboration,
           detail=f"Research statistics (JSON) of {wave.name}")  # fmt: skip
    label = DEMO_BANNER if wave.collaboration.is_demo else None
    body = result_to_dict(result) | {"data_label": label}
    text = json.dumps(body, indent=2, ensure_ascii=False) + "\n"
    return _attachment(text.encode("utf-8"), "application/json", _filename(wave, "-research.json"))


def long_zip(data: WaveData, k: int) -> bytes:
    """The tidy long format with its Frictionless data package, zipped.

    One row per respondent and question, codes only: no free text, so no
    organisation; rows in random order with random ids, as the other downloads.
    The descriptors are protected exactly as in the wide export of the same wave
    (``core.microdata``, which depends on the rows' content only), so the two files
    cannot be matched row by row to show more than either.
    """
    protection = anonymise(data.responses, k, partners=list(data.partner_counts))
    buffer = io.BytesIO()
    with tempfile.TemporaryDirectory(prefix="collabdx-long-") as tmp:
        paths = write_long(data.responses, Path(tmp), protection)
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for path in paths:
                archive.write(path, arcname=path.name)
    return buffer.getvalue()
