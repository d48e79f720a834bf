"""Storing a wave's answers collected elsewhere (a file uploaded by its owner).

The survey app owns responses, so the write that stores a file's responses lives
here, next to the parsing (``upload.py``) and the pages (``upload_views.py``);
closing the wave afterwards is the base app's ``collab.services.close_wave``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from django.db import transaction
from django.http import HttpRequest

from collabdx.web.collab.models import Wave
from collabdx.web.collab.services import close_wave
from collabdx.web.security.events import Kind, record
from collabdx.web.survey.models import Response


@dataclass(frozen=True)
class Imported:
    """Responses stored from a file; the wave is closed (``closed_now``: by this call)."""

    stored: int
    left_out: int
    closed_now: bool


@dataclass(frozen=True)
class ImportRefused:
    """Nothing was stored, because ``reason`` (a sentence for the facilitator)."""

    reason: str


ImportOutcome = Imported | ImportRefused


@transaction.atomic
def import_responses(
    wave: Wave,
    *,
    instrument_id: str,
    instrument_version: str,
    collected: str,
    rows: Sequence[tuple[str, Mapping[str, int]]],
    mapping: Mapping[str, int | None],
    today: dt.date | None = None,
    request: HttpRequest | None = None,
) -> ImportOutcome:
    """Store answers collected elsewhere (``rows``: the file's organisation value and
    answer codes, already validated by the importer) in ``wave``, then close it.

    Why all-or-nothing in one transaction with the wave locked: a wave holds one
    population. Mixing online answers with a file's would count people twice, and a
    wave left open after an upload would let new answers be compared with the
    uploaded ones; so a wave with any response refuses, and the upload closes it.
    ``mapping`` sends each organisation value to a partner's id, or to None (leave
    those responses out: the facilitator chose so explicitly). Responses record the
    wave's instrument id and version, and the date of the upload only."""
    today = today or dt.date.today()
    locked = Wave.objects.select_for_update().get(pk=wave.pk)
    if (instrument_id, instrument_version) != (locked.instrument_id, locked.instrument_version):
        return ImportRefused(
            f"The file was read as {instrument_id} version {instrument_version}, but "
            f"{locked.name} uses {locked.instrument_id} version {locked.instrument_version}."
        )
    if Response.objects.filter(wave=locked).exists():
        return ImportRefused(
            f"{locked.name} already has responses collected online. Answers from a file "
            "go into a wave of their own: open a new wave and upload the file there."
        )
    if collected not in dict(Wave.COLLECTED) or collected == Wave.ONLINE:
        return ImportRefused(f"Unknown kind of file: {collected}.")
    partners = {p.pk: p for p in locked.collaboration.partners.all()}
    unmapped = sorted({org for org, _ in rows if org not in mapping})
    if unmapped:
        return ImportRefused("Choose a partner, or to leave them out, for every organisation.")
    if any(pk is not None and pk not in partners for pk in mapping.values()):
        return ImportRefused("Choose one of this collaboration's partners.")
    kept = [(partners[pk], answers) for org, answers in rows if (pk := mapping[org]) is not None]
    if not kept:
        return ImportRefused(
            "Every response would be left out. Choose a partner for at least one organisation."
        )
    Response.objects.bulk_create(
        Response(
            wave=locked,
            partner=partner,
            instrument_id=instrument_id,
            instrument_version=instrument_version,
            answers=dict(answers),
            submitted_on=today,
        )
        for partner, answers in kept
    )
    locked.collected = collected
    locked.save(update_fields=["collected"])
    record(
        Kind.RESPONSES_UPLOADED, request=request, collaboration=locked.collaboration,
        detail=f"{locked.name}: {len(kept)} responses from a file ({collected})",
    )  # fmt: skip
    closed_now = close_wave(locked, today, request=request)
    wave.collected, wave.closed_on = locked.collected, locked.closed_on
    return Imported(stored=len(kept), left_out=len(rows) - len(kept), closed_now=closed_now)
