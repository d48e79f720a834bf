"""A copy of the database alone gives no second factor: TOTP seeds are encrypted with
COLLABDX_FIELD_KEY and recovery codes are stored as password hashes; existing rows are
converted by the migrations; keys can be rotated; production refuses to start without
a key."""

from __future__ import annotations

import base64
import os
import subprocess
import sys
from binascii import hexlify
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client

from collabdx.web.security import fieldcrypt, twofactor
from collabdx.web.security.models import ProtectedTOTPDevice, RecoveryCode
from tests.security.conftest import build_world
from tests.security.test_account_security import every_text_in_the_database
from tests.security.test_accounts import code_for, enrol, sign_in

ROOT = Path(__file__).resolve().parents[2]
KEY_A, KEY_B = os.urandom(32), os.urandom(32)


@pytest.mark.django_db
def test_the_totp_seed_is_stored_encrypted_and_recovery_codes_hashed():
    build_world()
    c = Client()
    sign_in(c)
    device, codes = enrol(c)
    seed_hex = hexlify(device.bin_key).decode()
    seed_b32 = base64.b32encode(device.bin_key).decode().rstrip("=")
    assert device.key.startswith("v1:") and len(device.key) <= 80
    text = every_text_in_the_database()
    for secret in [seed_hex, seed_b32, *codes, *(c.replace("-", "") for c in codes)]:
        assert secret not in text, secret
    stored = RecoveryCode.objects.filter(device__user=device.user)
    assert stored.count() == twofactor.RECOVERY_CODES
    assert all(row.code_hash.startswith(("md5$", "argon2$")) for row in stored)
    # The code from the app still works: the seed decrypts to the same key.
    fresh = Client()
    sign_in(fresh)
    assert fresh.post("/account/verify/", {"code": code_for(device, 1)}).status_code == 302


@pytest.mark.django_db
def test_without_the_key_the_seed_is_useless(settings):
    build_world()
    c = Client()
    sign_in(c)
    device, _ = enrol(c)
    settings.FIELD_KEYS = [KEY_A]  # not the key it was encrypted with
    with pytest.raises(fieldcrypt.FieldKeyError, match="cannot be decrypted"):
        _ = ProtectedTOTPDevice.objects.get(pk=device.pk).bin_key


@pytest.mark.django_db
def test_a_seed_copied_onto_another_account_does_not_decrypt():
    w = build_world()
    c = Client()
    sign_in(c)
    device, _ = enrol(c)
    stolen = ProtectedTOTPDevice(user=w.other, name="x", confirmed=True, key=device.key)
    with pytest.raises(fieldcrypt.FieldKeyError):
        _ = stolen.bin_key


@pytest.mark.django_db
def test_the_field_key_can_be_rotated(settings):
    build_world()
    settings.FIELD_KEYS = [KEY_A]
    c = Client()
    sign_in(c)
    device, _ = enrol(c)
    seed = device.bin_key
    settings.FIELD_KEYS = [KEY_B, KEY_A]  # new key first, old one kept
    assert ProtectedTOTPDevice.objects.get(pk=device.pk).bin_key == seed
    call_command("rotate_field_key", stdout=open(os.devnull, "w"))  # noqa: SIM115
    settings.FIELD_KEYS = [KEY_B]  # the old key can go now
    assert ProtectedTOTPDevice.objects.get(pk=device.pk).bin_key == seed


