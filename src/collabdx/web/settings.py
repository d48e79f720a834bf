"""Django settings, all from environment variables (twelve-factor, as healthchecks does).

COLLABDX_ENV=production turns on the secure defaults and refuses to start without
a real SECRET_KEY and ALLOWED_HOSTS. Everything else has a safe local default:
an embedded SQLite database under COLLABDX_DATA_DIR (default ./var).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

PACKAGE_DIR = Path(__file__).resolve().parent


def env(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in ("1", "true", "yes", "on")


def field_keys(value: str, *, production: bool, secret_key: str) -> list[bytes]:
    """COLLABDX_FIELD_KEY parsed, or in development a key derived from SECRET_KEY."""
    if not value.strip():
        if production:
            raise ImproperlyConfigured(
                "Set COLLABDX_FIELD_KEY (COLLABDX_ENV=production): it encrypts the two-factor "
                "keys in the database. Make one with `collabdx field-key`."
            )
        # Development only: stable for a given SECRET_KEY, so the demo needs no setting.
        return [hmac.new(secret_key.encode(), b"collabdx.field-key", hashlib.sha256).digest()]
    keys = []
    for n, part in enumerate((p.strip() for p in value.split(",") if p.strip()), start=1):
        try:
            key = base64.urlsafe_b64decode(part.encode("ascii"))
        except (ValueError, UnicodeEncodeError):
            key = b""
        if len(key) != 32:
            raise ImproperlyConfigured(
                f"COLLABDX_FIELD_KEY: key {n} is not 32 bytes in URL-safe base64 "
                "(44 characters ending in '='). Make one with `collabdx field-key`."
            )
        keys.append(key)
    return keys


PRODUCTION = env("COLLABDX_ENV", "development") == "production"
DEBUG = env_bool("DEBUG", False)
DATA_DIR = Path(env("COLLABDX_DATA_DIR", str(Path.cwd() / "var")))

SECRET_KEY = env("SECRET_KEY")
if not SECRET_KEY:
    if PRODUCTION:
        raise ImproperlyConfigured("Set SECRET_KEY (COLLABDX_ENV=production).")
    SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production-0123456789abcdef"  # noqa: S105

_default_hosts = "" if PRODUCTION else "127.0.0.1,localhost,testserver"
ALLOWED_HOSTS = [h for h in env("ALLOWED_HOSTS", _default_hosts).split(",") if h]
if PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("Set ALLOWED_HOSTS (COLLABDX_ENV=production).")

# Keys that encrypt secrets held in the database (TOTP seeds; security/fieldcrypt.py):
# one or more 32-byte keys in URL-safe base64, separated by commas. The first encrypts;
# every one is tried to decrypt, so a new key can be put first and the old one kept
# until `manage.py rotate_field_key` has re-encrypted everything.
FIELD_KEYS = field_keys(env("COLLABDX_FIELD_KEY"), production=PRODUCTION, secret_key=SECRET_KEY)
CSRF_TRUSTED_ORIGINS = [o for o in env("CSRF_TRUSTED_ORIGINS").split(",") if o]

# E-mail (invitations and reminders, web/invitations), as Django 6.1's MAILERS: SMTP
# when EMAIL_HOST is set, configured by the usual variables; otherwise printed to the
# console in development, so nothing leaves by accident; not at all in production.
if env("EMAIL_HOST"):
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": env("EMAIL_HOST"),
                "port": int(env("EMAIL_PORT") or (587 if env_bool("EMAIL_USE_TLS", False) else 25)),
                "username": env("EMAIL_HOST_USER") or None,
                "password": env("EMAIL_HOST_PASSWORD") or None,
                "use_tls": env_bool("EMAIL_USE_TLS", False),
                "timeout": int(env("EMAIL_TIMEOUT", "30")),
            },
        }
    }
elif PRODUCTION:
    # No e-mail: open links and printed codes still work, and the invitations page
    # says EMAIL_HOST is not set. Django warns that mail would fail; that is the point.
    MAILERS = {}
    SILENCED_SYSTEM_CHECKS = ["mail.W001"]
else:
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "collabdx@localhost")

SERVICE_NAME = env("COLLABDX_SERVICE_NAME", "Collaboration diagnostic")
SHOW_NHS_LOGO = env_bool("COLLABDX_SHOW_NHS_LOGO", False)
# Anyone may create a facilitator account only where this is on: by default in development
# and the demo, never by default in production (accounts there come from
# `manage.py create_facilitator`). See docs/security.md.
ALLOW_SIGNUP = env_bool("COLLABDX_ALLOW_SIGNUP", not PRODUCTION)
MIN_GROUP_SIZE = int(env("COLLABDX_MIN_GROUP_SIZE", "5"))
# Drafts for save-and-resume are deleted on submission and expire after this many days.
DRAFT_DAYS = int(env("COLLABDX_DRAFT_DAYS", "28"))
# A wave's responses, receipts, drafts and private maturity ratings are deleted this many
# days after it closes (manage.py purge_expired, run daily). See docs/security.md.
RETENTION_DAYS = int(env("COLLABDX_RETENTION_DAYS", "365"))
# Facilitators must pass a TOTP second factor (django-otp). On by default in production,
# off in development so the demo stays a one-step sign-in.
REQUIRE_2FA = env_bool("COLLABDX_REQUIRE_2FA", PRODUCTION)
OTP_TOTP_ISSUER = SERVICE_NAME
# Signed-in sessions end after this long without a request, and this long after sign-in.
FACILITATOR_IDLE_MINUTES = int(env("COLLABDX_IDLE_MINUTES", "120"))
FACILITATOR_SESSION_HOURS = int(env("COLLABDX_SESSION_HOURS", "12"))
# Behind a reverse proxy, the request header (Django META name, e.g. HTTP_X_FORWARDED_FOR)
# whose last entry the proxy sets to the client's address; used for sign-in throttling only.
CLIENT_IP_HEADER = env("COLLABDX_CLIENT_IP_HEADER")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "collabdx.web.security",
    "collabdx.web.collab",
    "collabdx.web.survey",
    "collabdx.web.results",
    "collabdx.web.workshop",
    "collabdx.web.explorer",
    "collabdx.web.invitations",
    # Background work (PDF packs, large exports, e-mail) on Django's tasks framework, queued
    # in the database and run by `collabdx worker` (started beside gunicorn by `serve`).
    "django_tasks_db",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # 413 for a body over REQUEST_BODY_MAX_SIZE, before anything reads it (only the
    # security headers above are added to it).
    "collabdx.web.security.bodysize.RequestBodyLimitMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # 400 for a form body Django will not read (another charset than UTF-8, or an
    # unparseable Content-Type flagged in wsgi.py), before the CSRF check reads it.
    "collabdx.web.security.charset.FormCharsetMiddleware",
    # Session limits and the two-factor gate for signed-in users (after auth, OTP, messages).
    "collabdx.web.security.middleware.FacilitatorGateMiddleware",
    # Cache-Control: no-store on every dynamic page unless the view chose otherwise.
    "collabdx.web.security.middleware.NoStoreMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
]

ROOT_URLCONF = "collabdx.web.urls"
WSGI_APPLICATION = "collabdx.web.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": False,
        "OPTIONS": {
            "environment": "collabdx.web.jinja2env.environment",
            "context_processors": ["django.template.context_processors.csp"],
        },
    },
]

DATA_DIR_DB = DATA_DIR / "collabdx.sqlite3"
DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL", f"sqlite:///{DATA_DIR_DB}"), conn_max_age=60
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    # WAL lets readers and a writer work at once; IMMEDIATE takes the write lock at the
    # start of a transaction, so concurrent submissions queue (busy timeout) instead of
    # failing with "database is locked" when a read lock is upgraded.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
DATABASES["default"]["ATOMIC_REQUESTS"] = False
# A persistent connection (conn_max_age) is checked before a request reuses it, so a
# PostgreSQL restart, failover or dropped connection costs a reconnect instead of one
# HTTP 500 per worker (docs/reliability.md, finding 1).
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Django's tasks framework. "database" (the default) queues work in the database for
# `collabdx worker` (django-tasks-db); "immediate" runs it inside the request that enqueued
# it, which suits a single-process test or a one-off script and nothing that serves people.
TASKS_BACKENDS = {
    "database": "django_tasks_db.DatabaseBackend",
    "immediate": "django.tasks.backends.immediate.ImmediateBackend",
}
_tasks_backend = env("COLLABDX_TASKS_BACKEND", "database")
if _tasks_backend not in TASKS_BACKENDS:
    raise ImproperlyConfigured(
        f"COLLABDX_TASKS_BACKEND must be one of {', '.join(TASKS_BACKENDS)}, not {_tasks_backend!r}"
    )
TASKS = {"default": {"BACKEND": TASKS_BACKENDS[_tasks_backend]}}
# Files made by background tasks (workshop pack PDFs) wait here to be downloaded.
GENERATED_DIR = Path(env("COLLABDX_GENERATED_DIR", str(DATA_DIR / "generated")))
# Exports of waves with at least this many responses are made by the background worker
# too and kept; smaller ones stay in the request. Measured (benchmarks/bench_threshold.py,
# docs/benchmarks.md): the XLSX costs 0.6-1.0 s of CPU at 800 responses and 1.2-1.8 s
# at 1,600, so at 2,000 (the old default) a facilitator's export held a web worker and a
# core for seconds beside respondents; under 500 every format stays well under 1 s.
BACKGROUND_EXPORT_ROWS = int(env("COLLABDX_BACKGROUND_EXPORT_ROWS", "500"))
# A released wave with at least this many responses has its report model (the report
# page, the research page) drawn by the worker; smaller ones are drawn in the request:
# under the confirmatory factor analysis' 480 complete responses the model has no CFA,
# so its cost is bounded (docs/scaling.md, docs/benchmarks.md). Never under k
# (results.model_gate.is_large). Row-level research downloads follow
# BACKGROUND_EXPORT_ROWS.
BACKGROUND_REPORT_ROWS = int(env("COLLABDX_BACKGROUND_REPORT_ROWS", "400"))
# Background workers (`collabdx worker`, and the one `collabdx serve` starts) add this
# to their niceness (nice(1)'s increment, 0-19): on a machine they share with the web
# server, respondents' requests get the cores first and a PDF or export waits instead
# (issue 15: respondents' p99 while facilitators download; docs/scaling.md).
WORKER_NICE = int(env("COLLABDX_WORKER_NICE", "10"))
if not 0 <= WORKER_NICE <= 19:
    raise ImproperlyConfigured(f"COLLABDX_WORKER_NICE must be 0 to 19, not {WORKER_NICE}")

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"

# Django's database sessions with fewer SQL statements per write: rotating the key at
# a survey submission is 2 statements instead of 9 (security/session_store.py, issue 15).
SESSION_ENGINE = "collabdx.web.security.session_store"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = 60 * 60 * 24 * 28  # long enough to resume a draft survey
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "object-src": [CSP.NONE],
}

if PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = int(env("SECURE_HSTS_SECONDS", str(60 * 60 * 24 * 365)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = False
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG

DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
# A Content-Length above this gets 413 before anything parses the body
# (collabdx.web.security.bodysize); between the two limits Django answers 400.
REQUEST_BODY_MAX_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 400
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# No page takes a file but one: refuse file parts outright rather than spool them to
# disk. The exception, a wave's answers collected elsewhere (survey/upload_views.py),
# reads one file into memory up to this size; its request body may be this much
# larger than REQUEST_BODY_MAX_SIZE (collabdx.web.security.bodysize).
FILE_UPLOAD_HANDLERS = ["collabdx.web.security.uploads.RefuseFilesHandler"]
UPLOAD_MAX_BYTES = int(float(env("COLLABDX_UPLOAD_MAX_MB", "5")) * 1024 * 1024)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # Request logs could carry IP addresses and user agents: do not log requests at all.
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {
        "django.request": {"handlers": ["console"], "level": "ERROR", "propagate": False},
        "django.server": {"handlers": [], "level": "CRITICAL", "propagate": False},
        # Background tasks that fail (results.prepared.run_guarded), with the traceback.
        "collabdx": {"handlers": ["console"], "level": "WARNING"},
    },
}

CSRF_FAILURE_VIEW = "collabdx.web.pages.csrf_failure"

# A password checked this recently lets a facilitator change two-factor settings, see
# new recovery codes or end sessions without confirming it again (security/reauth.py).
REAUTH_MINUTES = int(env("COLLABDX_REAUTH_MINUTES", "10"))
