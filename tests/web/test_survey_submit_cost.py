"""What a submission costs the database, counted (issue 15): a regression that adds a
statement to the submit request fails here. A count, never a time.

Taken outside any transaction (``transaction=True``), as a request runs in production
(``ATOMIC_REQUESTS`` is off); a test wrapped in a transaction would count savepoints.
"""

from __future__ import annotations

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext

from collabdx.web.collab.models import PartnerLink
from collabdx.web.invitations.models import Invitation
from collabdx.web.survey.models import Draft, Response, SubmissionReceipt
from tests.web.test_survey import ANSWERS, READINESS, answer_pages, draft_key_on_check_page

pytestmark = pytest.mark.django_db(transaction=True)

# One statement each, in order (the same on SQLite and PostgreSQL):
SUBMIT = [
    "SELECT",  # the session
    "SELECT",  # the partner link with its wave, partner and collaboration
    "BEGIN",  # the submit transaction (services.submit_response) ...
    "SELECT",  # ... the draft, FOR UPDATE on PostgreSQL (exactly once)
    "SELECT",  # ... the wave, FOR UPDATE (not after an early close)
    "INSERT",  # ... the receipt (unique: a second submit stores nothing)
    "INSERT",  # ... the response
    "UPDATE",  # ... every invitation row of the wave (invitations.blur, privacy)
    "DELETE",  # ... the draft (none left behind)
    "COMMIT",
    "DELETE",  # the old session, holding the draft's secret (cycle_key)
    "INSERT",  # the new session, holding the feedback (the middleware's save)
]


def _verbs(captured: CaptureQueriesContext) -> list[str]:
    return [q["sql"].split()[0].upper() for q in captured.captured_queries]


def _ready_to_submit(client, wave) -> tuple[PartnerLink, str, str]:
    link = PartnerLink.objects.select_related("partner", "wave").get(
        wave=wave, partner__name="Alpha Trust"
    )
    answer_pages(client, link.token, READINESS, ANSWERS, len(READINESS.blocks))
    old_session = client.cookies[settings.SESSION_COOKIE_NAME].value
    return link, draft_key_on_check_page(client, link.token), old_session


def test_a_submit_is_twelve_statements(client, wave, django_assert_num_queries):
    link, key, old_session = _ready_to_submit(client, wave)
    with django_assert_num_queries(len(SUBMIT)):
        r = client.post(f"/s/{link.token}/submit/", {"draft": key})
    assert r.status_code == 302 and r["Location"] == f"/s/{link.token}/thank-you/"
    # ... and still does all it did: one response, one receipt, no draft, the old
    # session gone and the new one holding the feedback only.
    assert Response.objects.count() == 1 and SubmissionReceipt.objects.count() == 1
    assert not Draft.objects.exists()
    assert not Session.objects.filter(session_key=old_session).exists()
    new = Session.objects.get()
    assert set(new.get_decoded()) == {"feedback"}
    assert client.cookies[settings.SESSION_COOKIE_NAME].value == new.session_key


def test_the_statements_of_a_submit_in_order(client, wave):
    link, key, _ = _ready_to_submit(client, wave)
    with CaptureQueriesContext(connection) as captured:
        client.post(f"/s/{link.token}/submit/", {"draft": key})
    verbs = _verbs(captured)
    # BEGIN IMMEDIATE on SQLite (settings: transaction_mode), BEGIN on PostgreSQL.
    assert verbs == SUBMIT, [q["sql"][:80] for q in captured.captured_queries]
    if connection.vendor == "postgresql":
        locks = [q["sql"] for q in captured.captured_queries[3:5]]
        assert all(sql.endswith("FOR UPDATE") for sql in locks), locks


def test_an_invited_submit_adds_one_statement_marking_the_invitation_used(
    client, wave, django_assert_num_queries
):
    link = PartnerLink.objects.select_related("partner").get(wave=wave, partner__name="Alpha Trust")
    invitation = Invitation.objects.create(
        wave=wave, partner=link.partner, kind=Invitation.CODE, token="i" * 43
    )
    token = invitation.token
    answer_pages(client, token, READINESS, ANSWERS, len(READINESS.blocks))
    key = draft_key_on_check_page(client, token)
    # The link is found through the invitation (two look-ups instead of one), and
    # the invitation is marked used inside the transaction (a conditional UPDATE).
    with django_assert_num_queries(len(SUBMIT) + 3):
        r = client.post(f"/s/{token}/submit/", {"draft": key})
    assert r.status_code == 302
    invitation.refresh_from_db()
    assert invitation.used
