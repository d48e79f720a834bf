"""Results are shown only once a wave has closed (``Wave.results_released``).

While a wave is open, each new response moves the figures, and reading them
before and after one more response gives that person's answers away. So the
report, its PDF, the downloads, the trends, the workshop's suggested levels and
the "export everything" archive hold nothing from an open wave; response counts
(under the minimum group size) are still shown, so facilitators can chase replies.
The attack itself is replayed in tests/security/test_disclosure_web.py.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile

import pytest

from collabdx.web.collab.services import close_wave
from tests.web.factories import ResponseFactory, WaveFactory

pytestmark = pytest.mark.django_db

NOT_YET = "Results are shown when the wave closes"


def fill(wave, n: int = 6) -> None:
    """``n`` responses through the first partner's link; the time-on-collaboration
    and tenure answers differ, so none is set aside as an exact repeat."""
    partner = wave.collaboration.partners.first()
    for i in range(n):
        answers = {"Q4": 1 + i // 4, "Q5": 1 + i % 4, "Q6": 4, "Q7": 4, "Q14": 5}
        ResponseFactory(wave=wave, partner=partner, answers=answers)


def test_released_from_the_day_after_the_closing_date():
    wave = WaveFactory(opens_on=dt.date(2026, 3, 2), closes_on=dt.date(2026, 3, 20))
    assert not wave.results_released(dt.date(2026, 3, 1))  # not open yet
    assert not wave.results_released(dt.date(2026, 3, 10))
    assert not wave.results_released(dt.date(2026, 3, 20))  # last day to answer
    assert wave.results_released(dt.date(2026, 3, 21))
    assert wave.release_date == dt.date(2026, 3, 21)


def test_open_wave_report_says_when_results_come(owner_client, collab, wave):
    fill(wave)
    r = owner_client.get(f"/collaborations/{collab.pk}/waves/{wave.pk}/report/")
    html = r.content.decode()
    assert r.status_code == 200 and NOT_YET in html
    day = wave.closes_on + dt.timedelta(days=1)
    assert f"shown from {day.day} {day:%B %Y}" in html
    assert "Initial trust" not in html and "<svg" not in html  # no scale, no chart
    assert r["Cache-Control"].startswith("max-age=0") or "no-store" in r["Cache-Control"]


@pytest.mark.parametrize("tail", ["report.pdf", "export.csv", "export.xlsx", "export.json"])
def test_open_wave_downloads_are_refused(owner_client, collab, wave, tail):
    fill(wave)
    r = owner_client.get(f"/collaborations/{collab.pk}/waves/{wave.pk}/{tail}")
    assert r.status_code == 409
    assert r["Content-Type"].startswith("text/html") and NOT_YET in r.content.decode()


def test_closing_the_wave_releases_the_report(owner_client, collab, wave):
    fill(wave)
    close_wave(wave)
    r = owner_client.get(f"/collaborations/{collab.pk}/waves/{wave.pk}/report/")
    assert NOT_YET not in r.content.decode() and "Initial trust" in r.content.decode()
    r = owner_client.get(f"/collaborations/{collab.pk}/waves/{wave.pk}/export.csv")
    assert r.status_code == 200 and r["Content-Type"].startswith("text/csv")


def test_wave_page_says_when_results_open(owner_client, collab, wave):
    fill(wave)
    url = f"/collaborations/{collab.pk}/waves/{wave.pk}/"
    html = owner_client.get(url).content.decode()
    assert "The group report and the downloads open on" in html
    assert "export.csv" not in html  # no download link that could only refuse
    # While open, no count: whether each partner has enough for its own results.
    assert "Responses so far: 1 of 3 partners have enough for their own results." in html
    close_wave(wave)
    html = owner_client.get(url).content.decode()
    assert "Responses: 6." in html  # once closed, the report's counts
    assert "The data-quality check set no response aside." in html
    assert "The group report and the downloads open on" not in html
    assert "export.csv" in html


def test_trends_leave_out_an_open_wave_and_say_why(owner_client, collab, wave):
    fill(wave)
    html = owner_client.get(f"/collaborations/{collab.pk}/trends/").content.decode()
    assert f"{wave.name}: still open; its results appear from" in html


def test_archive_has_no_responses_from_an_open_wave(owner_client, collab, wave):
    fill(wave)
    closed = WaveFactory(collaboration=collab, name="Earlier", closed=True)
    fill(closed)
    r = owner_client.get(f"/collaborations/{collab.pk}/export-everything.zip")
    zf = zipfile.ZipFile(io.BytesIO(r.content))
    record = json.loads(zf.read("collaboration.json"))
    by_name = {w["name"]: w for w in record["waves"]}
    assert by_name[wave.name]["response_files"] == []
    assert by_name[wave.name]["response_note"].startswith("No file: the wave is still open")
    assert len(by_name["Earlier"]["response_files"]) == 2
    assert not [n for n in zf.namelist() if "wave-1" in n]
