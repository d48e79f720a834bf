"""Background tasks of the results app, run by ``collabdx worker`` (django-tasks-db).

Each task keeps its result under a *stamp* (``pack_files``) and runs inside
``prepared.run_guarded``: an unexpected error is logged with its traceback and left as
a failure marker, so the page says what failed and offers "Try again" instead of the
next request queueing the same failing task again.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from django.conf import settings
from django.tasks import task

from collabdx.web.results import pack_files
from collabdx.web.results.prepared import run_guarded

if TYPE_CHECKING:
    from collabdx.web.collab.models import Wave

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


class Refuse(Exception):
    """Nothing may be made under this stamp (too few, not released): ``reason`` is kept
    for the status page and ``outcome`` is the task's result."""

    def __init__(self, outcome: str, reason: str = "refused") -> None:
        super().__init__(reason)
        self.outcome, self.reason = outcome, reason


def keep_file(wave_pk: int, stamp: str, kind: str, what: str,
              make: Callable[[Wave, int], bytes]) -> str:
    """Make one kept file of a wave with ``make(wave, k)`` and keep it under ``stamp``.

    The stamp is checked before and after making: if the wave's data changed meanwhile,
    nothing is kept under the old stamp (the next request queues a new task). A mixed-
    version wave or a ``Refuse`` leaves its reason for the status page. Returns what
    happened, for the result row; ``run_guarded`` turns an unexpected error into the
    "could not be made" page."""

    def work() -> str:
        from collabdx.web.collab.models import Wave
        from collabdx.web.survey.wave_data import MixedInstrumentError

        k = settings.MIN_GROUP_SIZE
        try:
            wave = Wave.objects.select_related("collaboration").get(pk=wave_pk)
        except Wave.DoesNotExist:
            return "gone"
        if pack_files.pack_stamp(wave, k) != stamp:
            return "stale"
        try:
            body = make(wave, k)
        except MixedInstrumentError as exc:
            pack_files.fail(wave_pk, stamp, kind, str(exc))
            return "mixed"
        except Refuse as refusal:
            pack_files.fail(wave_pk, stamp, kind, refusal.reason)
            return refusal.outcome
        if pack_files.pack_stamp(wave, k) != stamp:
            return "stale"
        pack_files.store(wave_pk, stamp, body, kind)
        return "stored"

    return run_guarded(wave_pk, stamp, kind, what, work)


@task()
def render_pack_pdf(wave_pk: int, stamp: str) -> str:
    """Draw the workshop pack PDF of a wave and keep it under ``stamp``. The model comes
    from ``model_cache`` (kept by the report page, or drawn here and kept for it)."""

    def make(wave: Wave, k: int) -> bytes:
        from collabdx.reports.html import render_pack
        from collabdx.reports.pack import pack_view
        from collabdx.reports.pdf import html_to_pdf
        from collabdx.web.results import model_cache

        model = model_cache.pack_model(wave, k)
        if model.withheld:
            raise Refuse("too few")
        return html_to_pdf(render_pack(pack_view(model)))

    return keep_file(wave_pk, stamp, pack_files.PACK, "workshop pack (PDF)", make)


@task()
def render_export(wave_pk: int, fmt: str, stamp: str) -> str:
    """Make a large wave's export (``services.export_wave``: the same k-anonymous rows,
    in random order with random ids, as the request made) and keep it under ``stamp``."""

    def make(wave: Wave, k: int) -> bytes:
        from collabdx.web.results import services

        try:
            return services.export_wave(wave, fmt, k).data  # type: ignore[arg-type]
        except (services.NotReleased, services.ExportRefused):
            raise Refuse("refused") from None

    return keep_file(wave_pk, stamp, f"export.{fmt}", f"{fmt.upper()} export", make)


@task()
def render_research_file(wave_pk: int, fmt: str, stamp: str) -> str:
    """Make a large wave's row-level research download (the long format's ZIP, SPSS,
    Stata) exactly as the request makes a small wave's, and keep it under ``stamp``."""
    if fmt not in RESEARCH_FILES:
        return "unknown"

    def make(wave: Wave, k: int) -> bytes:
        from collabdx.web.results.research_downloads import research_file
        from collabdx.web.survey.wave_data import load_wave

        if not wave.results_released():
            raise Refuse("refused")
        data = load_wave(wave)
        if data.responses.n < k:
            raise Refuse("refused")
        return research_file(data, fmt, k)

    return keep_file(wave_pk, stamp, f"research.{fmt}", f"research data ({fmt.upper()})", make)
