"""The respondent journey: start, pages, save and resume, check, submit, feedback."""

from __future__ import annotations

import datetime as dt
import logging
import re
import threading
from collections.abc import Mapping

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.db import connection, models
from django.test import Client

from collabdx.core.instruments import Instrument, load_instrument
from collabdx.core.responses import from_records
from collabdx.core.scoring import scale_scores
from collabdx.reports.feedback import respondent_feedback
from collabdx.web.collab.models import PartnerLink
from collabdx.web.survey import services
from collabdx.web.survey.models import Draft, Response, SubmissionReceipt
from tests.web.factories import CollaborationFactory, PartnerFactory, WaveFactory

pytestmark = pytest.mark.django_db

READINESS = load_instrument("readiness", "1")
PERFORMANCE = load_instrument("performance_check", "1")

# One respondent's answers, chosen so that the scores and the advice are known:
# initial trust = (4 + 4 + 4 + 1 + 4 + 4) / 6 = 3.5 (Q7, Q9, Q10 reverse-keyed);
# perceived legitimacy = 2 (Q14 = Disagree), which fires the public-involvement rule.
ANSWERS: dict[str, int | str] = {
    "Q1": 2, "Q2": 1, "Q3": "Harbour Trust", "Q4": 3, "Q5": 2,
    "Q6": 4, "Q7": 2, "Q8": 4, "Q9": 5, "Q10": 2, "Q11": 4, "Q12": 1,
    "Q13": 1, "Q14": 2,
    "Q15": 3, "Q16": 3, "Q17": 4, "Q18": 4, "Q19": 3, "Q20": 3, "Q21": 3, "Q22": 3,
    "Q23": 2, "Q24": 4, "Q25": 2,
    "Q26": 4,
    "Q27": 5, "Q28": 5,
    "Q29": 5, "Q30": 5,
}  # fmt: skip


def page_data(instrument: Instrument, number: int, answers: Mapping[str, object]) -> dict:
    block = instrument.blocks[number - 1]
    return {i: str(answers[i]) for i in block.items if i in answers}


def answer_pages(client: Client, token: str, instrument: Instrument, answers, upto: int) -> None:
    for n in range(1, upto + 1):
        r = client.post(f"/s/{token}/page/{n}/", page_data(instrument, n, answers))
        assert r.status_code == 302, (n, r.content.decode()[:2000])


def draft_key_on_check_page(client: Client, token: str) -> str:
    html = client.get(f"/s/{token}/check/").content.decode()
    m = re.search(r'name="draft" value="([0-9a-f]{64})"', html)
    assert m, html
    return m.group(1)


def db_state() -> tuple:
    """Everything a GET must leave alone."""
    return (
        sorted(Draft.objects.values_list("key", "answers", "updated_on", "expires_on")),
        Response.objects.count(),
        SubmissionReceipt.objects.count(),
        sorted(Session.objects.values_list("session_key", "session_data", "expire_date")),
    )


@pytest.fixture
def link(wave) -> PartnerLink:
    return PartnerLink.objects.select_related("partner", "wave").get(
        wave=wave, partner__name="Alpha Trust"
    )


# ------------------------------------------------------------------ the journey


def test_full_journey_stores_exactly_one_response(client, link):
    token = link.token
    r = client.get(f"/s/{token}/")
    assert r.status_code == 200
    assert f'href="/s/{token}/page/1/"' in r.content.decode()
    n_pages = len(READINESS.blocks)
    for n in range(1, n_pages + 1):
        page = client.get(f"/s/{token}/page/{n}/")
        assert page.status_code == 200
        assert f"Page {n} of {n_pages}" in page.content.decode()
        r = client.post(f"/s/{token}/page/{n}/", page_data(READINESS, n, ANSWERS))
        expected = f"/s/{token}/page/{n + 1}/" if n < n_pages else f"/s/{token}/check/"
        assert r.status_code == 302 and r["Location"] == expected
    check = client.get(f"/s/{token}/check/")
    html = check.content.decode()
    assert check.status_code == 200
    assert "Harbour Trust" in html and "Strongly agree" in html and "Workforce" in html
    key = draft_key_on_check_page(client, token)
    assert Response.objects.count() == 0

    r = client.post(f"/s/{token}/submit/", {"draft": key})
    assert r.status_code == 302 and r["Location"] == f"/s/{token}/thank-you/"

    response = Response.objects.get()
    assert response.wave == link.wave and response.partner == link.partner
    assert (response.instrument_id, response.instrument_version) == ("readiness", "1")
    assert response.submitted_on == dt.date.today()
    assert response.answers == ANSWERS
    assert Draft.objects.count() == 0
    assert SubmissionReceipt.objects.filter(key=key, wave=link.wave).count() == 1

    thanks = client.get(r["Location"])
    assert thanks.status_code == 200
    assert "Your answers have been sent" in thanks.content.decode()


