"""Load a demo collaboration with synthetic responses, clearly labelled as demo data."""

from __future__ import annotations

import datetime as dt
import math

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from collabdx.core.demo import DEMO_PARTNERS, demo_responses
from collabdx.web.collab import services
from collabdx.web.collab.models import Collaboration
from collabdx.web.survey.models import Response

DEMO_USERNAME = "demo"
DEMO_NAME = "Demo: Riverside Mental Health Provider Collaborative"


def _answers(rs, row: int) -> dict[str, object]:
    out: dict[str, object] = {}
    for item_id, value in rs.codes.iloc[row].items():
        if not math.isnan(value):
            out[str(item_id)] = int(value)
    text = rs.text.iloc[row].get("Q3", "")
    if text:
        out["Q3"] = text
    return out


@transaction.atomic
def load_demo(owner: AbstractBaseUser, today: dt.date | None = None) -> Collaboration:
    """(Re)create the demo collaboration: two closed waves about three months apart with
    synthetic responses, an open third wave with none yet, and events."""
    today = today or dt.date.today()
    Collaboration.objects.filter(owner=owner, is_demo=True).delete()
    collab = services.create_collaboration(
        owner=owner,
        name=DEMO_NAME,
        collaboration_type="provider_collaborative",
        mandated=True,
        cross_sector=True,
        life_cycle_stage="implementation",
        partner_names=[p.name for p in DEMO_PARTNERS],
        is_demo=True,
    )
    partners = {p.name: p for p in collab.partners.all()}
    # Two closed waves with results, then an open one with no responses yet: results
    # are only shown once a wave closes (Wave.results_released), and the open wave's links
    # let someone trying the demo answer the survey.
    starts = [today - dt.timedelta(days=120), today - dt.timedelta(days=35)]
    for n, (start, seed) in enumerate(zip(starts, (2023, 2024), strict=True), start=1):
        wave = services.open_wave(
            collab,
            name=f"Wave {n}",
            instrument_id="readiness",
            instrument_version="1",
            opens_on=start,
            closes_on=start + dt.timedelta(days=21 if n == 1 else 28),
        )
        rs = demo_responses(seed=seed)
        rows = []
        for i, respondent in enumerate(rs.codes.index):
            partner_no = int(str(respondent).split("-")[1]) - 1
            partner = partners[DEMO_PARTNERS[partner_no].name]
            rows.append(
                Response(
                    wave=wave,
                    partner=partner,
                    instrument_id=wave.instrument_id,
                    instrument_version=wave.instrument_version,
                    answers=_answers(rs, i),
                    submitted_on=start + dt.timedelta(days=i % 14),
                )
            )
        Response.objects.bulk_create(rows)
    services.open_wave(
        collab,
        name="Wave 3",
        instrument_id="readiness",
        instrument_version="1",
        opens_on=today - dt.timedelta(days=2),
        closes_on=today + dt.timedelta(days=26),
    )
    events = [
        (starts[0] - dt.timedelta(days=30), "funding", "Transformation funding agreed"),
        (starts[0] + dt.timedelta(days=40), "quick_win", "Shared crisis line went live"),
        (starts[0] + dt.timedelta(days=70), "leadership_change", "New programme director"),
        (starts[1] - dt.timedelta(days=10), "conflict", "Disagreement over bed allocation"),
    ]
    for happened_on, kind, description in events:
        services.record_event(collab, happened_on=happened_on, kind=kind, description=description)
    return collab


def demo_user(password: str) -> AbstractBaseUser:
    user_model = get_user_model()
    user, _ = user_model.objects.get_or_create(username=DEMO_USERNAME)
    user.set_password(password)
    user.save()
    return user
