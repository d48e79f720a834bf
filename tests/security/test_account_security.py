"""The security event log, re-authentication and the list of signed-in sessions."""

from __future__ import annotations

import datetime as dt
import time

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from collabdx.web.collab.lifecycle import purge_expired
from collabdx.web.security import reauth
from collabdx.web.security.models import SecurityEvent, SignedInSession
from tests.security.conftest import PASSWORD, build_world, full_answers, signed_in
from tests.security.test_accounts import enrol, sign_in

pytestmark = pytest.mark.django_db


def kinds(**filters: object) -> list[str]:
    return list(SecurityEvent.objects.filter(**filters).order_by("at", "id").values_list(
        "kind", flat=True))  # fmt: skip


def every_text_in_the_database() -> str:
    """Every value of every table, as one string (to look for what must not be there)."""
    out = []
    with connection.cursor() as cur:
        for table in connection.introspection.table_names():
            cur.execute(f'SELECT * FROM "{table}"')
            out.extend(repr(row) for row in cur.fetchall())
    return "\n".join(out)


# ------------------------------------------------------------------ the event log


def test_sign_ins_failures_and_lockouts_go_to_the_accounts_log(settings):
    w = build_world()
    c = Client(REMOTE_ADDR="203.0.113.77")
    sign_in(c, password="wrong password 1")
    sign_in(c, username="nobody-at-all", password="wrong password 2")
    for _ in range(6):  # past the pair's 5 free failures: locked
        sign_in(c, password="wrong password 3")
    sign_in(c)  # refused by the lock, before any password check
    got = kinds(user=w.owner)
    # The 6th failure blocks the pair: the 7th attempt and the last are refused unchecked.
    assert got.count("sign_in_failed") == 6
    assert got.count("sign_in_blocked") == 2 and got[-1] == "sign_in_blocked"
    # A username that matches no account is recorded nowhere.
    assert not SecurityEvent.objects.filter(detail__icontains="nobody").exists()
    assert SecurityEvent.objects.count() == len(got)
    # No address, no password: only a keyed hash of the address.
    text = every_text_in_the_database()
    for secret in ("203.0.113.77", "wrong password", "nobody-at-all"):
        assert secret not in text, secret
    tags = set(SecurityEvent.objects.values_list("client", flat=True))
    assert len(tags) == 1 and len(next(iter(tags))) == 12
    # The holder reads it; nobody else's events are shown to them.
    page = signed_in(w.owner).get("/account/security-log/").content.decode()
    assert "Wrong password at sign-in" in page and "Sign-in refused: too many attempts" in page
    other = signed_in(w.other).get("/account/security-log/").content.decode()
    assert "Wrong password at sign-in" not in other


def test_two_factor_changes_and_codes_are_logged():
    build_world()
    c = Client()
    sign_in(c)
    enrol(c)
    c.post("/account/verify/", {"code": "000000"})
    c.post("/account/two-factor/recovery-codes/")
    got = kinds(user__username="owner")
    assert "two_factor_on" in got and "recovery_codes_made" in got
    assert got[0] == "signed_in"


def test_downloads_and_wave_closes_go_to_the_collaborations_log():
    w = build_world()
    cofac = signed_in(w.cofac)
    assert cofac.post(f"/collaborations/{w.collab.pk}/waves/{w.wave.pk}/close/").status_code == 302
    r = cofac.get(f"/collaborations/{w.collab.pk}/waves/{w.wave.pk}/export.csv")
    assert r.status_code == 200
    events = list(SecurityEvent.objects.filter(collaboration=w.collab).order_by("at", "id"))
    assert [(e.kind, e.actor_name) for e in events] == [
        ("wave_closed", "cofac"), ("download", "cofac")
    ]
    assert events[0].detail == "Wave 1" and events[1].detail == "CSV export of Wave 1"
    log = signed_in(w.owner).get(f"/collaborations/{w.collab.pk}/security-log/").content.decode()
    assert "CSV export of Wave 1" in log and "Wave closed" in log


def test_nothing_about_respondents_is_ever_logged():
    w = build_world(n_responses=0)
    c = Client()
    answers = full_answers()
    from tests.security.conftest import READINESS

    for number, block in enumerate(READINESS.blocks, start=1):
        c.post(f"/s/{w.link.token}/page/{number}/", {i: answers[i] for i in block.items})
    check = c.get(f"/s/{w.link.token}/check/").content.decode()
    draft = check.split('name="draft" value="')[1].split('"')[0]
    assert c.post(f"/s/{w.link.token}/submit/", {"draft": draft}).status_code == 302
    c.get(f"/m/{w.wave.maturity_token}/")
    assert SecurityEvent.objects.count() == 0


def test_events_are_kept_for_the_retention_period_then_purged(settings):
    settings.RETENTION_DAYS = 30
    w = build_world()
    now = timezone.now()
    old = SecurityEvent.objects.create(at=now - dt.timedelta(days=31), kind="download",
                                       collaboration=w.collab)  # fmt: skip
    kept = SecurityEvent.objects.create(at=now - dt.timedelta(days=29), kind="download",
                                        collaboration=w.collab)  # fmt: skip
    done = purge_expired(now=now)
    assert done.security_events == 1
    assert not SecurityEvent.objects.filter(pk=old.pk).exists()
    assert SecurityEvent.objects.filter(pk=kept.pk).exists()
    assert purge_expired(now=now).security_events == 0


