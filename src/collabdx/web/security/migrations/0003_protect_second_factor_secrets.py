"""Encrypt existing TOTP seeds with COLLABDX_FIELD_KEY and hash existing recovery codes.

Before this, django-otp kept both in plain text. Each TOTP ``key`` (hex) becomes the
``fieldcrypt`` form; each plain ``StaticToken`` becomes a hashed ``RecoveryCode`` of
the same device and is deleted, so every code that worked still works, once. Going
back decrypts the seeds again; hashed codes cannot be turned back into codes, so
they are dropped (the facilitator makes new ones).
"""

from binascii import hexlify, unhexlify

from django.db import migrations


def protect(apps, schema_editor):
    from django.contrib.auth.hashers import make_password

    from collabdx.web.security import fieldcrypt

    TOTPDevice = apps.get_model("otp_totp", "TOTPDevice")
    StaticToken = apps.get_model("otp_static", "StaticToken")
    RecoveryCode = apps.get_model("security", "RecoveryCode")
    for device in TOTPDevice.objects.all():
        if not fieldcrypt.is_encrypted(device.key):
            seed = unhexlify(device.key.encode())
            device.key = fieldcrypt.encrypt(seed, f"totp:{device.user_id}")
            device.save(update_fields=["key"])
    for token in StaticToken.objects.all():
        code = token.token.strip().lower()
        RecoveryCode.objects.create(device_id=token.device_id, lookup="", code_hash=make_password(code))
        token.delete()


def unprotect(apps, schema_editor):
    from collabdx.web.security import fieldcrypt

    TOTPDevice = apps.get_model("otp_totp", "TOTPDevice")
    RecoveryCode = apps.get_model("security", "RecoveryCode")
    for device in TOTPDevice.objects.all():
        if fieldcrypt.is_encrypted(device.key):
            seed = fieldcrypt.decrypt(device.key, f"totp:{device.user_id}")
            device.key = hexlify(seed).decode()
            device.save(update_fields=["key"])
    RecoveryCode.objects.all().delete()


class Migration(migrations.Migration):

    dependencies = [
        ("security", "0002_second_factor_sessions_events"),
        ("otp_static", "0003_add_timestamps"),
        ("otp_totp", "0003_add_timestamps"),
    ]

    operations = [migrations.RunPython(protect, unprotect)]
