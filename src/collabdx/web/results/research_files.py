"""Researchers' downloads of one wave: model syntax (lavaan, Mplus) and the responses
as SPSS (.sav) and Stata (.dta) files with variable and value labels (issue 18).

Gated like every research download (``research._gate``: another facilitator gets 404,
nothing while the wave is open, nothing under k). The syntax files hold no data. The
SPSS and Stata files are row-level, so their rows come only from
:func:`protected_rows_for_download`, the one place that decides what a row may show.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from collabdx.core.psychometrics.syntax import lavaan_script, mplus_input
from collabdx.core.scoring import scale_scores
from collabdx.io.codebook import build_codebook
from collabdx.io.exporters import tidy_table
from collabdx.io.statfiles import StatFormat, labelled_frame, statfile_bytes
from collabdx.web.collab.access import Action, wave_for
from collabdx.web.results.data import WaveData
from collabdx.web.results.research import _attachment, _filename, _gate
from collabdx.web.security.events import Kind, record

STAT_TYPES = {"sav": "application/x-spss-sav", "dta": "application/x-stata-dta"}


def protected_rows_for_download(
    data: WaveData, k: int
) -> tuple[pd.DataFrame, list[dict[str, Any]]]:
    """The rows and codebook a row-level research download may contain.

    Every row-level file goes through the same k-anonymity protection (issue 12). Until
    the core function that makes rows k-anonymous over the organisation and the
    descriptor items while keeping as much as it can (``core.microdata.anonymise``,
    branch ``anon-export``) is merged, this keeps no quasi-identifier at all: no
    organisation, no descriptor or context item, no free text, only the scored answers
    and scale scores. All rows then share one equivalence class of N ≥ k rows (``_gate``
    refuses under k), so the file is k-anonymous by construction. Connect
    ``anonymise`` here to keep the protected descriptors too; nothing else changes.
    """
    responses = data.responses
    if responses.n < k:  # _gate refuses first; this guards any other caller
        raise ValueError(f"fewer than {k} responses: no row-level file")
    instrument = responses.instrument
    header, rows = tidy_table(responses, scale_scores(responses))
    keep = [i for i, name in enumerate(header)
            if name in ("respondent_id", "instrument_id", "instrument_version")
            or name.startswith("scale_")
            or (name in instrument.items and instrument.items[name].role == "scored")]  # fmt: skip
    header = [header[i] for i in keep]
    rows = [[row[i] for i in keep] for row in rows]
    codebook = [e for e in build_codebook(instrument, [h for h in header
                                                      if h.startswith("scale_")])
                if e["name"] in header]  # fmt: skip
    codebook.append({
        "name": "_disclosure", "label": "Organisation, role, staff group, time at the "
        "organisation and on the collaboration, and free text are not in this file, so "
        f"every row is one of {len(rows)} alike in them (k = {k}).", "type": "note",
        "role": None, "codes": [], "reverse_keyed": False, "scale": None, "items": [],
        "source": "collabdx disclosure control (issue 12)",
    })  # fmt: skip
    return labelled_frame(header, rows, codebook), codebook


def _statfile(request: HttpRequest, pk: int, wave_pk: int, fmt: StatFormat) -> HttpResponse:
    wave = wave_for(request, pk, wave_pk, Action.DOWNLOAD)  # row-level: as the exports
    data = _gate(request, wave, download=True)
    if isinstance(data, HttpResponse):
        return data
    record(Kind.DOWNLOAD, request=request, collaboration=wave.collaboration,
           detail=f"Research data ({fmt.upper()}) of {wave.name}")  # fmt: skip
    frame, codebook = protected_rows_for_download(data, settings.MIN_GROUP_SIZE)
    columns = [e for e in codebook if e["name"] in frame.columns]
    notes = [e["label"] for e in codebook if e["name"] not in frame.columns]
    notes.append(
        "Small samples: every analysis of these data on the collabdx research page says the "
        "n it used and the n it needs (reliability 100, a CFA 480 complete responses)."
    )
    body = statfile_bytes(frame, columns, fmt, notes)
    return _attachment(body, STAT_TYPES[fmt], _filename(wave, f"-responses.{fmt}"))


@never_cache
@login_required
@require_safe
def research_sav(request: HttpRequest, pk: int, wave_pk: int) -> HttpResponse:
    """The wave's protected responses as an SPSS file with variable and value labels."""
    return _statfile(request, pk, wave_pk, "sav")


@never_cache
@login_required
@require_safe
def research_dta(request: HttpRequest, pk: int, wave_pk: int) -> HttpResponse:
    """The wave's protected responses as a Stata file with variable and value labels."""
    return _statfile(request, pk, wave_pk, "dta")


def _syntax(request: HttpRequest, pk: int, wave_pk: int, kind: str) -> HttpResponse:
    wave = wave_for(request, pk, wave_pk, Action.READ)  # no data, as the statistics' JSON
    data = _gate(request, wave, download=True)
    if isinstance(data, HttpResponse):
        return data
    record(Kind.DOWNLOAD, request=request, collaboration=wave.collaboration,
           detail=f"Research model syntax ({kind}) of {wave.name}")  # fmt: skip
    instrument = data.responses.instrument
    if kind == "lavaan":
        text = lavaan_script(instrument, data_file=_filename(wave, "-responses.sav"))
        return _attachment(text.encode("utf-8"), "text/plain; charset=utf-8",
                           _filename(wave, "-lavaan.R"))  # fmt: skip
    text = mplus_input(instrument)
    return _attachment(text.encode("utf-8"), "text/plain; charset=utf-8",
                       _filename(wave, "-mplus.inp"))  # fmt: skip


@never_cache
@login_required
@require_safe
def research_lavaan(request: HttpRequest, pk: int, wave_pk: int) -> HttpResponse:
    """An R script fitting, with lavaan, the models the research page fitted."""
    return _syntax(request, pk, wave_pk, "lavaan")


@never_cache
@login_required
@require_safe
def research_mplus(request: HttpRequest, pk: int, wave_pk: int) -> HttpResponse:
    """An Mplus input file for the research page's CFA."""
    return _syntax(request, pk, wave_pk, "mplus")
