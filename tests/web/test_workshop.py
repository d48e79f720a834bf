"""The maturity matrix workshop (Table 11): private ratings and the facilitator view."""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
import re
from collections import defaultdict

import pytest
from django.test import Client
from markupsafe import escape

from collabdx.core.theory import load_theory
from collabdx.web.collab.services import close_wave
from collabdx.web.workshop import presenters, services
from collabdx.web.workshop.models import MaturityAgreement, MaturityRating, RatingReceipt
from tests.web.factories import ResponseFactory, WaveFactory

pytestmark = pytest.mark.django_db

ELEMENTS = list(load_theory().maturity_elements)

# Copied by hand from Table 11 of the seed (Millar et al. 2023), not from our data file.
SEED_TRUST_GENERATIVE = (
    "There is a high level of perceived trust between partners. Conflicts, when they seldom "
    "occur, are solved amicably. Any history of competition is forgotten."
)
SEED_INTEGRATION_BUREAUCRATIC = (
    "You perceive there being some chance of being able to culturally integrate with the "
    "partner(s), but it is/will be an uphill battle"
)
SEED_INSTRUCTION = (
    "Rate for each element according to which type of culture you perceive your "
    "organisation to have."
)


@pytest.fixture(autouse=True)
def _k5(settings):
    settings.MIN_GROUP_SIZE = 5


def rate_url(wave) -> str:
    return f"/m/{wave.maturity_token}/"


def facilitate_url(wave) -> str:
    return f"/collaborations/{wave.collaboration_id}/waves/{wave.pk}/maturity/"


def form_token(html: str) -> str:
    match = re.search(r'name="form_token" value="([^"]+)"', html)
    assert match, "the rating form has no one-time token"
    return match.group(1)


def section(html: str, element_id: str) -> str:
    match = re.search(rf'<section[^>]*id="element-{element_id}".*?</section>', html, re.S)
    assert match, element_id
    return match.group(0)


def text(html: str) -> str:
    """Visible text with tags removed and whitespace collapsed."""
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def add_ratings(wave, rows: list[dict[str, str]]) -> None:
    for row in rows:
        MaturityRating.objects.create(wave=wave, ratings=row, submitted_on=dt.date.today())


# --- private ratings -------------------------------------------------------------


def test_rating_form_shows_all_nine_elements_and_the_table_11_descriptors(client, wave):
    r = client.get(rate_url(wave))
    html = r.content.decode()
    assert r.status_code == 200
    assert len(ELEMENTS) == 9
    theory = load_theory()
    for element in theory.maturity_elements.values():
        # A radio group per element, first option id = element id (error summary target).
        assert f'id="{element.id}" name="{element.id}" type="radio" value="pathological"' in html
        assert str(escape(element.name)) in html
        if element.definition:
            assert str(escape(element.definition)) in html
        for level in ("pathological", "bureaucratic", "generative"):
            assert str(escape(element.levels[level])) in html, (element.id, level)
    assert html.count('type="radio"') == 9 * 4  # three levels and "leave unrated"
    assert SEED_TRUST_GENERATIVE in html
    assert SEED_INTEGRATION_BUREAUCRATIC in html
    assert SEED_INSTRUCTION in html
    assert "Table 11" in html and "CC BY 4.0" in html and "Westrum" in html
    assert "checked" not in html  # nothing chosen for the participant


