"""The migration that adds ``Wave.closed_on`` repairs waves the old early close rewrote.

The old "Close this wave now" set ``closes_on`` to the day before the close, and
``opens_on`` no later than that. The planned closing date is lost, but an early close
still shows where it happened: responses dated after ``closes_on`` (they came in on
the day of the close), or a wave created the day after its own closing date. Such a
wave gets ``closed_on`` = the day of the close and its dates back as far as they can
be known; every other wave is left as it is (``closed_on`` empty: it ran its course).
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("collab", "0002_roles"), ("survey", "0002_alter_draft_expires_on")]
AFTER = [("collab", "0003_wave_closed_on")]
D = dt.date(2026, 12, 5)


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.fixture
def back_to_latest():
    """Whatever happens, the other tests get the database migrated to the end."""
    yield
    _migrate_to_latest()


def test_old_early_closes_are_repaired_and_other_waves_left_alone(back_to_latest):
    apps = _migrate(BEFORE)
    User = apps.get_model("auth", "User")
    Collaboration = apps.get_model("collab", "Collaboration")
    Partner = apps.get_model("collab", "Partner")
    Wave = apps.get_model("collab", "Wave")
    Response = apps.get_model("survey", "Response")
    owner = User.objects.create(username="owner")
    collab = Collaboration.objects.create(
        name="C", collaboration_type="merger", mandated=False, cross_sector=False,
        life_cycle_stage="planning", owner=owner,
    )  # fmt: skip
    partner = Partner.objects.create(collaboration=collab, name="P")

    def wave(name, opens, closes, created, responses=()):
        w = Wave.objects.create(collaboration=collab, name=name, instrument_id="readiness",
                                instrument_version="1", opens_on=opens, closes_on=closes,
                                maturity_token=name)  # fmt: skip
        Wave.objects.filter(pk=w.pk).update(created_on=created)
        for day in responses:
            Response.objects.create(
                wave=w, partner=partner, instrument_id="readiness", instrument_version="1",
                answers={}, submitted_on=day,
            )  # fmt: skip
        return w.pk

    day_before = D - dt.timedelta(days=1)
    # Opened and closed on 5 December, with answers that day: the old close wrote 4 Dec.
    same_day = wave("same day", day_before, day_before, D, responses=[D, D])
    # Planned 5 December to 31 January, closed on 5 December before any answer.
    unanswered = wave("unanswered", day_before, day_before, D)
    # Ran from 1 November, closed early on 5 December after answers in November.
    ran = wave("ran", dt.date(2026, 11, 1), day_before, dt.date(2026, 10, 30),
               responses=[dt.date(2026, 11, 2), D])  # fmt: skip
    # Ran its course: nothing after its closing date.
    natural = wave("natural", dt.date(2026, 9, 1), dt.date(2026, 9, 21), dt.date(2026, 8, 30),
                   responses=[dt.date(2026, 9, 3)])  # fmt: skip
    # Opened with past dates (a record of an earlier round): not an early close.
    backdated = wave("backdated", dt.date(2025, 1, 1), dt.date(2025, 1, 21), D)

    apps = _migrate(AFTER)
    Wave = apps.get_model("collab", "Wave")

    def dates(pk):
        w = Wave.objects.get(pk=pk)
        return w.opens_on, w.closes_on, w.closed_on

    assert dates(same_day) == (D, D, D)
    assert dates(unanswered) == (D, D, D)
    assert dates(ran) == (dt.date(2026, 11, 1), D, D)
    assert dates(natural) == (dt.date(2026, 9, 1), dt.date(2026, 9, 21), None)
    assert dates(backdated) == (dt.date(2025, 1, 1), dt.date(2025, 1, 21), None)

    # And back: the field goes, the dates stay as repaired.
    apps = _migrate(BEFORE)
    assert apps.get_model("collab", "Wave").objects.get(pk=ran).closes_on == D


def _migrate_to_latest() -> None:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
