"""The report model of a released wave is drawn once and kept (issue 15): the second
request reads no responses, shows the same page, and anything the page shows that can
still change (an agreed level, a response, k) draws it anew; retention deletes it."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from collabdx.web.collab.lifecycle import purge_expired
from collabdx.web.results import model_cache, pack_files
from collabdx.web.survey import wave_data as data
from collabdx.web.workshop.models import MaturityAgreement
from tests.web.test_results import add, partners, report_url

pytestmark = pytest.mark.django_db


@pytest.fixture
def fifteen(collab, closed_wave):
    p = partners(collab)
    add(closed_wave, p["Alpha Trust"], 7, trust=(4, 4, 4, 4, 4, 4))
    add(closed_wave, p["Beta Care"], 6, trust=(3, 3, 3, 3, 3, 2))
    add(closed_wave, p["Gamma Health"], 2, trust=(1, 1, 1, 2, 2, 3))
    return closed_wave


def page(client, collab, wave) -> str:
    r = client.get(report_url(collab, wave))
    assert r.status_code == 200
    # The CSRF token and script nonce differ per request; nothing else may.
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", r.content.decode())
    return re.sub(r'nonce="[^"]+"', "", html)


@pytest.fixture
def loads(monkeypatch):
    calls: list[int] = []
    real = data.load_wave

    def counted(wave, k=None):
        calls.append(wave.pk)
        return real(wave, k)

    monkeypatch.setattr(model_cache, "load_wave", counted)
    return calls


def kept(wave) -> list:
    return sorted(pack_files.pack_dir().glob(f"wave-{wave.pk}-model-*"))


def test_second_request_reads_no_responses_and_shows_the_same(owner_client, collab, fifteen,
                                                              loads):  # fmt: skip
    first = page(owner_client, collab, fifteen)
    assert loads == [fifteen.pk] and len(kept(fifteen)) == 1
    assert page(owner_client, collab, fifteen) == first
    assert loads == [fifteen.pk]
    assert "15 people responded." in first


def test_what_can_still_change_draws_it_anew(settings, owner_client, collab, fifteen, loads):
    page(owner_client, collab, fifteen)
    MaturityAgreement.objects.create(wave=fifteen, element_id="m1", agreed_level="generative",
                                     recorded_on=dt.date.today())  # fmt: skip
    page(owner_client, collab, fifteen)
    assert len(loads) == 2 and len(kept(fifteen)) == 1  # the old one replaced
    add(fifteen, partners(collab)["Gamma Health"], 1, trust=(2, 2, 2, 2, 2, 2))
    assert "16 people responded." in page(owner_client, collab, fifteen)
    settings.MIN_GROUP_SIZE = 6
    page(owner_client, collab, fifteen)
    assert len(loads) == 4


def test_an_open_wave_is_never_kept(owner_client, collab, wave, loads):
    add(wave, partners(collab)["Alpha Trust"], 6)
    model_cache.pack_model(wave, 5)
    model_cache.pack_model(wave, 5)
    assert len(loads) == 2 and kept(wave) == []


def test_retention_deletes_the_kept_model(settings, owner_client, collab, fifteen):
    page(owner_client, collab, fifteen)
    assert kept(fifteen)
    later = fifteen.closes_on + dt.timedelta(days=settings.RETENTION_DAYS + 1)
    purge_expired(today=later)
    assert kept(fifteen) == []


def test_a_kept_file_changed_on_disk_is_never_unpickled(owner_client, collab, fifteen, loads,
                                                        monkeypatch):  # fmt: skip
    first = page(owner_client, collab, fifteen)
    (path,) = kept(fifteen)
    sealed = path.read_bytes()
    # Same length, one byte of the pickle changed: the MAC no longer checks.
    path.write_bytes(sealed[:-1] + bytes([sealed[-1] ^ 1]))
    unpickled: list[bytes] = []
    real = model_cache.pickle.loads
    monkeypatch.setattr(model_cache.pickle, "loads", lambda b: unpickled.append(b) or real(b))
    assert page(owner_client, collab, fifteen) == first
    assert unpickled == []  # refused before unpickling
    assert loads == [fifteen.pk, fifteen.pk]  # drawn anew from the responses