def test_submitting_stores_one_row_with_the_levels_and_the_date_only(client, wave):
    token = form_token(client.get(rate_url(wave)).content.decode())
    r = client.post(
        rate_url(wave),
        {"form_token": token, "trust": "bureaucratic", "faith": "generative", "confidence": ""},
    )
    assert r.status_code == 302 and r["Location"] == f"/m/{wave.maturity_token}/thanks/"
    rating = MaturityRating.objects.get()
    assert rating.wave == wave
    assert rating.ratings == {"trust": "bureaucratic", "faith": "generative"}
    assert type(rating.submitted_on) is dt.date and rating.submitted_on == dt.date.today()
    # Nothing else is kept with the rating: no IP, user agent, time or session.
    assert {f.name for f in MaturityRating._meta.get_fields()} == {
        "id",
        "wave",
        "ratings",
        "submitted_on",
    }
    # The receipt holds only the hash of the one-time token, never the token.
    receipt = RatingReceipt.objects.get()
    assert receipt.key == hashlib.sha256(token.encode()).hexdigest() != token
    thanks = client.get(r["Location"]).content.decode()
    assert "Thank you for your ratings" in thanks


def test_an_invalid_level_is_an_error_and_stores_nothing(client, wave):
    token = form_token(client.get(rate_url(wave)).content.decode())
    r = client.post(
        rate_url(wave), {"form_token": token, "trust": "excellent", "faith": "generative"}
    )
    html = r.content.decode()
    assert 'name="faith" type="radio" value="generative" checked' in html  # choices kept
    assert r.status_code == 200
    assert "There is a problem" in html and "<title>Error: " in html
    assert 'href="#trust"' in html
    assert "Select pathological, bureaucratic or generative for Trust" in html
    assert form_token(html) == token  # the same form, so a later replay is still caught
    assert not MaturityRating.objects.exists() and not RatingReceipt.objects.exists()


def test_an_unknown_element_or_an_empty_form_is_an_error(client, wave):
    token = form_token(client.get(rate_url(wave)).content.decode())
    r = client.post(rate_url(wave), {"form_token": token, "morale": "generative"})
    assert "There is no maturity matrix element called ‘morale’" in r.content.decode()
    r = client.post(rate_url(wave), {"form_token": token, "trust": ""})
    assert "Rate at least one element" in r.content.decode()
    r = client.post(rate_url(wave), {"form_token": "short", "trust": "generative"})
    assert "The form was incomplete" in r.content.decode()
    assert not MaturityRating.objects.exists()


def test_services_refuse_what_table_11_does_not_have(wave):
    with pytest.raises(services.WorkshopError):
        services.submit_rating(wave, {"morale": "generative"}, form_token="x" * 43)
    with pytest.raises(services.WorkshopError):
        services.submit_rating(wave, {"trust": "excellent"}, form_token="x" * 43)
    with pytest.raises(services.WorkshopError):
        services.record_agreement(wave, "trust", level="excellent")
    assert not MaturityRating.objects.exists() and not MaturityAgreement.objects.exists()


def test_a_replayed_post_with_the_same_token_stores_nothing_more(client, wave):
    token = form_token(client.get(rate_url(wave)).content.decode())
    data = {"form_token": token, "trust": "pathological"}
    assert client.post(rate_url(wave), data).status_code == 302
    # The same form sent again from a fresh session (cookies cleared, or a replay).
    other = Client()
    r = other.post(rate_url(wave), data)
    assert r.status_code == 302 and r["Location"].endswith("/thanks/")
    assert MaturityRating.objects.count() == 1
    assert RatingReceipt.objects.count() == 1


def test_the_same_device_cannot_rate_twice(client, wave):
    token = form_token(client.get(rate_url(wave)).content.decode())
    client.post(rate_url(wave), {"form_token": token, "trust": "pathological"})
    page = client.get(rate_url(wave)).content.decode()
    assert "You have already given your ratings" in page
    assert f'href="/m/{wave.maturity_token}/thanks/"' in page
    assert 'name="form_token"' not in page
    # A new form token does not get round the session flag.
    r = client.post(rate_url(wave), {"form_token": "N" * 43, "trust": "generative"})
    assert "You have already given your ratings" in r.content.decode()
    assert MaturityRating.objects.count() == 1
    # ...but the flag is per wave.
    other_wave = WaveFactory(collaboration=wave.collaboration)
    assert 'name="form_token"' in client.get(rate_url(other_wave)).content.decode()


