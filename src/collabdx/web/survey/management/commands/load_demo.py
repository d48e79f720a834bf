"""``manage.py load_demo``: a demo facilitator and a demo collaboration (development only)."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from collabdx.web.survey.demo import DEMO_USERNAME, demo_user, load_demo

DEMO_PASSWORD = "demo-collabdx-2023"  # noqa: S105 - a local demo account, refused in production


class Command(BaseCommand):
    help = "Create the 'demo' facilitator and a demo collaboration with synthetic responses."

    def handle(self, *args: object, **options: object) -> None:
        if getattr(settings, "PRODUCTION", False):
            raise CommandError("Refusing to create a demo account with COLLABDX_ENV=production.")
        collab = load_demo(demo_user(DEMO_PASSWORD))
        self.stdout.write(
            f"Loaded '{collab.name}' (synthetic demo data). "
            f"Sign in as '{DEMO_USERNAME}' with password '{DEMO_PASSWORD}'."
        )
