"""The maturity matrix workshop (Table 11): private ratings and the facilitator view."""

from __future__ import annotations

import datetime as dt
import hashlib
import html as htmllib
import itertools
import re
from collections import defaultdict

import pytest
from django.test import Client
from markupsafe import escape

from collabdx.core.theory import load_theory
from collabdx.reports import workshop_ratings
from collabdx.web.collab.models import Membership
from collabdx.web.collab.services import close_wave
from collabdx.web.workshop import services
from collabdx.web.workshop.models import (
    MaturityAgreement,
    MaturityRating,
    RatingReceipt,
    RatingRound,
)
from tests.web.factories import ResponseFactory, UserFactory, WaveFactory

pytestmark = pytest.mark.django_db

ELEMENTS = list(load_theory().maturity_elements)
LEVELS = ("pathological", "bureaucratic", "generative")

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


@pytest.fixture
def wave(wave):
    """The conftest's open wave, with its workshop's first rating round open."""
    services.open_round(wave)
    return wave


@pytest.fixture
def cofac_client(collab) -> Client:
    helper = UserFactory(username="helper")
    Membership.objects.create(collaboration=collab, user=helper, role=Membership.COFACILITATOR)
    c = Client()
    c.force_login(helper)
    return c


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
    return " ".join(htmllib.unescape(re.sub(r"<[^>]+>", " ", html)).split())


def add_ratings(wave, rows: list[dict[str, str]], *, close: bool = True) -> None:
    """Ratings into the wave's open round, which is then closed (so its figures show)."""
    rnd = services.open_round_of(wave)
    assert rnd is not None
    for row in rows:
        MaturityRating.objects.create(
            wave=wave, round=rnd, ratings=row, submitted_on=dt.date.today()
        )
    if close:
        services.close_round(wave)


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
        "round",
        "ratings",
        "submitted_on",
    }
    assert rating.round == services.open_round_of(wave)
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
    # ...but the flag is per rating round: another wave's round, or a second round of
    # this wave's workshop (a second session), may be rated from the same device.
    other_wave = WaveFactory(collaboration=wave.collaboration)
    services.open_round(other_wave)
    assert 'name="form_token"' in client.get(rate_url(other_wave)).content.decode()
    services.close_round(wave)
    services.open_round(wave)
    assert 'name="form_token"' in client.get(rate_url(wave)).content.decode()


def test_thanks_page_needs_a_rating_from_this_device(client, wave):
    r = client.get(f"/m/{wave.maturity_token}/thanks/")
    assert r.status_code == 302 and r["Location"] == rate_url(wave)


def test_unknown_token_is_404(client, db):
    assert client.get("/m/not-a-real-token/").status_code == 404
    assert client.post("/m/not-a-real-token/", {"trust": "generative"}).status_code == 404
    assert client.get("/m/not-a-real-token/thanks/").status_code == 404
    assert not MaturityRating.objects.exists()


def test_respondent_pages_show_no_one_elses_ratings(client, wave):
    add_ratings(wave, [{"trust": "generative"}] * 6, close=False)
    form_page = client.get(rate_url(wave)).content.decode()
    assert "checked" not in form_page and "people rated" not in form_page
    token = form_token(form_page)
    client.post(rate_url(wave), {"form_token": token, "faith": "bureaucratic"})
    for url in (rate_url(wave), f"/m/{wave.maturity_token}/thanks/"):
        page = text(client.get(url).content.decode())
        for word in ("Pathological", "Bureaucratic", "Generative", "Trust", "Faith"):
            assert word not in page, (url, word)


# --- facilitator view --------------------------------------------------------------


def test_ratings_are_refused_when_no_round_is_open(client, wave):
    token = form_token(client.get(rate_url(wave)).content.decode())
    services.close_round(wave)
    page = client.get(rate_url(wave))
    assert page.status_code == 200
    assert "Ratings are not being collected just now" in page.content.decode()
    assert 'name="form_token"' not in page.content.decode()
    r = client.post(rate_url(wave), {"form_token": token, "trust": "generative"})
    assert r.status_code == 403 and "Nothing was saved" in r.content.decode()
    with pytest.raises(services.NoOpenRound):
        services.submit_rating(wave, {"trust": "generative"}, form_token="y" * 43)
    assert not MaturityRating.objects.exists() and not RatingReceipt.objects.exists()


