"""TOTP two-factor authentication for facilitators, on django-otp.

One TOTP device per facilitator (``otp_totp``), plus a set of single-use recovery
codes (``otp_static``). django-otp does the cryptography, refuses a code that was
already used (``last_t``) and throttles wrong codes per device with exponential
back-off. This module only decides what to create and when, each write in one
transaction.
"""

from __future__ import annotations

import segno
from django.conf import settings
from django.db import transaction
from django_otp import devices_for_user
from django_otp import verify_token as otp_verify_token
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

RECOVERY_CODES = 10
TOTP_NAME = "Authenticator app"
RECOVERY_NAME = "Recovery codes"


def required_for(user: object) -> bool:
    """Whether this signed-in user must pass a second factor before facilitator pages."""
    if not getattr(user, "is_authenticated", False):
        return False
    return bool(settings.REQUIRE_2FA) or has_totp(user)


def has_totp(user: object) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def confirmed_totp(user: object) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def pending_totp(user: object) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-id").first()


@transaction.atomic
def start_enrolment(user: object) -> TOTPDevice:
    """A fresh, unconfirmed TOTP device (any earlier unconfirmed one is discarded)."""
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return TOTPDevice.objects.create(user=user, name=TOTP_NAME, confirmed=False)


def confirm_enrolment(user: object, code: str) -> list[str] | None:
    """Check ``code`` against the pending device; on success make it the user's only
    TOTP device and return new recovery codes. None when the code is wrong."""
    with transaction.atomic():
        device = (
            TOTPDevice.objects.select_for_update()
            .filter(user=user, confirmed=False)
            .order_by("-id")
            .first()
        )
        if device is None or not device.verify_token(_digits(code)):
            return None
        TOTPDevice.objects.filter(user=user, confirmed=True).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
    return new_recovery_codes(user)


@transaction.atomic
def new_recovery_codes(user: object) -> list[str]:
    """Replace the user's recovery codes; the old ones stop working at once."""
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY_NAME, confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=c) for c in codes)
    return codes


def recovery_codes_left(user: object) -> int:
    return StaticToken.objects.filter(device__user=user).count()


def verify(user: object, code: str) -> Device | None:
    """The device that accepts ``code``: the TOTP app first, then a recovery code
    (used up by this). Each device throttles its own wrong guesses."""
    code = code.strip()
    for device in devices_for_user(user):
        token = _digits(code) if isinstance(device, TOTPDevice) else code.lower().replace(" ", "")
        if not token:
            continue
        accepted = otp_verify_token(user, device.persistent_id, token)
        if accepted is not None:
            return accepted
    return None


@transaction.atomic
def turn_off(user: object) -> None:
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()


def _digits(code: str) -> str:
    digits = "".join(ch for ch in code if not ch.isspace() and ch != "-")
    return digits if digits.isdigit() and len(digits) in (6, 8) else ""


def manual_key(device: TOTPDevice) -> str:
    """The secret in base32, in groups of four, for typing into an app by hand."""
    from base64 import b32encode

    key = b32encode(device.bin_key).decode("ascii").rstrip("=")
    return " ".join(key[i : i + 4] for i in range(0, len(key), 4))


def qr_svg(device: TOTPDevice) -> str:
    # segno writes a self-contained SVG with no scripts or styles, safe to inline
    # under our CSP; the otpauth URL never leaves this page.
    return segno.make(device.config_url, error="m").svg_inline(
        scale=4, title="QR code to add this account to an authenticator app"
    )