def test_thanks_page_needs_a_rating_from_this_device(client, wave):
    r = client.get(f"/m/{wave.maturity_token}/thanks/")
    assert r.status_code == 302 and r["Location"] == rate_url(wave)


def test_unknown_token_is_404(client, db):
    assert client.get("/m/not-a-real-token/").status_code == 404
    assert client.post("/m/not-a-real-token/", {"trust": "generative"}).status_code == 404
    assert client.get("/m/not-a-real-token/thanks/").status_code == 404
    assert not MaturityRating.objects.exists()


def test_respondent_pages_show_no_one_elses_ratings(client, wave):
    add_ratings(wave, [{"trust": "generative"}] * 6)
    form_page = client.get(rate_url(wave)).content.decode()
    assert "checked" not in form_page and "people rated" not in form_page
    token = form_token(form_page)
    client.post(rate_url(wave), {"form_token": token, "faith": "bureaucratic"})
    for url in (rate_url(wave), f"/m/{wave.maturity_token}/thanks/"):
        page = text(client.get(url).content.decode())
        for word in ("Pathological", "Bureaucratic", "Generative", "Trust", "Faith"):
            assert word not in page, (url, word)


# --- facilitator view --------------------------------------------------------------


def test_distribution_is_hidden_under_k(owner_client, wave):
    add_ratings(wave, [{"trust": "bureaucratic"}] * 4)
    html = owner_client.get(facilitate_url(wave)).content.decode()
    trust = text(section(html, "trust"))
    assert "Fewer than 5 people have rated this element" in trust
    assert "4 people" not in trust and "Bureaucratic 4" not in text(html)
    assert "Ratings so far: fewer than 5." in text(html)


def test_distribution_is_shown_at_and_above_k_with_exact_counts(owner_client, wave):
    # Worked out by hand:
    #   trust: 6 bureaucratic + 5 generative -> every chosen level >= 5: counts 0, 6, 5
    #   confidence: exactly 5, all generative -> counts 0, 0, 5
    #   faith: 5 pathological + 1 generative -> a level under 5: counts withheld,
    #          pathological named as most common (safe for k = 5)
    #   risk_tolerance: 4 ratings -> fewer than 5
    rows = []
    for i in range(11):
        row = {"trust": "bureaucratic" if i < 6 else "generative"}
        if i < 5:
            row["confidence"] = "generative"
            row["faith"] = "pathological"
        if i == 5:
            row["faith"] = "generative"
        if i < 4:
            row["risk_tolerance"] = "bureaucratic"
        rows.append(row)
    add_ratings(wave, rows)
    html = owner_client.get(facilitate_url(wave)).content.decode()
    page = text(html)
    assert "Ratings so far: 11." in page
    trust = text(section(html, "trust"))
    assert "11 people rated this element." in trust
    assert "Level People Pathological 0 Bureaucratic 6 Generative 5" in trust
    assert "Pathological 0, Bureaucratic 6, Generative 5" in page  # the summary grid
    confidence = text(section(html, "confidence"))
    assert "Pathological 0 Bureaucratic 0 Generative 5" in confidence
    faith = text(section(html, "faith"))
    assert "6 people rated this element. Pathological was chosen most often." in faith
    assert "counts are not shown" in faith
    assert "Pathological 5" not in faith and "Generative 1" not in faith
    risk = text(section(html, "risk_tolerance"))
    assert "Fewer than 5 people have rated this element" in risk


def test_most_common_level_is_not_named_when_that_would_reveal_a_count(
    owner_client, wave, settings
):
    # k = 3 and 3 ratings split 2 + 1: naming the most common level would tell that
    # exactly 2 chose it (3 would have been shown, 1 + 1 + 1 has no single most common).
    settings.MIN_GROUP_SIZE = 3
    add_ratings(wave, [{"trust": "generative"}, {"trust": "generative"}, {"trust": "pathological"}])
    trust = text(section(owner_client.get(facilitate_url(wave)).content.decode(), "trust"))
    assert "3 people rated this element and chose different levels" in trust
    assert "most often" not in trust and "Generative" not in trust.split("What the survey")[0]


