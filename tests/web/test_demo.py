"""The demo collaboration loaded by `make run` is labelled and complete."""

import pytest

from collabdx.core.demo import DEMO_PARTNERS
from collabdx.web.collab.demo import load_demo
from collabdx.web.survey.models import Response

pytestmark = pytest.mark.django_db


def test_load_demo_builds_two_waves_of_synthetic_responses(owner):
    collab = load_demo(owner)
    assert collab.is_demo and collab.name.startswith("Demo:")
    assert all("(fictional)" in p.name for p in collab.partners.all())
    waves = list(collab.waves.all())
    assert len(waves) == 2
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
