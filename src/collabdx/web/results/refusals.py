"""The pages shown instead of a wave's figures, shared by every results view (the
group report, its PDF and downloads, the research page and its downloads), and
``released_data``: the one gate in front of a wave's figures."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from collabdx.reports.fmt import long_date
from collabdx.web.collab.models import Wave
from collabdx.web.survey.wave_data import MixedInstrumentError, WaveData, load_wave


def released_data(
    request: HttpRequest, wave: Wave, *, status: int = 200
) -> WaveData | HttpResponse:
    """The wave's data, or the page to show instead of any figure, checked in this
    order: released (``Wave.results_released``; a download asked for too early says
    ``status`` 409, a page 200), scorable as one group, at least k responses."""
    if not wave.results_released():
        return not_released(request, wave, status)
    try:
        data = load_wave(wave)
    except MixedInstrumentError as exc:
        return problem(request, wave, str(exc))
    k = settings.MIN_GROUP_SIZE
    if data.responses.n < k:
        return too_few(request, wave, k)
    return data


def not_released(request: HttpRequest, wave: Wave, status: int = 200) -> HttpResponse:
    """The wave is still open (``Wave.results_released``). A page is a 200; a download asked
    for too early is a 409."""
    return render(
        request, "results/not_released.jinja",
        {
            "collab": wave.collaboration, "wave": wave,
            "release_date": long_date(wave.release_date),
        },
        status=status,
    )  # fmt: skip


def problem(request: HttpRequest, wave: Wave, message: str) -> HttpResponse:
    """The wave cannot be scored as one group (e.g. mixed survey versions)."""
    return render(
        request, "results/problem.jinja",
        {"collab": wave.collaboration, "wave": wave, "message": message}, status=409,
    )  # fmt: skip


def too_few(request: HttpRequest, wave: Wave, k: int) -> HttpResponse:
    """Fewer than k responses: nothing of them is released."""
    return render(
        request, "results/export_refused.jinja",
        {"collab": wave.collaboration, "wave": wave, "k": k}, status=409,
    )  # fmt: skip
