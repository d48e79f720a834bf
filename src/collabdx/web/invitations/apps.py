from django.apps import AppConfig


class InvitationsConfig(AppConfig):
    name = "collabdx.web.invitations"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # What the base app asks of invitations (collab/hooks.py): collab never imports us.
        from collabdx.web.collab import hooks
        from collabdx.web.invitations import retention, services

        hooks.register(
            wave_closed=services.forget_addresses, purger=retention.purge_expired_waves
        )
