"""Facilitator accounts: TOTP two-factor, passwords per ASVS, sessions."""

from __future__ import annotations

import re
import time

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP

from collabdx.web.security import sessions, twofactor
from collabdx.web.security.middleware import allowed_unverified
from collabdx.web.security.models import ProtectedTOTPDevice as TOTPDevice
from tests.security.conftest import PASSWORD, build_world
from tests.security.test_access_matrix import MATRIX, url_for

pytestmark = pytest.mark.django_db


def code_for(device: TOTPDevice, steps_ahead: int = 0) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + steps_ahead * device.step
    return f"{totp.token():06d}"


def wait_out_throttle(device: TOTPDevice) -> None:
    """As if the user waited for django-otp's back-off after a wrong code."""
    from datetime import timedelta

    from django.utils import timezone

    TOTPDevice.objects.filter(pk=device.pk).update(
        throttling_failure_timestamp=timezone.now() - timedelta(hours=1)
    )


def sign_in(client: Client, username: str = "owner", password: str = PASSWORD, **extra):
    return client.post("/sign-in/", {"username": username, "password": password, **extra})


def enrol(client: Client) -> tuple[TOTPDevice, list[str]]:
    assert client.post("/account/two-factor/start/").status_code == 302
    page = client.get("/account/two-factor/").content.decode()
    assert "<svg" in page and 'id="manual-key"' in page
    device = TOTPDevice.objects.get(confirmed=False)
    r = client.post("/account/two-factor/confirm/", {"code": code_for(device)})
    assert r.status_code == 200, r.status_code
    code = r"[a-z2-7]{4}-[a-z2-7]{4}-[a-z2-7]{4}"
    codes = re.findall(rf"<li><code>({code})</code></li>", r.content.decode())
    assert len(codes) == twofactor.RECOVERY_CODES
    device.refresh_from_db()
    return device, codes


# ------------------------------------------------------------------ two-factor


@pytest.fixture
def required(settings):
    settings.REQUIRE_2FA = True


def test_required_2fa_sends_a_new_facilitator_to_enrolment_then_lets_them_in(required):
    w = build_world()
    c = Client()
    r = sign_in(c)
    assert r.status_code == 302 and r["Location"].startswith("/account/two-factor/")
    # Every facilitator page is closed until enrolment is done.
    assert c.get(f"/collaborations/{w.collab.pk}/").status_code == 302
    device, _ = enrol(c)
    assert device.confirmed
    assert c.get(f"/collaborations/{w.collab.pk}/").status_code == 200


def test_sign_in_asks_for_the_code_and_accepts_it_once(required):
    build_world()
    c = Client()
    sign_in(c)
    device, _ = enrol(c)
    c.post("/sign-out/")
    r = sign_in(c, next="/account/")
    assert r["Location"].startswith("/account/verify/")
    assert c.get("/account/").status_code == 302
    r = c.post("/account/verify/?next=/account/", {"code": "000000"})
    assert r.status_code == 200 and "That code is not right" in r.content.decode()
    wait_out_throttle(device)
    r = c.post("/account/verify/?next=/account/", {"code": code_for(device, 1)})
    assert r.status_code == 302 and r["Location"] == "/account/"
    assert c.get("/account/").status_code == 200
    # The same code cannot be used again (django-otp keeps the last time step).
    other = Client()
    sign_in(other)
    assert other.post("/account/verify/", {"code": code_for(device, 1)}).status_code == 200
    assert other.get("/account/").status_code == 302


def test_recovery_code_works_once(required):
    build_world()
    c = Client()
    sign_in(c)
    _, codes = enrol(c)
    for expected in (302, 200):  # first use signs in; second use of the same code fails
        fresh = Client()
        sign_in(fresh)
        r = fresh.post("/account/verify/", {"code": codes[0].upper()})
        assert r.status_code == expected


def test_an_unverified_session_cannot_replace_the_device(required):
    build_world()
    c = Client()
    sign_in(c)
    enrol(c)
    attacker = Client()  # knows the password, not the second factor
    sign_in(attacker)
    for path in ("/account/two-factor/start/", "/account/two-factor/confirm/"):
        r = attacker.post(path, {"code": "123456"})
        assert r.status_code == 302 and r["Location"].startswith("/account/verify/"), path
    assert attacker.get("/account/two-factor/").status_code == 302
    assert TOTPDevice.objects.filter(confirmed=False).count() == 0


