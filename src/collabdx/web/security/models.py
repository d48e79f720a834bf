"""Counters of failed sign-ins.

A row never holds a username or a client address: ``key`` is a keyed HMAC
(``throttle.throttle_key``) of the scope, the case-folded username and, for the
per-client scope, the client's address. The key uses SECRET_KEY, so a copy of
the table alone cannot be matched against a list of addresses. Rows expire
(``expires_at``) and are deleted by ``manage.py purge_expired``.
"""

from __future__ import annotations

from django.db import models


class LoginThrottle(models.Model):
    SCOPES = [("pair", "Account and client"), ("account", "Account")]

    key = models.CharField(max_length=64, unique=True)
    scope = models.CharField(max_length=10, choices=SCOPES)
    failures = models.PositiveIntegerField(default=0)
    blocked_until = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(db_index=True)
