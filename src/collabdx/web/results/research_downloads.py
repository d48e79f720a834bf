"""The row-level research downloads (the long format's ZIP, SPSS, Stata): made in the
request for a small wave, by the background worker for a large one (issue 15).

Gated like the wave's CSV export (``Action.DOWNLOAD``: row-level data; another
facilitator gets 404; nothing while the wave is open; nothing under k). A wave with at
least ``settings.BACKGROUND_EXPORT_ROWS`` responses gets its file from
``tasks.render_research_file``, which makes exactly the bytes the request makes for a
small wave (``research_file``); the request queues it, sends the browser to the file's
status page (``research/<kind>/``, the pattern of the pack PDF), and hands the kept
file over once it is there, access-checked and logged as before.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from collabdx.io.statfiles import StatFormat
from collabdx.web.collab.access import Action, wave_for
from collabdx.web.collab.models import Wave
from collabdx.web.results import pack_views, prepared, refusals
from collabdx.web.results.research_files import STAT_TYPES, stat_download
from collabdx.web.results.research_views import _attachment, _filename, _gate, long_zip
from collabdx.web.results.tasks import RESEARCH_FILES, render_research_file
from collabdx.web.security.events import Kind, record
from collabdx.web.survey.wave_data import WaveData

CONTENT_TYPES = {"zip": "application/zip", **STAT_TYPES}
SUFFIXES = {"zip": "-long.zip", "sav": "-responses.sav", "dta": "-responses.dta"}
LABELS = {"zip": "long-format data (ZIP)", "sav": "SPSS data file", "dta": "Stata data file"}
DETAILS = {"zip": "Long-format data", "sav": "Research data (SAV)", "dta": "Research data (DTA)"}
URL_NAMES = {"zip": "results:research_long", "sav": "results:research_sav",
             "dta": "results:research_dta"}  # fmt: skip


def research_file(data: WaveData, fmt: str, k: int) -> bytes:
    """The bytes of one row-level research download of an already-gated wave."""
    if fmt == "zip":
        return long_zip(data, k)
    stat: StatFormat = "sav" if fmt == "sav" else "dta"
    return stat_download(data, stat, k)


def _state(request: HttpRequest, wave: Wave, fmt: str) -> HttpResponse | prepared.State:
    """A refusal page, or the state of the kept file (queueing its task if needed)."""
    if not wave.results_released():
        return refusals.not_released(request, wave, 409)
    return prepared.file_state(request, wave, f"research.{fmt}",
                               lambda stamp: render_research_file.enqueue(wave.pk, fmt, stamp))


def _handed_over(request: HttpRequest, wave: Wave, fmt: str, body: object) -> HttpResponse:
    record(Kind.DOWNLOAD, request=request, collaboration=wave.collaboration,
           detail=f"{DETAILS[fmt]} of {wave.name}")  # fmt: skip
    filename = _filename(wave, SUFFIXES[fmt])
    if isinstance(body, bytes):
        return _attachment(body, CONTENT_TYPES[fmt], filename)
    return FileResponse(body, as_attachment=True, filename=filename,
                        content_type=CONTENT_TYPES[fmt])  # fmt: skip


def _download(request: HttpRequest, pk: int, wave_pk: int, fmt: str) -> HttpResponse:
    wave = wave_for(request, pk, wave_pk, Action.DOWNLOAD)  # row-level: as the exports
    if not pack_views.is_large(wave):
        data = _gate(request, wave, download=True)
        if isinstance(data, HttpResponse):
            return data
        return _handed_over(request, wave, fmt, research_file(data, fmt, settings.MIN_GROUP_SIZE))
    state = _state(request, wave, fmt)
    if isinstance(state, HttpResponse):
        return state
    if isinstance(state, prepared.Ready):
        return _handed_over(request, wave, fmt, state.path.open("rb"))
    return redirect("results:research_status", wave.collaboration_id, wave.pk, fmt)


@never_cache
@login_required
@require_safe
def research_long(request: HttpRequest, pk: int, wave_pk: int) -> HttpResponse:
    """The tidy long format with its Frictionless data package, zipped (``long_zip``)."""
    return _download(request, pk, wave_pk, "zip")


@never_cache
@login_required
@require_safe
def research_sav(request: HttpRequest, pk: int, wave_pk: int) -> HttpResponse:
    """The wave's protected responses as an SPSS file with variable and value labels."""
    return _download(request, pk, wave_pk, "sav")


@never_cache
@login_required
@require_safe
def research_dta(request: HttpRequest, pk: int, wave_pk: int) -> HttpResponse:
    """The wave's protected responses as a Stata file with variable and value labels."""
    return _download(request, pk, wave_pk, "dta")


@never_cache
@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def research_status(request: HttpRequest, pk: int, wave_pk: int, kind: str) -> HttpResponse:
    """"Being prepared" until a large wave's research download is there, then a link to
    it; "could not be made" with "Try again" (this URL, POST) if its task broke."""
    if kind not in RESEARCH_FILES:
        raise Http404("No such research download")
    wave = wave_for(request, pk, wave_pk, Action.DOWNLOAD)
    args = [wave.collaboration_id, wave.pk]
    return prepared.status_view(
        request, wave, kind=f"research.{kind}", state_of=lambda: _state(request, wave, kind),
        what=LABELS[kind], label=LABELS[kind],
        status_url=reverse("results:research_status", args=[*args, kind]),
        download_url=reverse(URL_NAMES[kind], args=args),
    )  # fmt: skip