@pytest.mark.parametrize("k", [3, 4, 5, 7])
def test_what_is_shown_never_pins_a_level_count_under_k(k):
    # Group every split of n ratings by what the page would show; within a group the
    # reader cannot tell splits apart, so no level's count may be fixed at 1..k-1.
    for n in range(k, 31):
        shown: dict[object, list[tuple[int, int, int]]] = defaultdict(list)
        for a, b in itertools.product(range(n + 1), repeat=2):
            if a + b > n:
                continue
            split = (a, b, n - a - b)
            levels = ["pathological"] * a + ["bureaucratic"] * b + ["generative"] * split[2]
            d = presenters.distribution(levels, k)
            if d.kind == "counts":
                assert all(c == 0 or c >= k for c in split)
            shown[(d.kind, d.n, d.counts, d.mode, d.summary, d.explanation)].append(split)
        for view, splits in shown.items():
            for i in range(3):
                values = {s[i] for s in splits}
                assert not (len(values) == 1 and 0 < min(values) < k), (k, n, view, i)


def test_suggested_level_only_with_k_survey_responses_once_the_wave_closes(owner_client, wave):
    partner = wave.collaboration.partners.first()
    for _ in range(5):
        ResponseFactory(wave=wave, partner=partner, answers={"Q14": 5})
    # Open: nothing from the survey, however many have answered (results.release).
    html = owner_client.get(facilitate_url(wave)).content.decode()
    assert "Perceived legitimacy mean" not in html
    assert "None yet: shown once the wave has closed." in text(
        section(html, "perceived_legitimacy")
    )
    close_wave(wave)
    html = owner_client.get(facilitate_url(wave)).content.decode()
    legit = text(section(html, "perceived_legitimacy"))
    assert "Generative : Perceived legitimacy mean 5.0 (4.0 or above)." in legit
    assert "A starting point for discussion, not a rating." in legit
    # Table 11 elements with no survey questions say so.
    assert "the survey has no questions on this element" in text(section(html, "confidence"))


def test_no_suggested_level_from_a_closed_wave_under_k(owner_client, wave):
    partner = wave.collaboration.partners.first()
    for _ in range(4):
        ResponseFactory(wave=wave, partner=partner, answers={"Q14": 5})
    close_wave(wave)
    html = owner_client.get(facilitate_url(wave)).content.decode()
    legit = text(section(html, "perceived_legitimacy"))
    assert "Perceived legitimacy mean" not in html
    assert "None yet: shown once at least 5 people have answered this wave’s survey" in legit


def test_record_an_agreement_and_see_it_in_the_next_wave(owner_client, wave):
    url = facilitate_url(wave)
    r = owner_client.post(
        url,
        {
            "element": "trust",
            "trust-agreed_level": "bureaucratic",
            "trust-rationale": "Few conflicts, resolved well",
            "trust-actions": "Joint board",
        },
    )
    assert r.status_code == 302 and r["Location"] == f"{url}#element-trust"
    a = MaturityAgreement.objects.get()
    assert (a.wave, a.element_id, a.agreed_level) == (wave, "trust", "bureaucratic")
    assert (a.rationale, a.actions) == ("Few conflicts, resolved well", "Joint board")
    assert type(a.recorded_on) is dt.date and a.recorded_on == dt.date.today()
    # Recording again updates the one row for the element.
    owner_client.post(url, {"element": "trust", "trust-agreed_level": "generative"})
    a = MaturityAgreement.objects.get()
    assert a.agreed_level == "generative" and a.rationale == ""
    html = owner_client.get(url).content.decode()
    assert "Recorded on" in text(section(html, "trust"))
    assert 'value="generative" checked' in section(html, "trust")

    later = WaveFactory(
        collaboration=wave.collaboration,
        name="Wave 2",
        opens_on=wave.opens_on + dt.timedelta(days=60),
        closes_on=wave.closes_on + dt.timedelta(days=60),
    )
    html = owner_client.get(facilitate_url(later)).content.decode()
    trust = text(section(html, "trust"))
    assert "Agreed in earlier waves Wave 1: Generative (recorded" in trust
    assert "Not yet agreed" in trust  # nothing carried over into the new wave
    history = text(html.split('id="history"')[1])
    assert "Wave 1" in history and "Wave 2 (this wave)" in history
    assert "Trust Wave 1 Generative" in history
    # The earlier wave does not show later waves.
    assert "Agreed in earlier waves" not in owner_client.get(url).content.decode()