def test_rounds_open_one_at_a_time_and_number_on(wave):
    with pytest.raises(services.RoundAlreadyOpen):
        services.open_round(wave)
    first = services.close_round(wave, today=dt.date(2026, 5, 1))
    assert (first.number, first.closed_on) == (1, dt.date(2026, 5, 1))
    with pytest.raises(services.NoOpenRound):
        services.close_round(wave)
    second = services.open_round(wave)
    assert second.number == 2 and second.is_open
    assert RatingRound.objects.filter(wave=wave).count() == 2


def test_facilitator_opens_and_closes_rounds_with_buttons(owner_client, cofac_client, wave):
    url = facilitate_url(wave)
    html = owner_client.get(url).content.decode()
    assert "Round 1 is open" in text(html) and "Close the rating round" in html
    r = cofac_client.post(f"{url}rounds/close/")  # co-facilitators run workshops too
    assert r.status_code == 302 and r["Location"] == f"{url}#rounds"
    assert services.open_round_of(wave) is None
    r = owner_client.post(f"{url}rounds/close/", follow=True)
    assert "No rating round is open" in r.content.decode()
    owner_client.post(f"{url}rounds/open/")
    assert services.open_round_of(wave).number == 2
    r = owner_client.post(f"{url}rounds/open/", follow=True)
    assert "A rating round is already open" in r.content.decode()
    assert owner_client.get(f"{url}rounds/open/").status_code == 405


def test_an_open_round_shows_how_many_rated_and_nothing_about_levels(owner_client, wave):
    add_ratings(wave, [{"trust": "generative"}] * 7, close=False)
    page = text(owner_client.get(facilitate_url(wave)).content.decode())
    assert "Ratings received so far in round 1: 7." in page
    assert "Private ratings appear here once a rating round has closed." in page
    assert "Generative 7" not in page and "7 people rated" not in page


def test_distribution_is_hidden_under_k(owner_client, wave):
    add_ratings(wave, [{"trust": "bureaucratic"}] * 4)
    html = owner_client.get(facilitate_url(wave)).content.decode()
    trust = text(section(html, "trust"))
    assert "Not shown: an element's ratings need at least 5 people." in trust
    assert "4 people" not in trust and "Bureaucratic 4" not in text(html)


def test_distribution_is_shown_under_protect_with_exact_counts(owner_client, wave):
    # Worked out by hand, k = 5, levels pathological / bureaucratic / generative:
    #   trust 5 / 5 / 5: every level at k, all shown;
    #   faith 3 / 9 / 3: two levels under k, together 6 >= k, each 2..4 given the
    #     other: both not shown, bureaucratic 9 shown;
    #   confidence 0 / 0 / 15: everyone chose generative; 0 and 0 are under k and
    #     together under k, so generative is hidden too: nothing shown;
    #   risk_tolerance: 4 ratings, under k.
    rows = []
    for i in range(15):
        row = {
            "trust": LEVELS[i % 3],
            "faith": "bureaucratic" if i < 9 else "pathological" if i < 12 else "generative",
            "confidence": "generative",
        }
        if i < 4:
            row["risk_tolerance"] = "bureaucratic"
        rows.append(row)
    add_ratings(wave, rows)
    html = owner_client.get(facilitate_url(wave)).content.decode()
    page = text(html)
    assert "Private ratings from round 1, closed" in page
    trust = text(section(html, "trust"))
    assert "15 people rated this element." in trust
    # 5 / 5 / 5: no level has 60% of the ratings, so the room is split, with the rule.
    assert "Split room" in trust and "at least 60% of the private ratings" in trust
    # Faith's counts are partly hidden: no flag, which could say more than they do.
    faith = text(section(html, "faith"))
    assert "Split room" not in faith and "No level-split" not in faith
    assert "Level People Pathological 5 Bureaucratic 5 Generative 5" in trust
    assert "Pathological 5, Bureaucratic 5, Generative 5" in page  # the summary grid
    faith = text(section(html, "faith"))
    assert "Pathological Not shown Bureaucratic 9 Generative Not shown" in faith
    assert "Pathological not shown, Bureaucratic 9, Generative not shown" in page
    confidence = text(section(html, "confidence"))
    assert "15 people rated this element. How many chose each level is not shown" in confidence
    assert "Generative 15" not in page
    risk = text(section(html, "risk_tolerance"))
    assert "Not shown: an element's ratings need at least 5 people." in risk