def test_response_takes_the_wave_instrument_version_not_the_newest(client, collab):
    wave = WaveFactory(collaboration=collab, instrument_id="performance_check")
    partner = collab.partners.get(name="Beta Care")
    link = PartnerLink.objects.create(wave=wave, partner=partner)
    answers: dict[str, int | str] = {i.id: 4 for i in PERFORMANCE.scored_items}
    answers.update({"Q1": 1, "Q2": 3, "P17": 2})
    start = client.get(f"/s/{link.token}/").content.decode()
    assert "Collaborative performance check" in start
    assert "Derived, not validated" in start and "Not validated" in start
    answer_pages(client, link.token, PERFORMANCE, answers, len(PERFORMANCE.blocks))
    page = client.get(f"/s/{link.token}/page/2/").content.decode()
    assert "To a very large extent" in page and "Not at all" in page
    key = draft_key_on_check_page(client, link.token)
    r = client.post(f"/s/{link.token}/submit/", {"draft": key})
    assert r.status_code == 302
    response = Response.objects.get()
    assert (response.instrument_id, response.instrument_version) == ("performance_check", "1")
    assert response.partner == partner and response.answers == answers
    thanks = client.get(f"/s/{link.token}/thank-you/").content.decode()
    assert "Cultural efficacy" in thanks and "4.0" in thanks and "Strength" in thanks
    assert "does not yet suggest actions" in thanks


def test_start_page_shows_the_instrument_introduction(client, link):
    html = client.get(f"/s/{link.token}/").content.decode()
    assert "Readiness for collaboration survey" in html
    assert "Who is the survey designed for?" in html
    assert "It is not intended to act as a performance or benchmarking tool" in html
    assert "Alpha Trust" in html
    assert re.search(r"takes about \d+ minutes", html)
    assert 'href="/privacy/"' in html
    assert "IP address" in html and "not the time" in html
    assert "Start now" in html
    assert client.head(f"/s/{link.token}/").status_code == 200  # link previews


def test_radios_use_the_instruments_wording_and_codes(client, link):
    answer_pages(client, link.token, READINESS, ANSWERS, 1)
    html = client.get(f"/s/{link.token}/page/2/").content.decode()
    item = READINESS.items["Q8"]
    assert f"{item.text}" in html.replace("&#39;", "'")
    for option in item.options:
        assert re.search(
            rf'<input class="nhsuk-radios__input" id="Q8(-\d)?" name="Q8" type="radio" '
            rf'value="{option.code}"',
            html,
        )
        assert option.label in html
    assert "<legend" in html
    # The back link goes to the previous page.
    assert f'href="/s/{link.token}/page/1/"' in html


def test_change_link_returns_to_check_page(client, link):
    answer_pages(client, link.token, READINESS, ANSWERS, len(READINESS.blocks))
    html = client.get(f"/s/{link.token}/check/").content.decode()
    assert f"/s/{link.token}/page/3/?change=1#Q14" in html
    changed = {**ANSWERS, "Q14": 5}
    r = client.post(f"/s/{link.token}/page/3/?change=1", page_data(READINESS, 3, changed))
    assert r["Location"] == f"/s/{link.token}/check/"
    assert Draft.objects.get().answers["Q14"] == 5


def test_optional_text_can_be_cleared(client, link):
    answer_pages(client, link.token, READINESS, {**ANSWERS, "Q3": " Harbour\u00a0\tTrust\n"}, 1)
    assert Draft.objects.get().answers["Q3"] == "Harbour Trust"
    client.post(f"/s/{link.token}/page/1/", page_data(READINESS, 1, {**ANSWERS, "Q3": "  "}))
    assert "Q3" not in Draft.objects.get().answers


# ------------------------------------------------------------------ validation


