"""The session store (security/session_store.py): Django's database sessions with
fewer statements per write, and every rule of Django's store kept.

The statement counts are taken outside any transaction (``transaction=True``), as a
request runs (``ATOMIC_REQUESTS`` is off): a test wrapped in a transaction would take
the savepoint path instead.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.contrib.sessions.backends.base import UpdateError
from django.contrib.sessions.backends.db import SessionStore as DjangoStore
from django.contrib.sessions.models import Session
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from collabdx.web.security import session_store
from collabdx.web.security.session_store import SessionStore


def stored(data: dict[str, object]) -> SessionStore:
    s = SessionStore()
    s.update(data)
    s.save()
    return s


def test_settings_use_this_store():
    assert settings.SESSION_ENGINE == "collabdx.web.security.session_store"


@pytest.mark.django_db(transaction=True)
def test_cycle_key_carries_the_data_and_the_old_key_reads_nothing():
    s = stored({"drafts": {"tok": "secret"}})
    old = s.session_key
    s["feedback"] = {"scores": [1, 2]}
    s.cycle_key()
    # Gone at once, before anything saves the new session.
    assert not Session.objects.filter(session_key=old).exists()
    assert SessionStore(old).load() == {}
    s.save()
    assert s.session_key != old
    assert Session.objects.count() == 1
    assert SessionStore(s.session_key).load() == {
        "drafts": {"tok": "secret"},
        "feedback": {"scores": [1, 2]},
    }
    # Django's own store reads the row the same way (same table, same encoding).
    assert DjangoStore(s.session_key).load()["feedback"] == {"scores": [1, 2]}


@pytest.mark.django_db(transaction=True)
def test_a_rotation_is_one_delete_and_one_insert():
    s = stored({"a": 1})
    old = s.session_key
    with CaptureQueriesContext(connection) as rotation:
        s.cycle_key()
        s["b"] = 2
        s.save()
    sqls = [q["sql"] for q in rotation.captured_queries]
    assert len(sqls) == 2, sqls
    assert sqls[0].startswith("DELETE FROM") and old in str(rotation.captured_queries[0])
    assert sqls[1].startswith("INSERT INTO")
    # Django's store, for comparison: exists, INSERT (in a transaction), SELECT and
    # DELETE of the old row, UPDATE (in a transaction).
    d = DjangoStore()
    d["a"] = 1
    d.save()
    with CaptureQueriesContext(connection) as django_rotation:
        d.cycle_key()
        d["b"] = 2
        d.save()
    assert len(django_rotation.captured_queries) > len(sqls) + 4


@pytest.mark.django_db(transaction=True)
def test_a_first_save_is_one_insert_and_a_later_one_one_update():
    s = SessionStore()
    s["a"] = 1
    with CaptureQueriesContext(connection) as first:
        s.save()
    assert [q["sql"].split()[0] for q in first.captured_queries] == ["INSERT"]
    s["a"] = 2
    with CaptureQueriesContext(connection) as second:
        s.save()
    assert [q["sql"].split()[0] for q in second.captured_queries] == ["UPDATE"]
    assert SessionStore(s.session_key).load() == {"a": 2}


@pytest.mark.django_db(transaction=True)
def test_a_request_still_holding_the_old_key_cannot_write_it_back():
    s = stored({"drafts": {"tok": "secret"}})
    other = SessionStore(s.session_key)  # a parallel request, loaded before the rotation
    assert other["drafts"] == {"tok": "secret"}
    s.cycle_key()
    s.save()
    other["retry"] = {"tok": {}}
    with pytest.raises(UpdateError):
        other.save()
    assert Session.objects.count() == 1  # the old row did not come back


@pytest.mark.django_db(transaction=True)
def test_two_rotations_of_one_session_make_two_sessions_and_delete_the_old_once():
    s = stored({"a": 1})
    twin = SessionStore(s.session_key)
    assert twin["a"] == 1
    s.cycle_key()
    twin.cycle_key()  # its DELETE finds nothing: no error
    s.save()
    twin.save()
    assert s.session_key != twin.session_key
    assert Session.objects.count() == 2


@pytest.mark.django_db(transaction=True)
def test_a_rotated_session_that_is_never_saved_leaves_no_row():
    s = stored({"a": 1})
    s.cycle_key()  # e.g. the response was a 5xx, which the middleware does not save
    assert Session.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_a_taken_key_on_insert_gets_another(monkeypatch):
    taken = stored({"someone": "else"}).session_key
    s = stored({"a": 1})
    keys = iter([taken, "k" * 32])
    monkeypatch.setattr(session_store, "get_random_string", lambda n, chars: next(keys))
    s.cycle_key()
    s.save()
    assert s.session_key == "k" * 32
    assert SessionStore(taken).load() == {"someone": "else"}  # not overwritten
    assert SessionStore("k" * 32).load() == {"a": 1}


@pytest.mark.django_db
def test_inside_a_transaction_a_taken_key_leaves_the_transaction_usable(monkeypatch):
    taken = stored({"someone": "else"}).session_key
    keys = iter([taken, "m" * 32])
    monkeypatch.setattr(session_store, "get_random_string", lambda n, chars: next(keys))
    with transaction.atomic():
        s = SessionStore()
        s["a"] = 1
        s.save()  # the first INSERT fails inside a savepoint; the second succeeds
        assert Session.objects.count() == 2
    assert SessionStore("m" * 32).load() == {"a": 1}


@pytest.mark.django_db(transaction=True)
def test_expiry_is_kept_through_a_rotation_and_an_expired_row_is_not_read():
    s = SessionStore()
    s["a"] = 1
    s.set_expiry(3600)
    s.save()
    s.cycle_key()
    s.save()
    row = Session.objects.get(session_key=s.session_key)
    left = row.expire_date - timezone.now()
    assert dt.timedelta(minutes=59) < left <= dt.timedelta(hours=1)
    Session.objects.update(expire_date=timezone.now() - dt.timedelta(seconds=1))
    assert SessionStore(s.session_key).load() == {}


@pytest.mark.django_db(transaction=True)
def test_flush_after_a_rotation_deletes_and_forgets_the_key():
    s = stored({"a": 1})
    s.cycle_key()
    s.flush()
    assert s.session_key is None
    assert Session.objects.count() == 0
    s["b"] = 2
    s.save()
    assert SessionStore(s.session_key).load() == {"b": 2}


def test_next_midnight_rounds_up_to_the_day():
    utc = dt.UTC
    assert session_store.next_midnight(dt.datetime(2026, 3, 1, 0, 0, tzinfo=utc)) == dt.datetime(
        2026, 3, 1, tzinfo=utc
    )
    assert session_store.next_midnight(
        dt.datetime(2026, 3, 1, 0, 0, 1, tzinfo=utc)
    ) == dt.datetime(2026, 3, 2, tzinfo=utc)
    assert session_store.next_midnight(
        dt.datetime(2026, 12, 31, 23, 59, 59, 999999, tzinfo=utc)
    ) == dt.datetime(2027, 1, 1, tzinfo=utc)


@pytest.mark.django_db(transaction=True)
def test_a_respondents_session_row_keeps_no_time_of_day():
    # After a submission the session holds the respondent's feedback, which matches
    # their response: an expiry to the second would date the submission.
    age = dt.timedelta(seconds=settings.SESSION_COOKIE_AGE)
    before = timezone.now()
    s = stored({"feedback": {"scores": [1, 2]}})
    after = timezone.now()
    row = Session.objects.get(session_key=s.session_key)
    assert row.expire_date.astimezone(dt.UTC).time() == dt.time(0)
    # Never shorter than the age, at most a day longer.
    assert before + age <= row.expire_date < after + age + dt.timedelta(days=1)
    s.cycle_key()
    s.save()
    row = Session.objects.get(session_key=s.session_key)
    assert row.expire_date.astimezone(dt.UTC).time() == dt.time(0)


@pytest.mark.django_db(transaction=True)
def test_a_short_session_keeps_its_exact_expiry():
    # A signed-in facilitator's session is set to end after a few hours; rounding it
    # up to midnight would let it outlive that.
    hour = dt.timedelta(seconds=3600)
    before = timezone.now()
    s = SessionStore()
    s["_auth_user_id"] = "1"
    s.set_expiry(3600)
    s.save()
    after = timezone.now()
    row = Session.objects.get(session_key=s.session_key)
    assert before + hour <= row.expire_date <= after + hour
