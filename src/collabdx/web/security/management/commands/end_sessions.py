"""``manage.py end_sessions USERNAME ...`` or ``--all``: sign facilitators out everywhere.

For an administrator (ASVS 5.0 V7.4.5): when an account may be compromised, or a
person leaves. Deleting the session rows ends each session at its next request
(``FacilitatorGateMiddleware``); respondents' sessions are not touched.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from collabdx.web.security.models import SignedInSession


class Command(BaseCommand):
    help = "Sign the named facilitators (or, with --all, every facilitator) out everywhere."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("usernames", nargs="*")
        parser.add_argument("--all", action="store_true", help="Every facilitator.")

    def handle(self, *args: Any, **options: Any) -> None:
        names: list[str] = options["usernames"]
        if options["all"] == bool(names):
            raise CommandError("Name the facilitators, or give --all (not both).")
        rows = SignedInSession.objects.all()
        if names:
            users = list(get_user_model().objects.filter(username__in=names))
            unknown = sorted(set(names) - {u.get_username() for u in users})
            if unknown:
                raise CommandError(f"No such facilitator: {', '.join(unknown)}")
            rows = rows.filter(user__in=users)
        ended, _ = rows.delete()
        self.stdout.write(f"Ended {ended} signed-in session(s).")