def test_wrong_codes_are_throttled_by_the_device(required):
    build_world()
    c = Client()
    sign_in(c)
    device, _ = enrol(c)
    guesser = Client()
    sign_in(guesser)
    guesser.post("/account/verify/", {"code": "000000"})
    # Straight after a wrong code even the right one is refused (exponential back-off
    # per device: 1 s, 2 s, 4 s, ...), so guessing 10^6 codes is impractical.
    assert guesser.post("/account/verify/", {"code": code_for(device, 1)}).status_code == 200
    assert guesser.get("/account/").status_code == 302
    wait_out_throttle(device)
    assert guesser.post("/account/verify/", {"code": code_for(device, 1)}).status_code == 302


@pytest.mark.parametrize("name", sorted(MATRIX))
def test_unverified_session_reaches_no_facilitator_page(required, name):
    w = build_world()
    c = Client()
    c.force_login(w.owner)  # password done, no second factor
    TOTPDevice.objects.create(user=w.owner, confirmed=True)
    r = c.get(url_for(name, w))
    if allowed_unverified(name) or name in ("login", "signup"):
        assert r.status_code in (200, 302, 405)
        if r.status_code == 302:  # only ever to a page an unverified session may use
            assert not r["Location"].startswith("/collaborations/"), r["Location"]
    else:
        assert r.status_code == 302, (name, r.status_code)
        assert r["Location"].startswith("/account/verify/"), r["Location"]


def test_verified_session_rotates_the_session_key(required):
    build_world()
    c = Client()
    sign_in(c)
    before = c.cookies[settings.SESSION_COOKIE_NAME].value
    _device, _ = enrol(c)
    assert c.cookies[settings.SESSION_COOKIE_NAME].value != before
    assert DEVICE_ID_SESSION_KEY in c.session


def test_2fa_is_off_by_default_in_development_and_optional():
    assert settings.REQUIRE_2FA is False  # the demo stays a one-step sign-in
    w = build_world()
    c = Client()
    assert sign_in(c)["Location"] == "/"
    assert c.get(f"/collaborations/{w.collab.pk}/").status_code == 200
    # A facilitator who turns it on is asked for it from then on.
    enrol(c)
    c.post("/sign-out/")
    assert sign_in(c)["Location"].startswith("/account/verify/")


def test_2fa_defaults_to_required_in_production():
    import subprocess
    import sys

    env = {"COLLABDX_ENV": "production", "SECRET_KEY": "k" * 60, "ALLOWED_HOSTS": "x.org",
           "COLLABDX_FIELD_KEY": "A" * 43 + "="}  # fmt: skip
    out = subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); from django.conf import "
         "settings as s; print(s.REQUIRE_2FA)"],
        env={**__import__("os").environ, **env, "DJANGO_SETTINGS_MODULE": "collabdx.web.settings"},
        capture_output=True, text=True, check=True,
    ).stdout.strip()  # fmt: skip
    assert out == "True"


# ------------------------------------------------------------------ passwords (ASVS V6.2)


def signup(password: str, username: str = "newbie") -> tuple[int, str]:
    r = Client().post("/create-account/", {"username": username, "password": password})
    return r.status_code, r.content.decode()


@pytest.mark.parametrize(
    "password",
    [
        "x" * 11 + "y",  # exactly 12
        "correct horse battery staple",  # spaces, no digits or capitals: no composition rules
        "a" * 7 + "b" * 57,  # 64
        ("long passphrase " * 64)[:1024],  # the maximum
        "pässwörd mit ümläuten 🙂 ok",  # any Unicode
    ],
)
def test_passwords_per_asvs_are_accepted(password):
    status, _ = signup(password)
    assert status == 302
    assert get_user_model().objects.get(username="newbie").check_password(password)


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("short pass1", "at least 12"),
        ("password1234", "too common"),
        ("x" * 1025, "1,024 characters or fewer"),
    ],
)
def test_weak_or_oversized_passwords_are_refused(password, message):
    status, html = signup(password)
    assert status == 200 and message in html
    assert not get_user_model().objects.filter(username="newbie").exists()


def test_passwords_are_never_echoed_and_paste_is_allowed():
    r = Client().post("/sign-in/", {"username": "x", "password": "my secret attempt"})
    html = r.content.decode()
    assert "my secret attempt" not in html
    _, html = signup("tiny secret")
    assert "tiny secret" not in html
    for page in (html, Client().get("/sign-in/").content.decode()):
        assert "onpaste" not in page and "oncopy" not in page
        assert 'autocomplete="off"' not in page