@pytest.mark.parametrize(
    "bad",
    [
        {"Q1": "3"},  # Q1 has codes 1 and 2 only
        {"Q1": "0"},
        {"Q1": "one"},
        {"Q1": "01"},  # a padded code is not what the radio sends
        {"Q1": "²"},  # a digit to str.isdigit, not to int()
        {"Q99": "1"},  # no such item
        {"Q6": "4"},  # an item from another page
    ],
)
def test_tampered_answers_are_rejected_and_nothing_saved(client, link, bad):
    data = {**page_data(READINESS, 1, ANSWERS), **bad}
    r = client.post(f"/s/{link.token}/page/1/", data)
    assert r.status_code == 400
    assert "nothing was saved" in r.content.decode()
    assert Draft.objects.count() == 0


def test_an_answer_sent_twice_is_rejected(client, link):
    data = page_data(READINESS, 1, ANSWERS)
    body = "&".join(f"{k}={v}" for k, v in data.items()) + "&Q1=1"
    r = client.post(
        f"/s/{link.token}/page/1/", body, content_type="application/x-www-form-urlencoded"
    )
    assert r.status_code == 400
    assert Draft.objects.count() == 0


def test_tampering_leaves_an_existing_draft_untouched(client, link):
    answer_pages(client, link.token, READINESS, ANSWERS, 2)
    before = Draft.objects.get().answers
    bad = {**page_data(READINESS, 2, ANSWERS), "Q6": "9"}
    assert client.post(f"/s/{link.token}/page/2/", bad).status_code == 400
    assert Draft.objects.get().answers == before


def test_missing_required_answers_are_summarised(client, link):
    answer_pages(client, link.token, READINESS, ANSWERS, 1)
    before = Draft.objects.get().answers
    data = page_data(READINESS, 2, ANSWERS)
    for missing in ("Q7", "Q11"):
        del data[missing]
    data["Q6"] = "1"  # a valid change on the same page must not be saved either
    # Post/Redirect/Get (tests/web/test_survey_prg.py): the errors show on the GET.
    r = client.post(f"/s/{link.token}/page/2/", data, follow=True)
    html = r.content.decode()
    assert r.status_code == 200 and r.redirect_chain == [(f"/s/{link.token}/page/2/", 302)]
    assert re.search(r"<title>\s*Error: ", html)
    assert "There is a problem" in html
    summary = html[html.index("nhsuk-error-summary") : html.index("<h1")]
    assert summary.count("<li>") == 2
    assert 'href="#Q7"' in summary and 'href="#Q11"' in summary
    assert "There are problems with the way your collaborator(s)" in summary
    assert 'id="Q7"' in html and 'id="Q11"' in html  # the links lead somewhere
    # The answers given are kept on the re-rendered page, but nothing is saved.
    assert re.search(r'name="Q6" type="radio" value="1"\s+checked', html)
    assert Draft.objects.get().answers == before


def test_optional_organisation_is_not_required_but_is_limited(client, link):
    data = page_data(READINESS, 1, ANSWERS)
    del data["Q3"]
    assert client.post(f"/s/{link.token}/page/1/", data).status_code == 302
    assert "Q3" not in Draft.objects.get().answers
    r = client.post(f"/s/{link.token}/page/1/", {**data, "Q3": "x" * 201}, follow=True)
    assert r.status_code == 200 and "no more than 200 characters" in r.content.decode()


def test_pages_are_answered_in_order(client, link):
    # Nothing saved yet: later pages lead back to the start.
    r = client.get(f"/s/{link.token}/page/4/")
    assert r.status_code == 302 and r["Location"] == f"/s/{link.token}/"
    r = client.post(f"/s/{link.token}/page/4/", page_data(READINESS, 4, ANSWERS))
    assert r.status_code == 302 and Draft.objects.count() == 0
    answer_pages(client, link.token, READINESS, ANSWERS, 2)
    r = client.get(f"/s/{link.token}/page/6/")
    assert r["Location"] == f"/s/{link.token}/page/3/"
    assert client.get(f"/s/{link.token}/check/")["Location"] == f"/s/{link.token}/page/3/"
    assert client.get(f"/s/{link.token}/page/99/").status_code == 404


# ------------------------------------------------------------------ save and resume


