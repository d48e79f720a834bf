"""Sign-in throttling keyed on the account *and* the client together.

Hundreds of NHS staff can reach us from one network address, so a counter per
address would let one person's typos (or one attacker) lock out everyone behind
it. Instead failures are counted:

* per (username, client address) pair: after ``PAIR_FREE`` failures each further
  one blocks that pair for an exponentially growing time (``PAIR_BASE`` doubling,
  at most ``MAX_BLOCK``). The same account from another client is not affected,
  nor are other accounts from the same client.
* per username, with a much looser cap (``ACCOUNT_FREE``): stops a password
  guessing run spread over many addresses against one account, at the cost that
  such a run can delay that account's owner (documented in docs/security.md).

Neither the username nor the address is stored, only a keyed HMAC of them
(SECRET_KEY), and counters expire ``WINDOW`` after the last failure. While a key
is blocked the password is not checked at all, so a blocked guess costs nothing
and reveals nothing, and it does not extend the block.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone
from django.utils.crypto import salted_hmac

from collabdx.web.security.models import LoginThrottle

PAIR_FREE = 5
PAIR_BASE = dt.timedelta(seconds=30)
ACCOUNT_FREE = 50
ACCOUNT_BASE = dt.timedelta(minutes=1)
MAX_BLOCK = dt.timedelta(hours=1)
WINDOW = dt.timedelta(hours=24)

_SALT = "collabdx.web.security.throttle"


def client_address(request: HttpRequest) -> str:
    """The client's address: REMOTE_ADDR, or the last hop of a header our own proxy sets.

    ``COLLABDX_CLIENT_IP_HEADER`` (e.g. ``HTTP_X_FORWARDED_FOR``) is read only when
    configured, because anyone can send that header to a server not behind a proxy.
    Its *last* entry is the one our proxy appended; earlier ones are the client's word.
    """
    header = getattr(settings, "CLIENT_IP_HEADER", "")
    if header:
        value = request.META.get(header, "")
        hops = [h.strip() for h in value.split(",") if h.strip()]
        if hops:
            return hops[-1]
    return str(request.META.get("REMOTE_ADDR", ""))


def throttle_key(scope: str, username: str, client: str = "") -> str:
    """A keyed HMAC: the table never holds a username or an address."""
    message = "\x00".join((scope, username.strip().casefold(), client))
    return salted_hmac(_SALT, message, algorithm="sha256").hexdigest()


@dataclass(frozen=True)
class Rule:
    scope: str
    free: int
    base: dt.timedelta


def _keys(username: str, client: str) -> list[tuple[Rule, str]]:
    # Read the module constants at call time so tests (and operators patching
    # settings in a shell) can change them.
    pair = Rule("pair", PAIR_FREE, PAIR_BASE)
    account = Rule("account", ACCOUNT_FREE, ACCOUNT_BASE)
    return [
        (pair, throttle_key("pair", username, client)),
        (account, throttle_key("account", username)),
    ]


def block_for(failures: int, rule: Rule) -> dt.timedelta:
    """How long the ``failures``-th failure blocks: nothing up to ``free``, then doubling."""
    over = failures - rule.free
    if over <= 0:
        return dt.timedelta(0)
    return min(rule.base * (2 ** min(over - 1, 20)), MAX_BLOCK)


def wait_seconds(username: str, client: str, now: dt.datetime | None = None) -> int:
    """Seconds until this username may be tried from this client again (0: now)."""
    now = now or timezone.now()
    keys = [key for _, key in _keys(username, client)]
    wait = 0
    for row in LoginThrottle.objects.filter(key__in=keys, expires_at__gt=now):
        if row.blocked_until and row.blocked_until > now:
            wait = max(wait, int((row.blocked_until - now).total_seconds()) + 1)
    return wait


def record_failure(username: str, client: str, now: dt.datetime | None = None) -> None:
    now = now or timezone.now()
    for rule, key in _keys(username, client):
        with transaction.atomic():
            row, _ = LoginThrottle.objects.select_for_update().get_or_create(
                key=key, defaults={"scope": rule.scope, "expires_at": now + WINDOW}
            )
            if row.expires_at <= now:  # an old run of failures no longer counts
                row.failures = 0
                row.blocked_until = None
            row.failures += 1
            block = block_for(row.failures, rule)
            row.blocked_until = now + block if block else row.blocked_until
            row.expires_at = now + WINDOW
            row.save()


# ------------------------------------------------------------------ atomic attempts
# ``wait_seconds`` then ``record_failure`` leave a gap while the password is checked:
# requests that arrive together all pass the check before any records its failure
# (issue 17, bug 2: 20 parallel guesses got 8 passwords checked where 5 were allowed).
# ``begin_attempt`` closes it by counting the attempt *before* the password is checked,
# in the same transaction as the block check, under a row lock.


def begin_attempt(username: str, client: str, now: dt.datetime | None = None) -> int:
    """Reserve one password check for ``username`` from ``client``.

    Returns 0 when the password may be checked: the attempt is then already counted
    as a failure on both counters (``attempt_succeeded`` takes it back). Otherwise
    returns the seconds to wait and counts nothing, so a blocked guess neither
    extends the block nor reveals anything.

    The block check and the count are one transaction holding the counters' rows
    (``select_for_update`` on PostgreSQL; on SQLite the IMMEDIATE transaction takes
    the write lock at its start). Parallel attempts queue here, and each sees the
    counts of those before it, exactly as if they had come one after another. The
    rows are always taken in the same order (pair, then account): no deadlock.
    """
    now = now or timezone.now()
    with transaction.atomic():
        rows: list[tuple[Rule, LoginThrottle]] = []
        for rule, key in _keys(username, client):
            LoginThrottle.objects.get_or_create(
                key=key, defaults={"scope": rule.scope, "expires_at": now + WINDOW}
            )
            rows.append((rule, LoginThrottle.objects.select_for_update().get(key=key)))
        wait = 0
        for _, row in rows:
            if row.expires_at > now and row.blocked_until and row.blocked_until > now:
                wait = max(wait, int((row.blocked_until - now).total_seconds()) + 1)
        if wait:
            return wait
        for rule, row in rows:
            if row.expires_at <= now:  # an old run of failures no longer counts
                row.failures = 0
                row.blocked_until = None
            row.failures += 1
            block = block_for(row.failures, rule)
            row.blocked_until = now + block if block else row.blocked_until
            row.expires_at = now + WINDOW
            row.save(update_fields=["failures", "blocked_until", "expires_at"])
    return 0


def attempt_succeeded(username: str, client: str) -> None:
    """The password reserved by ``begin_attempt`` was right: clear this pair's counter
    and take the attempt back from the account's (never below zero). The account's
    block, if this attempt set one, stays: a guesser elsewhere gets no fresh allowance
    because the owner signed in."""
    with transaction.atomic():
        record_success(username, client)
        LoginThrottle.objects.filter(
            key=throttle_key("account", username), failures__gt=0
        ).update(failures=F("failures") - 1)


def record_success(username: str, client: str) -> None:
    """A correct password clears this pair's counter, not the account's: a guesser
    elsewhere should not get a fresh allowance because the owner signed in."""
    LoginThrottle.objects.filter(key=throttle_key("pair", username, client)).delete()


def purge_expired(now: dt.datetime | None = None) -> int:
    deleted, _ = LoginThrottle.objects.filter(expires_at__lte=now or timezone.now()).delete()
    return deleted
