from django.apps import AppConfig


class ResultsConfig(AppConfig):
    name = "collabdx.web.results"
    label = "results"

    def ready(self) -> None:
        # What the base app asks of results (collab/hooks.py): collab never imports us.
        from collabdx.web.collab import hooks
        from collabdx.web.results import archive, model_cache, retention

        hooks.register(
            file_purger=retention.purge_expired_files,
            archive_part=archive.wave_response_files,
            survey_selection=model_cache.survey_selection,
        )