def test_resume_on_the_same_device_and_fresh_start_on_another(client, link):
    token = link.token
    answer_pages(client, token, READINESS, ANSWERS, 3)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value

    same_device = Client()
    same_device.cookies[settings.SESSION_COOKIE_NAME] = cookie
    html = same_device.get(f"/s/{token}/").content.decode()
    assert "Continue where you left off" in html
    assert f'href="/s/{token}/page/4/"' in html
    assert "Start again" in html
    page4 = same_device.get(f"/s/{token}/page/4/")
    assert page4.status_code == 200 and "Page 4 of 8" in page4.content.decode()
    # Earlier answers are shown again.
    page2 = same_device.get(f"/s/{token}/page/2/").content.decode()
    assert re.search(r'name="Q9" type="radio" value="5"\s+checked', page2)

    other = Client()
    html = other.get(f"/s/{token}/").content.decode()
    assert "Start now" in html and "Continue where you left off" not in html
    assert other.get(f"/s/{token}/page/4/")["Location"] == f"/s/{token}/"

    # The saved draft is keyed by a hash of the secret, never the secret itself.
    secret = same_device.session["drafts"][token]
    assert Draft.objects.get().key == services.draft_key(secret) != secret


def test_start_again_clears_the_draft(client, link):
    answer_pages(client, link.token, READINESS, ANSWERS, 3)
    assert client.get(f"/s/{link.token}/start-again/").status_code == 405
    r = client.post(f"/s/{link.token}/start-again/")
    assert r["Location"] == f"/s/{link.token}/page/1/"
    assert Draft.objects.count() == 0
    assert "Start now" in client.get(f"/s/{link.token}/").content.decode()


def test_drafts_expire_by_date(client, link):
    answer_pages(client, link.token, READINESS, ANSWERS, 2)
    draft = Draft.objects.get()
    today = dt.date.today()
    assert draft.updated_on == today
    assert draft.expires_on == today + dt.timedelta(days=settings.DRAFT_DAYS)
    Draft.objects.update(expires_on=today - dt.timedelta(days=1))
    # Ignored (not deleted: a GET changes nothing) ...
    html = client.get(f"/s/{link.token}/").content.decode()
    assert "Start now" in html and Draft.objects.count() == 1
    # ... and deleted by the next write, which starts a fresh draft.
    answer_pages(client, link.token, READINESS, ANSWERS, 1)
    fresh = Draft.objects.get()
    assert fresh.pk != draft.pk and fresh.key != draft.key and "Q6" not in fresh.answers


def test_purge_command(link, capsys):
    today = dt.date.today()
    Draft.objects.create(
        key="f" * 64, link=link, answers={}, updated_on=today, expires_on=today - dt.timedelta(1)
    )
    call_command("purge_drafts")
    assert "Deleted 1 expired draft(s)." in capsys.readouterr().out
    assert Draft.objects.count() == 0


def test_purge_expired_drafts(link):
    today = dt.date.today()
    for n, expires in enumerate([today - dt.timedelta(days=1), today, today + dt.timedelta(1)]):
        Draft.objects.create(
            key=f"{n:064d}", link=link, answers={}, updated_on=today, expires_on=expires
        )
    assert services.purge_expired_drafts() == 1
    assert sorted(Draft.objects.values_list("expires_on", flat=True)) == [
        today,
        today + dt.timedelta(1),
    ]


# ------------------------------------------------------------------ submission


def test_replayed_submit_stores_one_response(client, link):
    answer_pages(client, link.token, READINESS, ANSWERS, len(READINESS.blocks))
    key = draft_key_on_check_page(client, link.token)
    first = client.post(f"/s/{link.token}/submit/", {"draft": key})
    assert first.status_code == 302
    again = client.post(f"/s/{link.token}/submit/", {"draft": key})
    assert again.status_code == 200
    assert "Your answers have been sent" in again.content.decode()
    # Even from a browser that lost its cookies.
    elsewhere = Client().post(f"/s/{link.token}/submit/", {"draft": key})
    assert elsewhere.status_code == 200
    assert Response.objects.count() == 1 and SubmissionReceipt.objects.count() == 1


def _apply_cookies(client: Client, response) -> None:
    """What a browser does with a response's Set-Cookie headers."""
    for name, morsel in response.cookies.items():
        if morsel["max-age"] == 0 or not morsel.value:
            client.cookies.pop(name, None)
        else:
            client.cookies[name] = morsel.value


def _has_feedback(client: Client, token: str) -> bool:
    html = client.get(f"/s/{token}/thank-you/").content.decode()
    return "Your feedback" in html and "Initial trust" in html


