"""Database side of a reliability run, run as a subprocess inside the run's environment
(``DATABASE_URL`` / ``COLLABDX_DATA_DIR`` already set), so each run gets its own settings.

    python -m reliability.dbtool prepare --waves 3      # migrate, collectstatic, waves
    python -m reliability.dbtool dump --wave 1          # every stored response, checked

Both print one JSON document on stdout.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
from typing import Any


def _django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "collabdx.web.settings")
    import django

    django.setup()


def prepare(partners: int, waves: int, static_from: str = "") -> dict[str, Any]:
    """Like ``collabdx serve`` before gunicorn (migrate, collectstatic), then a
    collaboration with ``partners`` partners and ``waves`` open waves (one per part of
    the run, so each part's responses are counted on their own), a link per partner.

    ``static_from``: a STATIC_ROOT an earlier run collected (identical files) to copy
    instead of collecting again, which takes seconds of compression each time."""
    import shutil

    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from collabdx.web.collab import services

    call_command("migrate", interactive=False, verbosity=0)
    if static_from:
        shutil.copytree(static_from, settings.STATIC_ROOT, dirs_exist_ok=True)
    else:
        call_command("collectstatic", interactive=False, verbosity=0)
    owner = get_user_model().objects.create_user(username="reliability", password=None)
    collab = services.create_collaboration(
        owner=owner,
        name="Reliability test collaboration (synthetic)",
        collaboration_type="provider_collaborative",
        mandated=False,
        cross_sector=True,
        life_cycle_stage="implementation",
        partner_names=[f"Synthetic Partner {n}" for n in range(1, partners + 1)],
    )
    today = dt.date.today()
    out = []
    for n in range(1, waves + 1):
        wave = services.open_wave(
            collab,
            name=f"Reliability wave {n}",
            instrument_id="readiness",
            instrument_version="1",
            opens_on=today - dt.timedelta(days=1),
            closes_on=today + dt.timedelta(days=30),
        )
        tokens = list(wave.links.order_by("id").values_list("token", flat=True))
        out.append({"wave": wave.pk, "tokens": tokens})
    return {"waves": out}


def dump(wave_id: int) -> dict[str, Any]:
    """Every stored response of the wave, each checked against the wave's instrument:
    a complete, valid answer set (``services.complete_answers`` accepts it unchanged)."""
    from collabdx.web.collab.models import PartnerLink, Wave
    from collabdx.web.survey import services
    from collabdx.web.survey.models import Draft, Response, SubmissionReceipt

    wave = Wave.objects.get(pk=wave_id)
    instrument = services.instrument_for(wave)
    partners = set(PartnerLink.objects.filter(wave=wave).values_list("partner_id", flat=True))
    rows = []
    for response in Response.objects.filter(wave=wave).order_by("id"):
        problem = ""
        try:
            checked = services.complete_answers(instrument, response.answers)
            if checked != response.answers:
                problem = "answers change when validated again"
        except services.SurveyError as exc:
            problem = f"{type(exc).__name__}: {exc}"
        if (response.instrument_id, response.instrument_version) != (
            wave.instrument_id,
            wave.instrument_version,
        ):
            problem = problem or "wrong instrument version"
        if response.partner_id not in partners:
            problem = problem or "partner without a link in this wave"
        rows.append({"answers": response.answers, "problem": problem})
    return {
        "responses": rows,
        "receipts": SubmissionReceipt.objects.filter(wave=wave).count(),
        "drafts": Draft.objects.filter(link__wave=wave).count(),
        "draft_answers": sorted(
            json.dumps(a, sort_keys=True)
            for a in Draft.objects.filter(link__wave=wave).values_list("answers", flat=True)
        ),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m reliability.dbtool")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("prepare")
    p.add_argument("--partners", type=int, default=6)
    p.add_argument("--waves", type=int, default=1)
    p.add_argument("--static-from", default="")
    d = sub.add_parser("dump")
    d.add_argument("--wave", type=int, required=True)
    args = parser.parse_args(argv)
    _django()
    if args.command == "prepare":
        result = prepare(args.partners, args.waves, args.static_from)
    else:
        result = dump(args.wave)
    json.dump(result, sys.stdout)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
