"""Fixtures for the bad-input tests: an open wave with one partner link."""

from __future__ import annotations

import pytest

from collabdx.web.collab.models import PartnerLink
from tests.web.factories import CollaborationFactory, PartnerFactory, UserFactory, WaveFactory


@pytest.fixture(autouse=True)
def _plain_static_storage(settings):
    # The manifest storage needs collectstatic; tests serve static files from finders.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture
def link(db) -> PartnerLink:
    collab = CollaborationFactory(owner=UserFactory(username="owner"), name="Bad Input Alliance")
    partner = PartnerFactory(collaboration=collab, name="Alpha Trust")
    wave = WaveFactory(collaboration=collab, name="Wave 1")
    return PartnerLink.objects.create(wave=wave, partner=partner)