def test_double_click_answered_after_the_first_keeps_the_feedback(client, link):
    """A double click sends the submit twice with the same (old) session cookie. When
    the second request reads the session after the first one has replaced it
    (``cycle_key``), it finds nothing. Its "already sent" page must not delete the
    browser's session cookie, which by now is the winner's, holding the feedback."""
    answer_pages(client, link.token, READINESS, ANSWERS, len(READINESS.blocks))
    key = draft_key_on_check_page(client, link.token)
    old_cookie = client.cookies[settings.SESSION_COOKIE_NAME].value

    first = client.post(f"/s/{link.token}/submit/", {"draft": key})
    assert first.status_code == 302  # the browser now holds the new session's cookie
    second_click = Client()
    second_click.cookies[settings.SESSION_COOKIE_NAME] = old_cookie
    second = second_click.post(f"/s/{link.token}/submit/", {"draft": key})

    html = second.content.decode()
    assert second.status_code == 200 and "Your answers have been sent" in html
    assert f'href="/s/{link.token}/thank-you/"' in html  # where the feedback is
    assert settings.SESSION_COOKIE_NAME not in second.cookies
    _apply_cookies(client, second)  # the later answer's cookies win in the browser
    assert _has_feedback(client, link.token)
    assert Response.objects.count() == 1 and SubmissionReceipt.objects.count() == 1


def test_double_click_answered_while_the_first_commits_keeps_the_feedback(client, link):
    """The other order: the second request read the session (still holding the draft
    secret) before the first replaced it, and then found the draft submitted."""
    answer_pages(client, link.token, READINESS, ANSWERS, len(READINESS.blocks))
    key = draft_key_on_check_page(client, link.token)
    # The second request's view of the session: a copy taken before the first one ran.
    second_click = Client()
    stale = second_click.session
    stale.update(dict(client.session.items()))
    stale.save()
    second_click.cookies[settings.SESSION_COOKIE_NAME] = stale.session_key

    assert client.post(f"/s/{link.token}/submit/", {"draft": key}).status_code == 302
    second = second_click.post(f"/s/{link.token}/submit/", {"draft": key})

    html = second.content.decode()
    assert second.status_code == 200 and "Your answers have been sent" in html
    assert f'href="/s/{link.token}/thank-you/"' in html
    assert settings.SESSION_COOKIE_NAME not in second.cookies
    _apply_cookies(client, second)
    assert _has_feedback(client, link.token)
    assert Response.objects.count() == 1 and SubmissionReceipt.objects.count() == 1


def test_already_sent_page_offers_no_feedback_to_another_browser(client, link):
    answer_pages(client, link.token, READINESS, ANSWERS, len(READINESS.blocks))
    key = draft_key_on_check_page(client, link.token)
    client.post(f"/s/{link.token}/submit/", {"draft": key})
    elsewhere = Client()
    r = elsewhere.post(f"/s/{link.token}/submit/", {"draft": key})
    html = r.content.decode()
    assert r.status_code == 200 and "Your answers have been sent" in html
    assert "/thank-you/" not in html and "Initial trust" not in html
    assert not _has_feedback(elsewhere, link.token)
    assert _has_feedback(client, link.token)


def test_submit_without_a_draft_goes_back_to_the_start(client, link):
    r = client.post(f"/s/{link.token}/submit/", {"draft": "0" * 64})
    assert r.status_code == 302 and r["Location"] == f"/s/{link.token}/"
    assert Response.objects.count() == 0


def test_incomplete_draft_cannot_be_submitted(client, link):
    answer_pages(client, link.token, READINESS, ANSWERS, 3)
    secret = client.session["drafts"][link.token]
    r = client.post(f"/s/{link.token}/submit/", {"draft": services.draft_key(secret)})
    assert r.status_code == 302 and r["Location"] == f"/s/{link.token}/page/4/"
    assert Response.objects.count() == 0


def test_submit_service_is_idempotent(link):
    secret = services.new_secret()
    for block in READINESS.blocks:
        services.save_page(link, secret, block, {i: ANSWERS.get(i) for i in block.items})
    assert isinstance(services.submit_response(link, secret), services.Submitted)
    assert isinstance(services.submit_response(link, secret), services.AlreadySubmitted)
    assert Response.objects.count() == 1


def test_submit_service_rejects_a_draft_that_does_not_fit(client, link):
    secret = services.new_secret()
    today = dt.date.today()
    Draft.objects.create(
        key=services.draft_key(secret), link=link, answers={**ANSWERS, "Q6": 9},
        updated_on=today, expires_on=today + dt.timedelta(days=1),
    )  # fmt: skip
    with pytest.raises(services.InvalidAnswers):
        services.submit_response(link, secret)
    assert Response.objects.count() == 0 and SubmissionReceipt.objects.count() == 0
    # Through the web: a 400 page, not a server error, and still nothing stored.
    session = client.session
    session["drafts"] = {link.token: secret}
    session.save()
    r = client.post(f"/s/{link.token}/submit/", {"draft": services.draft_key(secret)})
    assert r.status_code == 400
    assert Response.objects.count() == 0 and SubmissionReceipt.objects.count() == 0


