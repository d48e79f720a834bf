"""Data lifecycle: retention purge (dated, idempotent), deleting a collaboration takes
every related row, the owner's export of everything, and the privacy notice."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import random
import zipfile

import pytest
from django.apps import apps
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from collabdx.web.collab import lifecycle
from collabdx.web.collab.models import Collaboration
from collabdx.web.collab.services import close_wave
from collabdx.web.security import throttle
from collabdx.web.security.models import LoginThrottle
from collabdx.web.survey.models import Draft, Response, SubmissionReceipt
from collabdx.web.workshop.models import MaturityAgreement, MaturityRating, RatingReceipt
from tests.security.conftest import READINESS, World, build_world, varied_answers
from tests.web.factories import ResponseFactory

APP_LABELS = ("collab", "survey", "workshop", "results", "explorer")


def db_state() -> dict[str, int]:
    return {m._meta.label: m.objects.count() for m in apps.get_models(include_auto_created=True)}


def app_rows() -> dict[str, int]:
    """Row count of every model (including many-to-many tables) of the project's apps."""
    out = {}
    for label in APP_LABELS:
        for model in apps.get_app_config(label).get_models(include_auto_created=True):
            out[model._meta.label] = model.objects.count()
    return out


def respondent_traces(w: World) -> None:
    """A draft part-way, a submitted response with its receipt, a private rating."""
    c = Client()
    token = w.link.token
    answers = {**varied_answers(random.Random(45)), "Q3": "Typed organisation"}
    for number, block in enumerate(READINESS.blocks, start=1):
        c.post(f"/s/{token}/page/{number}/", {i: answers[i] for i in block.items})
    check = c.get(f"/s/{token}/check/").content.decode()
    key = check.split('name="draft" value="')[1].split('"')[0]
    assert c.post(f"/s/{token}/submit/", {"draft": key}).status_code == 302
    part_way = Client()
    first = READINESS.blocks[0]
    part_way.post(f"/s/{token}/page/1/", {i: answers[i] for i in first.items})
    rate = Client()
    page = rate.get(f"/m/{w.wave.maturity_token}/").content.decode()
    form_token = page.split('name="form_token" value="')[1].split('"')[0]
    element = next(iter(__import__("collabdx.core.theory", fromlist=["x"]).load_theory()
                        .maturity_elements))  # fmt: skip
    rate.post(f"/m/{w.wave.maturity_token}/", {"form_token": form_token, element: "generative"})
    assert Draft.objects.count() == 1 and SubmissionReceipt.objects.count() == 1
    assert RatingReceipt.objects.count() == 1


# ------------------------------------------------------------------ deleting a collaboration


@pytest.mark.django_db
def test_deleting_a_collaboration_removes_every_related_row():
    w = build_world()
    respondent_traces(w)
    owner = Client()
    owner.force_login(w.owner)
    r = owner.post(f"/collaborations/{w.collab.pk}/delete/", {"confirm_name": w.collab.name})
    assert r.status_code == 302
    # Only the other facilitator's collaboration is left: its one partner, wave and link.
    left = {k: v for k, v in app_rows().items() if v}
    assert left == {
        "collab.Collaboration": 1, "collab.Partner": 1, "collab.Wave": 1,
        "collab.PartnerLink": 1,
    }, left  # fmt: skip
    assert Collaboration.objects.get() == w.other_collab


# ------------------------------------------------------------------ retention


@pytest.fixture
def closed_world(db, settings):
    settings.RETENTION_DAYS = 30
    w = build_world()
    respondent_traces(w)
    closes = dt.date(2026, 1, 31)
    w.wave.opens_on, w.wave.closes_on = dt.date(2026, 1, 1), closes
    w.wave.save()
    return w, closes


def test_nothing_is_deleted_until_the_retention_period_has_passed(closed_world):
    w, closes = closed_world
    before = db_state()
    assert lifecycle.delete_after(w.wave) == closes + dt.timedelta(days=31)
    done = lifecycle.purge_expired(today=closes + dt.timedelta(days=30), now=timezone.now())
    assert done.responses == done.ratings == 0
    assert db_state()["survey.Response"] == before["survey.Response"]


def test_respondents_data_goes_the_day_after_the_retention_period(closed_world):
    w, closes = closed_world
    other_response = ResponseFactory(wave=w.other_wave, partner=w.other_link.partner)
    done = lifecycle.purge_expired(today=closes + dt.timedelta(days=31), now=timezone.now())
    assert done.waves == 1 and done.responses == 7 and done.ratings == 2
    assert done.receipts == 1 and done.drafts == 1 and done.rating_receipts == 1
    for model in (Response, SubmissionReceipt, MaturityRating, RatingReceipt):
        assert not model.objects.filter(wave=w.wave).exists(), model
    assert not Draft.objects.filter(link__wave=w.wave).exists()
    # The facilitators' own record stays; so does every other wave's data.
    assert MaturityAgreement.objects.filter(wave=w.wave).exists()
    assert w.collab.events.exists() and w.collab.plan_items.exists()
    assert Response.objects.filter(pk=other_response.pk).exists()


def test_purge_is_idempotent_and_the_command_reports_it(closed_world, capsys):
    _, closes = closed_world
    day = closes + dt.timedelta(days=100)
    first = lifecycle.purge_expired(today=day, now=timezone.now())
    assert first.total() > 0
    state = db_state()
    second = lifecycle.purge_expired(today=day, now=timezone.now())
    assert second.total() == 0 and second.waves == 0
    assert db_state() == state
    call_command("purge_expired")
    assert "Retention 30 days: deleted the data of 0 wave(s)" in capsys.readouterr().out


