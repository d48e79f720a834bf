"""Export everything held about a collaboration, as one ZIP (owner only).

The archive is what a facilitator could see in the service, gathered in one file
(for a subject access or freedom of information request, or before deleting):

* ``collaboration.json``: the collaboration, its facilitators' usernames, partners,
  waves, events, action plan, the maturity levels agreed, and for each wave the
  response count and private maturity ratings *as the facilitator pages show them*
  (under the same disclosure control);
* ``responses/<wave>.csv`` and ``.json``: each wave's responses as the results
  page's export makes them: shuffled, with fresh random ids, formula-safe,
  k-anonymous over organisation and descriptors (``core.microdata``), and nothing
  at all for a wave under k responses or a wave still open (see ``Wave.results_released``);
* ``README.txt``: what is in the archive and what is deliberately not.

Deliberately left out: passwords and two-factor secrets, the survey and rating
link tokens (anyone holding one could still answer an open wave), submission and
rating receipts and drafts (technical keys with no answers a facilitator could
use), and individual maturity ratings (shown only in aggregate, as in the service).
"""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.text import slugify

from collabdx.web.collab import hooks, lifecycle, presenters
from collabdx.web.collab.models import Collaboration, Wave
from collabdx.web.security.events import LABELS

README = """\
Everything {service} holds about the collaboration "{name}", exported on {today}.

collaboration.json  the collaboration, facilitators' usernames, partner organisations,
                    survey waves, timeline events, action plan, agreed maturity levels,
                    and per wave the number of responses and the private maturity
                    ratings as the facilitator pages show them.
responses/          for each closed wave with at least {k} responses, its responses in the
                    results page's export format (CSV and JSON with a codebook):
                    rows shuffled, respondent ids made up afresh, and every
                    combination of organisation, role, staff group and time in post
                    shared by at least {k} rows: rarer values read "Not shown" or a
                    band (each file's codebook says which and why). A wave too small
                    to protect anonymity has no file: no figure is released for it.
                    Open waves have no file until they close.

Not included: passwords and two-factor keys; the survey and rating links (they are
keys that still work while a wave is open); drafts and submission receipts
(technical records with no answers in them); individual maturity ratings.

Responses and private ratings are deleted {days} days after their wave closes.
"""


def _members(collab: Collaboration, role: str) -> list[str]:
    return sorted(m.user.get_username() for m in collab.memberships.filter(role=role))


def iso_date(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


def _wave_record(wave: Wave, k: int, files: dict[str, bytes]) -> dict[str, Any]:
    counts = presenters.wave_counts(wave, k)
    record: dict[str, Any] = {
        "name": wave.name,
        "instrument_id": wave.instrument_id,
        "instrument_version": wave.instrument_version,
        "opens_on": iso_date(wave.opens_on),
        "closes_on": iso_date(wave.closes_on),  # as planned
        "closed_early_on": iso_date(wave.closed_on) if wave.closed_on else None,
        "responses": counts.summary,
        "responses_deleted_from": iso_date(lifecycle.delete_after(wave)),
    }
    # The response files (results) and the maturity ratings (workshop): each app
    # adds what it holds, under the same disclosure control as its pages.
    for part in hooks.archive_parts():
        record.update(part(wave, k, files))
    return record


def collaboration_record(collab: Collaboration, k: int, files: dict[str, bytes]) -> dict[str, Any]:
    return {
        "exported_on": timezone.localdate().isoformat(),
        "minimum_group_size": k,
        "retention_days": lifecycle.retention_days(),
        "collaboration": {
            "name": collab.name,
            "type": presenters.type_name(collab.collaboration_type),
            "mandated": collab.mandated,
            "cross_sector": collab.cross_sector,
            "life_cycle_stage": presenters.stage_name(collab.life_cycle_stage),
            "created_on": iso_date(collab.created_on),
            "demo": collab.is_demo,
            "owner": collab.owner.get_username(),
            "co_facilitators": _members(collab, "cofacilitator"),
            "viewers": _members(collab, "viewer"),
        },
        "security_log": [
            {
                "at": e.at.isoformat(timespec="seconds"),
                "what": LABELS.get(e.kind, e.kind),
                "detail": e.detail,
                "who": e.actor_name,
                "client_code": e.client,
            }
            for e in collab.security_events.all()
        ],
        "partners": [p.name for p in collab.partners.all()],
        "waves": [_wave_record(w, k, files) for w in collab.waves.all()],
        "events": [
            {
                "date": iso_date(e.happened_on),
                "kind": e.get_kind_display(),
                "description": e.description,
            }
            for e in collab.events.all()
        ],
        "action_plan": [
            {
                "action_id": i.action_id,
                "owner": i.owner_name,
                "due_on": iso_date(i.due_on),
                "status": i.get_status_display(),
                "note": i.note,
                "adopted_in": i.adopted_in.name if i.adopted_in else None,
                "reviewed_in": i.reviewed_in.name if i.reviewed_in else None,
            }
            for i in collab.plan_items.select_related("adopted_in", "reviewed_in")
        ],
    }


def archive_filename(collab: Collaboration) -> str:
    name = slugify(collab.name)[:60].strip("-") or f"collaboration-{collab.pk}"
    return f"collabdx-{name}-everything.zip"


def build_archive(collab: Collaboration) -> bytes:
    k = settings.MIN_GROUP_SIZE
    files: dict[str, bytes] = {}
    record = collaboration_record(collab, k, files)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        readme = README.format(
            service=settings.SERVICE_NAME, name=collab.name, today=record["exported_on"], k=k,
            days=lifecycle.retention_days(),
        )  # fmt: skip
        zf.writestr("README.txt", readme)
        zf.writestr("collaboration.json", json.dumps(record, ensure_ascii=False, indent=2) + "\n")
        for name, data in files.items():
            zf.writestr(name, data)
    return buffer.getvalue()
