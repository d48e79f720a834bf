"""Fixtures for the security tests: a small world with every role the access matrix
needs. The same suite runs on SQLite and PostgreSQL (DATABASE_URL), see the Makefile."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

import pytest
from django.conf import settings
from django.test import Client

from collabdx.core.instruments import load_instrument
from collabdx.web.collab.models import (
    ActionPlanItem,
    Collaboration,
    Membership,
    PartnerLink,
    Wave,
)
from collabdx.web.collab.services import close_wave
from collabdx.web.security.models import SignedInSession
from collabdx.web.workshop.models import MaturityAgreement, MaturityRating, RatingRound
from tests.web.factories import (
    CollaborationFactory,
    EventFactory,
    PartnerFactory,
    ResponseFactory,
    UserFactory,
    WaveFactory,
)

READINESS = load_instrument("readiness", "1")
PASSWORD = "a long enough passphrase"  # tests.web.factories.UserFactory's password


def full_answers(org: str = "Typed organisation") -> dict[str, object]:
    """A complete, valid readiness v1 answer set (every choice item answered 3 or 1)."""
    out: dict[str, object] = {}
    for item in READINESS.items.values():
        if item.type == "choice":
            out[item.id] = 3 if 3 in item.codes else item.codes[0]
        else:
            out[item.id] = org
    return out


def varied_answers(rng: random.Random, **fixed: object) -> dict[str, object]:
    """A complete readiness v1 answer set that no data-quality check sets aside: random
    codes, and two scored questions answered differently, so never straight-lined
    (and, with 29 random codes, never an exact repeat of another)."""
    out: dict[str, object] = {}
    for item in READINESS.items.values():
        if item.type == "choice":
            out[item.id] = rng.choice(item.codes)
    scored = [i.id for i in READINESS.scored_items]
    out[scored[0]], out[scored[1]] = 1, 5
    out.update(fixed)
    return out


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
    settings.MIN_GROUP_SIZE = 5
    # Argon2 is deliberately slow; the matrix builds hundreds of users. Tests that are
    # about password hashing say so and use the real setting.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@dataclass
class World:
    owner: object
    cofac: object
    other: object
    collab: Collaboration
    wave: Wave
    link: PartnerLink
    item: ActionPlanItem
    other_collab: Collaboration
    other_wave: Wave
    other_link: PartnerLink
    viewer: object = None
    owner_elsewhere: SignedInSession | None = None  # the owner signed in on another computer


def build_world(n_responses: int = 6, *, released: bool = False) -> World:
    """Two collaborations with their facilitators; ``wave`` is open (its survey link
    works) unless ``released``, which closes it after the responses are in, so its
    results pages show figures (Wave.results_released)."""
    owner = UserFactory(username="owner")
    cofac = UserFactory(username="cofac")
    viewer = UserFactory(username="viewer")
    other = UserFactory(username="other")
    collab = CollaborationFactory(owner=owner, name="North Alliance")
    Membership.objects.create(collaboration=collab, user=cofac, role=Membership.COFACILITATOR)
    Membership.objects.create(collaboration=collab, user=viewer, role=Membership.VIEWER)
    partners = [PartnerFactory(collaboration=collab, name=n) for n in ("Alpha", "Beta", "Gamma")]
    wave = WaveFactory(collaboration=collab, name="Wave 1")
    links = [PartnerLink.objects.create(wave=wave, partner=p) for p in partners]
    rng = random.Random(n_responses)  # varied: the data-quality check keeps them all
    for i in range(n_responses):
        ResponseFactory(wave=wave, partner=partners[i % 3], answers=varied_answers(rng))
    EventFactory(collaboration=collab, description="Funding agreed")
    item = ActionPlanItem.objects.create(collaboration=collab, action_id="t10.01", adopted_in=wave)
    # A rating round open for the workshop, with one (empty) rating in it.
    rnd = RatingRound.objects.create(wave=wave, number=1, opened_on=dt.date.today())
    MaturityRating.objects.create(wave=wave, round=rnd, ratings={}, submitted_on=dt.date.today())
    MaturityAgreement.objects.create(
        wave=wave, element_id=_first_element(), agreed_level="bureaucratic",
        recorded_on=dt.date.today(),
    )  # fmt: skip
    if released:
        close_wave(wave)
    other_collab = CollaborationFactory(owner=other, name="Other Alliance")
    other_partner = PartnerFactory(collaboration=other_collab, name="Delta")
    other_wave = WaveFactory(collaboration=other_collab, name="Other wave")
    other_link = PartnerLink.objects.create(wave=other_wave, partner=other_partner)
    today = dt.date.today()
    elsewhere = SignedInSession.objects.create(user=owner, created_on=today, last_seen_on=today)
    return World(owner, cofac, other, collab, wave, links[0], item, other_collab, other_wave,
                 other_link, viewer, elsewhere)  # fmt: skip


def _first_element() -> str:
    from collabdx.core.theory import load_theory

    return next(iter(load_theory().maturity_elements))


@pytest.fixture
def world(db) -> World:
    return build_world()


def signed_in(user: object, *, csrf: bool = False) -> Client:
    c = Client(enforce_csrf_checks=csrf)
    c.force_login(user)
    return c


def csrf_token(client: Client) -> str:
    """A CSRF token for this client, got the way a browser gets one: from a form page."""
    r = client.get("/sign-in/")
    assert r.status_code == 200
    return client.cookies[settings.CSRF_COOKIE_NAME].value
