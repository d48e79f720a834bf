"""Closing a wave early keeps its planned dates and records the close (issue 17, bugs 5, 6).

Before, "Close this wave now" moved the closing date to yesterday and the opening date
with it: a wave opened and closed on 5 December read "4 December to 4 December"
everywhere, and a wave planned for 5 December to 31 January became 4 December too.
Now the planned dates stay and ``closed_on`` records the day it was closed; results
are released from that day (``Wave.results_released``), answers are refused from then on.
Closing needs a confirmation page (GET shows it, POST does it).
"""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile

import pytest

from collabdx.web.collab import presenters
from collabdx.web.collab.lifecycle import delete_after
from collabdx.web.collab.models import PartnerLink, Wave
from collabdx.web.collab.services import close_wave
from collabdx.web.results.presenters import wave_day
from collabdx.web.survey.services import wave_is_open
from tests.web.factories import ResponseFactory, WaveFactory

pytestmark = pytest.mark.django_db

TODAY = dt.date.today()


def long(day: dt.date) -> str:
    return f"{day.day} {day:%B %Y}"


@pytest.fixture
def planned(collab) -> Wave:
    """Opens today, planned to close in eight weeks, with a link per partner."""
    wave = WaveFactory(collaboration=collab, name="Wave A", opens_on=TODAY,
                       closes_on=TODAY + dt.timedelta(days=56))  # fmt: skip
    for partner in collab.partners.all():
        PartnerLink.objects.create(wave=wave, partner=partner)
    return wave


def test_closing_early_keeps_the_planned_dates_and_records_the_day(planned):
    closes = planned.closes_on
    close_wave(planned, today=TODAY)
    planned.refresh_from_db()
    assert (planned.opens_on, planned.closes_on, planned.closed_on) == (TODAY, closes, TODAY)


def test_results_are_released_from_the_day_it_is_closed(planned):
    assert not planned.results_released(TODAY)
    close_wave(planned, today=TODAY)
    assert planned.results_released(TODAY)
    assert planned.release_date == TODAY
    assert not wave_is_open(planned, TODAY)
    # A wave that runs its course is released the day after it closes, as before.
    natural = WaveFactory(collaboration=planned.collaboration, opens_on=TODAY,
                          closes_on=TODAY + dt.timedelta(days=3))  # fmt: skip
    assert natural.release_date == TODAY + dt.timedelta(days=4)
    assert not natural.results_released(TODAY + dt.timedelta(days=3))
    assert natural.results_released(TODAY + dt.timedelta(days=4))


def test_closing_twice_changes_nothing(planned):
    close_wave(planned, today=TODAY)
    close_wave(planned, today=TODAY + dt.timedelta(days=2))
    planned.refresh_from_db()
    assert planned.closed_on == TODAY


def test_the_dates_read_as_they_happened(planned):
    assert presenters.wave_dates(planned) == f"{long(TODAY)} to {long(planned.closes_on)}"
    close_wave(planned, today=TODAY)
    text = presenters.wave_dates(planned)
    assert text == (
        f"{long(TODAY)} to {long(TODAY)}, closed early (it was planned to close on "
        f"{long(planned.closes_on)})"
    )
    short = presenters.wave_dates(planned, short=True)
    assert short == f"{TODAY.day} {TODAY:%b %Y} to {TODAY.day} {TODAY:%b %Y}, closed early"


def test_a_wave_closed_before_it_opened(collab):
    later = TODAY + dt.timedelta(days=1)
    wave = WaveFactory(collaboration=collab, opens_on=later, closes_on=later + dt.timedelta(56))
    close_wave(wave, today=TODAY)
    wave.refresh_from_db()
    assert (wave.opens_on, wave.closed_on) == (later, TODAY)
    assert presenters.wave_status(wave, TODAY) == "Closed"
    assert presenters.wave_dates(wave) == (
        f"closed on {long(TODAY)} before it opened (it was planned for {long(later)} to "
        f"{long(wave.closes_on)})"
    )
    assert not wave_is_open(wave, later)


