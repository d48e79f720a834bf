"""``manage.py purge_drafts``: delete expired save-and-resume drafts (run daily).

Expired drafts are already ignored, and each page save deletes them too; this
command makes sure they go even when nobody is answering.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from collabdx.web.survey.services import purge_expired_drafts


class Command(BaseCommand):
    help = "Delete survey drafts whose expiry date has passed."

    def handle(self, *args: Any, **options: Any) -> None:
        deleted = purge_expired_drafts()
        self.stdout.write(f"Deleted {deleted} expired draft(s).")