@pytest.fixture
def file_database(tmp_path):
    """Run against a migrated SQLite *file*, as the app does, when the test database
    is SQLite in memory. The in-memory test database is shared-cache, where a second
    writer fails at once with "database table is locked" instead of waiting (busy
    timeout), so it cannot show how parallel requests behave. On PostgreSQL (or an
    SQLite file) this does nothing."""
    if connection.vendor != "sqlite" or not connection.is_in_memory_db():
        yield
        return
    # Closing the last connection to an in-memory database destroys it: keep ours.
    saved, name = connection.connection, connection.settings_dict["NAME"]
    connection.connection = None
    connection.settings_dict["NAME"] = str(tmp_path / "parallel.sqlite3")
    try:
        call_command("migrate", verbosity=0)
        yield
    finally:
        connection.close()
        connection.settings_dict["NAME"] = name
        connection.connection = saved


@pytest.mark.django_db(transaction=True)
def test_parallel_replays_store_one_response(file_database):
    collab = CollaborationFactory()
    partner = PartnerFactory(collaboration=collab)
    wave = WaveFactory(collaboration=collab)
    link = PartnerLink.objects.create(wave=wave, partner=partner)
    client = Client()
    answer_pages(client, link.token, READINESS, ANSWERS, len(READINESS.blocks))
    key = draft_key_on_check_page(client, link.token)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value

    n_threads = 6
    barrier = threading.Barrier(n_threads)
    statuses: list[int] = []
    errors: list[BaseException] = []

    def post() -> None:
        try:
            c = Client(raise_request_exception=True)
            c.cookies[settings.SESSION_COOKIE_NAME] = cookie
            barrier.wait(timeout=10)
            statuses.append(c.post(f"/s/{link.token}/submit/", {"draft": key}).status_code)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=post) for _ in range(n_threads)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not errors, errors
    assert len(statuses) == n_threads
    assert set(statuses) <= {200, 302}, statuses
    assert statuses.count(302) == 1, statuses
    assert Response.objects.count() == 1
    assert SubmissionReceipt.objects.count() == 1
    assert Draft.objects.count() == 0


# ------------------------------------------------------------------ wave dates, tokens


@pytest.mark.parametrize(
    ("opens", "closes", "heading"),
    [(3, 10, "This survey is not open yet"), (-10, -1, "This survey has closed")],
)
def test_wave_outside_its_dates_accepts_nothing(client, link, opens, closes, heading):
    answer_pages(client, link.token, READINESS, ANSWERS, len(READINESS.blocks))
    key = draft_key_on_check_page(client, link.token)
    draft_before = Draft.objects.get().answers
    today = dt.date.today()
    wave = link.wave
    wave.opens_on = today + dt.timedelta(days=opens)
    wave.closes_on = today + dt.timedelta(days=closes)
    wave.save()

    html = client.get(f"/s/{link.token}/").content.decode()
    assert heading in html
    assert f"{wave.opens_on.day} {wave.opens_on:%B %Y}" in html
    assert f"{wave.closes_on.day} {wave.closes_on:%B %Y}" in html
    assert "Start now" not in html
    assert heading in client.get(f"/s/{link.token}/page/1/").content.decode()

    r = client.post(f"/s/{link.token}/page/1/", page_data(READINESS, 1, {**ANSWERS, "Q1": 1}))
    assert r.status_code == 403
    assert client.post(f"/s/{link.token}/submit/", {"draft": key}).status_code == 403
    assert client.post(f"/s/{link.token}/start-again/").status_code == 403
    assert Response.objects.count() == 0
    assert Draft.objects.get().answers == draft_before
    with pytest.raises(services.WaveNotOpen):
        services.save_page(link, "secret", READINESS.blocks[0], {"Q1": 1})


def test_unknown_token_is_404(client, link):
    for url in ("/s/nope/", "/s/nope/page/1/", "/s/nope/check/", "/s/nope/thank-you/"):
        assert client.get(url).status_code == 404, url
    for url in ("/s/nope/page/1/", "/s/nope/submit/", "/s/nope/start-again/"):
        assert client.post(url, {"Q1": "1"}).status_code == 404, url
    assert Draft.objects.count() == 0


