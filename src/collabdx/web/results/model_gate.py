"""The report model of a released wave, or the page to show instead (issue 15).

Drawing the model of an ICS-sized wave takes tens of seconds (the research appendix's
factor analysis, reliability intervals and trends), so no request does it for a large
wave: the worker draws it when the wave is closed (``apps.ResultsConfig.ready``) or
when its page is first asked for, and keeps it sealed (``model_cache``). Until then
the report page and the research page say it is being prepared. A wave under
``settings.BACKGROUND_REPORT_ROWS`` responses is still drawn in the request: below the
confirmatory factor analysis' 480 complete responses its model has no CFA, so its cost
is bounded (scoring and a 200-resample interval of at most that many rows;
docs/scaling.md), and a small wave's first visitor should not have to wait on a
worker that may be busy with another collaboration's PDF.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from collabdx.reports.model import ReportModel
from collabdx.web.collab.models import Wave
from collabdx.web.results import model_cache, pack_files, prepared, refusals
from collabdx.web.survey.wave_data import MixedInstrumentError


def is_large(wave: Wave) -> bool:
    """A wave this size has its model drawn by the worker (a count, never shown). Never
    under k, whatever the setting: a "being prepared" page must not tell a wave under k
    from an empty one (the report of either shows nothing)."""
    from collabdx.web.survey.models import Response

    least = max(settings.BACKGROUND_REPORT_ROWS, settings.MIN_GROUP_SIZE)
    return Response.objects.filter(wave=wave).count() >= least


def queue_model(wave: Wave) -> prepared.State:
    """Queue drawing ``wave``'s model unless it is kept, queued or has failed."""
    from collabdx.web.results.tasks import build_report_model

    stamp = model_cache.model_stamp(wave, settings.MIN_GROUP_SIZE)
    return prepared.ensure(wave.pk, stamp, model_cache.MODEL,
                           lambda: build_report_model.enqueue(wave.pk, stamp))  # fmt: skip


def retry_model(wave: Wave) -> None:
    """Forget that drawing the model broke ("Try again")."""
    stamp = model_cache.model_stamp(wave, settings.MIN_GROUP_SIZE)
    prepared.retry(wave.pk, stamp, model_cache.MODEL)


def model_or_page(request: HttpRequest, wave: Wave, *, what: str, page_url: str,
                  download: bool = False) -> ReportModel | HttpResponse:
    """The model to show, or the page instead: not released yet, a problem (mixed
    survey versions), being prepared, or broken (with "Try again", a POST to
    ``page_url``). ``what`` names the page in the status page ("group report")."""
    if not wave.results_released():
        return refusals.not_released(request, wave, 409 if download else 200)
    k = settings.MIN_GROUP_SIZE
    stamp = model_cache.model_stamp(wave, k)
    model = model_cache.kept(wave.pk, stamp)
    if model is not None:
        return model
    if not is_large(wave):
        try:
            return model_cache.draw(wave, k, stamp)
        except MixedInstrumentError as exc:
            return refusals.problem(request, wave, str(exc))
    state = queue_model(wave)
    if isinstance(state, prepared.Ready):
        model = model_cache.kept(wave.pk, stamp)
        if model is not None:
            return model
        # Kept but unreadable (not sealed by this server): draw it again, once.
        state.path.unlink(missing_ok=True)
        state = queue_model(wave)
    if isinstance(state, prepared.Refused):
        return refusals.problem(request, wave, state.reason)
    if isinstance(state, prepared.Ready):  # drawn again straight away (immediate backend)
        model = model_cache.kept(wave.pk, stamp)
        if model is not None:
            return model
        pack_files.fail(wave.pk, stamp, model_cache.MODEL, pack_files.BROKE + what)
        state = prepared.Broke()
    return prepared.status_page(request, wave, state, what=what, label=what,
                                status_url=page_url)  # fmt: skip
