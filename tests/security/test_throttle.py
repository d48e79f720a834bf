"""Sign-in throttling keyed on (account, client) with a looser per-account cap.

What these prove: one account locked from one client is not locked from another
client (until the per-account cap); many staff behind one NHS address are not
affected by one person's failures; the block grows exponentially and expires; a
blocked attempt is refused without checking the password; nothing in the table is
a username or an address.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from collabdx.web.security import throttle
from collabdx.web.security.models import LoginThrottle
from tests.security.conftest import PASSWORD
from tests.web.factories import UserFactory

pytestmark = pytest.mark.django_db

NHS = "10.20.30.40"  # one address for a whole trust's staff (documentation range below)
HOME = "198.51.100.7"


def sign_in(username: str, password: str, address: str) -> int:
    r = Client(REMOTE_ADDR=address).post("/sign-in/", {"username": username, "password": password})
    return r.status_code


def fail(username: str, address: str, times: int) -> None:
    for _ in range(times):
        assert sign_in(username, "wrong password!!", address) in (200, 429)


def test_pair_is_blocked_after_the_free_failures_but_not_before():
    UserFactory(username="alice")
    fail("alice", NHS, throttle.PAIR_FREE - 1)
    assert sign_in("alice", PASSWORD, NHS) == 302  # 4 typos, then right: fine
    fail("alice", NHS, throttle.PAIR_FREE + 1)
    assert sign_in("alice", PASSWORD, NHS) == 429  # blocked, even with the right password


def test_locked_account_from_one_client_is_not_locked_from_another():
    UserFactory(username="alice")
    fail("alice", NHS, throttle.PAIR_FREE + 3)
    assert sign_in("alice", PASSWORD, NHS) == 429
    assert sign_in("alice", PASSWORD, HOME) == 302


def test_many_users_behind_one_address_are_unaffected_by_one_users_failures():
    staff = [UserFactory(username=f"nurse{i}") for i in range(20)]
    fail("nurse0", NHS, throttle.PAIR_FREE + 5)  # one person (or an attacker) hammers one name
    fail("no-such-user", NHS, throttle.PAIR_FREE + 5)
    for user in staff[1:]:
        assert sign_in(user.username, PASSWORD, NHS) == 302, user.username


def test_per_account_cap_stops_guessing_spread_over_many_addresses(monkeypatch):
    monkeypatch.setattr(throttle, "ACCOUNT_FREE", 12)
    UserFactory(username="alice")
    for i in range(13):  # 13 addresses, 1 failure each: no pair gets near its limit
        fail("alice", f"203.0.113.{i}", 1)
    assert sign_in("alice", PASSWORD, "203.0.113.200") == 429
    assert sign_in("bob", PASSWORD, "203.0.113.200") == 200  # other accounts unaffected


def test_blocked_attempts_do_not_check_the_password(monkeypatch):
    UserFactory(username="alice")
    fail("alice", NHS, throttle.PAIR_FREE + 1)
    checked = []
    monkeypatch.setattr(
        "collabdx.web.accounts.views.authenticate", lambda *a, **k: checked.append(1)
    )
    assert sign_in("alice", PASSWORD, NHS) == 429
    assert checked == []


def test_block_grows_exponentially_and_is_capped():
    rule = throttle.Rule("pair", 5, dt.timedelta(seconds=30))
    waits = [throttle.block_for(n, rule).total_seconds() for n in range(1, 16)]
    assert waits[:5] == [0] * 5
    assert waits[5:9] == [30, 60, 120, 240]
    assert max(waits) == throttle.MAX_BLOCK.total_seconds()


def test_block_and_counters_expire():
    now = timezone.now()
    for _ in range(throttle.PAIR_FREE + 1):
        throttle.record_failure("alice", NHS, now)
    assert throttle.wait_seconds("alice", NHS, now) > 0
    later = now + throttle.PAIR_BASE + dt.timedelta(seconds=1)
    assert throttle.wait_seconds("alice", NHS, later) == 0
    # A failure after the window starts counting from one again.
    much_later = now + throttle.WINDOW + dt.timedelta(seconds=1)
    throttle.record_failure("alice", NHS, much_later)
    pair = LoginThrottle.objects.get(key=throttle.throttle_key("pair", "alice", NHS))
    assert pair.failures == 1
    assert throttle.purge_expired(much_later + throttle.WINDOW) == 2
    assert LoginThrottle.objects.count() == 0


def test_success_clears_the_pair_but_not_the_account_count():
    UserFactory(username="alice")
    fail("alice", NHS, 3)
    assert sign_in("alice", PASSWORD, NHS) == 302
    assert not LoginThrottle.objects.filter(scope="pair").exists()
    assert LoginThrottle.objects.get(scope="account").failures == 3


def test_username_case_does_not_give_a_fresh_allowance():
    fail("alice", NHS, throttle.PAIR_FREE + 1)
    assert throttle.wait_seconds("ALICE", NHS) > 0


def test_table_holds_neither_addresses_nor_usernames():
    fail("alice.smith", NHS, 3)
    stored = repr(list(LoginThrottle.objects.values()))
    assert NHS not in stored and "alice" not in stored
    # Keyed: the same inputs under another SECRET_KEY give another key.
    from django.test import override_settings

    with override_settings(SECRET_KEY="another-secret-" * 4):
        assert throttle.throttle_key("pair", "alice.smith", NHS) not in stored


def test_client_address_header_is_used_only_when_configured(settings, rf):
    request = rf.get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="1.2.3.4, 10.0.0.9")
    assert throttle.client_address(request) == "127.0.0.1"
    settings.CLIENT_IP_HEADER = "HTTP_X_FORWARDED_FOR"
    # The last hop is the one our proxy added; the first is whatever the client claimed.
    assert throttle.client_address(request) == "10.0.0.9"