def test_trends_place_an_early_closed_wave_where_it_ran(planned):
    close_wave(planned, today=TODAY + dt.timedelta(days=10))
    planned.refresh_from_db()
    assert wave_day(planned) == TODAY + dt.timedelta(days=5)  # middle of what actually ran


def test_retention_counts_from_the_actual_close(planned, settings):
    settings.RETENTION_DAYS = 30
    close_wave(planned, today=TODAY)
    assert delete_after(planned) == TODAY + dt.timedelta(days=31)


def test_wave_page_and_report_show_the_dates(owner_client, collab, planned):
    for partner in collab.partners.all():
        for _ in range(2):
            ResponseFactory(wave=planned, partner=partner)
    close_wave(planned, today=TODAY)
    wave_url = f"/collaborations/{collab.pk}/waves/{planned.pk}/"
    html = owner_client.get(wave_url).content.decode()
    assert f"closed early (it was planned to close on {long(planned.closes_on)})" in html
    yesterday = long(TODAY - dt.timedelta(days=1))
    assert f"to {yesterday}" not in html
    report = owner_client.get(wave_url + "report/").content.decode()
    assert f"Survey dates: {long(TODAY)} to {long(TODAY)}, closed early" in report
    detail = owner_client.get(f"/collaborations/{collab.pk}/").content.decode()
    assert "closed early" in detail


def test_the_survey_link_says_it_was_closed_early(client, planned):
    close_wave(planned, today=TODAY)
    link = planned.links.first()
    html = client.get(f"/s/{link.token}/").content.decode()
    assert "This survey has closed" in html
    assert f"It was closed on {long(TODAY)}" in html
    assert long(TODAY - dt.timedelta(days=1)) not in html


def test_the_archive_keeps_planned_and_actual_dates(owner_client, collab, planned):
    close_wave(planned, today=TODAY)
    r = owner_client.get(f"/collaborations/{collab.pk}/export-everything.zip")
    record = json.loads(zipfile.ZipFile(io.BytesIO(r.content)).read("collaboration.json"))
    (wave,) = [w for w in record["waves"] if w["name"] == "Wave A"]
    assert wave["opens_on"] == TODAY.isoformat()
    assert wave["closes_on"] == planned.closes_on.isoformat()
    assert wave["closed_early_on"] == TODAY.isoformat()


# ------------------------------------------------------------------ bug 6: confirmation


def test_close_asks_for_confirmation_first(owner_client, collab, planned):
    url = f"/collaborations/{collab.pk}/waves/{planned.pk}/close/"
    page = owner_client.get(url)
    html = page.content.decode()
    assert page.status_code == 200
    assert "cannot be undone" in html
    assert "The partner links stop accepting answers" in html
    assert "results" in html and 'method="post"' in html and "csrfmiddlewaretoken" in html
    planned.refresh_from_db()
    assert planned.closed_on is None  # the GET changed nothing
    done = owner_client.post(url)
    assert done.status_code == 302 and done["Location"].endswith(f"/waves/{planned.pk}/")
    planned.refresh_from_db()
    assert planned.closed_on == TODAY


def test_the_wave_page_links_to_the_confirmation_not_a_one_click_button(
    owner_client, collab, planned
):
    html = owner_client.get(f"/collaborations/{collab.pk}/waves/{planned.pk}/").content.decode()
    close_url = f"/collaborations/{collab.pk}/waves/{planned.pk}/close/"
    assert f'href="{close_url}"' in html
    assert f'action="{close_url}"' not in html


def test_a_closed_wave_has_no_close_page(owner_client, collab, planned):
    close_wave(planned, today=TODAY)
    url = f"/collaborations/{collab.pk}/waves/{planned.pk}/close/"
    r = owner_client.get(url)
    assert r.status_code == 302 and r["Location"].endswith(f"/waves/{planned.pk}/")
    assert owner_client.post(url).status_code == 302
    planned.refresh_from_db()
    assert planned.closed_on == TODAY
