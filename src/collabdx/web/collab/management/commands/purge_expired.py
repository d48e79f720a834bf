"""``manage.py purge_expired``: apply the retention policy (run daily, e.g. from cron).

Deletes the responses, receipts, drafts and private maturity ratings of waves
closed more than COLLABDX_RETENTION_DAYS ago, expired save-and-resume drafts and
expired sign-in throttle counters, expired sessions and security log events older
than the retention period. Safe to run any number of times.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from collabdx.web.collab.lifecycle import purge_expired, retention_days


class Command(BaseCommand):
    help = "Delete respondents' data past the retention period, expired drafts, counters, sessions."

    def handle(self, *args: Any, **options: Any) -> None:
        done = purge_expired()
        self.stdout.write(
            f"Retention {retention_days()} days: deleted the data of {done.waves} wave(s): "
            f"{done.responses} response(s), {done.receipts} receipt(s), {done.drafts} draft(s), "
            f"{done.ratings} maturity rating(s), {done.rating_receipts} rating receipt(s), "
            f"{done.packs} kept workshop pack PDF(s). "
            f"Also {done.expired_drafts} expired draft(s) and "
            f"{done.throttle_counters} expired sign-in counter(s) and "
            f"{done.sessions} expired session(s), "
            f"{done.session_records} ended session record(s), "
            f"{done.addresses} invitation address(es) of closed waves and "
            f"{done.security_events} security log event(s) older than the retention period."
        )
