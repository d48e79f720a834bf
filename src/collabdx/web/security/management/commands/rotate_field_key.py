"""``manage.py rotate_field_key``: re-encrypt every TOTP seed with the first key.

To change COLLABDX_FIELD_KEY: put the new key first and keep the old one after it
(``NEW,OLD``), restart, run this, then drop the old key. Each device is rewritten
in one transaction; a seed no configured key can decrypt stops the run with its id.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from collabdx.web.security import fieldcrypt
from collabdx.web.security.models import ProtectedTOTPDevice


class Command(BaseCommand):
    help = "Re-encrypt the stored two-factor keys with the first key in COLLABDX_FIELD_KEY."

    def handle(self, *args: Any, **options: Any) -> None:
        done = 0
        with transaction.atomic():
            for device in ProtectedTOTPDevice.objects.select_for_update().order_by("pk"):
                context = device.key_context()
                if not fieldcrypt.needs_rotation(device.key, context):
                    continue
                try:
                    seed = device.bin_key
                except fieldcrypt.FieldKeyError as exc:
                    raise CommandError(f"Two-factor device {device.pk}: {exc}") from exc
                device.set_seed(seed)
                device.save(update_fields=["key"])
                done += 1
        self.stdout.write(f"Re-encrypted {done} two-factor key(s) with the current key.")
