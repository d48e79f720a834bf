"""The workshop's last steps (issue 14): agreed weak elements -> action statements ->
adopted into the action plan with an owner and a due date, named by the action."""

from __future__ import annotations

import datetime as dt
import html as htmllib
import re

import pytest
from django.test import Client

from collabdx.core.maturity import is_weak, linked_statements
from collabdx.core.theory import load_theory
from collabdx.reports import pack_core
from collabdx.web.collab.models import ActionPlanItem, Membership
from collabdx.web.collab.presenters import action_name
from collabdx.web.workshop import services
from collabdx.web.workshop.models import MaturityRating
from tests.web.factories import ResponseFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _k5(settings):
    settings.MIN_GROUP_SIZE = 5


def text(html: str) -> str:
    return " ".join(htmllib.unescape(re.sub(r"<[^>]+>", " ", html)).split())


def base(wave) -> str:
    return f"/collaborations/{wave.collaboration_id}/waves/{wave.pk}/maturity/"


def adopt_url(wave, element_id: str, action_id: str) -> str:
    return f"{base(wave)}actions/{element_id}/{action_id}/"


def agree(wave, element_id: str, level: str) -> None:
    services.record_agreement(wave, element_id, level=level)


def adopt_data(owner: str = "Programme director", day="15", month="3", year="2027") -> dict:
    return {"owner_name": owner, "due_on[day]": day, "due_on[month]": month, "due_on[year]": year}


# --- the rule ----------------------------------------------------------------------


def test_only_pathological_is_weak():
    assert is_weak("pathological")
    assert not is_weak("bureaucratic")
    assert not is_weak("generative")
    assert not is_weak(None)


def test_confidence_links_to_the_statements_naming_confidence():
    # By hand from theory data: Table 10 statements whose mechanisms include
    # "confidence" are t10.12 (formalisation), t10.22 and t10.24 (mandated, formal contracts).
    assert [s.id for s in linked_statements(load_theory(), "confidence")] == [
        "t10.12", "t10.22", "t10.24",
    ]  # fmt: skip
    assert linked_statements(load_theory(), "no_such_element") == []


def test_two_actions_of_one_theme_have_different_names():
    theory = load_theory()
    a, b = theory.action_statements["t10.21"], theory.action_statements["t10.22"]
    assert a.task == b.task  # the theme, which used to name plan items
    assert action_name(a) != action_name(b)
    assert action_name(theory.action_statements["t10.07"]) == (
        "If the collaboration can deliver 'quick wins' at the beginning of the life cycle"
    )
    long = max(theory.action_statements.values(), key=lambda s: len(s.if_text))
    assert len(action_name(long)) <= 100 and action_name(long).endswith("…")


# --- the whole session, on the web ---------------------------------------------------


def test_a_facilitator_runs_the_session_from_private_rating_to_adopted_actions(owner_client, wave):
    # Rounds open; five participants rate on their own devices.
    r = owner_client.post(f"{base(wave)}rounds/open/")
    assert r.status_code == 302
    for _ in range(5):
        phone = Client()
        page = phone.get(f"/m/{wave.maturity_token}/").content.decode()
        token = re.search(r'name="form_token" value="([^"]+)"', page).group(1)
        r = phone.post(
            f"/m/{wave.maturity_token}/", {"form_token": token, "confidence": "pathological"}
        )
        assert r.status_code == 302
    assert MaturityRating.objects.filter(wave=wave).count() == 5
    owner_client.post(f"{base(wave)}rounds/close/")
    # The group agrees confidence is pathological, on the facilitator page.
    r = owner_client.post(
        base(wave), {"element": "confidence", "confidence-agreed_level": "pathological"}
    )
    assert r.status_code == 302
    page = owner_client.get(base(wave)).content.decode()
    assert f'href="{base(wave)}actions/#element-confidence"' in page
    # The weak element's statements are offered, and nothing for elements not agreed.
    page = text(owner_client.get(f"{base(wave)}actions/").content.decode())
    assert "An element is weak when the group agreed it is pathological" in page
    assert "Confidence" in page and "3 linked action statements" in page
    assert "t10.22" in page and "t10.01" not in page
    # Adopt one with an owner and a date.
    r = owner_client.post(adopt_url(wave, "confidence", "t10.22"), adopt_data())
    assert r.status_code == 302 and r["Location"].endswith("actions/#element-confidence")
    item = ActionPlanItem.objects.get(collaboration=wave.collaboration, action_id="t10.22")
    assert (item.owner_name, item.due_on, item.adopted_in) == (
        "Programme director", dt.date(2027, 3, 15), wave,
    )  # fmt: skip
    name = action_name(load_theory().action_statements["t10.22"])
    page = text(owner_client.get(f"{base(wave)}actions/").content.decode())
    assert "In the action plan Owner: Programme director. Due: 15 March 2027." in page
    plan = text(owner_client.get(f"/collaborations/{wave.collaboration_id}/plan/").content.decode())
    assert name in plan and "Theme: Managing mandated collaborations" in plan


def test_missing_owner_and_date_are_named_errors_and_nothing_is_written(owner_client, wave):
    agree(wave, "confidence", "pathological")
    r = owner_client.post(
        adopt_url(wave, "confidence", "t10.12"), adopt_data(owner="", day="", month="", year="")
    )
    page = r.content.decode()
    assert r.status_code == 200
    assert "Enter who owns this action" in page and "Enter the due date" in page
    assert 'href="#owner_name"' in page and 'href="#due_on-day"' in page
    r = owner_client.post(adopt_url(wave, "confidence", "t10.12"), adopt_data(month="13"))
    assert "Due date must be a real date" in r.content.decode()
    assert not ActionPlanItem.objects.exists()


