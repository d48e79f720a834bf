"""Writes for the results pages: exports to a temporary file, and the action plan.

Action plan writes go through ``collab.services`` (which owns ``ActionPlanItem``);
this module only checks what the results pages send before calling it.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from dataclasses import dataclass
from pathlib import Path

from django.utils.text import slugify

from collabdx.core.microdata import anonymise
from collabdx.core.scoring import scale_scores
from collabdx.core.theory import load_theory
from collabdx.io.exporters import ExportFormat, export_responses
from collabdx.web.collab import services as collab_services
from collabdx.web.collab.models import ActionPlanItem, Collaboration, Wave
from collabdx.web.survey.wave_data import load_wave

CONTENT_TYPES: dict[str, str] = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json",
}


class ExportRefused(Exception):
    """Too few responses to release any row of them."""


class NotReleased(ExportRefused):
    """The wave is still open, so none of its rows are released yet (see ``release``)."""


@dataclass(frozen=True)
class ExportFile:
    filename: str
    content_type: str
    data: bytes


def export_filename(collab: Collaboration, wave: Wave, fmt: str) -> str:
    """``collabdx-<collab>-<wave>.<ext>``, ASCII only, so it is safe in any header."""
    c = slugify(collab.name)[:60].strip("-") or f"collaboration-{collab.pk}"
    w = slugify(wave.name)[:60].strip("-") or f"wave-{wave.pk}"
    return f"collabdx-{c}-{w}.{fmt}"


def export_wave(wave: Wave, fmt: ExportFormat, k: int) -> ExportFile:
    """The wave's responses as one file, in random order with random respondent ids,
    k-anonymous over the organisation and the descriptor items (``core.microdata``).

    The organisation column holds the partner's name only for partners whose
    count the results pages show; partners hidden by disclosure control read
    "not shown", all together. Descriptors are banded or "not shown" where a
    combination would be shared by fewer than k people; the codebook says what
    was done. Refused while the wave is open (two downloads either side of one
    submission would isolate that row) and under k responses.
    """
    if fmt not in CONTENT_TYPES:
        raise ValueError(f"unknown export format {fmt!r}")
    if not wave.results_released():
        raise NotReleased(wave.name)
    data = load_wave(wave)
    if data.responses.n < k:
        raise ExportRefused(wave.name)
    responses = data.responses
    protection = anonymise(responses, k, partners=list(data.partner_counts))
    filename = export_filename(wave.collaboration, wave, fmt)
    with tempfile.TemporaryDirectory(prefix="collabdx-export-") as tmp:
        path = Path(tmp) / filename
        export_responses(
            responses, path, fmt, scores=scale_scores(responses), protection=protection
        )
        content = path.read_bytes()
    return ExportFile(filename, CONTENT_TYPES[fmt], content)


def adopt(collab: Collaboration, action_id: str, wave: Wave | None) -> ActionPlanItem:
    """Add a Table 10 statement to the collaboration's plan (once; again is a no-op)."""
    statement = load_theory().action_statements.get(action_id)
    if statement is None:
        raise collab_services.ServiceError("That action statement does not exist")
    return collab_services.adopt_action(collab, statement.id, wave)


def update_plan(
    item: ActionPlanItem,
    *,
    owner_name: str,
    due_on: dt.date | None,
    status: str,
    note: str,
    reviewed_in: Wave | None,
) -> ActionPlanItem:
    if reviewed_in is not None and reviewed_in.collaboration_id != item.collaboration_id:
        raise collab_services.ServiceError("That wave belongs to another collaboration")
    return collab_services.update_plan_item(
        item,
        owner_name=owner_name,
        due_on=due_on,
        status=status,
        note=note,
        reviewed_in=reviewed_in,
    )
