"""Parallel wrong passwords cannot slip past the sign-in throttle (issue 17, bug 2).

20 parallel wrong passwords against an account with one earlier failure got 8
passwords checked where the limit allows 5: the block check and the failure record
were separate statements, so requests that arrived together all passed the check
before any of them recorded its failure.

Real threads, each with its own database connection, through the sign-in view. On
SQLite the database is a file (an in-memory one cannot be shared by threads); with
DATABASE_URL set the same test runs on PostgreSQL, where the row lock does the work.
Passwords checked are counted by a password hasher that counts its ``verify`` calls.
"""

from __future__ import annotations

import threading
import time

import pytest
from django.contrib.auth.hashers import MD5PasswordHasher
from django.db import connection
from django.test import Client

from collabdx.web.security import throttle
from collabdx.web.security.models import LoginThrottle
from tests.web.factories import UserFactory
from tests.web.test_survey import file_database  # noqa: F401 - a fixture

PARALLEL = 20
ADDRESS = "10.20.30.40"


class CountingHasher(MD5PasswordHasher):
    """MD5 (fast, test only) that counts password checks and takes a little time over
    each, as a real hash does, so that parallel requests overlap."""

    algorithm = "counting_md5"
    checks = 0
    lock = threading.Lock()

    def verify(self, password: str, encoded: str) -> bool:
        with CountingHasher.lock:
            CountingHasher.checks += 1
        time.sleep(0.05)
        return super().verify(password, encoded)


@pytest.fixture
def counting_hasher(settings):
    settings.PASSWORD_HASHERS = [f"{__name__}.CountingHasher"]
    CountingHasher.checks = 0
    return CountingHasher


def _wrong(address: str = ADDRESS) -> int:
    c = Client(REMOTE_ADDR=address)
    return c.post("/sign-in/", {"username": "alice", "password": "not the password"}).status_code


@pytest.mark.django_db(transaction=True)
def test_parallel_wrong_passwords_get_no_more_checks_than_the_limit(
    file_database, counting_hasher  # noqa: F811
):
    UserFactory(username="alice", password="the right password, long")
    assert _wrong() == 200  # one earlier failure
    counting_hasher.checks = 0

    barrier = threading.Barrier(PARALLEL)
    statuses: list[int] = []
    errors: list[BaseException] = []

    def attempt() -> None:
        try:
            barrier.wait(timeout=30)
            statuses.append(_wrong())
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt) for _ in range(PARALLEL)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not errors, errors
    assert len(statuses) == PARALLEL

    # Failures 1 to PAIR_FREE are free and the next one blocks: after one earlier
    # failure, PAIR_FREE more passwords are checked, however the requests interleave.
    allowed = throttle.PAIR_FREE + 1 - 1
    assert counting_hasher.checks == allowed, statuses
    assert statuses.count(200) == allowed and statuses.count(429) == PARALLEL - allowed
    pair = LoginThrottle.objects.get(key=throttle.throttle_key("pair", "alice", ADDRESS))
    assert pair.failures == 1 + allowed  # the refused attempts were not counted
    account = LoginThrottle.objects.get(key=throttle.throttle_key("account", "alice"))
    assert account.failures == 1 + allowed


@pytest.mark.django_db
def test_a_right_password_gives_back_the_account_count(counting_hasher):
    """The attempt is counted before the password is checked; a right one takes its
    count back from the account (and clears the pair), so the owner's own sign-ins do
    not use up the per-account allowance."""
    UserFactory(username="alice", password="the right password, long")
    assert _wrong() == 200
    c = Client(REMOTE_ADDR=ADDRESS)
    ok = c.post("/sign-in/", {"username": "alice", "password": "the right password, long"})
    assert ok.status_code == 302
    assert not LoginThrottle.objects.filter(key=throttle.throttle_key("pair", "alice", ADDRESS))
    account = LoginThrottle.objects.get(key=throttle.throttle_key("account", "alice"))
    assert account.failures == 1
