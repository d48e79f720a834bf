"""Shared fixtures for the web tests. The same suite runs on SQLite and PostgreSQL
(set DATABASE_URL); see .ci/run."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from tests.web.factories import CollaborationFactory, PartnerFactory, UserFactory, WaveFactory

IMMEDIATE_TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture(autouse=True)
def _tasks_inline(settings, tmp_path):
    # Background tasks run inside the request that queues them (tests/web/test_worker.py
    # runs the real database backend and worker), and generated files go to a fresh folder.
    settings.TASKS = IMMEDIATE_TASKS
    settings.GENERATED_DIR = tmp_path / "generated"


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
    """An open wave with a link per partner (survey tests answer through it)."""
    from collabdx.web.collab.models import PartnerLink

    w = WaveFactory(collaboration=collab, name="Wave 1")
    for p in collab.partners.all():
        PartnerLink.objects.create(wave=w, partner=p)
    return w


@pytest.fixture
def closed_wave(collab):
    """Like ``wave`` but closed last week: results are shown only once a wave has
    closed (``Wave.results_released``), so tests that read results use this one. Its
    responses are made by factories, as if submitted while it was open."""
    from collabdx.web.collab.models import PartnerLink

    today = dt.date.today()
    w = WaveFactory(
        collaboration=collab, name="Wave 1",
        opens_on=today - dt.timedelta(days=28), closes_on=today - dt.timedelta(days=7),
    )  # fmt: skip
    for p in collab.partners.all():
        PartnerLink.objects.create(wave=w, partner=p)
    return w
