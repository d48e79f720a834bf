"""Recovery codes: made from a CSPRNG, shown once, stored only as password hashes.

ASVS 5.0 V6.5.2 asks for lookup secrets under 112 bits of entropy to be stored with
an approved password hashing function and a random salt. Django's ``make_password``
does that with the configured hasher (Argon2, a fresh salt per code). A code is
``lookup-secret-secret``: the lookup part finds the one row to check, so a wrong code
costs one hash, not one per remaining code.
"""

from __future__ import annotations

import secrets

from django.contrib.auth.hashers import check_password, make_password

from collabdx.web.security.models import RecoveryCode, RecoveryDevice

ALPHABET = "abcdefghijklmnopqrstuvwxyz234567"  # base32, lower case: easy to read and type
LOOKUP_CHARS = 4  # 20 bits, not secret
SECRET_CHARS = 8  # 40 bits, hashed
LEGACY_CHARS = 8  # django-otp's own codes, hashed whole by the migration


def normalise(code: str) -> str:
    return "".join(ch for ch in code.lower() if ch not in " -\t")


def looks_like_a_code(code: str) -> bool:
    raw = normalise(code)
    return len(raw) in (LEGACY_CHARS, LOOKUP_CHARS + SECRET_CHARS) and all(
        ch in ALPHABET for ch in raw
    )


def new_code() -> str:
    raw = "".join(secrets.choice(ALPHABET) for _ in range(LOOKUP_CHARS + SECRET_CHARS))
    return "-".join(raw[i : i + 4] for i in range(0, len(raw), 4))


def hashed(code: str) -> RecoveryCode:
    """An unsaved row for ``code`` (a new one, or a legacy eight-character one)."""
    raw = normalise(code)
    if len(raw) == LEGACY_CHARS:
        return RecoveryCode(lookup="", code_hash=make_password(raw))
    return RecoveryCode(lookup=raw[:LOOKUP_CHARS], code_hash=make_password(raw[LOOKUP_CHARS:]))


def find(device: RecoveryDevice, code: str) -> RecoveryCode | None:
    """The unused code of ``device`` that ``code`` matches, checked by hash."""
    if not looks_like_a_code(code):
        return None
    raw = normalise(code)
    if len(raw) == LEGACY_CHARS:
        lookup, secret = "", raw
    else:
        lookup, secret = raw[:LOOKUP_CHARS], raw[LOOKUP_CHARS:]
    for row in RecoveryCode.objects.filter(device=device, lookup=lookup):
        if check_password(secret, row.code_hash):
            return row
    return None
