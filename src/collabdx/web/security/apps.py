from django.apps import AppConfig


class SecurityConfig(AppConfig):
    name = "collabdx.web.security"
    label = "security"
    verbose_name = "Account security"

    def ready(self) -> None:
        # Stamp every sign-in (including tests' force_login) with its time, so the
        # session limits in middleware.py can be enforced.
        # Also: record sign-ins, failures and sign-outs in the security event log, keep
        # a row per signed-in session, and count the password at sign-in as recent.
        from collabdx.web.security import (  # noqa: F401
            events,
            reauth,
            session_records,
            sessions,
        )
