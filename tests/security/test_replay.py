"""Idempotent submission under parallel replay.

The survey's version is ``tests/web/test_survey.py::test_parallel_replays_store_one_response``
(six threads post the same submit at once; exactly one response and one receipt are
stored). It runs on SQLite in ``make test`` and on PostgreSQL in ``make test-postgres``.
This adds the same proof for the maturity matrix's private ratings, whose one-time
form token is the replay guard, on whichever database DATABASE_URL names.
"""

from __future__ import annotations

import re
import threading

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client

from collabdx.core.theory import load_theory
from collabdx.web.workshop.models import MaturityRating, RatingReceipt
from collabdx.web.workshop.services import open_round
from tests.web.factories import CollaborationFactory, WaveFactory
from tests.web.test_survey import file_database  # noqa: F401 - the fixture


@pytest.mark.django_db(transaction=True)
def test_parallel_replays_of_one_rating_form_store_one_rating(file_database):  # noqa: F811
    wave = WaveFactory(collaboration=CollaborationFactory())
    open_round(wave)  # ratings are taken only while a round is open
    url = f"/m/{wave.maturity_token}/"
    page = Client().get(url).content.decode()
    form_token = re.search(r'name="form_token" value="([^"]+)"', page).group(1)
    element = next(iter(load_theory().maturity_elements))
    data = {"form_token": form_token, element: "generative"}

    n_threads = 6
    barrier = threading.Barrier(n_threads)
    statuses: list[int] = []
    errors: list[BaseException] = []

    def post() -> None:
        try:
            c = Client(raise_request_exception=True)  # a separate device each: no session guard
            barrier.wait(timeout=10)
            statuses.append(c.post(url, data).status_code)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=post) for _ in range(n_threads)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not errors, errors
    assert statuses == [302] * n_threads  # each device is told "thank you"
    assert MaturityRating.objects.count() == 1
    assert RatingReceipt.objects.count() == 1
    assert settings.DATABASES["default"]["ENGINE"]  # runs on SQLite or PostgreSQL
