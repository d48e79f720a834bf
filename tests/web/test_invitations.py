"""Single-use invitations and codes: the ballot box (issue 16).

A used invitation or code answers "already used" and stores nothing; parallel use
of one stores one response; and nothing in the database ties a response to the
invitation (or the address) it came with. Runs on SQLite and PostgreSQL (set
DATABASE_URL); the PostgreSQL run also checks the row versions (``xmin``).
"""

from __future__ import annotations

import datetime as dt
import threading
from collections import Counter

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client

from collabdx.core.instruments import load_instrument
from collabdx.web.collab import services as collab_services
from collabdx.web.collab.models import PartnerLink
from collabdx.web.invitations import services
from collabdx.web.invitations.models import Invitation
from collabdx.web.invitations.presenters import rates
from collabdx.web.survey.models import Draft, Response, SubmissionReceipt
from tests.web.factories import CollaborationFactory, PartnerFactory, WaveFactory
from tests.web.test_survey import (  # noqa: F401 (file_database is a fixture)
    ANSWERS,
    answer_pages,
    draft_key_on_check_page,
    file_database,
)

pytestmark = pytest.mark.django_db

READINESS = load_instrument("readiness", "1")
USED = "This invitation has already been used"


def codes_for(wave, partner, n: int) -> list[Invitation]:
    outcome = services.make_codes(wave, partner, n)
    assert isinstance(outcome, services.CodesMade)
    return list(Invitation.objects.filter(pk__in=outcome.ids).order_by("pk"))


def answer_through(client: Client, token: str) -> int:
    answer_pages(client, token, READINESS, ANSWERS, len(READINESS.blocks))
    key = draft_key_on_check_page(client, token)
    return client.post(f"/s/{token}/submit/", {"draft": key}).status_code


@pytest.fixture
def alpha(wave):
    return wave.collaboration.partners.get(name="Alpha Trust")


def test_a_code_works_once_then_answers_already_used_and_stores_nothing(wave, alpha):
    (code,) = codes_for(wave, alpha, 1)
    assert answer_through(Client(), code.token) == 302
    assert Response.objects.get().partner == alpha
    code.refresh_from_db()
    assert code.used

    # Another browser (no answered-here cookie) with the same code: it may fill in the
    # pages, but sending them stores nothing.
    other = Client()
    answer_pages(other, code.token, READINESS, ANSWERS, len(READINESS.blocks))
    key = draft_key_on_check_page(other, code.token)
    r = other.post(f"/s/{code.token}/submit/", {"draft": key})
    assert r.status_code == 403 and USED in r.content.decode()
    assert Response.objects.count() == 1 and SubmissionReceipt.objects.count() == 1


def test_pages_opened_with_a_code_never_show_the_open_link(wave, alpha):
    (code,) = codes_for(wave, alpha, 1)
    open_token = PartnerLink.objects.get(wave=wave, partner=alpha).token
    c = Client()
    for url in (f"/s/{code.token}/", f"/s/{code.token}/page/1/"):
        html = c.get(url).content.decode()
        assert open_token not in html and code.token in html


def test_the_open_link_still_works_beside_invitations(wave, alpha):
    codes_for(wave, alpha, 2)
    link = PartnerLink.objects.get(wave=wave, partner=alpha)
    assert answer_through(Client(), link.token) == 302
    assert Response.objects.count() == 1
    assert not Invitation.objects.filter(used=True).exists()


def test_one_browser_answers_once_even_with_two_codes(wave, alpha):
    first, second = codes_for(wave, alpha, 2)
    c = Client()
    assert answer_through(c, first.token) == 302
    html = c.get(f"/s/{second.token}/").content.decode()
    assert "Answers have already been sent from this browser" in html
    assert not Invitation.objects.get(pk=second.pk).used


def test_a_code_of_a_closed_wave_accepts_nothing(wave, alpha):
    (code,) = codes_for(wave, alpha, 1)
    c = Client()
    answer_pages(c, code.token, READINESS, ANSWERS, len(READINESS.blocks))
    key = draft_key_on_check_page(c, code.token)
    collab_services.close_wave(wave)
    r = c.post(f"/s/{code.token}/submit/", {"draft": key})
    assert r.status_code == 403
    assert not Response.objects.exists() and not Invitation.objects.get().used


def test_made_up_token_is_404(wave):
    assert Client().get("/s/" + "x" * 43 + "/").status_code == 404


@pytest.mark.django_db(transaction=True)
def test_parallel_use_of_one_code_stores_one_response(file_database):  # noqa: F811
    collab = CollaborationFactory()
    partner = PartnerFactory(collaboration=collab)
    wave = WaveFactory(collaboration=collab)
    PartnerLink.objects.create(wave=wave, partner=partner)
    (code,) = codes_for(wave, partner, 1)
    # Four browsers, each with its own complete draft through the same code.
    prepared = []
    for _ in range(4):
        c = Client()
        answer_pages(c, code.token, READINESS, ANSWERS, len(READINESS.blocks))
        prepared.append((c.cookies[settings.SESSION_COOKIE_NAME].value,
                         draft_key_on_check_page(c, code.token)))  # fmt: skip
    barrier = threading.Barrier(len(prepared))
    statuses: list[int] = []
    errors: list[BaseException] = []

    def post(cookie: str, key: str) -> None:
        try:
            c = Client(raise_request_exception=True)
            c.cookies[settings.SESSION_COOKIE_NAME] = cookie
            barrier.wait(timeout=10)
            statuses.append(c.post(f"/s/{code.token}/submit/", {"draft": key}).status_code)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=post, args=p) for p in prepared]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not errors, errors
    assert sorted(statuses) == [302, 403, 403, 403], statuses
    assert Response.objects.count() == 1 and SubmissionReceipt.objects.count() == 1
    assert Draft.objects.count() == 3  # the losers' answers stay theirs, unsent


