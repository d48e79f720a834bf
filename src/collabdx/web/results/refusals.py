"""The pages shown instead of a wave's figures, shared by every results view (the
group report, its PDF and downloads, the research page and its downloads)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from collabdx.reports.fmt import long_date
from collabdx.web.collab.models import Wave


def not_released(request: HttpRequest, wave: Wave, status: int = 200) -> HttpResponse:
    """The wave is still open (``results.release``). A page is a 200; a download asked
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
