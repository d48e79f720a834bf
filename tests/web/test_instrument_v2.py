"""The fixture readiness v2 (tests/readiness_v2.py) through the web app: the survey
and its personal feedback, and the group report of a closed v2 wave (issue 13)."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from collabdx.core.instruments import load_instrument
from collabdx.web.collab.models import PartnerLink
from collabdx.web.survey.models import Response
from tests.readiness_v2 import V2_ACTIONS, V2_ONLY_EVIDENCE, readiness_v2, v2_answers
from tests.web.factories import ResponseFactory, WaveFactory

__all__ = ["readiness_v2"]  # the fixture, imported for pytest

pytestmark = pytest.mark.django_db


def test_survey_and_personal_feedback_of_a_v2_wave(client, collab, readiness_v2):
    v2 = readiness_v2
    wave = WaveFactory(collaboration=collab, name="Wave 2", instrument_version="2")
    link = PartnerLink.objects.create(wave=wave, partner=collab.partners.first())
    answers = v2_answers(v2)
    for n, block in enumerate(v2.blocks, start=1):
        data = {i: str(answers[i]) for i in block.items if i in answers}
        r = client.post(f"/s/{link.token}/page/{n}/", data)
        assert r.status_code == 302, (n, r.content.decode()[:1000])
    html = client.get(f"/s/{link.token}/check/").content.decode()
    assert "staff time it needs" in html  # the new question is asked and shown
    key = re.search(r'name="draft" value="([0-9a-f]{64})"', html)
    assert key
    client.post(f"/s/{link.token}/submit/", {"draft": key.group(1)})
    response = Response.objects.get()
    assert (response.instrument_id, response.instrument_version) == ("readiness", "2")
    assert response.answers["Q31"] == 1
    stored = client.session["feedback"]
    assert stored["version"] == "2" and stored["scores"]["shared_resources"] == 1.0
    assert [a["id"] for a in stored["actions"]] == V2_ACTIONS
    page = client.get(f"/s/{link.token}/thank-you/").content.decode().replace("&#39;", "'")
    assert V2_ONLY_EVIDENCE in page and "Shared resources" in page


def test_group_report_of_a_closed_v2_wave(owner_client, collab, readiness_v2):
    v2 = readiness_v2
    today = dt.date.today()
    wave = WaveFactory(
        collaboration=collab, name="Wave 2", instrument_version="2",
        opens_on=today - dt.timedelta(days=28), closes_on=today - dt.timedelta(days=7),
    )  # fmt: skip
    partner = collab.partners.first()
    PartnerLink.objects.create(wave=wave, partner=partner)
    for i in range(6):
        ResponseFactory(wave=wave, partner=partner, answers=v2_answers(v2, variant=i))
    r = owner_client.get(f"/collaborations/{collab.pk}/waves/{wave.pk}/report/")
    assert r.status_code == 200
    html = r.content.decode().replace("&#39;", "'")
    assert "Shared resources" in html and V2_ONLY_EVIDENCE in html


def test_trends_across_a_v1_and_a_v2_wave(owner_client, collab, readiness_v2):
    v2 = readiness_v2
    v1 = load_instrument("readiness", "1")
    today = dt.date.today()
    partner = collab.partners.first()
    for name, ins, weeks in (("Wave A", v1, 12), ("Wave B", v2, 4)):
        wave = WaveFactory(
            collaboration=collab, name=name, instrument_version=ins.version,
            opens_on=today - dt.timedelta(weeks=weeks),
            closes_on=today - dt.timedelta(weeks=weeks - 2),
        )  # fmt: skip
        for i in range(6):
            answers = {k: v for k, v in v2_answers(ins, variant=i).items() if k in ins.items}
            ResponseFactory(wave=wave, partner=partner, answers=answers)
    html = owner_client.get(f"/collaborations/{collab.pk}/trends/").content.decode()
    table = re.search(r'<table class="nhsuk-table cdx-res-trend-table">.*?</table>', html, re.S)
    assert table is not None
    # The new scale: not asked in the v1 wave, a mean of 1.00 (every Q31 = 1) in v2.
    row = re.search(r"Shared resources</th>(.*?)</tr>", table.group(0), re.S)
    assert row is not None and "Not asked" in row.group(1) and "1.00" in row.group(1)
    assert "versions 1 and 2" in html
