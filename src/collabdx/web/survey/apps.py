from django.apps import AppConfig


class SurveyConfig(AppConfig):
    name = "collabdx.web.survey"
    label = "survey"

    def ready(self) -> None:
        # What the base app asks of the survey (collab/hooks.py): collab never imports us.
        from collabdx.web.collab import hooks
        from collabdx.web.survey import retention, wave_data

        hooks.register(
            partner_counts=wave_data.used_partner_counts,
            purger=retention.purge_expired_waves,
        )
