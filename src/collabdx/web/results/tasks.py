"""Background tasks of the results app, run by ``collabdx worker`` (django-tasks-db).

Each task keeps its result under a *stamp* (``pack_files``) and runs inside
``prepared.run_guarded``: an unexpected error is logged with its traceback and left as
a failure marker, so the page says what failed and offers "Try again" instead of the
next request queueing the same failing task again.
"""

from __future__ import annotations

from django.conf import settings
from django.tasks import task

from collabdx.web.results import pack_files
from collabdx.web.results.prepared import run_guarded

RESEARCH_FILES = ("zip", "sav", "dta")  # the row-level research downloads


@task()
def build_report_model(wave_pk: int, stamp: str) -> str:
    """Draw a released wave's report model (the report page, the research page, the
    PDF all show it) and keep it sealed under ``stamp`` (``model_cache``)."""
    from collabdx.web.results import model_cache

    def work() -> str:
        from collabdx.web.collab.models import Wave
        from collabdx.web.survey.wave_data import MixedInstrumentError

        k = settings.MIN_GROUP_SIZE
        try:
            wave = Wave.objects.select_related("collaboration").get(pk=wave_pk)
        except Wave.DoesNotExist:
            return "gone"
        if not wave.results_released():
            return "not released"  # an open wave's model is never kept
        if model_cache.model_stamp(wave, k) != stamp:
            return "stale"
        if model_cache.kept(wave_pk, stamp) is not None:
            return "kept"
        try:
            model_cache.draw(wave, k, stamp)
        except MixedInstrumentError as exc:
            pack_files.fail(wave_pk, stamp, model_cache.MODEL, str(exc))
            return "mixed"
        return "stored"

    return run_guarded(wave_pk, stamp, model_cache.MODEL, "group report", work)


@task()
def render_pack_pdf(wave_pk: int, stamp: str) -> str:
    """Draw the workshop pack PDF of a wave and keep it under ``stamp``.

    The model comes from ``model_cache`` (kept by the report page or drawn here and
    kept for it). The stamp is checked again before and after drawing: if the wave's
    data changed meanwhile, nothing is kept under the old stamp (the next request
    queues a new task). Under k, or for a mixed-version wave, nothing is drawn and the
    reason is kept for the status page. Returns what happened, for the result row.
    """

    def work() -> str:
        from collabdx.reports.html import render_pack
        from collabdx.reports.pack import pack_view
        from collabdx.reports.pdf import html_to_pdf
        from collabdx.web.collab.models import Wave
        from collabdx.web.results import model_cache
        from collabdx.web.survey.wave_data import MixedInstrumentError

        k = settings.MIN_GROUP_SIZE
        try:
            wave = Wave.objects.select_related("collaboration").get(pk=wave_pk)
        except Wave.DoesNotExist:
            return "gone"
        if pack_files.pack_stamp(wave, k) != stamp:
            return "stale"
        try:
            model = model_cache.pack_model(wave, k)
        except MixedInstrumentError as exc:
            pack_files.fail(wave_pk, stamp, pack_files.PACK, str(exc))
            return "mixed"
        if model.withheld:
            pack_files.fail(wave_pk, stamp, pack_files.PACK, "refused")
            return "too few"
        pdf = html_to_pdf(render_pack(pack_view(model)))
        if pack_files.pack_stamp(wave, k) != stamp:
            return "stale"
        pack_files.store(wave_pk, stamp, pdf)
        return "stored"

    return run_guarded(wave_pk, stamp, pack_files.PACK, "workshop pack (PDF)", work)


@task()
def render_export(wave_pk: int, fmt: str, stamp: str) -> str:
    """Make a large wave's export (``services.export_wave``: the same k-anonymous rows,
    in random order with random ids, as the request made) and keep it under ``stamp``.
    A refusal is kept as the reason, for the status page to show."""
    kind = f"export.{fmt}"

    def work() -> str:
        from collabdx.web.collab.models import Wave
        from collabdx.web.results import services
        from collabdx.web.survey.wave_data import MixedInstrumentError

        k = settings.MIN_GROUP_SIZE
        try:
            wave = Wave.objects.select_related("collaboration").get(pk=wave_pk)
        except Wave.DoesNotExist:
            return "gone"
        if pack_files.pack_stamp(wave, k) != stamp:
            return "stale"
        try:
            file = services.export_wave(wave, fmt, k)  # type: ignore[arg-type]
        except MixedInstrumentError as exc:
            pack_files.fail(wave_pk, stamp, kind, str(exc))
            return "mixed"
        except (services.NotReleased, services.ExportRefused):
            pack_files.fail(wave_pk, stamp, kind, "refused")
            return "refused"
        if pack_files.pack_stamp(wave, k) != stamp:
            return "stale"
        pack_files.store(wave_pk, stamp, file.data, kind)
        return "stored"

    return run_guarded(wave_pk, stamp, kind, f"{fmt.upper()} export", work)


@task()
def render_research_file(wave_pk: int, fmt: str, stamp: str) -> str:
    """Make a large wave's row-level research download (the long format's ZIP, SPSS,
    Stata) exactly as the request makes a small wave's, and keep it under ``stamp``."""
    kind = f"research.{fmt}"

    def work() -> str:
        from collabdx.web.collab.models import Wave
        from collabdx.web.results.research_downloads import research_file
        from collabdx.web.survey.wave_data import MixedInstrumentError, load_wave

        k = settings.MIN_GROUP_SIZE
        if fmt not in RESEARCH_FILES:
            return "unknown"
        try:
            wave = Wave.objects.select_related("collaboration").get(pk=wave_pk)
        except Wave.DoesNotExist:
            return "gone"
        if pack_files.pack_stamp(wave, k) != stamp:
            return "stale"
        if not wave.results_released():
            pack_files.fail(wave_pk, stamp, kind, "refused")
            return "refused"
        try:
            data = load_wave(wave)
        except MixedInstrumentError as exc:
            pack_files.fail(wave_pk, stamp, kind, str(exc))
            return "mixed"
        if data.responses.n < k:
            pack_files.fail(wave_pk, stamp, kind, "refused")
            return "refused"
        body = research_file(data, fmt, k)
        if pack_files.pack_stamp(wave, k) != stamp:
            return "stale"
        pack_files.store(wave_pk, stamp, body, kind)
        return "stored"

    return run_guarded(wave_pk, stamp, kind, f"research data ({fmt.upper()})", work)
