"""Issue 14: "the next wave measures again and the pack shows what moved".

Two waves of one collaboration; the first wave's workshop agreed trust pathological
and adopted t10.27 (clear dispute mechanisms; it acts on trust). The second wave's
report and pack show the action, its owner and due date, beside the change in the
Initial trust scale (trust's scale in the instrument's ``[[maturity]]`` table).

The answers are built so the scale means are known by hand: each person gives the
six Initial trust questions answers that all key to the same value x (Q7, Q9 and
Q10 are reverse-worded, so they get 6 - x), so their scale score is x.
"""

from __future__ import annotations

import datetime as dt
import html as htmllib
import re

import pytest

from collabdx.core.disclosure import NOT_SHOWN
from collabdx.reports.html import render_html
from collabdx.web.collab.models import ActionPlanItem, PartnerLink
from collabdx.web.results.pack_loading import wave_pack_model
from collabdx.web.survey.wave_data import load_wave
from collabdx.web.workshop import services
from tests.web.factories import ResponseFactory, WaveFactory

pytestmark = pytest.mark.django_db
K = 5
TODAY = dt.date.today()


@pytest.fixture(autouse=True)
def _k5(settings):
    settings.MIN_GROUP_SIZE = K


def text(html: str) -> str:
    return " ".join(htmllib.unescape(re.sub(r"<[^>]+>", " ", html)).split())


def trust_answers(x: int, i: int) -> dict[str, int]:
    # Times in post differ, so no response repeats another (the data-quality check).
    return {"Q1": 2, "Q2": 1, "Q4": 1 + i // 3, "Q5": 1 + i % 3,
            "Q6": x, "Q7": 6 - x, "Q8": x, "Q9": 6 - x, "Q10": 6 - x, "Q11": x}  # fmt: skip


def make_wave(collab, name: str, weeks_ago: int, scores: list[int]):
    opens_on = TODAY - dt.timedelta(weeks=weeks_ago)
    w = WaveFactory(
        collaboration=collab, name=name, opens_on=opens_on,
        closes_on=opens_on + dt.timedelta(weeks=2),
    )  # fmt: skip
    partner = collab.partners.first()
    for p in collab.partners.all():
        PartnerLink.objects.create(wave=w, partner=p)
    for i, x in enumerate(scores):
        ResponseFactory(wave=w, partner=partner, answers=trust_answers(x, i))
    return w


def adopt_in(wave) -> None:
    services.record_agreement(wave, "trust", level="pathological")
    services.adopt_for_element(
        wave, "trust", "t10.27", owner_name="Programme director", due_on=dt.date(2027, 3, 15)
    )


def section(html: str) -> str:
    page = text(html)
    start = page.rindex("What moved since the last workshop")  # the heading, not the contents
    end = page.find("Trends across waves", start)
    return page[start : end if end > 0 else None]


def report(client, wave) -> str:
    r = client.get(f"/collaborations/{wave.collaboration_id}/waves/{wave.pk}/report/")
    assert r.status_code == 200
    return r.content.decode()


def test_the_next_waves_report_shows_the_adopted_action_beside_what_moved(owner_client, collab):
    first = make_wave(collab, "Wave 1", 20, [2, 2, 2, 3, 3, 3])  # mean 2.5
    adopt_in(first)
    second = make_wave(collab, "Wave 2", 6, [3, 3, 3, 4, 4, 4])  # mean 3.5
    moved = section(report(owner_client, second))
    item = ActionPlanItem.objects.get(action_id="t10.27")
    assert item.adopted_in == first
    # its action name (IOC spelled out at first use on the page, so match after it)
    assert "has clear dispute mechanisms in place" in moved
    assert "If the IOC" in moved
    assert "Owner: Programme director. Due: 15 March 2027." in moved
    assert "Trust Initial trust 2.50 3.50 +1.00 Pathological in Wave 1" in moved
    assert "not agreed yet in this wave" in moved
    # The same section in the pack (HTML of the model the PDF is drawn from).
    model = wave_pack_model(second, load_wave(second), K)
    assert model.moved is not None
    assert "Trust Initial trust 2.50 3.50 +1.00" in section(render_html(model))
    # And not in the first wave's own report: it has no earlier wave.
    assert "What moved since" not in text(report(owner_client, first))


def test_no_section_without_an_earlier_wave_or_without_adopted_actions(owner_client, collab):
    first = make_wave(collab, "Wave 1", 20, [2, 2, 2, 3, 3, 3])
    assert "What moved since" not in text(report(owner_client, first))
    second = make_wave(collab, "Wave 2", 6, [3, 3, 3, 4, 4, 4])
    services.record_agreement(first, "trust", level="pathological")  # agreed, nothing adopted
    page = report(owner_client, second)
    assert "What moved since" not in text(page) and 'href="#moved"' not in page
    model = wave_pack_model(second, load_wave(second), K)
    assert model.moved is None and "What moved since" not in render_html(model)


def test_an_earlier_wave_under_k_shows_not_shown_and_no_figure(owner_client, collab):
    first = make_wave(collab, "Wave 1", 20, [1, 1, 2, 2])  # 4 people: under k, mean 1.5
    adopt_in(first)
    second = make_wave(collab, "Wave 2", 6, [3, 3, 3, 4, 4, 4])
    moved = section(report(owner_client, second))
    assert f"Trust Initial trust {NOT_SHOWN} 3.50 {NOT_SHOWN}" in moved
    assert "1.50" not in moved and "+2.00" not in moved
    assert "Owner: Programme director" in moved  # the plan itself is not survey data


def test_a_later_wave_under_k_shows_nothing_of_either_wave(owner_client, collab):
    first = make_wave(collab, "Wave 1", 20, [2, 2, 2, 3, 3, 3])
    adopt_in(first)
    second = make_wave(collab, "Wave 2", 6, [4, 4, 4, 4])  # under k: the report is withheld
    page = text(report(owner_client, second))
    assert "What moved since" not in page and "2.50" not in page


def test_an_earlier_wave_not_yet_released_shows_not_shown(collab):
    first = make_wave(collab, "Wave 1", 20, [2, 2, 2, 3, 3, 3])
    first.closes_on = TODAY + dt.timedelta(days=3)  # still open: its results are not out
    first.save()
    adopt_in(first)
    second = make_wave(collab, "Wave 2", 6, [3, 3, 3, 4, 4, 4])
    moved = section(render_html(wave_pack_model(second, load_wave(second), K)))
    assert f"Trust Initial trust {NOT_SHOWN} 3.50 {NOT_SHOWN}" in moved and "2.50" not in moved
