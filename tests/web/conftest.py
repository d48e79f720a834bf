"""Shared fixtures for the web tests. The same suite runs on SQLite and PostgreSQL
(set DATABASE_URL); see .ci/run."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.web.factories import CollaborationFactory, PartnerFactory, UserFactory, WaveFactory


@pytest.fixture(autouse=True)
def _plain_static_storage(settings):
    # The manifest storage needs collectstatic; tests serve static files from finders.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture
def owner(db):
    return UserFactory(username="owner")


@pytest.fixture
def stranger(db):
    return UserFactory(username="stranger")


@pytest.fixture
def owner_client(owner) -> Client:
    c = Client()
    c.force_login(owner)
    return c


@pytest.fixture
def stranger_client(stranger) -> Client:
    c = Client()
    c.force_login(stranger)
    return c


@pytest.fixture
def collab(owner):
    c = CollaborationFactory(owner=owner, name="North Alliance")
    for name in ("Alpha Trust", "Beta Care", "Gamma Health"):
        PartnerFactory(collaboration=c, name=name)
    return c


@pytest.fixture
def wave(collab):
    from collabdx.web.collab.models import PartnerLink

    w = WaveFactory(collaboration=collab, name="Wave 1")
    for p in collab.partners.all():
        PartnerLink.objects.create(wave=w, partner=p)
    return w
