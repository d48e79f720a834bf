"""Wave.closed_on: an early close is recorded, and the planned dates stay (issue 17, bug 5).

Before this, closing a wave early set ``closes_on`` to the day before the close and
``opens_on`` no later than that, so a wave opened and closed on 5 December read
"4 December to 4 December". The planned closing date of such a wave is lost, but
the rewrite left marks that show the day of the close (D):

* responses dated after ``closes_on``: they came in on D, before the close, so
  D = ``closes_on`` + 1 (and no response is dated later than D);
* a wave created on ``closes_on`` + 1: no one opens a wave that closed the day before,
  so it was created on D and closed the same day.

Such a wave gets ``closed_on`` = D and ``closes_on`` = D (the latest day it is known
to have been planned to run). Its ``opens_on`` was pulled back to D - 1 when it had
been D or later; where nothing shows it was open before D (it was created on D and has
no response before D) it goes back to D. Every other wave ran its course (or was
closed early without a mark, and then its dates already say when it took answers)
and keeps ``closed_on`` empty. Going back, the field is dropped and the repaired
dates stay: they describe what happened at least as well as the rewritten ones.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import migrations, models
from django.db.models import Max, Min

ONE_DAY = dt.timedelta(days=1)


def repaired(
    opens_on: dt.date,
    closes_on: dt.date,
    created_on: dt.date,
    first_response: dt.date | None,
    last_response: dt.date | None,
) -> tuple[dt.date, dt.date, dt.date | None]:
    """(opens_on, closes_on, closed_on) for a wave as the old early close left it."""
    close_day = closes_on + ONE_DAY
    answered_after = last_response is not None and last_response == close_day
    created_after = created_on == close_day
    if not (answered_after or created_after):
        return opens_on, closes_on, None
    opened = opens_on
    nothing_earlier = first_response is None or first_response >= close_day
    if opens_on == closes_on and created_on >= close_day and nothing_earlier:
        opened = close_day
    return opened, close_day, close_day


def forwards(apps: Any, schema_editor: Any) -> None:
    Wave = apps.get_model("collab", "Wave")
    Response = apps.get_model("survey", "Response")
    for wave in Wave.objects.all().iterator():
        span = Response.objects.filter(wave_id=wave.pk).aggregate(
            first=Min("submitted_on"), last=Max("submitted_on")
        )
        opens_on, closes_on, closed_on = repaired(
            wave.opens_on, wave.closes_on, wave.created_on, span["first"], span["last"]
        )
        if closed_on is not None:
            Wave.objects.filter(pk=wave.pk).update(
                opens_on=opens_on, closes_on=closes_on, closed_on=closed_on
            )


class Migration(migrations.Migration):
    dependencies = [
        ("collab", "0002_roles"),
        ("survey", "0002_alter_draft_expires_on"),
    ]

    operations = [
        migrations.AddField(
            model_name="wave",
            name="closed_on",
            field=models.DateField(blank=True, null=True),
        ),
        migrations.RunPython(forwards, migrations.RunPython.noop),
    ]
