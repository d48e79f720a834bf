"""Validation errors on a survey page use Post/Redirect/Get (issue 17, bug 7).

A page with a missing answer was the answer to the POST itself, so the browser's Back
button (or a reload) offered "Confirm form resubmission". Now the POST stores what was
sent in the respondent's session and redirects to the page, whose GET shows the errors
with the answers given, without JavaScript and without saving anything to the draft.
"""

from __future__ import annotations

import re

import pytest
from django.test import Client

from collabdx.core.instruments import load_instrument
from collabdx.web.collab.models import PartnerLink
from collabdx.web.survey.models import Draft
from tests.web.test_survey import ANSWERS, answer_pages, db_state, page_data

pytestmark = pytest.mark.django_db

READINESS = load_instrument("readiness", "1")


@pytest.fixture
def link(wave) -> PartnerLink:
    return PartnerLink.objects.get(wave=wave, partner__name="Alpha Trust")


def incomplete_page2() -> dict[str, str]:
    data = page_data(READINESS, 2, ANSWERS)
    for missing in ("Q7", "Q11"):
        del data[missing]
    data["Q6"] = "1"
    return data


def test_a_page_with_errors_redirects_to_itself_and_shows_them_on_get(client: Client, link):
    answer_pages(client, link.token, READINESS, ANSWERS, 1)
    before = Draft.objects.get().answers
    page2 = f"/s/{link.token}/page/2/"

    r = client.post(page2, incomplete_page2())
    assert r.status_code == 302 and r["Location"] == page2
    assert Draft.objects.get().answers == before  # nothing saved

    shown = client.get(page2)
    html = shown.content.decode()
    assert shown.status_code == 200
    assert re.search(r"<title>\s*Error: ", html)
    summary = html[html.index("nhsuk-error-summary") : html.index("<h1")]
    assert 'href="#Q7"' in summary and 'href="#Q11"' in summary
    # The answers given are on the page again.
    assert re.search(r'name="Q6" type="radio" value="1"\s+checked', html)
    assert re.search(r'name="Q8" type="radio" value="4"\s+checked', html)


def test_back_or_reload_shows_the_same_page_and_writes_nothing(client: Client, link):
    answer_pages(client, link.token, READINESS, ANSWERS, 1)
    page2 = f"/s/{link.token}/page/2/"
    client.post(page2, incomplete_page2())
    client.get(page2)
    state = db_state()
    again = client.get(page2)  # what Back or reload does: a plain GET
    assert again.status_code == 200 and again.content.count(b'class="nhsuk-error-message"') == 2
    assert db_state() == state  # GET writes nothing, not even the session


def test_a_valid_post_clears_the_errors(client: Client, link):
    answer_pages(client, link.token, READINESS, ANSWERS, 1)
    page2 = f"/s/{link.token}/page/2/"
    client.post(page2, incomplete_page2())
    r = client.post(page2, page_data(READINESS, 2, ANSWERS))
    assert r.status_code == 302 and r["Location"].endswith("/page/3/")
    html = client.get(page2).content.decode()
    assert "There is a problem" not in html
    assert Draft.objects.get().answers["Q6"] == ANSWERS["Q6"]


def test_errors_on_one_page_do_not_show_on_another(client: Client, link):
    answer_pages(client, link.token, READINESS, ANSWERS, 2)
    client.post(f"/s/{link.token}/page/2/", incomplete_page2())
    assert "There is a problem" not in client.get(f"/s/{link.token}/page/1/").content.decode()
    # ... nor in another browser holding the same link.
    assert "There is a problem" not in Client().get(f"/s/{link.token}/page/1/").content.decode()


def test_first_page_errors_without_a_draft_yet(client: Client, link):
    page1 = f"/s/{link.token}/page/1/"
    r = client.post(page1, {"Q1": "1"})
    assert r.status_code == 302 and r["Location"] == page1
    html = client.get(page1).content.decode()
    assert "There is a problem" in html
    assert re.search(r'name="Q1" type="radio" value="1"\s+checked', html)
    assert Draft.objects.count() == 0


def test_changing_an_answer_keeps_the_change_flag(client: Client, link):
    answer_pages(client, link.token, READINESS, ANSWERS, len(READINESS.blocks))
    url = f"/s/{link.token}/page/2/?change=1"
    r = client.post(url, incomplete_page2())
    assert r.status_code == 302 and r["Location"] == url
    html = client.get(url).content.decode()
    assert "There is a problem" in html and "Save and check answers" in html


def test_a_too_long_text_answer_is_shown_back_cut_to_a_safe_length(client: Client, link):
    page1 = f"/s/{link.token}/page/1/"
    data = {**page_data(READINESS, 1, ANSWERS), "Q3": "x" * 5000}
    assert client.post(page1, data).status_code == 302
    html = client.get(page1).content.decode()
    assert "no more than 200 characters" in html
    assert "x" * 1000 in html and "x" * 1001 not in html