# ------------------------------------------------------------------ the ballot box


def _columns(table: str) -> dict[str, str]:
    with connection.cursor() as cursor:
        description = connection.introspection.get_table_description(cursor, table)
    return {
        col.name: connection.introspection.get_field_type(col.type_code, col) for col in description
    }


def test_no_column_can_pair_an_invitation_with_a_response():
    """From the schema alone: no key between the tables, nothing with a time."""
    invitation = _columns(Invitation._meta.db_table)
    response = _columns(Response._meta.db_table)
    with connection.cursor() as cursor:
        relations = connection.introspection.get_relations(cursor, Invitation._meta.db_table)
        back = connection.introspection.get_relations(cursor, Response._meta.db_table)
    assert {v[1] for v in relations.values()} == {"collab_wave", "collab_partner"}
    assert Invitation._meta.db_table not in {v[1] for v in back.values()}
    timed = {"DateField", "DateTimeField", "TimeField"}
    assert not timed & set(invitation.values()), invitation
    assert response["submitted_on"] == "DateField"  # a date, never a time
    assert not {"DateTimeField", "TimeField"} & set(response.values()), response


def _dump(table: str, columns: str) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {columns} FROM {table}")
        return list(cursor.fetchall())


def test_the_database_cannot_tell_which_invitation_a_response_came_with(collab):
    """Three people invited; two answer, in the opposite order to their invitations,
    one more answers through the open link. Reading every row of both tables
    (and on PostgreSQL the row versions), each used invitation must fit each
    response equally well."""
    wave = WaveFactory(collaboration=collab)
    partner = collab.partners.first()
    PartnerLink.objects.create(wave=wave, partner=partner)
    first, _second, third = codes_for(wave, partner, 3)
    before = _dump(Invitation._meta.db_table, "*")
    assert answer_through(Client(), third.token) == 302
    assert answer_through(Client(), first.token) == 302
    link = PartnerLink.objects.get(wave=wave, partner=partner)
    assert answer_through(Client(), link.token) == 302

    after = _dump(Invitation._meta.db_table, "*")
    used_column = [c.name for c in connection.introspection.get_table_description(
        connection.cursor(), Invitation._meta.db_table)].index("used")  # fmt: skip
    # Only the used flags changed, and the rows read back in the same order.
    strip = [tuple(v for i, v in enumerate(row) if i != used_column) for row in after]
    assert strip == [tuple(v for i, v in enumerate(row) if i != used_column) for row in before]
    responses = _dump(Response._meta.db_table, "*")
    assert len(responses) == 3
    # Every response has the same date, partner and answers: nothing left to pair by.
    assert len({tuple(r[1:]) for r in responses}) == 1

    if connection.vendor == "postgresql":
        inv_xmin = {x for (x,) in _dump(Invitation._meta.db_table, "xmin::text")}
        resp_xmin = [x for (x,) in _dump(Response._meta.db_table, "xmin::text")]
        # Every invitation row was rewritten by the last submission (the open-link
        # one, too): one row version for all, shared with one response only.
        assert len(inv_xmin) == 1
        assert sum(x in inv_xmin for x in resp_xmin) == 1


def test_closing_the_wave_deletes_the_addresses(wave, alpha):
    outcome = services.invite_by_email(
        wave, alpha, ["a@example.org", "b@example.org"], base_url="http://testserver/"
    )
    assert isinstance(outcome, services.Invited)
    assert collab_services.close_wave(wave)
    assert list(Invitation.objects.values_list("address", flat=True)) == ["", ""]


def test_the_daily_purge_deletes_addresses_of_waves_past_their_closing_date(wave, alpha):
    from collabdx.web.collab.lifecycle import purge_expired

    services.invite_by_email(wave, alpha, ["a@example.org"], base_url="http://testserver/")
    done = purge_expired(today=wave.closes_on)  # still open that day
    assert done.addresses == 0 and Invitation.objects.get().address == "a@example.org"
    done = purge_expired(today=wave.closes_on + dt.timedelta(days=1))
    assert done.addresses == 1 and Invitation.objects.get().address == ""


# ------------------------------------------------------------------ response rates

def test_an_open_wave_shows_no_rate_per_partner_and_overall_only_when_all_have_k():
    rows, overall = rates({"A": 6, "B": 2}, Counter(A=10, B=4), 5, released=False)
    assert [r.rate for r in rows] == ["Shown when the wave has closed"] * 2
    assert overall.startswith("Shown once every partner")
    rows, overall = rates({"A": 6, "B": 5}, Counter(A=10, B=10), 5, released=False)
    assert [r.rate for r in rows] == ["Shown when the wave has closed"] * 2
    assert overall == "11 of 20 (55%)"  # 11 / 20 by hand


def test_a_closed_wave_shows_rates_where_the_report_shows_counts():
    rows, overall = rates({"A": 6, "B": 5}, Counter(A=10, B=8), 5, released=True)
    assert [(r.partner, r.invited, r.rate) for r in rows] == [
        ("A", 10, "6 of 10 (60%)"),
        ("B", 8, "5 of 8 (62%)"),  # 62.5 rounds to even
    ]
    assert overall == "11 of 18 (61%)"


def test_a_hidden_partners_rate_cannot_be_worked_out_from_the_others():
    """An attacker knows every partner's number invited; with the overall rate and
    the shown rates they would recover a lone hidden partner's count."""
    rows, overall = rates({"A": 6, "B": 7, "C": 2}, Counter(A=9, B=9, C=9), 5, released=True)
    hidden = [r.partner for r in rows if r.rate == "Not shown"]
    assert "C" in hidden
    assert overall == "Not shown" or len(hidden) >= 2