# ------------------------------------------------------------------ feedback


def test_feedback_shows_own_scores_and_chosen_actions(client, link):
    from collabdx.core.theory import load_theory

    answer_pages(client, link.token, READINESS, ANSWERS, len(READINESS.blocks))
    key = draft_key_on_check_page(client, link.token)
    client.post(f"/s/{link.token}/submit/", {"draft": key})

    # The session keeps only the feedback: no draft secret, no response id.
    assert set(client.session.keys()) == {"feedback"}
    stored = client.session["feedback"]
    assert set(stored) == {"instrument", "version", "scores", "actions"}
    assert stored["scores"]["initial_trust"] == pytest.approx(3.5)

    html = client.get(f"/s/{link.token}/thank-you/").content.decode().replace("&#39;", "'")
    assert "your own view" in html and "not a judgement of your organisation" in html
    assert "Initial trust" in html and "3.5" in html and "Mixed" in html
    assert "Perceived legitimacy" in html and "2.0" in html and "Needs attention" in html
    assert "not validated cut-offs" in html  # the band note

    codes = {k: v for k, v in ANSWERS.items() if isinstance(v, int)}
    scores = scale_scores(from_records(READINESS, [codes])).iloc[0].to_dict()
    expected = respondent_feedback(READINESS, codes, scores)
    assert expected, "the chosen answers should trigger some advice"
    theory = load_theory()
    assert [a["id"] for a in stored["actions"]] == [rec.action_id for rec in expected]
    assert html.count('class="nhsuk-card cdx-survey-action"') == len(expected)
    for rec in expected:
        assert rec.if_text in html and rec.then_text in html and rec.because_text in html
        for sentence in rec.evidence:
            assert sentence in html
        for cmoc_id, source, _text in rec.cmocs:
            assert f"({source}, {cmoc_id})" in html
        assert theory.action_statements[rec.action_id].text in html
    assert "public representatives" in html  # the public-involvement rule fired
    assert "<details" in html


def test_feedback_is_only_in_the_respondents_session(client, link):
    answer_pages(client, link.token, READINESS, ANSWERS, len(READINESS.blocks))
    key = draft_key_on_check_page(client, link.token)
    client.post(f"/s/{link.token}/submit/", {"draft": key})
    fresh = Client().get(f"/s/{link.token}/thank-you/")
    assert fresh.status_code == 200
    html = fresh.content.decode()
    assert "There is no feedback to show on this device" in html
    assert "Initial trust" not in html
    # The respondent can remove it.
    r = client.post(f"/s/{link.token}/thank-you/remove/")
    assert r.status_code == 302 and "feedback" not in client.session
    assert "There is no feedback" in client.get(f"/s/{link.token}/thank-you/").content.decode()


# ------------------------------------------------------------------ privacy and safety


def test_response_model_keeps_no_device_or_time_data():
    fields = {f.name: f for f in Response._meta.get_fields()}
    assert set(fields) == {
        "id", "wave", "partner", "instrument_id", "instrument_version", "answers",
        "submitted_on",
    }  # fmt: skip
    submitted = fields["submitted_on"]
    assert type(submitted) is models.DateField
    for name in fields:
        assert not re.search(r"ip|agent|device|time|user|session|key|created", name), name
    for model in (Response, SubmissionReceipt, Draft):
        for f in model._meta.get_fields():
            forbidden = models.DateTimeField | models.TimeField | models.GenericIPAddressField
            assert not isinstance(f, forbidden), f
    # The receipt cannot be joined to a response.
    assert {f.name for f in SubmissionReceipt._meta.get_fields()} == {"id", "key", "wave"}


def _all_pages(client: Client, token: str) -> list[str]:
    pages = [client.get(f"/s/{token}/").content.decode()]
    for n in range(1, len(READINESS.blocks) + 1):
        pages.append(client.get(f"/s/{token}/page/{n}/").content.decode())
        client.post(f"/s/{token}/page/{n}/", page_data(READINESS, n, ANSWERS))
    pages.append(client.get(f"/s/{token}/check/").content.decode())
    pages.append(client.get(f"/s/{token}/").content.decode())  # the resume version
    pages.append(client.post(f"/s/{token}/page/1/", {"Q1": "1"}).content.decode())  # errors
    key = draft_key_on_check_page(client, token)
    client.post(f"/s/{token}/submit/", {"draft": key})
    pages.append(client.get(f"/s/{token}/thank-you/").content.decode())
    pages.append(client.post(f"/s/{token}/submit/", {"draft": key}).content.decode())
    return pages


