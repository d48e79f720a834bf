"""Issue 12, attack 1: filling a small partner with made-up answers.

Partner "Yew Trust" has one real respondent, whose perceived legitimacy (Q14, a
one-question scale) is 5. The facilitator sends four responses of all 3s through
Yew's link. Before issue 12 nothing stopped them, Yew reached n = 5, its figures
were published (3.40) and 5 x 3.40 - 4 x 3 = 5.0 gave the real person's score.

The defences: one response per browser (a signed cookie); straight-lined and
exactly repeated responses are set aside before anything is counted or shown; and
what was set aside is shown at wave level. The residual risk (varied made-up
answers from fresh browsers) is in docs/security.md.
"""

from __future__ import annotations

import csv
import io
import random
import re

import pytest
from django.test import Client
from django.urls import reverse

from collabdx.core.instruments import load_instrument
from collabdx.web.collab.models import PartnerLink
from collabdx.web.collab.services import close_wave
from collabdx.web.survey.models import Response
from tests.security.attacker import tables, visible_text
from tests.security.conftest import full_answers, signed_in, varied_answers
from tests.web.factories import (
    CollaborationFactory,
    PartnerFactory,
    ResponseFactory,
    UserFactory,
    WaveFactory,
)

pytestmark = pytest.mark.django_db

READINESS = load_instrument("readiness", "1")
SMALL = "Yew Trust"
REAL_LEGITIMACY = 5


def attempt_response(client: Client, token: str, answers: dict[str, object]) -> bool:
    """Answer the whole survey through a link as a respondent would; True when a
    response was stored."""
    before = Response.objects.count()
    client.get(f"/s/{token}/")
    for number, block in enumerate(READINESS.blocks, start=1):
        data = {i: str(answers[i]) for i in block.items if i in answers}
        r = client.post(f"/s/{token}/page/{number}/", data)
        if r.status_code != 302:
            return False
    check = client.get(f"/s/{token}/check/")
    m = re.search(r'name="draft" value="([0-9a-f]{64})"', check.content.decode())
    if not m:
        return False
    client.post(f"/s/{token}/submit/", {"draft": m.group(1)})
    return Response.objects.count() == before + 1


@pytest.fixture
def scene():
    """Three partners: Ash (8 real), Yew (1 real, legitimacy 5), Elm (6 real)."""
    rng = random.Random(12)
    owner = UserFactory(username="owner")
    collab = CollaborationFactory(owner=owner, name="North Alliance")
    wave = WaveFactory(collaboration=collab, name="Wave 1")
    links = {}
    for name, n in (("Ash Trust", 8), (SMALL, 1), ("Elm Trust", 6)):
        partner = PartnerFactory(collaboration=collab, name=name)
        links[name] = PartnerLink.objects.create(wave=wave, partner=partner)
        for _ in range(n):
            fixed = {"Q14": REAL_LEGITIMACY} if name == SMALL else {}
            ResponseFactory(wave=wave, partner=partner, answers=varied_answers(rng, **fixed))
    return owner, collab, wave, links


def published_figures(html: str, name: str) -> list[list[str]]:
    """Rows of any results table labelled with ``name`` that carry a figure."""
    rows = []
    for t in tables(html):
        for row in t.rows[1:]:
            if row and row[0] == name and any(re.fullmatch(r"\d+(\.\d+)?", c) for c in row[1:]):
                rows.append(row)
    return rows


def legitimacy_of(html: str, name: str) -> float | None:
    for t in tables(html):
        header = t.rows[0] if t.rows else []
        if "Perceived legitimacy" in header and header and header[0] == "Group":
            col = header.index("Perceived legitimacy")
            for row in t.rows[1:]:
                if row[0] == name and re.fullmatch(r"\d+\.\d+", row[col]):
                    return float(row[col])
    return None


def read_results(owner, collab, wave) -> tuple[str, str]:
    client = signed_in(owner)
    report = client.get(reverse("results:report", args=[collab.pk, wave.pk]))
    assert report.status_code == 200
    export = client.get(reverse("results:export", args=[collab.pk, wave.pk, "csv"]))
    csv_text = export.getvalue().decode("utf-8-sig") if export.status_code == 200 else ""
    return report.content.decode(), csv_text


def assert_nothing_recoverable(report: str, csv_text: str) -> None:
    mean = legitimacy_of(report, SMALL)
    if mean is not None:  # the attacker's arithmetic
        recovered = round(5 * mean - 4 * 3, 6)
        assert recovered != REAL_LEGITIMACY, f"{SMALL} legitimacy {mean} gives the real score"
    assert published_figures(report, SMALL) == [], published_figures(report, SMALL)
    rows = list(csv.DictReader(io.StringIO(csv_text))) if csv_text else []
    assert not [r for r in rows if SMALL in r.values()], "the download names the small partner"


def test_one_browser_cannot_send_four_made_up_responses(scene):
    _owner, _collab, wave, links = scene
    browser = Client()
    sent = [attempt_response(browser, links[SMALL].token, full_answers()) for _ in range(4)]
    assert sent == [True, False, False, False]
    assert Response.objects.filter(wave=wave, partner__name=SMALL).count() == 2


def test_all_threes_from_fresh_browsers_are_set_aside_and_publish_nothing(scene):
    owner, collab, wave, links = scene
    for _ in range(4):  # a fresh browser (private window) each time
        assert attempt_response(Client(), links[SMALL].token, full_answers())
    assert Response.objects.filter(wave=wave, partner__name=SMALL).count() == 5
    close_wave(wave)
    report, csv_text = read_results(owner, collab, wave)
    assert_nothing_recoverable(report, csv_text)
    # The facilitator (and everyone reading the pack) is told, at wave level only.
    text = visible_text(report)
    assert re.search(r"4 responses? (were|was) set aside", text), text[:3000]
    assert "straight" in text.lower()


def test_identical_varied_responses_count_once_and_publish_nothing(scene):
    owner, collab, wave, links = scene
    copy = varied_answers(random.Random(99))
    for _ in range(4):
        assert attempt_response(Client(), links[SMALL].token, copy)
    close_wave(wave)
    report, csv_text = read_results(owner, collab, wave)
    assert_nothing_recoverable(report, csv_text)
    assert re.search(r"3 responses? (were|was) set aside", visible_text(report))
