"""A wave's responses in the collaboration archive (``collab/archive.py``).

Each wave's responses as the results page's export makes them (shuffled, fresh
random ids, formula-safe, k-anonymous), and nothing at all for a wave under k
responses or a wave still open: a note says why. Registered in
``ResultsConfig.ready()`` (``collab.hooks``).
"""

from __future__ import annotations

from typing import Any

from collabdx.core.disclosure import NOT_SHOWN
from collabdx.web.collab.archive import iso_date
from collabdx.web.collab.models import Wave
from collabdx.web.results.services import (
    ExportRefused,
    NotReleased,
    export_filename,
    export_wave,
)
from collabdx.web.survey.wave_data import MixedInstrumentError


def wave_response_files(wave: Wave, k: int, files: dict[str, bytes]) -> dict[str, Any]:
    """Adds the wave's response files to ``files``; the record's entries for them."""
    files_named: list[str] = []
    record: dict[str, Any] = {"response_files": files_named}
    for fmt in ("csv", "json"):
        try:
            file = export_wave(wave, fmt, k)
        except NotReleased:
            record["response_note"] = (
                "No file: the wave is still open; its responses are released from "
                f"{iso_date(wave.release_date)}."
            )
            break
        except ExportRefused:
            record["response_note"] = (
                f"No file: {NOT_SHOWN.lower()}; results need at least {k} responses."
            )
            break
        except MixedInstrumentError as exc:
            record["response_note"] = f"No file: {exc}"
            break
        name = "responses/" + export_filename(wave.collaboration, wave, fmt)
        files[name] = file.data
        files_named.append(name)
    return record
