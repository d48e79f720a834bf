"""The demo collaboration loaded by `make run` is labelled and complete."""

import pytest

from collabdx.core.demo import DEMO_PARTNERS
from collabdx.web.survey.demo import load_demo
from collabdx.web.survey.models import Response
from collabdx.web.survey.services import wave_is_open

pytestmark = pytest.mark.django_db


def test_load_demo_builds_two_closed_waves_of_synthetic_responses_and_an_open_one(owner):
    collab = load_demo(owner)
    assert collab.is_demo and collab.name.startswith("Demo:")
    assert all("(fictional)" in p.name for p in collab.partners.all())
    *waves, open_wave = list(collab.waves.all())
    assert len(waves) == 2
    # Results show only for closed waves, so the demo's results must be closed ...
    assert all(w.results_released() for w in waves)
    # ... and the open one lets someone try the survey, with nothing to difference.
    assert wave_is_open(open_wave) and not Response.objects.filter(wave=open_wave).exists()
    per_wave = sum(p.size for p in DEMO_PARTNERS)
    for wave in waves:
        rows = Response.objects.filter(wave=wave)
        assert rows.count() == per_wave
        assert {(r.instrument_id, r.instrument_version) for r in rows} == {("readiness", "1")}
    assert collab.events.count() == 4


def test_reloading_replaces_rather_than_duplicates(owner):
    load_demo(owner)
    load_demo(owner)
    assert owner.owned_collaborations.filter(is_demo=True).count() == 1


def test_demo_page_is_labelled(owner, owner_client):
    collab = load_demo(owner)
    html = owner_client.get(f"/collaborations/{collab.pk}/").content.decode()
    assert "synthetic responses from fictional organisations" in html