def test_usernames_follow_djangos_character_rule():
    status, _html = signup("a fine long passphrase", username="<script>x</script>")
    assert status == 200
    assert not get_user_model().objects.filter(username__contains="<").exists()


def test_passwords_are_hashed_with_argon2():
    # The tests here use a fast hasher (conftest); the real setting is Argon2.
    from collabdx.web import settings as real

    assert real.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")


def test_password_change_signs_out_other_sessions():
    build_world()
    here, elsewhere = Client(), Client()
    sign_in(here)
    sign_in(elsewhere)
    r = here.post(
        "/account/password/",
        {"current_password": PASSWORD, "new_password": "a brand new passphrase"},
    )
    assert r.status_code == 302
    assert here.get("/account/").status_code == 200
    assert elsewhere.get("/account/").status_code == 302


def test_password_change_needs_the_current_password():
    build_world()
    c = Client()
    sign_in(c)
    r = c.post("/account/password/", {"current_password": "nope nope nope",
                                     "new_password": "a brand new passphrase"})
    assert r.status_code == 200 and "current password is not right" in r.content.decode()


# ------------------------------------------------------------------ sessions (ASVS V7)


def test_sign_in_rotates_the_session_key():
    build_world()
    c = Client()
    c.get("/s/unknown/")  # any visit
    c.cookies[settings.SESSION_COOKIE_NAME] = "attacker-fixed-session-id"
    sign_in(c)
    assert c.cookies[settings.SESSION_COOKIE_NAME].value != "attacker-fixed-session-id"


def test_sign_out_invalidates_the_session_server_side():
    w = build_world()
    c = Client()
    sign_in(c)
    stolen = c.cookies[settings.SESSION_COOKIE_NAME].value
    out = c.post("/sign-out/")
    assert out["Clear-Site-Data"] == '"cache", "storage"'
    replay = Client()
    replay.cookies[settings.SESSION_COOKIE_NAME] = stolen
    r = replay.get(f"/collaborations/{w.collab.pk}/")
    assert r.status_code == 302 and r["Location"].startswith("/sign-in/")


def test_idle_and_absolute_session_limits(monkeypatch):
    w = build_world()
    c = Client()
    sign_in(c)
    page = f"/collaborations/{w.collab.pk}/"
    assert c.get(page).status_code == 200
    start = time.time()
    idle = sessions.idle_seconds()
    monkeypatch.setattr(sessions.time, "time", lambda: start + idle - 30)
    assert c.get(page).status_code == 200  # active just in time: the idle clock restarts
    monkeypatch.setattr(sessions.time, "time", lambda: start + 2 * idle - 60)
    assert c.get(page).status_code == 200
    monkeypatch.setattr(sessions.time, "time", lambda: start + 3 * idle + 60)
    r = c.get(page)
    assert r.status_code == 302 and r["Location"].startswith("/sign-in/")
    # Absolute: however active, the session ends FACILITATOR_SESSION_HOURS after sign-in.
    c2 = Client()
    sign_in(c2)
    t0 = time.time()
    for step in range(0, sessions.max_seconds() + 1, idle // 2):
        monkeypatch.setattr(sessions.time, "time", lambda s=step: t0 + s)
        assert c2.get(page).status_code == 200
    monkeypatch.setattr(sessions.time, "time", lambda: t0 + sessions.max_seconds() + 61)
    assert c2.get(page).status_code == 302


def test_signed_in_cookie_expires_with_the_session_not_after_weeks():
    build_world()
    c = Client()
    sign_in(c)
    cookie = c.cookies[settings.SESSION_COOKIE_NAME]
    assert int(cookie["max-age"]) == sessions.max_seconds()
    assert cookie["httponly"] and cookie["samesite"] == "Lax"


@pytest.mark.parametrize("target", ["//evil.example/", "https://evil.example/x", "javascript:x"])
def test_next_parameter_cannot_redirect_off_site(target):
    build_world()
    r = sign_in(Client(), next=target)
    assert r.status_code == 302 and r["Location"] == "/"


def test_no_default_account_in_production(settings):
    """ASVS 6.3.2: the demo account (a published password) cannot be made in production."""
    from django.core.management import CommandError, call_command

    settings.PRODUCTION = True
    with pytest.raises(CommandError, match="production"):
        call_command("load_demo")
    assert not get_user_model().objects.filter(username="demo").exists()