@pytest.mark.django_db
def test_purge_also_clears_expired_drafts_counters_and_sessions():
    w = build_world()
    respondent_traces(w)
    now = timezone.now()
    throttle.record_failure("someone", "192.0.2.1", now - throttle.WINDOW - dt.timedelta(1))
    Draft.objects.update(expires_on=dt.date.today() - dt.timedelta(days=1))
    Session.objects.update(expire_date=now - dt.timedelta(seconds=1))
    done = lifecycle.purge_expired(now=now)
    assert done.expired_drafts == 1 and done.throttle_counters == 2 and done.sessions >= 1
    assert not Draft.objects.exists() and not LoginThrottle.objects.exists()
    assert not Session.objects.exists()
    assert Response.objects.filter(wave=w.wave).exists()  # the open wave keeps its answers


@pytest.mark.django_db
def test_wave_page_says_when_its_data_will_be_deleted(settings):
    settings.RETENTION_DAYS = 90
    w = build_world()
    owner = Client()
    owner.force_login(w.owner)
    html = owner.get(f"/collaborations/{w.collab.pk}/waves/{w.wave.pk}/").content.decode()
    when = lifecycle.delete_after(w.wave)
    assert f"deleted on {when.day} {when:%B %Y}, 90 days after it closes" in html


# ------------------------------------------------------------------ export everything


def archive_of(w: World) -> zipfile.ZipFile:
    owner = Client()
    owner.force_login(w.owner)
    r = owner.get(f"/collaborations/{w.collab.pk}/export-everything.zip")
    assert r.status_code == 200 and r["Content-Type"] == "application/zip"
    assert "no-store" in r["Cache-Control"]
    assert r["Content-Disposition"].startswith('attachment; filename="collabdx-north-alliance')
    return zipfile.ZipFile(io.BytesIO(r.content))


@pytest.mark.django_db
def test_export_everything_holds_the_collaboration_and_no_secrets():
    w = build_world()
    respondent_traces(w)
    close_wave(w.wave)  # an open wave's responses are not released (Wave.results_released)
    zf = archive_of(w)
    names = set(zf.namelist())
    assert {"README.txt", "collaboration.json"} <= names
    record = json.loads(zf.read("collaboration.json"))
    assert record["collaboration"]["name"] == "North Alliance"
    assert record["collaboration"]["owner"] == "owner"
    assert record["collaboration"]["co_facilitators"] == ["cofac"]
    assert record["partners"] == ["Alpha", "Beta", "Gamma"]
    assert record["events"][0]["description"] == "Funding agreed"
    assert record["action_plan"][0]["action_id"] == "t10.01"
    wave = record["waves"][0]
    assert wave["responses"] == "7"
    assert wave["maturity_agreed"][0]["level"] == "Bureaucratic"
    # The workshop's round is still open: how many rated, nothing about the levels.
    (rnd,) = wave["maturity_ratings"]["rounds"]
    assert rnd["ratings_received"] == 2 and rnd["closed_on"] is None
    assert rnd["elements"] == "Shown once the round has closed."
    # Responses: the results export's shuffled, id-free tidy data.
    csv_name = next(n for n in wave["response_files"] if n.endswith(".csv"))
    rows = list(csv.DictReader(io.StringIO(zf.read(csv_name).decode())))
    assert len(rows) == 7
    blob = b"".join(zf.read(n) for n in names).decode()
    from django_otp.plugins.otp_totp.models import TOTPDevice

    secrets_ = [w.link.token, w.wave.maturity_token, w.owner.password, w.cofac.password]
    secrets_ += [d.key for d in TOTPDevice.objects.all()]
    for secret in secrets_:
        assert secret not in blob
    from collabdx.web.survey.models import Response as R

    for response_id in R.objects.values_list("id", flat=True):
        assert str(response_id) not in blob  # no database ids of responses


@pytest.mark.django_db
def test_export_everything_releases_no_responses_under_k():
    w = build_world(n_responses=3)
    zf = archive_of(w)
    wave = json.loads(zf.read("collaboration.json"))["waves"][0]
    assert wave["responses"] == "0 of 3 partners have enough"  # still open: statuses only
    assert wave["response_files"] == []
    close_wave(w.wave)
    zf = archive_of(w)
    wave = json.loads(zf.read("collaboration.json"))["waves"][0]
    assert wave["responses"] == "Not shown" and wave["response_files"] == []
    assert "results need at least 5 responses" in wave["response_note"]
    assert not [n for n in zf.namelist() if n.startswith("responses/")]


@pytest.mark.django_db
def test_only_the_owner_can_export_everything():
    w = build_world()
    cofac = Client()
    cofac.force_login(w.cofac)
    r = cofac.get(f"/collaborations/{w.collab.pk}/export-everything.zip")
    assert r.status_code == 403 and "Only the collaboration" in r.content.decode()


# ------------------------------------------------------------------ privacy notice


@pytest.mark.django_db
def test_privacy_notice_states_the_configured_numbers(settings):
    settings.MIN_GROUP_SIZE, settings.DRAFT_DAYS, settings.RETENTION_DAYS = 7, 21, 200
    html = Client().get("/privacy/").content.decode()
    for text in ("groups of at least 7 people", "after 21 days", "200 days after their survey wave",
                 "session cookie", "never the address itself", "IP address"):  # fmt: skip
        assert text in html, text
