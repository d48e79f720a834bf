"""Encryption of secrets the server must read back (TOTP seeds), with COLLABDX_FIELD_KEY.

AES-256-GCM from ``cryptography`` (authenticated: a changed ciphertext fails to
decrypt instead of yielding another key). The stored form is
``v1:<base64url(nonce ‖ ciphertext ‖ tag)>``: 67 characters for a 20-byte TOTP seed,
so it fits django-otp's 80-character ``key`` column (a Fernet token, 120 characters,
would not). Each value is bound to what it belongs to (``context``, e.g. the user id)
as associated data, so a ciphertext copied onto another row does not decrypt.

``settings.FIELD_KEYS`` holds one or more keys: the first encrypts, every one is
tried to decrypt, so a key can be rotated without downtime (``manage.py
rotate_field_key`` re-encrypts with the first). A database copy alone gives nothing:
the key lives in the environment, not in the database.
"""

from __future__ import annotations

import base64
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings

PREFIX = "v1:"
NONCE_BYTES = 12  # GCM's standard nonce, random per encryption (never reused with a key)


class FieldKeyError(RuntimeError):
    """A stored secret cannot be decrypted with any configured key."""


def _keys() -> list[bytes]:
    keys = list(getattr(settings, "FIELD_KEYS", []))
    if not keys:
        raise FieldKeyError("No COLLABDX_FIELD_KEY is configured")
    return keys


def is_encrypted(value: str) -> bool:
    return value.startswith(PREFIX)


def encrypt(secret: bytes, context: str) -> str:
    nonce = os.urandom(NONCE_BYTES)
    sealed = AESGCM(_keys()[0]).encrypt(nonce, secret, context.encode())
    return PREFIX + base64.urlsafe_b64encode(nonce + sealed).decode("ascii")


def decrypt(value: str, context: str) -> bytes:
    if not is_encrypted(value):
        raise FieldKeyError("The value is not encrypted (run the security migrations)")
    try:
        raw = base64.urlsafe_b64decode(value[len(PREFIX) :].encode("ascii"))
    except ValueError as exc:
        raise FieldKeyError("The encrypted value is damaged") from exc
    nonce, sealed = raw[:NONCE_BYTES], raw[NONCE_BYTES:]
    for key in _keys():
        try:
            return AESGCM(key).decrypt(nonce, sealed, context.encode())
        except InvalidTag:
            continue
    raise FieldKeyError(
        "A stored two-factor key cannot be decrypted with any key in COLLABDX_FIELD_KEY: "
        "was the key changed without keeping the old one after it?"
    )


def needs_rotation(value: str, context: str) -> bool:
    """True when ``value`` is not encrypted with the first (current) key."""
    if not is_encrypted(value):
        return True
    raw = base64.urlsafe_b64decode(value[len(PREFIX) :].encode("ascii"))
    try:
        AESGCM(_keys()[0]).decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], context.encode())
    except InvalidTag:
        return True
    return False


def new_key() -> str:
    """A fresh key for COLLABDX_FIELD_KEY (32 random bytes, URL-safe base64)."""
    return base64.urlsafe_b64encode(os.urandom(32)).decode("ascii")
