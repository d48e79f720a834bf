"""Answers collected elsewhere: parse an uploaded file, and hold the parsed rows
between the upload page and the confirm page.

The file goes through the command line's importer (``collabdx.io.read_responses``),
so the web app accepts exactly what ``collabdx score`` accepts, with the same
personal-data rule (those columns are dropped before any value is read), the same
XLSX zip-bomb guard and the same located error messages.

The importer reads from a path, so the bytes are written to a private temporary
directory that is deleted as soon as the importer returns, error or not. What is
kept until the facilitator confirms is the parsed values only: per response, the
organisation the file names and the answer codes of the choice questions. Free
text is never kept (no report reads it; the partner chosen on the confirm page
stands for the organisation). They live in the facilitator's session (a database
row), under one key per wave, for at most ``PENDING_MINUTES``, and are deleted on
confirm or cancel.
"""

from __future__ import annotations

import math
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from collabdx.core.instruments import Instrument
from collabdx.io import read_responses
from collabdx.io.sources import CSV_EXTENSIONS, XLSX_EXTENSIONS

PENDING_MINUTES = 60
EXTENSIONS = (*CSV_EXTENSIONS, *XLSX_EXTENSIONS)
_KEY = "cdx_upload_{wave}"


@dataclass(frozen=True)
class ParsedRow:
    """One response from the file: what it says about the organisation ('' when
    blank) and its answer codes, choice questions only."""

    organisation: str
    answers: dict[str, int]


@dataclass(frozen=True)
class ParsedFile:
    file_name: str
    format: str
    instrument_id: str
    instrument_version: str
    rows: tuple[ParsedRow, ...]
    summary: tuple[str, ...]  # the importer's own plain-English lines


def _safe_name(name: str) -> str:
    """The file's base name for messages and the temporary copy, with its extension
    (which the importer reads) kept; nothing of the browser's path."""
    base = Path(name.replace("\\", "/")).name.strip() or "upload"
    return "".join(c for c in base if c.isprintable() and c not in "/\x00")[:120] or "upload"


def parse_upload(name: str, data: bytes, instrument: Instrument) -> ParsedFile:
    """Parse an uploaded file with the command line's importer. Raises
    ResponseImportError for anything wrong with it; never keeps the file."""
    safe = _safe_name(name)
    with tempfile.TemporaryDirectory(prefix="cdx-upload-") as folder:
        path = Path(folder) / safe
        path.write_bytes(data)
        try:
            result = read_responses(path, instrument)
        finally:
            path.unlink(missing_ok=True)
    org = instrument.descriptor_item("organisation")
    org_id = org.id if org is not None and org.type == "text" else None
    responses = result.responses
    rows = []
    choice = [i.id for i in instrument.choice_items]
    for position in range(responses.n):
        codes = responses.codes.iloc[position]
        answers = {
            item: int(codes[item])
            for item in choice
            if not (isinstance(codes[item], float) and math.isnan(codes[item]))
        }
        where = " ".join(str(responses.text.iloc[position][org_id]).split()) if org_id else ""
        rows.append(ParsedRow(where, answers))
    return ParsedFile(
        file_name=result.summary.file_name,
        format=result.summary.format,
        instrument_id=instrument.id,
        instrument_version=instrument.version,
        rows=tuple(rows),
        summary=tuple(result.summary.lines()),
    )


# ---- the pending store: parsed values only, in the session ----


def keep(session: Any, wave_pk: int, parsed: ParsedFile, now: float | None = None) -> None:
    session[_KEY.format(wave=wave_pk)] = {
        "expires": (now or time.time()) + PENDING_MINUTES * 60,
        "file_name": parsed.file_name,
        "format": parsed.format,
        "instrument": [parsed.instrument_id, parsed.instrument_version],
        "summary": list(parsed.summary),
        "rows": [[r.organisation, r.answers] for r in parsed.rows],
    }


def pending(session: Any, wave_pk: int, now: float | None = None) -> ParsedFile | None:
    """The parsed file waiting for confirmation, or None (none, or expired: then it
    is deleted)."""
    key = _KEY.format(wave=wave_pk)
    stored = session.get(key)
    if not isinstance(stored, dict):
        return None
    if stored.get("expires", 0) < (now or time.time()):
        del session[key]
        return None
    instrument_id, version = stored["instrument"]
    rows = (ParsedRow(org, {k: int(v) for k, v in ans.items()}) for org, ans in stored["rows"])
    return ParsedFile(
        file_name=stored["file_name"],
        format=stored["format"],
        instrument_id=instrument_id,
        instrument_version=version,
        rows=tuple(rows),
        summary=tuple(stored["summary"]),
    )


def forget(session: Any, wave_pk: int) -> None:
    session.pop(_KEY.format(wave=wave_pk), None)


def organisation_values(parsed: ParsedFile) -> list[tuple[str, int]]:
    """Each organisation value in the file with how many responses give it, in the
    file's order of first appearance (blank last)."""
    counts: dict[str, int] = {}
    for row in parsed.rows:
        counts[row.organisation] = counts.get(row.organisation, 0) + 1
    named = [(v, n) for v, n in counts.items() if v]
    return named + ([("", counts[""])] if "" in counts else [])
