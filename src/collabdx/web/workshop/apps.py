from django.apps import AppConfig


class WorkshopConfig(AppConfig):
    name = "collabdx.web.workshop"
    label = "workshop"

    def ready(self) -> None:
        # What the base app asks of the workshop (collab/hooks.py): collab never imports us.
        from collabdx.web.collab import hooks
        from collabdx.web.workshop import archive, retention

        hooks.register(purger=retention.purge_expired_waves, archive_part=archive.wave_maturity)