def test_an_element_not_agreed_weak_offers_nothing(owner_client, wave):
    agree(wave, "confidence", "bureaucratic")
    page = text(owner_client.get(f"{base(wave)}actions/").content.decode())
    assert "No element is agreed as weak in Wave 1 (1 of 9 elements agreed so far)" in page
    r = owner_client.get(adopt_url(wave, "confidence", "t10.22"))
    assert "This action is not offered for Confidence" in text(r.content.decode())
    assert 'name="owner_name"' not in r.content.decode()
    r = owner_client.post(adopt_url(wave, "confidence", "t10.22"), adopt_data())
    assert r.status_code == 409
    assert not ActionPlanItem.objects.exists()


def test_a_statement_not_linked_to_the_element_is_refused_by_the_service(owner_client, wave):
    agree(wave, "confidence", "pathological")
    r = owner_client.post(adopt_url(wave, "confidence", "t10.01"), adopt_data())
    assert r.status_code == 409
    with pytest.raises(services.NotWeak):
        services.adopt_for_element(
            wave, "confidence", "t10.01", owner_name="Lead", due_on=dt.date(2027, 1, 1)
        )
    assert not ActionPlanItem.objects.exists()


def test_unknown_element_or_statement_is_404(owner_client, wave):
    assert owner_client.get(adopt_url(wave, "nope", "t10.22")).status_code == 404
    assert owner_client.get(adopt_url(wave, "confidence", "t10.99")).status_code == 404


def test_adopting_again_keeps_the_first_owner_and_date(owner_client, wave):
    agree(wave, "confidence", "pathological")
    first = services.adopt_for_element(
        wave, "confidence", "t10.12", owner_name="Board chair", due_on=dt.date(2027, 1, 1)
    )
    again = services.adopt_for_element(
        wave, "confidence", "t10.12", owner_name="Someone else", due_on=dt.date(2028, 1, 1)
    )
    assert (first.outcome, again.outcome) == ("added", "already")
    item = ActionPlanItem.objects.get()
    assert (item.owner_name, item.due_on) == ("Board chair", dt.date(2027, 1, 1))
    r = owner_client.get(adopt_url(wave, "confidence", "t10.12"))
    assert 'name="owner_name"' not in r.content.decode()
    assert "Owner: Board chair" in text(r.content.decode())


def test_viewers_cannot_reach_the_action_pages(collab, wave):
    viewer = UserFactory(username="reader")
    Membership.objects.create(collaboration=collab, user=viewer, role=Membership.VIEWER)
    c = Client()
    c.force_login(viewer)
    agree(wave, "confidence", "pathological")
    assert c.get(f"{base(wave)}actions/").status_code == 403
    assert c.post(adopt_url(wave, "confidence", "t10.22"), adopt_data()).status_code == 403
    assert not ActionPlanItem.objects.exists()


def test_a_weak_trust_element_shows_five_ranked_cards_and_the_rest_under_show_all(
    owner_client, wave
):
    agree(wave, "trust", "pathological")
    html = owner_client.get(f"{base(wave)}actions/").content.decode()
    section = html[html.index('id="element-trust"') :]
    shown, _, rest = section.partition("<details")
    # The open wave's results are not released, so no answer counts: by hand from the
    # theory data, t10.12 acts on 4 mechanisms, then t10.01, t10.07, t10.14 and t10.23
    # on 3 each, in Table 10 order.
    cards = re.findall(r"\(Table 10, (t10\.\d+)\)</p>", shown)
    assert cards == ["t10.12", "t10.01", "t10.07", "t10.14", "t10.23"]
    more = re.findall(r"\(Table 10, (t10\.\d+)\)</p>", rest)
    assert len(more) == 10 and not set(more) & set(cards)
    page = text(html)
    assert "15 linked action statements; the first 5 cards, ranked, are shown" in page
    assert "Show all 15 statements linked to Trust (10 more cards)" in page
    assert pack_core.ELEMENT_RANK_RULE in page
    assert "Cards are ranked by how many different survey answers chose them" in page
    assert "This wave’s survey results are not shown" in page
    assert "No answer in this wave’s survey chose" not in page


def test_a_released_waves_selected_statements_rank_first(owner_client, closed_wave):
    # Six people disagree that conflict-resolution mechanisms are in place (Q26 = 1),
    # and answer nothing else a rule reads: by hand from the rules file only
    # "conflict-resolution" fires, choosing t10.26 (not linked to trust) and t10.27.
    partner = closed_wave.collaboration.partners.first()
    for i in range(6):  # times in post differ, so no response repeats another
        answers = {"Q1": 2, "Q2": 1, "Q4": 1 + i // 3, "Q5": 1 + i % 3, "Q26": 1}
        ResponseFactory(wave=closed_wave, partner=partner, answers=answers)
    agree(closed_wave, "trust", "pathological")
    html = owner_client.get(f"{base(closed_wave)}actions/").content.decode()
    section = html[html.index('id="element-trust"') :].partition("<details")[0]
    cards = re.findall(r"\(Table 10, (t10\.\d+)\)</p>", section)
    assert cards == ["t10.27", "t10.12", "t10.01", "t10.07", "t10.14"]
    first = section[: section.index("t10.12")]
    assert "Chosen by this wave’s answers:" in first and "(Q26)" in first
    assert text(section).count("No answer in this wave’s survey chose this statement") == 4
    assert "This wave’s survey results are not shown" not in text(html)
