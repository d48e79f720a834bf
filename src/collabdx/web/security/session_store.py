"""Django's database sessions, with fewer statements per write (issue 15).

``SESSION_ENGINE`` names this module. The rows, the cookie, the signing and every
rule of ``django.contrib.sessions.backends.db`` stay as they are; only how many SQL
statements a write takes changes, because a survey submission rotates the session
key (``survey.views.submit``: the session that held the draft's secret is deleted)
and Django's store spends 9 statements on that on SQLite, nearly half a submission's:

- a new key is first looked up ("does it exist?"). A key is 32 characters from 36
  (about 165 bits), and the INSERT of a new row is refused by the primary key if the
  key is taken anyway (``CreateError``, then another key), so the look-up is dropped;
- ``cycle_key`` wrote the new row at once (INSERT) and the middleware wrote it again
  at the end of the request (UPDATE). Here ``cycle_key`` only chooses the new key,
  and the middleware's save INSERTs the row once, with its final data;
- the old row was deleted by a SELECT and then a DELETE. Here one DELETE, at once,
  as Django does, so nothing can read the old session after ``cycle_key`` returns;
- each write ran in ``transaction.atomic``: BEGIN and COMMIT around one statement on
  SQLite, a COMMIT on PostgreSQL. One statement in autocommit mode is a transaction
  of its own, so outside a transaction the statement runs alone; inside one (a test,
  or a caller's ``atomic``) Django's savepoint is kept, so a refused INSERT does not
  break the caller's transaction.

A rotation is 2 statements instead of 9 on SQLite, and a first save 1 instead of 4.
Concurrent requests behave as with Django's store: a request still holding the old
key that then saves finds its row gone (``UpdateError``, which ``SessionMiddleware``
turns into ``SessionInterrupted``); two rotations of one session make two new rows
and delete the old one once. If nothing saves the rotated session (the response is
a 5xx, or the session was emptied), no new row is left behind, where Django's store
left a row that no cookie named. The async methods (``acycle_key``, ``asave``) are
Django's, unchanged: the app is served by WSGI.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.sessions.backends.base import VALID_KEY_CHARS, CreateError, UpdateError
from django.contrib.sessions.backends.db import SessionStore as DbSessionStore
from django.db import DatabaseError, IntegrityError, connections, router
from django.utils.crypto import get_random_string


def next_midnight(moment: dt.datetime) -> dt.datetime:
    """The first midnight (UTC) at or after ``moment``."""
    utc = moment.astimezone(dt.UTC)
    midnight = dt.datetime.combine(utc.date(), dt.time(0), tzinfo=dt.UTC)
    return midnight if midnight == utc else midnight + dt.timedelta(days=1)


class SessionStore(DbSessionStore):
    def __init__(self, session_key: str | None = None) -> None:
        super().__init__(session_key)
        # True from cycle_key (or create) until the row of the current key is written:
        # the next save must INSERT it.
        self._unsaved_key = False

    def create(self) -> None:
        """A new key whose row is INSERTed now (what Django's middleware relies on
        when a session without a key is saved)."""
        while True:
            self._session_key = get_random_string(32, VALID_KEY_CHARS)
            try:
                self.save(must_create=True)
            except CreateError:
                continue  # the key was taken (about 2**-165): another
            self.modified = True
            return

    def create_model_instance(self, data: dict[str, Any]) -> Any:
        """The row, with a respondent's expiry stored to the day.

        A respondent's session lives the default ``SESSION_COOKIE_AGE`` from its last
        save, and after a submission it holds the respondent's own feedback scores,
        which match their response. An expiry to the second would then give away
        when they submitted (save time = expiry - age), a time the response itself
        keeps only as a date. So a session on the default age (no ``set_expiry``, not
        signed in) stores its expiry rounded up to midnight: it may live up to a day
        longer, never shorter. A signed-in facilitator's session keeps its exact
        expiry, because it is short (``COLLABDX_SESSION_HOURS``) and must end on time.
        """
        obj = super().create_model_instance(data)
        if data.get("_session_expiry") is None and "_auth_user_id" not in data:
            obj.expire_date = next_midnight(obj.expire_date)
        return obj

    def cycle_key(self) -> None:
        """A new session key for the same data; the old row is deleted now, the new one
        is INSERTed by the next save (the middleware's, at the end of the request)."""
        data = self._session
        old = self.session_key
        self._session_key = get_random_string(32, VALID_KEY_CHARS)
        self._unsaved_key = True
        self._session_cache = data
        self.modified = True
        if old:
            self.delete(old)

    def save(self, must_create: bool = False) -> None:
        if self.session_key is None:
            return self.create()
        if self._unsaved_key and not must_create:
            # The first save after cycle_key: the INSERT; another key if that one is
            # taken, as create() does.
            while True:
                try:
                    self._write(must_create=True)
                    break
                except CreateError:
                    self._session_key = get_random_string(32, VALID_KEY_CHARS)
            return None
        self._write(must_create=must_create)
        return None

    def _write(self, *, must_create: bool) -> None:
        using = router.db_for_write(self.model)
        if connections[using].in_atomic_block:
            # Inside a caller's transaction: Django's way, a savepoint around the write.
            super().save(must_create=must_create)
        else:
            obj = self.create_model_instance(self._get_session(no_load=must_create))
            try:
                obj.save(force_insert=must_create, force_update=not must_create, using=using)
            except IntegrityError as exc:
                if must_create:
                    raise CreateError from exc
                raise
            except DatabaseError as exc:
                if not must_create:
                    raise UpdateError from exc
                raise
        self._unsaved_key = False

    def delete(self, session_key: str | None = None) -> None:
        """One DELETE (Django's store SELECTs the row first, then deletes it)."""
        if session_key is None:
            if self.session_key is None:
                return
            session_key = self.session_key
        model: Any = self.model
        using = router.db_for_write(model)
        table = connections[using].ops.quote_name(model._meta.db_table)
        column = connections[using].ops.quote_name(model._meta.pk.column)
        # QuerySet.delete() would wrap this one statement in a transaction of its own.
        # The table and column names come from the model and are quoted by the backend;
        # the key is a parameter.
        sql = f"DELETE FROM {table} WHERE {column} = %s"  # noqa: S608  # nosec B608
        with connections[using].cursor() as cursor:
            cursor.execute(sql, [session_key])
