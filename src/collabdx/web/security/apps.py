from django.apps import AppConfig


class SecurityConfig(AppConfig):
    name = "collabdx.web.security"
    label = "security"
    verbose_name = "Account security"

    def ready(self) -> None:
        # Stamp every sign-in (including tests' force_login) with its time, so the
        # session limits in middleware.py can be enforced.
        from collabdx.web.security import sessions  # noqa: F401
