"""SPSS (.sav) and Stata (.dta) files with variable and value labels, via pyreadstat.

These are row-level files: they take a frame that has **already** been protected by
the row-level disclosure control every download goes through (the web app's
``results.research_files.protected_rows_for_download``), and the codebook that
describes it (:func:`collabdx.io.codebook.build_codebook`, or the protected one). Each
column's codebook label becomes its variable label and its codes become value labels;
missing answers are system-missing. Nothing here decides what may be shown.

Limits of the formats, handled here rather than left to fail: Stata variable labels
hold 80 characters and SPSS's 256, so longer question texts are cut with "…" (the
codebook keeps them whole); Stata value labels need whole-number columns, which coded
answers are.
"""

from __future__ import annotations

import os
import tempfile
import textwrap
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd

StatFormat = Literal["sav", "dta"]
LABEL_LIMIT = {"sav": 256, "dta": 80}


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _note_lines(notes: Sequence[str]) -> list[str]:
    """SPSS document lines hold 80 characters: wrap each note."""
    return [line for note in notes for line in textwrap.wrap(note, 80)]


def labelled_frame(
    header: Sequence[str], rows: Sequence[Sequence[Any]], codebook: Sequence[dict[str, Any]]
) -> pd.DataFrame:
    """The rows as a frame: coded columns as floats (NaN missing), the rest as text."""
    frame = pd.DataFrame([list(r) for r in rows], columns=list(header))
    kinds = {e["name"]: e for e in codebook}
    for col in frame.columns:
        entry = kinds.get(col, {})
        if entry.get("codes") or entry.get("type") in ("score", "scale score", "number"):
            frame[col] = pd.to_numeric(frame[col].replace("", np.nan), errors="coerce")
        elif frame[col].dtype == object:
            frame[col] = frame[col].fillna("").astype(str)
    return frame


def write_statfile(
    frame: pd.DataFrame,
    codebook: Sequence[dict[str, Any]],
    path: Path,
    fmt: StatFormat,
    notes: Sequence[str] = (),
) -> Path:
    """Write ``frame`` as ``fmt`` with the codebook's labels; atomically.

    ``notes`` (what was left out and why, small-sample limits) become the SPSS file's
    document notes; Stata keeps the first as its 80-character data label.
    """
    import pyreadstat

    limit = LABEL_LIMIT[fmt]
    entries = {e["name"]: e for e in codebook}
    column_labels: list[str | None] = [_cut(str(entries.get(c, {}).get("label") or c), limit)
                     for c in frame.columns]  # fmt: skip
    value_labels: dict[str, dict[float | int, str]] = {}
    for col in frame.columns:
        codes = entries.get(col, {}).get("codes") or []
        if codes and pd.api.types.is_numeric_dtype(frame[col]):
            value_labels[col] = {
                (int(c["code"]) if fmt == "dta" else float(c["code"])): _cut(str(c["label"]),
                                                                            limit)
                for c in codes
            }  # fmt: skip
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=path.name + ".", suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        if fmt == "sav":
            pyreadstat.write_sav(frame, tmp, column_labels=column_labels,
                                 variable_value_labels=value_labels,
                                 note=_note_lines(notes) or None)  # fmt: skip
        else:
            pyreadstat.write_dta(frame, tmp, column_labels=column_labels,
                                 variable_value_labels=value_labels,
                                 file_label=_cut(notes[0], 80) if notes else "")  # fmt: skip
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return path


def statfile_bytes(
    frame: pd.DataFrame,
    codebook: Sequence[dict[str, Any]],
    fmt: StatFormat,
    notes: Sequence[str] = (),
) -> bytes:
    """The file's bytes, for a download."""
    with tempfile.TemporaryDirectory(prefix="collabdx-stat-") as tmp:
        path = write_statfile(frame, codebook, Path(tmp) / f"responses.{fmt}", fmt, notes)
        return path.read_bytes()
