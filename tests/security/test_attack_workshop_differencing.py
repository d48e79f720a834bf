"""Issue 12, attack 4: private maturity ratings read before and after one more rating.

Before issue 12 the facilitator's workshop page showed live counts per level once a
level had k ratings, and ratings were accepted at any time, so reading the page
before and after one person rated gave that person's level on most elements.

Now ratings are collected in rounds: while a round is open nothing about levels is
shown anywhere (only how many ratings have come in); once it closes its figures
appear under disclosure control and never change, because no rating is accepted
into a closed round.
"""

from __future__ import annotations

import datetime as dt
import html as htmllib
import io
import json
import re
import zipfile

import pytest
from django.test import Client
from django.urls import reverse

from collabdx.core.theory import load_theory
from collabdx.web.workshop.models import MaturityRating, RatingRound
from tests.security.attacker import visible_text
from tests.security.conftest import build_world, signed_in

pytestmark = pytest.mark.django_db

ELEMENTS = list(load_theory().maturity_elements)
LEVELS = ("pathological", "bureaucratic", "generative")


def form_action(html: str, button: str) -> str | None:
    """The action of the POST form whose button says ``button``, if the page has one."""
    for m in re.finditer(r'<form method="post" action="([^"]+)"(.*?)</form>', html, re.S):
        if button in visible_text(m.group(2)):
            return htmllib.unescape(m.group(1))
    return None


def press(client: Client, page_url: str, button: str) -> None:
    html = client.get(page_url).content.decode()
    action = form_action(html, button)
    assert action, f"no {button!r} button on the workshop page"
    r = client.post(action, follow=True)  # following it shows (and clears) the message
    assert r.redirect_chain and r.redirect_chain[0][1] == 302


def rate(wave, levels: dict[str, str]) -> bool:
    """One participant rates through the link, on their own device; True when stored."""
    device = Client()
    url = f"/m/{wave.maturity_token}/"
    page = device.get(url).content.decode()
    token = re.search(r'name="form_token" value="([^"]+)"', page)
    if token is None:
        return False
    before = MaturityRating.objects.count()
    device.post(url, {"form_token": token.group(1), **levels})
    return MaturityRating.objects.count() == before + 1


def varied(i: int) -> dict[str, str]:
    return {e: LEVELS[(i * 7 + j * (i % 3 + 1)) % 3] for j, e in enumerate(ELEMENTS)}


def everything_read(client: Client, world) -> str:
    """Every surface with ratings: the workshop page, the report (pack) and the
    archive's record, with the number of ratings received taken out."""
    c, w = world.collab.pk, world.wave.pk
    page = client.get(reverse("workshop:facilitate", args=[c, w]))
    workshop = visible_text(page.content.decode())
    report = visible_text(client.get(reverse("results:report", args=[c, w])).content.decode())
    archive = client.get(reverse("collab:export_everything", args=[c])).getvalue()
    with zipfile.ZipFile(io.BytesIO(archive)) as zf:
        record = json.loads(zf.read("collaboration.json"))
    ratings = [json.dumps(wave.get("maturity_ratings"), sort_keys=True) for wave in record["waves"]]
    out = "\n".join([workshop, report, *ratings])
    # How many ratings have come in may show (it says nothing about levels).
    out = re.sub(r'("ratings_received": )\d+', r"\1#", out)
    out = re.sub(r"(?i)(ratings received: )\d+", r"\1#", out)
    return re.sub(r"(?i)(ratings (?:received )?so far[^:]*: )\d+", r"\1#", out)


@pytest.fixture
def world(db):
    w = build_world(n_responses=15, released=True)  # the survey has closed; the workshop follows
    # build_world leaves a round open with one empty rating: close it, so this workshop
    # starts with no round open.
    RatingRound.objects.filter(wave=w.wave).update(closed_on=dt.date.today())
    return w


def workshop_url(world) -> str:
    return reverse("workshop:facilitate", args=[world.collab.pk, world.wave.pk])


def test_reading_before_and_after_one_more_rating_tells_nothing(world):
    client = signed_in(world.owner)
    press(client, workshop_url(world), "Open a rating round")
    for i in range(14):
        assert rate(world.wave, varied(i))
    before = everything_read(client, world)
    assert rate(world.wave, dict.fromkeys(ELEMENTS, "generative"))
    after = everything_read(client, world)
    assert before == after, "one more rating changed what the facilitator reads"


def test_a_closed_round_accepts_no_rating_and_its_figures_stay_put(world):
    client = signed_in(world.owner)
    press(client, workshop_url(world), "Open a rating round")
    for i in range(15):
        assert rate(world.wave, varied(i))
    press(client, workshop_url(world), "Close the rating round")
    closed = everything_read(client, world)
    assert "Pathological" in closed  # the closed round's figures are there to read
    assert not rate(world.wave, dict.fromkeys(ELEMENTS, "generative"))
    r = Client().post(f"/m/{world.wave.maturity_token}/",
                      {"form_token": "N" * 43, ELEMENTS[0]: "generative"})  # fmt: skip
    assert r.status_code in (200, 403)
    assert MaturityRating.objects.filter(wave=world.wave).count() == 16  # build_world's 1 + 15
    assert everything_read(client, world) == closed


def test_everyone_choosing_one_level_shows_no_distribution(world):
    """The known gap: 6 of 6 choosing "Bureaucratic" used to show "Bureaucratic 6",
    which tells each of them what the others chose."""
    client = signed_in(world.owner)
    press(client, workshop_url(world), "Open a rating round")
    for _ in range(6):
        assert rate(world.wave, {ELEMENTS[0]: "bureaucratic"})
    press(client, workshop_url(world), "Close the rating round")
    html = client.get(workshop_url(world)).content.decode()
    section = re.search(rf'<section[^>]*id="element-{ELEMENTS[0]}".*?</section>', html, re.S)
    assert section
    text = visible_text(section.group(0))
    assert "Bureaucratic 6" not in " ".join(text.split()), text
    assert not re.search(r"Bureaucratic\s+6", text)
