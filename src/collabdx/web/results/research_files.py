"""Researchers' downloads of one wave: model syntax (lavaan, Mplus) and the responses
as SPSS (.sav) and Stata (.dta) files with variable and value labels (issue 18).

Gated like every research download (``research._gate``: another facilitator gets 404,
nothing while the wave is open, nothing under k). The syntax files hold no data. The
SPSS and Stata files are row-level, so their rows come only from
:func:`protected_rows_for_download`: the same k-anonymous rows as the CSV export.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from collabdx.core.microdata import NOT_SHOWN, anonymise
from collabdx.core.psychometrics.syntax import lavaan_script, mplus_input
from collabdx.core.scoring import scale_scores
from collabdx.io.codebook import build_codebook, disclosure_section
from collabdx.io.exporters import tidy_table
from collabdx.io.statfiles import StatFormat, labelled_frame, statfile_bytes
from collabdx.web.collab.access import Action, wave_for
from collabdx.web.results.research_views import _attachment, _filename, _gate
from collabdx.web.security.events import Kind, record
from collabdx.web.survey.wave_data import WaveData

STAT_TYPES = {"sav": "application/x-spss-sav", "dta": "application/x-stata-dta"}


def protected_rows_for_download(
    data: WaveData, k: int
) -> tuple[pd.DataFrame, list[dict[str, Any]]]:
    """The rows and codebook a row-level research download may contain.

    The same rows as the wave's CSV export (issue 12): the organisation and every
    descriptor k-anonymous by ``core.microdata.anonymise`` over the fixed partner
    list, so an SPSS or Stata file shows exactly what the CSV shows and no more.
    Statistics files need whole-number codes for value labels, so a band ("1-2") or
    "Not shown" in a descriptor column becomes a code of its own after the answers'
    codes (see :func:`_numbered`), labelled with what the CSV shows. The organisation
    stays text: the partner's name, or "Not shown".
    """
    responses = data.responses
    if responses.n < k:  # _gate refuses first; this guards any other caller
        raise ValueError(f"fewer than {k} responses: no row-level file")
    instrument = responses.instrument
    protection = anonymise(responses, k, partners=list(data.partner_counts))
    scores = scale_scores(responses)
    header, rows = tidy_table(responses, scores, protection)
    score_columns = [h for h in header if h.startswith("scale_")]
    codebook = build_codebook(instrument, score_columns, protection)
    _numbered(header, rows, codebook)
    section = disclosure_section(protection, instrument)
    codebook.append({
        "name": "_disclosure", "label": section["summary"], "type": "note",
        "role": None, "codes": [], "reverse_keyed": False, "scale": None, "items": [],
        "source": "collabdx disclosure control (issue 12)",
    })  # fmt: skip
    return labelled_frame(header, rows, codebook), codebook


def _numbered(header: list[str], rows: list[list[Any]], codebook: list[dict[str, Any]]) -> None:
    """Give every text code of a coded column (a band, "Not shown") a whole-number code
    after the column's own codes, in codebook order, with what it stood for as label."""
    for entry in codebook:
        text_codes = [c for c in entry["codes"] if not isinstance(c["code"], int)]
        if not text_codes or entry["name"] not in header:
            continue
        last = max((c["code"] for c in entry["codes"] if isinstance(c["code"], int)), default=0)
        number = {c["code"]: last + 1 + j for j, c in enumerate(text_codes)}
        col = header.index(entry["name"])
        for row in rows:
            if row[col] in number:
                row[col] = number[row[col]]
        entry["codes"] = [
            c if isinstance(c["code"], int)
            else {"code": number[c["code"]],
                  "label": NOT_SHOWN if c["code"] == NOT_SHOWN else f"{c['code']}: {c['label']}"}
            for c in entry["codes"]
        ]  # fmt: skip


def stat_download(data: WaveData, fmt: StatFormat, k: int) -> bytes:
    """The wave's protected responses as an SPSS or Stata file with variable and value
    labels (the rows of :func:`protected_rows_for_download`)."""
    frame, codebook = protected_rows_for_download(data, k)
    columns = [e for e in codebook if e["name"] in frame.columns]
    notes = [e["label"] for e in codebook if e["name"] not in frame.columns]
    notes.append(
        "Small samples: every analysis of these data on the collabdx research page says the "
        "n it used and the n it needs (reliability 100, a CFA 480 complete responses)."
    )
    return statfile_bytes(frame, columns, fmt, notes)


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
