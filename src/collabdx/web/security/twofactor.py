"""TOTP two-factor authentication for facilitators, on django-otp.

One TOTP device per facilitator (``otp_totp``), plus a set of single-use recovery
codes (an ``otp_static`` device). django-otp does the one-time-password arithmetic,
refuses a code that was already used (``last_t``) and throttles wrong codes per
device with exponential back-off. At rest the TOTP seed is encrypted with
COLLABDX_FIELD_KEY (``ProtectedTOTPDevice``) and recovery codes are password hashes
(``RecoveryCode``), so a copy of the database alone gives no second factor. This
module decides what to create and when, each write in one transaction, and records
each change in the security event log.
"""

from __future__ import annotations

import os

import segno
from django.conf import settings
from django.db import transaction
from django_otp import verify_token as otp_verify_token
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from collabdx.web.security import recovery
from collabdx.web.security.events import Kind, record
from collabdx.web.security.models import ProtectedTOTPDevice, RecoveryCode, RecoveryDevice

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


def confirmed_totp(user: object) -> ProtectedTOTPDevice | None:
    return ProtectedTOTPDevice.objects.filter(user=user, confirmed=True).first()


def pending_totp(user: object) -> ProtectedTOTPDevice | None:
    return ProtectedTOTPDevice.objects.filter(user=user, confirmed=False).order_by("-id").first()


@transaction.atomic
def start_enrolment(user: object) -> ProtectedTOTPDevice:
    """A fresh, unconfirmed TOTP device (any earlier unconfirmed one is discarded)."""
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    device = ProtectedTOTPDevice(user=user, name=TOTP_NAME, confirmed=False)
    device.set_seed(os.urandom(20))  # 160 bits, RFC 4226's recommended length
    device.save()
    return device


def confirm_enrolment(user: object, code: str, request: object = None) -> list[str] | None:
    """Check ``code`` against the pending device; on success make it the user's only
    TOTP device and return new recovery codes. None when the code is wrong."""
    with transaction.atomic():
        device = (
            ProtectedTOTPDevice.objects.select_for_update()
            .filter(user=user, confirmed=False)
            .order_by("-id")
            .first()
        )
        if device is None or not device.verify_token(_digits(code)):
            return None
        replaced = TOTPDevice.objects.filter(user=user, confirmed=True).delete()[0] > 0
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        detail = "moved to a new authenticator app" if replaced else ""
        record(Kind.TWO_FACTOR_ON, request=request, user=user, detail=detail)
        return new_recovery_codes(user, request, event=False)


@transaction.atomic
def new_recovery_codes(user: object, request: object = None, *, event: bool = True) -> list[str]:
    """Replace the user's recovery codes; the old ones stop working at once. Only
    their hashes are stored: the returned list is the one and only time they exist."""
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY_NAME, confirmed=True)
    codes = [recovery.new_code() for _ in range(RECOVERY_CODES)]
    rows = []
    for code in codes:
        row = recovery.hashed(code)
        row.device = device
        rows.append(row)
    RecoveryCode.objects.bulk_create(rows)
    if event:
        record(Kind.RECOVERY_CODES_MADE, request=request, user=user)
    return codes


def recovery_codes_left(user: object) -> int:
    return RecoveryCode.objects.filter(device__user=user).count()


def verify(user: object, code: str, request: object = None) -> Device | None:
    """The device that accepts ``code``: the TOTP app first, then a recovery code
    (used up by this). Each device throttles its own wrong guesses. Every outcome is
    recorded in the account's security log."""
    code = code.strip()
    totp = ProtectedTOTPDevice.objects.filter(user=user, confirmed=True).first()
    recovery_device = RecoveryDevice.objects.filter(user=user, confirmed=True).first()
    candidates: list[tuple[Device, str]] = []
    if totp is not None and _digits(code):
        candidates.append((totp, _digits(code)))
    if recovery_device is not None and recovery.looks_like_a_code(code):
        candidates.append((recovery_device, recovery.normalise(code)))
    for device, token in candidates:
        accepted = otp_verify_token(user, device.persistent_id, token)
        if accepted is not None:
            if isinstance(accepted, RecoveryDevice):
                left = recovery_codes_left(user)
                record(Kind.RECOVERY_CODE_USED, request=request, user=user,
                       detail=f"{left} left")  # fmt: skip
            else:
                record(Kind.SECOND_FACTOR_PASSED, request=request, user=user)
            return accepted
    record(Kind.SECOND_FACTOR_FAILED, request=request, user=user)
    return None


@transaction.atomic
def turn_off(user: object, request: object = None) -> None:
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    record(Kind.TWO_FACTOR_OFF, request=request, user=user)


def _digits(code: str) -> str:
    digits = "".join(ch for ch in code if not ch.isspace() and ch != "-")
    return digits if digits.isdigit() and len(digits) in (6, 8) else ""


def manual_key(device: ProtectedTOTPDevice) -> str:
    """The secret in base32, in groups of four, for typing into an app by hand."""
    from base64 import b32encode

    key = b32encode(device.bin_key).decode("ascii").rstrip("=")
    return " ".join(key[i : i + 4] for i in range(0, len(key), 4))


def qr_svg(device: ProtectedTOTPDevice) -> str:
    # segno writes a self-contained SVG with no scripts or styles, safe to inline
    # under our CSP; the otpauth URL never leaves this page.
    return segno.make(device.config_url, error="m").svg_inline(
        scale=4, title="QR code to add this account to an authenticator app"
    )
