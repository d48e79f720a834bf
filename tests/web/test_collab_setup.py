"""Setting up a collaboration one question per page, and changing its details (issue 17:
the single set-up form was 4,600 pixels tall on a phone)."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from collabdx.web.collab.models import Collaboration
from collabdx.web.collab.setup import SESSION_KEY

pytestmark = pytest.mark.django_db

ANSWERS = {
    "name": {"name": "Coast Provider Collaborative"},
    "partners": {"partners": "Harbour Trust\n  harbour trust \nCliff Care\n\n"},
    "type": {"collaboration_type": "provider_collaborative"},
    "about": {"mandated": "voluntary", "cross_sector": "yes"},
    "stage": {"life_cycle_stage": "connecting"},
}


def step_url(slug: str) -> str:
    return "/collaborations/new/" if slug == "name" else f"/collaborations/new/{slug}/"


def set_up(client: Client, answers: dict[str, dict[str, str]] = ANSWERS) -> Collaboration:
    """Answer every question page, then confirm on the check page."""
    for slug, data in answers.items():
        r = client.post(step_url(slug), data)
        assert r.status_code == 302, (slug, r.content.decode()[:1000])
    r = client.post("/collaborations/new/check/")
    assert r.status_code == 302
    return Collaboration.objects.get(pk=int(r["Location"].strip("/").rsplit("/", 1)[-1]))


def test_one_question_per_page_then_check_then_created(owner_client, owner):
    expected_next = ["/collaborations/new/partners/", "/collaborations/new/type/",
                     "/collaborations/new/about/", "/collaborations/new/stage/",
                     "/collaborations/new/check/"]  # fmt: skip
    for (slug, data), nxt in zip(ANSWERS.items(), expected_next, strict=True):
        page = owner_client.get(step_url(slug)).content.decode()
        assert "<h1" in page and 'method="post"' in page
        r = owner_client.post(step_url(slug), data)
        assert (r.status_code, r["Location"]) == (302, nxt)
        assert Collaboration.objects.count() == 0  # nothing written before the end
    check = owner_client.get("/collaborations/new/check/").content.decode()
    for shown in ("Coast Provider Collaborative", "Harbour Trust, Cliff Care",
                  "Provider collaborative", "Voluntary", "Connecting"):  # fmt: skip
        assert shown in check, shown
    assert 'href="/collaborations/new/type/?change=1"' in check
    r = owner_client.post("/collaborations/new/check/")
    collab = Collaboration.objects.get()
    assert r["Location"] == f"/collaborations/{collab.pk}/"
    assert collab.owner == owner and collab.name == "Coast Provider Collaborative"
    assert (collab.mandated, collab.cross_sector) == (False, True)
    assert (collab.collaboration_type, collab.life_cycle_stage) == (
        "provider_collaborative", "connecting"
    )  # fmt: skip
    # Duplicate partner names (ignoring case and spaces) are merged.
    assert sorted(collab.partners.values_list("name", flat=True)) == ["Cliff Care", "Harbour Trust"]
    assert SESSION_KEY not in owner_client.session


def test_each_page_is_short(owner_client):
    """No question page carries more than one long list: the type and stage lists with
    their definitions are pages of their own, and the longest page has 13 radios."""
    set_up_so_far = dict(ANSWERS)
    for slug, data in set_up_so_far.items():
        html = owner_client.get(step_url(slug)).content.decode()
        assert len(re.findall(r'type="radio"', html)) <= 13, slug
        owner_client.post(step_url(slug), data)


def test_errors_on_a_page_are_summarised(owner_client):
    r = owner_client.post("/collaborations/new/", {"name": ""})
    html = r.content.decode()
    assert r.status_code == 200 and "<title>Error: " in html
    assert 'href="#name"' in html and "Enter the collaboration&#39;s name" in html
    owner_client.post("/collaborations/new/", ANSWERS["name"])
    r = owner_client.post("/collaborations/new/partners/", {"partners": "Only one\nonly ONE"})
    assert "Enter at least two partner organisations" in r.content.decode()
    r = owner_client.post("/collaborations/new/partners/")  # an empty POST shows errors too
    assert r.status_code == 200 and "Enter at least two partner organisations" in r.content.decode()
    assert Collaboration.objects.count() == 0


def test_questions_are_answered_in_order(owner_client):
    r = owner_client.get("/collaborations/new/stage/")
    assert r.status_code == 302 and r["Location"] == "/collaborations/new/"
    assert owner_client.get("/collaborations/new/check/")["Location"] == "/collaborations/new/"
    owner_client.post("/collaborations/new/", ANSWERS["name"])
    r = owner_client.post("/collaborations/new/check/")
    assert r["Location"] == "/collaborations/new/partners/"
    assert Collaboration.objects.count() == 0
    assert owner_client.get("/collaborations/new/nonsense/").status_code == 404


def test_changing_an_answer_returns_to_the_check_page(owner_client):
    for slug, data in ANSWERS.items():
        owner_client.post(step_url(slug), data)
    r = owner_client.post("/collaborations/new/type/?change=1", {"collaboration_type": "merger"})
    assert r["Location"] == "/collaborations/new/check/"
    assert "Merger" in owner_client.get("/collaborations/new/check/").content.decode()


def test_answers_so_far_are_shown_again(owner_client):
    owner_client.post("/collaborations/new/", ANSWERS["name"])
    owner_client.post("/collaborations/new/partners/", ANSWERS["partners"])
    back = owner_client.get("/collaborations/new/partners/").content.decode()
    assert "Harbour Trust\nCliff Care" in back
    name = owner_client.get("/collaborations/new/").content.decode()
    assert 'value="Coast Provider Collaborative"' in name


def test_details_are_changed_one_question_at_a_time(owner_client, collab):
    summary = owner_client.get(f"/collaborations/{collab.pk}/edit/").content.decode()
    assert f'href="/collaborations/{collab.pk}/edit/stage/"' in summary
    page = owner_client.get(f"/collaborations/{collab.pk}/edit/stage/").content.decode()
    assert re.search(r'name="life_cycle_stage" type="radio" value="planning"\s+checked', page)
    r = owner_client.post(f"/collaborations/{collab.pk}/edit/stage/",
                          {"life_cycle_stage": "implementation"})  # fmt: skip
    assert r.status_code == 302 and r["Location"] == f"/collaborations/{collab.pk}/edit/"
    collab.refresh_from_db()
    assert collab.life_cycle_stage == "implementation"
    r = owner_client.post(f"/collaborations/{collab.pk}/edit/about/", {"mandated": "voluntary",
                                                                       "cross_sector": "no"})
    collab.refresh_from_db()
    assert (collab.mandated, collab.cross_sector) == (False, False)
    assert owner_client.get(f"/collaborations/{collab.pk}/edit/partners/").status_code == 404


def test_another_facilitator_cannot_change_the_details(stranger_client, collab):
    r = stranger_client.post(f"/collaborations/{collab.pk}/edit/name/", {"name": "Mine now"})
    assert r.status_code == 404
    collab.refresh_from_db()
    assert collab.name == "North Alliance"