# ------------------------------------------------------------------ re-authentication


def stale(client: Client) -> None:
    """As if the password was last entered longer ago than the re-authentication window."""
    session = client.session
    session[reauth.REAUTH_AT] = int(time.time()) - reauth.window_seconds() - 1
    session.save()


def test_two_factor_changes_need_a_recent_password():
    build_world()
    c = Client()
    sign_in(c)
    enrol(c)
    stale(c)
    for path in ("/account/two-factor/recovery-codes/", "/account/two-factor/start/",
                 "/account/two-factor/turn-off/"):  # fmt: skip
        r = c.post(path, {"code": "123456"})
        assert r.status_code == 302 and r["Location"].startswith("/account/confirm-password/"), path
    r = c.post("/account/confirm-password/?next=/account/", {"password": "not it at all"})
    assert r.status_code == 200 and "Your password is not right" in r.content.decode()
    assert kinds(kind="reauth_failed")
    r = c.post("/account/confirm-password/?next=/account/", {"password": PASSWORD})
    assert r.status_code == 302 and r["Location"] == "/account/"
    r = c.post("/account/two-factor/recovery-codes/")
    assert r.status_code == 200 and "Your recovery codes" in r.content.decode()


def test_confirming_the_password_is_throttled_like_sign_in():
    w = build_world()
    c = signed_in(w.owner)
    for _ in range(6):
        c.post("/account/confirm-password/", {"password": "guess"})
    r = c.post("/account/confirm-password/", {"password": PASSWORD})
    assert r.status_code == 429 and "Try again in" in r.content.decode()


def test_confirm_password_never_redirects_off_site():
    w = build_world()
    r = signed_in(w.owner).post(
        "/account/confirm-password/?next=https://evil.example/", {"password": PASSWORD}
    )
    assert r.status_code == 302 and r["Location"] == "/"


# ------------------------------------------------------------------ sessions


def test_sessions_are_listed_and_another_one_can_be_signed_out():
    w = build_world()
    SignedInSession.objects.filter(user=w.owner).delete()  # the world's extra one
    here, there = Client(), Client()
    sign_in(here)
    sign_in(there)
    page = here.get("/account/").content.decode()
    assert "This session" in page and "Session 2" in page
    other = SignedInSession.objects.filter(user=w.owner).order_by("-id").first()  # there's
    assert other.created_on == timezone.localdate()
    stale(here)
    r = here.post(f"/account/sessions/{other.pk}/sign-out/")
    assert r["Location"].startswith("/account/confirm-password/")  # password first
    here.post("/account/confirm-password/", {"password": PASSWORD})
    assert here.post(f"/account/sessions/{other.pk}/sign-out/").status_code == 302
    r = there.get(f"/collaborations/{w.collab.pk}/")
    assert r.status_code == 302 and r["Location"].startswith("/sign-in/")
    assert there.get("/account/").status_code == 302  # stays signed out
    assert here.get(f"/collaborations/{w.collab.pk}/").status_code == 200
    assert "session_ended" in kinds(user=w.owner)


def test_sign_out_everywhere_else_keeps_only_this_session():
    w = build_world()
    clients = [Client() for _ in range(3)]
    for c in clients:
        sign_in(c)
    assert clients[0].post("/account/sessions/sign-out-others/").status_code == 302
    assert clients[0].get("/account/").status_code == 200
    for c in clients[1:]:
        assert c.get("/account/").status_code == 302
    assert SignedInSession.objects.filter(user=w.owner).count() == 1


def test_a_password_change_drops_the_other_sessions_from_the_list():
    w = build_world()
    here, there = Client(), Client()
    sign_in(here)
    sign_in(there)
    new = {"current_password": PASSWORD, "new_password": "another long passphrase 42"}
    r = here.post("/account/password/", new)
    assert r.status_code == 302
    assert SignedInSession.objects.filter(user=w.owner).count() == 1
    assert there.get("/account/").status_code == 302
    assert "password_changed" in kinds(user=w.owner)


def test_session_records_hold_dates_only():
    fields = {f.name for f in SignedInSession._meta.get_fields()}
    assert fields == {"id", "user", "created_on", "last_seen_on"}
    assert all(
        f.get_internal_type() == "DateField"
        for f in SignedInSession._meta.get_fields() if f.name.endswith("_on")
    )  # fmt: skip


def test_an_administrator_can_end_a_facilitators_sessions():
    import io

    from django.core.management import call_command
    from django.core.management.base import CommandError

    w = build_world()
    owner, cofac = signed_in(w.owner), signed_in(w.cofac)
    call_command("end_sessions", "owner", stdout=io.StringIO())
    assert owner.get("/account/").status_code == 302
    assert cofac.get("/account/").status_code == 200
    call_command("end_sessions", "--all", stdout=io.StringIO())
    assert cofac.get("/account/").status_code == 302
    with pytest.raises(CommandError, match="No such facilitator: ghost"):
        call_command("end_sessions", "ghost")


def test_confirming_the_password_gives_a_new_session_key(settings):
    w = build_world()
    c = signed_in(w.owner)
    before = c.cookies[settings.SESSION_COOKIE_NAME].value
    assert c.post("/account/confirm-password/", {"password": PASSWORD}).status_code == 302
    assert c.cookies[settings.SESSION_COOKIE_NAME].value != before
    assert c.get("/account/").status_code == 200
