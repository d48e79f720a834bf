"""Security models: sign-in throttle counters, the second factor at rest, signed-in
sessions and the security event log.

Counters of failed sign-ins:

A row never holds a username or a client address: ``key`` is a keyed HMAC
(``throttle.throttle_key``) of the scope, the case-folded username and, for the
per-client scope, the client's address. The key uses SECRET_KEY, so a copy of
the table alone cannot be matched against a list of addresses. Rows expire
(``expires_at``) and are deleted by ``manage.py purge_expired``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from collabdx.web.security import fieldcrypt


class LoginThrottle(models.Model):
    SCOPES = [("pair", "Account and client"), ("account", "Account")]

    key = models.CharField(max_length=64, unique=True)
    scope = models.CharField(max_length=10, choices=SCOPES)
    failures = models.PositiveIntegerField(default=0)
    blocked_until = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(db_index=True)


# ------------------------------------------------------------------ second factor at rest


class ProtectedTOTPDevice(TOTPDevice):
    """django-otp's TOTP device whose seed is stored encrypted (``fieldcrypt``).

    A proxy: same table, same throttling and replay protection (``last_t``); only
    ``bin_key`` differs, decrypting ``key`` with COLLABDX_FIELD_KEY. Always load TOTP
    devices through this class (``security.twofactor`` does): django-otp's own
    ``devices_for_user`` skips proxies and would hand out the base class, whose
    ``bin_key`` cannot read an encrypted key.
    """

    class Meta:
        proxy = True

    def key_context(self) -> str:
        return f"totp:{self.user_id}"

    @property
    def bin_key(self) -> bytes:
        return fieldcrypt.decrypt(self.key, self.key_context())

    def set_seed(self, seed: bytes) -> None:
        self.key = fieldcrypt.encrypt(seed, self.key_context())


class RecoveryDevice(StaticDevice):
    """django-otp's static device, checking hashed recovery codes (``RecoveryCode``).

    The device gives the throttling (exponential back-off per wrong code) and the
    persistent id that marks a session verified; the codes themselves live hashed
    in ``RecoveryCode``, not in django-otp's plain ``StaticToken``.
    """

    class Meta:
        proxy = True

    def verify_token(self, token: object) -> bool:
        from collabdx.web.security import recovery

        allowed, _ = self.verify_is_allowed()
        if not allowed:
            return False
        match = recovery.find(self, str(token))
        if match is None:
            self.throttle_increment()
            return False
        match.delete()  # single use
        self.throttle_reset(commit=False)
        self.set_last_used_timestamp(commit=False)
        self.save()
        return True


class RecoveryCode(models.Model):
    """One single-use recovery code, hashed with the password hasher (Argon2).

    A code reads ``abcd-efgh-ijkl``: the first four characters (``lookup``, 20
    bits) find the row, the other eight (40 bits) are the secret, stored only as a
    salted password hash, so checking a code costs one hash, not ten. Codes made
    before hashing was introduced were eight characters; they were hashed whole by
    the migration and have an empty ``lookup``.
    """

    device = models.ForeignKey(
        StaticDevice, on_delete=models.CASCADE, related_name="recovery_codes"
    )
    lookup = models.CharField(max_length=8, blank=True)
    code_hash = models.CharField(max_length=200)

    class Meta:
        indexes = [models.Index(fields=["device", "lookup"])]


# ------------------------------------------------------------------ sessions and events


class SignedInSession(models.Model):
    """One signed-in session, listed on the account page so its holder can end it.

    Deliberately coarse: the dates it started and was last used, nothing about the
    device (no address, no user agent; see docs/security.md). The session itself
    holds this row's id (``session_records.RECORD``); deleting the row ends that
    session at its next request, whatever its session key has been rotated to.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="signed_in_sessions"
    )
    created_on = models.DateField()
    last_seen_on = models.DateField(db_index=True)


class SecurityEvent(models.Model):
    """The security event log: sign-ins, failures, lockouts, two-factor changes,
    downloads, wave closes, access changes and refusals.

    An event is about an account (``user``: shown to that account's holder) or about
    a collaboration (``collaboration``: shown to its owner). ``actor_name`` keeps who
    did it even after the account is deleted. Nothing about respondents is ever
    recorded, and no address: ``client`` is at most a keyed hash of it (as the
    sign-in throttle keeps), so the same code means the same address without saying
    which. Deleted ``RETENTION_DAYS`` after it happened (``purge_expired``).
    """

    at = models.DateTimeField(db_index=True)  # UTC (USE_TZ)
    kind = models.CharField(max_length=40)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE,
        related_name="security_events",
    )  # fmt: skip
    collaboration = models.ForeignKey(
        "collab.Collaboration", null=True, blank=True, on_delete=models.CASCADE,
        related_name="security_events",
    )  # fmt: skip
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip
    actor_name = models.CharField(max_length=150, blank=True)
    detail = models.CharField(max_length=300, blank=True)
    client = models.CharField(max_length=16, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["user", "-at"]),
            models.Index(fields=["collaboration", "-at"]),
        ]