def test_an_earlier_round_can_be_shown_and_stays_as_it_closed(owner_client, wave):
    add_ratings(wave, [{"trust": LEVELS[i % 3]} for i in range(15)])  # round 1
    services.open_round(wave)
    add_ratings(wave, [{"trust": "bureaucratic" if i < 9 else "generative"} for i in range(12)]
                + [{"trust": "pathological"}] * 3)  # round 2: 3 / 9 / 3  # fmt: skip
    url = facilitate_url(wave)
    latest = text(section(owner_client.get(url).content.decode(), "trust"))
    assert "Pathological Not shown Bureaucratic 9 Generative Not shown" in latest
    first = owner_client.get(url, {"round": "1"}).content.decode()
    assert "Private ratings from round 1" in text(first)
    assert "Pathological 5 Bureaucratic 5 Generative 5" in text(section(first, "trust"))
    # A round that is not closed, or does not exist, falls back to the latest closed.
    services.open_round(wave)
    for asked in ("3", "9", "x"):
        page = text(owner_client.get(url, {"round": asked}).content.decode())
        assert "Private ratings from round 2" in page


@pytest.mark.parametrize(
    ("counts", "split"),
    [((5, 5, 5), True), ((3, 9, 3), False), ((4, 5, 6), True), ((0, 6, 4), False),
     ((0, 5, 5), True), ((None, 9, 3), None)],
)  # fmt: skip
def test_the_split_room_rule(counts, split):
    # By hand: split when the largest count is under 60% of all: 9/15 = 60% is not split,
    # 6/10 = 60% not split, 6/15 = 40% split, 5/10 = 50% split.
    assert workshop_ratings.split_room(counts) is split


@pytest.mark.parametrize("k", [3, 4, 5, 7])
def test_what_is_shown_never_pins_a_level_count_under_k(k):
    # Group every split of n ratings by what the page would show; within a group the
    # reader cannot tell splits apart, so no level's count may be fixed at 1..k-1.
    for n in range(0, 31):
        shown: dict[object, list[tuple[int, int, int]]] = defaultdict(list)
        for a, b in itertools.product(range(n + 1), repeat=2):
            if a + b > n:
                continue
            split = (a, b, n - a - b)
            levels = ["pathological"] * a + ["bureaucratic"] * b + ["generative"] * split[2]
            d = workshop_ratings.distribution(levels, k)
            assert d.kind == "counts" or not d.counts
            for (_label, count), actual in zip(d.counts, split, strict=bool(d.counts)):
                assert count is None or (count == actual and count >= k)
            # The split-room flag is part of what is shown (issue 14).
            shown[(d.kind, d.n, d.counts, d.summary, d.explanation, d.split)].append(split)
        for view, splits in shown.items():
            for i in range(3):
                values = {s[i] for s in splits}
                assert not (len(values) == 1 and 0 < min(values) < k), (k, n, view, i)


def test_suggested_level_only_with_k_survey_responses_once_the_wave_closes(owner_client, wave):
    partner = wave.collaboration.partners.first()
    for i in range(5):  # Q5 and Q4 differ: no response is an exact repeat
        answers = {"Q14": 5, "Q5": 1 + i % 4, "Q4": 1 + i // 4}
        ResponseFactory(wave=wave, partner=partner, answers=answers)
    # Open: nothing from the survey, however many have answered (Wave.results_released).
    html = owner_client.get(facilitate_url(wave)).content.decode()
    assert "Perceived legitimacy mean" not in html
    assert "None yet: shown once the wave has closed." in text(
        section(html, "perceived_legitimacy")
    )
    close_wave(wave)
    html = owner_client.get(facilitate_url(wave)).content.decode()
    legit = text(section(html, "perceived_legitimacy"))
    assert "Generative : Perceived legitimacy mean 5.00 (4.00 or above)." in legit
    assert "A starting point for discussion, not a rating." in legit
    # Table 11 elements with no survey questions say so.
    assert "the survey has no questions on this element" in text(section(html, "confidence"))


def test_no_suggested_level_from_a_closed_wave_under_k(owner_client, wave):
    partner = wave.collaboration.partners.first()
    for i in range(4):
        ResponseFactory(wave=wave, partner=partner, answers={"Q14": 5, "Q5": 1 + i})
    close_wave(wave)
    html = owner_client.get(facilitate_url(wave)).content.decode()
    legit = text(section(html, "perceived_legitimacy"))
    assert "Perceived legitimacy mean" not in html
    assert "None: a suggestion needs at least 5 people’s answers to this wave’s survey" in legit


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
