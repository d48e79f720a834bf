"""One response per browser per wave (issue 12, attack 1), and the shared-computer route.

The browser keeps a signed cookie naming the waves it has answered; every step of
the journey asks ``services.may_start_response`` first. "Start a new response"
clears the wave from the cookie for the next person on a shared computer. These
run through Django's test client, which runs no JavaScript: everything here works
without it.
"""

from __future__ import annotations

import re

import pytest
from django.contrib.sessions.models import Session
from django.test import Client

from collabdx.core.instruments import load_instrument
from collabdx.web.collab.models import PartnerLink
from collabdx.web.survey import answered, services
from collabdx.web.survey.models import Draft, Response
from tests.web.factories import WaveFactory
from tests.web.test_survey import ANSWERS, answer_pages, draft_key_on_check_page

pytestmark = pytest.mark.django_db

READINESS = load_instrument("readiness", "1")
ALREADY = "Answers have already been sent from this browser"


@pytest.fixture
def link(wave) -> PartnerLink:
    return PartnerLink.objects.select_related("partner", "wave").get(
        wave=wave, partner__name="Alpha Trust"
    )


def answer_all(client: Client, token: str, answers=ANSWERS) -> int:
    """The whole journey; returns the submit's status code."""
    answer_pages(client, token, READINESS, answers, len(READINESS.blocks))
    key = draft_key_on_check_page(client, token)
    return client.post(f"/s/{token}/submit/", {"draft": key}).status_code


def test_a_second_response_from_the_same_browser_is_refused_with_a_clear_page(client, link):
    token = link.token
    assert answer_all(client, token) == 302
    for url in (f"/s/{token}/", f"/s/{token}/page/1/", f"/s/{token}/page/3/",
                f"/s/{token}/check/"):  # fmt: skip
        r = client.get(url)
        html = r.content.decode()
        assert r.status_code == 200, url
        assert ALREADY in html and "Is someone else using this computer?" in html, url
        assert 'name="Q1"' not in html  # no question to answer
    page1 = {i: str(ANSWERS[i]) for i in READINESS.blocks[0].items}
    r = client.post(f"/s/{token}/page/1/", page1)
    assert r.status_code == 403 and ALREADY in r.content.decode()
    assert not Draft.objects.exists()
    r = client.post(f"/s/{token}/submit/", {"draft": "0" * 64})
    assert r.status_code in (302, 403) and Response.objects.count() == 1
    # The page offers the respondent's own feedback, still in this browser.
    assert f'href="/s/{token}/thank-you/"' in client.get(f"/s/{token}/").content.decode()


def test_the_shared_computer_route_starts_a_fresh_response(client, link):
    token = link.token
    assert answer_all(client, token) == 302
    assert "feedback" in client.session
    page = client.get(f"/s/{token}/").content.decode()
    form = re.search(r'<form method="post" action="([^"]+)">(.*?)</form>', page, re.S)
    assert form and form.group(1) == f"/s/{token}/new-response/"
    assert "Start a new response" in form.group(2) and "csrfmiddlewaretoken" in form.group(2)
    r = client.post(f"/s/{token}/new-response/")
    assert r.status_code == 302 and r["Location"] == f"/s/{token}/"
    # The next person: the start page, none of the last person's feedback.
    start = client.get(r["Location"]).content.decode()
    assert ALREADY not in start and "Start now" in start
    assert "feedback" not in client.session
    assert "There is no feedback to show" in client.get(f"/s/{token}/thank-you/").content.decode()
    assert answer_all(client, token, {**ANSWERS, "Q14": 5}) == 302
    assert Response.objects.count() == 2
    assert client.get(f"/s/{token}/new-response/").status_code == 405


def test_the_route_needs_a_csrf_token(link):
    strict = Client(enforce_csrf_checks=True)
    assert strict.post(f"/s/{link.token}/new-response/").status_code == 403


def test_the_cookie_holds_only_the_signed_wave_id(client, link):
    assert answer_all(client, link.token) == 302
    cookie = client.cookies[answered.cookie_name()]
    assert cookie["httponly"] and cookie["samesite"] == "Lax"
    assert cookie.value.startswith(f"{link.wave_id}:")  # the value, then its signature
    request = _request_with(client)
    assert request.get_signed_cookie(answered.cookie_name(), salt=answered.SALT) == str(
        link.wave_id
    )
    # Nothing about it on the server: not in the session, not on the response.
    for s in Session.objects.all():
        assert answered.cookie_name() not in str(s.get_decoded())
    assert set(Response.objects.values().get()) == {
        "id", "wave_id", "partner_id", "instrument_id", "instrument_version", "answers",
        "submitted_on",
    }  # fmt: skip


def test_a_forged_or_edited_cookie_is_ignored(client, link):
    client.cookies[answered.cookie_name()] = f"{link.wave_id}"  # unsigned
    assert ALREADY not in client.get(f"/s/{link.token}/").content.decode()
    assert answer_all(client, link.token) == 302
    signed = client.cookies[answered.cookie_name()].value
    client.cookies[answered.cookie_name()] = signed.replace(str(link.wave_id), "999", 1)
    assert ALREADY not in client.get(f"/s/{link.token}/").content.decode()


def test_answering_one_wave_does_not_block_another(client, link, collab):
    assert answer_all(client, link.token) == 302
    later = WaveFactory(collaboration=collab, name="Wave 2")
    other = PartnerLink.objects.create(wave=later, partner=link.partner)
    assert ALREADY not in client.get(f"/s/{other.token}/").content.decode()
    assert answer_all(client, other.token) == 302
    assert answered.answered_waves(_request_with(client)) == [link.wave_id, later.pk]
    # Clearing one wave for the next person leaves the other marked.
    client.post(f"/s/{link.token}/new-response/")
    assert answered.answered_waves(_request_with(client)) == [later.pk]


def _request_with(client: Client):
    from django.test import RequestFactory

    request = RequestFactory().get("/")
    request.COOKIES = {k: v.value for k, v in client.cookies.items()}
    return request


def test_may_start_response_is_the_one_place_that_decides(link):
    assert isinstance(
        services.may_start_response(link, answered_here=[]), services.MayAnswer
    )
    assert isinstance(
        services.may_start_response(link, answered_here=[link.wave_id]), services.AnsweredHere
    )


def test_a_response_that_will_be_set_aside_still_gets_its_feedback(client, link):
    all_threes = {i.id: 3 if 3 in i.codes else i.codes[0] for i in READINESS.choice_items}
    assert answer_all(client, link.token, all_threes) == 302
    html = client.get(f"/s/{link.token}/thank-you/").content.decode()
    assert "Your scores" in html and "3.0" in html
