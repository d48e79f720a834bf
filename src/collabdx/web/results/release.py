"""When a wave's results may be shown: only once the wave has closed.

While a wave is open, every new submission changes the figures. A facilitator
who reads the report before and after one more response can subtract the two
and recover that respondent's scale scores (means times counts), however large
the group. Disclosure control on a single report cannot stop that, so no
figure from an open wave is shown anywhere: not the report, its PDF, the
exports, the research section or the trends. Response counts (under the usual
minimum group size) are still shown, because a facilitator needs them to chase
responses and they say nothing about what anyone answered.

A wave closes at the end of its ``closes_on`` day, or when the facilitator closes
it early (``closed_on``: released straight away, since the links stop taking answers
at that moment). It cannot be reopened, so once released the figures never change.
"""

from __future__ import annotations

import datetime as dt

from collabdx.web.collab.models import Wave


def results_released(wave: Wave, today: dt.date | None = None) -> bool:
    """True once the wave has closed: the day after its closing date, or from the
    day it was closed early."""
    return wave.has_closed_by(today or dt.date.today())


def release_date(wave: Wave) -> dt.date:
    """The first day on which the wave's results are shown."""
    if wave.closed_on is not None:
        return wave.closed_on
    return wave.closes_on + dt.timedelta(days=1)