def test_an_agreement_without_a_level_is_an_error(owner_client, wave):
    r = owner_client.post(
        facilitate_url(wave), {"element": "faith", "faith-rationale": "Keep this text"}
    )
    html = r.content.decode()
    assert r.status_code == 200 and "<title>Error: " in html
    assert 'href="#faith-agreed_level"' in html
    assert "Select the level the group agreed for Faith" in html
    assert "Keep this text" in section(html, "faith")
    assert not MaturityAgreement.objects.exists()
    r = owner_client.post(facilitate_url(wave), {"element": "morale"})
    assert r.status_code == 400
    assert not MaturityAgreement.objects.exists()


def test_another_facilitator_gets_404_on_get_and_post(stranger_client, client, wave):
    url = facilitate_url(wave)
    assert stranger_client.get(url).status_code == 404
    r = stranger_client.post(url, {"element": "trust", "trust-agreed_level": "generative"})
    assert r.status_code == 404
    assert not MaturityAgreement.objects.exists()
    anon = client.get(url)
    assert anon.status_code == 302 and anon["Location"].startswith("/sign-in/")


def test_no_state_change_on_get(owner_client, client, wave):
    owner_client.get(facilitate_url(wave), {"element": "trust", "trust-agreed_level": "generative"})
    client.get(rate_url(wave), {"form_token": "A" * 43, "trust": "generative"})
    client.get(f"/m/{wave.maturity_token}/thanks/")
    assert not MaturityAgreement.objects.exists()
    assert not MaturityRating.objects.exists() and not RatingReceipt.objects.exists()
    assert 'name="form_token"' in client.get(rate_url(wave)).content.decode()  # not flagged


def test_every_form_has_a_csrf_token_and_csrf_is_enforced(owner, owner_client, client, wave):
    for c, url in ((client, rate_url(wave)), (owner_client, facilitate_url(wave))):
        html = c.get(url).content.decode()
        forms = re.findall(r"<form\b.*?</form>", html, re.S)
        assert forms, url
        for form in forms:
            assert 'name="csrfmiddlewaretoken"' in form, (url, form[:80])
    assert len(re.findall(r'name="element"', html)) == 9  # one agreement form per element

    strict = Client(enforce_csrf_checks=True)
    token = form_token(strict.get(rate_url(wave)).content.decode())
    r = strict.post(rate_url(wave), {"form_token": token, "trust": "generative"})
    assert r.status_code == 403
    strict.force_login(owner)
    r = strict.post(facilitate_url(wave), {"element": "trust", "trust-agreed_level": "generative"})
    assert r.status_code == 403
    assert not MaturityRating.objects.exists() and not MaturityAgreement.objects.exists()


def test_facilitator_page_shares_the_rating_link(owner_client, wave):
    html = owner_client.get(facilitate_url(wave)).content.decode()
    assert f"http://testserver/m/{wave.maturity_token}/" in html
    assert "<svg" in html  # QR code
    assert "Table 11" in html and "CC BY 4.0" in html and "Westrum" in html
