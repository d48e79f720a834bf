"""Response headers on every page: strict CSP, nosniff, referrer policy, framing,
no-store caching; and, with production settings, HSTS, HTTPS redirect and __Host-
cookies."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client

from collabdx.web.collab.services import close_wave
from tests.security.conftest import build_world
from tests.security.test_access_matrix import MATRIX, ROLES, url_for

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]

# Every URL that answers a GET with a page for some role, fetched as that role.
PAGES = [
    (name, ROLES[rows["GET"].index(200)])
    for name, rows in MATRIX.items()
    if "GET" in rows and 200 in rows["GET"]
]


def fetch_all():
    w = build_world()
    clients = {"anon": Client(), "resp": Client()}
    for role in ("other", "viewer", "cofac", "owner"):
        clients[role] = Client()
        clients[role].force_login(getattr(w, role))
    # Results pages show figures only once the wave closes (Wave.results_released): fetch
    # every other page while it is open (the survey answers), then those.
    later = [(n, role) for n, role in PAGES if n.startswith("results:")]
    for name, role in [p for p in PAGES if p not in later]:
        r = clients[role].get(url_for(name, w))
        assert r.status_code == 200, (name, r.status_code)
        yield name, r
    close_wave(w.wave)
    for name, role in later:
        r = clients[role].get(url_for(name, w))
        assert r.status_code == 200, (name, r.status_code)
        yield name, r


def csp_directives(header: str) -> dict[str, list[str]]:
    out = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            out[words[0]] = words[1:]
    return out


def test_every_page_has_a_strict_csp_and_the_security_headers():
    seen = 0
    for name, r in fetch_all():
        seen += 1
        csp = r.get("Content-Security-Policy", "")
        d = csp_directives(csp)
        assert d.get("default-src") == ["'self'"], (name, csp)
        assert d.get("frame-ancestors") == ["'none'"], name
        assert d.get("object-src") == ["'none'"] and d.get("base-uri") == ["'none'"], name
        assert d.get("form-action") == ["'self'"], name
        assert "'unsafe-inline'" not in csp and "'unsafe-eval'" not in csp, name
        assert not re.search(r"https?:|\*", csp), (name, csp)  # no other origin, no wildcard
        if r["Content-Type"].startswith("text/html"):
            assert any(s.startswith("'nonce-") for s in d["script-src"]), name
        assert r["X-Content-Type-Options"] == "nosniff", name
        assert r["Referrer-Policy"] == "same-origin", name
        assert r["X-Frame-Options"] == "DENY", name
        assert r["Cross-Origin-Opener-Policy"] == "same-origin", name
        assert "camera=()" in r["Permissions-Policy"], name
    assert seen == len(PAGES) > 30


def test_every_page_is_no_store():
    """Results, answers, survey pages, feedback and links must not sit in a cache."""
    for name, r in fetch_all():
        assert "no-store" in r.get("Cache-Control", ""), (name, r.get("Cache-Control"))


def test_html_runs_no_inline_script_or_style():
    for name, r in fetch_all():
        if not r["Content-Type"].startswith("text/html"):
            continue
        html = r.content.decode()
        nonce = re.search(r"'nonce-([^']+)'", r["Content-Security-Policy"]).group(1)
        for tag in re.findall(r"<script\b[^>]*>", html):
            assert "src=" in tag or f'nonce="{nonce}"' in tag, (name, tag)
        assert not re.search(r"\sstyle=", html), name
        assert not re.search(r"\son[a-z]+=", html), name  # no inline event handlers


def test_the_survey_journey_pages_are_no_store():
    from tests.security.conftest import READINESS, full_answers

    w = build_world()
    c = Client()
    token = w.link.token
    answers = full_answers()
    for number, block in enumerate(READINESS.blocks, start=1):
        r = c.post(f"/s/{token}/page/{number}/", {i: answers[i] for i in block.items})
        assert r.status_code == 302
    check = c.get(f"/s/{token}/check/")
    key = re.search(r'name="draft" value="([^"]+)"', check.content.decode()).group(1)
    thanks = c.post(f"/s/{token}/submit/", {"draft": key}, follow=True)
    for r in (check, thanks, c.get(f"/s/{token}/page/1/")):
        assert "no-store" in r["Cache-Control"]


PRODUCTION_PROBE = """
import json, django
django.setup()
from django.conf import settings
from django.test import Client
# The manifest storage needs collectstatic; serve static names plainly for this probe.
settings.STORAGES = {**settings.STORAGES, "staticfiles": {
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
from django.core.management import call_command
call_command("migrate", verbosity=0)
c = Client()
plain = c.get("/privacy/", HTTP_HOST="collabdx.example.org")
secure = c.get("/sign-in/", secure=True, HTTP_HOST="collabdx.example.org")
from django.contrib.auth import get_user_model
get_user_model().objects.create_user("probe", password="a long enough passphrase")
signed_in = c.post("/sign-in/", {"username": "probe", "password": "a long enough passphrase"},
                   secure=True, HTTP_HOST="collabdx.example.org")
jar = {**secure.cookies, **signed_in.cookies}
cookies = {k: dict(v.items()) | {"value": bool(v.value)} for k, v in jar.items()}
print(json.dumps({
    "plain_status": plain.status_code, "plain_location": plain.get("Location", ""),
    "hsts": secure.get("Strict-Transport-Security", ""), "status": secure.status_code,
    "signed_in": signed_in.status_code,
    "cookies": cookies,
}))
"""


def test_production_hsts_https_redirect_and_host_cookies(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DEBUG")}
    env.update(
        COLLABDX_ENV="production", SECRET_KEY="s" * 60, ALLOWED_HOSTS="collabdx.example.org",
        COLLABDX_FIELD_KEY="A" * 43 + "=",
        COLLABDX_DATA_DIR=str(tmp_path), DJANGO_SETTINGS_MODULE="collabdx.web.settings",
    )  # fmt: skip
    out = subprocess.run(
        [sys.executable, "-c", PRODUCTION_PROBE], cwd=ROOT, env=env,
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    got = json.loads(out.stdout.strip().splitlines()[-1])
    assert got["plain_status"] == 301
    assert got["plain_location"].startswith("https://collabdx.example.org/")
    assert got["status"] == 200
    assert got["hsts"] == "max-age=31536000; includeSubDomains; preload"
    csrf = got["cookies"]["__Host-csrftoken"]
    # __Host- cookies: Secure, Path=/, no Domain (the browser then refuses any other).
    assert csrf["secure"] is True and csrf["path"] == "/" and not csrf["domain"]
    assert csrf["samesite"] == "Lax"
    # The session cookie, set at sign-in (which in production goes on to enrolment).
    assert got["signed_in"] == 302
    session = got["cookies"]["__Host-sessionid"]
    assert session["secure"] is True and session["httponly"] is True
    assert session["path"] == "/" and not session["domain"] and session["samesite"] == "Lax"
    assert int(session["max-age"]) == 12 * 3600