@pytest.mark.django_db(transaction=True)
def test_migrations_protect_existing_secrets_and_keep_co_facilitators():
    """Rows written before this change (plain hex seed, plain recovery codes, the old
    co-facilitator field) are converted, and everything that worked still works."""
    executor = MigrationExecutor(connection)
    old = [
        ("collab", "0001_initial"), ("security", "0001_initial"),
        ("otp_totp", "0003_add_timestamps"), ("otp_static", "0003_add_timestamps"),
    ]  # fmt: skip
    executor.migrate(old)
    apps = executor.loader.project_state(old).apps
    User = apps.get_model("auth", "User")
    owner = User.objects.create(username="owner", password="!")
    helper = User.objects.create(username="helper", password="!")
    collab = apps.get_model("collab", "Collaboration").objects.create(
        name="Old", collaboration_type="alliance", mandated=False, cross_sector=False,
        life_cycle_stage="planning", owner=owner,
    )  # fmt: skip
    collab.co_facilitators.add(helper)
    seed = os.urandom(20)
    apps.get_model("otp_totp", "TOTPDevice").objects.create(
        user=owner, name="app", confirmed=True, key=hexlify(seed).decode()
    )
    static = apps.get_model("otp_static", "StaticDevice").objects.create(
        user=owner, name="codes", confirmed=True
    )
    apps.get_model("otp_static", "StaticToken").objects.create(device=static, token="abcd2345")

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    from collabdx.web.collab.models import Membership
    from collabdx.web.security.models import RecoveryDevice

    member = Membership.objects.get(collaboration_id=collab.pk)
    assert (member.user.username, member.role) == ("helper", "cofacilitator")
    device = ProtectedTOTPDevice.objects.get(user_id=owner.pk)
    assert device.key.startswith("v1:") and device.bin_key == seed
    assert "abcd2345" not in every_text_in_the_database()
    recovery = RecoveryDevice.objects.get(pk=static.pk)
    assert recovery.verify_token("ABCD 2345") is True  # the old code, once
    assert recovery.verify_token("abcd2345") is False


def _settings_with(env_extra: dict[str, str]) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("COLLABDX_")}
    env.pop("DATABASE_URL", None)
    env.update(COLLABDX_ENV="production", SECRET_KEY="s" * 60, ALLOWED_HOSTS="x.org",
               DJANGO_SETTINGS_MODULE="collabdx.web.settings", **env_extra)  # fmt: skip
    code = "import django; django.setup(); from django.conf import settings as s; "
    code += "print(len(s.FIELD_KEYS), s.ALLOW_SIGNUP)"
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True,
        check=False,
    )  # fmt: skip


def test_production_needs_a_well_formed_field_key_and_has_sign_up_off():
    missing = _settings_with({})
    assert missing.returncode != 0 and "Set COLLABDX_FIELD_KEY" in missing.stderr
    bad = _settings_with({"COLLABDX_FIELD_KEY": "too-short"})
    assert bad.returncode != 0 and "key 1 is not 32 bytes" in bad.stderr
    good = _settings_with({"COLLABDX_FIELD_KEY": fieldcrypt.new_key() + "," + fieldcrypt.new_key()})
    assert good.returncode == 0, good.stderr
    assert good.stdout.split() == ["2", "False"]  # two keys; sign-up off by default
    on = _settings_with({"COLLABDX_FIELD_KEY": fieldcrypt.new_key(), "COLLABDX_ALLOW_SIGNUP": "1"})
    assert on.stdout.split() == ["1", "True"]


@pytest.mark.django_db
def test_create_facilitator_makes_an_account_with_a_checked_password(monkeypatch):
    import io

    from django.contrib.auth import get_user_model
    from django.core.management.base import CommandError

    monkeypatch.setattr("sys.stdin", io.StringIO("short\n"))
    with pytest.raises(CommandError, match="Password: This password is too short"):
        call_command("create_facilitator", "sam", "--password-stdin")
    monkeypatch.setattr("sys.stdin", io.StringIO("a long enough passphrase\n"))
    call_command("create_facilitator", "sam", "--password-stdin", stdout=io.StringIO())
    user = get_user_model().objects.get(username="sam")
    assert user.check_password("a long enough passphrase")
    assert not user.is_staff and not user.is_superuser
    monkeypatch.setattr("sys.stdin", io.StringIO("a long enough passphrase\n"))
    with pytest.raises(CommandError, match="taken"):
        call_command("create_facilitator", "SAM", "--password-stdin")
