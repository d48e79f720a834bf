"""Bad input on the respondent journey gets a clear 4xx and stores nothing.

The cases are shared with the live-server check (``reliability/cases.py``); here they
run through Django's test client with CSRF checks on, as a browser would meet them.
"""

from __future__ import annotations

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client
from reliability.client import csrf_token, form_with_action

from collabdx.core.instruments import load_instrument
from collabdx.web.collab.models import PartnerLink
from collabdx.web.survey.models import Draft, Response, SubmissionReceipt
from reliability import cases

pytestmark = pytest.mark.django_db

READINESS = load_instrument("readiness", "1")


def db_state() -> tuple:
    return (
        sorted(Draft.objects.values_list("key", "answers", "updated_on", "expires_on")),
        Response.objects.count(),
        SubmissionReceipt.objects.count(),
        sorted(Session.objects.values_list("session_key", "session_data", "expire_date")),
    )


def first_codes(number: int) -> dict[str, str]:
    block = READINESS.blocks[number - 1]
    return {
        i: str(READINESS.items[i].options[0].code)
        for i in block.items
        if READINESS.items[i].type == "choice"
    }


def reach_check_page(client: Client, token: str, csrf: str) -> str:
    """Answer every page; returns the draft key from the check page's submit form."""
    for n in range(1, len(READINESS.blocks) + 1):
        r = client.post(f"/s/{token}/page/{n}/", {"csrfmiddlewaretoken": csrf, **first_codes(n)})
        assert r.status_code == 302, (n, r.status_code)
    html = client.get(f"/s/{token}/check/").content.decode()
    form = form_with_action(html, "/submit/")
    return dict(form.hidden)["draft"]


def test_limits_match_settings() -> None:
    assert settings.DATA_UPLOAD_MAX_MEMORY_SIZE == cases.DATA_UPLOAD_MAX_MEMORY_SIZE
    assert settings.DATA_UPLOAD_MAX_NUMBER_FIELDS == cases.DATA_UPLOAD_MAX_NUMBER_FIELDS
    assert settings.REQUEST_BODY_MAX_SIZE == cases.REQUEST_BODY_MAX_SIZE


def _params() -> list:
    """Open findings (``known_issue``) are strict xfails: fixing one turns its test red
    until the marker goes, so docs/reliability.md and the code cannot drift apart."""
    return [
        pytest.param(c, id=c.name, marks=pytest.mark.xfail(strict=True, reason=c.known_issue))
        if c.known_issue
        else pytest.param(c, id=c.name)
        for c in cases.CASES
        if not c.live_only
    ]


@pytest.mark.parametrize("case", _params())
def test_bad_input_is_refused_and_stores_nothing(case: cases.Case, link: PartnerLink) -> None:
    client = Client(enforce_csrf_checks=True)
    page = client.get(f"/s/{link.token}/page/1/")
    assert page.status_code == 200
    csrf = csrf_token(page.content.decode())
    draft = reach_check_page(client, link.token, csrf) if case.needs_draft else ""
    ctx = cases.Ctx(csrf=csrf, answers=cases.page1_answers(READINESS), draft=draft)
    sender = client if case.csrf == "cookie" else Client(enforce_csrf_checks=True)
    headers = {"X-CSRFToken": csrf} if case.header_token else {}
    before = db_state()

    r = sender.generic(
        case.method,
        case.path.format(token=link.token),
        data=case.body(ctx),
        content_type=case.content_type,
        headers=headers,
    )

    assert r.status_code in case.expect, (case.name, r.status_code, r.content[:300])
    assert db_state() == before, case.name


def test_a_valid_post_after_bad_input_still_works(link: PartnerLink) -> None:
    """Refusing bad input leaves the journey usable: the same device can go on."""
    client = Client(enforce_csrf_checks=True)
    csrf = csrf_token(client.get(f"/s/{link.token}/page/1/").content.decode())
    bad = client.post(f"/s/{link.token}/page/1/", {"csrfmiddlewaretoken": csrf, "Q1": "abc"})
    assert bad.status_code == 400
    good = client.post(f"/s/{link.token}/page/1/", {"csrfmiddlewaretoken": csrf, **first_codes(1)})
    assert good.status_code == 302
    assert Draft.objects.count() == 1


def test_persistent_database_connections_are_health_checked() -> None:
    """A reused connection is pinged first, so a dropped one is replaced, not a 500
    (finding 1 in docs/reliability.md; the PostgreSQL fault run checks it live)."""
    assert settings.DATABASES["default"]["CONN_HEALTH_CHECKS"] is True
