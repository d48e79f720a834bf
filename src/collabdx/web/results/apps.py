from __future__ import annotations

from typing import Any

from django.apps import AppConfig


def _wave_saved(sender: type, instance: Any, update_fields: Any = None, **kwargs: Any) -> None:
    """A wave closed early (``collab.services.close_wave``, also used by an import):
    queue drawing its report model once the close is committed, so the first
    facilitator to open the report finds it ready. A wave that closes on its planned
    date has no such moment: its first report request queues it (``model_gate``)."""
    if not update_fields or "closed_on" not in update_fields or instance.closed_on is None:
        return
    from django.db import transaction

    def queue() -> None:
        from collabdx.web.results.model_gate import queue_model

        queue_model(instance)

    transaction.on_commit(queue, robust=True)  # a queue that is down must not undo a close


class ResultsConfig(AppConfig):
    name = "collabdx.web.results"
    label = "results"

    def ready(self) -> None:
        # The results app listens to the collab app's waves (it already depends on it),
        # so closing a wave stays a collab service that knows nothing of reports.
        from django.db.models.signals import post_save

        from collabdx.web.collab.models import Wave

        post_save.connect(_wave_saved, sender=Wave, dispatch_uid="results.wave_closed")
        # What the base app asks of results (collab/hooks.py): collab never imports us.
        from collabdx.web.collab import hooks
        from collabdx.web.results import archive, model_cache, retention

        hooks.register(
            file_purger=retention.purge_expired_files,
            archive_part=archive.wave_response_files,
            survey_selection=model_cache.survey_selection,
        )
