"""Production settings pass Django's deployment checks; development needs no secrets."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FIELD_KEY = "A" * 43 + "="  # 32 zero bytes in URL-safe base64: well-formed, for tests only


def _check(env_extra, tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DEBUG")}
    env.update(env_extra, COLLABDX_DATA_DIR=str(tmp_path))
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT, env=env, capture_output=True, text=True, check=False,
    )


def test_check_deploy_is_clean_in_production(tmp_path):
    result = _check(
        {"COLLABDX_ENV": "production", "SECRET_KEY": secrets.token_urlsafe(50),
         "ALLOWED_HOSTS": "collabdx.example.org", "COLLABDX_FIELD_KEY": FIELD_KEY},
        tmp_path,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    result = _check({"COLLABDX_ENV": "production", "ALLOWED_HOSTS": "x.org"}, tmp_path)
    assert result.returncode != 0
    assert "Set SECRET_KEY" in result.stderr


def test_production_cookies_and_headers():
    env = {"COLLABDX_ENV": "production", "SECRET_KEY": "k" * 60, "ALLOWED_HOSTS": "x.org",
           "COLLABDX_FIELD_KEY": FIELD_KEY}  # fmt: skip
    code = (
        "from django.conf import settings as s; "
        "print(s.SESSION_COOKIE_NAME, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_NAME, "
        "s.SESSION_COOKIE_HTTPONLY, s.SECURE_HSTS_SECONDS > 0)"
    )
    out = subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); " + code],
        cwd=ROOT, env={**os.environ, **env, "DJANGO_SETTINGS_MODULE": "collabdx.web.settings"},
        capture_output=True, text=True, check=True,
    ).stdout.split()
    assert out == ["__Host-sessionid", "True", "__Host-csrftoken", "True", "True"]


def _tasks_backend(value: str | None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "COLLABDX_TASKS_BACKEND"}
    if value is not None:
        env["COLLABDX_TASKS_BACKEND"] = value
    code = "from django.conf import settings as s; print(s.TASKS['default']['BACKEND'])"
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); " + code],
        cwd=ROOT, env={**env, "DJANGO_SETTINGS_MODULE": "collabdx.web.settings"},
        capture_output=True, text=True, check=False,
    )  # fmt: skip


def test_background_tasks_use_the_database_unless_told_otherwise():
    assert _tasks_backend(None).stdout.strip() == "django_tasks_db.DatabaseBackend"
    immediate = _tasks_backend("immediate").stdout.strip()
    assert immediate == "django.tasks.backends.immediate.ImmediateBackend"
    wrong = _tasks_backend("celery")
    assert wrong.returncode != 0
    assert "COLLABDX_TASKS_BACKEND must be one of database, immediate, not 'celery'" in wrong.stderr