def test_pages_load_nothing_from_other_origins(client, link):
    for html in _all_pages(client, link.token):
        urls = set(re.findall(r"""(?:https?:)?//[^\s"'<>)]+""", html))
        assert urls <= {"https://creativecommons.org/licenses/by/4.0/"}, urls
        assert "style=" not in html


def test_every_form_has_a_csrf_token(client, link):
    for html in _all_pages(client, link.token):
        for form in re.findall(r"<form\b.*?</form>", html, flags=re.S):
            assert 'name="csrfmiddlewaretoken"' in form, form[:200]
    strict = Client(enforce_csrf_checks=True)
    r = strict.post(f"/s/{link.token}/page/1/", page_data(READINESS, 1, ANSWERS))
    assert r.status_code == 403 and Draft.objects.count() == 0


def test_get_requests_never_change_the_database(client, link):
    token = link.token
    pages = ["", "page/1/", "page/3/", "check/", "thank-you/", "submit/", "start-again/"]
    urls = [f"/s/{token}/{p}" for p in pages]

    def get_all() -> None:
        before = db_state()
        for url in urls:
            client.get(url)
        assert db_state() == before

    get_all()  # a fresh visitor
    answer_pages(client, token, READINESS, ANSWERS, 2)
    get_all()  # part-way through
    answer_pages(client, token, READINESS, ANSWERS, len(READINESS.blocks))
    Draft.objects.update(expires_on=dt.date.today() - dt.timedelta(days=1))
    get_all()  # an expired draft is ignored, not deleted, by GET


def test_nothing_identifying_is_logged_or_stored(client, link, caplog):
    caplog.set_level("DEBUG")
    # Django's request and server loggers do not propagate (settings.LOGGING):
    # listen to them directly, at the levels the settings give them.
    quiet = [logging.getLogger(n) for n in ("django.request", "django.server")]
    for logger in quiet:
        logger.addHandler(caplog.handler)
    try:
        _journey_with_an_address(client, link)
    finally:
        for logger in quiet:
            logger.removeHandler(caplog.handler)
    assert "203.0.113.7" not in caplog.text and "127.0.0.1" not in caplog.text
    assert "TestBrowser" not in caplog.text
    response = Response.objects.get()
    stored = repr(Response.objects.values().get()) + repr(
        [s.get_decoded() for s in Session.objects.all()]
    )
    assert "203.0.113.7" not in stored and "TestBrowser" not in stored
    assert response.submitted_on == dt.date.today()


def _journey_with_an_address(client: Client, link: PartnerLink) -> None:
    answer_pages(client, link.token, READINESS, ANSWERS, len(READINESS.blocks))
    key = draft_key_on_check_page(client, link.token)
    client.post(
        f"/s/{link.token}/submit/", {"draft": key},
        REMOTE_ADDR="203.0.113.7", HTTP_USER_AGENT="TestBrowser/1.0",
    )  # fmt: skip
    # A bad answer from another browser (this one has answered: it would be refused).
    r = Client().post(f"/s/{link.token}/page/1/", {"Q1": "7"}, REMOTE_ADDR="203.0.113.7")
    assert r.status_code == 400
    r = Client().get(f"/s/{link.token}/", REMOTE_ADDR="203.0.113.7", HTTP_USER_AGENT="TestBrowser")
    assert r.status_code == 200
    assert Client().get("/s/unknown/", REMOTE_ADDR="203.0.113.7").status_code == 404


def test_feedback_spells_out_ioc_at_first_use(client, link):
    """Issue 14: personal feedback said "IOC" and never what it stands for. Q13 = 1
    (mandated) selects Table 10's statements on mandated IOCs."""
    answer_pages(client, link.token, READINESS, ANSWERS, len(READINESS.blocks))
    key = draft_key_on_check_page(client, link.token)
    client.post(f"/s/{link.token}/submit/", {"draft": key})
    html = client.get(f"/s/{link.token}/thank-you/").content.decode()
    text = " ".join(re.sub(r"<[^>]+>", " ", html.split("<main", 1)[1]).split())
    first = text.index("IOC")
    assert re.match(r"IOCs? \[interorganisational collaborations?\]", text[first:])
    assert text.count("[interorganisational collaboration") == 1
