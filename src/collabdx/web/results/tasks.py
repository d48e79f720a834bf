"""Background tasks of the results app, run by ``collabdx worker`` (django-tasks-db)."""

from __future__ import annotations

from django.conf import settings
from django.tasks import task

from collabdx.web.results import pack_files


@task()
def render_pack_pdf(wave_pk: int, stamp: str) -> str:
    """Draw the workshop pack PDF of a wave and keep it under ``stamp``.

    The stamp is checked again before and after drawing: if the wave's data changed
    meanwhile, nothing is kept under the old stamp (the next request queues a new
    task). Under k, or for a mixed-version wave, nothing is drawn: the download view
    refuses those itself. Returns what happened, for the task's result row.
    """
    from collabdx.reports.html import render_pack
    from collabdx.reports.pack import pack_view
    from collabdx.reports.pdf import html_to_pdf
    from collabdx.web.collab.models import Wave
    from collabdx.web.results.data import MixedInstrumentError, load_wave
    from collabdx.web.results.pack_loading import wave_pack_model

    k = settings.MIN_GROUP_SIZE
    try:
        wave = Wave.objects.select_related("collaboration").get(pk=wave_pk)
        if pack_files.pack_stamp(wave, k) != stamp:
            return "stale"
        try:
            data = load_wave(wave)
        except MixedInstrumentError:
            return "mixed"
        if data.responses.n < k:
            return "too few"
        pdf = html_to_pdf(render_pack(pack_view(wave_pack_model(wave, data, k))))
        if pack_files.pack_stamp(wave, k) != stamp:
            return "stale"
        pack_files.store(wave_pk, stamp, pdf)
        return "stored"
    except Wave.DoesNotExist:
        return "gone"
    finally:
        pack_files.release_queue(wave_pk, stamp)


@task()
def render_export(wave_pk: int, fmt: str, stamp: str) -> str:
    """Make a large wave's export (``services.export_wave``: the same k-anonymous rows,
    in random order with random ids, as the request made) and keep it under ``stamp``.
    A refusal is kept as the reason, for the status page to show."""
    from collabdx.web.collab.models import Wave
    from collabdx.web.results import services
    from collabdx.web.results.data import MixedInstrumentError

    kind = f"export.{fmt}"
    k = settings.MIN_GROUP_SIZE
    try:
        wave = Wave.objects.select_related("collaboration").get(pk=wave_pk)
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
    except Wave.DoesNotExist:
        return "gone"
    finally:
        pack_files.release_queue(wave_pk, stamp, kind)
